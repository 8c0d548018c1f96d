"""Accounts: registration and logins (password and Telegram key)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from filmhub.accounts.service import (
    MAX_EMAIL_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    has_invisible_characters,
    is_valid_email,
    normalize_email,
)
from filmhub.http.schemas.common import ApiModel
from filmhub.http.schemas.users import UserOut

if TYPE_CHECKING:
    from filmhub.core.entities import User


def _visible(value: str) -> str:
    if has_invisible_characters(value):
        raise ValueError("must not contain control or invisible characters")
    return value


def _email(value: str) -> str:
    email = _visible(normalize_email(value))
    if not is_valid_email(email):
        raise ValueError("must be a valid email address")
    return email


EmailIn = Annotated[str, AfterValidator(_email)]
PasswordIn = Annotated[str, StringConstraints(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)]
UsernameIn = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_USERNAME_LENGTH),
    AfterValidator(_visible),
]


class RegisterIn(ApiModel):
    email: EmailIn = Field(
        description="Trimmed, NFKC-normalized and compared case-insensitively; no control or invisible characters",
        json_schema_extra={"format": "email"},
    )
    password: PasswordIn
    username: UsernameIn = Field(description="No control or invisible characters; the only space is U+0020")


class LoginIn(ApiModel):
    # No format or length rule beyond a sanity cap: a wrong email is a 401 like a wrong password.
    email: Annotated[str, StringConstraints(max_length=MAX_EMAIL_LENGTH)]
    password: Annotated[str, StringConstraints(max_length=MAX_PASSWORD_LENGTH)]


class TelegramCodeIn(ApiModel):
    tg_code: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class LoginResponseOut(UserOut):
    token: str = Field(description="JWT for `Authorization: Bearer <token>`")

    @classmethod
    def issued(cls, user: User, token: str) -> LoginResponseOut:
        return cls(**UserOut.of(user).model_dump(), token=token)


class AuthKeyOut(ApiModel):
    auth_key: str = Field(description="Open the bot with `start=auth_<auth_key>`; valid for 10 minutes")


class AuthKeyStatusOut(ApiModel):
    is_confirmed: bool


class AuthKeyErrorOut(ApiModel):
    """The one error body outside the usual envelope: existing clients match on it (API.md)."""

    error: Literal["incorrect_auth_key"]
