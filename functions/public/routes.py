"""GET /public/lists/{slug}: a shared list as JSON, for anyone with the link (no token)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.app import API_PREFIX
from filmhub.http.limits import request_subject
from filmhub.http.schemas.common import route_responses
from filmhub.http.schemas.sharing import PublicListOut
from filmhub.routes import handler_path
from filmhub.sharing.bounds import DEFAULT_PUBLIC_PAGE, MAX_PUBLIC_PAGE
from filmhub.wiring import sharing_service

router = APIGatewayHttpRouter()

#: A CDN may keep a shared list this long: a revoked link can be served from a CDN for up to a minute (never
#: by the function itself, which reads the table on every request).
CACHEABLE = "public, max-age=60"
NOT_CACHEABLE = "no-store"

Slug = Annotated[str, Path(description="The slug of a shared list's link")]


@router.get(
    handler_path("/public/lists/{slug}"),
    summary="A shared list: title, colours, owner's username, films in list order (no token, no one's flags)",
    description="Anyone with the link may read it; unknown or revoked links are 404, and an address that asks "
    "for too many unknown links is 429 for a while. When more films remain, `next_cursor` is set (and the "
    '`X-Next-Cursor` and `Link: rel="next"` headers). `Cache-Control: public, max-age=60`.',
    tags=["sharing"],
    responses=route_responses(200, 400, 404, 422, 429),
)
def get_public_list(
    slug: Slug,
    limit: Annotated[int, Query(ge=1, le=MAX_PUBLIC_PAGE)] = DEFAULT_PUBLIC_PAGE,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Response[PublicListOut]:
    shared = sharing_service().public_list(slug, request_subject(router), limit, cursor)
    headers = {"Cache-Control": CACHEABLE}
    if shared.next_cursor:
        query = urlencode({"limit": limit, "cursor": shared.next_cursor})
        headers["X-Next-Cursor"] = shared.next_cursor
        headers["Link"] = f'<{API_PREFIX}/public/lists/{slug}?{query}>; rel="next"'
    return Response(200, content_types.APPLICATION_JSON, PublicListOut.of(shared), headers=headers)
