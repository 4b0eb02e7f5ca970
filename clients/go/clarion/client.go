// Package clarion is a thin convenience layer over the generated Clarion gRPC stubs in
// package clarionv1 ("github.com/clarionpush/clarion/clients/go/clarion/v1"): one
// connection whose every call carries the API key, a default deadline on unary calls, and a
// receipts watcher that reconnects and resumes from its last cursor (see watch.go).
// Everything else is the generated API, used as is.
package clarion

import (
	"context"
	"crypto/tls"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	clarionv1 "github.com/clarionpush/clarion/clients/go/clarion/v1"
)

// DefaultTimeout bounds a unary call whose context has no deadline of its own.
const DefaultTimeout = 10 * time.Second

// Client holds one connection to Clarion and a stub for each service.
type Client struct {
	conn *grpc.ClientConn

	Devices     clarionv1.DeviceRegistryServiceClient
	Credentials clarionv1.CredentialsServiceClient
	Push        clarionv1.PushSenderServiceClient
	Admin       clarionv1.PolicyAdminServiceClient
}

type options struct {
	creds   credentials.TransportCredentials
	timeout time.Duration
	dial    []grpc.DialOption
}

// Option changes how New connects.
type Option func(*options)

// WithInsecure connects without TLS (a Clarion on localhost or behind a private network).
func WithInsecure() Option {
	return func(o *options) { o.creds = insecure.NewCredentials() }
}

// WithTLS connects over TLS with the given configuration (the default is the system roots).
func WithTLS(config *tls.Config) Option {
	return func(o *options) { o.creds = credentials.NewTLS(config) }
}

// WithTimeout replaces DefaultTimeout; zero leaves unary calls without a default deadline.
func WithTimeout(timeout time.Duration) Option {
	return func(o *options) { o.timeout = timeout }
}

// WithDialOptions adds gRPC dial options (keepalive, a custom resolver, more interceptors).
func WithDialOptions(dial ...grpc.DialOption) Option {
	return func(o *options) { o.dial = append(o.dial, dial...) }
}

// New connects to target ("host:port") and sends apiKey as `authorization: Bearer <key>`
// on every call. The connection is made lazily, on the first call.
func New(target, apiKey string, opts ...Option) (*Client, error) {
	o := options{creds: credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12}), timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	auth := "Bearer " + apiKey
	dial := append([]grpc.DialOption{
		grpc.WithTransportCredentials(o.creds),
		grpc.WithChainUnaryInterceptor(unaryDefaults(auth, o.timeout)),
		grpc.WithChainStreamInterceptor(streamDefaults(auth)),
	}, o.dial...)
	conn, err := grpc.NewClient(target, dial...)
	if err != nil {
		return nil, err
	}
	return &Client{
		conn:        conn,
		Devices:     clarionv1.NewDeviceRegistryServiceClient(conn),
		Credentials: clarionv1.NewCredentialsServiceClient(conn),
		Push:        clarionv1.NewPushSenderServiceClient(conn),
		Admin:       clarionv1.NewPolicyAdminServiceClient(conn),
	}, nil
}

// Conn is the underlying connection, for stubs of other services (health, reflection).
func (c *Client) Conn() *grpc.ClientConn { return c.conn }

// Close closes the connection; calls in flight fail with codes.Canceled.
func (c *Client) Close() error { return c.conn.Close() }

func unaryDefaults(auth string, timeout time.Duration) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
		invoker grpc.UnaryInvoker, opts ...grpc.CallOption,
	) error {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", auth)
		if _, has := ctx.Deadline(); !has && timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
}

// Streams get the key but no default deadline: WatchReceipts is meant to stay open.
func streamDefaults(auth string) grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string,
		streamer grpc.Streamer, opts ...grpc.CallOption,
	) (grpc.ClientStream, error) {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", auth)
		return streamer(ctx, desc, cc, method, opts...)
	}
}
