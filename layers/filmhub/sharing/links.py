"""The two public addresses of a shared list, and the base URL they start with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from filmhub.routes import API_PREFIX, PUBLIC_PAGE_PREFIX


@dataclass(frozen=True)
class ShareLinks:
    #: The JSON of the list (``GET /api/v1/public/lists/{slug}``).
    url: str
    #: The page people open and messengers unfurl (``GET /l/{slug}``).
    page_url: str


def share_links(base_url: str, slug: str) -> ShareLinks:
    base = base_url.rstrip("/")
    return ShareLinks(url=f"{base}{API_PREFIX}/public/lists/{slug}", page_url=f"{base}{PUBLIC_PAGE_PREFIX}/{slug}")


def base_url(configured: str | None, headers: Mapping[str, str]) -> str:
    """``PUBLIC_BASE_URL`` when set (a custom domain, a CDN), else the address the request came to: API Gateway
    sends ``x-forwarded-proto``; without it (the local gateway) the scheme is plain http."""
    if configured:
        return configured.rstrip("/")
    lowered = {name.lower(): value for name, value in headers.items()}
    scheme = lowered.get("x-forwarded-proto", "http").split(",")[0].strip() or "http"
    return f"{scheme}://{lowered.get('host', 'localhost')}"
