"""What every route's OpenAPI description uses: the error envelope and the ``responses`` helpers."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"


class ApiModel(BaseModel):
    """A request or response body.  Its validator and serializer are built when it is first used, not when its
    module is imported: a function's routes declare many bodies and each request uses one or two (the others are
    built only by the OpenAPI document, in the docs function).  Cold start, docs/decisions.md."""

    model_config = ConfigDict(defer_build=True)


class ErrorItem(ApiModel):
    key: str
    message: str


class ErrorOut(ApiModel):
    status_code: int
    detail: str
    extra: list[ErrorItem] | None = None


def error_responses(*statuses: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI ``responses`` entries for the error statuses a route can answer."""
    descriptions = {
        400: "Bad request",
        401: "Missing, invalid or expired token",
        403: "Not yours",
        404: "Not found",
        409: "Conflict",
        413: "Payload too large",
        422: "Validation failed",
        429: "Throttled",
        503: "A dependency is down",
    }
    return {
        status: {"description": descriptions[status], "content": {"application/json": {"model": ErrorOut}}}
        for status in statuses
    }


def route_responses(success: int, *errors: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI ``responses`` of a route: its success status, documented from the return type, and its errors.

    Powertools documents the success response only when a route passes no ``responses`` at all,
    so a route that lists its errors must list its success status too.
    """
    return {success: {"description": HTTPStatus(success).phrase}, **error_responses(*errors)}
