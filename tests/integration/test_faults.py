"""Faults of the table and the bucket, injected below botocore's retries (its standard mode retries each
call up to three more times): a transient fault is retried away; a persistent one is a 503 with
``Retry-After``; an error no retry can fix is a bare 500 envelope, never a traceback.

Other faults are covered where their feature is tested:

- S3 down during a poster upload or delete → 503, the film and the bucket unchanged:
  ``test_posters.py::test_storage_failure_is_503_and_changes_nothing``; the table refusing the new poster
  deletes the uploaded object: ``test_a_failed_table_write_deletes_the_new_object``.
- TMDB / Kinopoisk timeouts, 5xx, refused connections and malformed JSON → the next provider or the local
  catalog; the LLM's refusals, 5xx, timeouts and garbage → keyword search; never a 5xx:
  ``test_film_providers.py`` (``FAILURES``, ``LLM_FAILURES``).
- A crash between the two steps of a list delete → repeating the delete finishes it and leaves no entry:
  ``test_watchlists.py::test_interrupted_delete_is_finished_by_a_repeat``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.retries.standard import ExponentialBackoff

from filmhub.seed.seeder import seed_catalog
from filmhub.table.models import FilmItem
from filmhub.wiring import poster_storage
from tests.support.api import ApiClient, ApiResponse
from tests.support.aws import Failure, dynamodb_error, failing_attempts, failing_dynamodb, s3_error
from tests.support.fixtures import make_films, make_mix, register_user
from tests.support.media import TINY_JPEG, multipart_form

pytestmark = pytest.mark.usefixtures("aws")

#: PynamoDB's botocore client: standard retry mode, 1 + ``max_retry_attempts`` (3) attempts per call.
ATTEMPTS = 4
TRANSIENT = {
    "throttled": dynamodb_error("ProvisionedThroughputExceededException"),
    "throttling": dynamodb_error("ThrottlingException"),
    "request limit": dynamodb_error("RequestLimitExceeded"),
    "internal error": dynamodb_error("InternalServerError", status=500),
    "unavailable": dynamodb_error("ServiceUnavailable", status=503),
    "connection lost": lambda: EndpointConnectionError(endpoint_url="https://dynamodb.test"),
}
Request = Callable[[ApiClient], ApiResponse]


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without their jittered sleeps (up to seconds for throttling), to keep the suite fast."""
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.fixture
def user(api: ApiClient) -> ApiClient:
    seed_catalog()
    _, api.token = register_user(api)
    return api


def requests_by_operation() -> dict[str, Request]:
    """One request for each kind of DynamoDB call a request path makes (first call of each request)."""
    film_id = make_films(1)[0].id
    mix_id = make_mix([film_id])
    return {
        "GetItem": lambda api: api.get("/me/watchlists/liked"),
        "Query": lambda api: api.get("/genres"),
        "Query + BatchGetItem": lambda api: api.get(f"/mix/{mix_id}/items"),
        "BatchGetItem": lambda api: api.get(f"/films/{film_id}"),
        "UpdateItem": lambda api: api.post("/auth/telegram/get_auth_key"),
        "TransactWriteItems": lambda api: api.post("/films", json_body={"title": "Сбой", "description": "x"}),
        "PutItem": lambda api: api.post("/me/watchlists", json_body={"title": "Сбой"}),
    }


@pytest.mark.parametrize("fault", sorted(TRANSIENT))
def test_a_transient_fault_is_retried_away(user: ApiClient, fault: str) -> None:
    with failing_dynamodb(TRANSIENT[fault], times=ATTEMPTS - 1) as failed:
        response = user.get("/me/watchlists/liked")
    assert response.status == 200, response.json
    assert failed == ["GetItem"] * (ATTEMPTS - 1)  # the last attempt reached the table


@pytest.mark.parametrize("fault", sorted(TRANSIENT))
def test_a_persistent_fault_is_503_with_retry_after(user: ApiClient, fault: str) -> None:
    with failing_dynamodb(TRANSIENT[fault]) as failed:
        response = user.get("/me/watchlists/liked")
    assert response.status == 503
    assert response.headers["retry-after"] == "1"
    assert response.json == {"status_code": 503, "detail": "Service temporarily unavailable"}
    assert failed == ["GetItem"] * ATTEMPTS


def test_every_kind_of_call_fails_over_to_503(user: ApiClient) -> None:
    requests = requests_by_operation()
    answers = {}
    for name, request in requests.items():
        with failing_dynamodb(dynamodb_error("ProvisionedThroughputExceededException")) as failed:
            response = request(user)
        answers[name] = (response.status, response.headers.get("retry-after"), len(failed))
    assert answers == dict.fromkeys(requests, (503, "1", ATTEMPTS))


def test_a_transaction_cancelled_for_throttling_is_503(user: ApiClient) -> None:
    reasons = [{"Code": "ThrottlingError", "Message": "Throughput exceeds the current capacity"}] * 3
    cancelled = dynamodb_error("TransactionCanceledException", CancellationReasons=reasons)
    with failing_dynamodb(cancelled, operation="TransactWriteItems") as failed:
        response = user.post("/films", json_body={"title": "Сбой", "description": "x"})
    assert (response.status, response.headers["retry-after"]) == (503, "1")
    assert failed == ["TransactWriteItems"]  # botocore does not retry a cancellation; the caller may


def test_a_throttled_recommendation_record_is_503_not_404(user: ApiClient) -> None:
    """The last write of POST /recommend is a transaction (the film must still exist): a cancellation for
    throttling is the table's trouble, not a missing film."""
    make_films(3)
    reasons = [{"Code": "None"}, {"Code": "ThrottlingError", "Message": "Throughput exceeds the current capacity"}]
    cancelled = dynamodb_error("TransactionCanceledException", CancellationReasons=reasons)
    with failing_dynamodb(cancelled, operation="TransactWriteItems") as failed:
        response = user.post("/recommend", json_body={})
    assert (response.status, response.headers.get("retry-after")) == (503, "1"), response.json
    assert failed == ["TransactWriteItems"]


def test_an_error_no_retry_fixes_is_a_bare_500_at_once(user: ApiClient) -> None:
    with failing_dynamodb(dynamodb_error("AccessDeniedException")) as failed:
        response = user.get("/me/watchlists/liked")
    assert response.status == 500
    assert response.json == {"status_code": 500, "detail": "Internal Server Error"}
    assert failed == ["GetItem"]  # not retried


def test_poster_storage_retries_a_flaky_bucket(user: ApiClient) -> None:
    film_id = user.post("/films", json_body={"title": "Постер", "description": "x"}).json["id"]
    body, content_type = multipart_form(TINY_JPEG)
    s3 = poster_storage()._client  # type: ignore[attr-defined]
    with failing_attempts(s3, s3_error("InternalError"), times=2) as failed:
        assert user.put(f"/films/{film_id}/poster", body=body, content_type=content_type).status == 204
    assert failed == ["PutObject", "PutObject"]
    assert FilmItem.get(*FilmItem.key(film_id)).poster_key is not None


@pytest.mark.parametrize("failure", [s3_error("SlowDown", 503), s3_error("InternalError")])
def test_a_bucket_that_stays_down_is_503_and_the_film_unchanged(user: ApiClient, failure: Failure) -> None:
    film_id = user.post("/films", json_body={"title": "Постер", "description": "x"}).json["id"]
    before = FilmItem.get(*FilmItem.key(film_id)).serialize()
    body, content_type = multipart_form(TINY_JPEG)
    with failing_attempts(poster_storage()._client, failure) as failed:  # type: ignore[attr-defined]
        response = user.put(f"/films/{film_id}/poster", body=body, content_type=content_type)
    assert (response.status, response.headers["retry-after"]) == (503, "1")
    assert failed == ["PutObject"] * 4  # the bucket's client: standard mode, three retries
    assert FilmItem.get(*FilmItem.key(film_id)).serialize() == before
