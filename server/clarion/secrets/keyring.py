"""The master key ring: the keys every other secret in Clarion is encrypted under.

A ring is an ordered set of 32-byte master keys, each with a short id. The first key is the
*primary*: everything new is sealed under it. The others stay so that records sealed before a
rotation can still be opened (and re-wrapped under the primary at leisure).

The ring comes from one of two places, both in the same text format:

- the environment variable `CLARION_MASTER_KEY`: `id:key` entries separated by commas, e.g.
  `k2:<base64url>,k1:<base64url>` (primary first). A single bare key (base64, base64url or
  hex of 32 bytes, without an id) is also accepted and gets the id `k1`;
- a key file, one `id:key` entry per line (blank lines and `#` comments ignored). The embedded
  default creates it on first start with mode 0600 (`MasterKeyRing.load_or_create`).

Key bytes never appear in `repr`, `str` or any error message this module raises.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final, NoReturn

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "DEFAULT_KEY_ID",
    "ENV_VAR",
    "KEY_SIZE",
    "MasterKeyError",
    "MasterKeyRing",
    "SecretError",
    "generate_entry",
]

ENV_VAR: Final = "CLARION_MASTER_KEY"
KEY_SIZE: Final = 32
DEFAULT_KEY_ID: Final = "k1"

# Ids are written into every sealed blob (one length byte), so they stay short and ASCII.
_KEY_ID_RE: Final = re.compile(r"[A-Za-z0-9._-]{1,32}", re.ASCII)
_HEX_KEY_RE: Final = re.compile(r"[0-9A-Fa-f]{64}", re.ASCII)
_B64_KEY_RE: Final = re.compile(r"[A-Za-z0-9+/_-]{43}=?", re.ASCII)

# HKDF needs no secret salt when the input key is already uniformly random; a fixed,
# Clarion-specific salt still separates our derivations from anyone else's use of the key.
_HKDF_SALT: Final = b"clarion master key ring v1"


class SecretError(Exception):
    """A secret could not be sealed or opened: wrong key, wrong associated data, or tampering.

    This is an internal failure (misconfiguration or corrupted data), never the caller's fault,
    so it is deliberately not a `ClarionError`: the API layer reports it as INTERNAL.
    """


class MasterKeyError(SecretError):
    """The master key configuration is unusable (malformed, missing, or insecurely stored)."""


def _decode_key(text: str) -> bytes | None:
    """Decode one key written as hex, base64 or base64url; None unless it is exactly 32 bytes."""
    if _HEX_KEY_RE.fullmatch(text):
        return bytes.fromhex(text)
    if _B64_KEY_RE.fullmatch(text):
        normalised = text.rstrip("=").replace("+", "-").replace("/", "_") + "="
        try:
            raw = base64.urlsafe_b64decode(normalised)
        except (binascii.Error, ValueError):
            return None
        return raw if len(raw) == KEY_SIZE else None
    return None


def _encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii")


def generate_entry(key_id: str = DEFAULT_KEY_ID) -> str:
    """Return a fresh `id:base64url` entry, ready to prepend to the ring when rotating."""
    if not _KEY_ID_RE.fullmatch(key_id):
        raise MasterKeyError(f"invalid master key id {key_id!r}: use 1-32 of [A-Za-z0-9._-]")
    return f"{key_id}:{_encode_key(secrets.token_bytes(KEY_SIZE))}"


def _parse_entries(text: str, source: str) -> list[tuple[str, bytes]]:
    """Parse the ring text format; errors name the entry by position, never by content."""
    entries: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        entries.extend(part.strip() for part in line.split(",") if part.strip())
    if not entries:
        raise MasterKeyError(f"{source} holds no master key")

    if len(entries) == 1 and ":" not in entries[0]:
        key = _decode_key(entries[0])
        if key is None:
            raise MasterKeyError(
                f"{source} is not a 32-byte key (expected hex, base64 or base64url, "
                "or comma-separated id:key entries)"
            )
        return [(DEFAULT_KEY_ID, key)]

    parsed: list[tuple[str, bytes]] = []
    for position, entry in enumerate(entries, start=1):
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not _KEY_ID_RE.fullmatch(key_id):
            raise MasterKeyError(
                f"entry {position} of {source} must be id:key with an id of 1-32 [A-Za-z0-9._-]"
            )
        key = _decode_key(encoded.strip())
        if key is None:
            raise MasterKeyError(
                f"entry {position} ({key_id}) of {source} is not a 32-byte key "
                "(expected hex, base64 or base64url)"
            )
        parsed.append((key_id, key))
    return parsed


class MasterKeyRing:
    """Ordered master keys; the first is the primary, the rest only open older records."""

    __slots__ = ("_keys", "_primary_id")

    _keys: dict[str, bytes]
    _primary_id: str

    def __init__(self, keys: Mapping[str, bytes] | Iterable[tuple[str, bytes]]) -> None:
        items: list[tuple[str, bytes]] = list(keys.items() if isinstance(keys, Mapping) else keys)
        if not items:
            raise MasterKeyError("a master key ring needs at least one key")
        ring: dict[str, bytes] = {}
        for key_id, key in items:
            if not _KEY_ID_RE.fullmatch(key_id):
                raise MasterKeyError(
                    f"invalid master key id {key_id!r}: use 1-32 of [A-Za-z0-9._-]"
                )
            if len(key) != KEY_SIZE:
                raise MasterKeyError(f"master key {key_id!r} must be {KEY_SIZE} bytes")
            if key_id in ring:
                raise MasterKeyError(f"master key id {key_id!r} appears twice")
            ring[key_id] = bytes(key)
        self._keys = ring
        self._primary_id = items[0][0]

    # --- construction ------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str, *, source: str = "the master key") -> MasterKeyRing:
        """Build a ring from the text format (env value or key file contents)."""
        return cls(_parse_entries(text, source))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MasterKeyRing | None:
        """The ring from `CLARION_MASTER_KEY`, or None when the variable is unset or empty."""
        value = (os.environ if environ is None else environ).get(ENV_VAR, "")
        if not value.strip():
            return None
        return cls.parse(value, source=ENV_VAR)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> MasterKeyRing:
        """Read a key file, refusing one that group or others may read or write."""
        path = Path(path)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            raise MasterKeyError(f"master key file {path} does not exist") from None
        except OSError as exc:
            raise MasterKeyError(f"cannot open master key file {path}: {exc.strerror}") from exc
        try:
            # fstat on the open descriptor: the mode we check is the mode of what we read.
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise MasterKeyError(f"master key file {path} is not a regular file")
            if info.st_mode & 0o077:
                raise MasterKeyError(
                    f"master key file {path} has mode {stat.S_IMODE(info.st_mode):04o}; "
                    "it must not be accessible by group or others (chmod 600)"
                )
            chunks: list[bytes] = []
            while chunk := os.read(fd, 65536):
                chunks.append(chunk)
        finally:
            os.close(fd)
        try:
            text = b"".join(chunks).decode("utf-8")
        except UnicodeDecodeError:
            raise MasterKeyError(f"master key file {path} is not UTF-8 text") from None
        return cls.parse(text, source=f"master key file {path}")

    @classmethod
    def load_or_create(cls, path: str | os.PathLike[str]) -> MasterKeyRing:
        """Read the key file, creating it with one fresh key (mode 0600) if it is missing.

        Creation uses O_CREAT|O_EXCL with the mode given at open time, so the key is never on
        disk with looser permissions, and two processes racing on first start agree on one key.
        """
        path = Path(path)
        if not path.exists():
            # The directory holds nothing but secrets; its mode is applied at creation too.
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            try:
                fd = os.open(
                    path,
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                    0o600,
                )
            except FileExistsError:
                pass  # another process won the race; read what it wrote
            else:
                cls._write_new_key(fd, path)
        return cls.from_file(path)

    @staticmethod
    def _write_new_key(fd: int, path: Path) -> None:
        content = (
            "# Clarion master key ring: id:base64url, primary first. Keep it secret and backed\n"
            "# up: without it no stored credential or device token can be decrypted.\n"
            f"{generate_entry(DEFAULT_KEY_ID)}\n"
        ).encode("ascii")
        try:
            view = memoryview(content)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            # A half-written key file would be read as a corrupt ring on the next start.
            path.unlink(missing_ok=True)
            raise
        os.close(fd)

    # --- use -----------------------------------------------------------------------------

    @property
    def primary_id(self) -> str:
        """Id of the key new records are sealed under."""
        return self._primary_id

    @property
    def key_ids(self) -> tuple[str, ...]:
        """All key ids, primary first."""
        return tuple(self._keys)

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._keys

    def key(self, key_id: str) -> bytes:
        """The raw master key with this id; `SecretError` if the ring does not hold it."""
        try:
            return self._keys[key_id]
        except KeyError:
            raise SecretError(
                f"master key {key_id!r} is not in the key ring (it holds {self.key_ids})"
            ) from None

    def derive(self, purpose: str, *, key_id: str | None = None, length: int = KEY_SIZE) -> bytes:
        """A subkey for one purpose, by HKDF-SHA256 from the primary (or the named) key.

        Different purposes give independent keys, so a subkey leaking (say, the device-token
        lookup key) reveals neither the master key nor any other subkey.
        """
        if not purpose:
            raise ValueError("purpose must not be empty")
        master = self.key(self._primary_id if key_id is None else key_id)
        hkdf = HKDF(
            algorithm=hashes.SHA256(),
            length=length,
            salt=_HKDF_SALT,
            info=purpose.encode("utf-8"),
        )
        return hkdf.derive(master)

    def __repr__(self) -> str:
        return f"MasterKeyRing(primary={self._primary_id!r}, key_ids={self.key_ids!r})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        # Pickling would copy key bytes into whatever stores the pickle (caches, task queues).
        raise TypeError("MasterKeyRing cannot be pickled")
