"""The one error path: every failure becomes a `google.rpc.Status` rendered as JSON.

Upstream failures keep the server's rich status (ErrorInfo, BadRequest, RetryInfo, ...)
from the `grpc-status-details-bin` trailer; the gateway's own failures (malformed JSON, an
unknown route) are built as a Status too, so a REST client parses one shape whatever
went wrong. The gRPC code picks the HTTP status through grpc-gateway's table.
"""

from __future__ import annotations

import base64
import json
import logging
import math
from collections.abc import Iterable, Mapping
from typing import Any

import grpc
from aiohttp import web
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from google.rpc import code_pb2, error_details_pb2, status_pb2

__all__ = [
    "GRPC_TO_HTTP",
    "STATUS_DETAILS_KEY",
    "GatewayError",
    "error_headers",
    "error_response",
    "http_status_for",
    "invalid_argument",
    "retry_after_seconds",
    "status_from_rpc_error",
    "status_to_json",
]

logger = logging.getLogger(__name__)

#: The trailer in which gRPC servers put the serialised `google.rpc.Status`.
STATUS_DETAILS_KEY = "grpc-status-details-bin"

#: grpc-gateway's mapping (runtime.HTTPStatusFromCode), keyed by `google.rpc.Code` value.
GRPC_TO_HTTP: Mapping[int, int] = {
    code_pb2.OK: 200,
    code_pb2.CANCELLED: 499,
    code_pb2.UNKNOWN: 500,
    code_pb2.INVALID_ARGUMENT: 400,
    code_pb2.DEADLINE_EXCEEDED: 504,
    code_pb2.NOT_FOUND: 404,
    code_pb2.ALREADY_EXISTS: 409,
    code_pb2.PERMISSION_DENIED: 403,
    code_pb2.UNAUTHENTICATED: 401,
    code_pb2.RESOURCE_EXHAUSTED: 429,
    code_pb2.FAILED_PRECONDITION: 400,
    code_pb2.ABORTED: 409,
    code_pb2.OUT_OF_RANGE: 400,
    code_pb2.UNIMPLEMENTED: 501,
    code_pb2.INTERNAL: 500,
    code_pb2.UNAVAILABLE: 503,
    code_pb2.DATA_LOSS: 500,
}

# The error-detail messages must be in the default pool for `@type` to render as JSON;
# importing the module is what puts them there (the name keeps the import explicit).
_STANDARD_DETAILS = error_details_pb2.DESCRIPTOR


class GatewayError(Exception):
    """A failure detected by the gateway itself, carried as a `google.rpc.Status`.

    `http_status` overrides the table for the few HTTP-only cases (405 for a wrong method,
    413 for an oversized body) where the HTTP answer is more precise than the gRPC code.
    """

    def __init__(
        self,
        code: int,
        message: str,
        *,
        details: Iterable[Any] = (),
        http_status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status_pb2.Status(code=code, message=message)
        for detail in details:
            self.status.details.add().Pack(detail)
        self.http_status = http_status
        self.headers = dict(headers or {})


def invalid_argument(message: str, *, field: str | None = None) -> GatewayError:
    """An INVALID_ARGUMENT, with a BadRequest field violation when the field is known."""
    details = []
    if field is not None:
        details.append(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=field, description=message)
                ]
            )
        )
    return GatewayError(code_pb2.INVALID_ARGUMENT, message, details=details)


def http_status_for(code: int) -> int:
    """The HTTP status for a gRPC code; codes outside the table are server errors."""
    return GRPC_TO_HTTP.get(code, 500)


def status_from_rpc_error(error: grpc.aio.AioRpcError) -> status_pb2.Status:
    """The `google.rpc.Status` of a failed call, rich details included when the server sent any.

    This is grpcio-status's `rpc_status.from_call` for grpc.aio: the details trailer wins
    when its code agrees with the call's; a disagreeing trailer is ignored (and logged)
    rather than trusted, since the call's code is what the client library acted on.
    """
    code = error.code().value[0]
    message = error.details() or ""
    for key, value in error.trailing_metadata() or ():
        if key != STATUS_DETAILS_KEY:
            continue
        raw = value if isinstance(value, bytes) else str(value).encode()
        try:
            rich = status_pb2.Status.FromString(raw)
        except DecodeError:
            logger.warning("ignoring undecodable %s trailer", STATUS_DETAILS_KEY)
            break
        if rich.code != code:
            logger.warning(
                "ignoring %s with code %d on a call that failed with %d",
                STATUS_DETAILS_KEY,
                rich.code,
                code,
            )
            break
        return rich
    return status_pb2.Status(code=code, message=message)


def status_to_json(status: status_pb2.Status) -> dict[str, Any]:
    """Status as canonical JSON: `{"code", "message", "details": [{"@type", ...}]}`.

    A detail whose type this process does not know is kept as `@type` plus its base64
    `value` instead of failing the whole error response.
    """
    details: list[dict[str, Any]] = []
    for detail in status.details:
        try:
            details.append(json_format.MessageToDict(detail))
        except (TypeError, KeyError, json_format.Error):
            details.append(
                {
                    "@type": detail.type_url,
                    "value": base64.b64encode(detail.value).decode("ascii"),
                }
            )
    return {"code": status.code, "message": status.message, "details": details}


def retry_after_seconds(status: status_pb2.Status) -> int | None:
    """Whole seconds to wait from the status's RetryInfo, rounded up; None without one."""
    for detail in status.details:
        if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            info = error_details_pb2.RetryInfo()
            detail.Unpack(info)
            delay = info.retry_delay.seconds + info.retry_delay.nanos / 1e9
            return max(0, math.ceil(float(delay)))
    return None


def error_headers(status: status_pb2.Status) -> dict[str, str]:
    """HTTP headers an error implies: a bearer challenge for 401, Retry-After when told."""
    headers: dict[str, str] = {}
    if status.code == code_pb2.UNAUTHENTICATED:
        headers["WWW-Authenticate"] = "Bearer"
    if status.code in (code_pb2.RESOURCE_EXHAUSTED, code_pb2.UNAVAILABLE):
        seconds = retry_after_seconds(status)
        if seconds is not None:
            headers["Retry-After"] = str(seconds)
    return headers


def error_response(
    status: status_pb2.Status,
    *,
    http_status: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    """The HTTP response for a Status: mapped status code, implied headers, Status JSON body."""
    all_headers = error_headers(status)
    all_headers.update(headers or {})
    return web.Response(
        status=http_status or http_status_for(status.code),
        headers=all_headers,
        text=json.dumps(status_to_json(status)),
        content_type="application/json",
    )
