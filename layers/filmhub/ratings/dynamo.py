"""The ratings' DynamoDB adapter (see TABLE.md: rating, film state, film).

A score lives on the user's rating item in the film's partition and, copied in the same transaction, on the
user's film-state item beside the list flags.  A review lives on the same rating item.  Removing a score or
a review deletes the item when nothing else is left on it, otherwise removes just those attributes: tried in
that order, each conditioned on what it assumes, so a concurrent change can only make it fall through.
"""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import DeleteError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from filmhub.accounts.write_guard import CallerGuard, commit_guarded
from filmhub.core.entities import NO_FLAGS, Film, FilmFlags, half_points_to_score
from filmhub.films.dynamo import film_from_item, flags_from_state
from filmhub.ratings.ports import AggregateDelta, Position, Review
from filmhub.table.models import REVIEW_ORDER_PREFIX, FilmItem, FilmRating, FilmState, TableItem, UserItem
from filmhub.table.operations import batch_get, cancelled_by_condition, condition_failed, transaction

REVIEW_ATTRIBUTES = (
    FilmRating.username,
    FilmRating.review_text,
    FilmRating.spoiler,
    FilmRating.reviewed_at,
    FilmRating.review_updated_at,
    FilmRating.LSI1SK,
)


def review_from_item(item: FilmRating) -> Review:
    return Review(
        film_id=item.film_id,
        user_id=item.user_id,
        username=item.username or "",
        text=item.review_text or "",
        spoiler=bool(item.spoiler),
        score=half_points_to_score(int(item.half_points)) if item.half_points is not None else None,
        created_at=item.reviewed_at or "",
        updated_at=item.review_updated_at or "",
    )


def _rating(film_id: str, user_id: str) -> FilmRating:
    return FilmRating(*FilmRating.key(film_id, user_id))


def _owner_actions(film_id: str, user_id: str) -> list[Action]:
    """What makes a rating item whole when this write creates it."""
    return [FilmRating.kind.set(FilmRating), FilmRating.film_id.set(film_id), FilmRating.user_id.set(user_id)]


class DynamoRatingRepository:
    def film_with_flags(self, film_id: str, user_id: str) -> tuple[Film | None, FilmFlags]:
        items = batch_get([FilmItem.key(film_id), FilmState.key(user_id, film_id)], consistent_read=True)
        film = next((film_from_item(item) for item in items if isinstance(item, FilmItem)), None)
        flags = next((flags_from_state(item) for item in items if isinstance(item, FilmState)), NO_FLAGS)
        return film, flags

    def film_and_username(self, film_id: str, user_id: str) -> tuple[Film | None, str | None]:
        items = batch_get([FilmItem.key(film_id), UserItem.key(user_id)])
        film = next((film_from_item(item) for item in items if isinstance(item, FilmItem)), None)
        username = next((item.username for item in items if isinstance(item, UserItem)), None)
        return film, username

    def rate(self, film_id: str, user_id: str, half_points: int, at: str) -> bool:
        state = FilmState(*FilmState.key(user_id, film_id))

        def write(tx: TransactWrite) -> None:
            tx.condition_check(FilmItem, *FilmItem.key(film_id), condition=FilmItem.PK.exists())
            tx.update(
                _rating(film_id, user_id),
                actions=[*_owner_actions(film_id, user_id), FilmRating.half_points.set(half_points),
                         FilmRating.rated_at.set(at)],
            )  # fmt: skip
            tx.update(
                state,
                actions=[FilmState.kind.set(FilmState), FilmState.film_id.set(film_id),
                         FilmState.my_half_points.set(half_points)],
            )  # fmt: skip

        guard = CallerGuard(user_id)
        try:
            commit_guarded(guard, write)
        except TransactWriteError as error:
            if cancelled_by_condition(error, guard.actions):  # the film's check, right after the guard: it is gone
                return False
            raise
        return True

    def unrate(self, film_id: str, user_id: str) -> bool:
        rated = FilmRating.half_points.exists()
        clear_copy: list[Action] = [FilmState.my_half_points.remove()]
        # Nothing but the score on the item: delete it; with a review beside it: remove the score only.
        if self._write_with_state(film_id, user_id, None, rated & FilmRating.review_text.does_not_exist(), clear_copy):
            return True
        remove_score: list[Action] = [FilmRating.half_points.remove(), FilmRating.rated_at.remove()]
        return self._write_with_state(film_id, user_id, remove_score, rated, clear_copy)

    @staticmethod
    def _write_with_state(
        film_id: str, user_id: str, actions: list[Action] | None, condition: Condition, state_actions: list[Action]
    ) -> bool:
        """Delete (``actions`` None) or update the rating item under ``condition``, and update the state item."""
        try:
            with transaction() as tx:
                if actions is None:
                    tx.delete(_rating(film_id, user_id), condition=condition)
                else:
                    tx.update(_rating(film_id, user_id), actions=actions, condition=condition)
                tx.update(FilmState(*FilmState.key(user_id, film_id)), actions=state_actions)
        except TransactWriteError as error:
            if cancelled_by_condition(error, 0):
                return False
            raise
        return True

    def put_review(self, film_id: str, user_id: str, username: str, text: str, spoiler: bool, at: str) -> Review:
        item = _rating(film_id, user_id)
        item.update(
            actions=[
                *_owner_actions(film_id, user_id),
                FilmRating.username.set(username),
                FilmRating.review_text.set(text),
                FilmRating.spoiler.set(spoiler),
                FilmRating.reviewed_at.set(FilmRating.reviewed_at | at),
                FilmRating.review_updated_at.set(at),
                FilmRating.LSI1SK.set(FilmRating.review_order_key(at, user_id)),
            ]
        )
        return review_from_item(item)  # update() refreshes the item with every attribute it now has

    def delete_review(self, film_id: str, user_id: str) -> bool:
        reviewed = FilmRating.review_text.exists()
        try:
            _rating(film_id, user_id).delete(condition=reviewed & FilmRating.half_points.does_not_exist())
            return True
        except DeleteError as error:
            if not condition_failed(error):
                raise
        try:
            _rating(film_id, user_id).update(
                actions=[attribute.remove() for attribute in REVIEW_ATTRIBUTES], condition=reviewed
            )
        except UpdateError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def reviews(self, film_id: str, limit: int, start: Position) -> tuple[list[Review], Position]:
        pk, _ = FilmItem.key(film_id)
        results = TableItem.lsi1.query(
            pk,
            TableItem.LSI1SK.startswith(REVIEW_ORDER_PREFIX),
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=start,
        )
        reviews = [review_from_item(item) for item in results if isinstance(item, FilmRating)]
        return reviews, results.last_evaluated_key


class DynamoRatingAggregates:
    """The aggregate on the film item, written only by the stream aggregator."""

    def positions(self, film_ids: Sequence[str]) -> dict[str, str | None]:
        items = batch_get([FilmItem.key(film_id) for film_id in film_ids], consistent_read=True)
        return {item.id: item.rating_position for item in items if isinstance(item, FilmItem)}

    def apply(self, film_id: str, delta: AggregateDelta, expected_position: str | None) -> bool:
        unchanged = (
            FilmItem.rating_position == expected_position
            if expected_position is not None
            else FilmItem.rating_position.does_not_exist()
        )
        try:
            FilmItem(*FilmItem.key(film_id)).update(
                actions=[
                    FilmItem.rating_count.add(delta.count),
                    FilmItem.rating_half_points.add(delta.half_points),
                    FilmItem.rating_position.set(delta.last_position),
                ],
                condition=FilmItem.PK.exists() & unchanged,
            )
        except UpdateError as error:
            if condition_failed(error):
                return False
            raise
        return True
