"""The one error path: Clarion's errors become gRPC statuses with google.rpc details.

Every status carries an ErrorInfo (stable `reason`, domain `clarion.dev`); validation errors
add a BadRequest with field violations, quota errors a RetryInfo. Anything unexpected is
logged with its traceback and answered INTERNAL without details, so no secret can leak.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Final, NoReturn, TypeAlias, TypeVar

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from clarion.domain import errors as e

log = logging.getLogger("clarion.api")

# grpc ships no type information; this alias names what handlers receive.
Ctx: TypeAlias = Any

ERROR_DOMAIN: Final = "clarion.dev"

_CODES: Final[dict[type[e.ClarionError], int]] = {
    e.InvalidArgument: code_pb2.INVALID_ARGUMENT,
    e.NotFound: code_pb2.NOT_FOUND,
    e.AlreadyExists: code_pb2.ALREADY_EXISTS,
    e.FailedPrecondition: code_pb2.FAILED_PRECONDITION,
    e.OutOfRange: code_pb2.OUT_OF_RANGE,
    e.Unauthenticated: code_pb2.UNAUTHENTICATED,
    e.PermissionDenied: code_pb2.PERMISSION_DENIED,
    e.ResourceExhausted: code_pb2.RESOURCE_EXHAUSTED,
    e.Unimplemented: code_pb2.UNIMPLEMENTED,
}


def _pack(message: Any) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def to_status(exc: e.ClarionError) -> status_pb2.Status:
    """The google.rpc.Status for a Clarion error (also used per item in batch answers)."""
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), code_pb2.INTERNAL)
    details = [_pack(error_details_pb2.ErrorInfo(reason=exc.reason, domain=ERROR_DOMAIN))]
    if isinstance(exc, e.InvalidArgument) and exc.violations:
        details.append(
            _pack(
                error_details_pb2.BadRequest(
                    field_violations=[
                        error_details_pb2.BadRequest.FieldViolation(
                            field=v.field, description=v.description
                        )
                        for v in exc.violations
                    ]
                )
            )
        )
    if isinstance(exc, e.ResourceExhausted):
        delay = duration_pb2.Duration(seconds=max(1, math.ceil(exc.retry_after)))
        details.append(_pack(error_details_pb2.RetryInfo(retry_delay=delay)))
    return status_pb2.Status(code=code, message=exc.message, details=details)


async def abort(context: Ctx, exc: e.ClarionError) -> NoReturn:
    """End the call with the status for `exc`."""
    await context.abort_with_status(rpc_status.to_status(to_status(exc)))
    raise AssertionError("abort_with_status returned")  # it always raises


Req = TypeVar("Req")
Resp = TypeVar("Resp")
Self = TypeVar("Self")
Handler = Callable[[Self, Req, Ctx], Awaitable[Resp]]


def rpc(handler: Handler[Self, Req, Resp]) -> Handler[Self, Req, Resp]:
    """Wrap a unary handler: Clarion errors become rich statuses, the rest INTERNAL."""

    @functools.wraps(handler)
    async def wrapper(self: Self, request: Req, context: Ctx) -> Resp:
        try:
            return await handler(self, request, context)
        except e.ClarionError as exc:
            await abort(context, exc)
        except grpc.aio.AbortError:
            raise
        except Exception:
            log.exception("unexpected error in %s", handler.__qualname__)
            await abort(context, _internal())

    return wrapper


StreamHandler = Callable[[Self, Req, Ctx], AsyncIterator[Resp]]


def stream_rpc(handler: StreamHandler[Self, Req, Resp]) -> StreamHandler[Self, Req, Resp]:
    """The same translation for server-streaming handlers."""

    @functools.wraps(handler)
    async def wrapper(self: Self, request: Req, context: Ctx) -> AsyncIterator[Resp]:
        try:
            async for item in handler(self, request, context):
                yield item
        except e.ClarionError as exc:
            await abort(context, exc)
        except grpc.aio.AbortError:
            raise
        except Exception:
            log.exception("unexpected error in %s", handler.__qualname__)
            await abort(context, _internal())

    return wrapper


def _internal() -> e.ClarionError:
    return e.ClarionError("internal error; see the server log", reason="INTERNAL")
