"""Headers become allow-listed gRPC metadata; Grpc-Timeout becomes the deadline."""

from __future__ import annotations

import pytest

from clarion.gateway.errors import GatewayError
from clarion.gateway.metadata import call_options, parse_grpc_timeout


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5S", 5.0),
        ("100m", 0.1),
        ("1H", 3600.0),
        ("2M", 120.0),
        ("250u", 0.00025),
        ("99999999n", 0.099999999),
    ],
)
def test_grpc_timeout_units(value: str, seconds: float) -> None:
    assert parse_grpc_timeout(value) == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["", "5", "S", "5s", "123456789S", "-1S", "1.5S", "5 S"])
def test_malformed_grpc_timeouts(value: str) -> None:
    with pytest.raises(ValueError, match="Grpc-Timeout"):
        parse_grpc_timeout(value)


def test_only_allowed_headers_become_metadata() -> None:
    options = call_options(
        [
            ("Authorization", "Bearer k"),
            ("X-Request-Id", "r1"),
            ("traceparent", "00-abc-def-01"),
            ("Cookie", "session=1"),
            ("User-Agent", "curl"),
            ("Grpc-Metadata-Locale-Hint", "fr"),
            ("Grpc-Metadata-Grpc-Timeout", "1S"),
            ("Grpc-Metadata-Trace-Bin", "AAAA"),
            ("Content-Type", "application/json"),
        ],
        remote="10.0.0.9",
        host="api.example",
    )
    assert options.metadata == (
        ("authorization", "Bearer k"),
        ("x-request-id", "r1"),
        ("traceparent", "00-abc-def-01"),
        ("locale-hint", "fr"),
        ("x-forwarded-for", "10.0.0.9"),
        ("x-forwarded-host", "api.example"),
    )
    assert options.timeout is None


def test_forwarded_for_is_appended_to() -> None:
    options = call_options([("X-Forwarded-For", "1.2.3.4")], remote="10.0.0.9", host=None)
    assert options.metadata == (("x-forwarded-for", "1.2.3.4, 10.0.0.9"),)


def test_extra_allowed_headers() -> None:
    options = call_options([("X-Tenant", "t")], remote=None, host=None, forwarded=["x-tenant"])
    assert options.metadata == (("x-tenant", "t"),)


def test_timeout_header_sets_the_deadline() -> None:
    assert call_options([("Grpc-Timeout", "250m")], remote=None, host=None).timeout == 0.25


def test_bad_timeout_header_is_invalid_argument() -> None:
    with pytest.raises(GatewayError) as caught:
        call_options([("Grpc-Timeout", "later")], remote=None, host=None)
    assert caught.value.status.code == 3
