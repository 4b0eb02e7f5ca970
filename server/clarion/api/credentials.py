"""CredentialsService: write-only provider credentials, sealed with AES-256-GCM envelopes."""

from __future__ import annotations

from typing import Final

from clarion.api.auth import Authenticator
from clarion.api.device_registry import ENVIRONMENT_ENUMS, ENVIRONMENTS, PROVIDER_ENUMS
from clarion.api.errors import Ctx, rpc
from clarion.api.times import ts
from clarion.domain import credential_rules as rules
from clarion.domain import names
from clarion.domain.access import Scope
from clarion.domain.device_rules import Provider
from clarion.domain.errors import InvalidArgument
from clarion.secrets import Envelope, credential_aad
from clarion.store.audit import AuditEntry, AuditLog
from clarion.store.credentials import CredentialRecord, CredentialStore
from clarion.v1 import credential_pb2
from clarion.v1 import credentials_service_pb2 as pb
from clarion.v1 import credentials_service_pb2_grpc as pb_grpc

# Metadata keys (as credential_rules stores them) -> Credential message fields.
_METADATA_FIELDS: Final = {
    "key_id": "key_id",
    "team_id": "team_id",
    "bundle_id": "bundle_id",
    "project_id": "project_id",
    "client_email": "client_email",
    "public_key": "vapid_public_key",
    "package_name": "package_name",
    "region": "region",
}


def _validate(request: pb.PutCredentialRequest) -> rules.ValidatedCredential:
    which = request.WhichOneof("material")
    if which == "apns":
        m = request.apns
        env = ENVIRONMENTS.get(m.default_environment, rules.ApnsEnvironment.PRODUCTION)
        return rules.validate_apns_credential(
            p8_key=m.p8_key,
            key_id=m.key_id,
            team_id=m.team_id,
            bundle_id=m.bundle_id,
            environment=env,
            field_prefix="apns",
        )
    if which == "fcm":
        return rules.validate_fcm_credential(request.fcm.service_account_json, field_prefix="fcm")
    if which == "web_push":
        return rules.validate_vapid_credential(
            subject=request.web_push.subject,
            private_key=request.web_push.private_key or None,
            field_prefix="web_push",
        )
    if which == "expo":
        return rules.validate_expo_credential(request.expo.access_token, field_prefix="expo")
    if which == "hms":
        return rules.validate_hms_credential(
            app_id=request.hms.app_id,
            client_secret=request.hms.client_secret,
            client_id=request.hms.client_id or None,
            field_prefix="hms",
        )
    if which == "mipush":
        return rules.validate_mipush_credential(
            app_secret=request.mipush.app_secret,
            package_name=request.mipush.package_name,
            region=request.mipush.region or rules.MiPushRegion.CHINA,
            field_prefix="mipush",
        )
    raise InvalidArgument.field(
        "material",
        "set exactly one of apns, fcm, web_push, expo, hms, mipush",
        reason="INVALID_CREDENTIAL",
    )


def credential_message(record: CredentialRecord) -> credential_pb2.Credential:
    """Metadata only: the sealed secret never leaves the store."""
    msg = credential_pb2.Credential(
        name=f"apps/{record.app_id}/credentials/{record.provider}",
        provider=PROVIDER_ENUMS[record.provider],
        fingerprint=record.fingerprint,
        create_time=ts(record.created_at),
        rotate_time=ts(record.rotated_at),
        last_used_time=ts(record.last_used_at),
        last_error=record.last_error,
        last_error_time=ts(record.last_error_at),
    )
    meta = record.metadata
    for key, field in _METADATA_FIELDS.items():
        if key in meta:
            setattr(msg, field, meta[key])
    if record.provider is Provider.APNS and "environment" in meta:
        msg.apns_environment = ENVIRONMENT_ENUMS[rules.ApnsEnvironment(meta["environment"])]
    if record.provider is Provider.WEBPUSH:
        msg.vapid_subject = meta.get("subject", "")
    if record.provider is Provider.HMS:
        msg.hms_app_id = meta.get("app_id", "")
    return msg


class Credentials(pb_grpc.CredentialsServiceServicer):
    """The CredentialsService handlers."""

    def __init__(
        self, auth: Authenticator, store: CredentialStore, envelope: Envelope, audit: AuditLog
    ) -> None:
        self._audit = audit
        self._auth = auth
        self._store = store
        self._envelope = envelope

    @rpc
    async def PutCredential(
        self, request: pb.PutCredentialRequest, context: Ctx
    ) -> pb.PutCredentialResponse:
        principal = await self._auth.principal(context)
        app_id = names.app_id_of(request.parent)
        principal.require(app_id, Scope.APP_MANAGE)
        if request.WhichOneof("material") == "web_push" and not request.web_push.private_key:
            record = await self._put_vapid_subject(app_id, request.web_push.subject)
        else:
            validated = _validate(request)
            record = await self._store.put(
                app_id,
                validated.provider,
                self._seal(app_id, validated),
                validated.metadata(),
                validated.fingerprint,
            )
        await self._audit.record(
            AuditEntry(
                app_id,
                principal.key_name,
                "credential.put",
                f"apps/{app_id}/credentials/{record.provider}",
                {"fingerprint": record.fingerprint},
            )
        )
        return pb.PutCredentialResponse(credential=credential_message(record))

    def _seal(self, app_id: str, validated: rules.ValidatedCredential) -> bytes:
        aad = credential_aad(app_id, validated.provider)
        return self._envelope.seal(validated.secret, aad).to_bytes()

    async def _put_vapid_subject(self, app_id: str, subject: str) -> CredentialRecord:
        """A new subject without a key keeps the app's key (browsers subscribed with it)."""
        existing = await self._store.get(app_id, Provider.WEBPUSH)
        key: bytes | None = None
        if existing is not None:
            key = self._envelope.open(
                existing.sealed_secret, credential_aad(app_id, Provider.WEBPUSH)
            )
        validated = rules.validate_vapid_credential(
            subject=subject, private_key=key, field_prefix="web_push"
        )
        return await self._store.put(
            app_id,
            Provider.WEBPUSH,
            self._seal(app_id, validated),
            validated.metadata(),
            validated.fingerprint,
        )

    @rpc
    async def ListCredentials(
        self, request: pb.ListCredentialsRequest, context: Ctx
    ) -> pb.ListCredentialsResponse:
        principal = await self._auth.principal(context)
        app_id = names.app_id_of(request.parent)
        principal.require(app_id, Scope.APP_MANAGE)
        records = await self._store.list(app_id)
        return pb.ListCredentialsResponse(credentials=[credential_message(r) for r in records])

    @rpc
    async def DeleteCredential(
        self, request: pb.DeleteCredentialRequest, context: Ctx
    ) -> pb.DeleteCredentialResponse:
        principal = await self._auth.principal(context)
        app_id, provider_name = names.child_of(request.name, "credentials")
        principal.require(app_id, Scope.APP_MANAGE)
        try:
            provider = Provider(provider_name)
        except ValueError:
            raise InvalidArgument.field(
                "name",
                "the last segment must be one of " + ", ".join(p.value for p in Provider),
                reason="INVALID_NAME",
            ) from None
        await self._store.delete(app_id, provider)
        await self._audit.record(
            AuditEntry(app_id, principal.key_name, "credential.delete", request.name)
        )
        return pb.DeleteCredentialResponse()

    @rpc
    async def GetVapidPublicKey(
        self, request: pb.GetVapidPublicKeyRequest, context: Ctx
    ) -> pb.GetVapidPublicKeyResponse:
        principal = await self._auth.principal(context)
        app_id = names.app_id_of(request.parent)
        principal.require(app_id, Scope.APP_MANAGE, Scope.DEVICES_REGISTER)
        record = await self._store.get(app_id, Provider.WEBPUSH)
        if record is None:
            # First request: make the app's VAPID identity. The subject is a placeholder
            # until an operator sets a real contact with PutCredential.
            generated = rules.validate_vapid_credential(
                subject="mailto:push@localhost", field_prefix="web_push"
            )
            record = await self._store.insert_if_absent(
                app_id,
                Provider.WEBPUSH,
                self._seal(app_id, generated),
                generated.metadata(),
                generated.fingerprint,
            )
        return pb.GetVapidPublicKeyResponse(public_key=record.metadata["public_key"])
