/**
 * A thin convenience layer over the generated Clarion code (protobuf-es messages and service
 * descriptors in `./gen`, importable as `@clarionpush/client/v1/<file>_pb`): Connect clients
 * for the four services on one gRPC transport whose every call carries the API key, a
 * default deadline on unary calls, and `watchReceipts`, a receipts stream that reconnects
 * and resumes after its last cursor. Everything else is the generated API, used as is.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createClient,
  type Client,
  type Interceptor,
  type Transport,
} from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

import { CredentialsService } from "./gen/clarion/v1/credentials_service_pb.js";
import { DeviceRegistryService } from "./gen/clarion/v1/device_registry_service_pb.js";
import { PolicyAdminService } from "./gen/clarion/v1/policy_admin_service_pb.js";
import {
  PushSenderService,
  WatchReceiptsRequestSchema,
} from "./gen/clarion/v1/push_sender_service_pb.js";
import { StartPosition, type Receipt } from "./gen/clarion/v1/receipt_pb.js";

/** How long a unary call may take when the caller passes no `timeoutMs` of its own. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Initial metadata in which WatchReceipts says after which cursor the stream starts. */
export const START_CURSOR_HEADER = "clarion-start-cursor";

export interface ClarionClientOptions {
  /** `http://host:port` for a server without TLS, `https://host:port` with TLS. */
  baseUrl: string;
  /** Sent as `authorization: Bearer <key>` on every call. */
  apiKey: string;
  /** Default deadline of unary calls; 0 leaves them without one. */
  timeoutMs?: number;
  /** Replaces the gRPC transport (for tests, or another Connect transport). */
  transport?: Transport;
}

export interface WatchOptions {
  /** Ends the watch (the generator returns). Breaking out of `for await` does too. */
  signal?: AbortSignal;
  /** Called before each reconnection with the error that ended the stream (undefined if
   * the server ended it) and the cursor the next stream resumes after. */
  onReconnect?: (error: ConnectError | undefined, afterCursor: bigint) => void;
  /** Bounds of the wait between reconnections (200 ms and 5 s by default). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** One Clarion connection: a Connect client per service, all calling with one API key. */
export interface ClarionClient {
  readonly transport: Transport;
  readonly devices: Client<typeof DeviceRegistryService>;
  readonly credentials: Client<typeof CredentialsService>;
  readonly push: Client<typeof PushSenderService>;
  readonly admin: Client<typeof PolicyAdminService>;
  /** The receipts `request` selects, in cursor order, across dropped connections. */
  watchReceipts(
    request: MessageInitShape<typeof WatchReceiptsRequestSchema>,
    options?: WatchOptions,
  ): AsyncGenerator<Receipt>;
}

export function createClarionClient(options: ClarionClientOptions): ClarionClient {
  const auth: Interceptor = (next) => async (req) => {
    req.header.set("authorization", `Bearer ${options.apiKey}`);
    return await next(req);
  };
  const transport = withUnaryDeadline(
    options.transport ??
      createGrpcTransport({ baseUrl: options.baseUrl, interceptors: [auth] }),
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
  const push = createClient(PushSenderService, transport);
  return {
    transport,
    devices: createClient(DeviceRegistryService, transport),
    credentials: createClient(CredentialsService, transport),
    push,
    admin: createClient(PolicyAdminService, transport),
    watchReceipts: (request, watchOptions) => watchReceipts(push, request, watchOptions),
  };
}

/** Unary calls without a timeout of their own get `timeoutMs`; streams (WatchReceipts is
 * meant to stay open) get none. */
function withUnaryDeadline(transport: Transport, timeoutMs: number): Transport {
  return {
    unary: (method, signal, callTimeoutMs, ...rest) =>
      transport.unary(method, signal, callTimeoutMs ?? timeoutMs, ...rest),
    stream: (...args) => transport.stream(...args),
  };
}

// Codes a reconnection may cure (a dropped connection, a restarting or busy server). Bad
// requests, auth failures and a cursor out of range are the caller's to fix.
const RETRYABLE = new Set([
  Code.Unavailable,
  Code.Unknown,
  Code.Internal,
  Code.Aborted,
  Code.ResourceExhausted,
  Code.DeadlineExceeded,
]);

/**
 * Yields the receipts `request` selects, in cursor order, reconnecting whenever the stream
 * fails: each reconnection resumes after the last receipt yielded (or where the first stream
 * started, if none was), so nothing is missed and nothing repeated. Errors a retry cannot
 * cure (PermissionDenied, OutOfRange, ...) are thrown as ConnectError.
 */
export async function* watchReceipts(
  push: Client<typeof PushSenderService>,
  request: MessageInitShape<typeof WatchReceiptsRequestSchema>,
  options: WatchOptions = {},
): AsyncGenerator<Receipt> {
  const req = create(WatchReceiptsRequestSchema, request);
  const minBackoff = options.minBackoffMs ?? 200;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  let backoff = minBackoff;
  while (!options.signal?.aborted) {
    const abort = new AbortController();
    const stop = () => abort.abort();
    options.signal?.addEventListener("abort", stop);
    let started = false;
    let error: ConnectError | undefined;
    try {
      const stream = push.watchReceipts(req, {
        signal: abort.signal,
        timeoutMs: 0,
        onHeader: (headers) => {
          const start = headers.get(START_CURSOR_HEADER);
          if (start !== null && /^\d+$/.test(start)) {
            started = true;
            resumeAt(req, BigInt(start));
          }
        },
      });
      for await (const message of stream) {
        if (message.receipt === undefined) continue;
        yield message.receipt;
        resumeAt(req, message.receipt.cursor);
      }
    } catch (e) {
      if (options.signal?.aborted) return;
      error = ConnectError.from(e);
      // Node's http2 resets the streams of a dropped connection with CANCEL, which Connect
      // reports as Canceled: retry that too unless we cancelled it ourselves.
      const dropped = error.code === Code.Canceled && !abort.signal.aborted;
      if (!dropped && !RETRYABLE.has(error.code)) throw error;
    } finally {
      options.signal?.removeEventListener("abort", stop);
      abort.abort(); // the consumer stopped early, or the stream is over: release it
    }
    if (started) backoff = minBackoff;
    options.onReconnect?.(error, req.afterCursor);
    await sleep(backoff / 2 + Math.random() * (backoff / 2), options.signal);
    backoff = Math.min(backoff * 2, maxBackoff);
  }
}

/** Makes `req` continue after `cursor` (0: from the log's start). */
function resumeAt(req: { afterCursor: bigint; start: StartPosition }, cursor: bigint): void {
  if (cursor > 0n) {
    req.afterCursor = cursor;
  } else if (req.afterCursor === 0n) {
    req.start = StartPosition.EARLIEST;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
