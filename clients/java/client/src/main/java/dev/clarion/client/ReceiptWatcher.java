package dev.clarion.client;

import dev.clarion.v1.PushSenderServiceGrpc;
import dev.clarion.v1.Receipt;
import dev.clarion.v1.StartPosition;
import dev.clarion.v1.WatchReceiptsRequest;
import dev.clarion.v1.WatchReceiptsResponse;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Streams receipts across dropped connections and server restarts: each reconnection resumes
 * after the last receipt handled (or where the first stream started, if none was), so nothing
 * is missed and nothing is repeated. {@link #run} blocks; {@link #close} (from any thread)
 * ends it.
 */
public final class ReceiptWatcher implements AutoCloseable {
  /** Initial metadata in which WatchReceipts says after which cursor the stream starts. */
  public static final String START_CURSOR_HEADER = "clarion-start-cursor";

  private static final Metadata.Key<String> START_CURSOR =
      Metadata.Key.of(START_CURSOR_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  // Codes a reconnection may cure (a dropped connection, a restarting or busy server). Bad
  // requests, auth failures and a cursor out of range are the caller's to fix.
  private static final Set<Status.Code> RETRYABLE =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.UNKNOWN,
          Status.Code.INTERNAL,
          Status.Code.ABORTED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.DEADLINE_EXCEEDED);

  private final PushSenderServiceGrpc.PushSenderServiceBlockingStub stub;
  private final WatchReceiptsRequest.Builder request;
  private final Context.CancellableContext context = Context.current().withCancellation();
  private final CountDownLatch closed = new CountDownLatch(1);
  private BiConsumer<StatusRuntimeException, Long> onReconnect = (error, cursor) -> {};
  private Duration minBackoff = Duration.ofMillis(200);
  private Duration maxBackoff = Duration.ofSeconds(5);

  ReceiptWatcher(
      PushSenderServiceGrpc.PushSenderServiceBlockingStub stub, WatchReceiptsRequest request) {
    this.stub = stub;
    this.request = request.toBuilder();
  }

  /**
   * Called before each reconnection with the error that ended the stream ({@code null} if the
   * server ended it) and the cursor the next stream resumes after.
   */
  public ReceiptWatcher onReconnect(BiConsumer<StatusRuntimeException, Long> hook) {
    this.onReconnect = hook;
    return this;
  }

  /** Bounds of the wait between reconnections (200 ms and 5 s by default). */
  public ReceiptWatcher backoff(Duration min, Duration max) {
    this.minBackoff = min;
    this.maxBackoff = max;
    return this;
  }

  /**
   * Hands every receipt to {@code handler}, in cursor order, until {@link #close} is called.
   *
   * @throws StatusRuntimeException on an error a retry cannot cure (PERMISSION_DENIED,
   *     OUT_OF_RANGE, ...)
   */
  public void run(Consumer<Receipt> handler) throws InterruptedException {
    Duration backoff = minBackoff;
    while (!context.isCancelled()) {
      Attempt attempt = watchOnce(handler);
      if (context.isCancelled()) {
        return;
      }
      if (attempt.error != null && !RETRYABLE.contains(attempt.error.getStatus().getCode())) {
        throw attempt.error;
      }
      if (attempt.started) {
        backoff = minBackoff;
      }
      onReconnect.accept(attempt.error, request.getAfterCursor());
      long half = backoff.toMillis() / 2;
      long wait = half + ThreadLocalRandom.current().nextLong(half + 1);
      if (closed.await(wait, TimeUnit.MILLISECONDS)) {
        return;
      }
      Duration doubled = backoff.multipliedBy(2);
      backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
    }
  }

  /** Ends {@link #run}: the stream is cancelled and run returns. */
  @Override
  public void close() {
    closed.countDown();
    context.cancel(null);
  }

  /** How one stream ended: whether the server had accepted it, and with what error. */
  private static final class Attempt {
    boolean started;
    StatusRuntimeException error;
  }

  /** One stream, until it ends, moving the resume point forward as receipts arrive. */
  private Attempt watchOnce(Consumer<Receipt> handler) {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    PushSenderServiceGrpc.PushSenderServiceBlockingStub capturing =
        stub.withInterceptors(
            MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()));
    Attempt attempt = new Attempt();
    Context previous = context.attach();
    try {
      Iterator<WatchReceiptsResponse> stream = capturing.watchReceipts(request.build());
      while (stream.hasNext()) {
        // Headers always come before the first message.
        attempt.started = attempt.started || startAt(headers.get());
        Receipt receipt = stream.next().getReceipt();
        handler.accept(receipt);
        resumeAt(receipt.getCursor());
      }
    } catch (StatusRuntimeException e) {
      attempt.error = e;
    } finally {
      context.detach(previous);
    }
    // A stream that failed or ended before any receipt still started where its headers said.
    attempt.started = attempt.started || startAt(headers.get());
    return attempt;
  }

  /** Applies the stream's start cursor, if its headers carried one; true if they did. */
  private boolean startAt(Metadata headers) {
    String value = headers == null ? null : headers.get(START_CURSOR);
    if (value == null) {
      return false;
    }
    try {
      resumeAt(Long.parseLong(value));
    } catch (NumberFormatException e) {
      return false;
    }
    return true;
  }

  /** Makes the next stream continue after {@code cursor} (0: from the log's start). */
  private void resumeAt(long cursor) {
    if (cursor > 0) {
      request.setAfterCursor(cursor);
    } else if (request.getAfterCursor() == 0) {
      request.setStart(StartPosition.START_POSITION_EARLIEST);
    }
  }
}
