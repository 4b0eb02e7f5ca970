"""Web Push message encryption: RFC 8291 over RFC 8188's `aes128gcm` content coding.

Every Web Push body is encrypted for one browser: an ephemeral P-256 key agreed (ECDH)
with the subscription's `p256dh`, mixed with its 16-byte `auth` secret, and the result
sealed with AES-128-GCM in one record. The derivation follows RFC 8291 section 3.4 step by
step with plain HMAC-SHA256 (HKDF with a single output block is exactly one HMAC), which
keeps each line checkable against the RFC and docs/providers.md.

`encrypt` accepts the ephemeral key and the salt so RFC 8291 appendix A can be reproduced
byte for byte; in production both are fresh for every message.
"""

from __future__ import annotations

import hmac
import os
import struct
from typing import Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "AUTH_SECRET_SIZE",
    "HEADER_SIZE",
    "MAX_BODY_SIZE",
    "MAX_PLAINTEXT_SIZE",
    "RECORD_SIZE",
    "SALT_SIZE",
    "encrypt",
]

SALT_SIZE: Final = 16
AUTH_SECRET_SIZE: Final = 16
_KEY_SIZE: Final = 65  # an uncompressed P-256 point: 0x04 || x || y
_TAG_SIZE: Final = 16
_DELIMITER: Final = b"\x02"  # RFC 8188: the last (here: only) record ends its plaintext with 2
# The record size written into the header; 4096 is what every library sends.
RECORD_SIZE: Final = 4096
# salt(16) | rs(4) | idlen(1) | keyid(65)
HEADER_SIZE: Final = SALT_SIZE + 4 + 1 + _KEY_SIZE
# RFC 8030 section 7.2: a push service must accept bodies of 4096 bytes; larger ones may get
# a 413. One record of 4096 bytes after the 86-byte header leaves 3993 bytes of plaintext.
MAX_BODY_SIZE: Final = 4096
MAX_PLAINTEXT_SIZE: Final = MAX_BODY_SIZE - HEADER_SIZE - len(_DELIMITER) - _TAG_SIZE

_KEY_INFO_PREFIX: Final = b"WebPush: info\x00"
_CEK_INFO: Final = b"Content-Encoding: aes128gcm\x00\x01"
_NONCE_INFO: Final = b"Content-Encoding: nonce\x00\x01"
_P256: Final = ec.SECP256R1()


def _hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.digest(key, message, "sha256")


def encrypt(
    plaintext: bytes,
    ua_public: bytes,
    auth_secret: bytes,
    *,
    as_private: ec.EllipticCurvePrivateKey | None = None,
    salt: bytes | None = None,
) -> bytes:
    """The `aes128gcm` body carrying `plaintext` to the browser that owns `ua_public`.

    `ua_public` is the subscription's `p256dh` (65 raw bytes), `auth_secret` its `auth`
    (16 raw bytes). `as_private` (the ephemeral key) and `salt` are generated when not
    given; pass them only to reproduce a test vector: reusing either leaks plaintext.
    No padding is added. Raises `ValueError` for a key that is not a P-256 point, an auth
    secret or salt of the wrong size, or a plaintext above `MAX_PLAINTEXT_SIZE`.
    """
    if len(plaintext) > MAX_PLAINTEXT_SIZE:
        raise ValueError(f"plaintext exceeds {MAX_PLAINTEXT_SIZE} bytes")
    if len(auth_secret) != AUTH_SECRET_SIZE:
        raise ValueError(f"the auth secret must be {AUTH_SECRET_SIZE} bytes")
    if len(ua_public) != _KEY_SIZE:
        raise ValueError("p256dh must be a 65-byte uncompressed P-256 point")
    if salt is None:
        salt = os.urandom(SALT_SIZE)
    elif len(salt) != SALT_SIZE:
        raise ValueError(f"the salt must be {SALT_SIZE} bytes")
    if as_private is None:
        as_private = ec.generate_private_key(_P256)
    # Raises ValueError when the bytes are not a point on the curve.
    ua_key = ec.EllipticCurvePublicKey.from_encoded_point(_P256, ua_public)
    as_public = as_private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    ecdh_secret = as_private.exchange(ec.ECDH(), ua_key)

    # RFC 8291 section 3.4: combine the shared secret with the auth secret ...
    prk_key = _hmac_sha256(auth_secret, ecdh_secret)
    ikm = _hmac_sha256(prk_key, _KEY_INFO_PREFIX + ua_public + as_public + b"\x01")
    # ... then RFC 8188 section 2.2/2.3: the content key and nonce from the salt.
    prk = _hmac_sha256(salt, ikm)
    cek = _hmac_sha256(prk, _CEK_INFO)[:16]
    nonce = _hmac_sha256(prk, _NONCE_INFO)[:12]

    # One record (sequence number 0, so the nonce is used as derived).
    ciphertext = AESGCM(cek).encrypt(nonce, plaintext + _DELIMITER, None)
    return salt + struct.pack("!IB", RECORD_SIZE, _KEY_SIZE) + as_public + ciphertext
