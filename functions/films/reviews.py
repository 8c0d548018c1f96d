"""PUT|DELETE /films/{id}/rating, PUT|DELETE /films/{id}/review, GET /films/{id}/reviews."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.auth import BEARER, required_caller
from filmhub.http.paging import NEXT_PAGE_DESCRIPTION, page_response
from filmhub.http.schemas.common import error_responses, route_responses
from filmhub.http.schemas.films import FilmOut
from filmhub.http.schemas.ratings import RatingIn, ReviewIn, ReviewOut
from filmhub.ratings.bounds import DEFAULT_REVIEWS_PAGE, MAX_REVIEWS_PAGE
from filmhub.routes import handler_path
from filmhub.wiring import rating_service

router = APIGatewayHttpRouter()

TAGS = ["ratings"]
AGGREGATE_NOTE = (
    "The film's `rating` (average and count) is updated from the table's stream within seconds, so the film in "
    "this answer shows the caller's `my_rating` at once and the aggregate as it was."
)


@router.put(
    handler_path("/films/{film_id}/rating"),
    summary="Rate a film (0.5-5.0 in steps of 0.5); rating again replaces the score",
    description=AGGREGATE_NOTE,
    tags=TAGS,
    security=BEARER,
    responses=route_responses(200, 400, 401, 404, 409, 422),
)
def rate_film(film_id: UUID, body: RatingIn) -> FilmOut:
    caller = required_caller(router)
    return FilmOut.of(rating_service().rate(caller.user_id, str(film_id), body.score))


@router.delete(
    handler_path("/films/{film_id}/rating"),
    summary="Remove the caller's score of a film (a review stays)",
    tags=TAGS,
    security=BEARER,
    responses={204: {"description": "Removed"}, **error_responses(400, 401, 404, 409)},
)
def unrate_film(film_id: UUID) -> Response[None]:
    caller = required_caller(router)
    rating_service().unrate(caller.user_id, str(film_id))
    return Response(204)


@router.put(
    handler_path("/films/{film_id}/review"),
    summary="Write or replace the caller's review of a film (plain text)",
    tags=TAGS,
    security=BEARER,
    responses=route_responses(200, 400, 401, 404, 422),
)
def review_film(film_id: UUID, body: ReviewIn) -> ReviewOut:
    caller = required_caller(router)
    return ReviewOut.of(rating_service().review(caller.user_id, str(film_id), body.text, body.spoiler))


@router.delete(
    handler_path("/films/{film_id}/review"),
    summary="Delete the caller's review of a film (a score stays)",
    tags=TAGS,
    security=BEARER,
    responses={204: {"description": "Deleted"}, **error_responses(400, 401, 404)},
)
def delete_review(film_id: UUID) -> Response[None]:
    caller = required_caller(router)
    rating_service().delete_review(caller.user_id, str(film_id))
    return Response(204)


@router.get(
    handler_path("/films/{film_id}/reviews"),
    summary="A film's reviews, newest first, with each author's username and score (public)",
    description=f"Spoilers are flagged, never hidden. {NEXT_PAGE_DESCRIPTION}",
    tags=TAGS,
    responses=route_responses(200, 400, 422),
)
def list_reviews(
    film_id: UUID,
    limit: Annotated[int, Query(ge=1, le=MAX_REVIEWS_PAGE)] = DEFAULT_REVIEWS_PAGE,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Response[list[ReviewOut]]:
    page = rating_service().reviews(str(film_id), limit, cursor)
    reviews = [ReviewOut.of(review) for review in page.reviews]
    return page_response(reviews, f"/films/{film_id}/reviews", page.next_cursor, {"limit": limit})
