"""GET /mix, GET /mix/{id}, GET /mix/{id}/items."""

from __future__ import annotations

from uuid import UUID

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.auth import BEARER, optional_caller
from filmhub.http.schemas import FilmOut, MixOut, error_responses, films_out
from filmhub.wiring import catalog_service

router = APIGatewayHttpRouter()


@router.get("/mix", summary="All editorial mixes", tags=["mixes"])
def list_mixes() -> list[MixOut]:
    return [MixOut.of(mix) for mix in catalog_service().mixes()]


@router.get("/mix/<mix_id>", summary="One mix", tags=["mixes"], responses=error_responses(400, 404))
def get_mix(mix_id: UUID) -> MixOut:
    return MixOut.of(catalog_service().mix(str(mix_id)))


@router.get(
    "/mix/<mix_id>/items",
    summary="Films of a mix in display order; flags for the caller when a token is sent",
    tags=["mixes"],
    security=BEARER,
    responses=error_responses(400, 401, 404),
)
def list_mix_films(mix_id: UUID) -> list[FilmOut]:
    caller = optional_caller(router)
    views = catalog_service().mix_films(str(mix_id), caller.user_id if caller else None)
    return films_out(views)
