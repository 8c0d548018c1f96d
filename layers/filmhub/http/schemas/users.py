"""A user as the API shows them (GET /me, and inside a login's answer): no account rules needed to build it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from filmhub.http.schemas.common import ApiModel

if TYPE_CHECKING:
    from filmhub.core.entities import User


class UserOut(ApiModel):
    id: str
    username: str
    email: str | None
    telegram_id: int | None
    role: Literal["user", "admin"] = Field(description="`admin` may curate mixes")

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, username=user.username, email=user.email, telegram_id=user.telegram_id, role=user.role)
