"""Page cursors are opaque (encrypted), authenticated and bound to what they page."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from filmhub.core.errors import InvalidInput
from filmhub.security.cursors import CursorCodec

SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"
POSITION = {"kind": "wish", "at": {"PK": {"S": "USER#7f1c"}, "SK": {"S": "STATE#a1"}, "GSI3PK": {"S": "USER#7f1c"}}}
SCOPE = "user-1:list-1"


def unpadded_b64decode(cursor: str) -> bytes:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))


def test_a_cursor_round_trips_and_shows_nothing_of_the_table() -> None:
    codec = CursorCodec(SECRET)
    cursor = codec.encode(SCOPE, POSITION)
    assert codec.decode(SCOPE, cursor) == POSITION
    raw = unpadded_b64decode(cursor)
    # Whole names and values: a two-byte name like ``PK`` also turns up by chance in random ciphertext.
    for revealing in (b'"PK"', b'"SK"', b"GSI3PK", b"USER#", b"STATE#", b"wish", b"7f1c"):
        assert revealing not in raw  # was: base64 of the JSON, key names and values readable
    assert codec.encode(SCOPE, POSITION) != cursor  # a fresh nonce each time: equal positions do not show


def test_every_altered_byte_and_every_other_scope_or_key_is_refused() -> None:
    codec = CursorCodec(SECRET)
    raw = unpadded_b64decode(codec.encode(SCOPE, POSITION))
    for index in range(len(raw)):
        altered = raw[:index] + bytes([raw[index] ^ 1]) + raw[index + 1 :]
        with pytest.raises(InvalidInput):
            codec.decode(SCOPE, base64.urlsafe_b64encode(altered).decode())
    cursor = codec.encode(SCOPE, POSITION)
    with pytest.raises(InvalidInput):
        codec.decode("user-2:list-1", cursor)
    with pytest.raises(InvalidInput):
        CursorCodec(SECRET + "x").decode(SCOPE, cursor)
    for truncated in (cursor[:10], cursor[:-4], ""):
        with pytest.raises(InvalidInput):
            codec.decode(SCOPE, truncated)


def test_a_cursor_of_the_old_signed_json_format_is_refused() -> None:
    payload = json.dumps(POSITION, separators=(",", ":"), sort_keys=True).encode()
    key = hashlib.sha256(b"filmhub-cursor:" + SECRET.encode()).digest()
    signature = hmac.new(key, SCOPE.encode() + b"\0" + payload, hashlib.sha256).digest()[:16]
    old = base64.urlsafe_b64encode(signature + payload).decode().rstrip("=")
    with pytest.raises(InvalidInput):
        CursorCodec(SECRET).decode(SCOPE, old)


@pytest.mark.parametrize("secret", ["", None])
def test_the_cursor_key_is_never_an_empty_secret(secret: str | None) -> None:
    with pytest.raises(ValueError, match="never empty"):
        CursorCodec(secret)  # type: ignore[arg-type]


def test_list_pages_are_not_served_without_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from filmhub import wiring
    from filmhub.settings import get_settings

    unset = get_settings().model_copy(update={"jwt_secret": None, "jwt_secret_secret_arn": None})
    monkeypatch.setattr(wiring, "get_settings", lambda: unset)
    wiring.reset()
    try:
        with pytest.raises(RuntimeError, match="JWT_SECRET"):
            wiring.watchlist_service()  # was: cursors keyed on an empty secret
    finally:
        wiring.reset()
