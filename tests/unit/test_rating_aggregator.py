"""The stream aggregator over an in-memory aggregate store: exact folding, at-least-once delivery, partial failures."""

from __future__ import annotations

from filmhub.ratings.aggregator import RatingAggregator, fold, stream_position
from filmhub.ratings.ports import RatingChange
from filmhub.ratings.stream import handle_stream_event
from tests.support.fakes.diary import InMemoryRatingAggregates, StoredAggregate

ARN = "arn:aws:dynamodb:eu-central-1:1:table/filmhub/stream/2026-01-01T00:00:00.000"


def change(film: str, sequence: int, before: int | None, after: int | None) -> RatingChange:
    return RatingChange(film, stream_position(ARN, str(sequence)), before, after)


def store(*films: str) -> InMemoryRatingAggregates:
    return InMemoryRatingAggregates({film: StoredAggregate() for film in films})


def test_insert_modify_and_remove_fold_into_count_and_half_points() -> None:
    delta = fold([change("f", 1, None, 8), change("f", 2, 8, 3), change("f", 3, None, 10), change("f", 4, 10, None)])
    assert (delta.count, delta.half_points) == (1, 3)


def test_positions_compare_by_number_and_a_later_stream_is_always_later() -> None:
    assert stream_position(ARN, "9") < stream_position(ARN, "10")
    newer = ARN.replace("2026-01-01", "2026-02-01")
    assert stream_position(newer, "1") > stream_position(ARN, "99999999999999999999")


def test_one_write_per_film_per_batch() -> None:
    aggregates = store("a", "b")
    RatingAggregator(aggregates).apply([change("a", n, None, 2) for n in range(1, 50)] + [change("b", 50, None, 4)])
    assert aggregates.writes == 2
    assert (aggregates.films["a"].count, aggregates.films["a"].half_points) == (49, 98)


def test_a_redelivered_batch_changes_nothing_and_an_overlapping_one_adds_only_the_new_changes() -> None:
    aggregates = store("f")
    aggregator = RatingAggregator(aggregates)
    first = [change("f", 1, None, 6), change("f", 2, None, 4)]
    aggregator.apply(first)
    aggregator.apply(first)
    assert (aggregates.films["f"].count, aggregates.films["f"].half_points) == (2, 10)
    aggregator.apply([first[1], change("f", 3, 4, 10)])  # resumed from a failed record, then a new change
    assert (aggregates.films["f"].count, aggregates.films["f"].half_points) == (2, 16)


def test_a_film_that_cannot_be_written_is_returned_for_redelivery_and_others_are_folded() -> None:
    aggregates = store("ok", "bad")
    aggregates.failing.add("bad")
    failed = RatingAggregator(aggregates).apply([change("bad", 1, None, 2), change("ok", 2, None, 2)])
    assert [c.film_id for c in failed] == ["bad"]
    assert aggregates.films["ok"].count == 1
    assert aggregates.films["bad"].count == 0


def test_ratings_of_a_missing_film_are_dropped_not_retried_forever() -> None:
    assert RatingAggregator(store()).apply([change("gone", 1, None, 2)]) == []


def _record(film: str, sequence: int, sort_key: str, old: int | None, new: int | None) -> dict:
    images: dict = {"Keys": {"PK": {"S": f"FILM#{film}"}, "SK": {"S": sort_key}}, "SequenceNumber": str(sequence)}
    if old is not None:
        images["OldImage"] = {"half_points": {"N": str(old)}}
    if new is not None:
        images["NewImage"] = {"half_points": {"N": str(new)}}
    return {"eventName": "MODIFY", "eventSourceARN": ARN, "dynamodb": images}


def test_the_lambda_answer_names_every_record_of_a_failed_film_and_ignores_other_items() -> None:
    aggregates = store("ok", "bad")
    aggregates.failing.add("bad")
    event = {
        "Records": [
            _record("bad", 11, "RATING#u1", None, 3),
            _record("ok", 12, "RATING#u2", None, 5),
            _record("ok", 13, "FILM", None, None),
            _record("bad", 14, "RATING#u3", 3, 4),
        ]
    }
    answer = handle_stream_event(event, RatingAggregator(aggregates))
    assert answer == {"batchItemFailures": [{"itemIdentifier": "11"}, {"itemIdentifier": "14"}]}
    assert (aggregates.films["ok"].count, aggregates.films["ok"].half_points) == (1, 5)
