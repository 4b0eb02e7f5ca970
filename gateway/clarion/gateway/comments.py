"""Proto comments, read from the committed descriptor set, for the OpenAPI descriptions.

The generated `_pb2` modules carry no `SourceCodeInfo`, so the comments come from
`clarion_v1.binpb`, a `FileDescriptorSet` that `buf build` writes beside this module (see
docs/rest.md for the command). Only the comments are taken from it: the structure always
comes from the descriptors the gateway actually serves, and a set that no longer matches
them is reported as stale.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool

__all__ = [
    "DESCRIPTOR_SET_NAME",
    "Comments",
    "load_comments",
    "load_descriptor_set",
    "stale_files",
]

logger = logging.getLogger(__name__)

#: The descriptor set shipped in this package.
DESCRIPTOR_SET_NAME = "clarion_v1.binpb"

# Field numbers of the descriptor.proto elements that SourceCodeInfo paths walk through.
_FILE_MESSAGE, _FILE_ENUM, _FILE_SERVICE = 4, 5, 6
_MESSAGE_FIELD, _MESSAGE_NESTED, _MESSAGE_ENUM, _MESSAGE_ONEOF = 2, 3, 4, 8
_ENUM_VALUE = 2
_SERVICE_METHOD = 2


class Comments:
    """Leading comments by element: `pkg.Message`, `pkg.Message.field`, `pkg.Enum.VALUE`,
    `pkg.Service`, `pkg.Service.Method` (enum values are keyed under their enum, not
    under its scope as protobuf's own full names are, so two enums cannot collide)."""

    def __init__(self, by_name: Mapping[str, str] | None = None) -> None:
        self._by_name = dict(by_name or {})

    def __getitem__(self, name: str) -> str:
        return self._by_name.get(name, "")

    def __len__(self) -> int:
        return len(self._by_name)

    @classmethod
    def from_descriptor_set(cls, files: Iterable[descriptor_pb2.FileDescriptorProto]) -> Comments:
        """Collect the comments of every element of every file that has source info."""
        found: dict[str, str] = {}
        for file in files:
            by_path = {
                tuple(location.path): _clean(location.leading_comments)
                for location in file.source_code_info.location
                if location.leading_comments
            }
            if not by_path:
                continue
            prefix = f"{file.package}." if file.package else ""
            _walk_file(file, prefix, by_path, found)
        return cls(found)


def load_descriptor_set(path: Path | None = None) -> descriptor_pb2.FileDescriptorSet:
    """The descriptor set at `path`, or the one shipped in this package."""
    if path is not None:
        data = path.read_bytes()
    else:
        data = resources.files("clarion.gateway").joinpath(DESCRIPTOR_SET_NAME).read_bytes()
    return descriptor_pb2.FileDescriptorSet.FromString(data)


def load_comments(path: Path | None = None) -> Comments:
    """Comments from the descriptor set; empty (and logged) when there is none to read."""
    try:
        descriptor_set = load_descriptor_set(path)
    except (OSError, ValueError) as exc:
        logger.warning("no proto comments for the OpenAPI document: %s", exc)
        return Comments()
    stale = stale_files(descriptor_set)
    if stale:
        logger.warning(
            "%s is stale (%s differ from the generated stubs): regenerate it",
            DESCRIPTOR_SET_NAME,
            ", ".join(stale),
        )
    return Comments.from_descriptor_set(descriptor_set.file)


def stale_files(
    descriptor_set: descriptor_pb2.FileDescriptorSet,
    pool: descriptor_pool.DescriptorPool | None = None,
) -> list[str]:
    """Files of the set whose structure differs from the same file in `pool` (or is missing)."""
    pool = pool or descriptor_pool.Default()
    stale: list[str] = []
    for shipped in descriptor_set.file:
        without_comments = descriptor_pb2.FileDescriptorProto()
        without_comments.CopyFrom(shipped)
        without_comments.ClearField("source_code_info")
        served = descriptor_pb2.FileDescriptorProto()
        try:
            pool.FindFileByName(shipped.name).CopyToProto(served)
        except KeyError:
            stale.append(shipped.name)
            continue
        if served != without_comments:
            stale.append(shipped.name)
    return stale


def _clean(comment: str) -> str:
    # protoc keeps the space after `//` on every line; drop it and the trailing newline.
    lines = [line[1:] if line.startswith(" ") else line for line in comment.splitlines()]
    return "\n".join(line.rstrip() for line in lines).strip()


def _walk_file(
    file: descriptor_pb2.FileDescriptorProto,
    prefix: str,
    by_path: Mapping[tuple[int, ...], str],
    found: dict[str, str],
) -> None:
    for index, message in enumerate(file.message_type):
        _walk_message(message, f"{prefix}{message.name}", (_FILE_MESSAGE, index), by_path, found)
    for index, enum in enumerate(file.enum_type):
        _walk_enum(enum, f"{prefix}{enum.name}", (_FILE_ENUM, index), by_path, found)
    for index, service in enumerate(file.service):
        name = f"{prefix}{service.name}"
        path = (_FILE_SERVICE, index)
        _put(found, name, by_path.get(path))
        for method_index, method in enumerate(service.method):
            _put(
                found, f"{name}.{method.name}", by_path.get((*path, _SERVICE_METHOD, method_index))
            )


def _walk_message(
    message: descriptor_pb2.DescriptorProto,
    name: str,
    path: tuple[int, ...],
    by_path: Mapping[tuple[int, ...], str],
    found: dict[str, str],
) -> None:
    _put(found, name, by_path.get(path))
    for index, field in enumerate(message.field):
        _put(found, f"{name}.{field.name}", by_path.get((*path, _MESSAGE_FIELD, index)))
    for index, oneof in enumerate(message.oneof_decl):
        _put(found, f"{name}.{oneof.name}", by_path.get((*path, _MESSAGE_ONEOF, index)))
    for index, nested in enumerate(message.nested_type):
        nested_path = (*path, _MESSAGE_NESTED, index)
        _walk_message(nested, f"{name}.{nested.name}", nested_path, by_path, found)
    for index, enum in enumerate(message.enum_type):
        _walk_enum(enum, f"{name}.{enum.name}", (*path, _MESSAGE_ENUM, index), by_path, found)


def _walk_enum(
    enum: descriptor_pb2.EnumDescriptorProto,
    name: str,
    path: tuple[int, ...],
    by_path: Mapping[tuple[int, ...], str],
    found: dict[str, str],
) -> None:
    _put(found, name, by_path.get(path))
    for index, value in enumerate(enum.value):
        _put(found, f"{name}.{value.name}", by_path.get((*path, _ENUM_VALUE, index)))


def _put(found: dict[str, str], name: str, comment: str | None) -> None:
    if comment:
        found[name] = comment
