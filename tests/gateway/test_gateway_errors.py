"""The one error path: gRPC status → HTTP status, headers and google.rpc.Status JSON."""

from __future__ import annotations

import json

import grpc
import pytest
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

from clarion.gateway.errors import (
    STATUS_DETAILS_KEY,
    error_headers,
    error_response,
    http_status_for,
    retry_after_seconds,
    status_from_rpc_error,
    status_to_json,
)


@pytest.mark.parametrize(
    ("code", "http"),
    [
        (grpc.StatusCode.OK, 200),
        (grpc.StatusCode.CANCELLED, 499),
        (grpc.StatusCode.UNKNOWN, 500),
        (grpc.StatusCode.INVALID_ARGUMENT, 400),
        (grpc.StatusCode.DEADLINE_EXCEEDED, 504),
        (grpc.StatusCode.NOT_FOUND, 404),
        (grpc.StatusCode.ALREADY_EXISTS, 409),
        (grpc.StatusCode.PERMISSION_DENIED, 403),
        (grpc.StatusCode.UNAUTHENTICATED, 401),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, 429),
        (grpc.StatusCode.FAILED_PRECONDITION, 400),
        (grpc.StatusCode.ABORTED, 409),
        (grpc.StatusCode.OUT_OF_RANGE, 400),
        (grpc.StatusCode.UNIMPLEMENTED, 501),
        (grpc.StatusCode.INTERNAL, 500),
        (grpc.StatusCode.UNAVAILABLE, 503),
        (grpc.StatusCode.DATA_LOSS, 500),
    ],
)
def test_grpc_gateway_code_table(code: grpc.StatusCode, http: int) -> None:
    assert http_status_for(code.value[0]) == http


def test_codes_outside_the_table_are_500() -> None:
    assert http_status_for(99) == 500


def packed(*details: object) -> list[any_pb2.Any]:
    out = []
    for detail in details:
        item = any_pb2.Any()
        item.Pack(detail)  # type: ignore[arg-type]
        out.append(item)
    return out


def retry_status(seconds: int, nanos: int = 0) -> status_pb2.Status:
    info = error_details_pb2.RetryInfo(
        retry_delay=duration_pb2.Duration(seconds=seconds, nanos=nanos)
    )
    return status_pb2.Status(code=code_pb2.RESOURCE_EXHAUSTED, details=packed(info))


@pytest.mark.parametrize(
    ("seconds", "nanos", "expected"),
    [(2, 0, 2), (2, 1, 3), (0, 200_000_000, 1), (0, 0, 0), (59, 999_999_999, 60)],
)
def test_retry_after_rounds_retry_info_up(seconds: int, nanos: int, expected: int) -> None:
    status = retry_status(seconds, nanos)
    assert retry_after_seconds(status) == expected
    assert error_headers(status)["Retry-After"] == str(expected)


def test_no_retry_info_no_retry_after() -> None:
    status = status_pb2.Status(code=code_pb2.RESOURCE_EXHAUSTED, message="quota")
    assert retry_after_seconds(status) is None
    assert error_headers(status) == {}


def test_unauthenticated_challenges_for_a_bearer_token() -> None:
    status = status_pb2.Status(code=code_pb2.UNAUTHENTICATED)
    assert error_headers(status) == {"WWW-Authenticate": "Bearer"}


def rpc_error(
    code: grpc.StatusCode, details: str, trailers: tuple[tuple[str, str | bytes], ...] = ()
) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(
        code, grpc.aio.Metadata(), grpc.aio.Metadata(*trailers), details=details
    )


def test_rich_status_comes_from_the_trailer() -> None:
    violation = error_details_pb2.BadRequest.FieldViolation(field="device.token", description="bad")
    rich = status_pb2.Status(
        code=code_pb2.INVALID_ARGUMENT,
        message="device.token is invalid",
        details=packed(
            error_details_pb2.BadRequest(field_violations=[violation]),
            error_details_pb2.ErrorInfo(reason="TOKEN_INVALID", domain="clarion.dev"),
        ),
    )
    error = rpc_error(
        grpc.StatusCode.INVALID_ARGUMENT,
        "device.token is invalid",
        ((STATUS_DETAILS_KEY, rich.SerializeToString()),),
    )
    status = status_from_rpc_error(error)
    assert status == rich
    assert status_to_json(status) == {
        "code": 3,
        "message": "device.token is invalid",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": "device.token", "description": "bad"}],
            },
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "TOKEN_INVALID",
                "domain": "clarion.dev",
            },
        ],
    }


def test_without_a_trailer_the_status_is_code_and_message() -> None:
    status = status_from_rpc_error(rpc_error(grpc.StatusCode.NOT_FOUND, "no such device"))
    assert status == status_pb2.Status(code=code_pb2.NOT_FOUND, message="no such device")


def test_a_trailer_with_another_code_is_not_trusted() -> None:
    rich = status_pb2.Status(code=code_pb2.OK, message="all fine")
    error = rpc_error(
        grpc.StatusCode.INTERNAL, "boom", ((STATUS_DETAILS_KEY, rich.SerializeToString()),)
    )
    assert status_from_rpc_error(error) == status_pb2.Status(code=code_pb2.INTERNAL, message="boom")


def test_an_undecodable_trailer_is_ignored() -> None:
    error = rpc_error(grpc.StatusCode.INTERNAL, "boom", ((STATUS_DETAILS_KEY, b"\xff\xff\xff"),))
    assert status_from_rpc_error(error).message == "boom"


def test_details_of_unknown_types_keep_their_bytes() -> None:
    unknown = any_pb2.Any(type_url="type.googleapis.com/acme.Secret", value=b"\x08\x01")
    status = status_pb2.Status(code=code_pb2.INTERNAL, message="m", details=[unknown])
    assert status_to_json(status)["details"] == [
        {"@type": "type.googleapis.com/acme.Secret", "value": "CAE="}
    ]


def test_error_response_carries_status_headers_and_json() -> None:
    response = error_response(retry_status(4))
    assert response.status == 429
    assert response.headers["Retry-After"] == "4"
    assert response.content_type == "application/json"
    assert response.text is not None
    body = json.loads(response.text)
    assert body["code"] == 8
    assert body["details"][0] == {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        "retryDelay": "4s",
    }


def test_error_response_http_status_override() -> None:
    status = status_pb2.Status(code=code_pb2.UNIMPLEMENTED, message="Method Not Allowed")
    response = error_response(status, http_status=405, headers={"Allow": "GET"})
    assert (response.status, response.headers["Allow"]) == (405, "GET")
