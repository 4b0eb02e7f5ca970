package dev.clarion.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Registers and manages the devices of an app.
 * Every RPC may also return UNAUTHENTICATED (no, unknown, revoked or expired API key) and
 * PERMISSION_DENIED (a key without the scope, or for another app). Errors carry a
 * google.rpc.ErrorInfo with a stable `reason`; validation errors carry google.rpc.BadRequest.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class DeviceRegistryServiceGrpc {

  private DeviceRegistryServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "clarion.v1.DeviceRegistryService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.RegisterDeviceRequest,
      dev.clarion.v1.RegisterDeviceResponse> getRegisterDeviceMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RegisterDevice",
      requestType = dev.clarion.v1.RegisterDeviceRequest.class,
      responseType = dev.clarion.v1.RegisterDeviceResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.RegisterDeviceRequest,
      dev.clarion.v1.RegisterDeviceResponse> getRegisterDeviceMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.RegisterDeviceRequest, dev.clarion.v1.RegisterDeviceResponse> getRegisterDeviceMethod;
    if ((getRegisterDeviceMethod = DeviceRegistryServiceGrpc.getRegisterDeviceMethod) == null) {
      synchronized (DeviceRegistryServiceGrpc.class) {
        if ((getRegisterDeviceMethod = DeviceRegistryServiceGrpc.getRegisterDeviceMethod) == null) {
          DeviceRegistryServiceGrpc.getRegisterDeviceMethod = getRegisterDeviceMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.RegisterDeviceRequest, dev.clarion.v1.RegisterDeviceResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RegisterDevice"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.RegisterDeviceRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.RegisterDeviceResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeviceRegistryServiceMethodDescriptorSupplier("RegisterDevice"))
              .build();
        }
      }
    }
    return getRegisterDeviceMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.GetDeviceRequest,
      dev.clarion.v1.GetDeviceResponse> getGetDeviceMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetDevice",
      requestType = dev.clarion.v1.GetDeviceRequest.class,
      responseType = dev.clarion.v1.GetDeviceResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.GetDeviceRequest,
      dev.clarion.v1.GetDeviceResponse> getGetDeviceMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.GetDeviceRequest, dev.clarion.v1.GetDeviceResponse> getGetDeviceMethod;
    if ((getGetDeviceMethod = DeviceRegistryServiceGrpc.getGetDeviceMethod) == null) {
      synchronized (DeviceRegistryServiceGrpc.class) {
        if ((getGetDeviceMethod = DeviceRegistryServiceGrpc.getGetDeviceMethod) == null) {
          DeviceRegistryServiceGrpc.getGetDeviceMethod = getGetDeviceMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.GetDeviceRequest, dev.clarion.v1.GetDeviceResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetDevice"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetDeviceRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetDeviceResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeviceRegistryServiceMethodDescriptorSupplier("GetDevice"))
              .build();
        }
      }
    }
    return getGetDeviceMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.ListDevicesRequest,
      dev.clarion.v1.ListDevicesResponse> getListDevicesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListDevices",
      requestType = dev.clarion.v1.ListDevicesRequest.class,
      responseType = dev.clarion.v1.ListDevicesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.ListDevicesRequest,
      dev.clarion.v1.ListDevicesResponse> getListDevicesMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.ListDevicesRequest, dev.clarion.v1.ListDevicesResponse> getListDevicesMethod;
    if ((getListDevicesMethod = DeviceRegistryServiceGrpc.getListDevicesMethod) == null) {
      synchronized (DeviceRegistryServiceGrpc.class) {
        if ((getListDevicesMethod = DeviceRegistryServiceGrpc.getListDevicesMethod) == null) {
          DeviceRegistryServiceGrpc.getListDevicesMethod = getListDevicesMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.ListDevicesRequest, dev.clarion.v1.ListDevicesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListDevices"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListDevicesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListDevicesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeviceRegistryServiceMethodDescriptorSupplier("ListDevices"))
              .build();
        }
      }
    }
    return getListDevicesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.UpdateDeviceRequest,
      dev.clarion.v1.UpdateDeviceResponse> getUpdateDeviceMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateDevice",
      requestType = dev.clarion.v1.UpdateDeviceRequest.class,
      responseType = dev.clarion.v1.UpdateDeviceResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.UpdateDeviceRequest,
      dev.clarion.v1.UpdateDeviceResponse> getUpdateDeviceMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.UpdateDeviceRequest, dev.clarion.v1.UpdateDeviceResponse> getUpdateDeviceMethod;
    if ((getUpdateDeviceMethod = DeviceRegistryServiceGrpc.getUpdateDeviceMethod) == null) {
      synchronized (DeviceRegistryServiceGrpc.class) {
        if ((getUpdateDeviceMethod = DeviceRegistryServiceGrpc.getUpdateDeviceMethod) == null) {
          DeviceRegistryServiceGrpc.getUpdateDeviceMethod = getUpdateDeviceMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.UpdateDeviceRequest, dev.clarion.v1.UpdateDeviceResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateDevice"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UpdateDeviceRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UpdateDeviceResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeviceRegistryServiceMethodDescriptorSupplier("UpdateDevice"))
              .build();
        }
      }
    }
    return getUpdateDeviceMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.UnregisterDeviceRequest,
      dev.clarion.v1.UnregisterDeviceResponse> getUnregisterDeviceMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UnregisterDevice",
      requestType = dev.clarion.v1.UnregisterDeviceRequest.class,
      responseType = dev.clarion.v1.UnregisterDeviceResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.UnregisterDeviceRequest,
      dev.clarion.v1.UnregisterDeviceResponse> getUnregisterDeviceMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.UnregisterDeviceRequest, dev.clarion.v1.UnregisterDeviceResponse> getUnregisterDeviceMethod;
    if ((getUnregisterDeviceMethod = DeviceRegistryServiceGrpc.getUnregisterDeviceMethod) == null) {
      synchronized (DeviceRegistryServiceGrpc.class) {
        if ((getUnregisterDeviceMethod = DeviceRegistryServiceGrpc.getUnregisterDeviceMethod) == null) {
          DeviceRegistryServiceGrpc.getUnregisterDeviceMethod = getUnregisterDeviceMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.UnregisterDeviceRequest, dev.clarion.v1.UnregisterDeviceResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UnregisterDevice"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UnregisterDeviceRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UnregisterDeviceResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeviceRegistryServiceMethodDescriptorSupplier("UnregisterDevice"))
              .build();
        }
      }
    }
    return getUnregisterDeviceMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.SubscribeTopicsRequest,
      dev.clarion.v1.SubscribeTopicsResponse> getSubscribeTopicsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SubscribeTopics",
      requestType = dev.clarion.v1.SubscribeTopicsRequest.class,
      responseType = dev.clarion.v1.SubscribeTopicsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.SubscribeTopicsRequest,
      dev.clarion.v1.SubscribeTopicsResponse> getSubscribeTopicsMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.SubscribeTopicsRequest, dev.clarion.v1.SubscribeTopicsResponse> getSubscribeTopicsMethod;
    if ((getSubscribeTopicsMethod = DeviceRegistryServiceGrpc.getSubscribeTopicsMethod) == null) {
      synchronized (DeviceRegistryServiceGrpc.class) {
        if ((getSubscribeTopicsMethod = DeviceRegistryServiceGrpc.getSubscribeTopicsMethod) == null) {
          DeviceRegistryServiceGrpc.getSubscribeTopicsMethod = getSubscribeTopicsMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.SubscribeTopicsRequest, dev.clarion.v1.SubscribeTopicsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SubscribeTopics"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.SubscribeTopicsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.SubscribeTopicsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeviceRegistryServiceMethodDescriptorSupplier("SubscribeTopics"))
              .build();
        }
      }
    }
    return getSubscribeTopicsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.UnsubscribeTopicsRequest,
      dev.clarion.v1.UnsubscribeTopicsResponse> getUnsubscribeTopicsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UnsubscribeTopics",
      requestType = dev.clarion.v1.UnsubscribeTopicsRequest.class,
      responseType = dev.clarion.v1.UnsubscribeTopicsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.UnsubscribeTopicsRequest,
      dev.clarion.v1.UnsubscribeTopicsResponse> getUnsubscribeTopicsMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.UnsubscribeTopicsRequest, dev.clarion.v1.UnsubscribeTopicsResponse> getUnsubscribeTopicsMethod;
    if ((getUnsubscribeTopicsMethod = DeviceRegistryServiceGrpc.getUnsubscribeTopicsMethod) == null) {
      synchronized (DeviceRegistryServiceGrpc.class) {
        if ((getUnsubscribeTopicsMethod = DeviceRegistryServiceGrpc.getUnsubscribeTopicsMethod) == null) {
          DeviceRegistryServiceGrpc.getUnsubscribeTopicsMethod = getUnsubscribeTopicsMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.UnsubscribeTopicsRequest, dev.clarion.v1.UnsubscribeTopicsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UnsubscribeTopics"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UnsubscribeTopicsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UnsubscribeTopicsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeviceRegistryServiceMethodDescriptorSupplier("UnsubscribeTopics"))
              .build();
        }
      }
    }
    return getUnsubscribeTopicsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.PurgeStaleDevicesRequest,
      dev.clarion.v1.PurgeStaleDevicesResponse> getPurgeStaleDevicesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "PurgeStaleDevices",
      requestType = dev.clarion.v1.PurgeStaleDevicesRequest.class,
      responseType = dev.clarion.v1.PurgeStaleDevicesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.PurgeStaleDevicesRequest,
      dev.clarion.v1.PurgeStaleDevicesResponse> getPurgeStaleDevicesMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.PurgeStaleDevicesRequest, dev.clarion.v1.PurgeStaleDevicesResponse> getPurgeStaleDevicesMethod;
    if ((getPurgeStaleDevicesMethod = DeviceRegistryServiceGrpc.getPurgeStaleDevicesMethod) == null) {
      synchronized (DeviceRegistryServiceGrpc.class) {
        if ((getPurgeStaleDevicesMethod = DeviceRegistryServiceGrpc.getPurgeStaleDevicesMethod) == null) {
          DeviceRegistryServiceGrpc.getPurgeStaleDevicesMethod = getPurgeStaleDevicesMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.PurgeStaleDevicesRequest, dev.clarion.v1.PurgeStaleDevicesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "PurgeStaleDevices"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.PurgeStaleDevicesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.PurgeStaleDevicesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new DeviceRegistryServiceMethodDescriptorSupplier("PurgeStaleDevices"))
              .build();
        }
      }
    }
    return getPurgeStaleDevicesMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static DeviceRegistryServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DeviceRegistryServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DeviceRegistryServiceStub>() {
        @java.lang.Override
        public DeviceRegistryServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DeviceRegistryServiceStub(channel, callOptions);
        }
      };
    return DeviceRegistryServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static DeviceRegistryServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DeviceRegistryServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DeviceRegistryServiceBlockingV2Stub>() {
        @java.lang.Override
        public DeviceRegistryServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DeviceRegistryServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return DeviceRegistryServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static DeviceRegistryServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DeviceRegistryServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DeviceRegistryServiceBlockingStub>() {
        @java.lang.Override
        public DeviceRegistryServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DeviceRegistryServiceBlockingStub(channel, callOptions);
        }
      };
    return DeviceRegistryServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static DeviceRegistryServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<DeviceRegistryServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<DeviceRegistryServiceFutureStub>() {
        @java.lang.Override
        public DeviceRegistryServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new DeviceRegistryServiceFutureStub(channel, callOptions);
        }
      };
    return DeviceRegistryServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Registers and manages the devices of an app.
   * Every RPC may also return UNAUTHENTICATED (no, unknown, revoked or expired API key) and
   * PERMISSION_DENIED (a key without the scope, or for another app). Errors carry a
   * google.rpc.ErrorInfo with a stable `reason`; validation errors carry google.rpc.BadRequest.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Registers a device, or updates the existing one with the same install id (else the same
     * token): registration is idempotent, and a new user id rebinds the device. A device that
     * was INVALID or REVOKED becomes ACTIVE again. Scope: devices:write, or devices:register
     * (which requires an install id).
     * Errors: INVALID_ARGUMENT (bad token, subscription, locale, time zone, ...),
     * NOT_FOUND (no such app), FAILED_PRECONDITION (app disabled).
     * </pre>
     */
    default void registerDevice(dev.clarion.v1.RegisterDeviceRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.RegisterDeviceResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRegisterDeviceMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets one device, by `apps/{app}/devices/{device}` or `apps/{app}/installs/{install_id}`.
     * Scope: devices:read. Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    default void getDevice(dev.clarion.v1.GetDeviceRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetDeviceResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetDeviceMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists an app's devices, filtered, in creation order, a page at a time.
     * Scope: devices:read. Errors: INVALID_ARGUMENT (bad filter or page token), NOT_FOUND.
     * </pre>
     */
    default void listDevices(dev.clarion.v1.ListDevicesRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListDevicesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListDevicesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Updates the fields named in `update_mask` (user_id, locale, time_zone, app_version,
     * os_version, device_model, category_preferences, quiet_hours, topics). The device is
     * named by id or, with a devices:register key (which may only do this), by install id.
     * Scope: devices:write or devices:register.
     * Errors: INVALID_ARGUMENT (bad mask path or value), NOT_FOUND.
     * </pre>
     */
    default void updateDevice(dev.clarion.v1.UpdateDeviceRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateDeviceResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateDeviceMethod(), responseObserver);
    }

    /**
     * <pre>
     * Unregisters (revokes) a device: it stays listed as REVOKED and is never sent to until it
     * registers again. Idempotent. Scope: devices:write, or devices:register by install id.
     * Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    default void unregisterDevice(dev.clarion.v1.UnregisterDeviceRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UnregisterDeviceResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUnregisterDeviceMethod(), responseObserver);
    }

    /**
     * <pre>
     * Subscribes a device to topics (idempotent). Scope: devices:write.
     * Errors: INVALID_ARGUMENT (bad topic name, more than 2000 topics), NOT_FOUND.
     * </pre>
     */
    default void subscribeTopics(dev.clarion.v1.SubscribeTopicsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.SubscribeTopicsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSubscribeTopicsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Unsubscribes a device from topics (idempotent). Scope: devices:write.
     * Errors: INVALID_ARGUMENT (bad topic name), NOT_FOUND.
     * </pre>
     */
    default void unsubscribeTopics(dev.clarion.v1.UnsubscribeTopicsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UnsubscribeTopicsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUnsubscribeTopicsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes the registrations of an app not seen for `older_than`, whatever their status,
     * or with `dry_run` only counts them. Scope: devices:write.
     * Errors: INVALID_ARGUMENT (older_than missing or not positive), NOT_FOUND.
     * </pre>
     */
    default void purgeStaleDevices(dev.clarion.v1.PurgeStaleDevicesRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.PurgeStaleDevicesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getPurgeStaleDevicesMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service DeviceRegistryService.
   * <pre>
   * Registers and manages the devices of an app.
   * Every RPC may also return UNAUTHENTICATED (no, unknown, revoked or expired API key) and
   * PERMISSION_DENIED (a key without the scope, or for another app). Errors carry a
   * google.rpc.ErrorInfo with a stable `reason`; validation errors carry google.rpc.BadRequest.
   * </pre>
   */
  public static abstract class DeviceRegistryServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return DeviceRegistryServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service DeviceRegistryService.
   * <pre>
   * Registers and manages the devices of an app.
   * Every RPC may also return UNAUTHENTICATED (no, unknown, revoked or expired API key) and
   * PERMISSION_DENIED (a key without the scope, or for another app). Errors carry a
   * google.rpc.ErrorInfo with a stable `reason`; validation errors carry google.rpc.BadRequest.
   * </pre>
   */
  public static final class DeviceRegistryServiceStub
      extends io.grpc.stub.AbstractAsyncStub<DeviceRegistryServiceStub> {
    private DeviceRegistryServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DeviceRegistryServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DeviceRegistryServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Registers a device, or updates the existing one with the same install id (else the same
     * token): registration is idempotent, and a new user id rebinds the device. A device that
     * was INVALID or REVOKED becomes ACTIVE again. Scope: devices:write, or devices:register
     * (which requires an install id).
     * Errors: INVALID_ARGUMENT (bad token, subscription, locale, time zone, ...),
     * NOT_FOUND (no such app), FAILED_PRECONDITION (app disabled).
     * </pre>
     */
    public void registerDevice(dev.clarion.v1.RegisterDeviceRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.RegisterDeviceResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRegisterDeviceMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets one device, by `apps/{app}/devices/{device}` or `apps/{app}/installs/{install_id}`.
     * Scope: devices:read. Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public void getDevice(dev.clarion.v1.GetDeviceRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetDeviceResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetDeviceMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists an app's devices, filtered, in creation order, a page at a time.
     * Scope: devices:read. Errors: INVALID_ARGUMENT (bad filter or page token), NOT_FOUND.
     * </pre>
     */
    public void listDevices(dev.clarion.v1.ListDevicesRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListDevicesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListDevicesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Updates the fields named in `update_mask` (user_id, locale, time_zone, app_version,
     * os_version, device_model, category_preferences, quiet_hours, topics). The device is
     * named by id or, with a devices:register key (which may only do this), by install id.
     * Scope: devices:write or devices:register.
     * Errors: INVALID_ARGUMENT (bad mask path or value), NOT_FOUND.
     * </pre>
     */
    public void updateDevice(dev.clarion.v1.UpdateDeviceRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateDeviceResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateDeviceMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Unregisters (revokes) a device: it stays listed as REVOKED and is never sent to until it
     * registers again. Idempotent. Scope: devices:write, or devices:register by install id.
     * Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public void unregisterDevice(dev.clarion.v1.UnregisterDeviceRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UnregisterDeviceResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUnregisterDeviceMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Subscribes a device to topics (idempotent). Scope: devices:write.
     * Errors: INVALID_ARGUMENT (bad topic name, more than 2000 topics), NOT_FOUND.
     * </pre>
     */
    public void subscribeTopics(dev.clarion.v1.SubscribeTopicsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.SubscribeTopicsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSubscribeTopicsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Unsubscribes a device from topics (idempotent). Scope: devices:write.
     * Errors: INVALID_ARGUMENT (bad topic name), NOT_FOUND.
     * </pre>
     */
    public void unsubscribeTopics(dev.clarion.v1.UnsubscribeTopicsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UnsubscribeTopicsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUnsubscribeTopicsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes the registrations of an app not seen for `older_than`, whatever their status,
     * or with `dry_run` only counts them. Scope: devices:write.
     * Errors: INVALID_ARGUMENT (older_than missing or not positive), NOT_FOUND.
     * </pre>
     */
    public void purgeStaleDevices(dev.clarion.v1.PurgeStaleDevicesRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.PurgeStaleDevicesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getPurgeStaleDevicesMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service DeviceRegistryService.
   * <pre>
   * Registers and manages the devices of an app.
   * Every RPC may also return UNAUTHENTICATED (no, unknown, revoked or expired API key) and
   * PERMISSION_DENIED (a key without the scope, or for another app). Errors carry a
   * google.rpc.ErrorInfo with a stable `reason`; validation errors carry google.rpc.BadRequest.
   * </pre>
   */
  public static final class DeviceRegistryServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<DeviceRegistryServiceBlockingV2Stub> {
    private DeviceRegistryServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DeviceRegistryServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DeviceRegistryServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Registers a device, or updates the existing one with the same install id (else the same
     * token): registration is idempotent, and a new user id rebinds the device. A device that
     * was INVALID or REVOKED becomes ACTIVE again. Scope: devices:write, or devices:register
     * (which requires an install id).
     * Errors: INVALID_ARGUMENT (bad token, subscription, locale, time zone, ...),
     * NOT_FOUND (no such app), FAILED_PRECONDITION (app disabled).
     * </pre>
     */
    public dev.clarion.v1.RegisterDeviceResponse registerDevice(dev.clarion.v1.RegisterDeviceRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRegisterDeviceMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets one device, by `apps/{app}/devices/{device}` or `apps/{app}/installs/{install_id}`.
     * Scope: devices:read. Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetDeviceResponse getDevice(dev.clarion.v1.GetDeviceRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetDeviceMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists an app's devices, filtered, in creation order, a page at a time.
     * Scope: devices:read. Errors: INVALID_ARGUMENT (bad filter or page token), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.ListDevicesResponse listDevices(dev.clarion.v1.ListDevicesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListDevicesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates the fields named in `update_mask` (user_id, locale, time_zone, app_version,
     * os_version, device_model, category_preferences, quiet_hours, topics). The device is
     * named by id or, with a devices:register key (which may only do this), by install id.
     * Scope: devices:write or devices:register.
     * Errors: INVALID_ARGUMENT (bad mask path or value), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UpdateDeviceResponse updateDevice(dev.clarion.v1.UpdateDeviceRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateDeviceMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Unregisters (revokes) a device: it stays listed as REVOKED and is never sent to until it
     * registers again. Idempotent. Scope: devices:write, or devices:register by install id.
     * Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UnregisterDeviceResponse unregisterDevice(dev.clarion.v1.UnregisterDeviceRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUnregisterDeviceMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Subscribes a device to topics (idempotent). Scope: devices:write.
     * Errors: INVALID_ARGUMENT (bad topic name, more than 2000 topics), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.SubscribeTopicsResponse subscribeTopics(dev.clarion.v1.SubscribeTopicsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSubscribeTopicsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Unsubscribes a device from topics (idempotent). Scope: devices:write.
     * Errors: INVALID_ARGUMENT (bad topic name), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UnsubscribeTopicsResponse unsubscribeTopics(dev.clarion.v1.UnsubscribeTopicsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUnsubscribeTopicsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes the registrations of an app not seen for `older_than`, whatever their status,
     * or with `dry_run` only counts them. Scope: devices:write.
     * Errors: INVALID_ARGUMENT (older_than missing or not positive), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.PurgeStaleDevicesResponse purgeStaleDevices(dev.clarion.v1.PurgeStaleDevicesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getPurgeStaleDevicesMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service DeviceRegistryService.
   * <pre>
   * Registers and manages the devices of an app.
   * Every RPC may also return UNAUTHENTICATED (no, unknown, revoked or expired API key) and
   * PERMISSION_DENIED (a key without the scope, or for another app). Errors carry a
   * google.rpc.ErrorInfo with a stable `reason`; validation errors carry google.rpc.BadRequest.
   * </pre>
   */
  public static final class DeviceRegistryServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<DeviceRegistryServiceBlockingStub> {
    private DeviceRegistryServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DeviceRegistryServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DeviceRegistryServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Registers a device, or updates the existing one with the same install id (else the same
     * token): registration is idempotent, and a new user id rebinds the device. A device that
     * was INVALID or REVOKED becomes ACTIVE again. Scope: devices:write, or devices:register
     * (which requires an install id).
     * Errors: INVALID_ARGUMENT (bad token, subscription, locale, time zone, ...),
     * NOT_FOUND (no such app), FAILED_PRECONDITION (app disabled).
     * </pre>
     */
    public dev.clarion.v1.RegisterDeviceResponse registerDevice(dev.clarion.v1.RegisterDeviceRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRegisterDeviceMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets one device, by `apps/{app}/devices/{device}` or `apps/{app}/installs/{install_id}`.
     * Scope: devices:read. Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetDeviceResponse getDevice(dev.clarion.v1.GetDeviceRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetDeviceMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists an app's devices, filtered, in creation order, a page at a time.
     * Scope: devices:read. Errors: INVALID_ARGUMENT (bad filter or page token), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.ListDevicesResponse listDevices(dev.clarion.v1.ListDevicesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListDevicesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates the fields named in `update_mask` (user_id, locale, time_zone, app_version,
     * os_version, device_model, category_preferences, quiet_hours, topics). The device is
     * named by id or, with a devices:register key (which may only do this), by install id.
     * Scope: devices:write or devices:register.
     * Errors: INVALID_ARGUMENT (bad mask path or value), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UpdateDeviceResponse updateDevice(dev.clarion.v1.UpdateDeviceRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateDeviceMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Unregisters (revokes) a device: it stays listed as REVOKED and is never sent to until it
     * registers again. Idempotent. Scope: devices:write, or devices:register by install id.
     * Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UnregisterDeviceResponse unregisterDevice(dev.clarion.v1.UnregisterDeviceRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUnregisterDeviceMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Subscribes a device to topics (idempotent). Scope: devices:write.
     * Errors: INVALID_ARGUMENT (bad topic name, more than 2000 topics), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.SubscribeTopicsResponse subscribeTopics(dev.clarion.v1.SubscribeTopicsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSubscribeTopicsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Unsubscribes a device from topics (idempotent). Scope: devices:write.
     * Errors: INVALID_ARGUMENT (bad topic name), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UnsubscribeTopicsResponse unsubscribeTopics(dev.clarion.v1.UnsubscribeTopicsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUnsubscribeTopicsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes the registrations of an app not seen for `older_than`, whatever their status,
     * or with `dry_run` only counts them. Scope: devices:write.
     * Errors: INVALID_ARGUMENT (older_than missing or not positive), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.PurgeStaleDevicesResponse purgeStaleDevices(dev.clarion.v1.PurgeStaleDevicesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getPurgeStaleDevicesMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service DeviceRegistryService.
   * <pre>
   * Registers and manages the devices of an app.
   * Every RPC may also return UNAUTHENTICATED (no, unknown, revoked or expired API key) and
   * PERMISSION_DENIED (a key without the scope, or for another app). Errors carry a
   * google.rpc.ErrorInfo with a stable `reason`; validation errors carry google.rpc.BadRequest.
   * </pre>
   */
  public static final class DeviceRegistryServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<DeviceRegistryServiceFutureStub> {
    private DeviceRegistryServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected DeviceRegistryServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new DeviceRegistryServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Registers a device, or updates the existing one with the same install id (else the same
     * token): registration is idempotent, and a new user id rebinds the device. A device that
     * was INVALID or REVOKED becomes ACTIVE again. Scope: devices:write, or devices:register
     * (which requires an install id).
     * Errors: INVALID_ARGUMENT (bad token, subscription, locale, time zone, ...),
     * NOT_FOUND (no such app), FAILED_PRECONDITION (app disabled).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.RegisterDeviceResponse> registerDevice(
        dev.clarion.v1.RegisterDeviceRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRegisterDeviceMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets one device, by `apps/{app}/devices/{device}` or `apps/{app}/installs/{install_id}`.
     * Scope: devices:read. Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.GetDeviceResponse> getDevice(
        dev.clarion.v1.GetDeviceRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetDeviceMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists an app's devices, filtered, in creation order, a page at a time.
     * Scope: devices:read. Errors: INVALID_ARGUMENT (bad filter or page token), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.ListDevicesResponse> listDevices(
        dev.clarion.v1.ListDevicesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListDevicesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Updates the fields named in `update_mask` (user_id, locale, time_zone, app_version,
     * os_version, device_model, category_preferences, quiet_hours, topics). The device is
     * named by id or, with a devices:register key (which may only do this), by install id.
     * Scope: devices:write or devices:register.
     * Errors: INVALID_ARGUMENT (bad mask path or value), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.UpdateDeviceResponse> updateDevice(
        dev.clarion.v1.UpdateDeviceRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateDeviceMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Unregisters (revokes) a device: it stays listed as REVOKED and is never sent to until it
     * registers again. Idempotent. Scope: devices:write, or devices:register by install id.
     * Errors: INVALID_ARGUMENT (bad name), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.UnregisterDeviceResponse> unregisterDevice(
        dev.clarion.v1.UnregisterDeviceRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUnregisterDeviceMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Subscribes a device to topics (idempotent). Scope: devices:write.
     * Errors: INVALID_ARGUMENT (bad topic name, more than 2000 topics), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.SubscribeTopicsResponse> subscribeTopics(
        dev.clarion.v1.SubscribeTopicsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSubscribeTopicsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Unsubscribes a device from topics (idempotent). Scope: devices:write.
     * Errors: INVALID_ARGUMENT (bad topic name), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.UnsubscribeTopicsResponse> unsubscribeTopics(
        dev.clarion.v1.UnsubscribeTopicsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUnsubscribeTopicsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes the registrations of an app not seen for `older_than`, whatever their status,
     * or with `dry_run` only counts them. Scope: devices:write.
     * Errors: INVALID_ARGUMENT (older_than missing or not positive), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.PurgeStaleDevicesResponse> purgeStaleDevices(
        dev.clarion.v1.PurgeStaleDevicesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getPurgeStaleDevicesMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_REGISTER_DEVICE = 0;
  private static final int METHODID_GET_DEVICE = 1;
  private static final int METHODID_LIST_DEVICES = 2;
  private static final int METHODID_UPDATE_DEVICE = 3;
  private static final int METHODID_UNREGISTER_DEVICE = 4;
  private static final int METHODID_SUBSCRIBE_TOPICS = 5;
  private static final int METHODID_UNSUBSCRIBE_TOPICS = 6;
  private static final int METHODID_PURGE_STALE_DEVICES = 7;

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
        case METHODID_REGISTER_DEVICE:
          serviceImpl.registerDevice((dev.clarion.v1.RegisterDeviceRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.RegisterDeviceResponse>) responseObserver);
          break;
        case METHODID_GET_DEVICE:
          serviceImpl.getDevice((dev.clarion.v1.GetDeviceRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.GetDeviceResponse>) responseObserver);
          break;
        case METHODID_LIST_DEVICES:
          serviceImpl.listDevices((dev.clarion.v1.ListDevicesRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.ListDevicesResponse>) responseObserver);
          break;
        case METHODID_UPDATE_DEVICE:
          serviceImpl.updateDevice((dev.clarion.v1.UpdateDeviceRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateDeviceResponse>) responseObserver);
          break;
        case METHODID_UNREGISTER_DEVICE:
          serviceImpl.unregisterDevice((dev.clarion.v1.UnregisterDeviceRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.UnregisterDeviceResponse>) responseObserver);
          break;
        case METHODID_SUBSCRIBE_TOPICS:
          serviceImpl.subscribeTopics((dev.clarion.v1.SubscribeTopicsRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.SubscribeTopicsResponse>) responseObserver);
          break;
        case METHODID_UNSUBSCRIBE_TOPICS:
          serviceImpl.unsubscribeTopics((dev.clarion.v1.UnsubscribeTopicsRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.UnsubscribeTopicsResponse>) responseObserver);
          break;
        case METHODID_PURGE_STALE_DEVICES:
          serviceImpl.purgeStaleDevices((dev.clarion.v1.PurgeStaleDevicesRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.PurgeStaleDevicesResponse>) responseObserver);
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
          getRegisterDeviceMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.RegisterDeviceRequest,
              dev.clarion.v1.RegisterDeviceResponse>(
                service, METHODID_REGISTER_DEVICE)))
        .addMethod(
          getGetDeviceMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.GetDeviceRequest,
              dev.clarion.v1.GetDeviceResponse>(
                service, METHODID_GET_DEVICE)))
        .addMethod(
          getListDevicesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.ListDevicesRequest,
              dev.clarion.v1.ListDevicesResponse>(
                service, METHODID_LIST_DEVICES)))
        .addMethod(
          getUpdateDeviceMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.UpdateDeviceRequest,
              dev.clarion.v1.UpdateDeviceResponse>(
                service, METHODID_UPDATE_DEVICE)))
        .addMethod(
          getUnregisterDeviceMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.UnregisterDeviceRequest,
              dev.clarion.v1.UnregisterDeviceResponse>(
                service, METHODID_UNREGISTER_DEVICE)))
        .addMethod(
          getSubscribeTopicsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.SubscribeTopicsRequest,
              dev.clarion.v1.SubscribeTopicsResponse>(
                service, METHODID_SUBSCRIBE_TOPICS)))
        .addMethod(
          getUnsubscribeTopicsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.UnsubscribeTopicsRequest,
              dev.clarion.v1.UnsubscribeTopicsResponse>(
                service, METHODID_UNSUBSCRIBE_TOPICS)))
        .addMethod(
          getPurgeStaleDevicesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.PurgeStaleDevicesRequest,
              dev.clarion.v1.PurgeStaleDevicesResponse>(
                service, METHODID_PURGE_STALE_DEVICES)))
        .build();
  }

  private static abstract class DeviceRegistryServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    DeviceRegistryServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.clarion.v1.DeviceRegistryServiceProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("DeviceRegistryService");
    }
  }

  private static final class DeviceRegistryServiceFileDescriptorSupplier
      extends DeviceRegistryServiceBaseDescriptorSupplier {
    DeviceRegistryServiceFileDescriptorSupplier() {}
  }

  private static final class DeviceRegistryServiceMethodDescriptorSupplier
      extends DeviceRegistryServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    DeviceRegistryServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (DeviceRegistryServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new DeviceRegistryServiceFileDescriptorSupplier())
              .addMethod(getRegisterDeviceMethod())
              .addMethod(getGetDeviceMethod())
              .addMethod(getListDevicesMethod())
              .addMethod(getUpdateDeviceMethod())
              .addMethod(getUnregisterDeviceMethod())
              .addMethod(getSubscribeTopicsMethod())
              .addMethod(getUnsubscribeTopicsMethod())
              .addMethod(getPurgeStaleDevicesMethod())
              .build();
        }
      }
    }
    return result;
  }
}
