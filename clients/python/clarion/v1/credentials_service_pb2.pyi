from clarion.v1 import credential_pb2 as _credential_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PutCredentialRequest(_message.Message):
    __slots__ = ("parent", "apns", "fcm", "web_push", "expo", "hms", "mipush")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    APNS_FIELD_NUMBER: _ClassVar[int]
    FCM_FIELD_NUMBER: _ClassVar[int]
    WEB_PUSH_FIELD_NUMBER: _ClassVar[int]
    EXPO_FIELD_NUMBER: _ClassVar[int]
    HMS_FIELD_NUMBER: _ClassVar[int]
    MIPUSH_FIELD_NUMBER: _ClassVar[int]
    parent: str
    apns: _credential_pb2.ApnsTokenKey
    fcm: _credential_pb2.FcmServiceAccount
    web_push: _credential_pb2.WebPushVapid
    expo: _credential_pb2.ExpoAccessToken
    hms: _credential_pb2.HmsClient
    mipush: _credential_pb2.MiPushSecret
    def __init__(self, parent: _Optional[str] = ..., apns: _Optional[_Union[_credential_pb2.ApnsTokenKey, _Mapping]] = ..., fcm: _Optional[_Union[_credential_pb2.FcmServiceAccount, _Mapping]] = ..., web_push: _Optional[_Union[_credential_pb2.WebPushVapid, _Mapping]] = ..., expo: _Optional[_Union[_credential_pb2.ExpoAccessToken, _Mapping]] = ..., hms: _Optional[_Union[_credential_pb2.HmsClient, _Mapping]] = ..., mipush: _Optional[_Union[_credential_pb2.MiPushSecret, _Mapping]] = ...) -> None: ...

class PutCredentialResponse(_message.Message):
    __slots__ = ("credential",)
    CREDENTIAL_FIELD_NUMBER: _ClassVar[int]
    credential: _credential_pb2.Credential
    def __init__(self, credential: _Optional[_Union[_credential_pb2.Credential, _Mapping]] = ...) -> None: ...

class ListCredentialsRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class ListCredentialsResponse(_message.Message):
    __slots__ = ("credentials",)
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    credentials: _containers.RepeatedCompositeFieldContainer[_credential_pb2.Credential]
    def __init__(self, credentials: _Optional[_Iterable[_Union[_credential_pb2.Credential, _Mapping]]] = ...) -> None: ...

class DeleteCredentialRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteCredentialResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetVapidPublicKeyRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class GetVapidPublicKeyResponse(_message.Message):
    __slots__ = ("public_key",)
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    public_key: str
    def __init__(self, public_key: _Optional[str] = ...) -> None: ...
