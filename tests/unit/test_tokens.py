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


# --- the standard-library implementation against pyjwt, its reference ------------------------------------------
# TokenService verified tokens with pyjwt until cold starts showed what its imports cost; these tests hold the
# replacement to pyjwt's answer on every token shape: same tokens issued, same accepted, same claims, same errors.


def reference_verify(token: str, now: float = NOW, secret: str = SECRET) -> tuple[str, object]:
    """What ``TokenService.verify`` answered when it called pyjwt (its code before the replacement)."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            options={"require": ["sub", "iat", "exp"], "verify_exp": False, "verify_iat": False},
        )
        issued_at, expires_at = int(claims["iat"]), int(claims["exp"])
        user_id = str(uuid.UUID(str(claims["sub"])))
    except (jwt.PyJWTError, ValueError, TypeError, KeyError, OverflowError):
        return ("error", "Invalid token")
    if expires_at <= int(now):
        return ("error", "Token expired")
    return ("ok", (user_id, issued_at, expires_at))


def our_verify(token: str, now: float = NOW) -> tuple[str, object]:
    try:
        claims = service(now=now).verify(token)
    except Unauthorized as error:
        return ("error", error.detail)
    return ("ok", (claims.user_id, claims.issued_at, claims.expires_at))


def sign_raw(header: object, claims: object, secret: str = SECRET) -> str:
    """A token over any header and payload JSON, validly signed with HS256 whatever the header says."""
    import hashlib
    import hmac

    def segment(value: object) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=")

    signing_input = segment(header) + b"." + segment(claims)
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + base64.urlsafe_b64encode(signature).rstrip(b"=")).decode()


def test_issued_tokens_are_byte_identical_to_pyjwt() -> None:
    for now, user in ((NOW, USER), (0, str(uuid.UUID(int=0))), (2**40, "юникод")):
        ours = TokenService(SECRET, ttl_seconds=3600, clock=lambda now=now: now).issue(user)
        assert ours == jwt.encode({"sub": user, "iat": now, "exp": now + 3600}, SECRET, algorithm="HS256")


from hypothesis import HealthCheck, given, settings  # noqa: E402 - the generated cases below
from hypothesis import strategies as st  # noqa: E402

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.text(max_size=8)
)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=5)
FUTURE = 4_000_000_000  # later than the wall clock pyjwt checks ``nbf`` against
claim_values = {
    "sub": st.one_of(st.just(USER), st.uuids().map(str), st.just(USER.upper()), json_values),
    "iat": st.one_of(st.just(NOW), st.sampled_from([NOW - 1, 1.5, "1", True, 10**40]), json_values),
    "exp": st.one_of(st.just(NOW + 3600), st.sampled_from([NOW, NOW + 1, NOW - 1, 1e300, "9", 2**64]), json_values),
    "nbf": st.one_of(st.sampled_from([0, 1, NOW, FUTURE, 1.5, "1", "x", True]), json_values),
    "aud": st.one_of(st.sampled_from(["", "api", [], ["api"], 0]), json_values),
    "jti": st.one_of(st.text(max_size=4), json_values),
    "iss": json_values,
}
header_values = {
    "alg": st.one_of(st.sampled_from(["HS256", "HS256", "HS384", "none", "hs256", "", "RS256"]), json_values),
    "typ": st.sampled_from(["JWT", "jwt", None, 1]),
    "kid": st.one_of(st.text(max_size=4), json_values),
    "crit": st.one_of(st.sampled_from([["b64"], [], ["exp"], "b64", ["b64", 1]]), json_values),
    "b64": st.sampled_from([True, False, "false", 0, None]),
}


MISSING = object()


@st.composite
def near_valid(draw: st.DrawFn, valid: dict, values: dict[str, st.SearchStrategy]) -> object:
    """``valid`` with up to two entries changed, added or removed (now and then not an object at all)."""
    if draw(st.integers(0, 19)) == 0:
        return draw(json_values)
    result = dict(valid)
    for name in draw(st.lists(st.sampled_from(sorted(values)), max_size=2, unique=True)):
        value = draw(st.one_of(values[name], st.just(MISSING)))
        if value is MISSING:
            result.pop(name, None)
        else:
            result[name] = value
    return result


tokens_signed_with_our_key = st.builds(
    sign_raw, near_valid({"alg": "HS256", "typ": "JWT"}, header_values), near_valid(valid_claims(), claim_values)
)


@st.composite
def mangled(draw: st.DrawFn, tokens: st.SearchStrategy[str]) -> str:
    """A token with one edit: a character replaced, inserted or dropped, padding added, a segment cut or added."""
    token = draw(tokens)
    edit = draw(st.sampled_from(["replace", "insert", "drop", "pad", "cut", "extra", "none"]))
    position = draw(st.integers(0, max(len(token) - 1, 0)))
    character = draw(st.sampled_from([*"Aa0-_=.+/ !é", "\udc80"]))
    if edit == "replace" and token:
        return token[:position] + character + token[position + 1 :]
    if edit == "insert":
        return token[:position] + character + token[position:]
    if edit == "drop" and token:
        return token[:position] + token[position + 1 :]
    if edit == "pad":
        segments = token.split(".")
        index = draw(st.integers(0, len(segments) - 1))
        segments[index] += "=" * draw(st.integers(1, 3))
        return ".".join(segments)
    if edit == "cut":
        return token.rsplit(".", 1)[0]
    if edit == "extra":
        return token + "." + draw(st.sampled_from(["", "e30", token]))
    return token


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(token=st.one_of(tokens_signed_with_our_key, mangled(tokens_signed_with_our_key), st.text(max_size=40)))
def test_verify_answers_as_pyjwt_did(token: str) -> None:
    assert our_verify(token) == reference_verify(token)


@settings(max_examples=200, deadline=None)
@given(token=mangled(st.builds(lambda ttl: TokenService(SECRET, ttl, clock=lambda: NOW).issue(USER), st.integers(60))))
def test_edited_issued_tokens_answer_as_pyjwt_did(token: str) -> None:
    assert our_verify(token) == reference_verify(token)


def test_the_generated_cases_reach_every_outcome() -> None:
    """The comparisons above mean something only if both valid and refused tokens come up (and expired ones)."""
    assert our_verify(sign_raw({"alg": "HS256", "typ": "JWT"}, valid_claims()))[0] == "ok"
    assert our_verify(sign_raw({"alg": "HS256", "kid": "k", "crit": ["b64"], "b64": True}, valid_claims()))[0] == "ok"
    refused = [
        sign_raw({"alg": "HS256"}, valid_claims(nbf=FUTURE)),
        sign_raw({"alg": "HS256"}, valid_claims(aud="api")),
        sign_raw({"alg": "HS256"}, valid_claims(jti=1)),
        sign_raw({"alg": "HS256", "kid": 1}, valid_claims()),
        sign_raw({"alg": "HS256", "crit": ["exp"], "exp": 1}, valid_claims()),
        sign_raw({"alg": "HS256", "b64": False, "crit": ["b64"]}, valid_claims()),
        sign_raw({"alg": "HS256"}, valid_claims(iat=None)),
        sign_raw({"alg": "HS256"}, [valid_claims()]),
        sign_raw({"alg": "HS256"}, valid_claims()) + "==",  # 45 characters: padding that pads nothing
    ]
    for token in refused:
        assert our_verify(token) == reference_verify(token) == ("error", "Invalid token"), token
    padded = sign_raw({"alg": "HS256"}, valid_claims()) + "="  # a 43-character signature, padded right: accepted
    assert our_verify(padded)[0] == reference_verify(padded)[0] == "ok"
    expired = sign_raw({"alg": "HS256"}, valid_claims(exp=NOW))
    assert our_verify(expired) == reference_verify(expired) == ("error", "Token expired")
