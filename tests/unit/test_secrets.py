"""The master key ring, credential envelopes and device-token encryption."""

from __future__ import annotations

import base64
import os
import pickle
import stat
from pathlib import Path

import pytest

from clarion.secrets import (
    Envelope,
    MasterKeyError,
    MasterKeyRing,
    SealedSecret,
    SecretError,
    TokenCipher,
    associated_data,
    generate_entry,
)

KEY_A = bytes(range(32))
KEY_B = bytes(range(100, 132))
AAD = associated_data("app-1", "apns")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def ring(*keys: tuple[str, bytes]) -> MasterKeyRing:
    return MasterKeyRing(keys or [("k1", KEY_A)])


def key_texts(key: bytes) -> list[str]:
    """Every way a key could leak into text."""
    return [
        key.hex(),
        b64url(key),
        base64.b64encode(key).decode(),
        repr(key),
    ]


# --- ring: parsing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        KEY_A.hex(),
        KEY_A.hex().upper(),
        b64url(KEY_A),
        base64.urlsafe_b64encode(KEY_A).decode(),
        base64.b64encode(KEY_A).decode(),
        f"  {b64url(KEY_A)}\n",
    ],
    ids=["hex", "HEX", "base64url", "base64url-padded", "base64", "whitespace"],
)
def test_bare_env_key_means_k1(value: str) -> None:
    parsed = MasterKeyRing.from_env({"CLARION_MASTER_KEY": value})
    assert parsed is not None
    assert parsed.key_ids == ("k1",)
    assert parsed.key("k1") == KEY_A


def test_env_entries_are_ordered_primary_first() -> None:
    value = f"k2:{b64url(KEY_B)}, k1:{KEY_A.hex()}"
    parsed = MasterKeyRing.from_env({"CLARION_MASTER_KEY": value})
    assert parsed is not None
    assert parsed.primary_id == "k2"
    assert parsed.key_ids == ("k2", "k1")
    assert parsed.key("k1") == KEY_A


@pytest.mark.parametrize("value", ["", "   "])
def test_unset_env_gives_no_ring(value: str) -> None:
    assert MasterKeyRing.from_env({}) is None
    assert MasterKeyRing.from_env({"CLARION_MASTER_KEY": value}) is None


def test_from_env_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLARION_MASTER_KEY", f"main:{b64url(KEY_B)}")
    parsed = MasterKeyRing.from_env()
    assert parsed is not None
    assert parsed.primary_id == "main"


@pytest.mark.parametrize(
    "value",
    [
        b64url(KEY_A[:31]),
        KEY_A.hex()[:62],
        "not a key at all",
        f"k1:{b64url(KEY_A)},k1:{b64url(KEY_B)}",
        f"k1:{b64url(KEY_A)},{b64url(KEY_B)}",
        f"bad id:{b64url(KEY_A)}",
        f":{b64url(KEY_A)}",
        f"k1:{b64url(KEY_A + b'x')}",
        f"k1:{b64url(KEY_A)[:-1]}!",
        ",,,",
    ],
    ids=[
        "short-b64",
        "short-hex",
        "garbage",
        "duplicate-id",
        "missing-id",
        "space-in-id",
        "empty-id",
        "33-bytes",
        "bad-char",
        "only-commas",
    ],
)
def test_malformed_env_is_refused_without_echoing_keys(value: str) -> None:
    with pytest.raises(MasterKeyError) as info:
        MasterKeyRing.parse(value, source="CLARION_MASTER_KEY")
    text = str(info.value) + repr(info.value)
    for key in (KEY_A, KEY_B):
        for form in key_texts(key):
            assert form not in text
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__ or info.value.__context__ is None


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        ([], "at least one"),
        ([("k1", b"short")], "32 bytes"),
        ([("k/1", KEY_A)], "invalid master key id"),
        ([("k1", KEY_A), ("k1", KEY_B)], "twice"),
    ],
)
def test_ring_constructor_checks_keys(keys: list[tuple[str, bytes]], problem: str) -> None:
    with pytest.raises(MasterKeyError, match=problem):
        MasterKeyRing(keys)


def test_ring_never_shows_key_bytes() -> None:
    keys = ring(("new", KEY_B), ("old", KEY_A))
    for text in (repr(keys), str(keys), repr(Envelope(keys)), repr(TokenCipher(keys))):
        for key in (KEY_A, KEY_B):
            for form in key_texts(key):
                assert form not in text
    assert "new" in repr(keys)


def test_ring_refuses_pickling() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(ring())


def test_unknown_key_id_is_a_secret_error() -> None:
    with pytest.raises(SecretError, match="'gone' is not in the key ring"):
        ring().key("gone")


def test_generate_entry_round_trips() -> None:
    entry = generate_entry("k7")
    parsed = MasterKeyRing.parse(entry)
    assert parsed.key_ids == ("k7",)
    assert len(parsed.key("k7")) == 32
    assert generate_entry("k7") != entry


# --- ring: derivation --------------------------------------------------------------------


def test_derive_is_stable_and_separates_purposes() -> None:
    keys = ring(("k2", KEY_B), ("k1", KEY_A))
    first = keys.derive("purpose a")
    assert len(first) == 32
    assert first == keys.derive("purpose a")
    assert first != keys.derive("purpose b")
    assert first != KEY_B
    # The primary is the default source; another key can be named explicitly.
    assert first == keys.derive("purpose a", key_id="k2")
    assert first != keys.derive("purpose a", key_id="k1")


# --- ring: key file ----------------------------------------------------------------------


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_load_or_create_makes_a_private_key_file(tmp_path: Path) -> None:
    path = tmp_path / "state" / "secrets" / "master.key"
    created = MasterKeyRing.load_or_create(path)
    assert mode_of(path) == 0o600
    assert mode_of(path.parent) & 0o077 == 0
    assert created.key_ids == ("k1",)
    # A second start reads the same key back rather than minting another.
    again = MasterKeyRing.load_or_create(path)
    assert again.key("k1") == created.key("k1")


def test_load_or_create_is_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        MasterKeyRing.load_or_create(tmp_path / "new" / "master.key")
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "new" / "master.key") == 0o600
    assert mode_of(tmp_path / "new") == 0o700


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_key_file_readable_or_writable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "master.key"
    MasterKeyRing.load_or_create(path)
    path.chmod(mode)
    with pytest.raises(MasterKeyError, match="chmod 600"):
        MasterKeyRing.load_or_create(path)
    with pytest.raises(MasterKeyError, match=f"{mode:04o}"):
        MasterKeyRing.from_file(path)


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_owner_only_key_file_is_accepted(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "master.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, f"# rotated\n\nk2:{b64url(KEY_B)}\nk1:{KEY_A.hex()}  # old\n".encode())
    os.close(fd)
    path.chmod(mode)
    loaded = MasterKeyRing.from_file(path)
    assert loaded.key_ids == ("k2", "k1")
    assert loaded.key("k1") == KEY_A


def test_missing_key_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MasterKeyError, match="does not exist"):
        MasterKeyRing.from_file(tmp_path / "nope.key")


def test_bad_key_file_error_does_not_echo_its_contents(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, f"k1:{KEY_A.hex()[:-2]}".encode())
    os.close(fd)
    with pytest.raises(MasterKeyError) as info:
        MasterKeyRing.from_file(path)
    assert KEY_A.hex()[:-2] not in str(info.value)


# --- envelope --------------------------------------------------------------------------


@pytest.mark.parametrize("plaintext", [b"", b"x", b"-----BEGIN PRIVATE KEY-----\n" * 40])
def test_envelope_round_trip(plaintext: bytes) -> None:
    envelope = Envelope(ring())
    sealed = envelope.seal(plaintext, AAD)
    assert sealed.key_id == "k1"
    assert envelope.open(sealed, AAD) == plaintext
    blob = sealed.to_bytes()
    assert blob[0] == 1
    assert SealedSecret.from_bytes(blob) == sealed
    assert envelope.open(blob, AAD) == plaintext


def test_every_seal_uses_fresh_randomness() -> None:
    envelope = Envelope(ring())
    one, two = envelope.seal(b"same", AAD), envelope.seal(b"same", AAD)
    assert one.wrapped_key != two.wrapped_key
    assert one.nonce != two.nonce
    assert one.ciphertext != two.ciphertext


@pytest.mark.parametrize(
    "other_aad",
    [
        associated_data("app-2", "apns"),
        associated_data("app-1", "fcm"),
        associated_data("app-1a", "pns"),
        b"",
    ],
    ids=["other-app", "other-provider", "shifted-boundary", "empty"],
)
def test_envelope_refuses_other_associated_data(other_aad: bytes) -> None:
    envelope = Envelope(ring())
    sealed = envelope.seal(b"secret", AAD)
    with pytest.raises(SecretError) as info:
        envelope.open(sealed, other_aad)
    assert info.value.__cause__ is not None  # chained from cryptography's InvalidTag
    with pytest.raises(SecretError):
        envelope.rewrap(sealed, other_aad)


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


@pytest.mark.parametrize("index", [3, 10, 40, 61, 70, 80, -1])
def test_envelope_detects_tampering(index: int) -> None:
    envelope = Envelope(ring())
    blob = envelope.seal(b"a secret worth protecting", AAD).to_bytes()
    with pytest.raises(SecretError):
        envelope.open(flip(blob, index), AAD)


@pytest.mark.parametrize(
    "blob",
    [b"", b"\x01", b"\x02\x02k1" + bytes(100), b"\x01\x00" + bytes(100), b"\x01\x02k1" + bytes(10)],
    ids=["empty", "version-only", "future-version", "empty-key-id", "truncated"],
)
def test_malformed_blobs_are_secret_errors(blob: bytes) -> None:
    with pytest.raises(SecretError):
        Envelope(ring()).open(blob, AAD)


def test_blob_sealed_under_unknown_key_is_a_secret_error() -> None:
    sealed = Envelope(ring(("old", KEY_A))).seal(b"s", AAD)
    with pytest.raises(SecretError, match="'old'"):
        Envelope(ring(("new", KEY_B))).open(sealed, AAD)


def test_rotation_opens_old_records_and_rewraps_them_under_the_new_primary() -> None:
    before = Envelope(ring(("k1", KEY_A)))
    sealed = before.seal(b"credential", AAD)

    after = Envelope(ring(("k2", KEY_B), ("k1", KEY_A)))
    assert after.open(sealed, AAD) == b"credential"
    assert after.needs_rewrap(sealed)

    rewrapped = after.rewrap(sealed.to_bytes(), AAD)
    assert rewrapped.key_id == "k2"
    assert rewrapped.ciphertext == sealed.ciphertext
    assert not after.needs_rewrap(rewrapped)
    assert after.rewrap(rewrapped, AAD) is rewrapped

    # Once rewrapped, the old key can leave the ring.
    retired = Envelope(ring(("k2", KEY_B)))
    assert retired.open(rewrapped, AAD) == b"credential"
    with pytest.raises(SecretError):
        retired.open(sealed, AAD)


def test_new_seals_use_the_primary() -> None:
    sealed = Envelope(ring(("k2", KEY_B), ("k1", KEY_A))).seal(b"s", AAD)
    assert sealed.key_id == "k2"


def test_sealed_secret_repr_is_short() -> None:
    sealed = Envelope(ring()).seal(b"s" * 100, AAD)
    assert sealed.ciphertext.hex() not in repr(sealed)
    assert "k1" in repr(sealed)


def test_associated_data_is_unambiguous() -> None:
    assert associated_data("ab", "c") != associated_data("a", "bc")
    assert associated_data("a", b"b") == associated_data(b"a", "b")


# --- device tokens ---------------------------------------------------------------------

TOKEN = "a" * 64


def test_token_round_trip() -> None:
    cipher = TokenCipher(ring())
    blob = cipher.encrypt(TOKEN, AAD)
    assert blob[0] == 1
    assert TOKEN.encode() not in blob
    assert cipher.decrypt(blob, AAD) == TOKEN
    assert cipher.encrypt(TOKEN, AAD) != blob  # fresh nonce per encryption


def test_token_round_trip_unicode() -> None:
    cipher = TokenCipher(ring())
    assert cipher.decrypt(cipher.encrypt("ExpoPushToken[ü]", AAD), AAD) == "ExpoPushToken[ü]"


def test_token_with_other_associated_data_does_not_decrypt() -> None:
    cipher = TokenCipher(ring())
    blob = cipher.encrypt(TOKEN, AAD)
    with pytest.raises(SecretError) as info:
        cipher.decrypt(blob, associated_data("app-2", "apns"))
    assert info.value.__cause__ is not None


@pytest.mark.parametrize("index", [0, 1, 2, 5, 20, -1])
def test_token_tampering_is_detected(index: int) -> None:
    cipher = TokenCipher(ring())
    blob = cipher.encrypt(TOKEN, AAD)
    with pytest.raises(SecretError):
        cipher.decrypt(flip(blob, index), AAD)


@pytest.mark.parametrize("blob", [b"", b"\x01", b"\x01\x02k1" + bytes(27), b"\x01\x00" + bytes(40)])
def test_malformed_token_blobs_are_secret_errors(blob: bytes) -> None:
    with pytest.raises(SecretError):
        TokenCipher(ring()).decrypt(blob, AAD)


def test_token_rotation_still_decrypts_old_blobs() -> None:
    old_blob = TokenCipher(ring(("k1", KEY_A))).encrypt(TOKEN, AAD)
    rotated = TokenCipher(ring(("k2", KEY_B), ("k1", KEY_A)))
    assert rotated.decrypt(old_blob, AAD) == TOKEN
    assert rotated.needs_reencrypt(old_blob)
    new_blob = rotated.encrypt(TOKEN, AAD)
    assert not rotated.needs_reencrypt(new_blob)
    with pytest.raises(SecretError, match="'k1'"):
        TokenCipher(ring(("k2", KEY_B))).decrypt(old_blob, AAD)


def test_lookup_hash_is_stable_and_keyed() -> None:
    cipher = TokenCipher(ring())
    digest = cipher.lookup_hash("app-1", "apns", TOKEN)
    assert len(digest) == 32
    assert digest == TokenCipher(ring()).lookup_hash("app-1", "apns", TOKEN)
    assert digest != TokenCipher(ring(("k1", KEY_B))).lookup_hash("app-1", "apns", TOKEN)


def test_lookup_hash_follows_the_primary() -> None:
    before = TokenCipher(ring(("k1", KEY_A))).lookup_hash("app-1", "apns", TOKEN)
    after = TokenCipher(ring(("k2", KEY_B), ("k1", KEY_A))).lookup_hash("app-1", "apns", TOKEN)
    assert before != after  # hence: rotating the primary means re-hashing


@pytest.mark.parametrize(
    ("app_id", "provider", "token"),
    [
        ("app-2", "apns", TOKEN),
        ("app-1", "fcm", TOKEN),
        ("app-1", "apns", "b" * 64),
        ("app-1a", "pns", TOKEN),
        ("app-1", "apns" + TOKEN[:1], TOKEN[1:]),
    ],
    ids=["other-app", "other-provider", "other-token", "shifted-app", "shifted-token"],
)
def test_lookup_hash_is_distinct_per_app_provider_and_token(
    app_id: str, provider: str, token: str
) -> None:
    cipher = TokenCipher(ring())
    assert cipher.lookup_hash(app_id, provider, token) != cipher.lookup_hash("app-1", "apns", TOKEN)


def test_lookup_hash_key_differs_from_encryption_key() -> None:
    keys = ring()
    assert keys.derive("clarion device-token lookup v1") != keys.derive(
        "clarion device-token encryption v1"
    )
