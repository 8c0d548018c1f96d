"""POST /recommend and the "not interested" switch: POST / DELETE /recommend/{film_id}/hide."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.auth import BEARER, required_caller
from filmhub.http.schemas.common import error_responses, route_responses
from filmhub.http.schemas.films import FilmOut
from filmhub.routes import handler_path
from filmhub.wiring import recommendation_service

router = APIGatewayHttpRouter()
TAGS = ["recommend"]
IdList = Annotated[list[UUID] | None, Query(description="Repeat the name or separate ids by commas")]


@router.post(
    "/recommend",
    summary="One film for the caller: from the wish list first, else from the catalog",
    description="Wanted genres are `genres_ids` and the genres of `moods_ids`; ids that name no genre or mood add "
    "nothing, and when every id given is unknown nothing is suitable (404).",
    tags=TAGS,
    security=BEARER,
    responses=route_responses(201, 401, 404, 422),
)
def recommend(
    moods_ids: IdList = None,
    genres_ids: IdList = None,
    movie_type: Annotated[Literal["movie", "tv"] | None, Query()] = None,
) -> tuple[FilmOut, int]:
    caller = required_caller(router)
    view = recommendation_service().recommend(
        caller.user_id,
        mood_ids=[str(mood_id) for mood_id in moods_ids or []],
        genre_ids=[str(genre_id) for genre_id in genres_ids or []],
        movie_type=movie_type,
    )
    return FilmOut.of(view), 201


@router.post(
    handler_path("/recommend/{film_id}/hide"),
    summary="Never recommend this film to the caller again",
    tags=TAGS,
    security=BEARER,
    responses={204: {"description": "Hidden"}, **error_responses(400, 401, 404)},
)
def hide(film_id: UUID) -> Response[None]:
    recommendation_service().hide(required_caller(router).user_id, str(film_id))
    return Response(204)


@router.delete(handler_path("/recommend/{film_id}/hide"), summary="Undo hiding a film", tags=TAGS, security=BEARER,
               responses={204: {"description": "Shown again"}, **error_responses(400, 401)})  # fmt: skip
def unhide(film_id: UUID) -> Response[None]:
    recommendation_service().unhide(required_caller(router).user_id, str(film_id))
    return Response(204)
