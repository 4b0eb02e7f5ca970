import datetime

from clarion.v1 import provider_pb2 as _provider_pb2
from clarion.v1 import send_pb2 as _send_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StatusCount(_message.Message):
    __slots__ = ("status", "count")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    status: _send_pb2.DeliveryStatus
    count: int
    def __init__(self, status: _Optional[_Union[_send_pb2.DeliveryStatus, str]] = ..., count: _Optional[int] = ...) -> None: ...

class FailureCount(_message.Message):
    __slots__ = ("reason", "provider", "count")
    REASON_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    reason: str
    provider: _provider_pb2.Provider
    count: int
    def __init__(self, reason: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., count: _Optional[int] = ...) -> None: ...

class ProviderSuccess(_message.Message):
    __slots__ = ("provider", "sent", "failed", "success_rate")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    SENT_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_RATE_FIELD_NUMBER: _ClassVar[int]
    provider: _provider_pb2.Provider
    sent: int
    failed: int
    success_rate: float
    def __init__(self, provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., sent: _Optional[int] = ..., failed: _Optional[int] = ..., success_rate: _Optional[float] = ...) -> None: ...

class MinuteCount(_message.Message):
    __slots__ = ("minute", "attempts")
    MINUTE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    minute: _timestamp_pb2.Timestamp
    attempts: int
    def __init__(self, minute: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attempts: _Optional[int] = ...) -> None: ...

class UserCount(_message.Message):
    __slots__ = ("user_id", "deliveries")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    deliveries: int
    def __init__(self, user_id: _Optional[str] = ..., deliveries: _Optional[int] = ...) -> None: ...

class RecentFailure(_message.Message):
    __slots__ = ("delivery", "provider", "reason", "provider_code", "provider_message", "time")
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_CODE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    delivery: str
    provider: _provider_pb2.Provider
    reason: str
    provider_code: str
    provider_message: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, delivery: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., reason: _Optional[str] = ..., provider_code: _Optional[str] = ..., provider_message: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
