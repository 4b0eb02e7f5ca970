import datetime

from clarion.v1 import provider_pb2 as _provider_pb2
from clarion.v1 import send_pb2 as _send_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StartPosition(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    START_POSITION_UNSPECIFIED: _ClassVar[StartPosition]
    START_POSITION_NOW: _ClassVar[StartPosition]
    START_POSITION_EARLIEST: _ClassVar[StartPosition]

class EngagementType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENGAGEMENT_TYPE_UNSPECIFIED: _ClassVar[EngagementType]
    ENGAGEMENT_TYPE_OPENED: _ClassVar[EngagementType]
    ENGAGEMENT_TYPE_CLICKED: _ClassVar[EngagementType]
START_POSITION_UNSPECIFIED: StartPosition
START_POSITION_NOW: StartPosition
START_POSITION_EARLIEST: StartPosition
ENGAGEMENT_TYPE_UNSPECIFIED: EngagementType
ENGAGEMENT_TYPE_OPENED: EngagementType
ENGAGEMENT_TYPE_CLICKED: EngagementType

class Receipt(_message.Message):
    __slots__ = ("cursor", "send", "delivery", "device", "user_id", "provider", "status", "reason", "provider_code", "action_id", "time", "attempt")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    SEND_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_CODE_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    cursor: int
    send: str
    delivery: str
    device: str
    user_id: str
    provider: _provider_pb2.Provider
    status: _send_pb2.DeliveryStatus
    reason: str
    provider_code: str
    action_id: str
    time: _timestamp_pb2.Timestamp
    attempt: int
    def __init__(self, cursor: _Optional[int] = ..., send: _Optional[str] = ..., delivery: _Optional[str] = ..., device: _Optional[str] = ..., user_id: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., status: _Optional[_Union[_send_pb2.DeliveryStatus, str]] = ..., reason: _Optional[str] = ..., provider_code: _Optional[str] = ..., action_id: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attempt: _Optional[int] = ...) -> None: ...
