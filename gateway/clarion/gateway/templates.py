"""Path templates of `google.api.http` rules: parsing and matching.

The grammar is the one documented in `google/api/http.proto`::

    Template = "/" Segments [ Verb ] ;
    Segments = Segment { "/" Segment } ;
    Segment  = "*" | "**" | LITERAL | Variable ;
    Variable = "{" FieldPath [ "=" Segments ] "}" ;
    FieldPath = IDENT { "." IDENT } ;
    Verb     = ":" LITERAL ;

A template is parsed once, at start-up, into a flat list of segments plus the spans that
variables cover, so matching a request path is a walk over two lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import unquote

__all__ = [
    "PathTemplate",
    "Segment",
    "SegmentKind",
    "TemplateError",
    "Variable",
    "parse_template",
]

_ENCODED_SLASH = re.compile("%2F", re.IGNORECASE)
_FIELD_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class TemplateError(ValueError):
    """A `google.api.http` path template that does not follow the grammar."""


class SegmentKind(Enum):
    """What one path segment of a template accepts."""

    LITERAL = "literal"
    SINGLE = "*"
    MULTI = "**"


@dataclass(frozen=True, slots=True)
class Segment:
    """One `/`-separated segment of a template."""

    kind: SegmentKind
    literal: str = ""

    def __str__(self) -> str:
        return self.literal if self.kind is SegmentKind.LITERAL else self.kind.value


@dataclass(frozen=True, slots=True)
class Variable:
    """A `{field.path=...}` capture: segments `start` to `end` (exclusive) bind `field_path`."""

    field_path: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PathTemplate:
    """A parsed template; `match` turns a request path into field-path bindings."""

    source: str
    segments: tuple[Segment, ...]
    variables: tuple[Variable, ...]
    verb: str | None

    @property
    def literal_count(self) -> int:
        """How many literal segments the template has: the more, the more specific."""
        return sum(1 for s in self.segments if s.kind is SegmentKind.LITERAL)

    def variable_pattern(self, variable: Variable) -> str:
        """The segments a variable captures, as written (`apps/*/devices/*`)."""
        return "/".join(str(s) for s in self.segments[variable.start : variable.end])

    def match(self, raw_path: str) -> dict[str, str] | None:
        """Bindings of this template's variables for `raw_path`, or None when it does not match.

        `raw_path` is the path as sent (still percent-encoded): segments are split on `/`
        first and decoded one by one, except that an encoded slash stays `%2F`, so a value
        can never gain segments the template did not allow (grpc-gateway keeps reserved
        characters encoded the same way).
        """
        if not raw_path.startswith("/"):
            return None
        rest = raw_path[1:]
        if self.verb is not None:
            # The verb is what follows the last ':' of the last segment; a ':' earlier in the
            # path belongs to a segment's value.
            suffix = ":" + self.verb
            if not rest.endswith(suffix):
                return None
            rest = rest[: -len(suffix)]
            if rest.endswith("/"):
                return None
        parts = rest.split("/")
        spans = _match_segments(self.segments, parts)
        if spans is None:
            return None
        bindings: dict[str, str] = {}
        for variable in self.variables:
            first, last = spans[variable.start], spans[variable.end]
            bindings[variable.field_path] = "/".join(_decode(p) for p in parts[first:last])
        return bindings

    def __str__(self) -> str:
        return self.source


def _decode(segment: str) -> str:
    return "%2F".join(unquote(piece) for piece in _ENCODED_SLASH.split(segment))


def _match_segments(segments: tuple[Segment, ...], parts: list[str]) -> list[int] | None:
    """Positions in `parts` where each template segment starts (plus the end), or None.

    `**` takes as many parts as leave enough for the segments after it; the grammar allows
    it once, last in its variable, so no backtracking is needed.
    """
    starts: list[int] = []
    position = 0
    for index, segment in enumerate(segments):
        starts.append(position)
        if segment.kind is SegmentKind.MULTI:
            remaining = len(segments) - index - 1
            take = len(parts) - position - remaining
            if take < 0:
                return None
            position += take
            continue
        if position >= len(parts):
            return None
        part = parts[position]
        if segment.kind is SegmentKind.LITERAL:
            if unquote(part) != segment.literal:
                return None
        elif part == "":
            return None
        position += 1
    if position != len(parts):
        return None
    starts.append(position)
    return starts


def parse_template(source: str) -> PathTemplate:
    """Parse a `google.api.http` path template such as `/v1/{name=apps/*/devices/*}:cancel`."""
    if not source.startswith("/"):
        raise TemplateError(f"template {source!r} must start with '/'")
    body, verb = _split_verb(source)
    segments: list[Segment] = []
    variables: list[Variable] = []
    for token in _split_top_level(body[1:], source):
        if token.startswith("{"):
            if not token.endswith("}"):
                raise TemplateError(f"unterminated variable in {source!r}")
            field_path, _, pattern = token[1:-1].partition("=")
            if not _FIELD_PATH.match(field_path):
                raise TemplateError(f"bad field path {field_path!r} in {source!r}")
            if any(v.field_path == field_path for v in variables):
                raise TemplateError(f"field {field_path!r} bound twice in {source!r}")
            start = len(segments)
            inner = pattern.split("/") if pattern else ["*"]
            segments.extend(_plain_segment(s, source) for s in inner)
            variables.append(Variable(field_path, start, len(segments)))
        else:
            segments.append(_plain_segment(token, source))
    multi = [i for i, s in enumerate(segments) if s.kind is SegmentKind.MULTI]
    if len(multi) > 1:
        raise TemplateError(f"'**' may appear once in {source!r}")
    if multi and multi[0] != len(segments) - 1:
        raise TemplateError(f"'**' must be the last segment in {source!r}")
    return PathTemplate(source, tuple(segments), tuple(variables), verb)


def _split_verb(source: str) -> tuple[str, str | None]:
    """Split off `:verb`: the last ':' outside braces and after the last '/'."""
    depth = 0
    colon = -1
    for index, char in enumerate(source):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and char == "/":
            colon = -1
        elif depth == 0 and char == ":":
            colon = index
    if colon < 0:
        return source, None
    verb = source[colon + 1 :]
    if not verb or "/" in verb:
        raise TemplateError(f"bad verb in {source!r}")
    return source[:colon], verb


def _split_top_level(path: str, source: str) -> list[str]:
    """Split on '/' outside braces: a variable's inner segments stay in one token."""
    tokens: list[str] = []
    depth = 0
    current = ""
    for char in path:
        if char == "{":
            depth += 1
            if depth > 1:
                raise TemplateError(f"nested variable in {source!r}")
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise TemplateError(f"unbalanced '}}' in {source!r}")
        if char == "/" and depth == 0:
            tokens.append(current)
            current = ""
        else:
            current += char
    if depth:
        raise TemplateError(f"unterminated variable in {source!r}")
    tokens.append(current)
    return tokens


def _plain_segment(text: str, source: str) -> Segment:
    if text == SegmentKind.SINGLE.value:
        return Segment(SegmentKind.SINGLE)
    if text == SegmentKind.MULTI.value:
        return Segment(SegmentKind.MULTI)
    if not text or any(c in text for c in "{}*=:"):
        raise TemplateError(f"bad segment {text!r} in {source!r}")
    return Segment(SegmentKind.LITERAL, text)
