package dev.clarion.example;

import dev.clarion.client.ClarionClient;
import dev.clarion.client.ReceiptWatcher;
import dev.clarion.v1.DeliveryStatus;
import dev.clarion.v1.Device;
import dev.clarion.v1.Notification;
import dev.clarion.v1.Platform;
import dev.clarion.v1.Provider;
import dev.clarion.v1.Receipt;
import dev.clarion.v1.RegisterDeviceRequest;
import dev.clarion.v1.Send;
import dev.clarion.v1.SendRequest;
import dev.clarion.v1.StartPosition;
import dev.clarion.v1.Target;
import dev.clarion.v1.WatchReceiptsRequest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Java client's example.
 *
 * <pre>
 * java -jar clarion-example.jar [--plaintext] send APP [USER]
 * java -jar clarion-example.jar [--plaintext] watch APP [now]
 * </pre>
 *
 * <p>{@code send} registers an iOS device for USER (default "example-user") in app APP, sends
 * that user a notification and prints the send's receipts as they arrive, until every delivery
 * settled. {@code watch} prints every receipt of the app from the start of its log (with {@code
 * now}: from now on) until stopped, reconnecting whenever the connection drops. {@code
 * --plaintext} connects without TLS (as scripts/serve listens).
 *
 * <p>The server and key come from the environment, as for the clarion CLI: CLARION_SERVER
 * (host:port, default 127.0.0.1:50051) and CLARION_API_KEY (scopes devices:write, push:send,
 * receipts:read).
 */
public final class SendAndWatch {
  private static final Set<DeliveryStatus> FINAL =
      EnumSet.of(
          DeliveryStatus.DELIVERY_STATUS_SENT,
          DeliveryStatus.DELIVERY_STATUS_SUPPRESSED,
          DeliveryStatus.DELIVERY_STATUS_FAILED,
          DeliveryStatus.DELIVERY_STATUS_INVALID_TOKEN,
          DeliveryStatus.DELIVERY_STATUS_CANCELLED,
          DeliveryStatus.DELIVERY_STATUS_EXPIRED);

  private SendAndWatch() {}

  private static final String USAGE =
      "usage: clarion-example [--plaintext] send APP [USER] | watch APP [now]";

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    boolean plaintext = !rest.isEmpty() && rest.get(0).equals("--plaintext");
    if (plaintext) {
      rest.remove(0);
    }
    if (rest.size() < 2 || !(rest.get(0).equals("send") || rest.get(0).equals("watch"))) {
      System.err.println(USAGE);
      System.exit(2);
    }
    String parent = "apps/" + rest.get(1);
    String extra = rest.size() > 2 ? rest.get(2) : null;
    ClarionClient.Builder builder =
        ClarionClient.builder(env("CLARION_SERVER", "127.0.0.1:50051"))
            .apiKey(env("CLARION_API_KEY", ""));
    if (plaintext) {
      builder.usePlaintext();
    }
    try (ClarionClient clarion = builder.build()) {
      if (rest.get(0).equals("watch")) {
        boolean now = "now".equals(extra);
        watchAll(
            clarion,
            parent,
            now ? StartPosition.START_POSITION_NOW : StartPosition.START_POSITION_EARLIEST);
      } else {
        sendAndWatch(clarion, parent, extra != null ? extra : "example-user");
      }
    }
  }

  private static void sendAndWatch(ClarionClient clarion, String parent, String user)
      throws InterruptedException {
    StringBuilder token = new StringBuilder(); // an APNs device token, as iOS reports it
    new SecureRandom().ints(32, 0, 256).forEach(b -> token.append(String.format("%02x", b)));
    Device device =
        clarion
            .devices()
            .registerDevice(
                RegisterDeviceRequest.newBuilder()
                    .setParent(parent)
                    .setDevice(
                        Device.newBuilder()
                            .setProvider(Provider.PROVIDER_APNS)
                            .setPlatform(Platform.PLATFORM_IOS)
                            .setToken(token.toString())
                            .setUserId(user))
                    .build())
            .getDevice();
    System.out.println("device " + device.getName());

    Send send =
        clarion
            .push()
            .send(
                SendRequest.newBuilder()
                    .setParent(parent)
                    .setTarget(Target.newBuilder().setUserId(user))
                    .setNotification(
                        Notification.newBuilder()
                            .setTitle("Hello from Java")
                            .setBody("Your order shipped."))
                    .build())
            .getSend();
    long total = send.getCounts().getTotal();
    System.out.println("send " + send.getName() + " deliveries=" + total);
    if (total == 0) {
      return;
    }

    // Every receipt of this send from its first one; stop once each delivery has settled.
    Set<String> settled = new HashSet<>();
    WatchReceiptsRequest request =
        WatchReceiptsRequest.newBuilder()
            .setParent(parent)
            .setSend(send.getName())
            .setStart(StartPosition.START_POSITION_EARLIEST)
            .build();
    try (ReceiptWatcher watcher = clarion.watchReceipts(request)) {
      watcher.run(
          receipt -> {
            print(receipt);
            if (FINAL.contains(receipt.getStatus())) {
              settled.add(receipt.getDelivery());
            }
            if (settled.size() == total) {
              watcher.close();
            }
          });
    }
  }

  private static void watchAll(ClarionClient clarion, String parent, StartPosition start)
      throws InterruptedException {
    WatchReceiptsRequest request =
        WatchReceiptsRequest.newBuilder().setParent(parent).setStart(start).build();
    try (ReceiptWatcher watcher = clarion.watchReceipts(request)) {
      Runtime.getRuntime().addShutdownHook(new Thread(watcher::close));
      watcher
          .onReconnect(
              (error, after) ->
                  System.out.println("reconnecting after=" + after + " error=" + error))
          .run(SendAndWatch::print);
    }
  }

  private static void print(Receipt r) {
    System.out.println(
        "receipt cursor=" + r.getCursor()
            + " status=" + r.getStatus()
            + " device=" + r.getDevice()
            + " send=" + r.getSend()
            + " reason=" + r.getReason());
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
