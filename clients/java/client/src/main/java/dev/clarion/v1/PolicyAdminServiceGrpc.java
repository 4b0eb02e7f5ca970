package dev.clarion.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Administers apps (tenants), their API keys, categories and delivery policy, and reports
 * stats, delivery health and the audit log.
 * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED. Scope app:manage unless
 * said otherwise; admin may do everything.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class PolicyAdminServiceGrpc {

  private PolicyAdminServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "clarion.v1.PolicyAdminService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.CreateAppRequest,
      dev.clarion.v1.CreateAppResponse> getCreateAppMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateApp",
      requestType = dev.clarion.v1.CreateAppRequest.class,
      responseType = dev.clarion.v1.CreateAppResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.CreateAppRequest,
      dev.clarion.v1.CreateAppResponse> getCreateAppMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.CreateAppRequest, dev.clarion.v1.CreateAppResponse> getCreateAppMethod;
    if ((getCreateAppMethod = PolicyAdminServiceGrpc.getCreateAppMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getCreateAppMethod = PolicyAdminServiceGrpc.getCreateAppMethod) == null) {
          PolicyAdminServiceGrpc.getCreateAppMethod = getCreateAppMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.CreateAppRequest, dev.clarion.v1.CreateAppResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateApp"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.CreateAppRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.CreateAppResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("CreateApp"))
              .build();
        }
      }
    }
    return getCreateAppMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.GetAppRequest,
      dev.clarion.v1.GetAppResponse> getGetAppMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetApp",
      requestType = dev.clarion.v1.GetAppRequest.class,
      responseType = dev.clarion.v1.GetAppResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.GetAppRequest,
      dev.clarion.v1.GetAppResponse> getGetAppMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.GetAppRequest, dev.clarion.v1.GetAppResponse> getGetAppMethod;
    if ((getGetAppMethod = PolicyAdminServiceGrpc.getGetAppMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getGetAppMethod = PolicyAdminServiceGrpc.getGetAppMethod) == null) {
          PolicyAdminServiceGrpc.getGetAppMethod = getGetAppMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.GetAppRequest, dev.clarion.v1.GetAppResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetApp"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetAppRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetAppResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("GetApp"))
              .build();
        }
      }
    }
    return getGetAppMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.ListAppsRequest,
      dev.clarion.v1.ListAppsResponse> getListAppsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListApps",
      requestType = dev.clarion.v1.ListAppsRequest.class,
      responseType = dev.clarion.v1.ListAppsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.ListAppsRequest,
      dev.clarion.v1.ListAppsResponse> getListAppsMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.ListAppsRequest, dev.clarion.v1.ListAppsResponse> getListAppsMethod;
    if ((getListAppsMethod = PolicyAdminServiceGrpc.getListAppsMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getListAppsMethod = PolicyAdminServiceGrpc.getListAppsMethod) == null) {
          PolicyAdminServiceGrpc.getListAppsMethod = getListAppsMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.ListAppsRequest, dev.clarion.v1.ListAppsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListApps"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListAppsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListAppsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("ListApps"))
              .build();
        }
      }
    }
    return getListAppsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.UpdateAppRequest,
      dev.clarion.v1.UpdateAppResponse> getUpdateAppMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateApp",
      requestType = dev.clarion.v1.UpdateAppRequest.class,
      responseType = dev.clarion.v1.UpdateAppResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.UpdateAppRequest,
      dev.clarion.v1.UpdateAppResponse> getUpdateAppMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.UpdateAppRequest, dev.clarion.v1.UpdateAppResponse> getUpdateAppMethod;
    if ((getUpdateAppMethod = PolicyAdminServiceGrpc.getUpdateAppMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getUpdateAppMethod = PolicyAdminServiceGrpc.getUpdateAppMethod) == null) {
          PolicyAdminServiceGrpc.getUpdateAppMethod = getUpdateAppMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.UpdateAppRequest, dev.clarion.v1.UpdateAppResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateApp"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UpdateAppRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UpdateAppResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("UpdateApp"))
              .build();
        }
      }
    }
    return getUpdateAppMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.DeleteAppRequest,
      dev.clarion.v1.DeleteAppResponse> getDeleteAppMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteApp",
      requestType = dev.clarion.v1.DeleteAppRequest.class,
      responseType = dev.clarion.v1.DeleteAppResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.DeleteAppRequest,
      dev.clarion.v1.DeleteAppResponse> getDeleteAppMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.DeleteAppRequest, dev.clarion.v1.DeleteAppResponse> getDeleteAppMethod;
    if ((getDeleteAppMethod = PolicyAdminServiceGrpc.getDeleteAppMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getDeleteAppMethod = PolicyAdminServiceGrpc.getDeleteAppMethod) == null) {
          PolicyAdminServiceGrpc.getDeleteAppMethod = getDeleteAppMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.DeleteAppRequest, dev.clarion.v1.DeleteAppResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteApp"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.DeleteAppRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.DeleteAppResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("DeleteApp"))
              .build();
        }
      }
    }
    return getDeleteAppMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.CreateApiKeyRequest,
      dev.clarion.v1.CreateApiKeyResponse> getCreateApiKeyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateApiKey",
      requestType = dev.clarion.v1.CreateApiKeyRequest.class,
      responseType = dev.clarion.v1.CreateApiKeyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.CreateApiKeyRequest,
      dev.clarion.v1.CreateApiKeyResponse> getCreateApiKeyMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.CreateApiKeyRequest, dev.clarion.v1.CreateApiKeyResponse> getCreateApiKeyMethod;
    if ((getCreateApiKeyMethod = PolicyAdminServiceGrpc.getCreateApiKeyMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getCreateApiKeyMethod = PolicyAdminServiceGrpc.getCreateApiKeyMethod) == null) {
          PolicyAdminServiceGrpc.getCreateApiKeyMethod = getCreateApiKeyMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.CreateApiKeyRequest, dev.clarion.v1.CreateApiKeyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateApiKey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.CreateApiKeyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.CreateApiKeyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("CreateApiKey"))
              .build();
        }
      }
    }
    return getCreateApiKeyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.ListApiKeysRequest,
      dev.clarion.v1.ListApiKeysResponse> getListApiKeysMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListApiKeys",
      requestType = dev.clarion.v1.ListApiKeysRequest.class,
      responseType = dev.clarion.v1.ListApiKeysResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.ListApiKeysRequest,
      dev.clarion.v1.ListApiKeysResponse> getListApiKeysMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.ListApiKeysRequest, dev.clarion.v1.ListApiKeysResponse> getListApiKeysMethod;
    if ((getListApiKeysMethod = PolicyAdminServiceGrpc.getListApiKeysMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getListApiKeysMethod = PolicyAdminServiceGrpc.getListApiKeysMethod) == null) {
          PolicyAdminServiceGrpc.getListApiKeysMethod = getListApiKeysMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.ListApiKeysRequest, dev.clarion.v1.ListApiKeysResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListApiKeys"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListApiKeysRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListApiKeysResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("ListApiKeys"))
              .build();
        }
      }
    }
    return getListApiKeysMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.RevokeApiKeyRequest,
      dev.clarion.v1.RevokeApiKeyResponse> getRevokeApiKeyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RevokeApiKey",
      requestType = dev.clarion.v1.RevokeApiKeyRequest.class,
      responseType = dev.clarion.v1.RevokeApiKeyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.RevokeApiKeyRequest,
      dev.clarion.v1.RevokeApiKeyResponse> getRevokeApiKeyMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.RevokeApiKeyRequest, dev.clarion.v1.RevokeApiKeyResponse> getRevokeApiKeyMethod;
    if ((getRevokeApiKeyMethod = PolicyAdminServiceGrpc.getRevokeApiKeyMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getRevokeApiKeyMethod = PolicyAdminServiceGrpc.getRevokeApiKeyMethod) == null) {
          PolicyAdminServiceGrpc.getRevokeApiKeyMethod = getRevokeApiKeyMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.RevokeApiKeyRequest, dev.clarion.v1.RevokeApiKeyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RevokeApiKey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.RevokeApiKeyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.RevokeApiKeyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("RevokeApiKey"))
              .build();
        }
      }
    }
    return getRevokeApiKeyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.CreateCategoryRequest,
      dev.clarion.v1.CreateCategoryResponse> getCreateCategoryMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateCategory",
      requestType = dev.clarion.v1.CreateCategoryRequest.class,
      responseType = dev.clarion.v1.CreateCategoryResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.CreateCategoryRequest,
      dev.clarion.v1.CreateCategoryResponse> getCreateCategoryMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.CreateCategoryRequest, dev.clarion.v1.CreateCategoryResponse> getCreateCategoryMethod;
    if ((getCreateCategoryMethod = PolicyAdminServiceGrpc.getCreateCategoryMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getCreateCategoryMethod = PolicyAdminServiceGrpc.getCreateCategoryMethod) == null) {
          PolicyAdminServiceGrpc.getCreateCategoryMethod = getCreateCategoryMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.CreateCategoryRequest, dev.clarion.v1.CreateCategoryResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateCategory"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.CreateCategoryRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.CreateCategoryResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("CreateCategory"))
              .build();
        }
      }
    }
    return getCreateCategoryMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.ListCategoriesRequest,
      dev.clarion.v1.ListCategoriesResponse> getListCategoriesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListCategories",
      requestType = dev.clarion.v1.ListCategoriesRequest.class,
      responseType = dev.clarion.v1.ListCategoriesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.ListCategoriesRequest,
      dev.clarion.v1.ListCategoriesResponse> getListCategoriesMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.ListCategoriesRequest, dev.clarion.v1.ListCategoriesResponse> getListCategoriesMethod;
    if ((getListCategoriesMethod = PolicyAdminServiceGrpc.getListCategoriesMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getListCategoriesMethod = PolicyAdminServiceGrpc.getListCategoriesMethod) == null) {
          PolicyAdminServiceGrpc.getListCategoriesMethod = getListCategoriesMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.ListCategoriesRequest, dev.clarion.v1.ListCategoriesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListCategories"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListCategoriesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListCategoriesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("ListCategories"))
              .build();
        }
      }
    }
    return getListCategoriesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.UpdateCategoryRequest,
      dev.clarion.v1.UpdateCategoryResponse> getUpdateCategoryMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateCategory",
      requestType = dev.clarion.v1.UpdateCategoryRequest.class,
      responseType = dev.clarion.v1.UpdateCategoryResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.UpdateCategoryRequest,
      dev.clarion.v1.UpdateCategoryResponse> getUpdateCategoryMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.UpdateCategoryRequest, dev.clarion.v1.UpdateCategoryResponse> getUpdateCategoryMethod;
    if ((getUpdateCategoryMethod = PolicyAdminServiceGrpc.getUpdateCategoryMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getUpdateCategoryMethod = PolicyAdminServiceGrpc.getUpdateCategoryMethod) == null) {
          PolicyAdminServiceGrpc.getUpdateCategoryMethod = getUpdateCategoryMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.UpdateCategoryRequest, dev.clarion.v1.UpdateCategoryResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateCategory"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UpdateCategoryRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UpdateCategoryResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("UpdateCategory"))
              .build();
        }
      }
    }
    return getUpdateCategoryMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.DeleteCategoryRequest,
      dev.clarion.v1.DeleteCategoryResponse> getDeleteCategoryMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteCategory",
      requestType = dev.clarion.v1.DeleteCategoryRequest.class,
      responseType = dev.clarion.v1.DeleteCategoryResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.DeleteCategoryRequest,
      dev.clarion.v1.DeleteCategoryResponse> getDeleteCategoryMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.DeleteCategoryRequest, dev.clarion.v1.DeleteCategoryResponse> getDeleteCategoryMethod;
    if ((getDeleteCategoryMethod = PolicyAdminServiceGrpc.getDeleteCategoryMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getDeleteCategoryMethod = PolicyAdminServiceGrpc.getDeleteCategoryMethod) == null) {
          PolicyAdminServiceGrpc.getDeleteCategoryMethod = getDeleteCategoryMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.DeleteCategoryRequest, dev.clarion.v1.DeleteCategoryResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteCategory"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.DeleteCategoryRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.DeleteCategoryResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("DeleteCategory"))
              .build();
        }
      }
    }
    return getDeleteCategoryMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.GetAppPolicyRequest,
      dev.clarion.v1.GetAppPolicyResponse> getGetAppPolicyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetAppPolicy",
      requestType = dev.clarion.v1.GetAppPolicyRequest.class,
      responseType = dev.clarion.v1.GetAppPolicyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.GetAppPolicyRequest,
      dev.clarion.v1.GetAppPolicyResponse> getGetAppPolicyMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.GetAppPolicyRequest, dev.clarion.v1.GetAppPolicyResponse> getGetAppPolicyMethod;
    if ((getGetAppPolicyMethod = PolicyAdminServiceGrpc.getGetAppPolicyMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getGetAppPolicyMethod = PolicyAdminServiceGrpc.getGetAppPolicyMethod) == null) {
          PolicyAdminServiceGrpc.getGetAppPolicyMethod = getGetAppPolicyMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.GetAppPolicyRequest, dev.clarion.v1.GetAppPolicyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetAppPolicy"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetAppPolicyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetAppPolicyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("GetAppPolicy"))
              .build();
        }
      }
    }
    return getGetAppPolicyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.UpdateAppPolicyRequest,
      dev.clarion.v1.UpdateAppPolicyResponse> getUpdateAppPolicyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateAppPolicy",
      requestType = dev.clarion.v1.UpdateAppPolicyRequest.class,
      responseType = dev.clarion.v1.UpdateAppPolicyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.UpdateAppPolicyRequest,
      dev.clarion.v1.UpdateAppPolicyResponse> getUpdateAppPolicyMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.UpdateAppPolicyRequest, dev.clarion.v1.UpdateAppPolicyResponse> getUpdateAppPolicyMethod;
    if ((getUpdateAppPolicyMethod = PolicyAdminServiceGrpc.getUpdateAppPolicyMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getUpdateAppPolicyMethod = PolicyAdminServiceGrpc.getUpdateAppPolicyMethod) == null) {
          PolicyAdminServiceGrpc.getUpdateAppPolicyMethod = getUpdateAppPolicyMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.UpdateAppPolicyRequest, dev.clarion.v1.UpdateAppPolicyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateAppPolicy"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UpdateAppPolicyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.UpdateAppPolicyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("UpdateAppPolicy"))
              .build();
        }
      }
    }
    return getUpdateAppPolicyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.GetStatsRequest,
      dev.clarion.v1.GetStatsResponse> getGetStatsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetStats",
      requestType = dev.clarion.v1.GetStatsRequest.class,
      responseType = dev.clarion.v1.GetStatsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.GetStatsRequest,
      dev.clarion.v1.GetStatsResponse> getGetStatsMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.GetStatsRequest, dev.clarion.v1.GetStatsResponse> getGetStatsMethod;
    if ((getGetStatsMethod = PolicyAdminServiceGrpc.getGetStatsMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getGetStatsMethod = PolicyAdminServiceGrpc.getGetStatsMethod) == null) {
          PolicyAdminServiceGrpc.getGetStatsMethod = getGetStatsMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.GetStatsRequest, dev.clarion.v1.GetStatsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetStats"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetStatsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetStatsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("GetStats"))
              .build();
        }
      }
    }
    return getGetStatsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.GetDeliveryHealthRequest,
      dev.clarion.v1.GetDeliveryHealthResponse> getGetDeliveryHealthMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetDeliveryHealth",
      requestType = dev.clarion.v1.GetDeliveryHealthRequest.class,
      responseType = dev.clarion.v1.GetDeliveryHealthResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.GetDeliveryHealthRequest,
      dev.clarion.v1.GetDeliveryHealthResponse> getGetDeliveryHealthMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.GetDeliveryHealthRequest, dev.clarion.v1.GetDeliveryHealthResponse> getGetDeliveryHealthMethod;
    if ((getGetDeliveryHealthMethod = PolicyAdminServiceGrpc.getGetDeliveryHealthMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getGetDeliveryHealthMethod = PolicyAdminServiceGrpc.getGetDeliveryHealthMethod) == null) {
          PolicyAdminServiceGrpc.getGetDeliveryHealthMethod = getGetDeliveryHealthMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.GetDeliveryHealthRequest, dev.clarion.v1.GetDeliveryHealthResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetDeliveryHealth"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetDeliveryHealthRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.GetDeliveryHealthResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("GetDeliveryHealth"))
              .build();
        }
      }
    }
    return getGetDeliveryHealthMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.clarion.v1.ListAuditEntriesRequest,
      dev.clarion.v1.ListAuditEntriesResponse> getListAuditEntriesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListAuditEntries",
      requestType = dev.clarion.v1.ListAuditEntriesRequest.class,
      responseType = dev.clarion.v1.ListAuditEntriesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.clarion.v1.ListAuditEntriesRequest,
      dev.clarion.v1.ListAuditEntriesResponse> getListAuditEntriesMethod() {
    io.grpc.MethodDescriptor<dev.clarion.v1.ListAuditEntriesRequest, dev.clarion.v1.ListAuditEntriesResponse> getListAuditEntriesMethod;
    if ((getListAuditEntriesMethod = PolicyAdminServiceGrpc.getListAuditEntriesMethod) == null) {
      synchronized (PolicyAdminServiceGrpc.class) {
        if ((getListAuditEntriesMethod = PolicyAdminServiceGrpc.getListAuditEntriesMethod) == null) {
          PolicyAdminServiceGrpc.getListAuditEntriesMethod = getListAuditEntriesMethod =
              io.grpc.MethodDescriptor.<dev.clarion.v1.ListAuditEntriesRequest, dev.clarion.v1.ListAuditEntriesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListAuditEntries"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListAuditEntriesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.clarion.v1.ListAuditEntriesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PolicyAdminServiceMethodDescriptorSupplier("ListAuditEntries"))
              .build();
        }
      }
    }
    return getListAuditEntriesMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static PolicyAdminServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PolicyAdminServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PolicyAdminServiceStub>() {
        @java.lang.Override
        public PolicyAdminServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PolicyAdminServiceStub(channel, callOptions);
        }
      };
    return PolicyAdminServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static PolicyAdminServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PolicyAdminServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PolicyAdminServiceBlockingV2Stub>() {
        @java.lang.Override
        public PolicyAdminServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PolicyAdminServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return PolicyAdminServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static PolicyAdminServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PolicyAdminServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PolicyAdminServiceBlockingStub>() {
        @java.lang.Override
        public PolicyAdminServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PolicyAdminServiceBlockingStub(channel, callOptions);
        }
      };
    return PolicyAdminServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static PolicyAdminServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PolicyAdminServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PolicyAdminServiceFutureStub>() {
        @java.lang.Override
        public PolicyAdminServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PolicyAdminServiceFutureStub(channel, callOptions);
        }
      };
    return PolicyAdminServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Administers apps (tenants), their API keys, categories and delivery policy, and reports
   * stats, delivery health and the audit log.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED. Scope app:manage unless
   * said otherwise; admin may do everything.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Creates an app. Scope: admin.
     * Errors: INVALID_ARGUMENT (bad app id), ALREADY_EXISTS.
     * </pre>
     */
    default void createApp(dev.clarion.v1.CreateAppRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.CreateAppResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateAppMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets an app with its device count and today's notification count. Errors: NOT_FOUND.
     * </pre>
     */
    default void getApp(dev.clarion.v1.GetAppRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetAppResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetAppMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists apps, by id. An admin key sees all; an app key sees its own.
     * Errors: INVALID_ARGUMENT (bad page token).
     * </pre>
     */
    default void listApps(dev.clarion.v1.ListAppsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListAppsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListAppsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Updates an app's display_name and disabled flag (field mask).
     * Errors: INVALID_ARGUMENT (bad mask), NOT_FOUND.
     * </pre>
     */
    default void updateApp(dev.clarion.v1.UpdateAppRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateAppResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateAppMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes an app and everything it owns (devices, credentials, keys, sends, receipts).
     * Scope: admin. Errors: NOT_FOUND.
     * </pre>
     */
    default void deleteApp(dev.clarion.v1.DeleteAppRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.DeleteAppResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteAppMethod(), responseObserver);
    }

    /**
     * <pre>
     * Creates an API key; its secret is in the response and never again. An app key may only
     * carry app scopes; global keys (parent empty, admin only) carry admin.
     * Errors: INVALID_ARGUMENT (no or bad scopes), NOT_FOUND (app).
     * </pre>
     */
    default void createApiKey(dev.clarion.v1.CreateApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.CreateApiKeyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateApiKeyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists API keys (never their secrets), revoked ones included.
     * Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND (app).
     * </pre>
     */
    default void listApiKeys(dev.clarion.v1.ListApiKeysRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListApiKeysResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListApiKeysMethod(), responseObserver);
    }

    /**
     * <pre>
     * Revokes an API key; it is refused from then on. Idempotent. Errors: NOT_FOUND.
     * </pre>
     */
    default void revokeApiKey(dev.clarion.v1.RevokeApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.RevokeApiKeyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRevokeApiKeyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Creates a category. Errors: INVALID_ARGUMENT, ALREADY_EXISTS, NOT_FOUND (app).
     * </pre>
     */
    default void createCategory(dev.clarion.v1.CreateCategoryRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.CreateCategoryResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateCategoryMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists an app's categories, by key. Errors: NOT_FOUND (app).
     * </pre>
     */
    default void listCategories(dev.clarion.v1.ListCategoriesRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListCategoriesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListCategoriesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Updates a category (field mask). Errors: INVALID_ARGUMENT, NOT_FOUND.
     * </pre>
     */
    default void updateCategory(dev.clarion.v1.UpdateCategoryRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateCategoryResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateCategoryMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes a category. Errors: NOT_FOUND.
     * </pre>
     */
    default void deleteCategory(dev.clarion.v1.DeleteCategoryRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.DeleteCategoryResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteCategoryMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets the app's delivery policy. Errors: NOT_FOUND.
     * </pre>
     */
    default void getAppPolicy(dev.clarion.v1.GetAppPolicyRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetAppPolicyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetAppPolicyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Updates the app's delivery policy (field mask). Errors: INVALID_ARGUMENT, NOT_FOUND.
     * </pre>
     */
    default void updateAppPolicy(dev.clarion.v1.UpdateAppPolicyRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateAppPolicyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateAppPolicyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Delivery statistics over a time window. Errors: INVALID_ARGUMENT (bad window), NOT_FOUND.
     * </pre>
     */
    default void getStats(dev.clarion.v1.GetStatsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetStatsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetStatsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Top failure reasons over the last 7 days and the last 10 raw failures. Errors: NOT_FOUND.
     * </pre>
     */
    default void getDeliveryHealth(dev.clarion.v1.GetDeliveryHealthRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetDeliveryHealthResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetDeliveryHealthMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists audit entries, newest first, filtered by action, actor and time.
     * Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND.
     * </pre>
     */
    default void listAuditEntries(dev.clarion.v1.ListAuditEntriesRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListAuditEntriesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListAuditEntriesMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service PolicyAdminService.
   * <pre>
   * Administers apps (tenants), their API keys, categories and delivery policy, and reports
   * stats, delivery health and the audit log.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED. Scope app:manage unless
   * said otherwise; admin may do everything.
   * </pre>
   */
  public static abstract class PolicyAdminServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return PolicyAdminServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service PolicyAdminService.
   * <pre>
   * Administers apps (tenants), their API keys, categories and delivery policy, and reports
   * stats, delivery health and the audit log.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED. Scope app:manage unless
   * said otherwise; admin may do everything.
   * </pre>
   */
  public static final class PolicyAdminServiceStub
      extends io.grpc.stub.AbstractAsyncStub<PolicyAdminServiceStub> {
    private PolicyAdminServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PolicyAdminServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PolicyAdminServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates an app. Scope: admin.
     * Errors: INVALID_ARGUMENT (bad app id), ALREADY_EXISTS.
     * </pre>
     */
    public void createApp(dev.clarion.v1.CreateAppRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.CreateAppResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateAppMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets an app with its device count and today's notification count. Errors: NOT_FOUND.
     * </pre>
     */
    public void getApp(dev.clarion.v1.GetAppRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetAppResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetAppMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists apps, by id. An admin key sees all; an app key sees its own.
     * Errors: INVALID_ARGUMENT (bad page token).
     * </pre>
     */
    public void listApps(dev.clarion.v1.ListAppsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListAppsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListAppsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Updates an app's display_name and disabled flag (field mask).
     * Errors: INVALID_ARGUMENT (bad mask), NOT_FOUND.
     * </pre>
     */
    public void updateApp(dev.clarion.v1.UpdateAppRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateAppResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateAppMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes an app and everything it owns (devices, credentials, keys, sends, receipts).
     * Scope: admin. Errors: NOT_FOUND.
     * </pre>
     */
    public void deleteApp(dev.clarion.v1.DeleteAppRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.DeleteAppResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteAppMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Creates an API key; its secret is in the response and never again. An app key may only
     * carry app scopes; global keys (parent empty, admin only) carry admin.
     * Errors: INVALID_ARGUMENT (no or bad scopes), NOT_FOUND (app).
     * </pre>
     */
    public void createApiKey(dev.clarion.v1.CreateApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.CreateApiKeyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateApiKeyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists API keys (never their secrets), revoked ones included.
     * Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND (app).
     * </pre>
     */
    public void listApiKeys(dev.clarion.v1.ListApiKeysRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListApiKeysResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListApiKeysMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Revokes an API key; it is refused from then on. Idempotent. Errors: NOT_FOUND.
     * </pre>
     */
    public void revokeApiKey(dev.clarion.v1.RevokeApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.RevokeApiKeyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRevokeApiKeyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Creates a category. Errors: INVALID_ARGUMENT, ALREADY_EXISTS, NOT_FOUND (app).
     * </pre>
     */
    public void createCategory(dev.clarion.v1.CreateCategoryRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.CreateCategoryResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateCategoryMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists an app's categories, by key. Errors: NOT_FOUND (app).
     * </pre>
     */
    public void listCategories(dev.clarion.v1.ListCategoriesRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListCategoriesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListCategoriesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Updates a category (field mask). Errors: INVALID_ARGUMENT, NOT_FOUND.
     * </pre>
     */
    public void updateCategory(dev.clarion.v1.UpdateCategoryRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateCategoryResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateCategoryMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes a category. Errors: NOT_FOUND.
     * </pre>
     */
    public void deleteCategory(dev.clarion.v1.DeleteCategoryRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.DeleteCategoryResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteCategoryMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets the app's delivery policy. Errors: NOT_FOUND.
     * </pre>
     */
    public void getAppPolicy(dev.clarion.v1.GetAppPolicyRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetAppPolicyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetAppPolicyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Updates the app's delivery policy (field mask). Errors: INVALID_ARGUMENT, NOT_FOUND.
     * </pre>
     */
    public void updateAppPolicy(dev.clarion.v1.UpdateAppPolicyRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateAppPolicyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateAppPolicyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Delivery statistics over a time window. Errors: INVALID_ARGUMENT (bad window), NOT_FOUND.
     * </pre>
     */
    public void getStats(dev.clarion.v1.GetStatsRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetStatsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetStatsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Top failure reasons over the last 7 days and the last 10 raw failures. Errors: NOT_FOUND.
     * </pre>
     */
    public void getDeliveryHealth(dev.clarion.v1.GetDeliveryHealthRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.GetDeliveryHealthResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetDeliveryHealthMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists audit entries, newest first, filtered by action, actor and time.
     * Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND.
     * </pre>
     */
    public void listAuditEntries(dev.clarion.v1.ListAuditEntriesRequest request,
        io.grpc.stub.StreamObserver<dev.clarion.v1.ListAuditEntriesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListAuditEntriesMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service PolicyAdminService.
   * <pre>
   * Administers apps (tenants), their API keys, categories and delivery policy, and reports
   * stats, delivery health and the audit log.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED. Scope app:manage unless
   * said otherwise; admin may do everything.
   * </pre>
   */
  public static final class PolicyAdminServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<PolicyAdminServiceBlockingV2Stub> {
    private PolicyAdminServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PolicyAdminServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PolicyAdminServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates an app. Scope: admin.
     * Errors: INVALID_ARGUMENT (bad app id), ALREADY_EXISTS.
     * </pre>
     */
    public dev.clarion.v1.CreateAppResponse createApp(dev.clarion.v1.CreateAppRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateAppMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets an app with its device count and today's notification count. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetAppResponse getApp(dev.clarion.v1.GetAppRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetAppMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists apps, by id. An admin key sees all; an app key sees its own.
     * Errors: INVALID_ARGUMENT (bad page token).
     * </pre>
     */
    public dev.clarion.v1.ListAppsResponse listApps(dev.clarion.v1.ListAppsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListAppsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates an app's display_name and disabled flag (field mask).
     * Errors: INVALID_ARGUMENT (bad mask), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UpdateAppResponse updateApp(dev.clarion.v1.UpdateAppRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateAppMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes an app and everything it owns (devices, credentials, keys, sends, receipts).
     * Scope: admin. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.DeleteAppResponse deleteApp(dev.clarion.v1.DeleteAppRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteAppMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Creates an API key; its secret is in the response and never again. An app key may only
     * carry app scopes; global keys (parent empty, admin only) carry admin.
     * Errors: INVALID_ARGUMENT (no or bad scopes), NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.CreateApiKeyResponse createApiKey(dev.clarion.v1.CreateApiKeyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists API keys (never their secrets), revoked ones included.
     * Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.ListApiKeysResponse listApiKeys(dev.clarion.v1.ListApiKeysRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListApiKeysMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Revokes an API key; it is refused from then on. Idempotent. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.RevokeApiKeyResponse revokeApiKey(dev.clarion.v1.RevokeApiKeyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRevokeApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Creates a category. Errors: INVALID_ARGUMENT, ALREADY_EXISTS, NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.CreateCategoryResponse createCategory(dev.clarion.v1.CreateCategoryRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateCategoryMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists an app's categories, by key. Errors: NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.ListCategoriesResponse listCategories(dev.clarion.v1.ListCategoriesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListCategoriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates a category (field mask). Errors: INVALID_ARGUMENT, NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UpdateCategoryResponse updateCategory(dev.clarion.v1.UpdateCategoryRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateCategoryMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes a category. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.DeleteCategoryResponse deleteCategory(dev.clarion.v1.DeleteCategoryRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteCategoryMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets the app's delivery policy. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetAppPolicyResponse getAppPolicy(dev.clarion.v1.GetAppPolicyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetAppPolicyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates the app's delivery policy (field mask). Errors: INVALID_ARGUMENT, NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UpdateAppPolicyResponse updateAppPolicy(dev.clarion.v1.UpdateAppPolicyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateAppPolicyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Delivery statistics over a time window. Errors: INVALID_ARGUMENT (bad window), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetStatsResponse getStats(dev.clarion.v1.GetStatsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetStatsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Top failure reasons over the last 7 days and the last 10 raw failures. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetDeliveryHealthResponse getDeliveryHealth(dev.clarion.v1.GetDeliveryHealthRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetDeliveryHealthMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists audit entries, newest first, filtered by action, actor and time.
     * Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.ListAuditEntriesResponse listAuditEntries(dev.clarion.v1.ListAuditEntriesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListAuditEntriesMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service PolicyAdminService.
   * <pre>
   * Administers apps (tenants), their API keys, categories and delivery policy, and reports
   * stats, delivery health and the audit log.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED. Scope app:manage unless
   * said otherwise; admin may do everything.
   * </pre>
   */
  public static final class PolicyAdminServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<PolicyAdminServiceBlockingStub> {
    private PolicyAdminServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PolicyAdminServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PolicyAdminServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates an app. Scope: admin.
     * Errors: INVALID_ARGUMENT (bad app id), ALREADY_EXISTS.
     * </pre>
     */
    public dev.clarion.v1.CreateAppResponse createApp(dev.clarion.v1.CreateAppRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateAppMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets an app with its device count and today's notification count. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetAppResponse getApp(dev.clarion.v1.GetAppRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetAppMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists apps, by id. An admin key sees all; an app key sees its own.
     * Errors: INVALID_ARGUMENT (bad page token).
     * </pre>
     */
    public dev.clarion.v1.ListAppsResponse listApps(dev.clarion.v1.ListAppsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListAppsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates an app's display_name and disabled flag (field mask).
     * Errors: INVALID_ARGUMENT (bad mask), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UpdateAppResponse updateApp(dev.clarion.v1.UpdateAppRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateAppMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes an app and everything it owns (devices, credentials, keys, sends, receipts).
     * Scope: admin. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.DeleteAppResponse deleteApp(dev.clarion.v1.DeleteAppRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteAppMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Creates an API key; its secret is in the response and never again. An app key may only
     * carry app scopes; global keys (parent empty, admin only) carry admin.
     * Errors: INVALID_ARGUMENT (no or bad scopes), NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.CreateApiKeyResponse createApiKey(dev.clarion.v1.CreateApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists API keys (never their secrets), revoked ones included.
     * Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.ListApiKeysResponse listApiKeys(dev.clarion.v1.ListApiKeysRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListApiKeysMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Revokes an API key; it is refused from then on. Idempotent. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.RevokeApiKeyResponse revokeApiKey(dev.clarion.v1.RevokeApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRevokeApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Creates a category. Errors: INVALID_ARGUMENT, ALREADY_EXISTS, NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.CreateCategoryResponse createCategory(dev.clarion.v1.CreateCategoryRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateCategoryMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists an app's categories, by key. Errors: NOT_FOUND (app).
     * </pre>
     */
    public dev.clarion.v1.ListCategoriesResponse listCategories(dev.clarion.v1.ListCategoriesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListCategoriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates a category (field mask). Errors: INVALID_ARGUMENT, NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UpdateCategoryResponse updateCategory(dev.clarion.v1.UpdateCategoryRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateCategoryMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes a category. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.DeleteCategoryResponse deleteCategory(dev.clarion.v1.DeleteCategoryRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteCategoryMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets the app's delivery policy. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetAppPolicyResponse getAppPolicy(dev.clarion.v1.GetAppPolicyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetAppPolicyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates the app's delivery policy (field mask). Errors: INVALID_ARGUMENT, NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.UpdateAppPolicyResponse updateAppPolicy(dev.clarion.v1.UpdateAppPolicyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateAppPolicyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Delivery statistics over a time window. Errors: INVALID_ARGUMENT (bad window), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetStatsResponse getStats(dev.clarion.v1.GetStatsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetStatsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Top failure reasons over the last 7 days and the last 10 raw failures. Errors: NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.GetDeliveryHealthResponse getDeliveryHealth(dev.clarion.v1.GetDeliveryHealthRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetDeliveryHealthMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists audit entries, newest first, filtered by action, actor and time.
     * Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND.
     * </pre>
     */
    public dev.clarion.v1.ListAuditEntriesResponse listAuditEntries(dev.clarion.v1.ListAuditEntriesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListAuditEntriesMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service PolicyAdminService.
   * <pre>
   * Administers apps (tenants), their API keys, categories and delivery policy, and reports
   * stats, delivery health and the audit log.
   * Every RPC may also return UNAUTHENTICATED and PERMISSION_DENIED. Scope app:manage unless
   * said otherwise; admin may do everything.
   * </pre>
   */
  public static final class PolicyAdminServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<PolicyAdminServiceFutureStub> {
    private PolicyAdminServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PolicyAdminServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PolicyAdminServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates an app. Scope: admin.
     * Errors: INVALID_ARGUMENT (bad app id), ALREADY_EXISTS.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.CreateAppResponse> createApp(
        dev.clarion.v1.CreateAppRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateAppMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets an app with its device count and today's notification count. Errors: NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.GetAppResponse> getApp(
        dev.clarion.v1.GetAppRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetAppMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists apps, by id. An admin key sees all; an app key sees its own.
     * Errors: INVALID_ARGUMENT (bad page token).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.ListAppsResponse> listApps(
        dev.clarion.v1.ListAppsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListAppsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Updates an app's display_name and disabled flag (field mask).
     * Errors: INVALID_ARGUMENT (bad mask), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.UpdateAppResponse> updateApp(
        dev.clarion.v1.UpdateAppRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateAppMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes an app and everything it owns (devices, credentials, keys, sends, receipts).
     * Scope: admin. Errors: NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.DeleteAppResponse> deleteApp(
        dev.clarion.v1.DeleteAppRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteAppMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Creates an API key; its secret is in the response and never again. An app key may only
     * carry app scopes; global keys (parent empty, admin only) carry admin.
     * Errors: INVALID_ARGUMENT (no or bad scopes), NOT_FOUND (app).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.CreateApiKeyResponse> createApiKey(
        dev.clarion.v1.CreateApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateApiKeyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists API keys (never their secrets), revoked ones included.
     * Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND (app).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.ListApiKeysResponse> listApiKeys(
        dev.clarion.v1.ListApiKeysRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListApiKeysMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Revokes an API key; it is refused from then on. Idempotent. Errors: NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.RevokeApiKeyResponse> revokeApiKey(
        dev.clarion.v1.RevokeApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRevokeApiKeyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Creates a category. Errors: INVALID_ARGUMENT, ALREADY_EXISTS, NOT_FOUND (app).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.CreateCategoryResponse> createCategory(
        dev.clarion.v1.CreateCategoryRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateCategoryMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists an app's categories, by key. Errors: NOT_FOUND (app).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.ListCategoriesResponse> listCategories(
        dev.clarion.v1.ListCategoriesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListCategoriesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Updates a category (field mask). Errors: INVALID_ARGUMENT, NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.UpdateCategoryResponse> updateCategory(
        dev.clarion.v1.UpdateCategoryRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateCategoryMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes a category. Errors: NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.DeleteCategoryResponse> deleteCategory(
        dev.clarion.v1.DeleteCategoryRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteCategoryMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets the app's delivery policy. Errors: NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.GetAppPolicyResponse> getAppPolicy(
        dev.clarion.v1.GetAppPolicyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetAppPolicyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Updates the app's delivery policy (field mask). Errors: INVALID_ARGUMENT, NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.UpdateAppPolicyResponse> updateAppPolicy(
        dev.clarion.v1.UpdateAppPolicyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateAppPolicyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Delivery statistics over a time window. Errors: INVALID_ARGUMENT (bad window), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.GetStatsResponse> getStats(
        dev.clarion.v1.GetStatsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetStatsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Top failure reasons over the last 7 days and the last 10 raw failures. Errors: NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.GetDeliveryHealthResponse> getDeliveryHealth(
        dev.clarion.v1.GetDeliveryHealthRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetDeliveryHealthMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists audit entries, newest first, filtered by action, actor and time.
     * Errors: INVALID_ARGUMENT (bad page token), NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.clarion.v1.ListAuditEntriesResponse> listAuditEntries(
        dev.clarion.v1.ListAuditEntriesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListAuditEntriesMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_APP = 0;
  private static final int METHODID_GET_APP = 1;
  private static final int METHODID_LIST_APPS = 2;
  private static final int METHODID_UPDATE_APP = 3;
  private static final int METHODID_DELETE_APP = 4;
  private static final int METHODID_CREATE_API_KEY = 5;
  private static final int METHODID_LIST_API_KEYS = 6;
  private static final int METHODID_REVOKE_API_KEY = 7;
  private static final int METHODID_CREATE_CATEGORY = 8;
  private static final int METHODID_LIST_CATEGORIES = 9;
  private static final int METHODID_UPDATE_CATEGORY = 10;
  private static final int METHODID_DELETE_CATEGORY = 11;
  private static final int METHODID_GET_APP_POLICY = 12;
  private static final int METHODID_UPDATE_APP_POLICY = 13;
  private static final int METHODID_GET_STATS = 14;
  private static final int METHODID_GET_DELIVERY_HEALTH = 15;
  private static final int METHODID_LIST_AUDIT_ENTRIES = 16;

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
        case METHODID_CREATE_APP:
          serviceImpl.createApp((dev.clarion.v1.CreateAppRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.CreateAppResponse>) responseObserver);
          break;
        case METHODID_GET_APP:
          serviceImpl.getApp((dev.clarion.v1.GetAppRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.GetAppResponse>) responseObserver);
          break;
        case METHODID_LIST_APPS:
          serviceImpl.listApps((dev.clarion.v1.ListAppsRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.ListAppsResponse>) responseObserver);
          break;
        case METHODID_UPDATE_APP:
          serviceImpl.updateApp((dev.clarion.v1.UpdateAppRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateAppResponse>) responseObserver);
          break;
        case METHODID_DELETE_APP:
          serviceImpl.deleteApp((dev.clarion.v1.DeleteAppRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.DeleteAppResponse>) responseObserver);
          break;
        case METHODID_CREATE_API_KEY:
          serviceImpl.createApiKey((dev.clarion.v1.CreateApiKeyRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.CreateApiKeyResponse>) responseObserver);
          break;
        case METHODID_LIST_API_KEYS:
          serviceImpl.listApiKeys((dev.clarion.v1.ListApiKeysRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.ListApiKeysResponse>) responseObserver);
          break;
        case METHODID_REVOKE_API_KEY:
          serviceImpl.revokeApiKey((dev.clarion.v1.RevokeApiKeyRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.RevokeApiKeyResponse>) responseObserver);
          break;
        case METHODID_CREATE_CATEGORY:
          serviceImpl.createCategory((dev.clarion.v1.CreateCategoryRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.CreateCategoryResponse>) responseObserver);
          break;
        case METHODID_LIST_CATEGORIES:
          serviceImpl.listCategories((dev.clarion.v1.ListCategoriesRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.ListCategoriesResponse>) responseObserver);
          break;
        case METHODID_UPDATE_CATEGORY:
          serviceImpl.updateCategory((dev.clarion.v1.UpdateCategoryRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateCategoryResponse>) responseObserver);
          break;
        case METHODID_DELETE_CATEGORY:
          serviceImpl.deleteCategory((dev.clarion.v1.DeleteCategoryRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.DeleteCategoryResponse>) responseObserver);
          break;
        case METHODID_GET_APP_POLICY:
          serviceImpl.getAppPolicy((dev.clarion.v1.GetAppPolicyRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.GetAppPolicyResponse>) responseObserver);
          break;
        case METHODID_UPDATE_APP_POLICY:
          serviceImpl.updateAppPolicy((dev.clarion.v1.UpdateAppPolicyRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.UpdateAppPolicyResponse>) responseObserver);
          break;
        case METHODID_GET_STATS:
          serviceImpl.getStats((dev.clarion.v1.GetStatsRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.GetStatsResponse>) responseObserver);
          break;
        case METHODID_GET_DELIVERY_HEALTH:
          serviceImpl.getDeliveryHealth((dev.clarion.v1.GetDeliveryHealthRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.GetDeliveryHealthResponse>) responseObserver);
          break;
        case METHODID_LIST_AUDIT_ENTRIES:
          serviceImpl.listAuditEntries((dev.clarion.v1.ListAuditEntriesRequest) request,
              (io.grpc.stub.StreamObserver<dev.clarion.v1.ListAuditEntriesResponse>) responseObserver);
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
          getCreateAppMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.CreateAppRequest,
              dev.clarion.v1.CreateAppResponse>(
                service, METHODID_CREATE_APP)))
        .addMethod(
          getGetAppMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.GetAppRequest,
              dev.clarion.v1.GetAppResponse>(
                service, METHODID_GET_APP)))
        .addMethod(
          getListAppsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.ListAppsRequest,
              dev.clarion.v1.ListAppsResponse>(
                service, METHODID_LIST_APPS)))
        .addMethod(
          getUpdateAppMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.UpdateAppRequest,
              dev.clarion.v1.UpdateAppResponse>(
                service, METHODID_UPDATE_APP)))
        .addMethod(
          getDeleteAppMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.DeleteAppRequest,
              dev.clarion.v1.DeleteAppResponse>(
                service, METHODID_DELETE_APP)))
        .addMethod(
          getCreateApiKeyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.CreateApiKeyRequest,
              dev.clarion.v1.CreateApiKeyResponse>(
                service, METHODID_CREATE_API_KEY)))
        .addMethod(
          getListApiKeysMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.ListApiKeysRequest,
              dev.clarion.v1.ListApiKeysResponse>(
                service, METHODID_LIST_API_KEYS)))
        .addMethod(
          getRevokeApiKeyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.RevokeApiKeyRequest,
              dev.clarion.v1.RevokeApiKeyResponse>(
                service, METHODID_REVOKE_API_KEY)))
        .addMethod(
          getCreateCategoryMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.CreateCategoryRequest,
              dev.clarion.v1.CreateCategoryResponse>(
                service, METHODID_CREATE_CATEGORY)))
        .addMethod(
          getListCategoriesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.ListCategoriesRequest,
              dev.clarion.v1.ListCategoriesResponse>(
                service, METHODID_LIST_CATEGORIES)))
        .addMethod(
          getUpdateCategoryMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.UpdateCategoryRequest,
              dev.clarion.v1.UpdateCategoryResponse>(
                service, METHODID_UPDATE_CATEGORY)))
        .addMethod(
          getDeleteCategoryMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.DeleteCategoryRequest,
              dev.clarion.v1.DeleteCategoryResponse>(
                service, METHODID_DELETE_CATEGORY)))
        .addMethod(
          getGetAppPolicyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.GetAppPolicyRequest,
              dev.clarion.v1.GetAppPolicyResponse>(
                service, METHODID_GET_APP_POLICY)))
        .addMethod(
          getUpdateAppPolicyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.UpdateAppPolicyRequest,
              dev.clarion.v1.UpdateAppPolicyResponse>(
                service, METHODID_UPDATE_APP_POLICY)))
        .addMethod(
          getGetStatsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.GetStatsRequest,
              dev.clarion.v1.GetStatsResponse>(
                service, METHODID_GET_STATS)))
        .addMethod(
          getGetDeliveryHealthMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.GetDeliveryHealthRequest,
              dev.clarion.v1.GetDeliveryHealthResponse>(
                service, METHODID_GET_DELIVERY_HEALTH)))
        .addMethod(
          getListAuditEntriesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.clarion.v1.ListAuditEntriesRequest,
              dev.clarion.v1.ListAuditEntriesResponse>(
                service, METHODID_LIST_AUDIT_ENTRIES)))
        .build();
  }

  private static abstract class PolicyAdminServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    PolicyAdminServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.clarion.v1.PolicyAdminServiceProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("PolicyAdminService");
    }
  }

  private static final class PolicyAdminServiceFileDescriptorSupplier
      extends PolicyAdminServiceBaseDescriptorSupplier {
    PolicyAdminServiceFileDescriptorSupplier() {}
  }

  private static final class PolicyAdminServiceMethodDescriptorSupplier
      extends PolicyAdminServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    PolicyAdminServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (PolicyAdminServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new PolicyAdminServiceFileDescriptorSupplier())
              .addMethod(getCreateAppMethod())
              .addMethod(getGetAppMethod())
              .addMethod(getListAppsMethod())
              .addMethod(getUpdateAppMethod())
              .addMethod(getDeleteAppMethod())
              .addMethod(getCreateApiKeyMethod())
              .addMethod(getListApiKeysMethod())
              .addMethod(getRevokeApiKeyMethod())
              .addMethod(getCreateCategoryMethod())
              .addMethod(getListCategoriesMethod())
              .addMethod(getUpdateCategoryMethod())
              .addMethod(getDeleteCategoryMethod())
              .addMethod(getGetAppPolicyMethod())
              .addMethod(getUpdateAppPolicyMethod())
              .addMethod(getGetStatsMethod())
              .addMethod(getGetDeliveryHealthMethod())
              .addMethod(getListAuditEntriesMethod())
              .build();
        }
      }
    }
    return result;
  }
}
