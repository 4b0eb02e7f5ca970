"""The OpenAPI 3.1 document, generated from the same descriptors as the routes.

Every route becomes an operation; message and enum types become component schemas named
by their full proto name; proto comments become summaries and descriptions;
`google.api.field_behavior` becomes `required`, `readOnly` (OUTPUT_ONLY) and `writeOnly`
(INPUT_ONLY). Every error response is a `google.rpc.Status`. JSON names are protobuf's
canonical (camelCase) ones, as the gateway emits them.

Path variables that span several segments (`{name=apps/*/devices/*}`) are expanded into
one OpenAPI parameter per `*` (`/v1/apps/{app}/devices/{device}`): an OpenAPI path
parameter is a single segment, and this is the URL a client actually sends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from google.api import field_behavior_pb2
from google.protobuf import descriptor
from google.rpc import status_pb2
from grpc_health.v1 import health_pb2

from clarion.gateway.comments import Comments
from clarion.gateway.routes import Route, RouteTable
from clarion.gateway.streaming import NDJSON, SSE
from clarion.gateway.templates import PathTemplate, SegmentKind, Variable
from clarion.gateway.transcode import UPDATE_MASK_FIELD, derives_update_mask, has_text_form

__all__ = ["OPENAPI_VERSION", "build_openapi"]

OPENAPI_VERSION = "3.1.0"

_FD = descriptor.FieldDescriptor
_STATUS = status_pb2.Status.DESCRIPTOR.full_name
_ANY = "google.protobuf.Any"
_QUERY_DEPTH = 3

# Descriptions of the two error-model types, whose protos are not in the descriptor set.
_STATUS_DESCRIPTION = (
    "The error model of every failure (`google.rpc.Status`): a gRPC code, a developer-facing "
    "message, and details such as google.rpc.ErrorInfo (a stable `reason`), "
    "google.rpc.BadRequest (field violations) and google.rpc.RetryInfo."
)
_ANY_DESCRIPTION = "A message of any type, named by its `@type` URL, with that type's fields."

_WELL_KNOWN: dict[str, dict[str, Any]] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {
        "type": "string",
        "pattern": r"^-?[0-9]+(\.[0-9]{1,9})?s$",
        "examples": ["3600s", "0.5s"],
    },
    "google.protobuf.FieldMask": {
        "type": "string",
        "description": "Comma-separated field paths, in camelCase.",
    },
    "google.protobuf.Struct": {"type": "object"},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array", "items": {}},
    "google.protobuf.Empty": {"type": "object"},
}

_SCALARS: dict[int, dict[str, Any]] = {
    _FD.TYPE_DOUBLE: {"type": "number", "format": "double"},
    _FD.TYPE_FLOAT: {"type": "number", "format": "float"},
    _FD.TYPE_INT32: {"type": "integer", "format": "int32"},
    _FD.TYPE_SINT32: {"type": "integer", "format": "int32"},
    _FD.TYPE_SFIXED32: {"type": "integer", "format": "int32"},
    _FD.TYPE_UINT32: {"type": "integer", "format": "uint32", "minimum": 0},
    _FD.TYPE_FIXED32: {"type": "integer", "format": "uint32", "minimum": 0},
    # 64-bit integers are JSON strings in protobuf's mapping (numbers are accepted too).
    _FD.TYPE_INT64: {"type": "string", "format": "int64"},
    _FD.TYPE_SINT64: {"type": "string", "format": "int64"},
    _FD.TYPE_SFIXED64: {"type": "string", "format": "int64"},
    _FD.TYPE_UINT64: {"type": "string", "format": "uint64"},
    _FD.TYPE_FIXED64: {"type": "string", "format": "uint64"},
    _FD.TYPE_BOOL: {"type": "boolean"},
    _FD.TYPE_STRING: {"type": "string"},
    _FD.TYPE_BYTES: {"type": "string", "format": "byte", "contentEncoding": "base64"},
}


def build_openapi(
    routes: RouteTable,
    comments: Comments,
    *,
    title: str = "Clarion API",
    version: str = "v1",
) -> dict[str, Any]:
    """The OpenAPI document for every route of the table."""
    schemas = _Schemas(comments)
    paths: dict[str, dict[str, Any]] = {}
    services: dict[str, descriptor.ServiceDescriptor] = {}
    for route in routes.routes:
        service = route.method.containing_service
        services.setdefault(service.full_name, service)
        path, path_parameters = _openapi_path(route, comments)
        operation = _operation(route, path_parameters, schemas, comments)
        paths.setdefault(path, {})[route.http_method.lower()] = operation
    paths["/healthz"] = {"get": _health_operation()}
    schemas.message(status_pb2.Status.DESCRIPTOR)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": title,
            "version": version,
            "description": (
                "REST/JSON view of the Clarion gRPC API, generated from the protos' "
                "google.api.http annotations. JSON follows protobuf's canonical mapping "
                "(camelCase names; proto names are accepted too). Server streams are "
                "newline-delimited JSON, or Server-Sent Events with "
                "`Accept: text/event-stream`."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": service.name, "description": comments[full_name]}
            for full_name, service in services.items()
        ],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A Clarion API key: `Authorization: Bearer <secret>`.",
                }
            },
            "responses": {"Error": _error_response()},
            "schemas": dict(sorted(schemas.components.items())),
        },
    }


def _error_response() -> dict[str, Any]:
    return {
        "description": "The call failed; the body is a google.rpc.Status.",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait, on 429 and 503 when the server says.",
                "schema": {"type": "integer"},
            },
            "WWW-Authenticate": {
                "description": "`Bearer`, on 401.",
                "schema": {"type": "string"},
            },
        },
        "content": {"application/json": {"schema": _ref(_STATUS)}},
    }


def _health_operation() -> dict[str, Any]:
    health = {
        "type": "object",
        "properties": {
            "status": {
                "type": "string",
                "enum": list(health_pb2.HealthCheckResponse.ServingStatus.keys()),
            }
        },
        "required": ["status"],
    }
    return {
        "operationId": "Gateway_Health",
        "tags": ["Gateway"],
        "summary": "The upstream gRPC server's health.",
        "security": [],
        "parameters": [
            {
                "name": "service",
                "in": "query",
                "description": "A service name; empty asks about the server as a whole.",
                "schema": {"type": "string"},
            }
        ],
        "responses": {
            "200": {
                "description": "Serving.",
                "content": {"application/json": {"schema": health}},
            },
            "404": {
                "description": "The server does not know that service.",
                "content": {"application/json": {"schema": _ref(_STATUS)}},
            },
            "503": {
                "description": (
                    'Not serving (`{"status": "NOT_SERVING"}`), or unreachable (a Status).'
                ),
                "content": {"application/json": {"schema": {"anyOf": [health, _ref(_STATUS)]}}},
            },
        },
    }


def _ref(full_name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{full_name}"}


def _behaviors(field: descriptor.FieldDescriptor) -> set[int]:
    return set(field.GetOptions().Extensions[field_behavior_pb2.field_behavior])


def _summary(comment: str) -> str:
    first = comment.split("\n\n", 1)[0].replace("\n", " ")
    match = re.match(r"(.+?\.)(\s|$)", first)
    return match.group(1) if match else first


class _Schemas:
    """Component schemas, added as the operations reach their types."""

    def __init__(self, comments: Comments) -> None:
        self.comments = comments
        self.components: dict[str, dict[str, Any]] = {}

    def message(self, message: descriptor.Descriptor) -> dict[str, Any]:
        """A schema for a message type: inline for well-known types, a `$ref` otherwise."""
        name = message.full_name
        if name in _WELL_KNOWN:
            return dict(_WELL_KNOWN[name])
        if (
            name.startswith("google.protobuf.")
            and name.endswith("Value")
            and "value" in (message.fields_by_name)
        ):
            wrapped = self._single(message.fields_by_name["value"])
            wrapped["type"] = [wrapped.get("type", "string"), "null"]
            return wrapped
        if name not in self.components:
            self.components[name] = {}  # placeholder: recursive types end here
            self.components[name] = self._object(message)
        return _ref(name)

    def enum(self, enum: descriptor.EnumDescriptor) -> dict[str, Any]:
        """A `$ref` to a string enum schema whose description lists each value's comment."""
        name = enum.full_name
        if name not in self.components:
            lines = [self.comments[name]] if self.comments[name] else []
            for value in enum.values:
                comment = self.comments[f"{name}.{value.name}"]
                lines.append(f"- `{value.name}`" + (f": {comment}" if comment else ""))
            self.components[name] = {
                "type": "string",
                "enum": [value.name for value in enum.values],
                "description": "\n".join(lines),
            }
        return _ref(name)

    def _object(
        self, message: descriptor.Descriptor, exclude: Iterable[str] = ()
    ) -> dict[str, Any]:
        if message.full_name == _ANY:
            return {
                "type": "object",
                "description": _ANY_DESCRIPTION,
                "properties": {"@type": {"type": "string"}},
                "required": ["@type"],
                "additionalProperties": True,
            }
        skipped = set(exclude)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in message.fields:
            if field.name in skipped:
                continue
            properties[field.json_name] = self.field(field)
            if field_behavior_pb2.REQUIRED in _behaviors(field):
                required.append(field.json_name)
        schema: dict[str, Any] = {"type": "object"}
        description = self._message_description(message)
        if description:
            schema["description"] = description
        schema["properties"] = properties
        if required:
            schema["required"] = required
        return schema

    def body(self, message: descriptor.Descriptor, exclude: Iterable[str]) -> dict[str, Any]:
        """The inline schema of a `body: "*"` request: the message minus path-bound fields."""
        return self._object(message, exclude)

    def patch_body(self, message: descriptor.Descriptor, description: str) -> dict[str, Any]:
        """The inline schema of a PATCH body: the message with none of its fields required.

        A field the resource requires at creation is not required in an update, where only
        the fields named by the mask (or, without one, present in the body) change; sending
        one that cannot change (a device's `provider`) is refused, so the shared component
        with its `required` list would mislead.
        """
        schema = self._object(message)
        schema.pop("required", None)
        note = (
            "Only the fields to change. Without an `updateMask` query parameter the mask is "
            "the body's top-level fields."
        )
        schema["description"] = "\n\n".join(p for p in (description, note) if p)
        return schema

    def _message_description(self, message: descriptor.Descriptor) -> str:
        if message.full_name == _STATUS:
            parts = [_STATUS_DESCRIPTION]
        else:
            parts = [self.comments[message.full_name]] if self.comments[message.full_name] else []
        for oneof in message.oneofs:
            if len(oneof.fields) > 1 and not oneof.name.startswith("_"):
                names = ", ".join(f"`{f.json_name}`" for f in oneof.fields)
                parts.append(f"At most one of {names} is set.")
        return "\n\n".join(parts)

    def field(self, field: descriptor.FieldDescriptor) -> dict[str, Any]:
        """The schema of one field, with its comment and field behaviour."""
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            schema: dict[str, Any] = {
                "type": "object",
                "additionalProperties": self._single(value_field),
            }
        elif field.is_repeated:
            schema = {"type": "array", "items": self._single(field)}
        else:
            schema = self._single(field)
        comment = self.comments[field.full_name]
        if comment:
            schema["description"] = comment
        behaviors = _behaviors(field)
        if field_behavior_pb2.OUTPUT_ONLY in behaviors:
            schema["readOnly"] = True
        if field_behavior_pb2.INPUT_ONLY in behaviors:
            schema["writeOnly"] = True
        if field.GetOptions().deprecated:
            schema["deprecated"] = True
        return schema

    def _single(self, field: descriptor.FieldDescriptor) -> dict[str, Any]:
        if field.message_type is not None:
            return self.message(field.message_type)
        if field.enum_type is not None:
            if field.enum_type.full_name == "google.protobuf.NullValue":
                return {"type": "null"}
            return self.enum(field.enum_type)
        return dict(_SCALARS[field.type])


def _openapi_path(route: Route, comments: Comments) -> tuple[str, list[dict[str, Any]]]:
    """The OpenAPI path of a route and its path parameters (one per `*`)."""
    template = route.template
    parts: list[str] = []
    parameters: list[dict[str, Any]] = []
    taken: set[str] = set()
    by_start = {v.start: v for v in template.variables}
    index = 0
    while index < len(template.segments):
        variable = by_start.get(index)
        if variable is None:
            parts.append(str(template.segments[index]))
            index += 1
            continue
        parts.extend(_expand_variable(route, template, variable, comments, taken, parameters))
        index = variable.end
    path = "/" + "/".join(parts)
    if template.verb:
        path += f":{template.verb}"
    return path, parameters


def _expand_variable(
    route: Route,
    template: PathTemplate,
    variable: Variable,
    comments: Comments,
    taken: set[str],
    parameters: list[dict[str, Any]],
) -> list[str]:
    """The OpenAPI path parts of one variable; its parameters are appended to `parameters`.

    A `*` after a literal is named for it (`apps/*` gives `{app}`); a variable that is a
    single `*` keeps its field's name.
    """
    segments = template.segments[variable.start : variable.end]
    field = _leaf(route.method.input_type, variable.field_path)
    json_path = _json_path(route.method.input_type, variable.field_path)
    rendered: list[str] = []
    names: list[str] = []
    for position, segment in enumerate(segments):
        if segment.kind is SegmentKind.LITERAL:
            rendered.append(segment.literal)
            continue
        previous = segments[position - 1] if position else None
        if previous is not None and previous.kind is SegmentKind.LITERAL:
            base = _singular(previous.literal)
        else:
            base = json_path
        name, suffix = base, 2
        while name in taken:
            name, suffix = f"{base}{suffix}", suffix + 1
        taken.add(name)
        names.append(name)
        rendered.append(f"{{{name}}}")
    shape = "/".join(rendered)
    comment = comments[field.full_name]
    for name in names:
        text = f"Part of `{json_path}`, which is `{shape}`."
        if any(s.kind is SegmentKind.MULTI for s in segments):
            text += " May contain `/`."
        if comment:
            text += f" `{json_path}`: {comment}"
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "description": text,
                "schema": {"type": "string"},
            }
        )
    return rendered


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _leaf(message: descriptor.Descriptor, field_path: str) -> descriptor.FieldDescriptor:
    field: descriptor.FieldDescriptor | None = None
    current: descriptor.Descriptor | None = message
    for part in field_path.split("."):
        assert current is not None
        field = current.fields_by_name[part]
        current = field.message_type
    assert field is not None
    return field


def _json_path(message: descriptor.Descriptor, field_path: str) -> str:
    names: list[str] = []
    current: descriptor.Descriptor | None = message
    for part in field_path.split("."):
        assert current is not None
        field = current.fields_by_name[part]
        names.append(field.json_name)
        current = field.message_type
    return ".".join(names)


def _operation(
    route: Route,
    path_parameters: list[dict[str, Any]],
    schemas: _Schemas,
    comments: Comments,
) -> dict[str, Any]:
    method = route.method
    comment = comments[method.full_name]
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "tags": [method.containing_service.name],
    }
    if comment:
        operation["summary"] = _summary(comment)
        operation["description"] = comment
    parameters = list(path_parameters)
    if route.body != "*":
        bound = {tuple(p.split(".")) for p in route.path_fields}
        if route.body:
            bound.add((route.body,))
        parameters.extend(_query_parameters(method.input_type, schemas, bound, (), "", set()))
    if derives_update_mask(route):
        # The gateway fills a missing mask from the body's keys, so REST may leave it out.
        mask_name = method.input_type.fields_by_name[UPDATE_MASK_FIELD].json_name
        for parameter in parameters:
            if parameter["name"] == mask_name:
                parameter.pop("required", None)
    if parameters:
        operation["parameters"] = parameters
    if route.body:
        operation["requestBody"] = _request_body(route, schemas)
    operation["responses"] = {
        "200": _success_response(route, schemas),
        "default": {"$ref": "#/components/responses/Error"},
    }
    return operation


def _request_body(route: Route, schemas: _Schemas) -> dict[str, Any]:
    request = route.method.input_type
    if route.body == "*":
        top_bound = [p for p in route.path_fields if "." not in p]
        schema = schemas.body(request, top_bound)
        required = bool(schema.get("required"))
    else:
        field = request.fields_by_name[route.body]
        schema = schemas.field(field)
        required = field_behavior_pb2.REQUIRED in _behaviors(field)
        if derives_update_mask(route) and field.message_type is not None:
            schema = schemas.patch_body(field.message_type, schema.get("description", ""))
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _success_response(route: Route, schemas: _Schemas) -> dict[str, Any]:
    output = route.method.output_type
    if route.response_body:
        schema = schemas.field(output.fields_by_name[route.response_body])
    else:
        schema = schemas.message(output)
    if not route.server_streaming:
        return {"description": "OK", "content": {"application/json": {"schema": schema}}}
    return {
        "description": (
            'A stream. NDJSON: one `{"result": ...}` line per message and a last '
            '`{"error": Status}` line if the stream fails. SSE (`Accept: '
            "text/event-stream`): `data:` events holding the message, `id:` the cursor to "
            "resume after (sent back as `Last-Event-ID`), and a last `event: error`."
        ),
        "content": {
            NDJSON.content_type: {
                "schema": {
                    "type": "object",
                    "properties": {"result": schema, "error": _ref(_STATUS)},
                }
            },
            SSE.content_type: {"schema": {"type": "string"}},
        },
    }


def _query_parameters(
    message: descriptor.Descriptor,
    schemas: _Schemas,
    bound: set[tuple[str, ...]],
    prefix: tuple[str, ...],
    json_prefix: str,
    seen: set[str],
) -> list[dict[str, Any]]:
    """Query parameters for every field the body and the path leave unbound.

    Singular messages are flattened with dots (`a.b`); maps, repeated messages and
    recursive types cannot be query parameters and are left out.
    """
    parameters: list[dict[str, Any]] = []
    for field in message.fields:
        path = (*prefix, field.name)
        if any(path[: len(b)] == b for b in bound):
            continue
        name = f"{json_prefix}{field.json_name}"
        inner = field.message_type
        if inner is not None and inner.GetOptions().map_entry:
            continue
        if inner is not None and not has_text_form(inner):
            if field.is_repeated or inner.full_name in seen or len(prefix) + 1 >= _QUERY_DEPTH:
                continue
            if inner.full_name.startswith("google.protobuf."):
                continue  # Struct, Any, ...: no query form, and no fields to flatten into
            parameters.extend(
                _query_parameters(
                    inner, schemas, bound, path, f"{name}.", seen | {message.full_name}
                )
            )
            continue
        schema = schemas.field(field)
        description = schema.pop("description", "")
        parameter: dict[str, Any] = {"name": name, "in": "query", "schema": schema}
        if description:
            parameter["description"] = description
        if field_behavior_pb2.REQUIRED in _behaviors(field):
            parameter["required"] = True
        parameters.append(parameter)
    return parameters
