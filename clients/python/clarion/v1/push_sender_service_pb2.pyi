import datetime

from clarion.v1 import notification_pb2 as _notification_pb2
from clarion.v1 import receipt_pb2 as _receipt_pb2
from clarion.v1 import send_pb2 as _send_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.rpc import status_pb2 as _status_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SendRequest(_message.Message):
    __slots__ = ("parent", "target", "notification", "send_time", "idempotency_key")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    target: _send_pb2.Target
    notification: _notification_pb2.Notification
    send_time: _timestamp_pb2.Timestamp
    idempotency_key: str
    def __init__(self, parent: _Optional[str] = ..., target: _Optional[_Union[_send_pb2.Target, _Mapping]] = ..., notification: _Optional[_Union[_notification_pb2.Notification, _Mapping]] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class SendResponse(_message.Message):
    __slots__ = ("send", "deduplicated")
    SEND_FIELD_NUMBER: _ClassVar[int]
    DEDUPLICATED_FIELD_NUMBER: _ClassVar[int]
    send: _send_pb2.Send
    deduplicated: bool
    def __init__(self, send: _Optional[_Union[_send_pb2.Send, _Mapping]] = ..., deduplicated: _Optional[bool] = ...) -> None: ...

class SendBulkRequest(_message.Message):
    __slots__ = ("parent", "user_ids", "device_ids", "notification", "send_time", "idempotency_key")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    DEVICE_IDS_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    user_ids: _containers.RepeatedScalarFieldContainer[str]
    device_ids: _containers.RepeatedScalarFieldContainer[str]
    notification: _notification_pb2.Notification
    send_time: _timestamp_pb2.Timestamp
    idempotency_key: str
    def __init__(self, parent: _Optional[str] = ..., user_ids: _Optional[_Iterable[str]] = ..., device_ids: _Optional[_Iterable[str]] = ..., notification: _Optional[_Union[_notification_pb2.Notification, _Mapping]] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class SendBulkResponse(_message.Message):
    __slots__ = ("send", "deduplicated")
    SEND_FIELD_NUMBER: _ClassVar[int]
    DEDUPLICATED_FIELD_NUMBER: _ClassVar[int]
    send: _send_pb2.Send
    deduplicated: bool
    def __init__(self, send: _Optional[_Union[_send_pb2.Send, _Mapping]] = ..., deduplicated: _Optional[bool] = ...) -> None: ...

class SendBatchItem(_message.Message):
    __slots__ = ("target", "notification", "send_time", "idempotency_key")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    target: _send_pb2.Target
    notification: _notification_pb2.Notification
    send_time: _timestamp_pb2.Timestamp
    idempotency_key: str
    def __init__(self, target: _Optional[_Union[_send_pb2.Target, _Mapping]] = ..., notification: _Optional[_Union[_notification_pb2.Notification, _Mapping]] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class SendBatchRequest(_message.Message):
    __slots__ = ("parent", "items")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    parent: str
    items: _containers.RepeatedCompositeFieldContainer[SendBatchItem]
    def __init__(self, parent: _Optional[str] = ..., items: _Optional[_Iterable[_Union[SendBatchItem, _Mapping]]] = ...) -> None: ...

class SendBatchResult(_message.Message):
    __slots__ = ("send", "error")
    SEND_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    send: _send_pb2.Send
    error: _status_pb2.Status
    def __init__(self, send: _Optional[_Union[_send_pb2.Send, _Mapping]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...

class SendBatchResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SendBatchResult]
    def __init__(self, results: _Optional[_Iterable[_Union[SendBatchResult, _Mapping]]] = ...) -> None: ...

class GetSendRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetSendResponse(_message.Message):
    __slots__ = ("send",)
    SEND_FIELD_NUMBER: _ClassVar[int]
    send: _send_pb2.Send
    def __init__(self, send: _Optional[_Union[_send_pb2.Send, _Mapping]] = ...) -> None: ...

class ListSendsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "state", "start_time", "end_time")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    state: _send_pb2.SendState
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., state: _Optional[_Union[_send_pb2.SendState, str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListSendsResponse(_message.Message):
    __slots__ = ("sends", "next_page_token")
    SENDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    sends: _containers.RepeatedCompositeFieldContainer[_send_pb2.Send]
    next_page_token: str
    def __init__(self, sends: _Optional[_Iterable[_Union[_send_pb2.Send, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListDeliveriesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "status")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    status: _send_pb2.DeliveryStatus
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[_send_pb2.DeliveryStatus, str]] = ...) -> None: ...

class ListDeliveriesResponse(_message.Message):
    __slots__ = ("deliveries", "next_page_token")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[_send_pb2.Delivery]
    next_page_token: str
    def __init__(self, deliveries: _Optional[_Iterable[_Union[_send_pb2.Delivery, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelSendRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class CancelSendResponse(_message.Message):
    __slots__ = ("send",)
    SEND_FIELD_NUMBER: _ClassVar[int]
    send: _send_pb2.Send
    def __init__(self, send: _Optional[_Union[_send_pb2.Send, _Mapping]] = ...) -> None: ...

class WatchReceiptsRequest(_message.Message):
    __slots__ = ("parent", "send", "statuses", "after_cursor", "start", "max_receipts_per_message")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    SEND_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    AFTER_CURSOR_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    MAX_RECEIPTS_PER_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    parent: str
    send: str
    statuses: _containers.RepeatedScalarFieldContainer[_send_pb2.DeliveryStatus]
    after_cursor: int
    start: _receipt_pb2.StartPosition
    max_receipts_per_message: int
    def __init__(self, parent: _Optional[str] = ..., send: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[_send_pb2.DeliveryStatus, str]]] = ..., after_cursor: _Optional[int] = ..., start: _Optional[_Union[_receipt_pb2.StartPosition, str]] = ..., max_receipts_per_message: _Optional[int] = ...) -> None: ...

class WatchReceiptsResponse(_message.Message):
    __slots__ = ("receipt", "receipts")
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    RECEIPTS_FIELD_NUMBER: _ClassVar[int]
    receipt: _receipt_pb2.Receipt
    receipts: _containers.RepeatedCompositeFieldContainer[_receipt_pb2.Receipt]
    def __init__(self, receipt: _Optional[_Union[_receipt_pb2.Receipt, _Mapping]] = ..., receipts: _Optional[_Iterable[_Union[_receipt_pb2.Receipt, _Mapping]]] = ...) -> None: ...

class RecordEngagementRequest(_message.Message):
    __slots__ = ("delivery", "type", "action_id", "time")
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    delivery: str
    type: _receipt_pb2.EngagementType
    action_id: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, delivery: _Optional[str] = ..., type: _Optional[_Union[_receipt_pb2.EngagementType, str]] = ..., action_id: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordEngagementResponse(_message.Message):
    __slots__ = ("receipt",)
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    receipt: _receipt_pb2.Receipt
    def __init__(self, receipt: _Optional[_Union[_receipt_pb2.Receipt, _Mapping]] = ...) -> None: ...
