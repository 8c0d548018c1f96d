"""/me/watchlists/{list_id}/share: the caller's public link to a list (create, revoke)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.auth import BEARER, required_caller
from filmhub.http.schemas import ShareOut, error_responses, route_responses
from filmhub.routes import handler_path
from filmhub.settings import get_settings
from filmhub.sharing.links import base_url, share_links
from filmhub.wiring import sharing_service

router = APIGatewayHttpRouter()

ListRef = Annotated[str, Path(description="A list id, or `liked`, `wish`, `watched`", max_length=64)]
TAGS = ["sharing"]


@router.post(
    handler_path("/me/watchlists/{list_id}/share"),
    summary="Share a list: a public read-only link (the same live link on every call)",
    tags=TAGS,
    security=BEARER,
    responses=route_responses(201, 400, 401, 403, 404),
)
def share_watchlist(list_id: ListRef) -> tuple[ShareOut, int]:
    caller = required_caller(router)
    share = sharing_service().share(caller.user_id, list_id)
    links = share_links(base_url(get_settings().public_base_url, router.current_event.headers), share.slug)
    return ShareOut(slug=share.slug, url=links.url, page_url=links.page_url), 201


@router.delete(
    handler_path("/me/watchlists/{list_id}/share"),
    summary="Revoke a list's public link: both public addresses answer 404 from now on",
    tags=TAGS,
    security=BEARER,
    responses={204: {"description": "Not shared (any more)"}, **error_responses(400, 401, 403, 404)},
)
def revoke_watchlist_share(list_id: ListRef) -> Response[None]:
    caller = required_caller(router)
    sharing_service().revoke(caller.user_id, list_id)
    return Response(204)
