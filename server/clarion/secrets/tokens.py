"""Device-token encryption and lookup hashes: the hot path, so no per-row data key.

Device tokens are not as sensitive as provider credentials, but a database dump of them is
enough to spam every device, so they are stored encrypted. There are millions of rows, so
instead of an envelope per row each token is encrypted directly under a subkey derived (HKDF)
from a master key. Blob format, version 1:

    0x01 | key id length (1 byte) | key id (ASCII) | nonce (12 bytes) | ciphertext + 16-byte tag

The header is bound as associated data together with the caller's `aad`, so a blob copied to
another device row (another app or provider) does not decrypt.

With random 96-bit nonces one subkey should encrypt fewer than 2**32 tokens (NIST SP 800-38D);
rotate the primary master key well before that.

Unique and lookup indexes use `lookup_hash`, a keyed HMAC, so the database is never queried
with a plaintext token. The lookup key derives from the *primary* master key only: rotating
the primary changes every hash, so a rotation must re-hash all rows (decrypt with the old key,
which stays in the ring, and store `lookup_hash` again) before lookups work for old rows.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from clarion.secrets.envelope import NONCE_SIZE, TAG_SIZE, associated_data
from clarion.secrets.keyring import MasterKeyRing, SecretError

__all__ = ["ENCRYPTION_PURPOSE", "LOOKUP_PURPOSE", "TOKEN_FORMAT_VERSION", "TokenCipher"]

TOKEN_FORMAT_VERSION: Final = 1
ENCRYPTION_PURPOSE: Final = "clarion device-token encryption v1"
LOOKUP_PURPOSE: Final = "clarion device-token lookup v1"


class TokenCipher:
    """Encrypts device tokens and computes their keyed lookup hashes."""

    __slots__ = ("_ciphers", "_headers", "_lookup_key", "_primary_id")

    def __init__(self, ring: MasterKeyRing) -> None:
        # The ring never changes after start-up, so every subkey is derived once here and the
        # per-token cost is one AES-GCM call.
        self._primary_id = ring.primary_id
        self._ciphers = {
            key_id: AESGCM(ring.derive(ENCRYPTION_PURPOSE, key_id=key_id))
            for key_id in ring.key_ids
        }
        self._headers = {
            key_id: bytes((TOKEN_FORMAT_VERSION, len(key_id))) + key_id.encode("ascii")
            for key_id in ring.key_ids
        }
        self._lookup_key = ring.derive(LOOKUP_PURPOSE)

    def __repr__(self) -> str:
        return f"TokenCipher(primary={self._primary_id!r})"

    def encrypt(self, token: str, aad: bytes) -> bytes:
        """Encrypt a (normalised) token under the primary key's subkey, binding `aad`."""
        header = self._headers[self._primary_id]
        nonce = secrets.token_bytes(NONCE_SIZE)
        ciphertext = self._ciphers[self._primary_id].encrypt(
            nonce, token.encode("utf-8"), header + aad
        )
        return header + nonce + ciphertext

    def decrypt(self, blob: bytes, aad: bytes) -> str:
        """Decrypt a blob from `encrypt`; `SecretError` if the key is gone, `aad` differs or the
        blob was tampered with."""
        if len(blob) < 2 or blob[0] != TOKEN_FORMAT_VERSION:
            raise SecretError("encrypted token has an unknown format")
        header_end = 2 + blob[1]
        if blob[1] == 0 or len(blob) < header_end + NONCE_SIZE + TAG_SIZE:
            raise SecretError("encrypted token is truncated or malformed")
        try:
            key_id = blob[2:header_end].decode("ascii")
        except UnicodeDecodeError:
            raise SecretError("encrypted token has a malformed key id") from None
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise SecretError(f"token was encrypted under master key {key_id!r}, not in the ring")
        nonce = blob[header_end : header_end + NONCE_SIZE]
        try:
            plaintext = cipher.decrypt(
                nonce, blob[header_end + NONCE_SIZE :], blob[:header_end] + aad
            )
        except InvalidTag as exc:
            raise SecretError(
                "encrypted token does not open: tampered, or associated data differs"
            ) from exc
        return plaintext.decode("utf-8")

    def needs_reencrypt(self, blob: bytes) -> bool:
        """True when the blob is under a key other than the primary (a rotation leftover)."""
        return not blob.startswith(self._headers[self._primary_id])

    def lookup_hash(self, app_id: str, provider: str, token: str) -> bytes:
        """32-byte HMAC-SHA256 of (app, provider, token) for unique and lookup indexes.

        Keyed by a subkey of the primary master key: equal inputs give equal hashes for as long
        as the primary stays, and nobody without the key can test a guessed token against the
        table. Pass the token normalised (e.g. lowercase APNs hex), or equal tokens will differ.
        """
        message = associated_data(app_id, str(provider), token)
        return hmac.new(self._lookup_key, message, hashlib.sha256).digest()
