import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Priority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRIORITY_UNSPECIFIED: _ClassVar[Priority]
    PRIORITY_NORMAL: _ClassVar[Priority]
    PRIORITY_HIGH: _ClassVar[Priority]

class InterruptionLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INTERRUPTION_LEVEL_UNSPECIFIED: _ClassVar[InterruptionLevel]
    INTERRUPTION_LEVEL_PASSIVE: _ClassVar[InterruptionLevel]
    INTERRUPTION_LEVEL_ACTIVE: _ClassVar[InterruptionLevel]
    INTERRUPTION_LEVEL_TIME_SENSITIVE: _ClassVar[InterruptionLevel]
    INTERRUPTION_LEVEL_CRITICAL: _ClassVar[InterruptionLevel]
PRIORITY_UNSPECIFIED: Priority
PRIORITY_NORMAL: Priority
PRIORITY_HIGH: Priority
INTERRUPTION_LEVEL_UNSPECIFIED: InterruptionLevel
INTERRUPTION_LEVEL_PASSIVE: InterruptionLevel
INTERRUPTION_LEVEL_ACTIVE: InterruptionLevel
INTERRUPTION_LEVEL_TIME_SENSITIVE: InterruptionLevel
INTERRUPTION_LEVEL_CRITICAL: InterruptionLevel

class Notification(_message.Message):
    __slots__ = ("title", "subtitle", "body", "data", "image_url", "sound", "badge", "category", "thread_id", "collapse_key", "priority", "ttl", "content_available", "mutable_content", "interruption_level", "localizations", "overrides")
    class DataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class LocalizationsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: LocalizedText
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[LocalizedText, _Mapping]] = ...) -> None: ...
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUBTITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    IMAGE_URL_FIELD_NUMBER: _ClassVar[int]
    SOUND_FIELD_NUMBER: _ClassVar[int]
    BADGE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    COLLAPSE_KEY_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    TTL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    MUTABLE_CONTENT_FIELD_NUMBER: _ClassVar[int]
    INTERRUPTION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    LOCALIZATIONS_FIELD_NUMBER: _ClassVar[int]
    OVERRIDES_FIELD_NUMBER: _ClassVar[int]
    title: str
    subtitle: str
    body: str
    data: _containers.ScalarMap[str, str]
    image_url: str
    sound: str
    badge: int
    category: str
    thread_id: str
    collapse_key: str
    priority: Priority
    ttl: _duration_pb2.Duration
    content_available: bool
    mutable_content: bool
    interruption_level: InterruptionLevel
    localizations: _containers.MessageMap[str, LocalizedText]
    overrides: ProviderOverrides
    def __init__(self, title: _Optional[str] = ..., subtitle: _Optional[str] = ..., body: _Optional[str] = ..., data: _Optional[_Mapping[str, str]] = ..., image_url: _Optional[str] = ..., sound: _Optional[str] = ..., badge: _Optional[int] = ..., category: _Optional[str] = ..., thread_id: _Optional[str] = ..., collapse_key: _Optional[str] = ..., priority: _Optional[_Union[Priority, str]] = ..., ttl: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., content_available: _Optional[bool] = ..., mutable_content: _Optional[bool] = ..., interruption_level: _Optional[_Union[InterruptionLevel, str]] = ..., localizations: _Optional[_Mapping[str, LocalizedText]] = ..., overrides: _Optional[_Union[ProviderOverrides, _Mapping]] = ...) -> None: ...

class LocalizedText(_message.Message):
    __slots__ = ("title", "body")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    title: str
    body: str
    def __init__(self, title: _Optional[str] = ..., body: _Optional[str] = ...) -> None: ...

class ProviderOverrides(_message.Message):
    __slots__ = ("apns_aps", "apns_headers", "fcm_android", "fcm_webpush", "fcm_apns", "web_push", "expo", "hms_android", "mipush_params")
    class ApnsHeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class MipushParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    APNS_APS_FIELD_NUMBER: _ClassVar[int]
    APNS_HEADERS_FIELD_NUMBER: _ClassVar[int]
    FCM_ANDROID_FIELD_NUMBER: _ClassVar[int]
    FCM_WEBPUSH_FIELD_NUMBER: _ClassVar[int]
    FCM_APNS_FIELD_NUMBER: _ClassVar[int]
    WEB_PUSH_FIELD_NUMBER: _ClassVar[int]
    EXPO_FIELD_NUMBER: _ClassVar[int]
    HMS_ANDROID_FIELD_NUMBER: _ClassVar[int]
    MIPUSH_PARAMS_FIELD_NUMBER: _ClassVar[int]
    apns_aps: _struct_pb2.Struct
    apns_headers: _containers.ScalarMap[str, str]
    fcm_android: _struct_pb2.Struct
    fcm_webpush: _struct_pb2.Struct
    fcm_apns: _struct_pb2.Struct
    web_push: _struct_pb2.Struct
    expo: _struct_pb2.Struct
    hms_android: _struct_pb2.Struct
    mipush_params: _containers.ScalarMap[str, str]
    def __init__(self, apns_aps: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., apns_headers: _Optional[_Mapping[str, str]] = ..., fcm_android: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., fcm_webpush: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., fcm_apns: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., web_push: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., expo: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., hms_android: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., mipush_params: _Optional[_Mapping[str, str]] = ...) -> None: ...
