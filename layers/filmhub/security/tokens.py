"""JWT access tokens: HS256, ``sub`` = user id, ``iat`` and ``exp`` required."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import jwt

from filmhub.core.errors import Unauthorized

ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    issued_at: int
    expires_at: int


class TokenService:
    def __init__(self, secret: str, ttl_seconds: int, clock: Callable[[], float] = time.time) -> None:
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the JWT secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret
        self._ttl = ttl_seconds
        self._clock = clock

    def issue(self, user_id: str) -> str:
        now = int(self._clock())
        claims = {"sub": user_id, "iat": now, "exp": now + self._ttl}
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> TokenClaims:
        """The token's claims; any defect (signature, algorithm, expiry, shape) is Unauthorized."""
        try:
            # Expiry is checked below against the injected clock, not pyjwt's own (wall) clock, so there
            # is one "now".  ``iat`` is not compared with it: a few ms of skew between containers must
            # not reject a fresh token, and ``exp`` alone bounds a token's life.
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={"require": ["sub", "iat", "exp"], "verify_exp": False, "verify_iat": False},
            )
            issued_at, expires_at = int(claims["iat"]), int(claims["exp"])
            user_id = str(uuid.UUID(str(claims["sub"])))
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as error:
            raise Unauthorized("Invalid token") from error
        if expires_at <= int(self._clock()):
            raise Unauthorized("Token expired")
        return TokenClaims(user_id=user_id, issued_at=issued_at, expires_at=expires_at)
