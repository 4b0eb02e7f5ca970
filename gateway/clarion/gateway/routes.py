"""The route table: built from the `google.api.http` annotations of the generated descriptors.

No route is written by hand. At start-up every `*_pb2` module of the generated package is
imported (which registers its file in the default descriptor pool), every method of every
service is read, and each HTTP rule (and its `additional_bindings`) becomes a `Route`.
Annotations that cannot be served (a body naming no field, a path variable bound to a
message) fail the start-up rather than the first request.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import ModuleType

from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor, message_factory
from google.protobuf.message import Message

from clarion.gateway.templates import PathTemplate, parse_template

__all__ = [
    "MethodNotAllowed",
    "Route",
    "RouteError",
    "RouteMatch",
    "RouteNotFound",
    "RouteTable",
    "build_route",
    "load_file_descriptors",
    "resolve_field_path",
]

logger = logging.getLogger(__name__)

_HTTP_METHODS = ("get", "put", "post", "delete", "patch")


class RouteError(ValueError):
    """An HTTP annotation the gateway cannot serve; raised at start-up."""


class RouteNotFound(LookupError):
    """No route's template matches the request path."""


class MethodNotAllowed(LookupError):
    """Some route matches the path, but none with the request's HTTP method."""

    def __init__(self, allowed: Sequence[str]) -> None:
        super().__init__(", ".join(allowed))
        self.allowed = tuple(allowed)


@dataclass(frozen=True, slots=True)
class Route:
    """One HTTP binding of one RPC."""

    method: descriptor.MethodDescriptor
    http_method: str
    template: PathTemplate
    body: str
    response_body: str
    binding_index: int = 0
    request_class: type[Message] = field(init=False, repr=False, compare=False)
    response_class: type[Message] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The classes come from the default pool's factory: they are the generated classes
        # themselves, so serialising them is the same as in any gRPC client.
        object.__setattr__(
            self, "request_class", message_factory.GetMessageClass(self.method.input_type)
        )
        object.__setattr__(
            self, "response_class", message_factory.GetMessageClass(self.method.output_type)
        )

    @property
    def grpc_path(self) -> str:
        """The gRPC method path, `/package.Service/Method`."""
        return f"/{self.method.containing_service.full_name}/{self.method.name}"

    @property
    def server_streaming(self) -> bool:
        """Whether the RPC returns a stream of messages."""
        return bool(self.method.server_streaming)

    @property
    def operation_id(self) -> str:
        """A stable id for the OpenAPI operation: `Service_Method`, `_2` for a second binding."""
        base = f"{self.method.containing_service.name}_{self.method.name}"
        return base if self.binding_index == 0 else f"{base}_{self.binding_index + 1}"

    @property
    def path_fields(self) -> tuple[str, ...]:
        """The field paths the template binds, in template order."""
        return tuple(v.field_path for v in self.template.variables)


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """A route and the values its path variables took for one request."""

    route: Route
    path_bindings: dict[str, str]


class RouteTable:
    """Every annotated RPC, resolvable by HTTP method and raw request path."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes: tuple[Route, ...] = tuple(routes)

    @classmethod
    def from_files(cls, files: Iterable[descriptor.FileDescriptor]) -> RouteTable:
        """Build the table from the services of the given files."""
        routes: list[Route] = []
        for file in files:
            for service in file.services_by_name.values():
                for method in service.methods:
                    routes.extend(_routes_of(method))
        return cls(routes)

    @classmethod
    def from_package(cls, package: str = "clarion.v1") -> RouteTable:
        """Build the table from every generated module of `package`."""
        return cls.from_files(load_file_descriptors(package))

    def resolve(self, http_method: str, raw_path: str) -> RouteMatch:
        """The route serving this request.

        Among templates that match, the one with a verb and then the most literal segments
        wins (so `/v1/apps` is ListApps even if a `{name=*}` template would take it too).
        Raises `RouteNotFound`, or `MethodNotAllowed` when only other methods match.
        """
        candidates: list[tuple[tuple[int, int], int, RouteMatch]] = []
        allowed: list[str] = []
        for position, route in enumerate(self.routes):
            bindings = route.template.match(raw_path)
            if bindings is None:
                continue
            if route.http_method != http_method.upper():
                if route.http_method not in allowed:
                    allowed.append(route.http_method)
                continue
            specificity = (int(route.template.verb is not None), route.template.literal_count)
            candidates.append((specificity, -position, RouteMatch(route, bindings)))
        if candidates:
            return max(candidates, key=lambda c: (c[0], c[1]))[2]
        if allowed:
            raise MethodNotAllowed(sorted(allowed))
        raise RouteNotFound(raw_path)


def load_file_descriptors(package: str = "clarion.v1") -> list[descriptor.FileDescriptor]:
    """Import every `*_pb2` module of `package` and return their file descriptors.

    Importing is what registers a file in the default descriptor pool, and iterating the
    package (rather than naming modules) means a new proto file needs no gateway change.
    """
    root = importlib.import_module(package)
    modules: list[ModuleType] = []
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda i: i.name):
        if info.name.endswith("_pb2"):
            modules.append(importlib.import_module(f"{package}.{info.name}"))
    return [module.DESCRIPTOR for module in modules]


def resolve_field_path(
    message: descriptor.Descriptor, field_path: str
) -> list[descriptor.FieldDescriptor]:
    """The chain of fields a dotted path names, accepting proto and JSON names at each step."""
    chain: list[descriptor.FieldDescriptor] = []
    current: descriptor.Descriptor | None = message
    for part in field_path.split("."):
        if current is None:
            raise KeyError(field_path)
        found = current.fields_by_name.get(part) or _by_json_name(current, part)
        if found is None:
            raise KeyError(field_path)
        chain.append(found)
        current = found.message_type
    return chain


def _by_json_name(message: descriptor.Descriptor, name: str) -> descriptor.FieldDescriptor | None:
    for candidate in message.fields:
        if candidate.json_name == name:
            return candidate
    return None


def _routes_of(method: descriptor.MethodDescriptor) -> list[Route]:
    options = method.GetOptions()
    if not options.HasExtension(annotations_pb2.http):
        return []
    rule: http_pb2.HttpRule = options.Extensions[annotations_pb2.http]
    if method.client_streaming:
        # Client streams would need a streamed request body; no Clarion RPC has one.
        logger.warning("not serving client-streaming %s over REST", method.full_name)
        return []
    rules = [rule, *rule.additional_bindings]
    return [build_route(method, r, index) for index, r in enumerate(rules)]


def build_route(
    method: descriptor.MethodDescriptor, rule: http_pb2.HttpRule, index: int = 0
) -> Route:
    """The route of one HTTP rule of `method`; `RouteError` when it cannot be served."""
    pattern = rule.WhichOneof("pattern")
    if pattern is None:
        raise RouteError(f"{method.full_name}: HTTP rule without a pattern")
    if pattern == "custom":
        http_method, path = rule.custom.kind.upper(), rule.custom.path
    elif pattern in _HTTP_METHODS:
        http_method, path = pattern.upper(), str(getattr(rule, pattern))
    else:
        raise RouteError(f"{method.full_name}: unsupported HTTP pattern {pattern!r}")
    try:
        template = parse_template(path)
    except ValueError as exc:
        raise RouteError(f"{method.full_name}: {exc}") from exc
    request = method.input_type
    for variable in template.variables:
        try:
            chain = resolve_field_path(request, variable.field_path)
        except KeyError as exc:
            raise RouteError(
                f"{method.full_name}: path variable {variable.field_path!r} names no field"
            ) from exc
        leaf = chain[-1]
        if leaf.message_type is not None or leaf.is_repeated:
            raise RouteError(
                f"{method.full_name}: path variable {variable.field_path!r} is not a scalar"
            )
    if rule.body not in ("", "*") and rule.body not in request.fields_by_name:
        raise RouteError(f"{method.full_name}: body {rule.body!r} names no field")
    if rule.response_body and rule.response_body not in method.output_type.fields_by_name:
        raise RouteError(f"{method.full_name}: response_body {rule.response_body!r} names no field")
    return Route(method, http_method, template, rule.body, rule.response_body, index)
