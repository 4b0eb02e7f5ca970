"""Sends and deliveries: the status model of design.md, and what each provider answer does.

A send fans out to deliveries, one per device. A delivery is *pending* while it waits or is
in flight (QUEUED, SCHEDULED, SENDING, RETRYING) and *settled* otherwise; a send is complete
once none of its deliveries is pending. `apply_outcome` is the one place that turns a
provider's `Outcome` into the delivery's next status, pure and table-tested.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from clarion.domain.push import EXPIRED, Outcome, OutcomeKind
from clarion.domain.retry import Verdict, decide_retry


class DeliveryStatus(enum.StrEnum):
    """Where one delivery stands (design.md, "Statuses")."""

    ACCEPTED = "accepted"
    QUEUED = "queued"
    SCHEDULED = "scheduled"
    SUPPRESSED = "suppressed"
    SENDING = "sending"
    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"
    INVALID_TOKEN = "invalid_token"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    DELIVERED = "delivered"
    OPENED = "opened"
    CLICKED = "clicked"


PENDING: Final = frozenset(
    {
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.QUEUED,
        DeliveryStatus.SCHEDULED,
        DeliveryStatus.SENDING,
        DeliveryStatus.RETRYING,
    }
)
# What CancelSend may still stop: everything pending that no dispatcher holds.
CANCELLABLE: Final = frozenset(
    {DeliveryStatus.QUEUED, DeliveryStatus.SCHEDULED, DeliveryStatus.RETRYING}
)

# Suppression reasons (policy and device state).
DEVICE_INACTIVE: Final = "device_inactive"
# A delivery to a provider this build cannot deliver through yet.
PROVIDER_NOT_SUPPORTED: Final = "provider_not_supported"
# No credential uploaded for the device's provider.
NO_CREDENTIAL: Final = "no_credential"


class SendState(enum.StrEnum):
    """A send's aggregate state."""

    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


def send_state(
    *, now: datetime, send_at: datetime | None, completed: bool, cancelled: bool
) -> SendState:
    """The aggregate state from what the send row records."""
    if cancelled:
        return SendState.CANCELLED
    if completed:
        return SendState.COMPLETED
    if send_at is not None and send_at > now:
        return SendState.SCHEDULED
    return SendState.IN_PROGRESS


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    """Deliveries by status group (send.proto `DeliveryCounts`)."""

    total: int = 0
    pending: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    suppressed: int = 0
    cancelled_or_expired: int = 0

    @classmethod
    def of(cls, by_status: dict[DeliveryStatus, int]) -> DeliveryCounts:
        """Group per-status counts."""

        def total(*statuses: DeliveryStatus) -> int:
            return sum(by_status.get(s, 0) for s in statuses)

        engaged = (DeliveryStatus.DELIVERED, DeliveryStatus.OPENED, DeliveryStatus.CLICKED)
        return cls(
            total=sum(by_status.values()),
            pending=total(*PENDING),
            sent=total(DeliveryStatus.SENT, *engaged),
            delivered=total(*engaged),
            failed=total(DeliveryStatus.FAILED, DeliveryStatus.INVALID_TOKEN),
            suppressed=total(DeliveryStatus.SUPPRESSED),
            cancelled_or_expired=total(DeliveryStatus.CANCELLED, DeliveryStatus.EXPIRED),
        )


@dataclass(frozen=True, slots=True)
class Transition:
    """What becomes of a delivery after an attempt (or instead of one).

    `due_at` is when it is due again (RETRYING only). `invalidate_device` marks the device
    INVALID; `credential_error` records the detail on the credential.
    """

    status: DeliveryStatus
    reason: str = ""
    provider_code: str = ""
    provider_message_id: str = ""
    due_at: datetime | None = None
    retry_after: float | None = None
    invalidate_device: bool = False
    credential_error: str = ""


def expired(code: str = "") -> Transition:
    """The TTL passed before any provider accepted the delivery."""
    return Transition(DeliveryStatus.EXPIRED, EXPIRED, code)


def apply_outcome(
    outcome: Outcome,
    *,
    now: datetime,
    attempt: int,
    expires_at: datetime,
    max_attempts: int,
    rng: random.Random | None = None,
) -> Transition:
    """The transition a provider's answer to attempt number `attempt` causes."""
    code, mid = outcome.provider_code, outcome.provider_message_id
    match outcome.kind:
        case OutcomeKind.SENT:
            return Transition(DeliveryStatus.SENT, "", code, mid)
        case OutcomeKind.INVALID_TOKEN:
            return Transition(
                DeliveryStatus.INVALID_TOKEN, outcome.reason, code, mid, invalidate_device=True
            )
        case OutcomeKind.CREDENTIAL:
            return Transition(
                DeliveryStatus.FAILED,
                outcome.reason,
                code,
                mid,
                credential_error=outcome.detail or code or outcome.reason,
            )
        case OutcomeKind.DROP:
            return Transition(DeliveryStatus.FAILED, outcome.reason, code, mid)
        case OutcomeKind.RETRY:
            decision = decide_retry(
                now, attempt, expires_at, outcome.retry_after, max_attempts=max_attempts, rng=rng
            )
            if decision.verdict is Verdict.RETRY:
                return Transition(
                    DeliveryStatus.RETRYING,
                    outcome.reason,
                    code,
                    mid,
                    due_at=decision.at,
                    retry_after=outcome.retry_after,
                )
            if decision.verdict is Verdict.EXPIRED:
                return expired(code)
            return Transition(DeliveryStatus.FAILED, outcome.reason, code, mid)
    raise AssertionError(outcome.kind)  # pragma: no cover - the match is exhaustive


def apply_receipt(
    outcome: Outcome,
    *,
    now: datetime,
    attempt: int,
    expires_at: datetime,
    max_attempts: int,
    rng: random.Random | None = None,
) -> Transition:
    """What a provider's later receipt for a SENT delivery does (Expo push receipts).

    A receipt that confirms the hand-over makes it DELIVERED; a failure does exactly what
    the same answer would have done when the message was sent (a dead token INVALID_TOKEN,
    a refused credential FAILED, a transient error RETRYING, ...).
    """
    if outcome.kind is OutcomeKind.SENT:
        return Transition(
            DeliveryStatus.DELIVERED, "", outcome.provider_code, outcome.provider_message_id
        )
    return apply_outcome(
        outcome,
        now=now,
        attempt=attempt,
        expires_at=expires_at,
        max_attempts=max_attempts,
        rng=rng,
    )


# How long a TTL of 0 ("now or never") leaves for the first attempt: providers are told 0,
# but the queue needs a moment to hand the delivery to a dispatcher at all.
ZERO_TTL_WINDOW: Final = timedelta(seconds=30)


def expiry(due: datetime, ttl: timedelta) -> datetime:
    """When a delivery due at `due` with `ttl` expires."""
    return due + (ttl if ttl > timedelta(0) else ZERO_TTL_WINDOW)


class TargetKind(enum.StrEnum):
    """How a send names its recipients."""

    DEVICE = "device"
    USER = "user"
    INSTALL = "install"
    TOPIC = "topic"
    USERS = "users"  # bulk: user ids
    DEVICES = "devices"  # bulk: device ids


@dataclass(frozen=True, slots=True)
class Send:
    """A stored send with its delivery counts."""

    app_id: str
    id: str
    target_kind: TargetKind
    # One value for unary targets, the id list for bulk ones.
    target: str | tuple[str, ...]
    notification: dict[str, object]  # notifications.notification_to_json form
    send_at: datetime | None
    idempotency_key: str
    creator: str
    created_at: datetime
    completed_at: datetime | None
    cancelled_at: datetime | None
    counts: DeliveryCounts

    def state(self, now: datetime) -> SendState:
        """The aggregate state at `now`."""
        return send_state(
            now=now,
            send_at=self.send_at,
            completed=self.completed_at is not None,
            cancelled=self.cancelled_at is not None,
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    """One device's delivery of a send (its id within the send is the device id)."""

    app_id: str
    send_id: str
    device_id: str
    user_id: str | None
    provider: str
    status: DeliveryStatus
    reason: str
    provider_code: str
    provider_message_id: str
    attempts: int
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Receipt:
    """One entry of an app's receipt log."""

    app_id: str
    cursor: int
    send_id: str
    device_id: str
    user_id: str | None
    provider: str
    status: DeliveryStatus
    reason: str
    provider_code: str
    action_id: str
    attempt: int
    time: datetime


# Engagement only moves a delivery forward: a late OPENED never undoes a CLICKED.
ENGAGEMENT_RANK: Final = {
    DeliveryStatus.SENT: 0,
    DeliveryStatus.DELIVERED: 1,
    DeliveryStatus.OPENED: 2,
    DeliveryStatus.CLICKED: 3,
}
