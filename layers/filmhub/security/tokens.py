"""JWT access tokens: HS256, ``sub`` = user id, ``iat`` and ``exp`` required.

Signed and verified with the standard library (``hmac``, ``hashlib``): pyjwt, which this replaced, imports its
JWKS client (``urllib.request``, ``http.client``) and ``cryptography`` when installed, 50-100 ms at every cold
start for one HMAC.  The checks are pyjwt 2.15's for ``jwt.decode(token, secret, algorithms=["HS256"],
options={"require": ["sub", "iat", "exp"], "verify_exp": False, "verify_iat": False})``, rule for rule (strict
base64url segments, a JSON-object header and payload, ``alg`` exactly HS256, ``kid``/``crit``/``b64`` headers,
a constant-time signature compare, the registered ``nbf``/``aud``/``sub``/``jti`` claims), and tokens are
byte-identical to pyjwt's: tests/unit/test_tokens.py compares the two on generated tokens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from filmhub.core.errors import Unauthorized

ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32
#: The header every token is issued with (pyjwt's, keys sorted).
HEADER = {"alg": ALGORITHM, "typ": "JWT"}
BASE64URL_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
#: The only critical header extension a verifier may accept: RFC 7797's ``b64`` (pyjwt's list).
SUPPORTED_CRITICAL = frozenset({"b64"})
REQUIRED_CLAIMS = ("sub", "iat", "exp")


class InvalidToken(ValueError):
    """A token that is not a valid HS256 JWT signed with our key (any defect; the reason is for logs)."""


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    issued_at: int
    expires_at: int


def b64url_encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).replace(b"=", b"")


def b64url_decode(segment: bytes, name: str) -> bytes:
    """A segment in canonical base64url: up to two ``=`` of padding, only the alphabet, no stray bits."""
    stripped = segment.rstrip(b"=")
    padding = len(segment) - len(stripped)
    if padding > 2 or (padding and len(segment) % 4 != 0):
        raise InvalidToken(f"invalid {name} padding")
    if len(stripped) % 4 == 1 or not BASE64URL_ALPHABET.issuperset(stripped):
        raise InvalidToken(f"invalid {name} encoding")
    try:
        decoded = base64.urlsafe_b64decode(stripped + b"=" * (-len(stripped) % 4))
    except binascii.Error as error:
        raise InvalidToken(f"invalid {name} encoding") from error
    if b64url_encode(decoded) != stripped:
        raise InvalidToken(f"non-canonical {name} encoding")
    return decoded


def _json_object(data: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise InvalidToken(f"invalid {name} JSON") from error
    if not isinstance(value, dict):
        raise InvalidToken(f"{name} is not a JSON object")
    return value


def _check_header(header: dict[str, Any]) -> None:
    if "kid" in header and not isinstance(header["kid"], str):
        raise InvalidToken("kid must be a string")
    if "crit" in header:
        critical = header["crit"]
        if not isinstance(critical, list) or not critical:
            raise InvalidToken("crit must be a non-empty list")
        for extension in critical:
            if not isinstance(extension, str) or extension not in SUPPORTED_CRITICAL or extension not in header:
                raise InvalidToken("unsupported critical extension")
    if header.get("b64", True) is False:
        # An unencoded, detached payload (RFC 7797): never what we issue, and nothing to verify it against.
        raise InvalidToken("unencoded payloads are not accepted")
    algorithm = header.get("alg")
    if not algorithm or algorithm != ALGORITHM:
        raise InvalidToken("algorithm not allowed")


def _check_registered_claims(claims: dict[str, Any], now: float) -> None:
    """pyjwt's default claim checks, with ``exp`` and ``iat`` left to :meth:`TokenService.verify`."""
    for name in REQUIRED_CLAIMS:
        if claims.get(name) is None:
            raise InvalidToken(f"{name} is required")
    if "nbf" in claims:
        try:
            not_before = int(claims["nbf"])
        except (ValueError, TypeError, OverflowError) as error:
            raise InvalidToken("nbf must be an integer") from error
        if not_before > now:
            raise InvalidToken("not valid yet (nbf)")
    if claims.get("aud"):
        raise InvalidToken("no audience is accepted")
    if "sub" in claims and not isinstance(claims["sub"], str):
        raise InvalidToken("sub must be a string")
    if "jti" in claims and not isinstance(claims["jti"], str):
        raise InvalidToken("jti must be a string")


class TokenService:
    def __init__(self, secret: str, ttl_seconds: int, clock: Callable[[], float] = time.time) -> None:
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the JWT secret must be at least {MIN_SECRET_BYTES} bytes")
        self._key = secret.encode()
        self._ttl = ttl_seconds
        self._clock = clock

    def _signature(self, signing_input: bytes) -> bytes:
        return hmac.new(self._key, signing_input, hashlib.sha256).digest()

    def issue(self, user_id: str) -> str:
        now = int(self._clock())
        claims = {"sub": user_id, "iat": now, "exp": now + self._ttl}
        header = json.dumps(HEADER, separators=(",", ":"), sort_keys=True).encode()
        payload = json.dumps(claims, separators=(",", ":")).encode()
        signing_input = b64url_encode(header) + b"." + b64url_encode(payload)
        return (signing_input + b"." + b64url_encode(self._signature(signing_input))).decode()

    def decode(self, token: str) -> dict[str, Any]:
        """The verified claims of ``token``; :class:`InvalidToken` for any defect."""
        raw = token.encode()  # a lone surrogate is a UnicodeEncodeError, a ValueError too
        signing_input, dot, signature_segment = raw.rpartition(b".")
        header_segment, dot2, payload_segment = signing_input.partition(b".")
        if not dot or not dot2:
            raise InvalidToken("not enough segments")
        header = _json_object(b64url_decode(header_segment, "header"), "header")
        payload = b"" if header.get("b64", True) is False else b64url_decode(payload_segment, "payload")
        signature = b64url_decode(signature_segment, "signature")
        _check_header(header)
        if not hmac.compare_digest(signature, self._signature(signing_input)):
            raise InvalidToken("signature verification failed")
        claims = _json_object(payload, "payload")
        # ``nbf`` against the wall clock, as pyjwt did; ``exp`` is the service's clock's business (verify).
        _check_registered_claims(claims, time.time())
        return claims

    def verify(self, token: str) -> TokenClaims:
        """The token's claims; any defect (signature, algorithm, expiry, shape) is Unauthorized."""
        try:
            # Expiry is checked below against the injected clock, so there is one "now".  ``iat`` is not compared
            # with it: a few ms of skew between containers must not reject a fresh token, and ``exp`` alone bounds
            # a token's life.
            claims = self.decode(token)
            issued_at, expires_at = int(claims["iat"]), int(claims["exp"])
            user_id = str(uuid.UUID(str(claims["sub"])))
        except (ValueError, TypeError, KeyError, OverflowError) as error:
            raise Unauthorized("Invalid token") from error
        if expires_at <= int(self._clock()):
            raise Unauthorized("Token expired")
        return TokenClaims(user_id=user_id, issued_at=issued_at, expires_at=expires_at)
