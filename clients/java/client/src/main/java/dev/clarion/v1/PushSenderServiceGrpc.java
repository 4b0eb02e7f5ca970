package dev.clarion.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Sends notifications and reports what became of every delivery.
 * A send returns once the send, its deliveries and their first receipts are durable; from then
 * on nothing is lost. Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class PushSenderServiceGrpc {

  private PushSenderServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "clarion.v1.PushSenderService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.SendRequest,
      dev.clarion.v1.SendResponse> getSendMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Send",
      requestType = dev.clarion.v1.SendRequest.class,
      responseType = dev.clarion.v1.SendResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.SendRequest,
      dev.clarion.v1.SendResponse> getSendMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.SendRequest, dev.clarion.v1.SendResponse> getSendMethod;
    if ((getSendMethod = PushSenderServiceGrpc.getSendMethod) == null) {
      synchronized (PushSenderServiceGrpc.class) {
        if ((getSendMethod = PushSenderServiceGrpc.getSendMethod) == null) {
          PushSenderServiceGrpc.getSendMethod = getSendMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.SendRequest, dev.clarion.v1.SendResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Send"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.SendRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.SendResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PushSenderServiceMethodDescriptorSupplier("Send"))
              .build();
        }
      }
    }
    return getSendMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.SendBulkRequest,
      dev.clarion.v1.SendBulkResponse> getSendBulkMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SendBulk",
      requestType = dev.clarion.v1.SendBulkRequest.class,
      responseType = dev.clarion.v1.SendBulkResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.SendBulkRequest,
      dev.clarion.v1.SendBulkResponse> getSendBulkMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.SendBulkRequest, dev.clarion.v1.SendBulkResponse> getSendBulkMethod;
    if ((getSendBulkMethod = PushSenderServiceGrpc.getSendBulkMethod) == null) {
      synchronized (PushSenderServiceGrpc.class) {
        if ((getSendBulkMethod = PushSenderServiceGrpc.getSendBulkMethod) == null) {
          PushSenderServiceGrpc.getSendBulkMethod = getSendBulkMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.SendBulkRequest, dev.clarion.v1.SendBulkResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SendBulk"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.SendBulkRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.SendBulkResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PushSenderServiceMethodDescriptorSupplier("SendBulk"))
              .build();
        }
      }
    }
    return getSendBulkMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.SendBatchRequest,
      dev.clarion.v1.SendBatchResponse> getSendBatchMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SendBatch",
      requestType = dev.clarion.v1.SendBatchRequest.class,
      responseType = dev.clarion.v1.SendBatchResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.SendBatchRequest,
      dev.clarion.v1.SendBatchResponse> getSendBatchMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.SendBatchRequest, dev.clarion.v1.SendBatchResponse> getSendBatchMethod;
    if ((getSendBatchMethod = PushSenderServiceGrpc.getSendBatchMethod) == null) {
      synchronized (PushSenderServiceGrpc.class) {
        if ((getSendBatchMethod = PushSenderServiceGrpc.getSendBatchMethod) == null) {
          PushSenderServiceGrpc.getSendBatchMethod = getSendBatchMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.SendBatchRequest, dev.clarion.v1.SendBatchResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SendBatch"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.SendBatchRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.SendBatchResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PushSenderServiceMethodDescriptorSupplier("SendBatch"))
              .build();
        }
      }
    }
    return getSendBatchMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.GetSendRequest,
      dev.clarion.v1.GetSendResponse> getGetSendMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetSend",
      requestType = dev.clarion.v1.GetSendRequest.class,
      responseType = dev.clarion.v1.GetSendResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.GetSendRequest,
      dev.clarion.v1.GetSendResponse> getGetSendMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.GetSendRequest, dev.clarion.v1.GetSendResponse> getGetSendMethod;
    if ((getGetSendMethod = PushSenderServiceGrpc.getGetSendMethod) == null) {
      synchronized (PushSenderServiceGrpc.class) {
        if ((getGetSendMethod = PushSenderServiceGrpc.getGetSendMethod) == null) {
          PushSenderServiceGrpc.getGetSendMethod = getGetSendMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.GetSendRequest, dev.clarion.v1.GetSendResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetSend"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetSendRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetSendResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PushSenderServiceMethodDescriptorSupplier("GetSend"))
              .build();
        }
      }
    }
    return getGetSendMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.ListSendsRequest,
      dev.clarion.v1.ListSendsResponse> getListSendsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListSends",
      requestType = dev.clarion.v1.ListSendsRequest.class,
      responseType = dev.clarion.v1.ListSendsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.ListSendsRequest,
      dev.clarion.v1.ListSendsResponse> getListSendsMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.ListSendsRequest, dev.clarion.v1.ListSendsResponse> getListSendsMethod;
    if ((getListSendsMethod = PushSenderServiceGrpc.getListSendsMethod) == null) {
      synchronized (PushSenderServiceGrpc.class) {
        if ((getListSendsMethod = PushSenderServiceGrpc.getListSendsMethod) == null) {
          PushSenderServiceGrpc.getListSendsMethod = getListSendsMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.ListSendsRequest, dev.clarion.v1.ListSendsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListSends"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListSendsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListSendsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PushSenderServiceMethodDescriptorSupplier("ListSends"))
              .build();
        }
      }
    }
    return getListSendsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.ListDeliveriesRequest,
      dev.clarion.v1.ListDeliveriesResponse> getListDeliveriesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListDeliveries",
      requestType = dev.clarion.v1.ListDeliveriesRequest.class,
      responseType = dev.clarion.v1.ListDeliveriesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.ListDeliveriesRequest,
      dev.clarion.v1.ListDeliveriesResponse> getListDeliveriesMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.ListDeliveriesRequest, dev.clarion.v1.ListDeliveriesResponse> getListDeliveriesMethod;
    if ((getListDeliveriesMethod = PushSenderServiceGrpc.getListDeliveriesMethod) == null) {
      synchronized (PushSenderServiceGrpc.class) {
        if ((getListDeliveriesMethod = PushSenderServiceGrpc.getListDeliveriesMethod) == null) {
          PushSenderServiceGrpc.getListDeliveriesMethod = getListDeliveriesMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.ListDeliveriesRequest, dev.clarion.v1.ListDeliveriesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListDeliveries"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListDeliveriesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListDeliveriesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PushSenderServiceMethodDescriptorSupplier("ListDeliveries"))
              .build();
        }
      }
    }
    return getListDeliveriesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.CancelSendRequest,
      dev.clarion.v1.CancelSendResponse> getCancelSendMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CancelSend",
      requestType = dev.clarion.v1.CancelSendRequest.class,
      responseType = dev.clarion.v1.CancelSendResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.CancelSendRequest,
      dev.clarion.v1.CancelSendResponse> getCancelSendMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.CancelSendRequest, dev.clarion.v1.CancelSendResponse> getCancelSendMethod;
    if ((getCancelSendMethod = PushSenderServiceGrpc.getCancelSendMethod) == null) {
      synchronized (PushSenderServiceGrpc.class) {
        if ((getCancelSendMethod = PushSenderServiceGrpc.getCancelSendMethod) == null) {
          PushSenderServiceGrpc.getCancelSendMethod = getCancelSendMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.CancelSendRequest, dev.clarion.v1.CancelSendResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CancelSend"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.CancelSendRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.CancelSendResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PushSenderServiceMethodDescriptorSupplier("CancelSend"))
              .build();
        }
      }
    }
    return getCancelSendMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.WatchReceiptsRequest,
      dev.clarion.v1.WatchReceiptsResponse> getWatchReceiptsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WatchReceipts",
      requestType = dev.clarion.v1.WatchReceiptsRequest.class,
      responseType = dev.clarion.v1.WatchReceiptsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.WatchReceiptsRequest,
      dev.clarion.v1.WatchReceiptsResponse> getWatchReceiptsMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.WatchReceiptsRequest, dev.clarion.v1.WatchReceiptsResponse> getWatchReceiptsMethod;
    if ((getWatchReceiptsMethod = PushSenderServiceGrpc.getWatchReceiptsMethod) == null) {
      synchronized (PushSenderServiceGrpc.class) {
        if ((getWatchReceiptsMethod = PushSenderServiceGrpc.getWatchReceiptsMethod) == null) {
          PushSenderServiceGrpc.getWatchReceiptsMethod = getWatchReceiptsMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.WatchReceiptsRequest, dev.clarion.v1.WatchReceiptsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WatchReceipts"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.WatchReceiptsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.WatchReceiptsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PushSenderServiceMethodDescriptorSupplier("WatchReceipts"))
              .build();
        }
      }
    }
    return getWatchReceiptsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.RecordEngagementRequest,
      dev.clarion.v1.RecordEngagementResponse> getRecordEngagementMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RecordEngagement",
      requestType = dev.clarion.v1.RecordEngagementRequest.class,
      responseType = dev.clarion.v1.RecordEngagementResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.RecordEngagementRequest,
      dev.clarion.v1.RecordEngagementResponse> getRecordEngagementMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.RecordEngagementRequest, dev.clarion.v1.RecordEngagementResponse> getRecordEngagementMethod;
    if ((getRecordEngagementMethod = PushSenderServiceGrpc.getRecordEngagementMethod) == null) {
      synchronized (PushSenderServiceGrpc.class) {
        if ((getRecordEngagementMethod = PushSenderServiceGrpc.getRecordEngagementMethod) == null) {
          PushSenderServiceGrpc.getRecordEngagementMethod = getRecordEngagementMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.RecordEngagementRequest, dev.clarion.v1.RecordEngagementResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RecordEngagement"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.RecordEngagementRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.RecordEngagementResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PushSenderServiceMethodDescriptorSupplier("RecordEngagement"))
              .build();
        }
      }
    }
    return getRecordEngagementMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static PushSenderServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PushSenderServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PushSenderServiceStub>() {
        @java.lang.Override
        public PushSenderServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PushSenderServiceStub(channel, callOptions);
        }
      };
    return PushSenderServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static PushSenderServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PushSenderServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PushSenderServiceBlockingV2Stub>() {
        @java.lang.Override
        public PushSenderServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PushSenderServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return PushSenderServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static PushSenderServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PushSenderServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PushSenderServiceBlockingStub>() {
        @java.lang.Override
        public PushSenderServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PushSenderServiceBlockingStub(channel, callOptions);
        }
      };
    return PushSenderServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static PushSenderServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PushSenderServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PushSenderServiceFutureStub>() {
        @java.lang.Override
        public PushSenderServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PushSenderServiceFutureStub(channel, callOptions);
        }
      };
    return PushSenderServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Sends notifications and reports what became of every delivery.
   * A send returns once the send, its deliveries and their first receipts are durable; from then
   * on nothing is lost. Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Sends one notification to one target (a device, a user's devices, an install or a topic).
     * Scope: push:send. Errors: INVALID_ARGUMENT (limits, target), NOT_FOUND (app, device),
     * FAILED_PRECONDITION (app disabled), RESOURCE_EXHAUSTED (daily quota; with RetryInfo).
     * </pre>
     */
    default void send(dev.clarion.v1.SendRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.SendResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSendMethod(), responseObserver);
    }

    /**
     * <pre>
     * Sends the same notification to up to 500 users or devices (a setting).
     * Scope: push:send. Errors: as Send.
     * </pre>
     */
    default void sendBulk(dev.clarion.v1.SendBulkRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.SendBulkResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSendBulkMethod(), responseObserver);
    }

    /**
     * <pre>
     * Sends up to 500 different notifications, each to its own target, answered item by item:
     * a bad item fails alone. Scope: push:send.
     * Errors: INVALID_ARGUMENT (too many items), RESOURCE_EXHAUSTED (quota for the whole batch).
     * </pre>
     */
    default void sendBatch(dev.clarion.v1.SendBatchRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.SendBatchResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSendBatchMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets one send with its delivery counts. Scope: push:send. Errors: NOT_FOUND.
     * </pre>
     */
    default void getSend(dev.clarion.v1.GetSendRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetSendResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetSendMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists an app's sends, newest first, filtered by state and creation time.
     * Scope: push:send. Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND.
     * </pre>
     */
    default void listSends(dev.clarion.v1.ListSendsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListSendsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListSendsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists the deliveries of one send. Scope: push:send. Errors: NOT_FOUND.
     * </pre>
     */
    default void listDeliveries(dev.clarion.v1.ListDeliveriesRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListDeliveriesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListDeliveriesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Cancels every delivery of a send that has not gone out yet (QUEUED, SCHEDULED,
     * RETRYING). Scope: push:send. Errors: NOT_FOUND, FAILED_PRECONDITION (already complete).
     * </pre>
     */
    default void cancelSend(dev.clarion.v1.CancelSendRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.CancelSendResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCancelSendMethod(), responseObserver);
    }

    /**
     * <pre>
     * Streams every status change of the app's deliveries, in cursor order, from now, from the
     * earliest retained receipt, or after a cursor: a consumer that reconnects with its last
     * cursor misses nothing. Delivery is at-least-once. Scope: receipts:read.
     * Errors: INVALID_ARGUMENT (bad filter), NOT_FOUND (app), OUT_OF_RANGE (cursor no longer
     * retained).
     * </pre>
     */
    default void watchReceipts(dev.clarion.v1.WatchReceiptsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.WatchReceiptsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWatchReceiptsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Records that the user opened a notification or tapped one of its actions.
     * Scope: push:send or devices:register. Errors: INVALID_ARGUMENT, NOT_FOUND (delivery).
     * </pre>
     */
    default void recordEngagement(dev.clarion.v1.RecordEngagementRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.RecordEngagementResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRecordEngagementMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service PushSenderService.
   * <pre>
   * Sends notifications and reports what became of every delivery.
   * A send returns once the send, its deliveries and their first receipts are durable; from then
   * on nothing is lost. Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED.
   * </pre>
   */
  public static abstract class PushSenderServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return PushSenderServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service PushSenderService.
   * <pre>
   * Sends notifications and reports what became of every delivery.
   * A send returns once the send, its deliveries and their first receipts are durable; from then
   * on nothing is lost. Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED.
   * </pre>
   */
  public static final class PushSenderServiceStub
      extends io.grpc.stub.AbstractAsyncStub<PushSenderServiceStub> {
    private PushSenderServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PushSenderServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PushSenderServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Sends one notification to one target (a device, a user's devices, an install or a topic).
     * Scope: push:send. Errors: INVALID_ARGUMENT (limits, target), NOT_FOUND (app, device),
     * FAILED_PRECONDITION (app disabled), RESOURCE_EXHAUSTED (daily quota; with RetryInfo).
     * </pre>
     */
    public void send(dev.clarion.v1.SendRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.SendResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSendMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Sends the same notification to up to 500 users or devices (a setting).
     * Scope: push:send. Errors: as Send.
     * </pre>
     */
    public void sendBulk(dev.clarion.v1.SendBulkRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.SendBulkResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSendBulkMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Sends up to 500 different notifications, each to its own target, answered item by item:
     * a bad item fails alone. Scope: push:send.
     * Errors: INVALID_ARGUMENT (too many items), RESOURCE_EXHAUSTED (quota for the whole batch).
     * </pre>
     */
    public void sendBatch(dev.clarion.v1.SendBatchRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.SendBatchResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSendBatchMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets one send with its delivery counts. Scope: push:send. Errors: NOT_FOUND.
     * </pre>
     */
    public void getSend(dev.clarion.v1.GetSendRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetSendResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetSendMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists an app's sends, newest first, filtered by state and creation time.
     * Scope: push:send. Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND.
     * </pre>
     */
    public void listSends(dev.clarion.v1.ListSendsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListSendsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListSendsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists the deliveries of one send. Scope: push:send. Errors: NOT_FOUND.
     * </pre>
     */
    public void listDeliveries(dev.clarion.v1.ListDeliveriesRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListDeliveriesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListDeliveriesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Cancels every delivery of a send that has not gone out yet (QUEUED, SCHEDULED,
     * RETRYING). Scope: push:send. Errors: NOT_FOUND, FAILED_PRECONDITION (already complete).
     * </pre>
     */
    public void cancelSend(dev.clarion.v1.CancelSendRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.CancelSendResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCancelSendMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Streams every status change of the app's deliveries, in cursor order, from now, from the
     * earliest retained receipt, or after a cursor: a consumer that reconnects with its last
     * cursor misses nothing. Delivery is at-least-once. Scope: receipts:read.
     * Errors: INVALID_ARGUMENT (bad filter), NOT_FOUND (app), OUT_OF_RANGE (cursor no longer
     * retained).
     * </pre>
     */
    public void watchReceipts(dev.clarion.v1.WatchReceiptsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.WatchReceiptsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getWatchReceiptsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Records that the user opened a notification or tapped one of its actions.
     * Scope: push:send or devices:register. Errors: INVALID_ARGUMENT, NOT_FOUND (delivery).
     * </pre>
     */
    public void recordEngagement(dev.clarion.v1.RecordEngagementRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.RecordEngagementResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRecordEngagementMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service PushSenderService.
   * <pre>
   * Sends notifications and reports what became of every delivery.
   * A send returns once the send, its deliveries and their first receipts are durable; from then
   * on nothing is lost. Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED.
   * </pre>
   */
  public static final class PushSenderServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<PushSenderServiceBlockingV2Stub> {
    private PushSenderServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PushSenderServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PushSenderServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Sends one notification to one target (a device, a user's devices, an install or a topic).
     * Scope: push:send. Errors: INVALID_ARGUMENT (limits, target), NOT_FOUND (app, device),
     * FAILED_PRECONDITION (app disabled), RESOURCE_EXHAUSTED (daily quota; with RetryInfo).
     * </pre>
     */
    public dev.clarion.v1.SendResponse send(dev.clarion.v1.SendRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSendMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends the same notification to up to 500 users or devices (a setting).
     * Scope: push:send. Errors: as Send.
     * </pre>
     */
    public dev.clarion.v1.SendBulkResponse sendBulk(dev.clarion.v1.SendBulkRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSendBulkMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends up to 500 different notifications, each to its own target, answered item by item:
     * a bad item fails alone. Scope: push:send.
     * Errors: INVALID_ARGUMENT (too many items), RESOURCE_EXHAUSTED (quota for the whole batch).
     * </pre>
     */
    public dev.clarion.v1.SendBatchResponse sendBatch(dev.clarion.v1.SendBatchRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSendBatchMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets one send with its delivery counts. Scope: push:send. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetSendResponse getSend(dev.clarion.v1.GetSendRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetSendMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists an app's sends, newest first, filtered by state and creation time.
     * Scope: push:send. Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.ListSendsResponse listSends(dev.clarion.v1.ListSendsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListSendsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the deliveries of one send. Scope: push:send. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.ListDeliveriesResponse listDeliveries(dev.clarion.v1.ListDeliveriesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListDeliveriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cancels every delivery of a send that has not gone out yet (QUEUED, SCHEDULED,
     * RETRYING). Scope: push:send. Errors: NOT_FOUND, FAILED_PRECONDITION (already complete).
     * </pre>
     */
    public dev.clarion.v1.CancelSendResponse cancelSend(dev.clarion.v1.CancelSendRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCancelSendMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams every status change of the app's deliveries, in cursor order, from now, from the
     * earliest retained receipt, or after a cursor: a consumer that reconnects with its last
     * cursor misses nothing. Delivery is at-least-once. Scope: receipts:read.
     * Errors: INVALID_ARGUMENT (bad filter), NOT_FOUND (app), OUT_OF_RANGE (cursor no longer
     * retained).
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.clarion.v1.WatchReceiptsResponse>
        watchReceipts(dev.clarion.v1.WatchReceiptsRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getWatchReceiptsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Records that the user opened a notification or tapped one of its actions.
     * Scope: push:send or devices:register. Errors: INVALID_ARGUMENT, NOT_FOUND (delivery).
     * </pre>
     */
    public dev.clarion.v1.RecordEngagementResponse recordEngagement(dev.clarion.v1.RecordEngagementRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRecordEngagementMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service PushSenderService.
   * <pre>
   * Sends notifications and reports what became of every delivery.
   * A send returns once the send, its deliveries and their first receipts are durable; from then
   * on nothing is lost. Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED.
   * </pre>
   */
  public static final class PushSenderServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<PushSenderServiceBlockingStub> {
    private PushSenderServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PushSenderServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PushSenderServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Sends one notification to one target (a device, a user's devices, an install or a topic).
     * Scope: push:send. Errors: INVALID_ARGUMENT (limits, target), NOT_FOUND (app, device),
     * FAILED_PRECONDITION (app disabled), RESOURCE_EXHAUSTED (daily quota; with RetryInfo).
     * </pre>
     */
    public dev.clarion.v1.SendResponse send(dev.clarion.v1.SendRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSendMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends the same notification to up to 500 users or devices (a setting).
     * Scope: push:send. Errors: as Send.
     * </pre>
     */
    public dev.clarion.v1.SendBulkResponse sendBulk(dev.clarion.v1.SendBulkRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSendBulkMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends up to 500 different notifications, each to its own target, answered item by item:
     * a bad item fails alone. Scope: push:send.
     * Errors: INVALID_ARGUMENT (too many items), RESOURCE_EXHAUSTED (quota for the whole batch).
     * </pre>
     */
    public dev.clarion.v1.SendBatchResponse sendBatch(dev.clarion.v1.SendBatchRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSendBatchMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets one send with its delivery counts. Scope: push:send. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetSendResponse getSend(dev.clarion.v1.GetSendRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetSendMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists an app's sends, newest first, filtered by state and creation time.
     * Scope: push:send. Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.ListSendsResponse listSends(dev.clarion.v1.ListSendsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListSendsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the deliveries of one send. Scope: push:send. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.ListDeliveriesResponse listDeliveries(dev.clarion.v1.ListDeliveriesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListDeliveriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cancels every delivery of a send that has not gone out yet (QUEUED, SCHEDULED,
     * RETRYING). Scope: push:send. Errors: NOT_FOUND, FAILED_PRECONDITION (already complete).
     * </pre>
     */
    public dev.clarion.v1.CancelSendResponse cancelSend(dev.clarion.v1.CancelSendRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCancelSendMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams every status change of the app's deliveries, in cursor order, from now, from the
     * earliest retained receipt, or after a cursor: a consumer that reconnects with its last
     * cursor misses nothing. Delivery is at-least-once. Scope: receipts:read.
     * Errors: INVALID_ARGUMENT (bad filter), NOT_FOUND (app), OUT_OF_RANGE (cursor no longer
     * retained).
     * </pre>
     */
    public java.util.Iterator<dev.clarion.v1.WatchReceiptsResponse> watchReceipts(
        dev.clarion.v1.WatchReceiptsRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getWatchReceiptsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Records that the user opened a notification or tapped one of its actions.
     * Scope: push:send or devices:register. Errors: INVALID_ARGUMENT, NOT_FOUND (delivery).
     * </pre>
     */
    public dev.clarion.v1.RecordEngagementResponse recordEngagement(dev.clarion.v1.RecordEngagementRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRecordEngagementMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service PushSenderService.
   * <pre>
   * Sends notifications and reports what became of every delivery.
   * A send returns once the send, its deliveries and their first receipts are durable; from then
   * on nothing is lost. Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED.
   * </pre>
   */
  public static final class PushSenderServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<PushSenderServiceFutureStub> {
    private PushSenderServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PushSenderServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PushSenderServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Sends one notification to one target (a device, a user's devices, an install or a topic).
     * Scope: push:send. Errors: INVALID_ARGUMENT (limits, target), NOT_FOUND (app, device),
     * FAILED_PRECONDITION (app disabled), RESOURCE_EXHAUSTED (daily quota; with RetryInfo).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.SendResponse> send(
        dev.clarion.v1.SendRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSendMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Sends the same notification to up to 500 users or devices (a setting).
     * Scope: push:send. Errors: as Send.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.SendBulkResponse> sendBulk(
        dev.clarion.v1.SendBulkRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSendBulkMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Sends up to 500 different notifications, each to its own target, answered item by item:
     * a bad item fails alone. Scope: push:send.
     * Errors: INVALID_ARGUMENT (too many items), RESOURCE_EXHAUSTED (quota for the whole batch).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.SendBatchResponse> sendBatch(
        dev.clarion.v1.SendBatchRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSendBatchMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets one send with its delivery counts. Scope: push:send. Errors: NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.GetSendResponse> getSend(
        dev.clarion.v1.GetSendRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetSendMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists an app's sends, newest first, filtered by state and creation time.
     * Scope: push:send. Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.ListSendsResponse> listSends(
        dev.clarion.v1.ListSendsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListSendsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists the deliveries of one send. Scope: push:send. Errors: NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.ListDeliveriesResponse> listDeliveries(
        dev.clarion.v1.ListDeliveriesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListDeliveriesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Cancels every delivery of a send that has not gone out yet (QUEUED, SCHEDULED,
     * RETRYING). Scope: push:send. Errors: NOT_FOUND, FAILED_PRECONDITION (already complete).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.CancelSendResponse> cancelSend(
        dev.clarion.v1.CancelSendRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCancelSendMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Records that the user opened a notification or tapped one of its actions.
     * Scope: push:send or devices:register. Errors: INVALID_ARGUMENT, NOT_FOUND (delivery).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.RecordEngagementResponse> recordEngagement(
        dev.clarion.v1.RecordEngagementRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRecordEngagementMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_SEND = 0;
  private static final int METHODID_SEND_BULK = 1;
  private static final int METHODID_SEND_BATCH = 2;
  private static final int METHODID_GET_SEND = 3;
  private static final int METHODID_LIST_SENDS = 4;
  private static final int METHODID_LIST_DELIVERIES = 5;
  private static final int METHODID_CANCEL_SEND = 6;
  private static final int METHODID_WATCH_RECEIPTS = 7;
  private static final int METHODID_RECORD_ENGAGEMENT = 8;

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
        case METHODID_SEND:
          serviceImpl.send((dev.clarion.v1.SendRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.SendResponse>) responseObserver);
          break;
        case METHODID_SEND_BULK:
          serviceImpl.sendBulk((dev.clarion.v1.SendBulkRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.SendBulkResponse>) responseObserver);
          break;
        case METHODID_SEND_BATCH:
          serviceImpl.sendBatch((dev.clarion.v1.SendBatchRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.SendBatchResponse>) responseObserver);
          break;
        case METHODID_GET_SEND:
          serviceImpl.getSend((dev.clarion.v1.GetSendRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.GetSendResponse>) responseObserver);
          break;
        case METHODID_LIST_SENDS:
          serviceImpl.listSends((dev.clarion.v1.ListSendsRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.ListSendsResponse>) responseObserver);
          break;
        case METHODID_LIST_DELIVERIES:
          serviceImpl.listDeliveries((dev.clarion.v1.ListDeliveriesRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.ListDeliveriesResponse>) responseObserver);
          break;
        case METHODID_CANCEL_SEND:
          serviceImpl.cancelSend((dev.clarion.v1.CancelSendRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.CancelSendResponse>) responseObserver);
          break;
        case METHODID_WATCH_RECEIPTS:
          serviceImpl.watchReceipts((dev.clarion.v1.WatchReceiptsRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.WatchReceiptsResponse>) responseObserver);
          break;
        case METHODID_RECORD_ENGAGEMENT:
          serviceImpl.recordEngagement((dev.clarion.v1.RecordEngagementRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.RecordEngagementResponse>) responseObserver);
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
          getSendMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.SendRequest,
              dev.clarion.v1.SendResponse>(
                service, METHODID_SEND)))
        .addMethod(
          getSendBulkMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.SendBulkRequest,
              dev.clarion.v1.SendBulkResponse>(
                service, METHODID_SEND_BULK)))
        .addMethod(
          getSendBatchMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.SendBatchRequest,
              dev.clarion.v1.SendBatchResponse>(
                service, METHODID_SEND_BATCH)))
        .addMethod(
          getGetSendMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.GetSendRequest,
              dev.clarion.v1.GetSendResponse>(
                service, METHODID_GET_SEND)))
        .addMethod(
          getListSendsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.ListSendsRequest,
              dev.clarion.v1.ListSendsResponse>(
                service, METHODID_LIST_SENDS)))
        .addMethod(
          getListDeliveriesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.ListDeliveriesRequest,
              dev.clarion.v1.ListDeliveriesResponse>(
                service, METHODID_LIST_DELIVERIES)))
        .addMethod(
          getCancelSendMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.CancelSendRequest,
              dev.clarion.v1.CancelSendResponse>(
                service, METHODID_CANCEL_SEND)))
        .addMethod(
          getWatchReceiptsMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.clarion.v1.WatchReceiptsRequest,
              dev.clarion.v1.WatchReceiptsResponse>(
                service, METHODID_WATCH_RECEIPTS)))
        .addMethod(
          getRecordEngagementMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.RecordEngagementRequest,
              dev.clarion.v1.RecordEngagementResponse>(
                service, METHODID_RECORD_ENGAGEMENT)))
        .build();
  }

  private static abstract class PushSenderServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    PushSenderServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.clarion.v1.PushSenderServiceProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("PushSenderService");
    }
  }

  private static final class PushSenderServiceFileDescriptorSupplier
      extends PushSenderServiceBaseDescriptorSupplier {
    PushSenderServiceFileDescriptorSupplier() {}
  }

  private static final class PushSenderServiceMethodDescriptorSupplier
      extends PushSenderServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    PushSenderServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (PushSenderServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new PushSenderServiceFileDescriptorSupplier())
              .addMethod(getSendMethod())
              .addMethod(getSendBulkMethod())
              .addMethod(getSendBatchMethod())
              .addMethod(getGetSendMethod())
              .addMethod(getListSendsMethod())
              .addMethod(getListDeliveriesMethod())
              .addMethod(getCancelSendMethod())
              .addMethod(getWatchReceiptsMethod())
              .addMethod(getRecordEngagementMethod())
              .build();
        }
      }
    }
    return result;
  }
}
