"""A thin convenience layer over the generated stubs in `clarion.v1`.

`Client` is one channel whose every call carries the API key and, for unary calls, a default
deadline; `Client.watch_receipts` is a receipts stream that reconnects and resumes after the
last cursor it yielded. Everything else is the generated API, used as is::

    from clarion.client import Client
    from clarion.v1 import push_sender_service_pb2 as push

    with Client("clarion.internal:50051", api_key) as clarion:
        clarion.push.Send(push.SendRequest(parent="apps/acme", ...))
        for receipt in clarion.watch_receipts(push.WatchReceiptsRequest(parent="apps/acme")):
            print(receipt.cursor, receipt.status)
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, NamedTuple

import grpc

from clarion.v1 import (
    credentials_service_pb2_grpc,
    device_registry_service_pb2_grpc,
    policy_admin_service_pb2_grpc,
    push_sender_service_pb2,
    push_sender_service_pb2_grpc,
    receipt_pb2,
)

__all__ = ["DEFAULT_TIMEOUT", "START_CURSOR_HEADER", "Client"]

DEFAULT_TIMEOUT = 10.0
"""Seconds a unary call may take when the caller gives no `timeout` of its own."""

START_CURSOR_HEADER = "clarion-start-cursor"
"""Initial metadata in which WatchReceipts says after which cursor the stream starts."""

# Codes a reconnection may cure (a dropped connection, a restarting or busy server). Bad
# requests, auth failures and a cursor out of range are the caller's to fix.
RETRYABLE = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.DEADLINE_EXCEEDED,
    }
)


class _CallDetails(NamedTuple):
    method: str
    timeout: float | None
    metadata: Any
    credentials: Any
    wait_for_ready: Any
    compression: Any


class _Defaults(
    grpc.UnaryUnaryClientInterceptor,  # type: ignore[misc]  # grpc ships no type hints
    grpc.UnaryStreamClientInterceptor,  # type: ignore[misc]
):
    """Adds the API key to every call and a default deadline to unary calls."""

    def __init__(self, api_key: str, timeout: float | None) -> None:
        self._auth = ("authorization", f"Bearer {api_key}")
        self._timeout = timeout

    def _details(self, details: Any, *, unary: bool) -> _CallDetails:
        timeout = details.timeout
        if timeout is None and unary:
            timeout = self._timeout
        metadata = [*(details.metadata or ()), self._auth]
        return _CallDetails(
            details.method,
            timeout,
            metadata,
            details.credentials,
            details.wait_for_ready,
            details.compression,
        )

    def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        return continuation(self._details(details, unary=True), request)

    def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        # Streams get no default deadline: WatchReceipts is meant to stay open.
        return continuation(self._details(details, unary=False), request)


class Client:
    """One connection to Clarion and a stub per service, calling with one API key.

    `secure=False` connects without TLS (a Clarion on localhost or a private network);
    `credentials` replaces the default TLS credentials (system roots). `timeout` is the
    default deadline of unary calls in seconds (None: none).
    """

    def __init__(
        self,
        target: str,
        api_key: str,
        *,
        secure: bool = True,
        credentials: grpc.ChannelCredentials | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        options: list[tuple[str, Any]] | None = None,
    ) -> None:
        if secure:
            creds = credentials or grpc.ssl_channel_credentials()
            self._raw = grpc.secure_channel(target, creds, options=options)
        else:
            self._raw = grpc.insecure_channel(target, options=options)
        self.channel = grpc.intercept_channel(self._raw, _Defaults(api_key, timeout))
        self.devices = device_registry_service_pb2_grpc.DeviceRegistryServiceStub(self.channel)
        self.credentials = credentials_service_pb2_grpc.CredentialsServiceStub(self.channel)
        self.push = push_sender_service_pb2_grpc.PushSenderServiceStub(self.channel)
        self.admin = policy_admin_service_pb2_grpc.PolicyAdminServiceStub(self.channel)

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def watch_receipts(
        self,
        request: push_sender_service_pb2.WatchReceiptsRequest,
        *,
        on_reconnect: Callable[[grpc.RpcError | None, int], None] | None = None,
        min_backoff: float = 0.2,
        max_backoff: float = 5.0,
    ) -> Iterator[receipt_pb2.Receipt]:
        """Yield the receipts `request` selects, in cursor order, across dropped connections.

        Each reconnection resumes after the last receipt yielded (or where the first stream
        started, if none was), so nothing is missed and nothing repeated. `on_reconnect` is
        called before each one with the error that ended the stream and the cursor it resumes
        after. Errors a retry cannot cure (PERMISSION_DENIED, OUT_OF_RANGE, ...) are raised as
        `grpc.RpcError`. Closing the generator (`break`) ends the stream.
        """
        req = push_sender_service_pb2.WatchReceiptsRequest()
        req.CopyFrom(request)
        backoff = min_backoff
        while True:
            call = self.push.WatchReceipts(req)
            error: grpc.RpcError | None = None
            started = False
            try:
                start = _start_cursor(call.initial_metadata())
                if start is not None:  # the server accepted the stream
                    started = True
                    _resume_at(req, start)
                for message in call:
                    yield message.receipt
                    _resume_at(req, message.receipt.cursor)
            except grpc.RpcError as exc:
                if exc.code() not in RETRYABLE:
                    raise
                error = exc
            finally:
                call.cancel()
            if started:
                backoff = min_backoff
            if on_reconnect is not None:
                on_reconnect(error, req.after_cursor)
            time.sleep(backoff / 2 + random.uniform(0, backoff / 2))
            backoff = min(backoff * 2, max_backoff)


def _start_cursor(metadata: Any) -> int | None:
    for key, value in metadata or ():
        if key == START_CURSOR_HEADER:
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _resume_at(request: push_sender_service_pb2.WatchReceiptsRequest, cursor: int) -> None:
    """Make `request` continue after `cursor` (0: from the log's start)."""
    if cursor > 0:
        request.after_cursor = cursor
    elif request.after_cursor == 0:
        request.start = receipt_pb2.START_POSITION_EARLIEST
