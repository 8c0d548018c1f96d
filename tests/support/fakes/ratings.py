"""The ratings port in memory: one rating item per (film, user), its score copied beside the user's flags."""

from __future__ import annotations

from dataclasses import replace

from filmhub.core.entities import NO_FLAGS, Film, FilmFlags, half_points_to_score
from filmhub.ratings.ports import Position, Review
from tests.support.fakes.table import FilmStateItem, MemoryTable, RatingItem, newest_first_page


class InMemoryRatingRepository:
    def __init__(self, table: MemoryTable) -> None:
        self.table = table

    def film_with_flags(self, film_id: str, user_id: str) -> tuple[Film | None, FilmFlags]:
        self.table.call("ratings.film_with_flags")
        state = self.table.states.get((user_id, film_id))
        return self._film(film_id), state.flags if state else NO_FLAGS

    def film_and_username(self, film_id: str, user_id: str) -> tuple[Film | None, str | None]:
        self.table.call("ratings.film_and_username")
        account = self.table.accounts.get(user_id)
        return self._film(film_id), account.user.username if account else None

    def rate(self, film_id: str, user_id: str, half_points: int, at: str) -> bool:
        self.table.call("ratings.rate")
        film = self._film(film_id)
        if film is None:  # the transaction's condition check on the film
            return False
        self.table.ratings.setdefault((film_id, user_id), RatingItem()).half_points = half_points
        state = self.table.states.setdefault(
            (user_id, film_id), FilmStateItem(film_id, frozenset(g.id for g in film.genres), film.film_type)
        )
        state.my_half_points = half_points
        return True

    def unrate(self, film_id: str, user_id: str) -> bool:
        self.table.call("ratings.unrate")
        rating = self.table.ratings.get((film_id, user_id))
        if rating is None or rating.half_points is None:
            return False
        rating.half_points = None
        self._drop_if_empty(film_id, user_id, rating)
        if state := self.table.states.get((user_id, film_id)):
            state.my_half_points = None
        return True

    def put_review(self, film_id: str, user_id: str, username: str, text: str, spoiler: bool, at: str) -> Review:
        self.table.call("ratings.put_review")
        rating = self.table.ratings.setdefault((film_id, user_id), RatingItem())
        created = rating.review.created_at if rating.review else at
        score = None if rating.half_points is None else half_points_to_score(rating.half_points)
        rating.review = Review(film_id, user_id, username, text, spoiler, score, created, at)
        return rating.review

    def delete_review(self, film_id: str, user_id: str) -> bool:
        self.table.call("ratings.delete_review")
        rating = self.table.ratings.get((film_id, user_id))
        if rating is None or rating.review is None:
            return False
        rating.review = None
        self._drop_if_empty(film_id, user_id, rating)
        return True

    def reviews(self, film_id: str, limit: int, start: Position) -> tuple[list[Review], Position]:
        self.table.call("ratings.reviews")
        rows = {
            f"{rating.review.updated_at}#{user_id}": self._with_score(rating.review, rating.half_points)
            for (rated_film, user_id), rating in self.table.ratings.items()
            if rated_film == film_id and rating.review is not None
        }
        return newest_first_page(rows, start, limit)

    def _film(self, film_id: str) -> Film | None:
        stored = self.table.films.get(film_id)
        return stored.film if stored else None

    def _drop_if_empty(self, film_id: str, user_id: str, rating: RatingItem) -> None:
        if rating.half_points is None and rating.review is None:
            del self.table.ratings[film_id, user_id]

    @staticmethod
    def _with_score(review: Review, half_points: int | None) -> Review:
        """The review with the author's current score, as the rating item holds both."""
        return replace(review, score=None if half_points is None else half_points_to_score(half_points))
