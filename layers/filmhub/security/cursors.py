"""Opaque, authenticated pagination cursors.

A cursor is the table position to resume from (key names and values, e.g. ``USER#…``), bound to what it
pages (one list for one user).  It is encrypted, so it publishes nothing of the table's layout, and
authenticated, so it cannot be altered or moved to another list; anything else is a 400, never a 500.

The construction is standard and needs only the standard library (docs/decisions.md § Hardening, second
round): encrypt-then-MAC with two independent keys derived from the service secret: the position is XORed
with a keystream of HMAC-SHA256 blocks over a random 128-bit nonce and a block counter (a PRF in counter
mode), and HMAC-SHA256 over the version, the nonce, the scope and the ciphertext authenticates the whole.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from filmhub.core.errors import InvalidInput
from filmhub.security.tokens import MIN_SECRET_BYTES

_VERSION = b"\x01"
_NONCE_BYTES = 16
_TAG_BYTES = 16
_BLOCK_BYTES = hashlib.sha256().digest_size
INVALID_CURSOR = "Invalid cursor"


def _hmac(key: bytes, *parts: bytes) -> bytes:
    return hmac.new(key, b"".join(parts), hashlib.sha256).digest()


class CursorCodec:
    def __init__(self, secret: str) -> None:
        # An empty or short secret would make the derived keys guessable, and every cursor forgeable.
        if not secret:
            raise ValueError(f"the cursor secret must be at least {MIN_SECRET_BYTES} bytes, never empty")
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the cursor secret must be at least {MIN_SECRET_BYTES} bytes")
        # Keys of their own, derived from the service secret: cursors can never be confused with tokens.
        master = _hmac(secret.encode(), b"filmhub-cursor")
        self._encryption_key = _hmac(master, b"encrypt")
        self._authentication_key = _hmac(master, b"authenticate")

    def _xor_keystream(self, nonce: bytes, data: bytes) -> bytes:
        blocks = -(-len(data) // _BLOCK_BYTES)
        stream = b"".join(_hmac(self._encryption_key, nonce, i.to_bytes(4, "big")) for i in range(blocks))
        return (int.from_bytes(data, "big") ^ int.from_bytes(stream[: len(data)], "big")).to_bytes(len(data), "big")

    def _tag(self, nonce: bytes, scope: str, ciphertext: bytes) -> bytes:
        scope_bytes = scope.encode()
        header = _VERSION + nonce + len(scope_bytes).to_bytes(4, "big") + scope_bytes
        return _hmac(self._authentication_key, header, ciphertext)[:_TAG_BYTES]

    def encode(self, scope: str, position: dict[str, Any]) -> str:
        payload = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
        nonce = os.urandom(_NONCE_BYTES)
        ciphertext = self._xor_keystream(nonce, payload)
        sealed = _VERSION + nonce + ciphertext + self._tag(nonce, scope, ciphertext)
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def decode(self, scope: str, cursor: str) -> dict[str, Any]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            version, nonce = raw[:1], raw[1 : 1 + _NONCE_BYTES]
            ciphertext, tag = raw[1 + _NONCE_BYTES : -_TAG_BYTES], raw[-_TAG_BYTES:]
            authentic = bool(ciphertext) and hmac.compare_digest(tag, self._tag(nonce, scope, ciphertext))
            if version != _VERSION or not authentic:
                raise ValueError("not a cursor of ours, or not for this scope")
            position = json.loads(self._xor_keystream(nonce, ciphertext))
            if not isinstance(position, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidInput(INVALID_CURSOR) from error
        return position
