"""GET /genres, GET /genres/{id}."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.schemas.catalog import GenreOut
from filmhub.http.schemas.common import route_responses
from filmhub.routes import handler_path
from filmhub.wiring import catalog_service

router = APIGatewayHttpRouter()


@router.get(
    "/genres",
    summary="All genres, or those linked to any of the given moods",
    tags=["catalog"],
    responses=route_responses(200, 400, 422),
)
def list_genres(
    moods_ids: Annotated[list[UUID] | None, Query(description="Repeat the name or separate ids by commas")] = None,
) -> list[GenreOut]:
    genres = catalog_service().genres([str(mood_id) for mood_id in moods_ids or []])
    return [GenreOut.of(genre) for genre in genres]


@router.get(
    handler_path("/genres/{genre_id}"), summary="One genre", tags=["catalog"], responses=route_responses(200, 400, 404)
)
def get_genre(genre_id: UUID) -> GenreOut:
    return GenreOut.of(catalog_service().genre(str(genre_id)))
