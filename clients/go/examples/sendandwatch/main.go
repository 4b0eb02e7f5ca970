// Command sendandwatch is the Go client's example.
//
//	sendandwatch [--plaintext] send APP [USER]
//	sendandwatch [--plaintext] watch APP [now]
//
// "send" registers an iOS device for USER (default "example-user") in app APP, sends that
// user a notification and prints the send's receipts as they arrive, until every delivery
// has settled. "watch" prints every receipt of the app from the start of its log (with
// "now": from now on) until interrupted, reconnecting whenever the connection drops.
// --plaintext connects without TLS (as scripts/serve listens).
//
// The server and key come from the environment, as for the clarion CLI: CLARION_SERVER
// (host:port, default 127.0.0.1:50051) and CLARION_API_KEY (scopes devices:write,
// push:send, receipts:read).
//
// It is a module of its own, which requires the client by its path (see its go.mod):
//
//	cd clients/go/examples/sendandwatch && go run . --plaintext send acme
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/clarionpush/clarion/clients/go/clarion"
	clarionv1 "github.com/clarionpush/clarion/clients/go/clarion/v1"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil && !errors.Is(err, context.Canceled) {
		log.Fatal(err)
	}
}

const usage = "usage: sendandwatch [--plaintext] send APP [USER] | watch APP [now]"

func run(ctx context.Context, args []string) error {
	var opts []clarion.Option
	if len(args) > 0 && args[0] == "--plaintext" {
		opts = append(opts, clarion.WithInsecure())
		args = args[1:]
	}
	if len(args) < 2 {
		return errors.New(usage)
	}
	mode, parent, extra := args[0], "apps/"+args[1], args[2:]
	client, err := clarion.New(env("CLARION_SERVER", "127.0.0.1:50051"), os.Getenv("CLARION_API_KEY"), opts...)
	if err != nil {
		return err
	}
	defer client.Close()
	switch mode {
	case "send":
		user := "example-user"
		if len(extra) > 0 {
			user = extra[0]
		}
		return sendAndWatch(ctx, client, parent, user)
	case "watch":
		start := clarionv1.StartPosition_START_POSITION_EARLIEST
		if len(extra) > 0 && extra[0] == "now" {
			start = clarionv1.StartPosition_START_POSITION_NOW
		}
		return watchAll(ctx, client, parent, start)
	}
	return errors.New(usage)
}

func sendAndWatch(ctx context.Context, client *clarion.Client, parent, user string) error {
	registered, err := client.Devices.RegisterDevice(ctx, &clarionv1.RegisterDeviceRequest{
		Parent: parent,
		Device: &clarionv1.Device{
			Provider: clarionv1.Provider_PROVIDER_APNS,
			Platform: clarionv1.Platform_PLATFORM_IOS,
			Token:    randomHex(32), // an APNs device token, as the iOS app would report it
			UserId:   user,
		},
	})
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	fmt.Printf("device %s\n", registered.GetDevice().GetName())

	sent, err := client.Push.Send(ctx, &clarionv1.SendRequest{
		Parent: parent,
		Target: &clarionv1.Target{Kind: &clarionv1.Target_UserId{UserId: user}},
		Notification: &clarionv1.Notification{
			Title: "Hello from Go",
			Body:  "Your order shipped.",
		},
	})
	if err != nil {
		return fmt.Errorf("send: %w", err)
	}
	send := sent.GetSend()
	fmt.Printf("send %s deliveries=%d\n", send.GetName(), send.GetCounts().GetTotal())

	total := send.GetCounts().GetTotal()
	if total == 0 {
		return nil
	}
	// Every receipt of this send from its first one; stop once each delivery has settled.
	settled := map[string]bool{}
	errDone := errors.New("every delivery settled")
	watch := &clarionv1.WatchReceiptsRequest{
		Parent: parent,
		Send:   send.GetName(),
		Start:  clarionv1.StartPosition_START_POSITION_EARLIEST,
	}
	err = client.WatchReceipts(ctx, watch, func(r *clarionv1.Receipt) error {
		printReceipt(r)
		if final(r.GetStatus()) {
			settled[r.GetDelivery()] = true
		}
		if int64(len(settled)) == total {
			return errDone
		}
		return nil
	})
	if errors.Is(err, errDone) {
		return nil
	}
	return err
}

func watchAll(ctx context.Context, client *clarion.Client, parent string,
	start clarionv1.StartPosition,
) error {
	watch := &clarionv1.WatchReceiptsRequest{Parent: parent, Start: start}
	return client.WatchReceipts(ctx, watch, func(r *clarionv1.Receipt) error {
		printReceipt(r)
		return nil
	}, clarion.WatchOptions{OnReconnect: func(err error, after int64) {
		fmt.Printf("reconnecting after=%d error=%q\n", after, fmt.Sprint(err))
	}})
}

func printReceipt(r *clarionv1.Receipt) {
	fmt.Printf("receipt cursor=%d status=%s device=%s send=%s reason=%s\n",
		r.GetCursor(), r.GetStatus(), r.GetDevice(), r.GetSend(), r.GetReason())
}

// final: a status after which the delivery does not go out (engagement may still follow).
func final(status clarionv1.DeliveryStatus) bool {
	switch status {
	case clarionv1.DeliveryStatus_DELIVERY_STATUS_SENT,
		clarionv1.DeliveryStatus_DELIVERY_STATUS_SUPPRESSED,
		clarionv1.DeliveryStatus_DELIVERY_STATUS_FAILED,
		clarionv1.DeliveryStatus_DELIVERY_STATUS_INVALID_TOKEN,
		clarionv1.DeliveryStatus_DELIVERY_STATUS_CANCELLED,
		clarionv1.DeliveryStatus_DELIVERY_STATUS_EXPIRED:
		return true
	}
	return false
}

func env(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
