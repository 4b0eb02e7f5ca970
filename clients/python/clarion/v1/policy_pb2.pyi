import datetime

from clarion.v1 import device_pb2 as _device_pb2
from clarion.v1 import notification_pb2 as _notification_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QuietHoursMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUIET_HOURS_MODE_UNSPECIFIED: _ClassVar[QuietHoursMode]
    QUIET_HOURS_MODE_DEFER: _ClassVar[QuietHoursMode]
    QUIET_HOURS_MODE_SUPPRESS: _ClassVar[QuietHoursMode]

class PrivacyMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRIVACY_MODE_UNSPECIFIED: _ClassVar[PrivacyMode]
    PRIVACY_MODE_OFF: _ClassVar[PrivacyMode]
    PRIVACY_MODE_GENERIC_TEXT: _ClassVar[PrivacyMode]
    PRIVACY_MODE_TRUNCATE: _ClassVar[PrivacyMode]
QUIET_HOURS_MODE_UNSPECIFIED: QuietHoursMode
QUIET_HOURS_MODE_DEFER: QuietHoursMode
QUIET_HOURS_MODE_SUPPRESS: QuietHoursMode
PRIVACY_MODE_UNSPECIFIED: PrivacyMode
PRIVACY_MODE_OFF: PrivacyMode
PRIVACY_MODE_GENERIC_TEXT: PrivacyMode
PRIVACY_MODE_TRUNCATE: PrivacyMode

class AppPolicy(_message.Message):
    __slots__ = ("name", "daily_quota", "registrations_per_user_hour", "quiet_hours", "quiet_hours_mode", "frequency_cap_hour", "frequency_cap_day", "privacy_mode", "generic_title", "generic_body", "stale_device_retention", "receipt_retention", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DAILY_QUOTA_FIELD_NUMBER: _ClassVar[int]
    REGISTRATIONS_PER_USER_HOUR_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_MODE_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_CAP_HOUR_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_CAP_DAY_FIELD_NUMBER: _ClassVar[int]
    PRIVACY_MODE_FIELD_NUMBER: _ClassVar[int]
    GENERIC_TITLE_FIELD_NUMBER: _ClassVar[int]
    GENERIC_BODY_FIELD_NUMBER: _ClassVar[int]
    STALE_DEVICE_RETENTION_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_RETENTION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    daily_quota: int
    registrations_per_user_hour: int
    quiet_hours: _device_pb2.QuietHours
    quiet_hours_mode: QuietHoursMode
    frequency_cap_hour: int
    frequency_cap_day: int
    privacy_mode: PrivacyMode
    generic_title: str
    generic_body: str
    stale_device_retention: _duration_pb2.Duration
    receipt_retention: _duration_pb2.Duration
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., daily_quota: _Optional[int] = ..., registrations_per_user_hour: _Optional[int] = ..., quiet_hours: _Optional[_Union[_device_pb2.QuietHours, _Mapping]] = ..., quiet_hours_mode: _Optional[_Union[QuietHoursMode, str]] = ..., frequency_cap_hour: _Optional[int] = ..., frequency_cap_day: _Optional[int] = ..., privacy_mode: _Optional[_Union[PrivacyMode, str]] = ..., generic_title: _Optional[str] = ..., generic_body: _Optional[str] = ..., stale_device_retention: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., receipt_retention: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Category(_message.Message):
    __slots__ = ("name", "display_name", "priority", "ttl", "respects_quiet_hours", "interruption_level", "sound", "actions", "critical", "create_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    TTL_FIELD_NUMBER: _ClassVar[int]
    RESPECTS_QUIET_HOURS_FIELD_NUMBER: _ClassVar[int]
    INTERRUPTION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SOUND_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    CRITICAL_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    priority: _notification_pb2.Priority
    ttl: _duration_pb2.Duration
    respects_quiet_hours: bool
    interruption_level: _notification_pb2.InterruptionLevel
    sound: str
    actions: _containers.RepeatedCompositeFieldContainer[CategoryAction]
    critical: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., priority: _Optional[_Union[_notification_pb2.Priority, str]] = ..., ttl: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., respects_quiet_hours: _Optional[bool] = ..., interruption_level: _Optional[_Union[_notification_pb2.InterruptionLevel, str]] = ..., sound: _Optional[str] = ..., actions: _Optional[_Iterable[_Union[CategoryAction, _Mapping]]] = ..., critical: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CategoryAction(_message.Message):
    __slots__ = ("id", "title")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ...) -> None: ...
