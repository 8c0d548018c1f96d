"""Opaque, tamper-evident pagination cursors.

A cursor is the table position to resume from, bound to what it pages (e.g. one list for one
user), base64url-encoded and signed with HMAC-SHA256; anything else is a 400, never a 500.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from filmhub.core.errors import InvalidInput
from filmhub.security.tokens import MIN_SECRET_BYTES

_SIGNATURE_BYTES = 16


class CursorCodec:
    def __init__(self, secret: str) -> None:
        # An empty or short secret would make the derived key guessable, and every cursor forgeable.
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the cursor secret must be at least {MIN_SECRET_BYTES} bytes")
        # A key of its own, derived from the service secret: cursors can never be confused with tokens.
        self._key = hashlib.sha256(b"filmhub-cursor:" + secret.encode()).digest()

    def _sign(self, scope: str, payload: bytes) -> bytes:
        return hmac.new(self._key, scope.encode() + b"\0" + payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]

    def encode(self, scope: str, position: dict[str, Any]) -> str:
        payload = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
        return base64.urlsafe_b64encode(self._sign(scope, payload) + payload).decode().rstrip("=")

    def decode(self, scope: str, cursor: str) -> dict[str, Any]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            signature, payload = raw[:_SIGNATURE_BYTES], raw[_SIGNATURE_BYTES:]
            if not payload or not hmac.compare_digest(signature, self._sign(scope, payload)):
                raise ValueError("bad signature")
            position = json.loads(payload)
            if not isinstance(position, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidInput("Invalid cursor") from error
        return position
