"""What the rating service talks to: ratings and reviews as stored, and the film aggregate the stream keeps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from filmhub.core.entities import Film, FilmFlags

#: Where a listing stopped: an opaque table position, or None at the end.
Position = dict[str, Any] | None


@dataclass(frozen=True)
class Review:
    film_id: str
    user_id: str
    #: The author's username when the review was last written.
    username: str
    text: str
    spoiler: bool
    #: The author's score of the film, None when only reviewed.
    score: float | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class ReviewPage:
    reviews: list[Review]
    next_cursor: str | None


class RatingRepository(Protocol):
    def film_with_flags(self, film_id: str, user_id: str) -> tuple[Film | None, FilmFlags]:
        """The film and the user's flags on it, in one read."""
        ...

    def film_and_username(self, film_id: str, user_id: str) -> tuple[Film | None, str | None]:
        """The film and the user's username, in one read."""
        ...

    def rate(self, film_id: str, user_id: str, half_points: int, at: str) -> bool:
        """Set the user's score of the film (and its copy beside the user's flags); False when the film is gone."""
        ...

    def unrate(self, film_id: str, user_id: str) -> bool:
        """Remove the user's score (a review stays); False when there was none."""
        ...

    def put_review(self, film_id: str, user_id: str, username: str, text: str, spoiler: bool, at: str) -> Review:
        """Write or replace the user's review of the film; returns it with the user's score."""
        ...

    def delete_review(self, film_id: str, user_id: str) -> bool:
        """Remove the user's review (a score stays); False when there was none."""
        ...

    def reviews(self, film_id: str, limit: int, start: Position) -> tuple[list[Review], Position]:
        """The film's reviews, newest edit first, from ``start``."""
        ...


@dataclass(frozen=True)
class RatingChange:
    """One rating's change as the table's stream saw it: its score before and after (None: no score)."""

    film_id: str
    #: ``<stream label>/<sequence number>``: orders the changes of one film, as the stream delivers them.
    position: str
    before: int | None
    after: int | None


@dataclass(frozen=True)
class AggregateDelta:
    """What a run of changes adds to a film's aggregate, and the position of the last of them."""

    count: int
    half_points: int
    last_position: str


class RatingAggregates(Protocol):
    def positions(self, film_ids: Sequence[str]) -> dict[str, str | None]:
        """Each existing film's last folded position (None: nothing folded yet); missing films are absent."""
        ...

    def apply(self, film_id: str, delta: AggregateDelta, expected_position: str | None) -> bool:
        """Add ``delta`` to the film's aggregate if its position is still ``expected_position``; False otherwise."""
        ...
