"""HTTP request → protobuf request, protobuf response → JSON, by grpc-gateway's rules.

A request message is built in a fixed order: the JSON body (the whole request for
`body: "*"`, one field otherwise), then the path variables (which win over the body), then
query parameters for the fields neither of them bound. JSON is protobuf's canonical
mapping through `google.protobuf.json_format`, so camelCase and proto names are both
accepted and unknown fields are refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from google.api import field_behavior_pb2
from google.protobuf import descriptor, json_format
from google.protobuf.message import Message

from clarion.gateway.errors import invalid_argument
from clarion.gateway.routes import Route, resolve_field_path

__all__ = [
    "UPDATE_MASK_FIELD",
    "build_request",
    "derive_update_mask",
    "derives_update_mask",
    "has_text_form",
    "message_to_json",
    "query_value_to_json",
]

#: The request field a PATCH's mask is derived into when the client sends none.
UPDATE_MASK_FIELD = "update_mask"

_FIELD_MASK = "google.protobuf.FieldMask"

# Well-known types whose JSON form is a single string (or number), so a query parameter
# can carry them whole.
_STRING_FORM_TYPES = frozenset(
    {"google.protobuf.Timestamp", "google.protobuf.Duration", _FIELD_MASK}
)
_WRAPPER_TYPES = frozenset(
    f"google.protobuf.{name}Value"
    for name in ("Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes")
)
_TRUE = frozenset({"true", "t", "1"})
_FALSE = frozenset({"false", "f", "0"})


def build_request(
    route: Route,
    *,
    body: bytes,
    path_bindings: Mapping[str, str],
    query: Iterable[tuple[str, str]],
) -> Message:
    """The request message for one HTTP request, or a `GatewayError` (400) saying why not."""
    request = route.request_class()
    body_keys = _apply_body(route, request, body)
    for field_path, value in path_bindings.items():
        # Templates were checked against the request type at start-up: the path resolves.
        chain = resolve_field_path(route.method.input_type, field_path)
        _set_path(request, chain, field_path, [value], source="path")
    _apply_query(route, request, query)
    derive_update_mask(route, request, body_keys)
    return request


def _apply_body(route: Route, request: Message, raw: bytes) -> list[str]:
    """Merge the JSON body into the request; returns the body object's top-level keys."""
    if not route.body:
        return []
    if not raw.strip():
        # An empty body is an empty object: grpc-gateway treats EOF the same way.
        return []
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise invalid_argument(f"malformed JSON body: {exc}", field="body") from exc
    try:
        if route.body == "*":
            if not isinstance(value, dict):
                raise invalid_argument("the JSON body must be an object", field="body")
            json_format.ParseDict(value, request)
        else:
            field = route.method.input_type.fields_by_name[route.body]
            if field.message_type is not None and not field.is_repeated:
                target = getattr(request, route.body)
                # Present even when the body is `{}`: the client did send the resource.
                target.SetInParent()
                json_format.ParseDict(value, target)
            else:
                json_format.ParseDict({field.name: value}, request)
    except json_format.ParseError as exc:
        raise invalid_argument(f"invalid JSON body: {exc}", field="body") from exc
    except (TypeError, AttributeError) as exc:
        # json_format reports some shape mismatches (a list where an object belongs) this
        # way instead of as ParseError.
        raise invalid_argument(f"invalid JSON body: {exc}", field="body") from exc
    return list(value) if isinstance(value, dict) else []


def _apply_query(route: Route, request: Message, query: Iterable[tuple[str, str]]) -> None:
    grouped: dict[str, list[str]] = {}
    for key, value in query:
        grouped.setdefault(key, []).append(value)
    bound = _bound_paths(route)
    for key, values in grouped.items():
        try:
            chain = resolve_field_path(route.method.input_type, key)
        except KeyError:
            raise invalid_argument(f"unknown query parameter {key!r}", field=key) from None
        proto_path = tuple(f.name for f in chain)
        if any(proto_path[: len(b)] == b for b in bound):
            # Already set from the body or the path: those win, the query is ignored.
            continue
        _set_path(request, chain, key, values, source="query")


def _bound_paths(route: Route) -> list[tuple[str, ...]]:
    """Field paths (proto names) that the body or the path already bound."""
    if route.body == "*":
        return [()]
    bound = [tuple(path.split(".")) for path in route.path_fields]
    if route.body:
        bound.append((route.body,))
    return bound


def _set_path(
    request: Message,
    chain: list[descriptor.FieldDescriptor],
    key: str,
    values: list[str],
    *,
    source: str,
) -> None:
    """Set the field `chain` leads to (named `key` by the client) from its text values."""
    parent = request
    for step in chain[:-1]:
        if step.is_repeated:
            raise invalid_argument(
                f"{source} parameter {key!r} goes through the repeated field {step.name!r}",
                field=key,
            )
        parent = getattr(parent, step.name)
    leaf = chain[-1]
    if leaf.message_type is not None and leaf.message_type.GetOptions().map_entry:
        raise invalid_argument(f"map field {key!r} cannot be a {source} parameter", field=key)
    if not leaf.is_repeated and len(values) > 1:
        raise invalid_argument(f"{source} parameter {key!r} given more than once", field=key)
    try:
        converted = [query_value_to_json(leaf, v) for v in values]
        json_format.ParseDict({leaf.name: converted if leaf.is_repeated else converted[0]}, parent)
    except (ValueError, json_format.ParseError) as exc:
        raise invalid_argument(f"invalid {source} parameter {key!r}: {exc}", field=key) from exc


def has_text_form(message: descriptor.Descriptor) -> bool:
    """Whether a message type can be written as one path or query value (`2024-05-01T...`)."""
    return message.full_name in _STRING_FORM_TYPES or message.full_name in _WRAPPER_TYPES


def query_value_to_json(field: descriptor.FieldDescriptor, text: str) -> Any:
    """The JSON value standing for one textual (path or query) value of `field`.

    Most types parse from their JSON string form already (int64 as "12", enums by name or
    number, Timestamps and Durations as RFC 3339 / "3.5s"); booleans and wrappers need help.
    """
    if field.message_type is not None:
        name = field.message_type.full_name
        if name in _STRING_FORM_TYPES:
            return text
        if name in _WRAPPER_TYPES:
            return query_value_to_json(field.message_type.fields_by_name["value"], text)
        raise ValueError(f"{name} has no single-value form; set its fields with dots")
    if field.type == descriptor.FieldDescriptor.TYPE_BOOL:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"expected true or false, got {text!r}")
    return text


def derives_update_mask(route: Route) -> bool:
    """Whether a route fills a missing `update_mask` from its body (a PATCH of one field)."""
    if route.http_method != "PATCH" or route.body in ("", "*"):
        return False
    request_type = route.method.input_type
    mask_field = request_type.fields_by_name.get(UPDATE_MASK_FIELD)
    body_field = request_type.fields_by_name[route.body]
    return (
        mask_field is not None
        and mask_field.message_type is not None
        and mask_field.message_type.full_name == _FIELD_MASK
        and body_field.message_type is not None
        and not body_field.is_repeated
    )


def derive_update_mask(route: Route, request: Message, body_keys: Iterable[str]) -> None:
    """For a PATCH without a mask, set `update_mask` to the fields present in the body.

    Only the top level of the body field counts (a nested object replaces its whole field),
    and fields the path binds (the resource's `name`) are left out: they identify the
    resource, they are not an update.
    """
    if not derives_update_mask(route):
        return
    mask = getattr(request, UPDATE_MASK_FIELD)
    if mask.paths:
        return
    body_type = route.method.input_type.fields_by_name[route.body].message_type
    assert body_type is not None  # derives_update_mask checked it
    prefix = route.body + "."
    bound = {p[len(prefix) :] for p in route.path_fields if p.startswith(prefix)}
    for key in body_keys:
        try:
            field = resolve_field_path(body_type, key)[0]
        except KeyError:
            continue
        if field.name not in bound and field.name not in mask.paths:
            mask.paths.append(field.name)


def message_to_json(route: Route, message: Message) -> Any:
    """The JSON value of a response: the whole message, or its `response_body` field.

    Unpopulated fields are emitted (grpc-gateway's default), so a client sees `false`
    and `0` instead of a missing key. `INPUT_ONLY` fields are left out at every depth: they
    are documented `writeOnly`, and an empty `"token": ""` would suggest there is a value.
    """
    data = json_format.MessageToDict(message, always_print_fields_with_no_presence=True)
    _drop_input_only(route.method.output_type, data)
    if not route.response_body:
        return data
    field = route.method.output_type.fields_by_name[route.response_body]
    return data.get(field.json_name)


def _drop_input_only(message: descriptor.Descriptor, data: Any) -> None:
    """Remove `INPUT_ONLY` fields from the JSON of `message`, at every depth."""
    if not isinstance(data, dict) or not _reaches_input_only(message):
        return
    for field in message.fields:
        if field.json_name not in data:
            continue
        if _is_input_only(field):
            del data[field.json_name]
            continue
        inner = field.message_type
        if inner is None:
            continue
        value = data[field.json_name]
        if inner.GetOptions().map_entry:
            value_type = inner.fields_by_name["value"].message_type
            if value_type is not None and isinstance(value, dict):
                for item in value.values():
                    _drop_input_only(value_type, item)
        elif field.is_repeated and isinstance(value, list):
            for item in value:
                _drop_input_only(inner, item)
        else:
            _drop_input_only(inner, value)


def _is_input_only(field: descriptor.FieldDescriptor) -> bool:
    behaviors = field.GetOptions().Extensions[field_behavior_pb2.field_behavior]
    return field_behavior_pb2.INPUT_ONLY in behaviors


_REACHES_INPUT_ONLY: dict[str, bool] = {}


def _reaches_input_only(message: descriptor.Descriptor) -> bool:
    """Whether `message` or a message inside it has an `INPUT_ONLY` field (cached per type)."""
    known = _REACHES_INPUT_ONLY.get(message.full_name)
    if known is None:
        known = _REACHES_INPUT_ONLY[message.full_name] = _search_input_only(message, set())
    return known


def _search_input_only(message: descriptor.Descriptor, seen: set[str]) -> bool:
    # One depth-first search over every type reachable from the root: a type already seen
    # is being (or was) searched by this same walk, which is how recursive types end.
    if message.full_name in seen or message.full_name.startswith("google.protobuf."):
        return False
    seen.add(message.full_name)
    for field in message.fields:
        if _is_input_only(field):
            return True
        inner = field.message_type
        if inner is not None and inner.GetOptions().map_entry:
            inner = inner.fields_by_name["value"].message_type
        if inner is not None and _search_input_only(inner, seen):
            return True
    return False
