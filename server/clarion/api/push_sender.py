"""PushSenderService: accept sends durably, report them, and stream their receipts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Final

from clarion import metrics
from clarion.api.auth import Authenticator
from clarion.api.device_registry import PROVIDER_ENUMS
from clarion.api.errors import Ctx, rpc, stream_rpc, to_status
from clarion.api.notifications import notification_from_proto, notification_to_proto
from clarion.api.times import dt, ts
from clarion.domain import device_rules, names
from clarion.domain.access import Scope
from clarion.domain.categories import apply_category
from clarion.domain.content import DEFAULT_TTL
from clarion.domain.deliveries import (
    Delivery,
    DeliveryStatus,
    Receipt,
    Send,
    SendState,
    TargetKind,
)
from clarion.domain.errors import ClarionError, InvalidArgument, OutOfRange, Violations
from clarion.domain.notifications import (
    Notification,
    notification_from_json,
    notification_to_json,
    validate_notification,
)
from clarion.domain.paging import PageRequest
from clarion.store.apps import AppStore
from clarion.store.audit import AuditEntry, AuditLog
from clarion.store.categories import CategoryStore
from clarion.store.clock import utcnow
from clarion.store.receipts import ReceiptLog
from clarion.store.sends import NewSend, SendFilter, SendStore
from clarion.store.signals import Signals
from clarion.v1 import provider_pb2, receipt_pb2, send_pb2
from clarion.v1 import push_sender_service_pb2 as pb
from clarion.v1 import push_sender_service_pb2_grpc as pb_grpc

MAX_IDEMPOTENCY_KEY: Final = 256
MAX_SCHEDULE_AHEAD: Final = timedelta(days=30)
MAX_ACTION_ID: Final = 128
# A watcher re-reads the log at least this often even without a wake-up (a safety net for
# a lost notification; wake-ups normally arrive within milliseconds).
WATCH_RECHECK_SECONDS: Final = 30.0
WATCH_PAGE: Final = 500
# Most receipts one WatchReceipts message may carry (max_receipts_per_message).
MAX_RECEIPTS_PER_MESSAGE: Final = 1000

STATUSES: Final = {
    send_pb2.DELIVERY_STATUS_ACCEPTED: DeliveryStatus.ACCEPTED,
    send_pb2.DELIVERY_STATUS_QUEUED: DeliveryStatus.QUEUED,
    send_pb2.DELIVERY_STATUS_SCHEDULED: DeliveryStatus.SCHEDULED,
    send_pb2.DELIVERY_STATUS_SUPPRESSED: DeliveryStatus.SUPPRESSED,
    send_pb2.DELIVERY_STATUS_SENDING: DeliveryStatus.SENDING,
    send_pb2.DELIVERY_STATUS_SENT: DeliveryStatus.SENT,
    send_pb2.DELIVERY_STATUS_RETRYING: DeliveryStatus.RETRYING,
    send_pb2.DELIVERY_STATUS_FAILED: DeliveryStatus.FAILED,
    send_pb2.DELIVERY_STATUS_INVALID_TOKEN: DeliveryStatus.INVALID_TOKEN,
    send_pb2.DELIVERY_STATUS_CANCELLED: DeliveryStatus.CANCELLED,
    send_pb2.DELIVERY_STATUS_EXPIRED: DeliveryStatus.EXPIRED,
    send_pb2.DELIVERY_STATUS_DELIVERED: DeliveryStatus.DELIVERED,
    send_pb2.DELIVERY_STATUS_OPENED: DeliveryStatus.OPENED,
    send_pb2.DELIVERY_STATUS_CLICKED: DeliveryStatus.CLICKED,
}
STATUS_ENUMS: Final = {v: k for k, v in STATUSES.items()}
SEND_STATES: Final = {
    send_pb2.SEND_STATE_SCHEDULED: SendState.SCHEDULED,
    send_pb2.SEND_STATE_IN_PROGRESS: SendState.IN_PROGRESS,
    send_pb2.SEND_STATE_COMPLETED: SendState.COMPLETED,
    send_pb2.SEND_STATE_CANCELLED: SendState.CANCELLED,
}
SEND_STATE_ENUMS: Final = {v: k for k, v in SEND_STATES.items()}
ENGAGEMENTS: Final = {
    receipt_pb2.ENGAGEMENT_TYPE_OPENED: DeliveryStatus.OPENED,
    receipt_pb2.ENGAGEMENT_TYPE_CLICKED: DeliveryStatus.CLICKED,
}


@dataclass(frozen=True, slots=True)
class SendLimits:
    """Request size limits (settings max_bulk_recipients, max_batch_items)."""

    bulk_recipients: int = 500
    batch_items: int = 500


# Names ---------------------------------------------------------------------------------------


def _send_ref(name: str, field: str = "name") -> tuple[str, str]:
    """`apps/{app}/sends/{send}` -> (app id, send id)."""
    return names.child_of(name, "sends", field=field)


def _delivery_ref(name: str, field: str) -> tuple[str, str, str]:
    """`apps/{app}/sends/{send}/deliveries/{device}` -> (app, send, device)."""
    parts = name.split("/")
    if len(parts) != 6 or parts[4] != "deliveries" or not parts[5]:
        raise InvalidArgument.field(
            field,
            "expected apps/{app}/sends/{send}/deliveries/{delivery}",
            reason="INVALID_NAME",
        )
    app_id, send_id = _send_ref("/".join(parts[:4]), field)
    return app_id, send_id, names.resource_id(parts[5], field)


# Requests -> domain ----------------------------------------------------------------------------


# What a unary send and a batch item have in common.
_Unary = pb.SendRequest | pb.SendBatchItem
_Sending = pb.SendRequest | pb.SendBulkRequest | pb.SendBatchItem


def _target(v: Violations, holder: _Unary, prefix: str = "") -> tuple[TargetKind, str]:
    """The validated target of a unary send (or batch item); problems go into `v`."""
    field = f"{prefix}target"
    if not holder.HasField("target"):
        v.add(field, "a target is required", "INVALID_TARGET")
        return TargetKind.DEVICE, ""
    target = holder.target
    which = target.WhichOneof("kind")
    if which is None:
        v.add(field, "give one of device_id, user_id, install_id or topic", "INVALID_TARGET")
        return TargetKind.DEVICE, ""
    value = getattr(target, which)
    path = f"{field}.{which}"
    checks = {
        "device_id": (TargetKind.DEVICE, names.resource_id),
        "user_id": (TargetKind.USER, device_rules.validate_user_id),
        "install_id": (TargetKind.INSTALL, device_rules.validate_install_id),
        "topic": (TargetKind.TOPIC, device_rules.validate_topic),
    }
    kind, validate = checks[which]
    with v.check():
        return kind, validate(value, path)
    return kind, ""


def _new_send(
    v: Violations,
    app_id: str,
    kind: TargetKind,
    target: str | tuple[str, ...],
    request: _Sending,
    creator: str,
    prefix: str = "",
) -> NewSend | None:
    """Validate what every send carries (notification, send_time, idempotency key) and
    make the store's `NewSend`; None when `v` recorded a problem."""
    notification: Notification | None = None
    path = f"{prefix}notification"
    send_time = dt(request.send_time) if request.HasField("send_time") else None
    key = request.idempotency_key
    if not request.HasField("notification"):
        v.add(path, "a notification is required", "INVALID_NOTIFICATION")
    else:
        parsed = notification_from_proto(request.notification, prefix=path, into=v)
        with v.check():
            notification = validate_notification(parsed, prefix=path)
    now = utcnow()
    if send_time is not None and send_time > now + MAX_SCHEDULE_AHEAD:
        v.add(f"{prefix}send_time", "at most 30 days ahead", "INVALID_SEND_TIME")
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        v.add(
            f"{prefix}idempotency_key",
            f"at most {MAX_IDEMPOTENCY_KEY} printable characters",
            "INVALID_IDEMPOTENCY_KEY",
        )
    if v.items or notification is None:
        return None
    return NewSend(
        app_id=app_id,
        target_kind=kind,
        target=target,
        notification=notification_to_json(notification),
        ttl=notification.ttl if notification.ttl is not None else DEFAULT_TTL,
        send_at=send_time,
        idempotency_key=key,
        creator=creator,
    )


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# Domain -> responses ---------------------------------------------------------------------------


def send_message(send: Send) -> send_pb2.Send:
    """A stored send on the wire."""
    msg = send_pb2.Send(
        name=f"apps/{send.app_id}/sends/{send.id}",
        notification=notification_to_proto(notification_from_json(send.notification)),
        send_time=ts(send.send_at),
        idempotency_key=send.idempotency_key,
        state=SEND_STATE_ENUMS[send.state(utcnow())],
        create_time=ts(send.created_at),
        complete_time=ts(send.completed_at),
        creator=send.creator,
    )
    c = send.counts
    msg.counts.CopyFrom(
        send_pb2.DeliveryCounts(
            total=c.total,
            pending=c.pending,
            sent=c.sent,
            delivered=c.delivered,
            failed=c.failed,
            suppressed=c.suppressed,
            cancelled_or_expired=c.cancelled_or_expired,
        )
    )
    match send.target_kind:
        case TargetKind.USERS:
            msg.user_ids.extend(send.target)
        case TargetKind.DEVICES:
            msg.device_ids.extend(send.target)
        case _:
            field = {
                TargetKind.DEVICE: "device_id",
                TargetKind.USER: "user_id",
                TargetKind.INSTALL: "install_id",
                TargetKind.TOPIC: "topic",
            }[send.target_kind]
            setattr(msg.target, field, str(send.target))
    return msg


def _provider(value: str) -> Any:
    return PROVIDER_ENUMS.get(device_rules.Provider(value), provider_pb2.PROVIDER_UNSPECIFIED)


def delivery_message(d: Delivery) -> send_pb2.Delivery:
    """A delivery on the wire."""
    pending = d.due_at is not None and d.status is not DeliveryStatus.SENDING
    return send_pb2.Delivery(
        name=f"apps/{d.app_id}/sends/{d.send_id}/deliveries/{d.device_id}",
        device=names.device_name(d.app_id, d.device_id),
        user_id=d.user_id or "",
        provider=_provider(d.provider),
        status=STATUS_ENUMS[d.status],
        reason=d.reason,
        provider_code=d.provider_code,
        provider_message_id=d.provider_message_id,
        attempts=d.attempts,
        create_time=ts(d.created_at),
        update_time=ts(d.updated_at),
        next_attempt_time=ts(d.due_at) if pending else None,
        expire_time=ts(d.expires_at),
    )


def receipt_message(r: Receipt) -> receipt_pb2.Receipt:
    """A receipt on the wire."""
    send = f"apps/{r.app_id}/sends/{r.send_id}"
    return receipt_pb2.Receipt(
        cursor=r.cursor,
        send=send,
        delivery=f"{send}/deliveries/{r.device_id}",
        device=names.device_name(r.app_id, r.device_id),
        user_id=r.user_id or "",
        provider=_provider(r.provider),
        status=STATUS_ENUMS[r.status],
        reason=r.reason,
        provider_code=r.provider_code,
        action_id=r.action_id,
        time=ts(r.time),
        attempt=r.attempt,
    )


class PushSender(pb_grpc.PushSenderServiceServicer):
    """The PushSenderService handlers."""

    def __init__(
        self,
        auth: Authenticator,
        sends: SendStore,
        receipts: ReceiptLog,
        apps: AppStore,
        signals: Signals,
        categories: CategoryStore,
        audit: AuditLog,
        limits: SendLimits | None = None,
    ) -> None:
        self._audit = audit
        self._auth = auth
        self._sends = sends
        self._receipts = receipts
        self._apps = apps
        self._signals = signals
        self._categories = categories
        self._limits = limits or SendLimits()

    async def _accept(self, new: NewSend) -> tuple[Send, bool]:
        new = await self._with_category(new)
        try:
            send, deduplicated = await self._sends.create(new)
        except ClarionError as exc:
            await self._refused(new, exc)
            raise
        if not deduplicated:
            metrics.SENDS.labels(new.app_id, str(new.target_kind)).inc()
        return send, deduplicated

    async def _refused(self, new: NewSend, exc: ClarionError) -> None:
        """Audit a send the store refused (disabled app, quota, unknown device); an accepted
        one is audited inside its own transaction (store/sends.py)."""
        if exc.reason == "APP_NOT_FOUND":
            return  # nothing to attach an entry to
        await self._audit.record(
            AuditEntry(
                new.app_id,
                new.creator,
                "push.attempt",
                f"apps/{new.app_id}",
                {"outcome": exc.reason, "target": str(new.target_kind)},
            )
        )

    async def _with_category(self, new: NewSend) -> NewSend:
        """The send with its category's defaults filled in where it left them unset (the
        send's own values win). A category the app has not defined adds nothing: its key
        still travels to the device, and preferences for it still apply."""
        key = new.notification.get("category")
        category = await self._categories.find(new.app_id, key) if key else None
        if category is None:
            return new
        notification = apply_category(notification_from_json(new.notification), category)
        ttl = notification.ttl if notification.ttl is not None else DEFAULT_TTL
        return replace(new, notification=notification_to_json(notification), ttl=ttl)

    @rpc
    async def Send(self, request: pb.SendRequest, context: Ctx) -> pb.SendResponse:
        principal = await self._auth.principal(context)
        app_id = names.app_id_of(request.parent)
        principal.require(app_id, Scope.PUSH_SEND)
        v = Violations()
        kind, value = _target(v, request)
        new = _new_send(v, app_id, kind, value, request, principal.key_name)
        v.raise_if_any("send")
        assert new is not None
        send, deduplicated = await self._accept(new)
        return pb.SendResponse(send=send_message(send), deduplicated=deduplicated)

    @rpc
    async def SendBulk(self, request: pb.SendBulkRequest, context: Ctx) -> pb.SendBulkResponse:
        principal = await self._auth.principal(context)
        app_id = names.app_id_of(request.parent)
        principal.require(app_id, Scope.PUSH_SEND)
        v = Violations()
        limit = self._limits.bulk_recipients
        users, devices = list(request.user_ids), list(request.device_ids)
        kind = TargetKind.USERS
        ids: tuple[str, ...] = ()
        if bool(users) == bool(devices):
            v.add("user_ids", "give either user_ids or device_ids (not both)", "INVALID_TARGET")
        else:
            field = "user_ids" if users else "device_ids"
            given = users or devices
            kind = TargetKind.USERS if users else TargetKind.DEVICES
            if len(given) > limit:
                v.add(
                    field, f"at most {limit} per call ({len(given)} given)", "TOO_MANY_RECIPIENTS"
                )
            else:
                check = device_rules.validate_user_id if users else names.resource_id
                for i, value in enumerate(given):
                    with v.check():
                        check(value, f"{field}[{i}]")
                ids = _unique(given)
        new = _new_send(v, app_id, kind, ids, request, principal.key_name)
        v.raise_if_any("bulk send")
        assert new is not None
        send, deduplicated = await self._accept(new)
        return pb.SendBulkResponse(send=send_message(send), deduplicated=deduplicated)

    @rpc
    async def SendBatch(self, request: pb.SendBatchRequest, context: Ctx) -> pb.SendBatchResponse:
        principal = await self._auth.principal(context)
        app_id = names.app_id_of(request.parent)
        principal.require(app_id, Scope.PUSH_SEND)
        limit = self._limits.batch_items
        if not request.items:
            raise InvalidArgument.field("items", "give at least one item", reason="EMPTY_BATCH")
        if len(request.items) > limit:
            raise InvalidArgument.field(
                "items",
                f"at most {limit} items per call ({len(request.items)} given)",
                reason="TOO_MANY_ITEMS",
            )
        await self._apps.get(app_id)  # an unknown app fails the call, not each item
        results = []
        for i, item in enumerate(request.items):
            try:
                v = Violations()
                prefix = f"items[{i}]."
                kind, value = _target(v, item, prefix)
                new = _new_send(v, app_id, kind, value, item, principal.key_name, prefix)
                v.raise_if_any(f"batch item {i}")
                assert new is not None
                send, _ = await self._accept(new)
                results.append(pb.SendBatchResult(send=send_message(send)))
            except ClarionError as exc:
                results.append(pb.SendBatchResult(error=to_status(exc)))
        return pb.SendBatchResponse(results=results)

    @rpc
    async def GetSend(self, request: pb.GetSendRequest, context: Ctx) -> pb.GetSendResponse:
        principal = await self._auth.principal(context)
        app_id, send_id = _send_ref(request.name)
        principal.require(app_id, Scope.PUSH_SEND)
        return pb.GetSendResponse(send=send_message(await self._sends.get(app_id, send_id)))

    @rpc
    async def ListSends(self, request: pb.ListSendsRequest, context: Ctx) -> pb.ListSendsResponse:
        principal = await self._auth.principal(context)
        app_id = names.app_id_of(request.parent)
        principal.require(app_id, Scope.PUSH_SEND)
        if request.state and request.state not in SEND_STATES:
            raise InvalidArgument.field("state", "unknown state", reason="INVALID_ENUM")
        flt = SendFilter(
            state=SEND_STATES.get(request.state),
            start=dt(request.start_time) if request.HasField("start_time") else None,
            end=dt(request.end_time) if request.HasField("end_time") else None,
        )
        filters = {"state": flt.state, "start": str(flt.start), "end": str(flt.end)}
        pages = PageRequest.parse(request.page_size, request.page_token, filters)
        found = await self._sends.list(app_id, flt, pages.after, pages.fetch)
        page, next_token = pages.cut(found, lambda s: s.id)
        return pb.ListSendsResponse(
            sends=[send_message(s) for s in page], next_page_token=next_token
        )

    @rpc
    async def ListDeliveries(
        self, request: pb.ListDeliveriesRequest, context: Ctx
    ) -> pb.ListDeliveriesResponse:
        principal = await self._auth.principal(context)
        app_id, send_id = _send_ref(request.parent, "parent")
        principal.require(app_id, Scope.PUSH_SEND)
        if request.status and request.status not in STATUSES:
            raise InvalidArgument.field("status", "unknown status", reason="INVALID_ENUM")
        status = STATUSES.get(request.status)
        pages = PageRequest.parse(request.page_size, request.page_token, {"status": status})
        found = await self._sends.deliveries(app_id, send_id, status, pages.after, pages.fetch)
        page, next_token = pages.cut(found, lambda d: d.device_id)
        return pb.ListDeliveriesResponse(
            deliveries=[delivery_message(d) for d in page], next_page_token=next_token
        )

    @rpc
    async def CancelSend(
        self, request: pb.CancelSendRequest, context: Ctx
    ) -> pb.CancelSendResponse:
        principal = await self._auth.principal(context)
        app_id, send_id = _send_ref(request.name)
        principal.require(app_id, Scope.PUSH_SEND)
        return pb.CancelSendResponse(send=send_message(await self._sends.cancel(app_id, send_id)))

    @stream_rpc
    async def WatchReceipts(
        self, request: pb.WatchReceiptsRequest, context: Ctx
    ) -> AsyncIterator[pb.WatchReceiptsResponse]:
        principal = await self._auth.principal(context)
        app_id = names.app_id_of(request.parent)
        principal.require(app_id, Scope.RECEIPTS_READ)
        v = Violations()
        send_id = None
        if request.send:
            with v.check():
                send_app, send_id = _send_ref(request.send, "send")
                if send_app != app_id:
                    v.add("send", "must be a send of the parent app", "INVALID_NAME")
        statuses = set()
        for i, value in enumerate(request.statuses):
            if value not in STATUSES:
                v.add(f"statuses[{i}]", "unknown status", "INVALID_ENUM")
            else:
                statuses.add(STATUSES[value])
        if request.after_cursor < 0:
            v.add("after_cursor", "must not be negative", "INVALID_CURSOR")
        per_message = request.max_receipts_per_message
        if not 0 <= per_message <= MAX_RECEIPTS_PER_MESSAGE:
            v.add(
                "max_receipts_per_message",
                f"between 0 and {MAX_RECEIPTS_PER_MESSAGE}",
                "INVALID_BATCH_SIZE",
            )
        if request.start not in (0, *receipt_pb2.StartPosition.values()):
            v.add("start", "unknown start position", "INVALID_ENUM")
        v.raise_if_any("watch")
        await self._apps.get(app_id)
        first, last = await self._receipts.bounds(app_id)
        if request.after_cursor:
            cursor = request.after_cursor
            if cursor > last:
                raise OutOfRange(
                    f"cursor {cursor} is beyond the log's end ({last})",
                    reason="CURSOR_OUT_OF_RANGE",
                )
            if first and cursor < first - 1:
                raise OutOfRange(
                    f"cursor {cursor} is no longer retained (earliest is {first}); "
                    "resume from START_POSITION_EARLIEST",
                    reason="CURSOR_OUT_OF_RANGE",
                )
        elif request.start == receipt_pb2.START_POSITION_EARLIEST:
            cursor = max(0, first - 1)
        else:
            cursor = last
        wanted = frozenset(statuses)
        # Headers now, before any receipt: the client knows the watch has begun, and where.
        await context.send_initial_metadata((("clarion-start-cursor", str(cursor)),))
        while True:
            upto = await self._receipts.last(app_id)
            while cursor < upto:
                batch = await self._receipts.read(
                    app_id, cursor, upto, send_id=send_id, statuses=wanted, limit=WATCH_PAGE
                )
                if per_message > 1:
                    for i in range(0, len(batch), per_message):
                        yield pb.WatchReceiptsResponse(
                            receipts=[receipt_message(r) for r in batch[i : i + per_message]]
                        )
                else:
                    for receipt in batch:
                        yield pb.WatchReceiptsResponse(receipt=receipt_message(receipt))
                cursor = batch[-1].cursor if len(batch) == WATCH_PAGE else upto
            await self._signals.wait_receipts(app_id, upto, WATCH_RECHECK_SECONDS)

    @rpc
    async def RecordEngagement(
        self, request: pb.RecordEngagementRequest, context: Ctx
    ) -> pb.RecordEngagementResponse:
        principal = await self._auth.principal(context)
        app_id, send_id, device_id = _delivery_ref(request.delivery, "delivery")
        principal.require(app_id, Scope.PUSH_SEND, Scope.DEVICES_REGISTER)
        v = Violations()
        status = ENGAGEMENTS.get(request.type)
        if status is None:
            v.add("type", "OPENED or CLICKED", "INVALID_ENGAGEMENT")
        if status is DeliveryStatus.CLICKED and not request.action_id:
            v.add("action_id", "required for CLICKED", "INVALID_ENGAGEMENT")
        if status is DeliveryStatus.OPENED and request.action_id:
            v.add("action_id", "only CLICKED carries an action id", "INVALID_ENGAGEMENT")
        if len(request.action_id) > MAX_ACTION_ID or not request.action_id.isprintable():
            v.add(
                "action_id", f"at most {MAX_ACTION_ID} printable characters", "INVALID_ENGAGEMENT"
            )
        now = utcnow()
        at = dt(request.time) if request.HasField("time") else now
        if at > now + timedelta(minutes=5):
            v.add("time", "must not be in the future", "INVALID_ENGAGEMENT")
        v.raise_if_any("engagement")
        assert status is not None
        receipt = await self._sends.engage(
            app_id, send_id, device_id, status, request.action_id, at
        )
        return pb.RecordEngagementResponse(receipt=receipt_message(receipt))
