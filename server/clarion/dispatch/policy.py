"""The dispatcher's policy stage: what the app's rules make of each claimed delivery.

For one claimed batch it loads, in a handful of queries (never one per delivery), the apps'
state and policies, the sends' categories, the devices' preferences and quiet hours and the
users' recent deliveries, then asks the pure `domain.policy.decide` about each delivery:

- SUPPRESS (`app_disabled`, `category_disabled`, `quiet_hours`, `frequency_cap`): the
  delivery settles SUPPRESSED with that reason, nothing is sent;
- DEFER: it settles SCHEDULED (reason `quiet_hours`) for the end of the window and is claimed
  again then, when the rules are asked again;
- DELIVER: it goes on to its provider, with the app's privacy mode applied to its text.

Deliveries the policy lets through are remembered for the frequency caps (apps with caps
only), one row per delivery, so a delivery claimed again is not counted twice. Caps count
distinct sends per user: one send to a user's three devices is one notification.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from clarion.domain.categories import Category
from clarion.domain.deliveries import DeliveryStatus, Transition
from clarion.domain.frequency import DAY, FrequencyCaps
from clarion.domain.notifications import Notification
from clarion.domain.policy import category_enabled, decide
from clarion.domain.privacy import PrivacyMode, apply_privacy, truncate_preview
from clarion.domain.push import PushContent
from clarion.domain.quiet_hours import SuppressionReason, Verdict
from clarion.store.policy import FrequencyEvent, PolicyInputs, PolicyReader
from clarion.store.queue import Claimed, Recipient

Key = tuple[str, str]  # (send id, device id)

_NO_CAPS = FrequencyCaps()


@dataclass
class BatchPolicy:
    """The policy's answer for one batch: deliveries it holds back, and privacy per app."""

    held: dict[Key, Transition] = field(default_factory=dict)
    privacy: dict[str, tuple[PrivacyMode, str, str]] = field(default_factory=dict)
    _protected: dict[int, PushContent] = field(default_factory=dict)

    def protect(self, app_id: str, content: PushContent) -> PushContent:
        """The content with the app's privacy mode applied. Deliveries that share a content
        object keep sharing one, so providers still serialise each payload once."""
        mode, generic_title, generic_body = self.privacy.get(app_id, (PrivacyMode.OFF, "", ""))
        if mode is PrivacyMode.OFF:
            return content
        done = self._protected.get(id(content))
        if done is None:
            title, body = apply_privacy(
                content.title, content.body, mode, generic_title, generic_body
            )
            # The subtitle is text too: dropped with the generic text, cut like the rest.
            subtitle = (
                "" if mode is PrivacyMode.GENERIC_TEXT else truncate_preview(content.subtitle)
            )
            done = dataclasses.replace(content, title=title, body=body, subtitle=subtitle)
            self._protected[id(content)] = done
        return done


class PolicyStage:
    """Evaluates the delivery policy for claimed batches."""

    def __init__(self, reader: PolicyReader) -> None:
        self._reader = reader

    async def evaluate(
        self,
        claimed: Sequence[Claimed],
        notifications: Mapping[str, Notification],
        recipients: Mapping[str, Recipient],
        now: datetime,
    ) -> BatchPolicy:
        """Decide every delivery of the batch (`recipients`: its devices, by id, as the
        dispatcher read them); record what the caps must remember."""
        if not claimed:
            return BatchPolicy()
        inputs = await self._reader.inputs(
            app_ids={c.app_id for c in claimed},
            category_keys={
                (c.app_id, notifications[c.send_id].category)
                for c in claimed
                if notifications[c.send_id].category
            },
            users={(c.app_id, c.user_id) for c in claimed if c.user_id},
            since=now - DAY,
        )
        batch = BatchPolicy(
            privacy={
                app: (p.privacy_mode, p.generic_title, p.generic_body)
                for app, p in inputs.policies.items()
            }
        )
        events: list[FrequencyEvent] = []
        for c in claimed:
            transition, goes_out = _decide(
                c, notifications[c.send_id], recipients.get(c.device_id), inputs, now
            )
            if transition is not None:
                batch.held[(c.send_id, c.device_id)] = transition
            if goes_out is not None and c.user_id:
                inputs.sent.setdefault((c.app_id, c.user_id), {})[c.send_id] = goes_out
                if inputs.policies[c.app_id].caps != _NO_CAPS:
                    events.append(
                        FrequencyEvent(c.app_id, c.user_id, c.send_id, c.device_id, goes_out)
                    )
        await self._reader.record(events, now - DAY)
        return batch


def _decide(
    c: Claimed,
    notification: Notification,
    device: Recipient | None,
    inputs: PolicyInputs,
    now: datetime,
) -> tuple[Transition | None, datetime | None]:
    """(the transition replacing the send, or None to send now; when it goes out, if it does)."""
    if device is None:
        return None, None  # deleted since it was claimed: sending reports device_inactive
    policy = inputs.policies[c.app_id]
    key = notification.category
    category: Category | None = inputs.categories.get((c.app_id, key)) if key else None
    if key and category is None and not category_enabled(key, device.preferences):
        # A category the app never defined still has preferences, by its key.
        return _suppressed(SuppressionReason.CATEGORY_DISABLED), None
    sent = inputs.sent.get((c.app_id, c.user_id), {}) if c.user_id else {}
    decision = decide(
        now=now,
        app_disabled=c.app_id in inputs.disabled_apps,
        device_status=device.status,
        category=category,
        device_preferences=device.preferences,
        user_quiet_hours=device.quiet_hours,
        app_quiet_hours=policy.quiet_hours,
        quiet_hours_mode=policy.quiet_hours_mode,
        time_zone=device.time_zone,
        caps=policy.caps if c.user_id else _NO_CAPS,
        # This send's own earlier claim of the delivery is not another notification.
        sent_times=[at for send_id, at in sent.items() if send_id != c.send_id],
    )
    match decision.verdict:
        case Verdict.SUPPRESS:
            assert decision.reason is not None
            return _suppressed(decision.reason), None
        case Verdict.DEFER:
            assert decision.until is not None
            deferred = Transition(
                DeliveryStatus.SCHEDULED, str(SuppressionReason.QUIET_HOURS), due_at=decision.until
            )
            return deferred, decision.until
    return None, now


def _suppressed(reason: SuppressionReason) -> Transition:
    return Transition(DeliveryStatus.SUPPRESSED, str(reason))
