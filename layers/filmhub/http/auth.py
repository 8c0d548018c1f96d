"""Who is calling: the bearer token of the current request, verified (optional or required)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

from filmhub.core.errors import Unauthorized
from filmhub.wiring import token_service

if TYPE_CHECKING:
    from filmhub.security.tokens import TokenClaims

#: OpenAPI security requirement for routes that need (or accept) a token.
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def _bearer_token(router: BaseRouter) -> str | None:
    header = router.current_event.headers.get("authorization") or router.current_event.headers.get("Authorization")
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Invalid authorization header")
    return token.strip()


def optional_caller(router: BaseRouter) -> TokenClaims | None:
    """The caller's claims when a token is sent; a bad token is still a 401, never anonymous."""
    token = _bearer_token(router)
    return None if token is None else token_service().verify(token)


def required_caller(router: BaseRouter) -> TokenClaims:
    claims = optional_caller(router)
    if claims is None:
        raise Unauthorized("Not authenticated")
    return claims
