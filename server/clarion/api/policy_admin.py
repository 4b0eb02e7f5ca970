"""PolicyAdminService: apps, API keys, categories, the app policy, stats, delivery health and
the audit log. Every change made here is audited (which key, what, when).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from clarion.api.app_policy import apply_policy_update, policy_message
from clarion.api.auth import Authenticator
from clarion.api.categories import apply_category_update, category_from_proto, category_message
from clarion.api.device_registry import PROVIDER_ENUMS
from clarion.api.errors import Ctx, rpc
from clarion.api.push_sender import STATUS_ENUMS
from clarion.api.times import dt, ts
from clarion.domain import names
from clarion.domain.access import Principal, Scope, parse_scopes
from clarion.domain.device_rules import Provider
from clarion.domain.errors import InvalidArgument, PermissionDenied, Violations
from clarion.domain.frequency import DAY
from clarion.domain.paging import PageRequest
from clarion.store.api_keys import ApiKeyRecord, ApiKeyStore
from clarion.store.apps import AppRecord, AppStore
from clarion.store.audit import AuditEntry, AuditFilter, AuditLog
from clarion.store.categories import CategoryStore
from clarion.store.clock import utcnow
from clarion.store.policy import PolicyStore
from clarion.store.stats import FailureCount, StatsStore
from clarion.v1 import api_key_pb2, app_pb2, audit_pb2, provider_pb2, send_pb2, stats_pb2
from clarion.v1 import policy_admin_service_pb2 as pb
from clarion.v1 import policy_admin_service_pb2_grpc as pb_grpc

SCOPE_ENUMS: Final = {
    api_key_pb2.SCOPE_ADMIN: Scope.ADMIN,
    api_key_pb2.SCOPE_APP_MANAGE: Scope.APP_MANAGE,
    api_key_pb2.SCOPE_PUSH_SEND: Scope.PUSH_SEND,
    api_key_pb2.SCOPE_DEVICES_WRITE: Scope.DEVICES_WRITE,
    api_key_pb2.SCOPE_DEVICES_READ: Scope.DEVICES_READ,
    api_key_pb2.SCOPE_RECEIPTS_READ: Scope.RECEIPTS_READ,
    api_key_pb2.SCOPE_DEVICES_REGISTER: Scope.DEVICES_REGISTER,
}
SCOPE_VALUES: Final = {v: k for k, v in SCOPE_ENUMS.items()}
APP_UPDATABLE: Final = ("display_name", "disabled")
MAX_STATS_WINDOW: Final = timedelta(days=31)


def app_message(app: AppRecord) -> app_pb2.App:
    """An app on the wire."""
    return app_pb2.App(
        name=names.app_name(app.id),
        display_name=app.display_name,
        disabled=app.disabled,
        create_time=ts(app.created_at),
        update_time=ts(app.updated_at),
        device_count=app.device_count,
        notifications_today=app.notifications_today,
    )


def key_message(key: ApiKeyRecord) -> api_key_pb2.ApiKey:
    """An API key's metadata on the wire (never its secret)."""
    return api_key_pb2.ApiKey(
        name=key.name,
        display_name=key.display_name,
        scopes=sorted(SCOPE_VALUES[s] for s in key.scopes),
        secret_prefix=key.secret_prefix,
        create_time=ts(key.created_at),
        last_used_time=ts(key.last_used_at),
        revoke_time=ts(key.revoked_at),
        expire_time=ts(key.expires_at),
    )


def _display_name(value: str, field: str) -> str:
    if len(value) > 256 or not value.isprintable():
        raise InvalidArgument.field(
            field, "at most 256 printable characters", reason="INVALID_DISPLAY_NAME"
        )
    return value


def _key_owner(parent: str) -> str | None:
    """The app of a key collection (`apps/{app}`), None for the global one (``)."""
    return names.app_id_of(parent) if parent else None


class PolicyAdmin(pb_grpc.PolicyAdminServiceServicer):
    """The PolicyAdminService handlers."""

    def __init__(
        self,
        auth: Authenticator,
        apps: AppStore,
        keys: ApiKeyStore,
        policies: PolicyStore,
        categories: CategoryStore,
        audit: AuditLog,
        stats: StatsStore,
    ) -> None:
        self._audit = audit
        self._stats = stats
        self._auth = auth
        self._apps = apps
        self._keys = keys
        self._policies = policies
        self._categories = categories

    async def _caller(self, context: Ctx, app_id: str | None, *scopes: Scope) -> Principal:
        principal = await self._auth.principal(context)
        principal.require(app_id, *scopes)
        return principal

    async def _audited(
        self,
        principal: Principal,
        app_id: str,
        action: str,
        resource: str,
        details: dict[str, str] | None = None,
    ) -> None:
        """Record an administrative change (names and field names only, never a secret)."""
        await self._audit.record(
            AuditEntry(app_id, principal.key_name, action, resource, details or {})
        )

    # --- apps -------------------------------------------------------------------------------

    @rpc
    async def CreateApp(self, request: pb.CreateAppRequest, context: Ctx) -> pb.CreateAppResponse:
        principal = await self._caller(context, None, Scope.ADMIN)
        # fullmatch: APP_ID ends in `$`, which also matches before a trailing newline.
        if not names.APP_ID.fullmatch(request.app_id):
            raise InvalidArgument.field(
                "app_id",
                "3-63 lowercase letters, digits and hyphens, starting with a letter",
                reason="INVALID_APP_ID",
            )
        display_name = _display_name(request.app.display_name, "app.display_name")
        app = await self._apps.create(request.app_id, display_name, request.app.disabled)
        await self._audited(principal, app.id, "app.create", names.app_name(app.id))
        return pb.CreateAppResponse(app=app_message(app))

    @rpc
    async def GetApp(self, request: pb.GetAppRequest, context: Ctx) -> pb.GetAppResponse:
        app_id = names.app_id_of(request.name, field="name")
        await self._caller(context, app_id, Scope.APP_MANAGE)
        return pb.GetAppResponse(app=app_message(await self._apps.get(app_id)))

    @rpc
    async def ListApps(self, request: pb.ListAppsRequest, context: Ctx) -> pb.ListAppsResponse:
        principal = await self._auth.principal(context)
        only = None if principal.is_admin else principal.app_id
        if not principal.is_admin and not principal.can(only, Scope.APP_MANAGE):
            raise PermissionDenied("listing apps needs admin or app:manage", reason="MISSING_SCOPE")
        pages = PageRequest.parse(request.page_size, request.page_token, {"only": only})
        found = await self._apps.list(pages.after, pages.fetch, only)
        page, next_token = pages.cut(found, lambda a: a.id)
        return pb.ListAppsResponse(apps=[app_message(a) for a in page], next_page_token=next_token)

    @rpc
    async def UpdateApp(self, request: pb.UpdateAppRequest, context: Ctx) -> pb.UpdateAppResponse:
        app_id = names.app_id_of(request.app.name, field="app.name")
        principal = await self._caller(context, app_id, Scope.APP_MANAGE)
        paths = list(request.update_mask.paths)
        bad = [p for p in paths if p not in APP_UPDATABLE]
        if not paths or bad:
            raise InvalidArgument.field(
                "update_mask",
                f"name fields among {', '.join(APP_UPDATABLE)}"
                + (f"; not updatable: {', '.join(bad)}" if bad else ""),
                reason="INVALID_UPDATE_MASK",
            )
        changes: dict[str, object] = {}
        if "display_name" in paths:
            changes["display_name"] = _display_name(request.app.display_name, "app.display_name")
        if "disabled" in paths:
            changes["disabled"] = request.app.disabled
        updated = await self._apps.update(app_id, changes)
        await self._audited(
            principal,
            app_id,
            "app.update",
            names.app_name(app_id),
            {"fields": ",".join(sorted(changes)), "disabled": str(updated.disabled).lower()},
        )
        return pb.UpdateAppResponse(app=app_message(updated))

    @rpc
    async def DeleteApp(self, request: pb.DeleteAppRequest, context: Ctx) -> pb.DeleteAppResponse:
        app_id = names.app_id_of(request.name, field="name")
        await self._caller(context, None, Scope.ADMIN)
        await self._apps.delete(app_id)
        self._auth.forget()  # the app's keys are gone with it
        return pb.DeleteAppResponse()

    # --- API keys ---------------------------------------------------------------------------

    @rpc
    async def CreateApiKey(
        self, request: pb.CreateApiKeyRequest, context: Ctx
    ) -> pb.CreateApiKeyResponse:
        app_id = _key_owner(request.parent)
        principal = await self._caller(context, app_id, Scope.APP_MANAGE)
        values = []
        for i, value in enumerate(request.api_key.scopes):
            if value not in SCOPE_ENUMS:
                raise InvalidArgument.field(
                    f"api_key.scopes[{i}]", "not a scope", reason="INVALID_SCOPE"
                )
            values.append(SCOPE_ENUMS[value])
        scopes = parse_scopes(values, for_app=app_id is not None, field="api_key.scopes")
        expires = (
            dt(request.api_key.expire_time) if request.api_key.HasField("expire_time") else None
        )
        if expires is not None and expires <= utcnow():
            raise InvalidArgument.field(
                "api_key.expire_time", "must be in the future", reason="INVALID_EXPIRY"
            )
        display_name = _display_name(request.api_key.display_name, "api_key.display_name")
        record, secret = await self._keys.create(app_id, display_name, scopes, expires)
        if app_id is not None:
            scope_names = ",".join(sorted(str(s) for s in scopes))
            await self._audited(
                principal, app_id, "api_key.create", record.name, {"scopes": scope_names}
            )
        return pb.CreateApiKeyResponse(api_key=key_message(record), secret=secret)

    @rpc
    async def ListApiKeys(
        self, request: pb.ListApiKeysRequest, context: Ctx
    ) -> pb.ListApiKeysResponse:
        app_id = _key_owner(request.parent)
        await self._caller(context, app_id, Scope.APP_MANAGE)
        pages = PageRequest.parse(request.page_size, request.page_token, {"app": app_id})
        found = await self._keys.list(app_id, pages.after, pages.fetch)
        page, next_token = pages.cut(found, lambda k: k.id)
        return pb.ListApiKeysResponse(
            api_keys=[key_message(k) for k in page], next_page_token=next_token
        )

    @rpc
    async def RevokeApiKey(
        self, request: pb.RevokeApiKeyRequest, context: Ctx
    ) -> pb.RevokeApiKeyResponse:
        parts = request.name.split("/")
        if len(parts) == 2 and parts[0] == "apiKeys" and parts[1]:
            app_id, key_id = None, parts[1]
        else:
            app_id, key_id = names.child_of(request.name, "apiKeys")
        principal = await self._caller(context, app_id, Scope.APP_MANAGE)
        record = await self._keys.revoke(app_id, key_id)
        self._auth.forget()
        if app_id is not None:
            await self._audited(principal, app_id, "api_key.revoke", record.name)
        return pb.RevokeApiKeyResponse(api_key=key_message(record))

    # --- categories -------------------------------------------------------------------------

    @rpc
    async def CreateCategory(
        self, request: pb.CreateCategoryRequest, context: Ctx
    ) -> pb.CreateCategoryResponse:
        app_id = names.app_id_of(request.parent, field="parent")
        principal = await self._caller(context, app_id, Scope.APP_MANAGE)
        category = category_from_proto(request.category_id, request.category)
        record = await self._categories.create(app_id, category)
        await self._audited(
            principal, app_id, "category.create", f"apps/{app_id}/categories/{category.key}"
        )
        return pb.CreateCategoryResponse(category=category_message(app_id, record))

    @rpc
    async def ListCategories(
        self, request: pb.ListCategoriesRequest, context: Ctx
    ) -> pb.ListCategoriesResponse:
        app_id = names.app_id_of(request.parent, field="parent")
        await self._caller(context, app_id, Scope.APP_MANAGE)
        found = await self._categories.list(app_id)
        return pb.ListCategoriesResponse(categories=[category_message(app_id, r) for r in found])

    @rpc
    async def UpdateCategory(
        self, request: pb.UpdateCategoryRequest, context: Ctx
    ) -> pb.UpdateCategoryResponse:
        app_id, key = names.child_of(request.category.name, "categories", field="category.name")
        principal = await self._caller(context, app_id, Scope.APP_MANAGE)
        current = await self._categories.get(app_id, key)
        paths = list(request.update_mask.paths)
        changed = apply_category_update(current.category, request.category, paths)
        record = await self._categories.put(app_id, changed)
        await self._audited(
            principal,
            app_id,
            "category.update",
            request.category.name,
            {"fields": ",".join(sorted(set(paths)))},
        )
        return pb.UpdateCategoryResponse(category=category_message(app_id, record))

    @rpc
    async def DeleteCategory(
        self, request: pb.DeleteCategoryRequest, context: Ctx
    ) -> pb.DeleteCategoryResponse:
        app_id, key = names.child_of(request.name, "categories")
        principal = await self._caller(context, app_id, Scope.APP_MANAGE)
        await self._categories.delete(app_id, key)
        await self._audited(principal, app_id, "category.delete", request.name)
        return pb.DeleteCategoryResponse()

    # --- the app's policy ---------------------------------------------------------------------

    @rpc
    async def GetAppPolicy(
        self, request: pb.GetAppPolicyRequest, context: Ctx
    ) -> pb.GetAppPolicyResponse:
        app_id = _policy_app(request.name, "name")
        await self._caller(context, app_id, Scope.APP_MANAGE)
        policy = await self._policies.get(app_id)
        return pb.GetAppPolicyResponse(policy=policy_message(app_id, policy))

    @rpc
    async def UpdateAppPolicy(
        self, request: pb.UpdateAppPolicyRequest, context: Ctx
    ) -> pb.UpdateAppPolicyResponse:
        app_id = _policy_app(request.policy.name, "policy.name")
        principal = await self._caller(context, app_id, Scope.APP_MANAGE)
        current = await self._policies.get(app_id)
        paths = list(request.update_mask.paths)
        changed = apply_policy_update(current, request.policy, paths)
        stored = await self._policies.put(app_id, changed)
        await self._audited(
            principal,
            app_id,
            "policy.update",
            request.policy.name,
            {"fields": ",".join(sorted(set(paths)))},
        )
        return pb.UpdateAppPolicyResponse(policy=policy_message(app_id, stored))

    # --- stats, health and audit ----------------------------------------------------------

    @rpc
    async def GetStats(self, request: pb.GetStatsRequest, context: Ctx) -> pb.GetStatsResponse:
        app_id = names.app_id_of(request.parent, field="parent")
        await self._caller(context, app_id, Scope.APP_MANAGE)
        end = dt(request.end_time) if request.HasField("end_time") else utcnow()
        start = dt(request.start_time) if request.HasField("start_time") else end - DAY
        v = Violations()
        if start >= end:
            v.add("start_time", "must be before end_time", "INVALID_WINDOW")
        elif end - start > MAX_STATS_WINDOW:
            v.add("start_time", "the window is at most 31 days", "INVALID_WINDOW")
        v.raise_if_any("stats window")
        stats = await self._stats.stats(app_id, start, end)
        return pb.GetStatsResponse(
            by_status=[
                stats_pb2.StatusCount(status=STATUS_ENUMS[status], count=count)
                for status, count in sorted(stats.by_status.items())
            ],
            failures=[_failure(f) for f in stats.failures],
            providers=[
                stats_pb2.ProviderSuccess(
                    provider=_provider(p.provider),
                    sent=p.sent,
                    failed=p.failed,
                    success_rate=p.success_rate,
                )
                for p in stats.providers
            ],
            attempts_per_minute=[
                stats_pb2.MinuteCount(minute=ts(minute), attempts=n)
                for minute, n in stats.attempts_per_minute
            ],
            top_users=[stats_pb2.UserCount(user_id=u, deliveries=n) for u, n in stats.top_users],
        )

    @rpc
    async def GetDeliveryHealth(
        self, request: pb.GetDeliveryHealthRequest, context: Ctx
    ) -> pb.GetDeliveryHealthResponse:
        app_id = names.app_id_of(request.parent, field="parent")
        await self._caller(context, app_id, Scope.APP_MANAGE)
        health = await self._stats.health(app_id, utcnow())
        c = health.counts_7d
        return pb.GetDeliveryHealthResponse(
            top_failures=[_failure(f) for f in health.top_failures],
            recent_failures=[
                stats_pb2.RecentFailure(
                    delivery=f"apps/{app_id}/sends/{f.send_id}/deliveries/{f.device_id}",
                    provider=_provider(f.provider),
                    reason=f.reason,
                    provider_code=f.provider_code,
                    time=ts(f.time),
                )
                for f in health.recent_failures
            ],
            queue_depth=health.queue_depth,
            sent_7d=c.sent,
            failed_7d=c.failed,
            counts_7d=send_pb2.DeliveryCounts(
                total=c.total,
                pending=c.pending,
                sent=c.sent,
                delivered=c.delivered,
                failed=c.failed,
                suppressed=c.suppressed,
                cancelled_or_expired=c.cancelled_or_expired,
            ),
        )

    @rpc
    async def ListAuditEntries(
        self, request: pb.ListAuditEntriesRequest, context: Ctx
    ) -> pb.ListAuditEntriesResponse:
        app_id = names.app_id_of(request.parent, field="parent")
        await self._caller(context, app_id, Scope.APP_MANAGE)
        flt = AuditFilter(
            action_prefix=request.action_prefix,
            actor=request.actor,
            start=dt(request.start_time) if request.HasField("start_time") else None,
            end=dt(request.end_time) if request.HasField("end_time") else None,
        )
        filters = {
            "action": flt.action_prefix,
            "actor": flt.actor,
            "start": str(flt.start),
            "end": str(flt.end),
        }
        pages = PageRequest.parse(request.page_size, request.page_token, filters)
        found = await self._audit.list(app_id, flt, pages.after, pages.fetch)
        page, next_token = pages.cut(found, lambda entry: entry.id)
        return pb.ListAuditEntriesResponse(
            entries=[audit_message(entry) for entry in page], next_page_token=next_token
        )


def _provider(value: str) -> Any:
    """A stored provider name as the wire enum."""
    return PROVIDER_ENUMS.get(Provider(value), provider_pb2.PROVIDER_UNSPECIFIED)


def _failure(f: FailureCount) -> stats_pb2.FailureCount:
    return stats_pb2.FailureCount(reason=f.reason, provider=_provider(f.provider), count=f.count)


def audit_message(entry: AuditEntry) -> audit_pb2.AuditEntry:
    """An audit entry on the wire."""
    return audit_pb2.AuditEntry(
        name=f"apps/{entry.app_id}/auditEntries/{entry.id}",
        time=ts(entry.time),
        actor=entry.actor,
        action=entry.action,
        resource=entry.resource,
        details=dict(entry.details),
    )


def _policy_app(name: str, field: str) -> str:
    parts = name.split("/")
    if len(parts) != 3 or parts[2] != "policy":
        raise InvalidArgument.field(field, "expected apps/{app}/policy", reason="INVALID_NAME")
    return names.app_id_of("/".join(parts[:2]), field=field)
