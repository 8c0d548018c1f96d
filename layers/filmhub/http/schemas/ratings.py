"""Ratings and reviews: a score, a review's text, and a review as anyone reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field, Strict, StrictBool, StringConstraints

from filmhub.http.schemas.common import ApiModel

if TYPE_CHECKING:
    from filmhub.ratings.ports import Review

#: Strict: a number, not a numeric string or a boolean.
Score = Annotated[float, Strict(), Field(ge=0.5, le=5.0, multiple_of=0.5, description="0.5 to 5.0 in steps of 0.5")]
MAX_REVIEW_LENGTH = 10_000


class RatingIn(ApiModel):
    score: Score


class ReviewIn(ApiModel):
    text: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REVIEW_LENGTH),
        Field(description="Plain text, stored and returned as sent (never interpreted as HTML)"),
    ]
    spoiler: StrictBool = Field(default=False, description="Flags the review; clients decide how to hide it")


class ReviewOut(ApiModel):
    film_id: str
    user_id: str
    username: str = Field(description="The author's username when the review was last written")
    text: str = Field(description="Plain text: escape it before putting it in HTML")
    spoiler: bool
    rating: float | None = Field(description="The author's score of the film, null when unrated")
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, review: Review) -> ReviewOut:
        return cls(
            film_id=review.film_id,
            user_id=review.user_id,
            username=review.username,
            text=review.text,
            spoiler=review.spoiler,
            rating=review.score,
            created_at=review.created_at,
            updated_at=review.updated_at,
        )
