package dev.clarion.client;

import dev.clarion.v1.CredentialsServiceGrpc;
import dev.clarion.v1.DeviceRegistryServiceGrpc;
import dev.clarion.v1.PolicyAdminServiceGrpc;
import dev.clarion.v1.PushSenderServiceGrpc;
import dev.clarion.v1.WatchReceiptsRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A thin convenience layer over the generated stubs in {@code dev.clarion.v1}: one channel whose
 * every call carries the API key ({@code authorization: Bearer <key>}) and, for unary calls
 * without a deadline of their own, {@link #DEFAULT_TIMEOUT}; and {@link #watchReceipts}, a
 * receipts stream that reconnects and resumes after its last cursor. Everything else is the
 * generated API, used as is.
 *
 * <pre>{@code
 * try (ClarionClient clarion = ClarionClient.builder("clarion.internal:50051").apiKey(key).build()) {
 *   clarion.push().send(SendRequest.newBuilder().setParent("apps/acme")...build());
 * }
 * }</pre>
 */
public final class ClarionClient implements AutoCloseable {
  /** How long a unary call may take when the caller sets no deadline. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel managed;
  private final Channel channel;

  private ClarionClient(ManagedChannel managed, String apiKey, Duration timeout) {
    this.managed = managed;
    this.channel = ClientInterceptors.intercept(managed, new Defaults(apiKey, timeout));
  }

  /** Starts building a client for {@code target} ("host:port", or any gRPC target URI). */
  public static Builder builder(String target) {
    return new Builder(target);
  }

  /** The authenticated channel, for async or future stubs of the same services. */
  public Channel channel() {
    return channel;
  }

  public DeviceRegistryServiceGrpc.DeviceRegistryServiceBlockingStub devices() {
    return DeviceRegistryServiceGrpc.newBlockingStub(channel);
  }

  public CredentialsServiceGrpc.CredentialsServiceBlockingStub credentials() {
    return CredentialsServiceGrpc.newBlockingStub(channel);
  }

  public PushSenderServiceGrpc.PushSenderServiceBlockingStub push() {
    return PushSenderServiceGrpc.newBlockingStub(channel);
  }

  public PolicyAdminServiceGrpc.PolicyAdminServiceBlockingStub admin() {
    return PolicyAdminServiceGrpc.newBlockingStub(channel);
  }

  /**
   * A watcher of the receipts {@code request} selects, which reconnects and resumes after the
   * last cursor it handled; start it with {@link ReceiptWatcher#run}.
   */
  public ReceiptWatcher watchReceipts(WatchReceiptsRequest request) {
    return new ReceiptWatcher(push(), request);
  }

  /** Shuts the channel down, waiting up to five seconds for calls in flight. */
  @Override
  public void close() throws InterruptedException {
    managed.shutdown();
    if (!managed.awaitTermination(5, TimeUnit.SECONDS)) {
      managed.shutdownNow();
    }
  }

  /** Builds a {@link ClarionClient}. */
  public static final class Builder {
    private final String target;
    private String apiKey;
    private boolean plaintext;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(String target) {
      this.target = Objects.requireNonNull(target, "target");
    }

    /** The API key sent with every call. */
    public Builder apiKey(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      return this;
    }

    /** Connects without TLS (a Clarion on localhost or a private network). */
    public Builder usePlaintext() {
      this.plaintext = true;
      return this;
    }

    /** Replaces {@link #DEFAULT_TIMEOUT}; {@code null} leaves unary calls without one. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public ClarionClient build() {
      if (apiKey == null) {
        throw new IllegalStateException("apiKey is required");
      }
      ManagedChannelBuilder<?> builder = ManagedChannelBuilder.forTarget(target);
      if (plaintext) {
        builder.usePlaintext();
      } else {
        builder.useTransportSecurity();
      }
      return new ClarionClient(builder.build(), apiKey, timeout);
    }
  }

  /** Adds the key to every call, and the default deadline to unary calls without one. */
  private static final class Defaults implements ClientInterceptor {
    private final String authorization;
    private final Duration timeout;

    Defaults(String apiKey, Duration timeout) {
      this.authorization = "Bearer " + apiKey;
      this.timeout = timeout;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      // Streams get no default deadline: WatchReceipts is meant to stay open.
      if (timeout != null
          && method.getType() == MethodDescriptor.MethodType.UNARY
          && options.getDeadline() == null) {
        options = options.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      return new ForwardingClientCall.SimpleForwardingClientCall<Q, R>(
          next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          headers.put(AUTHORIZATION, authorization);
          super.start(listener, headers);
        }
      };
    }
  }
}
