"""PushSenderService: declared in full; delivery lands with the delivery-engine issue.

Until then every RPC authenticates and checks its scope for the named app (so tenancy holds
for the whole contract), then answers UNIMPLEMENTED: nothing is accepted that could be lost.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import NoReturn

from clarion.api.auth import Authenticator
from clarion.api.errors import Ctx, rpc, stream_rpc
from clarion.domain import names
from clarion.domain.access import Scope
from clarion.domain.errors import InvalidArgument, Unimplemented
from clarion.v1 import push_sender_service_pb2 as pb
from clarion.v1 import push_sender_service_pb2_grpc as pb_grpc


def _send_app(name: str, field: str = "name") -> str:
    """`apps/{app}/sends/{send}[/deliveries/{delivery}]` -> app id."""
    parts = name.split("/")
    if (
        len(parts) not in (4, 6)
        or parts[2] != "sends"
        or (len(parts) == 6 and parts[4] != "deliveries")
    ):
        raise InvalidArgument.field(
            field, "expected apps/{app}/sends/{send}[/deliveries/{delivery}]", reason="INVALID_NAME"
        )
    return names.app_id_of("/".join(parts[:2]), field=field)


class PushSender(pb_grpc.PushSenderServiceServicer):
    """The PushSenderService handlers."""

    def __init__(self, auth: Authenticator) -> None:
        self._auth = auth

    async def _later(self, context: Ctx, app_id: str, what: str, *scopes: Scope) -> NoReturn:
        principal = await self._auth.principal(context)
        principal.require(app_id, *scopes)
        raise Unimplemented(f"{what} is not implemented yet (delivery engine issue)")

    @rpc
    async def Send(self, request: pb.SendRequest, context: Ctx) -> pb.SendResponse:
        await self._later(context, names.app_id_of(request.parent), "Send", Scope.PUSH_SEND)

    @rpc
    async def SendBulk(self, request: pb.SendBulkRequest, context: Ctx) -> pb.SendBulkResponse:
        await self._later(context, names.app_id_of(request.parent), "SendBulk", Scope.PUSH_SEND)

    @rpc
    async def SendBatch(self, request: pb.SendBatchRequest, context: Ctx) -> pb.SendBatchResponse:
        await self._later(context, names.app_id_of(request.parent), "SendBatch", Scope.PUSH_SEND)

    @rpc
    async def GetSend(self, request: pb.GetSendRequest, context: Ctx) -> pb.GetSendResponse:
        await self._later(context, _send_app(request.name), "GetSend", Scope.PUSH_SEND)

    @rpc
    async def ListSends(self, request: pb.ListSendsRequest, context: Ctx) -> pb.ListSendsResponse:
        await self._later(context, names.app_id_of(request.parent), "ListSends", Scope.PUSH_SEND)

    @rpc
    async def ListDeliveries(
        self, request: pb.ListDeliveriesRequest, context: Ctx
    ) -> pb.ListDeliveriesResponse:
        app_id = _send_app(request.parent, "parent")
        await self._later(context, app_id, "ListDeliveries", Scope.PUSH_SEND)

    @rpc
    async def CancelSend(
        self, request: pb.CancelSendRequest, context: Ctx
    ) -> pb.CancelSendResponse:
        await self._later(context, _send_app(request.name), "CancelSend", Scope.PUSH_SEND)

    @stream_rpc
    async def WatchReceipts(
        self, request: pb.WatchReceiptsRequest, context: Ctx
    ) -> AsyncIterator[pb.WatchReceiptsResponse]:
        app_id = names.app_id_of(request.parent)
        await self._later(context, app_id, "WatchReceipts", Scope.RECEIPTS_READ)
        yield pb.WatchReceiptsResponse()  # unreachable; makes this an async generator

    @rpc
    async def RecordEngagement(
        self, request: pb.RecordEngagementRequest, context: Ctx
    ) -> pb.RecordEngagementResponse:
        app_id = _send_app(request.delivery, "delivery")
        await self._later(
            context, app_id, "RecordEngagement", Scope.PUSH_SEND, Scope.DEVICES_REGISTER
        )
