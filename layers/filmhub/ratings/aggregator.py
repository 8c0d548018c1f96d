"""Folds rating changes from the table's stream into each film's aggregate: one conditional write per film a batch.

A popular film's ratings never contend for one item on the request path: each user's score is its own item
and this aggregator, fed by DynamoDB Streams, adds a whole batch's changes to the film in one UpdateItem.

Exactly once although the stream delivers at least once (a retried batch, a bisected batch, a batch resumed
after a partial failure): every rating of a film shares the film's partition key, so their changes arrive in
order on one shard, and the film stores the position of the last change it folded.  A batch reads those
positions first and folds only the changes past them; the write is conditioned on the position it read.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from filmhub.ratings.ports import AggregateDelta, RatingAggregates, RatingChange

log = logging.getLogger(__name__)

#: DynamoDB Streams sequence numbers are decimal strings of up to 40 digits: padded, they compare as text.
SEQUENCE_DIGITS = 40


def stream_position(stream_arn: str, sequence_number: str) -> str:
    """``<stream label>/<padded sequence number>``: increases along one stream, and from a stream to the next
    one of the same table (labels are creation times), so a recreated stream never looks already folded."""
    label = stream_arn.rsplit("/stream/", 1)[1] if "/stream/" in stream_arn else ""
    return f"{label}/{sequence_number.zfill(SEQUENCE_DIGITS)}"


def fold(changes: Sequence[RatingChange]) -> AggregateDelta:
    """What the changes add: each counts a score that appears (+1), disappears (-1) or changes (0)."""
    count = sum((change.after is not None) - (change.before is not None) for change in changes)
    half_points = sum((change.after or 0) - (change.before or 0) for change in changes)
    return AggregateDelta(count=count, half_points=half_points, last_position=max(c.position for c in changes))


class RatingAggregator:
    def __init__(self, aggregates: RatingAggregates) -> None:
        self._aggregates = aggregates

    def apply(self, changes: Sequence[RatingChange]) -> list[RatingChange]:
        """Fold the changes into their films; returns the changes of the films that could not be written
        (to be delivered again).  Changes of films that no longer exist are dropped."""
        by_film: dict[str, list[RatingChange]] = {}
        for change in changes:
            by_film.setdefault(change.film_id, []).append(change)
        if not by_film:
            return []
        positions = self._aggregates.positions(list(by_film))
        failed: list[RatingChange] = []
        for film_id, film_changes in by_film.items():
            if film_id not in positions:
                log.warning("ratings of a missing film dropped", extra={"film_id": film_id})
                continue
            folded = positions[film_id]
            fresh = [change for change in film_changes if folded is None or change.position > folded]
            if not fresh:
                continue  # delivered again: already folded
            delta = fold(fresh)
            if delta.count == 0 and delta.half_points == 0:
                continue  # e.g. only review edits: nothing to add, and adding nothing twice is harmless
            try:
                written = self._aggregates.apply(film_id, delta, folded)
            except Exception:
                log.exception("could not fold ratings", extra={"film_id": film_id})
                written = False
            if not written:
                failed.extend(film_changes)
        return failed
