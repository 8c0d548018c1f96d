"""JWT checks: every defect in a token is a 401 (``Unauthorized``), never a 500 or an anonymous caller."""

from __future__ import annotations

import base64
import json
import uuid

import jwt
import pytest

from filmhub.core.errors import Unauthorized
from filmhub.security.tokens import TokenService

SECRET = "a-secret-long-enough-for-every-hmac-algorithm-even-hs512-0123456789"
NOW = 1_800_000_000
USER = str(uuid.uuid4())


def service(now: float = NOW, secret: str = SECRET) -> TokenService:
    return TokenService(secret, ttl_seconds=3600, clock=lambda: now)


def signed(claims: dict, algorithm: str = "HS256", secret: str = SECRET) -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def valid_claims(**overrides: object) -> dict:
    return {"sub": USER, "iat": NOW, "exp": NOW + 3600, **overrides}


def b64url(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_issued_token_round_trips() -> None:
    claims = service().verify(service().issue(USER))
    assert (claims.user_id, claims.issued_at, claims.expires_at) == (USER, NOW, NOW + 3600)
    assert jwt.get_unverified_header(service().issue(USER))["alg"] == "HS256"


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        TokenService("short", ttl_seconds=60)


def test_bad_signature() -> None:
    forged = signed(valid_claims(), secret="another-secret-that-is-long-enough-0123456789")
    with pytest.raises(Unauthorized, match="Invalid token"):
        service().verify(forged)


def test_tampered_payload() -> None:
    header, _, signature = service().issue(USER).split(".")
    tampered = f"{header}.{b64url(valid_claims(sub=str(uuid.uuid4())))}.{signature}"
    with pytest.raises(Unauthorized):
        service().verify(tampered)


@pytest.mark.parametrize("header", [{"alg": "none", "typ": "JWT"}, {"alg": "None"}, {"alg": "NONE"}])
def test_alg_none_is_refused(header: dict) -> None:
    for signature in ("", "c2lnbmF0dXJl"):
        with pytest.raises(Unauthorized):
            service().verify(f"{b64url(header)}.{b64url(valid_claims())}.{signature}")


def test_alg_none_from_pyjwt_is_refused() -> None:
    with pytest.raises(Unauthorized):
        service().verify(jwt.encode(valid_claims(), None, algorithm="none"))


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_other_algorithms_with_the_right_secret_are_refused(algorithm: str) -> None:
    with pytest.raises(Unauthorized):
        service().verify(signed(valid_claims(), algorithm=algorithm))


def test_expired() -> None:
    token = service().issue(USER)
    assert service(now=NOW + 3599).verify(token).user_id == USER
    for later in (NOW + 3600, NOW + 3601, NOW + 10**6):
        with pytest.raises(Unauthorized, match="Token expired"):
            service(now=later).verify(token)


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c", "a.b.c.d", "...", "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9..", "тест.тест.тест"],
)
def test_malformed(token: str) -> None:
    with pytest.raises(Unauthorized):
        service().verify(token)


@pytest.mark.parametrize("sub", ["not-a-uuid", "", "1", 42, None, ["a"], {"id": USER}])
def test_non_uuid_subject(sub: object) -> None:
    with pytest.raises(Unauthorized, match="Invalid token"):
        service().verify(signed(valid_claims(sub=sub)))


@pytest.mark.parametrize("missing", ["sub", "iat", "exp"])
def test_required_claims(missing: str) -> None:
    claims = valid_claims()
    del claims[missing]
    with pytest.raises(Unauthorized):
        service().verify(signed(claims))


def test_non_numeric_expiry() -> None:
    with pytest.raises(Unauthorized):
        service().verify(signed(valid_claims(exp="tomorrow")))
