"""GET /me: the caller's account."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.auth import BEARER, required_caller
from filmhub.http.schemas.common import route_responses
from filmhub.http.schemas.users import UserOut
from filmhub.wiring import account_service

router = APIGatewayHttpRouter()


@router.get(
    "/me",
    summary="The caller's account",
    tags=["me"],
    security=BEARER,
    responses=route_responses(200, 401),
)
def get_me() -> UserOut:
    return UserOut.of(account_service().current_user(required_caller(router).user_id))
