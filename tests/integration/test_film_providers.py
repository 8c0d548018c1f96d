"""Search with TMDB, Kinopoisk and the LLM mocked at their HTTP boundary: imports, fallbacks, never a 5xx."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from functools import cache
from unittest import mock

import httpx
import httpx2
import pytest
import respx
from pydantic import SecretStr

from filmhub import wiring
from filmhub.core.entities import Film
from filmhub.core.ids import imported_film_id
from filmhub.films import dynamo as film_data
from filmhub.films.dynamo import bulk_put_films
from filmhub.seed.seeder import seed_catalog
from filmhub.settings import get_settings
from filmhub.table.models import ExternalIdClaim, FilmItem
from tests.support.api import ApiClient
from tests.support.aws import DynamoCallCounter
from tests.support.containers import container_clients
from tests.support.fixtures import make_films, new_user_token
from tests.support.providers import (
    KINOPOISK_URL,
    TMDB_PERSON,
    TMDB_URL,
    FakeLlm,
    candidates_json,
    chat_completion,
    kinopoisk_movie,
    kinopoisk_page,
    tmdb_movie,
    tmdb_movie_details,
    tmdb_page,
)

pytestmark = pytest.mark.usefixtures("aws")

SEARCH = f"{TMDB_URL}/search/multi"
KP_SEARCH = f"{KINOPOISK_URL}/v1.4/movie/search"
ARRIVAL = tmdb_movie(329865, "Прибытие", "Arrival", "2016-11-10", [18, 878, 9648])
ARRIVAL_ID = imported_film_id("tmdb", "movie", 329865)
#: Calls of one import, once per film ever (concurrently with the others): the index heads it may enter, then
#: its transaction.
IMPORT_CALLS = 2


@pytest.fixture
def http() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        router.get(url__startswith=f"{TMDB_URL}/movie/").mock(side_effect=_details)
        yield router


DETAILS = {
    329865: tmdb_movie_details(329865, "Прибытие", "Arrival", "2016-11-10", [(18, "драма")]),
    157336: tmdb_movie_details(157336, "Интерстеллар", "Interstellar", "2014-11-05", [(878, "фантастика")]),
}


def _details(request: httpx.Request) -> httpx.Response:
    details = DETAILS.get(int(request.url.path.rsplit("/", 1)[1]))
    return httpx.Response(200, json=details) if details else httpx.Response(404, json={"status_code": 34})


@pytest.fixture
def providers(aws: None, monkeypatch: pytest.MonkeyPatch, http: respx.MockRouter) -> Iterator[None]:
    """TMDB then Kinopoisk then the local catalog, with keys; the genres seeded."""
    seed_catalog()
    settings = get_settings().model_copy(
        update={
            "tmdb_api_key": SecretStr("tmdb-key"),
            "tmdb_base_url": TMDB_URL,
            "kinopoisk_api_key": SecretStr("kp-key"),
            "kinopoisk_base_url": KINOPOISK_URL,
        }
    )
    monkeypatch.setattr(wiring, "get_settings", lambda: settings)
    wiring.reset()
    yield
    wiring.reset()


def use_llm(monkeypatch: pytest.MonkeyPatch, llm: FakeLlm) -> None:
    monkeypatch.setattr(wiring, "title_suggester", cache(llm.suggester))
    wiring.reset()


def search(**query: object) -> list[dict]:
    response = ApiClient().get("/films/search", query=query)
    assert response.status == 200, response.json
    return response.json


@pytest.mark.usefixtures("providers")
def test_a_tmdb_result_is_imported_once_with_our_id(http: respx.MockRouter) -> None:
    route = http.get(SEARCH).respond(json=tmdb_page(ARRIVAL, TMDB_PERSON))
    kinopoisk = http.get(KP_SEARCH).respond(json=kinopoisk_page())
    with DynamoCallCounter().counting() as first:
        [found] = search(title="прибытие")
    assert found["id"] == ARRIVAL_ID
    assert (found["title"], found["release_year"], found["tmdb_id"], found["owner_id"]) == (
        "Прибытие",
        2016,
        329865,
        None,
    )
    assert found["country"] == "Великобритания"  # from the details call, in Russian
    assert found["poster_url"] == "https://image.tmdb.org/t/p/w500/poster329865.jpg"
    assert [g["name"] for g in found["genres"]] == ["драма"]
    assert route.calls.last.request.url.params["language"] == "ru-RU"
    assert kinopoisk.call_count == 0  # TMDB answered: Kinopoisk is the fallback
    assert first.calls["TransactWriteItems"] == 1
    assert first.total - IMPORT_CALLS * first.calls["TransactWriteItems"] <= 3

    with DynamoCallCounter().counting() as second:
        assert [f["id"] for f in search(title="прибытие")] == [ARRIVAL_ID]
    assert second.total <= 3
    assert "TransactWriteItems" not in second.calls
    assert ApiClient().get(f"/films/{ARRIVAL_ID}").json == found
    assert [f["id"] for f in search(title="ARRIV")] == [ARRIVAL_ID]  # indexed: found locally too
    claim = ExternalIdClaim.get(*ExternalIdClaim.key("tmdb", "movie", 329865))
    assert claim.film_id == ARRIVAL_ID


FAILURES = {
    "404": httpx.Response(404, json={"status_code": 34, "status_message": "The resource could not be found."}),
    "500": httpx.Response(500, json={"status_code": 11, "status_message": "Internal error."}),
    "malformed JSON": httpx.Response(200, text='{"page": 1, "results": [{"id": '),
    "timeout": httpx.ReadTimeout("read timed out"),
    "connection refused": httpx.ConnectError("refused"),
}


@pytest.mark.usefixtures("providers")
@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_failing_tmdb_falls_back_to_kinopoisk(http: respx.MockRouter, failure: str) -> None:
    answer = FAILURES[failure]
    http.get(SEARCH).mock(**({"side_effect": answer} if isinstance(answer, Exception) else {"return_value": answer}))
    http.get(KP_SEARCH).respond(json=kinopoisk_page(kinopoisk_movie(1143242, "Джентльмены", 2019, ["криминал"])))
    [found] = search(title="джентльмены")
    assert found["id"] == imported_film_id("kinopoisk", "movie", 1143242)
    assert (found["title"], found["country"], found["tmdb_id"]) == ("Джентльмены", "Франция", None)


@pytest.mark.usefixtures("providers")
@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_with_every_provider_down_the_local_catalog_answers(http: respx.MockRouter, failure: str) -> None:
    make_films(2, title_prefix="Джентльмены удачи")
    for url in (SEARCH, KP_SEARCH):
        answer = FAILURES[failure]
        http.get(url).mock(**({"side_effect": answer} if isinstance(answer, Exception) else {"return_value": answer}))
    found = search(title="джентльмены")
    assert sorted(f["title"] for f in found) == ["Джентльмены удачи 0", "Джентльмены удачи 1"]


@pytest.mark.usefixtures("providers")
def test_kinopoisk_results_with_a_tmdb_id_are_the_tmdb_film(http: respx.MockRouter) -> None:
    http.get(SEARCH).respond(json=tmdb_page(ARRIVAL))
    search(title="прибытие")
    http.get(SEARCH).respond(503)
    http.get(KP_SEARCH).respond(json=kinopoisk_page(kinopoisk_movie(893621, "Прибытие", 2016, ["драма"], tmdb=329865)))
    with DynamoCallCounter().counting() as counter:
        assert [f["id"] for f in search(title="прибытие")] == [ARRIVAL_ID]
    assert "TransactWriteItems" not in counter.calls


@pytest.mark.usefixtures("providers")
def test_concurrent_searches_import_one_film(http: respx.MockRouter) -> None:
    http.get(SEARCH).respond(json=tmdb_page(ARRIVAL))
    results: list[bool] = []
    original = film_data.put_new_film

    def recording(*args: object, **kwargs: object) -> bool:
        created = original(*args, **kwargs)  # type: ignore[arg-type]
        results.append(created)
        return created

    start = threading.Barrier(4)

    def one_search(client: ApiClient) -> list[str]:
        start.wait()
        response = client.get("/films/search", query={"title": "прибытие"})
        assert response.status == 200, response.json
        return [f["id"] for f in response.json]

    found: list[list[str]] = []
    # Four containers of the films function, as Lambda scales out: they share only the table.
    clients = container_clients(4, "films")
    with mock.patch.object(film_data, "put_new_film", recording):
        threads = [threading.Thread(target=lambda c=c: found.append(one_search(c))) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert found == [[ARRIVAL_ID]] * 4
    assert results.count(True) == 1
    assert FilmItem.count(FilmItem.key(ARRIVAL_ID)[0]) == 1


@pytest.mark.usefixtures("providers")
def test_description_search_looks_up_llm_candidates(http: respx.MockRouter, monkeypatch: pytest.MonkeyPatch) -> None:
    llm = FakeLlm.answering(
        "Похоже на это:\n```json\n"
        + candidates_json(("Интерстеллар", 2014, 0.4), ("Прибытие", 2016, 0.95))
        + "\n```\nУдачи!"
    )
    use_llm(monkeypatch, llm)
    answers = {
        "Прибытие": tmdb_page(ARRIVAL),
        "Интерстеллар": tmdb_page(tmdb_movie(157336, "Интерстеллар", "Interstellar", "2014-11-05", [12, 18, 878])),
    }
    http.get(SEARCH).mock(side_effect=lambda request: httpx.Response(200, json=answers[request.url.params["query"]]))
    with DynamoCallCounter().counting() as counter:
        found = search(description="инопланетяне прилетают, лингвист учит их язык", limit=5)
    assert [f["title"] for f in found] == ["Прибытие", "Интерстеллар"]  # most confident first
    assert counter.total - IMPORT_CALLS * counter.calls["TransactWriteItems"] <= 3
    assert "лингвист" in llm.requests[0]["messages"][-1]["content"]


LLM_FAILURES = {
    "refusal": lambda: FakeLlm.answering(None, refusal="I can't help with that."),
    "500": lambda: FakeLlm.answering(None, status=500),
    "prose without JSON": lambda: FakeLlm.answering("Это, наверное, какой-то фильм про тюрьму."),
    "malformed JSON": lambda: FakeLlm(lambda _r: httpx2.Response(200, text='{"choices": [')),
    "timeout": lambda: FakeLlm(lambda _r: (_ for _ in ()).throw(httpx2.ReadTimeout("slow"))),
    "wrong schema": lambda: FakeLlm(lambda _r: httpx2.Response(200, json=chat_completion('{"films": ["X"]}'))),
}


@pytest.mark.usefixtures("providers")
@pytest.mark.parametrize("failure", sorted(LLM_FAILURES))
def test_llm_failures_fall_back_to_keyword_search(
    http: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    use_llm(monkeypatch, LLM_FAILURES[failure]())
    search_route = http.get(SEARCH).respond(json=tmdb_page())
    make_films(3)
    wanted = Film(id=str(uuid.uuid4()), title="Язык", description="Лингвист расшифровывает язык пришельцев.")
    bulk_put_films([(wanted, None)], "2026-01-01T00:00:00+00:00")
    response = ApiClient(token=new_user_token()).get(
        "/films/search", query={"description": "лингвисты расшифровали язык", "limit": 3}
    )
    assert response.status == 200
    assert [f["id"] for f in response.json] == [wanted.id]
    assert search_route.call_count == 0  # keyword search is local only
