"""GET /mix, GET /mix/{id}, GET /mix/{id}/items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.auth import BEARER, optional_caller, required_caller
from filmhub.http.schemas.catalog import MixIn, MixOrderIn, MixOut
from filmhub.http.schemas.common import route_responses
from filmhub.http.schemas.films import FilmOut, films_out
from filmhub.http.schemas.watchlists import WatchlistItemIn
from filmhub.routes import handler_path
from filmhub.wiring import account_service, catalog_service, mix_curation

if TYPE_CHECKING:
    from filmhub.core.entities import Gradient

router = APIGatewayHttpRouter()


@router.get("/mix", summary="All editorial mixes", tags=["mixes"])
def list_mixes() -> list[MixOut]:
    return [MixOut.of(mix) for mix in catalog_service().mixes()]


@router.get(handler_path("/mix/{mix_id}"), summary="One mix", tags=["mixes"], responses=route_responses(200, 400, 404))
def get_mix(mix_id: UUID) -> MixOut:
    return MixOut.of(catalog_service().mix(str(mix_id)))


@router.get(
    handler_path("/mix/{mix_id}/items"),
    summary="Films of a mix in display order; flags for the caller when a token is sent",
    tags=["mixes"],
    security=BEARER,
    responses=route_responses(200, 400, 401, 404),
)
def list_mix_films(mix_id: UUID) -> list[FilmOut]:
    caller = optional_caller(router)
    views = catalog_service().mix_films(str(mix_id), caller.user_id if caller else None)
    return films_out(views)


# --- curation: admins only ------------------------------------------------------------------

ADMIN_ERRORS = (400, 401, 403, 404, 422)


def require_admin() -> None:
    account_service().require_admin(required_caller(router).user_id)


def gradient_of(body: MixIn) -> Gradient | None:
    from filmhub.core.entities import Gradient  # admins' writes only: the entities come with the curation service

    colours = (body.color1, body.color2, body.color3)
    return Gradient(*colours) if all(colours) else None  # type: ignore[arg-type]


@router.post(
    "/mix",
    summary="Create a mix (admins)",
    tags=["mixes"],
    security=BEARER,
    responses=route_responses(201, *ADMIN_ERRORS),
)
def create_mix(body: Annotated[MixIn, Body()]) -> tuple[MixOut, int]:
    require_admin()
    return MixOut.of(mix_curation().create(body.title, gradient_of(body))), 201


@router.put(
    handler_path("/mix/{mix_id}"),
    summary="Edit a mix (admins)",
    tags=["mixes"],
    security=BEARER,
    responses=route_responses(200, *ADMIN_ERRORS),
)
def update_mix(mix_id: UUID, body: Annotated[MixIn, Body()]) -> MixOut:
    require_admin()
    return MixOut.of(mix_curation().update(str(mix_id), body.title, gradient_of(body)))


@router.delete(
    handler_path("/mix/{mix_id}"),
    summary="Delete a mix and its items (admins)",
    tags=["mixes"],
    security=BEARER,
    responses=route_responses(204, *ADMIN_ERRORS),
)
def delete_mix(mix_id: UUID) -> Response[None]:
    require_admin()
    mix_curation().delete(str(mix_id))
    return Response(204)


@router.put(
    handler_path("/mix/{mix_id}/items/add"),
    summary="Add a film to a mix (admins; idempotent)",
    tags=["mixes"],
    security=BEARER,
    responses=route_responses(204, *ADMIN_ERRORS),
)
def add_mix_film(mix_id: UUID, body: Annotated[WatchlistItemIn, Body()]) -> Response[None]:
    require_admin()
    mix_curation().add(str(mix_id), str(body.film_id))
    return Response(204)


@router.delete(
    handler_path("/mix/{mix_id}/items/{film_id}"),
    summary="Remove a film from a mix (admins)",
    tags=["mixes"],
    security=BEARER,
    responses=route_responses(204, *ADMIN_ERRORS),
)
def remove_mix_film(mix_id: UUID, film_id: UUID) -> Response[None]:
    require_admin()
    mix_curation().remove(str(mix_id), str(film_id))
    return Response(204)


@router.put(
    handler_path("/mix/{mix_id}/items/order"),
    summary="Set the display order of a mix's films (admins)",
    tags=["mixes"],
    security=BEARER,
    responses=route_responses(204, *ADMIN_ERRORS),
)
def order_mix_films(mix_id: UUID, body: Annotated[MixOrderIn, Body()]) -> Response[None]:
    require_admin()
    mix_curation().reorder(str(mix_id), [str(film_id) for film_id in body.film_ids])
    return Response(204)
