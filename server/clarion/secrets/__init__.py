"""Secrets at rest: the master key ring, credential envelopes and device-token encryption.

- `MasterKeyRing` holds the master keys (`CLARION_MASTER_KEY` or a 0600 key file).
- `Envelope` seals provider credentials, one data key per record (AES-256-GCM).
- `TokenCipher` encrypts device tokens cheaply and computes their keyed lookup hashes.

Failures raise `SecretError` (`MasterKeyError` for configuration problems). Nothing here ever
puts key material or plaintext into a message, `repr` or log line.
"""

from __future__ import annotations

from clarion.secrets.envelope import (
    Envelope,
    SealedSecret,
    associated_data,
    credential_aad,
    token_aad,
)
from clarion.secrets.keyring import MasterKeyError, MasterKeyRing, SecretError, generate_entry
from clarion.secrets.tokens import TokenCipher

__all__ = [
    "Envelope",
    "MasterKeyError",
    "MasterKeyRing",
    "SealedSecret",
    "SecretError",
    "TokenCipher",
    "associated_data",
    "credential_aad",
    "generate_entry",
    "token_aad",
]
