import datetime

from clarion.v1 import provider_pb2 as _provider_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Platform(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLATFORM_UNSPECIFIED: _ClassVar[Platform]
    PLATFORM_IOS: _ClassVar[Platform]
    PLATFORM_ANDROID: _ClassVar[Platform]
    PLATFORM_WEB: _ClassVar[Platform]
    PLATFORM_MACOS: _ClassVar[Platform]
    PLATFORM_WATCHOS: _ClassVar[Platform]
    PLATFORM_TVOS: _ClassVar[Platform]
    PLATFORM_HARMONYOS: _ClassVar[Platform]

class DeviceStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEVICE_STATUS_UNSPECIFIED: _ClassVar[DeviceStatus]
    DEVICE_STATUS_ACTIVE: _ClassVar[DeviceStatus]
    DEVICE_STATUS_STALE: _ClassVar[DeviceStatus]
    DEVICE_STATUS_REVOKED: _ClassVar[DeviceStatus]
    DEVICE_STATUS_INVALID: _ClassVar[DeviceStatus]
PLATFORM_UNSPECIFIED: Platform
PLATFORM_IOS: Platform
PLATFORM_ANDROID: Platform
PLATFORM_WEB: Platform
PLATFORM_MACOS: Platform
PLATFORM_WATCHOS: Platform
PLATFORM_TVOS: Platform
PLATFORM_HARMONYOS: Platform
DEVICE_STATUS_UNSPECIFIED: DeviceStatus
DEVICE_STATUS_ACTIVE: DeviceStatus
DEVICE_STATUS_STALE: DeviceStatus
DEVICE_STATUS_REVOKED: DeviceStatus
DEVICE_STATUS_INVALID: DeviceStatus

class Device(_message.Message):
    __slots__ = ("name", "install_id", "user_id", "provider", "platform", "token", "web_push", "apns_environment", "locale", "time_zone", "app_version", "os_version", "device_model", "topics", "category_preferences", "quiet_hours", "status", "status_reason", "token_hint", "create_time", "update_time", "last_seen_time")
    class CategoryPreferencesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: bool
        def __init__(self, key: _Optional[str] = ..., value: _Optional[bool] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    INSTALL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    WEB_PUSH_FIELD_NUMBER: _ClassVar[int]
    APNS_ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    APP_VERSION_FIELD_NUMBER: _ClassVar[int]
    OS_VERSION_FIELD_NUMBER: _ClassVar[int]
    DEVICE_MODEL_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_REASON_FIELD_NUMBER: _ClassVar[int]
    TOKEN_HINT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    install_id: str
    user_id: str
    provider: _provider_pb2.Provider
    platform: Platform
    token: str
    web_push: WebPushSubscription
    apns_environment: _provider_pb2.ApnsEnvironment
    locale: str
    time_zone: str
    app_version: str
    os_version: str
    device_model: str
    topics: _containers.RepeatedScalarFieldContainer[str]
    category_preferences: _containers.ScalarMap[str, bool]
    quiet_hours: QuietHours
    status: DeviceStatus
    status_reason: str
    token_hint: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    last_seen_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., install_id: _Optional[str] = ..., user_id: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., platform: _Optional[_Union[Platform, str]] = ..., token: _Optional[str] = ..., web_push: _Optional[_Union[WebPushSubscription, _Mapping]] = ..., apns_environment: _Optional[_Union[_provider_pb2.ApnsEnvironment, str]] = ..., locale: _Optional[str] = ..., time_zone: _Optional[str] = ..., app_version: _Optional[str] = ..., os_version: _Optional[str] = ..., device_model: _Optional[str] = ..., topics: _Optional[_Iterable[str]] = ..., category_preferences: _Optional[_Mapping[str, bool]] = ..., quiet_hours: _Optional[_Union[QuietHours, _Mapping]] = ..., status: _Optional[_Union[DeviceStatus, str]] = ..., status_reason: _Optional[str] = ..., token_hint: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_seen_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class WebPushSubscription(_message.Message):
    __slots__ = ("endpoint", "p256dh", "auth")
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    P256DH_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    endpoint: str
    p256dh: str
    auth: str
    def __init__(self, endpoint: _Optional[str] = ..., p256dh: _Optional[str] = ..., auth: _Optional[str] = ...) -> None: ...

class QuietHours(_message.Message):
    __slots__ = ("start_minute", "end_minute")
    START_MINUTE_FIELD_NUMBER: _ClassVar[int]
    END_MINUTE_FIELD_NUMBER: _ClassVar[int]
    start_minute: int
    end_minute: int
    def __init__(self, start_minute: _Optional[int] = ..., end_minute: _Optional[int] = ...) -> None: ...
