"""The server as operators meet it: reflection, health, first start, graceful shutdown."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from harness import Api, Server

SERVICES = {
    "clarion.v1.DeviceRegistryService",
    "clarion.v1.CredentialsService",
    "clarion.v1.PushSenderService",
    "clarion.v1.PolicyAdminService",
    "grpc.health.v1.Health",
    "grpc.reflection.v1alpha.ServerReflection",
}


async def test_reflection_lists_every_service(api: Api) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(api.channel)
    responses = stub.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    )
    names = set()
    async for response in responses:
        names = {s.name for s in response.list_services_response.service}
    assert names == SERVICES


async def test_reflection_serves_the_descriptors_grpcurl_needs(api: Api) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(api.channel)
    request = reflection_pb2.ServerReflectionRequest(
        file_containing_symbol="clarion.v1.DeviceRegistryService"
    )
    async for response in stub.ServerReflectionInfo(iter([request])):
        files = response.file_descriptor_response.file_descriptor_proto
        assert files, response
        break


async def test_health_reports_serving_for_the_server_and_each_service(api: Api) -> None:
    stub = health_pb2_grpc.HealthStub(api.channel)
    for service in ("", *sorted(s for s in SERVICES if s.startswith("clarion"))):
        reply = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING, service


async def test_first_start_writes_secret_files_owner_only(server: Server) -> None:
    for path in (server.settings.admin_key_path, server.settings.master_key_path):
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert server.settings.admin_key_path.read_text().startswith("clk_")


async def test_unknown_service_is_unimplemented(api: Api) -> None:
    call = api.channel.unary_unary("/clarion.v1.Nope/Nothing")(b"", timeout=5)
    try:
        await call
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.UNIMPLEMENTED
    else:
        raise AssertionError("an unknown method answered")
