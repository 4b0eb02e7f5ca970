/**
 * The TypeScript client's example.
 *
 *   node dist/examples/send-and-watch.js [--plaintext] send APP [USER]
 *   node dist/examples/send-and-watch.js [--plaintext] watch APP [now]
 *
 * `send` registers an iOS device for USER (default "example-user") in app APP, sends that
 * user a notification and prints the send's receipts as they arrive, until every delivery
 * settled. `watch` prints every receipt of the app from the start of its log (with `now`:
 * from now on) until stopped, reconnecting whenever the connection drops. `--plaintext`
 * connects without TLS (as scripts/serve listens).
 *
 * The server and key come from the environment, as for the clarion CLI: CLARION_SERVER
 * (host:port, default 127.0.0.1:50051) and CLARION_API_KEY (scopes devices:write,
 * push:send, receipts:read). Build first: `npm ci && npm run build`.
 */
import { randomBytes } from "node:crypto";

// In another project: from "@clarionpush/client" and "@clarionpush/client/v1/<file>_pb".
import { createClarionClient, type ClarionClient } from "../src/index.js";
import { Platform } from "../src/gen/clarion/v1/device_pb.js";
import { Provider } from "../src/gen/clarion/v1/provider_pb.js";
import { StartPosition, type Receipt } from "../src/gen/clarion/v1/receipt_pb.js";
import { DeliveryStatus, DeliveryStatusSchema } from "../src/gen/clarion/v1/send_pb.js";

const FINAL = new Set([
  DeliveryStatus.SENT,
  DeliveryStatus.SUPPRESSED,
  DeliveryStatus.FAILED,
  DeliveryStatus.INVALID_TOKEN,
  DeliveryStatus.CANCELLED,
  DeliveryStatus.EXPIRED,
]);

function print(r: Receipt): void {
  const status = DeliveryStatusSchema.value[r.status]?.name ?? String(r.status);
  console.log(
    `receipt cursor=${r.cursor} status=${status} device=${r.device} send=${r.send} reason=${r.reason}`,
  );
}

async function sendAndWatch(clarion: ClarionClient, parent: string, user: string): Promise<void> {
  const { device } = await clarion.devices.registerDevice({
    parent,
    device: {
      provider: Provider.APNS,
      platform: Platform.IOS,
      token: randomBytes(32).toString("hex"), // an APNs device token, as iOS reports it
      userId: user,
    },
  });
  console.log(`device ${device?.name}`);

  const { send } = await clarion.push.send({
    parent,
    target: { kind: { case: "userId", value: user } },
    notification: { title: "Hello from TypeScript", body: "Your order shipped." },
  });
  if (send === undefined) throw new Error("Send returned no send");
  const total = Number(send.counts?.total ?? 0n);
  console.log(`send ${send.name} deliveries=${total}`);
  if (total === 0) return;

  // Every receipt of this send from its first one; stop once each delivery has settled.
  const settled = new Set<string>();
  const receipts = clarion.watchReceipts({
    parent,
    send: send.name,
    start: StartPosition.EARLIEST,
  });
  for await (const receipt of receipts) {
    print(receipt);
    if (FINAL.has(receipt.status)) settled.add(receipt.delivery);
    if (settled.size === total) break;
  }
}

async function watchAll(
  clarion: ClarionClient,
  parent: string,
  start: StartPosition,
): Promise<void> {
  const stop = new AbortController();
  process.once("SIGTERM", () => stop.abort());
  process.once("SIGINT", () => stop.abort());
  const receipts = clarion.watchReceipts(
    { parent, start },
    {
      signal: stop.signal,
      onReconnect: (error, after) =>
        console.log(`reconnecting after=${after} error=${error?.message ?? "stream ended"}`),
    },
  );
  for await (const receipt of receipts) print(receipt);
}

const USAGE = "usage: send-and-watch [--plaintext] send APP [USER] | watch APP [now]";

async function main(): Promise<void> {
  let args = process.argv.slice(2);
  const plaintext = args[0] === "--plaintext";
  if (plaintext) args = args.slice(1);
  const [mode, app, extra] = args;
  if (app === undefined || (mode !== "send" && mode !== "watch")) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const server = process.env.CLARION_SERVER || "127.0.0.1:50051";
  const clarion = createClarionClient({
    baseUrl: `${plaintext ? "http" : "https"}://${server}`,
    apiKey: process.env.CLARION_API_KEY ?? "",
  });
  const parent = `apps/${app}`;
  if (mode === "watch") {
    await watchAll(clarion, parent, extra === "now" ? StartPosition.NOW : StartPosition.EARLIEST);
  } else {
    await sendAndWatch(clarion, parent, extra ?? "example-user");
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
