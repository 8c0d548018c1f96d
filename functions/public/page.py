"""GET /l/{slug}: the page of a shared list, for people and for link previews (outside the JSON API).

Its headers are set here, whatever the shared plumbing adds: the page's own Content-Security-Policy (no
script; its one style by hash; images from the posters' origins), ``nosniff``, no referrer, no framing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.core.errors import DomainError
from filmhub.http.errors import domain_error_response
from filmhub.http.limits import request_subject
from filmhub.routes import PUBLIC_PAGE_PREFIX, handler_path
from filmhub.settings import get_settings
from filmhub.sharing.links import base_url, share_links
from filmhub.wiring import sharing_service

from .routes import CACHEABLE, NOT_CACHEABLE

if TYPE_CHECKING:
    from filmhub.sharing.page import RenderedPage

router = APIGatewayHttpRouter()

HTML = "text/html; charset=utf-8"


def html_response(status: int, page: RenderedPage, cache_control: str, headers: dict[str, str]) -> Response[str]:
    return Response(
        status,
        HTML,
        page.html,
        headers={
            **headers,
            "Content-Security-Policy": page.content_security_policy,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
            "Cache-Control": cache_control,
        },
    )


@router.get(handler_path(f"{PUBLIC_PAGE_PREFIX}/{{slug}}"), include_in_schema=False)
def get_public_page(
    slug: str,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
    start: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response[str]:
    # The page's renderer (and the entities it draws) is imported by the page route only, not by the JSON API's.
    from filmhub.sharing.page import ERROR_PAGES, render_error_page, render_list_page

    try:
        shared = sharing_service().public_list(slug, request_subject(router), cursor=cursor)
    except DomainError as error:
        # The status (and Retry-After) the API would answer, as a page.
        answer = domain_error_response(error)
        title, text = ERROR_PAGES.get(answer.status_code, ("Не получилось открыть список", error.detail))
        retry = {k: str(v) for k, v in (answer.headers or {}).items() if k.lower() == "retry-after"}
        return html_response(answer.status_code, render_error_page(title, text), NOT_CACHEABLE, retry)
    links = share_links(base_url(get_settings().public_base_url, router.current_event.headers), slug)
    return html_response(200, render_list_page(shared, links.page_url, start), CACHEABLE, {})
