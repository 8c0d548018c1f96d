"""A page of a listing as an HTTP answer: the items, and where the next page is when there is one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

from filmhub.http.app import API_PREFIX

#: OpenAPI description of every paged listing.
NEXT_PAGE_DESCRIPTION = 'When more items remain, the response carries `X-Next-Cursor` and a `Link: rel="next"` header.'


def page_response(
    items: Sequence[BaseModel], path: str, next_cursor: str | None, query: Mapping[str, Any]
) -> Response[list[Any]]:
    """``items`` with ``X-Next-Cursor`` and a ``Link`` to ``path`` (with ``query`` and the cursor) when more remain."""
    headers: dict[str, str] = {}
    if next_cursor:
        next_query = urlencode({**{k: v for k, v in query.items() if v is not None}, "cursor": next_cursor})
        headers["X-Next-Cursor"] = next_cursor
        headers["Link"] = f'<{API_PREFIX}{path}?{next_query}>; rel="next"'
    return Response(200, content_types.APPLICATION_JSON, list(items), headers=headers)
