"""Ratings and reviews: one score and one review per user and film.

The score is written to the user's own rating item and copied beside the user's list flags in one
transaction; the film's average and count follow within seconds through the stream aggregator
(``aggregator.py``), so no request ever writes to the film item itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from filmhub.core.clock import utc_now
from filmhub.core.entities import FilmView, score_to_half_points
from filmhub.core.errors import NotFound, UnknownCaller
from filmhub.ratings.bounds import DEFAULT_REVIEWS_PAGE
from filmhub.ratings.ports import RatingRepository, Review, ReviewPage
from filmhub.security.cursors import CursorCodec

FILM_NOT_FOUND = "Film not found"
RATING_NOT_FOUND = "Rating not found"
REVIEW_NOT_FOUND = "Review not found"


class RatingService:
    def __init__(self, repository: RatingRepository, cursors: CursorCodec, clock: Callable[[], str] = utc_now) -> None:
        self._repository = repository
        self._cursors = cursors
        self._clock = clock

    def rate(self, user_id: str, film_id: str, score: float) -> FilmView:
        """The film as the caller sees it after rating it (its aggregate catches up within seconds)."""
        film, flags = self._repository.film_with_flags(film_id, user_id)
        if film is None or not self._repository.rate(film_id, user_id, score_to_half_points(score), self._clock()):
            raise NotFound(FILM_NOT_FOUND)
        return FilmView(film, replace(flags, my_rating=score))

    def unrate(self, user_id: str, film_id: str) -> None:
        if not self._repository.unrate(film_id, user_id):
            raise NotFound(RATING_NOT_FOUND)

    def review(self, user_id: str, film_id: str, text: str, spoiler: bool) -> Review:
        film, username = self._repository.film_and_username(film_id, user_id)
        if film is None:
            raise NotFound(FILM_NOT_FOUND)
        if username is None:  # a signed token of an account that is gone
            raise UnknownCaller()
        return self._repository.put_review(film_id, user_id, username, text, spoiler, self._clock())

    def delete_review(self, user_id: str, film_id: str) -> None:
        if not self._repository.delete_review(film_id, user_id):
            raise NotFound(REVIEW_NOT_FOUND)

    def reviews(self, film_id: str, limit: int = DEFAULT_REVIEWS_PAGE, cursor: str | None = None) -> ReviewPage:
        """A page of the film's reviews, newest first; an unknown film simply has none."""
        scope = f"reviews:{film_id}"
        start = self._cursors.decode(scope, cursor) if cursor is not None else None
        reviews, position = self._repository.reviews(film_id, limit, start)
        return ReviewPage(reviews, None if position is None else self._cursors.encode(scope, position))
