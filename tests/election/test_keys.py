"""Ed25519 keys: text forms, signing, verification, and keys that must be refused."""

from __future__ import annotations

import base64
import contextlib

import nacl.bindings
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.keys import (
    PRIVATE_PREFIX,
    PublicKey,
    SigningKey,
    b64,
    decode_key,
    decode_signature,
)
from saksi.errors import InputError, SaksiError, SignatureError

# RFC 8032, section 7.1, TEST 1 (empty message).
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555f"
    "b8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

# The eight small-order points of edwards25519 (libsodium's blocklist).
SMALL_ORDER = [
    "0100000000000000000000000000000000000000000000000000000000000000",  # identity
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 2
    "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
    "0000000000000000000000000000000000000000000000000000000000000080",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
]


def test_rfc8032_vector() -> None:
    key = SigningKey.from_seed(RFC8032_SEED)
    assert key.public.raw == RFC8032_PUBLIC
    assert key.sign(b"") == RFC8032_SIGNATURE
    assert key.public.verify(b"", RFC8032_SIGNATURE)


def test_seed_is_deterministic_and_generate_is_not() -> None:
    assert SigningKey.from_seed(bytes(32)).public == SigningKey.from_seed(bytes(32)).public
    assert SigningKey.generate().public != SigningKey.generate().public


@settings(max_examples=50)
@given(seed=st.binary(min_size=32, max_size=32), message=st.binary(max_size=200))
def test_sign_then_verify(seed: bytes, message: bytes) -> None:
    key = SigningKey.from_seed(seed)
    signature = key.sign(message)
    assert len(signature) == 64
    assert key.public.verify(message, signature)
    assert not key.public.verify(message + b"x", signature)


@settings(max_examples=50)
@given(message=st.binary(max_size=100), position=st.integers(min_value=0, max_value=511))
def test_one_flipped_signature_bit_is_refused(message: bytes, position: int) -> None:
    key = SigningKey.from_seed(bytes(range(32)))
    signature = bytearray(key.sign(message))
    signature[position // 8] ^= 1 << (position % 8)
    assert not key.public.verify(message, bytes(signature))


def test_signature_by_another_key_is_refused() -> None:
    alice, bob = SigningKey.from_seed(b"a" * 32), SigningKey.from_seed(b"b" * 32)
    assert not bob.public.verify(b"hello", alice.sign(b"hello"))


@pytest.mark.parametrize("signature", [b"", b"\x00" * 63, b"\x00" * 65, "not bytes"])
def test_verify_never_raises(signature: object) -> None:
    key = SigningKey.from_seed(bytes(32))
    assert key.public.verify(b"m", signature) is False  # type: ignore[arg-type]


def test_public_key_text_round_trip() -> None:
    key = SigningKey.from_seed(RFC8032_SEED).public
    assert key.b64 == "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    assert PublicKey.from_b64(key.b64) == key
    assert str(key) == key.b64 and key.b64 in repr(key)
    assert len({key, PublicKey.from_b64(key.b64)}) == 1


@pytest.mark.parametrize(
    "text",
    [
        "",
        "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo",  # no padding
        "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=",  # URL-safe alphabet
        "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=",  # spare bits set (non-canonical)
        "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUQ==",  # 31 bytes
        " 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",  # whitespace
        "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",  # hex
    ],
)
def test_malformed_key_text_is_refused(text: str) -> None:
    with pytest.raises(InputError) as exc:
        PublicKey.from_b64(text)
    assert exc.value.code == "key.malformed"
    assert "base64" in exc.value.message_en and "base64" in exc.value.message_id


def test_non_string_key_text_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        decode_key(123)  # type: ignore[arg-type]
    assert exc.value.code == "key.malformed"


@pytest.mark.parametrize("point", SMALL_ORDER)
def test_small_order_keys_are_refused(point: str) -> None:
    raw = bytes.fromhex(point)
    with pytest.raises(SignatureError) as exc:
        PublicKey.from_b64(b64(raw))
    assert exc.value.code == "key.invalid-point"
    # and libsodium would not verify anything under them either
    unchecked = PublicKey.from_b64(b64(raw), check_point=False)
    assert not unchecked.verify(b"", bytes(64))


def test_mixed_order_and_non_canonical_keys_are_refused() -> None:
    good = SigningKey.from_seed(bytes(32)).public.raw
    mixed = nacl.bindings.crypto_core_ed25519_add(good, bytes.fromhex(SMALL_ORDER[4]))
    non_canonical_y = bytes.fromhex("ed" + "ff" * 30 + "7f")  # y = p, not reduced
    for raw in (mixed, non_canonical_y):
        with pytest.raises(SignatureError) as exc:
            PublicKey(raw)
        assert exc.value.code == "key.invalid-point"


def test_wrong_length_raw_key_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        PublicKey(b"\x01" * 31)
    assert exc.value.code == "key.malformed"


def test_signature_text() -> None:
    signature = SigningKey.from_seed(RFC8032_SEED).sign(b"")
    assert decode_signature(b64(signature)) == signature
    text = b64(signature)
    for bad in ("", text[:-1], text.rstrip("="), text[:-3] + "B==", "_" + text[1:]):
        with pytest.raises(InputError) as exc:
            decode_signature(bad)
        assert exc.value.code == "signature.malformed"


def test_private_key_text_round_trip() -> None:
    key = SigningKey.from_seed(RFC8032_SEED)
    text = key.to_text()
    assert text == PRIVATE_PREFIX + base64.b64encode(RFC8032_SEED).decode() + "\n"
    assert SigningKey.from_text(text).public == key.public
    assert SigningKey.from_text("  " + text.strip() + "\r\n").public == key.public


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=",  # no prefix
        "saksi-ed25519-public:nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=",
        "saksi-ed25519-private:nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2",
        "saksi-ed25519-private:!!!",
        "saksi-ed25519-private:" + "A" * 88,
    ],
)
def test_malformed_private_key_text_is_refused(text: str) -> None:
    with pytest.raises(InputError) as exc:
        SigningKey.from_text(text)
    assert exc.value.code == "key.malformed-private"


def test_bad_seed_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        SigningKey.from_seed(b"short")
    assert exc.value.code == "key.malformed-private"


def test_repr_never_shows_the_seed() -> None:
    key = SigningKey.from_seed(RFC8032_SEED)
    seed_b64 = base64.b64encode(RFC8032_SEED).decode()
    for shown in (repr(key), str(key), f"{key}"):
        assert seed_b64 not in shown and RFC8032_SEED.hex() not in shown
        assert key.public.b64 in shown


@settings(max_examples=200)
@given(st.text(max_size=60))
def test_key_parsing_only_raises_saksi_errors(text: str) -> None:
    for parse in (PublicKey.from_b64, SigningKey.from_text, decode_signature):
        with contextlib.suppress(SaksiError):
            parse(text)
