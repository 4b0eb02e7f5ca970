"""Envelope encryption of provider credentials (AES-256-GCM, one data key per record).

Each record gets its own random 32-byte data key (DEK). The plaintext is encrypted under the
DEK; the DEK is encrypted ("wrapped") under the primary master key. Both encryptions bind the
caller's associated data (the credential's app and provider), and the wrap also binds the
master key id, so a blob copied to another app's or provider's row does not open.

Rotating the master key therefore touches only the 60-byte wrapped DEK of each record
(`Envelope.rewrap`), never the ciphertext.

`SealedSecret.to_bytes()` is the one blob the store keeps. Format, version 1:

    0x01 | key id length (1 byte) | key id (ASCII) | wrapped DEK (60 bytes) | nonce (12 bytes)
         | ciphertext with its 16-byte GCM tag

where the wrapped DEK is its own 12-byte nonce, the 32 encrypted key bytes and their tag.
"""

from __future__ import annotations

import secrets
import struct
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from clarion.secrets.keyring import KEY_SIZE, MasterKeyRing, SecretError

__all__ = ["FORMAT_VERSION", "Envelope", "SealedSecret", "associated_data"]

FORMAT_VERSION: Final = 1
NONCE_SIZE: Final = 12
TAG_SIZE: Final = 16
WRAPPED_KEY_SIZE: Final = NONCE_SIZE + KEY_SIZE + TAG_SIZE

# Distinct labels keep a wrapped DEK from ever being accepted as a data ciphertext or
# the other way round, even though both use AES-GCM with related inputs.
_WRAP_LABEL: Final = b"clarion envelope dek v1"
_DATA_LABEL: Final = b"clarion envelope data v1"


def associated_data(*parts: str | bytes) -> bytes:
    """Encode parts unambiguously (4-byte length prefix each) for use as associated data.

    Plain concatenation would let ("ab", "c") and ("a", "bc") collide; with the lengths bound,
    a credential sealed for one (app, provider) pair can only be opened for exactly that pair.
    """
    out = bytearray()
    for part in parts:
        raw = part.encode("utf-8") if isinstance(part, str) else part
        out += struct.pack(">I", len(raw))
        out += raw
    return bytes(out)


@dataclass(frozen=True, slots=True)
class SealedSecret:
    """One sealed record: the wrapped DEK (and which master key wrapped it) plus the ciphertext."""

    key_id: str
    wrapped_key: bytes
    nonce: bytes
    ciphertext: bytes

    def __repr__(self) -> str:
        # Ciphertext is not secret, but it is bulky and useless in logs.
        return f"SealedSecret(key_id={self.key_id!r}, ciphertext={len(self.ciphertext)} bytes)"

    def to_bytes(self) -> bytes:
        """The compact, versioned blob the store keeps in one column."""
        key_id = self.key_id.encode("ascii")
        return b"".join(
            (
                bytes((FORMAT_VERSION, len(key_id))),
                key_id,
                self.wrapped_key,
                self.nonce,
                self.ciphertext,
            )
        )

    @classmethod
    def from_bytes(cls, blob: bytes) -> SealedSecret:
        """Parse a blob written by `to_bytes`; `SecretError` if it is not one."""
        if len(blob) < 2:
            raise SecretError("sealed secret is truncated")
        if blob[0] != FORMAT_VERSION:
            raise SecretError(f"unknown sealed secret format version {blob[0]}")
        id_end = 2 + blob[1]
        key_end = id_end + WRAPPED_KEY_SIZE
        nonce_end = key_end + NONCE_SIZE
        if blob[1] == 0 or len(blob) < nonce_end + TAG_SIZE:
            raise SecretError("sealed secret is truncated or malformed")
        try:
            key_id = blob[2:id_end].decode("ascii")
        except UnicodeDecodeError:
            raise SecretError("sealed secret has a malformed key id") from None
        return cls(
            key_id=key_id,
            wrapped_key=blob[id_end:key_end],
            nonce=blob[key_end:nonce_end],
            ciphertext=blob[nonce_end:],
        )


class Envelope:
    """Seals and opens credential secrets under a master key ring."""

    __slots__ = ("_ring",)

    def __init__(self, ring: MasterKeyRing) -> None:
        self._ring = ring

    def __repr__(self) -> str:
        return f"Envelope({self._ring!r})"

    @property
    def ring(self) -> MasterKeyRing:
        """The key ring this envelope seals under."""
        return self._ring

    def seal(self, plaintext: bytes, aad: bytes) -> SealedSecret:
        """Encrypt under a fresh DEK, wrapped by the primary master key; `aad` is bound to both."""
        dek = AESGCM.generate_key(bit_length=KEY_SIZE * 8)
        nonce = secrets.token_bytes(NONCE_SIZE)
        ciphertext = AESGCM(dek).encrypt(nonce, plaintext, associated_data(_DATA_LABEL, aad))
        key_id = self._ring.primary_id
        return SealedSecret(
            key_id=key_id,
            wrapped_key=self._wrap(dek, key_id, aad),
            nonce=nonce,
            ciphertext=ciphertext,
        )

    def open(self, sealed: SealedSecret | bytes, aad: bytes) -> bytes:
        """Decrypt a sealed secret; `SecretError` on a wrong `aad`, unknown key or tampering."""
        if isinstance(sealed, bytes):
            sealed = SealedSecret.from_bytes(sealed)
        dek = self._unwrap(sealed, aad)
        if len(sealed.nonce) != NONCE_SIZE:
            raise SecretError("sealed secret has a malformed nonce")
        try:
            return AESGCM(dek).decrypt(
                sealed.nonce, sealed.ciphertext, associated_data(_DATA_LABEL, aad)
            )
        except InvalidTag as exc:
            raise SecretError(
                "sealed secret does not open: ciphertext tampered or associated data differs"
            ) from exc

    def needs_rewrap(self, sealed: SealedSecret) -> bool:
        """True when the record is wrapped under a key other than the current primary."""
        return sealed.key_id != self._ring.primary_id

    def rewrap(self, sealed: SealedSecret | bytes, aad: bytes) -> SealedSecret:
        """Re-wrap the record's DEK under the current primary; the ciphertext is untouched.

        The old wrap is verified first (with `aad`), so a rotation job never re-blesses a blob
        that would not open. A record already under the primary is returned unchanged.
        """
        if isinstance(sealed, bytes):
            sealed = SealedSecret.from_bytes(sealed)
        dek = self._unwrap(sealed, aad)
        primary = self._ring.primary_id
        if sealed.key_id == primary:
            return sealed
        return SealedSecret(
            key_id=primary,
            wrapped_key=self._wrap(dek, primary, aad),
            nonce=sealed.nonce,
            ciphertext=sealed.ciphertext,
        )

    def _wrap(self, dek: bytes, key_id: str, aad: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_SIZE)
        master = AESGCM(self._ring.key(key_id))
        return nonce + master.encrypt(nonce, dek, associated_data(_WRAP_LABEL, key_id, aad))

    def _unwrap(self, sealed: SealedSecret, aad: bytes) -> bytes:
        if len(sealed.wrapped_key) != WRAPPED_KEY_SIZE:
            raise SecretError("sealed secret has a malformed wrapped key")
        master = AESGCM(self._ring.key(sealed.key_id))
        nonce, wrapped = sealed.wrapped_key[:NONCE_SIZE], sealed.wrapped_key[NONCE_SIZE:]
        try:
            return master.decrypt(nonce, wrapped, associated_data(_WRAP_LABEL, sealed.key_id, aad))
        except InvalidTag as exc:
            raise SecretError(
                f"data key wrapped under master key {sealed.key_id!r} does not open: "
                "associated data differs (another app or provider?) or the blob was tampered"
            ) from exc


def token_aad(app_id: str, provider: str) -> bytes:
    """Associated data binding a device token's ciphertext to its app and provider."""
    return associated_data("device-token", app_id, str(provider))


def credential_aad(app_id: str, provider: str) -> bytes:
    """Associated data binding a sealed credential to its app and provider."""
    return associated_data("credential", app_id, str(provider))
