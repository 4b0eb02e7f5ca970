import datetime

from clarion.v1 import provider_pb2 as _provider_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Credential(_message.Message):
    __slots__ = ("name", "provider", "key_id", "team_id", "bundle_id", "apns_environment", "project_id", "client_email", "vapid_subject", "vapid_public_key", "hms_app_id", "package_name", "region", "fingerprint", "create_time", "rotate_time", "last_used_time", "last_error", "last_error_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    TEAM_ID_FIELD_NUMBER: _ClassVar[int]
    BUNDLE_ID_FIELD_NUMBER: _ClassVar[int]
    APNS_ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    VAPID_SUBJECT_FIELD_NUMBER: _ClassVar[int]
    VAPID_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    HMS_APP_ID_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ROTATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_USED_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    provider: _provider_pb2.Provider
    key_id: str
    team_id: str
    bundle_id: str
    apns_environment: _provider_pb2.ApnsEnvironment
    project_id: str
    client_email: str
    vapid_subject: str
    vapid_public_key: str
    hms_app_id: str
    package_name: str
    region: str
    fingerprint: str
    create_time: _timestamp_pb2.Timestamp
    rotate_time: _timestamp_pb2.Timestamp
    last_used_time: _timestamp_pb2.Timestamp
    last_error: str
    last_error_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., key_id: _Optional[str] = ..., team_id: _Optional[str] = ..., bundle_id: _Optional[str] = ..., apns_environment: _Optional[_Union[_provider_pb2.ApnsEnvironment, str]] = ..., project_id: _Optional[str] = ..., client_email: _Optional[str] = ..., vapid_subject: _Optional[str] = ..., vapid_public_key: _Optional[str] = ..., hms_app_id: _Optional[str] = ..., package_name: _Optional[str] = ..., region: _Optional[str] = ..., fingerprint: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., rotate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_used_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_error: _Optional[str] = ..., last_error_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ApnsTokenKey(_message.Message):
    __slots__ = ("p8_key", "key_id", "team_id", "bundle_id", "default_environment")
    P8_KEY_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    TEAM_ID_FIELD_NUMBER: _ClassVar[int]
    BUNDLE_ID_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    p8_key: str
    key_id: str
    team_id: str
    bundle_id: str
    default_environment: _provider_pb2.ApnsEnvironment
    def __init__(self, p8_key: _Optional[str] = ..., key_id: _Optional[str] = ..., team_id: _Optional[str] = ..., bundle_id: _Optional[str] = ..., default_environment: _Optional[_Union[_provider_pb2.ApnsEnvironment, str]] = ...) -> None: ...

class FcmServiceAccount(_message.Message):
    __slots__ = ("service_account_json",)
    SERVICE_ACCOUNT_JSON_FIELD_NUMBER: _ClassVar[int]
    service_account_json: str
    def __init__(self, service_account_json: _Optional[str] = ...) -> None: ...

class WebPushVapid(_message.Message):
    __slots__ = ("subject", "private_key")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_KEY_FIELD_NUMBER: _ClassVar[int]
    subject: str
    private_key: str
    def __init__(self, subject: _Optional[str] = ..., private_key: _Optional[str] = ...) -> None: ...

class ExpoAccessToken(_message.Message):
    __slots__ = ("access_token",)
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    def __init__(self, access_token: _Optional[str] = ...) -> None: ...

class HmsClient(_message.Message):
    __slots__ = ("app_id", "client_id", "client_secret")
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    app_id: str
    client_id: str
    client_secret: str
    def __init__(self, app_id: _Optional[str] = ..., client_id: _Optional[str] = ..., client_secret: _Optional[str] = ...) -> None: ...

class MiPushSecret(_message.Message):
    __slots__ = ("app_secret", "package_name", "region")
    APP_SECRET_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    app_secret: str
    package_name: str
    region: str
    def __init__(self, app_secret: _Optional[str] = ..., package_name: _Optional[str] = ..., region: _Optional[str] = ...) -> None: ...
