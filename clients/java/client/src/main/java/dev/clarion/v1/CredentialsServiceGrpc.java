package dev.clarion.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Stores the provider credentials of an app. Credentials are write-only: they are encrypted
 * at rest (AES-256-GCM) and no RPC, log or error ever returns their secret material.
 * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED (scope app:manage).
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class CredentialsServiceGrpc {

  private CredentialsServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "clarion.v1.CredentialsService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.PutCredentialRequest,
      dev.clarion.v1.PutCredentialResponse> getPutCredentialMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "PutCredential",
      requestType = dev.clarion.v1.PutCredentialRequest.class,
      responseType = dev.clarion.v1.PutCredentialResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.PutCredentialRequest,
      dev.clarion.v1.PutCredentialResponse> getPutCredentialMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.PutCredentialRequest, dev.clarion.v1.PutCredentialResponse> getPutCredentialMethod;
    if ((getPutCredentialMethod = CredentialsServiceGrpc.getPutCredentialMethod) == null) {
      synchronized (CredentialsServiceGrpc.class) {
        if ((getPutCredentialMethod = CredentialsServiceGrpc.getPutCredentialMethod) == null) {
          CredentialsServiceGrpc.getPutCredentialMethod = getPutCredentialMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.PutCredentialRequest, dev.clarion.v1.PutCredentialResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "PutCredential"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.PutCredentialRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.PutCredentialResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CredentialsServiceMethodDescriptorSupplier("PutCredential"))
              .build();
        }
      }
    }
    return getPutCredentialMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.ListCredentialsRequest,
      dev.clarion.v1.ListCredentialsResponse> getListCredentialsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListCredentials",
      requestType = dev.clarion.v1.ListCredentialsRequest.class,
      responseType = dev.clarion.v1.ListCredentialsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.ListCredentialsRequest,
      dev.clarion.v1.ListCredentialsResponse> getListCredentialsMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.ListCredentialsRequest, dev.clarion.v1.ListCredentialsResponse> getListCredentialsMethod;
    if ((getListCredentialsMethod = CredentialsServiceGrpc.getListCredentialsMethod) == null) {
      synchronized (CredentialsServiceGrpc.class) {
        if ((getListCredentialsMethod = CredentialsServiceGrpc.getListCredentialsMethod) == null) {
          CredentialsServiceGrpc.getListCredentialsMethod = getListCredentialsMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.ListCredentialsRequest, dev.clarion.v1.ListCredentialsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListCredentials"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListCredentialsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListCredentialsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CredentialsServiceMethodDescriptorSupplier("ListCredentials"))
              .build();
        }
      }
    }
    return getListCredentialsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.DeleteCredentialRequest,
      dev.clarion.v1.DeleteCredentialResponse> getDeleteCredentialMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteCredential",
      requestType = dev.clarion.v1.DeleteCredentialRequest.class,
      responseType = dev.clarion.v1.DeleteCredentialResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.DeleteCredentialRequest,
      dev.clarion.v1.DeleteCredentialResponse> getDeleteCredentialMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.DeleteCredentialRequest, dev.clarion.v1.DeleteCredentialResponse> getDeleteCredentialMethod;
    if ((getDeleteCredentialMethod = CredentialsServiceGrpc.getDeleteCredentialMethod) == null) {
      synchronized (CredentialsServiceGrpc.class) {
        if ((getDeleteCredentialMethod = CredentialsServiceGrpc.getDeleteCredentialMethod) == null) {
          CredentialsServiceGrpc.getDeleteCredentialMethod = getDeleteCredentialMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.DeleteCredentialRequest, dev.clarion.v1.DeleteCredentialResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteCredential"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.DeleteCredentialRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.DeleteCredentialResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CredentialsServiceMethodDescriptorSupplier("DeleteCredential"))
              .build();
        }
      }
    }
    return getDeleteCredentialMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.GetVapidPublicKeyRequest,
      dev.clarion.v1.GetVapidPublicKeyResponse> getGetVapidPublicKeyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetVapidPublicKey",
      requestType = dev.clarion.v1.GetVapidPublicKeyRequest.class,
      responseType = dev.clarion.v1.GetVapidPublicKeyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.GetVapidPublicKeyRequest,
      dev.clarion.v1.GetVapidPublicKeyResponse> getGetVapidPublicKeyMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.GetVapidPublicKeyRequest, dev.clarion.v1.GetVapidPublicKeyResponse> getGetVapidPublicKeyMethod;
    if ((getGetVapidPublicKeyMethod = CredentialsServiceGrpc.getGetVapidPublicKeyMethod) == null) {
      synchronized (CredentialsServiceGrpc.class) {
        if ((getGetVapidPublicKeyMethod = CredentialsServiceGrpc.getGetVapidPublicKeyMethod) == null) {
          CredentialsServiceGrpc.getGetVapidPublicKeyMethod = getGetVapidPublicKeyMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.GetVapidPublicKeyRequest, dev.clarion.v1.GetVapidPublicKeyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetVapidPublicKey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetVapidPublicKeyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetVapidPublicKeyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CredentialsServiceMethodDescriptorSupplier("GetVapidPublicKey"))
              .build();
        }
      }
    }
    return getGetVapidPublicKeyMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static CredentialsServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CredentialsServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CredentialsServiceStub>() {
        @java.lang.Override
        public CredentialsServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CredentialsServiceStub(channel, callOptions);
        }
      };
    return CredentialsServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static CredentialsServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CredentialsServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CredentialsServiceBlockingV2Stub>() {
        @java.lang.Override
        public CredentialsServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CredentialsServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return CredentialsServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static CredentialsServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CredentialsServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CredentialsServiceBlockingStub>() {
        @java.lang.Override
        public CredentialsServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CredentialsServiceBlockingStub(channel, callOptions);
        }
      };
    return CredentialsServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static CredentialsServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CredentialsServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CredentialsServiceFutureStub>() {
        @java.lang.Override
        public CredentialsServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CredentialsServiceFutureStub(channel, callOptions);
        }
      };
    return CredentialsServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Stores the provider credentials of an app. Credentials are write-only: they are encrypted
   * at rest (AES-256-GCM) and no RPC, log or error ever returns their secret material.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED (scope app:manage).
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Stores (or replaces) the app's credential for one provider, after validating it: a .p8
     * must be an EC P-256 key, a service account must hold what FCM needs, and so on.
     * Errors: INVALID_ARGUMENT (with the offending field, never the secret), NOT_FOUND (app).
     * </pre>
     */
    default void putCredential(dev.clarion.v1.PutCredentialRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.PutCredentialResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getPutCredentialMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists the app's credentials, metadata only. Errors: NOT_FOUND (app).
     * </pre>
     */
    default void listCredentials(dev.clarion.v1.ListCredentialsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListCredentialsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListCredentialsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes one credential; deliveries through that provider then fail with auth_error.
     * Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    default void deleteCredential(dev.clarion.v1.DeleteCredentialRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.DeleteCredentialResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteCredentialMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns the app's VAPID public key (the browser's applicationServerKey), generating a
     * key pair on the first call. Scope: app:manage or devices:register (a web app needs it
     * to subscribe). Errors: NOT_FOUND (app).
     * </pre>
     */
    default void getVapidPublicKey(dev.clarion.v1.GetVapidPublicKeyRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetVapidPublicKeyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetVapidPublicKeyMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service CredentialsService.
   * <pre>
   * Stores the provider credentials of an app. Credentials are write-only: they are encrypted
   * at rest (AES-256-GCM) and no RPC, log or error ever returns their secret material.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED (scope app:manage).
   * </pre>
   */
  public static abstract class CredentialsServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return CredentialsServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service CredentialsService.
   * <pre>
   * Stores the provider credentials of an app. Credentials are write-only: they are encrypted
   * at rest (AES-256-GCM) and no RPC, log or error ever returns their secret material.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED (scope app:manage).
   * </pre>
   */
  public static final class CredentialsServiceStub
      extends io.grpc.stub.AbstractAsyncStub<CredentialsServiceStub> {
    private CredentialsServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CredentialsServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CredentialsServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores (or replaces) the app's credential for one provider, after validating it: a .p8
     * must be an EC P-256 key, a service account must hold what FCM needs, and so on.
     * Errors: INVALID_ARGUMENT (with the offending field, never the secret), NOT_FOUND (app).
     * </pre>
     */
    public void putCredential(dev.clarion.v1.PutCredentialRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.PutCredentialResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getPutCredentialMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists the app's credentials, metadata only. Errors: NOT_FOUND (app).
     * </pre>
     */
    public void listCredentials(dev.clarion.v1.ListCredentialsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListCredentialsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListCredentialsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes one credential; deliveries through that provider then fail with auth_error.
     * Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public void deleteCredential(dev.clarion.v1.DeleteCredentialRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.DeleteCredentialResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteCredentialMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns the app's VAPID public key (the browser's applicationServerKey), generating a
     * key pair on the first call. Scope: app:manage or devices:register (a web app needs it
     * to subscribe). Errors: NOT_FOUND (app).
     * </pre>
     */
    public void getVapidPublicKey(dev.clarion.v1.GetVapidPublicKeyRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetVapidPublicKeyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetVapidPublicKeyMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service CredentialsService.
   * <pre>
   * Stores the provider credentials of an app. Credentials are write-only: they are encrypted
   * at rest (AES-256-GCM) and no RPC, log or error ever returns their secret material.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED (scope app:manage).
   * </pre>
   */
  public static final class CredentialsServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<CredentialsServiceBlockingV2Stub> {
    private CredentialsServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CredentialsServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CredentialsServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores (or replaces) the app's credential for one provider, after validating it: a .p8
     * must be an EC P-256 key, a service account must hold what FCM needs, and so on.
     * Errors: INVALID_ARGUMENT (with the offending field, never the secret), NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.PutCredentialResponse putCredential(dev.clarion.v1.PutCredentialRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getPutCredentialMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the app's credentials, metadata only. Errors: NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.ListCredentialsResponse listCredentials(dev.clarion.v1.ListCredentialsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListCredentialsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes one credential; deliveries through that provider then fail with auth_error.
     * Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.DeleteCredentialResponse deleteCredential(dev.clarion.v1.DeleteCredentialRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteCredentialMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns the app's VAPID public key (the browser's applicationServerKey), generating a
     * key pair on the first call. Scope: app:manage or devices:register (a web app needs it
     * to subscribe). Errors: NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.GetVapidPublicKeyResponse getVapidPublicKey(dev.clarion.v1.GetVapidPublicKeyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetVapidPublicKeyMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service CredentialsService.
   * <pre>
   * Stores the provider credentials of an app. Credentials are write-only: they are encrypted
   * at rest (AES-256-GCM) and no RPC, log or error ever returns their secret material.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED (scope app:manage).
   * </pre>
   */
  public static final class CredentialsServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<CredentialsServiceBlockingStub> {
    private CredentialsServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CredentialsServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CredentialsServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores (or replaces) the app's credential for one provider, after validating it: a .p8
     * must be an EC P-256 key, a service account must hold what FCM needs, and so on.
     * Errors: INVALID_ARGUMENT (with the offending field, never the secret), NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.PutCredentialResponse putCredential(dev.clarion.v1.PutCredentialRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getPutCredentialMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the app's credentials, metadata only. Errors: NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.ListCredentialsResponse listCredentials(dev.clarion.v1.ListCredentialsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListCredentialsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes one credential; deliveries through that provider then fail with auth_error.
     * Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.DeleteCredentialResponse deleteCredential(dev.clarion.v1.DeleteCredentialRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteCredentialMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns the app's VAPID public key (the browser's applicationServerKey), generating a
     * key pair on the first call. Scope: app:manage or devices:register (a web app needs it
     * to subscribe). Errors: NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.GetVapidPublicKeyResponse getVapidPublicKey(dev.clarion.v1.GetVapidPublicKeyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetVapidPublicKeyMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service CredentialsService.
   * <pre>
   * Stores the provider credentials of an app. Credentials are write-only: they are encrypted
   * at rest (AES-256-GCM) and no RPC, log or error ever returns their secret material.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED (scope app:manage).
   * </pre>
   */
  public static final class CredentialsServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<CredentialsServiceFutureStub> {
    private CredentialsServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CredentialsServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CredentialsServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores (or replaces) the app's credential for one provider, after validating it: a .p8
     * must be an EC P-256 key, a service account must hold what FCM needs, and so on.
     * Errors: INVALID_ARGUMENT (with the offending field, never the secret), NOT_FOUND (app).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.PutCredentialResponse> putCredential(
        dev.clarion.v1.PutCredentialRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getPutCredentialMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists the app's credentials, metadata only. Errors: NOT_FOUND (app).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.ListCredentialsResponse> listCredentials(
        dev.clarion.v1.ListCredentialsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListCredentialsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes one credential; deliveries through that provider then fail with auth_error.
     * Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.DeleteCredentialResponse> deleteCredential(
        dev.clarion.v1.DeleteCredentialRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteCredentialMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns the app's VAPID public key (the browser's applicationServerKey), generating a
     * key pair on the first call. Scope: app:manage or devices:register (a web app needs it
     * to subscribe). Errors: NOT_FOUND (app).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.GetVapidPublicKeyResponse> getVapidPublicKey(
        dev.clarion.v1.GetVapidPublicKeyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetVapidPublicKeyMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_PUT_CREDENTIAL = 0;
  private static final int METHODID_LIST_CREDENTIALS = 1;
  private static final int METHODID_DELETE_CREDENTIAL = 2;
  private static final int METHODID_GET_VAPID_PUBLIC_KEY = 3;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_PUT_CREDENTIAL:
          serviceImpl.putCredential((dev.clarion.v1.PutCredentialRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.PutCredentialResponse>) responseObserver);
          break;
        case METHODID_LIST_CREDENTIALS:
          serviceImpl.listCredentials((dev.clarion.v1.ListCredentialsRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.ListCredentialsResponse>) responseObserver);
          break;
        case METHODID_DELETE_CREDENTIAL:
          serviceImpl.deleteCredential((dev.clarion.v1.DeleteCredentialRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.DeleteCredentialResponse>) responseObserver);
          break;
        case METHODID_GET_VAPID_PUBLIC_KEY:
          serviceImpl.getVapidPublicKey((dev.clarion.v1.GetVapidPublicKeyRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.GetVapidPublicKeyResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getPutCredentialMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.PutCredentialRequest,
              dev.clarion.v1.PutCredentialResponse>(
                service, METHODID_PUT_CREDENTIAL)))
        .addMethod(
          getListCredentialsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.ListCredentialsRequest,
              dev.clarion.v1.ListCredentialsResponse>(
                service, METHODID_LIST_CREDENTIALS)))
        .addMethod(
          getDeleteCredentialMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.DeleteCredentialRequest,
              dev.clarion.v1.DeleteCredentialResponse>(
                service, METHODID_DELETE_CREDENTIAL)))
        .addMethod(
          getGetVapidPublicKeyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.GetVapidPublicKeyRequest,
              dev.clarion.v1.GetVapidPublicKeyResponse>(
                service, METHODID_GET_VAPID_PUBLIC_KEY)))
        .build();
  }

  private static abstract class CredentialsServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    CredentialsServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.clarion.v1.CredentialsServiceProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("CredentialsService");
    }
  }

  private static final class CredentialsServiceFileDescriptorSupplier
      extends CredentialsServiceBaseDescriptorSupplier {
    CredentialsServiceFileDescriptorSupplier() {}
  }

  private static final class CredentialsServiceMethodDescriptorSupplier
      extends CredentialsServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    CredentialsServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (CredentialsServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new CredentialsServiceFileDescriptorSupplier())
              .addMethod(getPutCredentialMethod())
              .addMethod(getListCredentialsMethod())
              .addMethod(getDeleteCredentialMethod())
              .addMethod(getGetVapidPublicKeyMethod())
              .build();
        }
      }
    }
    return result;
  }
}
