"""/me/watchlists…: the caller's built-in and custom lists and their films (all need a token)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.auth import BEARER, required_caller
from filmhub.http.paging import NEXT_PAGE_DESCRIPTION, page_response
from filmhub.http.schemas.common import error_responses, route_responses
from filmhub.http.schemas.watchlists import (
    ListFilmOut,
    NoteIn,
    WatchlistIn,
    WatchlistItemIn,
    WatchlistOrderIn,
    WatchlistOut,
)
from filmhub.routes import handler_path
from filmhub.watchlists.bounds import DEFAULT_PAGE, MAX_PAGE
from filmhub.wiring import watchlist_service

router = APIGatewayHttpRouter()

ListRef = Annotated[str, Path(description="A list id, or `liked`, `wish`, `watched`", max_length=64)]
TAGS = ["watchlists"]


@router.get("/me/watchlists", summary="The caller's custom lists", tags=TAGS, security=BEARER,
            responses=route_responses(200, 401))  # fmt: skip
def list_watchlists() -> list[WatchlistOut]:
    caller = required_caller(router)
    return [WatchlistOut.of(item) for item in watchlist_service().custom_lists(caller.user_id)]


@router.post("/me/watchlists", summary="Create a custom list", tags=TAGS, security=BEARER,
             responses=route_responses(201, 401, 422))  # fmt: skip
def create_watchlist(body: Annotated[WatchlistIn, Body()]) -> tuple[WatchlistOut, int]:
    caller = required_caller(router)
    return WatchlistOut.of(watchlist_service().create(caller.user_id, body.title)), 201


@router.get(handler_path("/me/watchlists/{list_id}"), summary="One list, by id or kind", tags=TAGS, security=BEARER,
            responses=route_responses(200, 400, 401, 403, 404))  # fmt: skip
def get_watchlist(list_id: ListRef) -> WatchlistOut:
    caller = required_caller(router)
    return WatchlistOut.of(watchlist_service().get(caller.user_id, list_id))


@router.patch(handler_path("/me/watchlists/{list_id}"), summary="Rename a custom list", tags=TAGS, security=BEARER,
              responses=route_responses(200, 400, 401, 403, 404, 409, 422))  # fmt: skip
def rename_watchlist(list_id: ListRef, body: Annotated[WatchlistIn, Body()]) -> WatchlistOut:
    caller = required_caller(router)
    return WatchlistOut.of(watchlist_service().rename(caller.user_id, list_id, body.title))


@router.delete(
    handler_path("/me/watchlists/{list_id}"),
    summary="Delete a custom list and its items",
    tags=TAGS,
    security=BEARER,
    responses={204: {"description": "Deleted"}, **error_responses(400, 401, 403, 404, 409)},
)
def delete_watchlist(list_id: ListRef) -> Response[None]:
    caller = required_caller(router)
    watchlist_service().delete(caller.user_id, list_id)
    return Response(204)


@router.get(
    handler_path("/me/watchlists/{list_id}/items"),
    summary="Films of a list: in the owner's order when set, else newest added first",
    description=f"{NEXT_PAGE_DESCRIPTION} Films of a custom list carry the owner's `note`.",
    tags=TAGS,
    security=BEARER,
    responses=route_responses(200, 400, 401, 403, 404, 422),
)
def list_watchlist_films(
    list_id: ListRef,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Response[list[ListFilmOut]]:
    caller = required_caller(router)
    page = watchlist_service().items(caller.user_id, list_id, limit, cursor)
    return page_response(ListFilmOut.page(page), f"/me/watchlists/{list_id}/items", page.next_cursor, {"limit": limit})


@router.put(
    handler_path("/me/watchlists/{list_id}/items/add"),
    summary="Add a film (adding twice keeps one entry)",
    tags=TAGS,
    security=BEARER,
    responses={204: {"description": "Added"}, **error_responses(400, 401, 403, 404, 422)},
)
def add_watchlist_film(list_id: ListRef, body: Annotated[WatchlistItemIn, Body()]) -> Response[None]:
    caller = required_caller(router)
    watchlist_service().add(caller.user_id, list_id, str(body.film_id))
    return Response(204)


@router.delete(
    handler_path("/me/watchlists/{list_id}/items/{film_id}"),
    summary="Remove a film from a list",
    tags=TAGS,
    security=BEARER,
    responses={204: {"description": "Removed"}, **error_responses(400, 401, 403, 404)},
)
def remove_watchlist_film(list_id: ListRef, film_id: UUID) -> Response[None]:
    caller = required_caller(router)
    watchlist_service().remove(caller.user_id, list_id, str(film_id))
    return Response(204)


@router.put(
    handler_path("/me/watchlists/{list_id}/items/order"),
    summary="Rank a custom list's films (every film once); films added later go to the end",
    tags=TAGS,
    security=BEARER,
    responses={204: {"description": "Ordered"}, **error_responses(400, 401, 403, 404, 409, 422)},
)
def order_watchlist_films(list_id: ListRef, body: Annotated[WatchlistOrderIn, Body()]) -> Response[None]:
    caller = required_caller(router)
    watchlist_service().reorder(caller.user_id, list_id, [str(film_id) for film_id in body.film_ids])
    return Response(204)


@router.put(
    handler_path("/me/watchlists/{list_id}/items/{film_id}/note"),
    summary="Write the note on a film of a custom list (shown on its public page too)",
    tags=TAGS,
    security=BEARER,
    responses={204: {"description": "Saved"}, **error_responses(400, 401, 403, 404, 409, 422)},
)
def set_watchlist_note(list_id: ListRef, film_id: UUID, body: Annotated[NoteIn, Body()]) -> Response[None]:
    caller = required_caller(router)
    watchlist_service().set_note(caller.user_id, list_id, str(film_id), body.text)
    return Response(204)


@router.delete(
    handler_path("/me/watchlists/{list_id}/items/{film_id}/note"),
    summary="Remove the note on a film of a custom list",
    tags=TAGS,
    security=BEARER,
    responses={204: {"description": "Removed"}, **error_responses(400, 401, 403, 404, 409)},
)
def remove_watchlist_note(list_id: ListRef, film_id: UUID) -> Response[None]:
    caller = required_caller(router)
    watchlist_service().set_note(caller.user_id, list_id, str(film_id), None)
    return Response(204)
