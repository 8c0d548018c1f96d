"""POST /auth/register, /auth/login and the Telegram login-key flow under /auth/telegram."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.accounts.telegram_login import AuthKeyRejected
from filmhub.http.limits import limit_requests, request_subject
from filmhub.http.schemas.accounts import (
    AuthKeyErrorOut,
    AuthKeyOut,
    AuthKeyStatusOut,
    LoginIn,
    LoginResponseOut,
    RegisterIn,
    TelegramCodeIn,
)
from filmhub.http.schemas.common import route_responses
from filmhub.http.schemas.users import UserOut
from filmhub.wiring import account_service, telegram_login_service, token_service

router = APIGatewayHttpRouter()


@router.exception_handler(AuthKeyRejected)
def _incorrect_auth_key(_: AuthKeyRejected) -> Response[str]:
    # Not the usual envelope: the web app polling check_auth_key matches on this exact body.
    body = AuthKeyErrorOut(error="incorrect_auth_key").model_dump_json()
    return Response(400, content_types.APPLICATION_JSON, body)


@router.post(
    "/auth/register",
    status_code=201,
    summary="Create an account (with its liked, wish and watched lists)",
    tags=["auth"],
    description="More registrations from one address than `RATE_LIMIT_REGISTER` within any "
    "`RATE_LIMIT_REGISTER_WINDOW_SECONDS` (a sliding window): 429 with `Retry-After`.",
    responses=route_responses(201, 400, 409, 422, 429),
)
def register(body: RegisterIn) -> UserOut:
    user = account_service().register(body.email, body.password, body.username, client=request_subject(router))
    return UserOut.of(user)


@router.post(
    "/auth/login",
    status_code=201,
    summary="Log in with email and password",
    description="After 10 failed logins for one email within 15 minutes, or more logins from one address than "
    "`RATE_LIMIT_LOGIN` per window: 429 with `Retry-After`.",
    tags=["auth"],
    responses=route_responses(201, 400, 401, 422, 429),
)
def login(body: LoginIn) -> LoginResponseOut:
    user = account_service().login(body.email, body.password, client=request_subject(router))
    return LoginResponseOut.issued(user, token_service().issue(user.id))


@router.post(
    "/auth/telegram/get_auth_key",
    status_code=201,
    summary="A new Telegram login key (pending, valid for 10 minutes)",
    description="More keys from one address than `RATE_LIMIT_AUTH_KEY` per window: 429 with `Retry-After`.",
    tags=["auth"],
    responses=route_responses(201, 429),
)
def get_auth_key() -> AuthKeyOut:
    limit_requests(router, "auth_key")
    return AuthKeyOut(auth_key=telegram_login_service().new_auth_key())


@router.post(
    "/auth/telegram/check_auth_key",
    summary="Whether the bot has confirmed the key",
    tags=["auth"],
    responses={
        **route_responses(200, 422),
        400: {
            "description": "Unknown, declined, used or expired key",
            "content": {"application/json": {"model": AuthKeyErrorOut}},
        },
    },
)
def check_auth_key(body: TelegramCodeIn) -> AuthKeyStatusOut:
    return AuthKeyStatusOut(is_confirmed=telegram_login_service().auth_key_confirmed(body.tg_code))


@router.post(
    "/auth/telegram/login",
    status_code=201,
    summary="Log in with a confirmed key; the key is consumed",
    tags=["auth"],
    responses=route_responses(201, 400, 401, 422),
)
def telegram_login(body: TelegramCodeIn) -> LoginResponseOut:
    user = telegram_login_service().telegram_login(body.tg_code)
    return LoginResponseOut.issued(user, token_service().issue(user.id))
