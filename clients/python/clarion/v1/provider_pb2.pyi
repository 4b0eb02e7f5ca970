from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class Provider(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROVIDER_UNSPECIFIED: _ClassVar[Provider]
    PROVIDER_APNS: _ClassVar[Provider]
    PROVIDER_FCM: _ClassVar[Provider]
    PROVIDER_WEBPUSH: _ClassVar[Provider]
    PROVIDER_EXPO: _ClassVar[Provider]
    PROVIDER_HMS: _ClassVar[Provider]
    PROVIDER_MIPUSH: _ClassVar[Provider]

class ApnsEnvironment(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APNS_ENVIRONMENT_UNSPECIFIED: _ClassVar[ApnsEnvironment]
    APNS_ENVIRONMENT_SANDBOX: _ClassVar[ApnsEnvironment]
    APNS_ENVIRONMENT_PRODUCTION: _ClassVar[ApnsEnvironment]
PROVIDER_UNSPECIFIED: Provider
PROVIDER_APNS: Provider
PROVIDER_FCM: Provider
PROVIDER_WEBPUSH: Provider
PROVIDER_EXPO: Provider
PROVIDER_HMS: Provider
PROVIDER_MIPUSH: Provider
APNS_ENVIRONMENT_UNSPECIFIED: ApnsEnvironment
APNS_ENVIRONMENT_SANDBOX: ApnsEnvironment
APNS_ENVIRONMENT_PRODUCTION: ApnsEnvironment
