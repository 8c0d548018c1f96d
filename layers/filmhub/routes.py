"""The route table: the single source of truth for which function serves which method and path.

CDK creates one API Gateway route per entry (integrated with that entry's function) and the
local gateway dispatches from the same list, so the deployed and the local API cannot drift.
Paths use API Gateway's ``{name}`` syntax; routers declare theirs through :func:`handler_path`, so one
grep for a path (``/me/watchlists/{list_id}``) finds its route here and its handler in ``functions/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

API_PREFIX = "/api/v1"
#: Pages for people, outside the JSON API: the public page of a shared list is ``/l/{slug}``.
PUBLIC_PAGE_PREFIX = "/l"


@dataclass(frozen=True)
class FunctionSpec:
    """A Lambda function: where its code lives and its handler, relative to that folder."""

    name: str
    source_dir: str
    handler: str
    description: str

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


def handler_path(path: str) -> str:
    """A route table path in the Powertools event handler's syntax: ``{name}`` becomes ``<name>``."""
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


def _api_function(name: str, description: str) -> FunctionSpec:
    return FunctionSpec(name, "functions", f"{name}.handler.lambda_handler", description)


FUNCTIONS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in (
        _api_function("genres", "Genres, optionally filtered by moods"),
        _api_function("moods", "Moods"),
        _api_function("mixes", "Editorial mixes and their films"),
        _api_function("docs", "OpenAPI document and Swagger UI"),
        _api_function("health", "Reachability of the table and the bucket"),
        _api_function("recommend", "Recommendations by mood and genre"),
        _api_function("me", "The caller's profile, watchlists, watch diary and yearly stats"),
        _api_function("auth", "Registration, password login and Telegram login keys"),
        _api_function(
            "films", "Films: create, edit, posters, ratings, reviews, search (catalog, TMDB, Kinopoisk, LLM)"
        ),
        _api_function("transfers", "Imports from Letterboxd and IMDb, exports of everything: jobs and their progress"),
        _api_function("public", "Shared lists for anyone with the link: JSON and the HTML page"),
        # The whole repository root is its source: the handler is ``bot/`` (CDK packages only that folder).
        FunctionSpec("bot", ".", "bot.handler.lambda_handler", "Telegram webhook"),
    )
}


def _routes(function: str, *method_paths: str) -> list[Route]:
    routes = []
    for method_path in method_paths:
        method, path = method_path.split(" ", 1)
        outside_api = path.startswith(("/api/schema", f"{PUBLIC_PAGE_PREFIX}/"))
        full_path = path if outside_api else API_PREFIX + path
        routes.append(Route(method, full_path, function))
    return routes


ROUTES: list[Route] = [
    *_routes("genres", "GET /genres", "GET /genres/{genre_id}"),
    *_routes("moods", "GET /moods", "GET /moods/{mood_id}"),
    *_routes(
        "mixes",
        "GET /mix",
        "GET /mix/{mix_id}",
        "GET /mix/{mix_id}/items",
        "POST /mix",
        "PUT /mix/{mix_id}",
        "DELETE /mix/{mix_id}",
        "PUT /mix/{mix_id}/items/add",
        "DELETE /mix/{mix_id}/items/{film_id}",
        "PUT /mix/{mix_id}/items/order",
    ),
    *_routes("docs", "GET /api/schema/openapi.json", "GET /api/schema/swagger"),
    *_routes("health", "GET /health"),
    *_routes("recommend", "POST /recommend", "POST /recommend/{film_id}/hide", "DELETE /recommend/{film_id}/hide"),
    *_routes(
        "me",
        "GET /me/watchlists",
        "POST /me/watchlists",
        "GET /me/watchlists/{list_id}",
        "PATCH /me/watchlists/{list_id}",
        "DELETE /me/watchlists/{list_id}",
        "GET /me/watchlists/{list_id}/items",
        "PUT /me/watchlists/{list_id}/items/add",
        "DELETE /me/watchlists/{list_id}/items/{film_id}",
        "PUT /me/watchlists/{list_id}/items/order",
        "PUT /me/watchlists/{list_id}/items/{film_id}/note",
        "DELETE /me/watchlists/{list_id}/items/{film_id}/note",
        "POST /me/watchlists/{list_id}/share",
        "DELETE /me/watchlists/{list_id}/share",
    ),
    *_routes("public", "GET /public/lists/{slug}", f"GET {PUBLIC_PAGE_PREFIX}/{{slug}}"),
    *_routes(
        "auth",
        "POST /auth/register",
        "POST /auth/login",
        "POST /auth/telegram/get_auth_key",
        "POST /auth/telegram/check_auth_key",
        "POST /auth/telegram/login",
    ),
    *_routes("me", "GET /me"),
    *_routes(
        "me",
        "POST /me/diary",
        "GET /me/diary",
        "PATCH /me/diary/{entry_id}",
        "DELETE /me/diary/{entry_id}",
        "GET /me/stats",
    ),
    *_routes(
        "films",
        "POST /films",
        "GET /films/search",
        "GET /films/{film_id}",
        "PUT /films/{film_id}",
        "PUT /films/{film_id}/poster",
        "DELETE /films/{film_id}/poster",
        "POST /films/{film_id}/poster/upload-url",
        "POST /films/{film_id}/poster/confirm",
        "PUT /films/{film_id}/rating",
        "DELETE /films/{film_id}/rating",
        "PUT /films/{film_id}/review",
        "DELETE /films/{film_id}/review",
        "GET /films/{film_id}/reviews",
    ),
    *_routes("bot", "POST /telegram/webhook"),
    *_routes(
        "transfers",
        "POST /me/imports",
        "GET /me/imports",
        "GET /me/imports/{import_id}",
        "POST /me/exports",
        "GET /me/exports",
        "GET /me/exports/{export_id}",
    ),
]

#: Functions behind a queue, not the API: no route, invoked by their event source (SQS).
QUEUE_WORKERS: dict[str, FunctionSpec] = {
    "transfer_worker": _api_function(
        "transfer_worker", "Import and export jobs: reads uploads, applies rows in chunks, builds archives"
    ),
}
