"""TMDB, Kinopoisk and the LLM against mocked HTTP: normalization, retries, timeouts, the circuit breaker."""

from __future__ import annotations

import itertools
import json

import httpx
import httpx2
import pytest
import respx

from filmhub.core.ids import imported_film_id
from filmhub.films.importer import external_film_id, external_ref
from filmhub.films.ports import ExternalRef
from filmhub.providers.base import CircuitBreaker, ProviderError
from filmhub.providers.kinopoisk import KinopoiskProvider
from filmhub.providers.llm import parse_candidates
from filmhub.providers.tmdb import TmdbProvider
from tests.support.fakes.clock import FrozenClock
from tests.support.providers import (
    KINOPOISK_URL,
    TMDB_PERSON,
    TMDB_URL,
    FakeLlm,
    candidates_json,
    kinopoisk_movie,
    kinopoisk_page,
    tmdb_movie,
    tmdb_movie_details,
    tmdb_page,
    tmdb_tv,
)

SEARCH = f"{TMDB_URL}/search/multi"


def names(film: object) -> list[str]:
    return [genre.name for genre in film.genres]  # type: ignore[attr-defined]


# --- TMDB ---------------------------------------------------------------------------------


@respx.mock
def test_tmdb_search_normalizes_movies_and_tv_and_skips_people() -> None:
    route = respx.get(SEARCH).respond(
        json=tmdb_page(
            tmdb_movie(278, "Побег из Шоушенка", "The Shawshank Redemption", "1994-09-23", [18, 80]),
            TMDB_PERSON,
            tmdb_tv(1396, "Во все тяжкие", "Breaking Bad", "2008-01-20", [18, 10759]),
        )
    )
    movie, show = TmdbProvider("v3-key", TMDB_URL).find("побег", 10)
    request = route.calls.last.request
    assert request.url.params["language"] == "ru-RU"
    assert request.url.params["api_key"] == "v3-key"
    assert request.url.params["query"] == "побег"
    assert (movie.title, movie.original_title, movie.release_year, movie.film_type) == (
        "Побег из Шоушенка",
        "The Shawshank Redemption",
        1994,
        "movie",
    )
    assert movie.poster_url == "https://image.tmdb.org/t/p/w500/poster278.jpg"
    assert names(movie) == ["драма", "криминал"]
    assert movie.tmdb_id == 278
    assert not movie.complete
    assert (show.title, show.film_type, show.release_year, show.country) == ("Во все тяжкие", "tv", 2008, "США")
    assert names(show) == ["драма", "боевик", "приключения"]
    assert external_film_id(movie) == imported_film_id("tmdb", "movie", 278)


@respx.mock
def test_tmdb_v4_token_is_a_bearer_header() -> None:
    route = respx.get(SEARCH).respond(json=tmdb_page())
    TmdbProvider("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", TMDB_URL).find("x", 5)
    request = route.calls.last.request
    assert request.headers["authorization"].startswith("Bearer eyJ")
    assert "api_key" not in request.url.params


@respx.mock
def test_tmdb_details_add_the_production_country_in_russian() -> None:
    respx.get(SEARCH).respond(json=tmdb_page(tmdb_movie(11, "Звёздные войны", "Star Wars", "1977-05-25", [12])))
    respx.get(f"{TMDB_URL}/movie/11").respond(
        json=tmdb_movie_details(11, "Звёздные войны", "Star Wars", "1977-05-25", [(12, "приключения"), (878, "x")])
    )
    provider = TmdbProvider("key", TMDB_URL)
    [found] = provider.find("звёздные", 10)
    complete = provider.complete(found)
    assert complete.complete
    assert complete.country == "Великобритания"
    assert names(complete) == ["приключения", "фантастика"]
    assert complete.description == "Полное описание фильма «Звёздные войны»."


@respx.mock
def test_tmdb_details_failing_keeps_what_search_gave() -> None:
    respx.get(SEARCH).respond(json=tmdb_page(tmdb_movie(12, "Фильм", "Film", "2001-01-01", [35])))
    respx.get(f"{TMDB_URL}/movie/12").respond(404, json={"status_code": 34, "status_message": "not found"})
    provider = TmdbProvider("key", TMDB_URL)
    [found] = provider.find("фильм", 10)
    assert provider.complete(found) == found


@respx.mock
@pytest.mark.parametrize(
    ("response", "attempts"),
    [
        (httpx.Response(500, json={"status_message": "boom"}), 2),  # retried once
        (httpx.Response(503, text="Service Unavailable"), 2),
        (httpx.Response(404, json={"status_code": 34}), 1),  # a 4xx is not retried
        (httpx.Response(401, json={"status_code": 7, "status_message": "Invalid API key"}), 1),
        (httpx.Response(200, text="<html>gateway</html>"), 1),  # malformed JSON
        (httpx.Response(200, json={"results": "not a list"}), 1),  # JSON of the wrong shape
    ],
)
def test_a_failing_tmdb_answers_nothing_for_the_query(response: httpx.Response, attempts: int) -> None:
    route = respx.get(SEARCH).mock(return_value=response)
    assert TmdbProvider("key", TMDB_URL).search(["матрица"], 10) == [None]
    assert route.call_count == attempts


@respx.mock
@pytest.mark.parametrize("error", [httpx.ConnectTimeout, httpx.ReadTimeout, httpx.ConnectError])
def test_timeouts_and_network_errors_are_retried_once(error: type[Exception]) -> None:
    route = respx.get(SEARCH).mock(side_effect=error)
    with pytest.raises(ProviderError):
        TmdbProvider("key", TMDB_URL).find("матрица", 10)
    assert route.call_count == 2


@respx.mock
def test_a_retry_that_succeeds_answers() -> None:
    route = respx.get(SEARCH).mock(
        side_effect=[httpx.Response(502), httpx.Response(200, json=tmdb_page(tmdb_movie(1, "Х", "X", "", [])))]
    )
    [film] = TmdbProvider("key", TMDB_URL).find("х", 10)
    assert film.release_year is None  # an empty date is no year
    assert route.call_count == 2


@respx.mock
def test_no_retry_once_the_five_second_budget_is_spent() -> None:
    clock = FrozenClock(1000.0)

    def slow_failure(_request: httpx.Request) -> httpx.Response:
        clock.now += 5.5
        return httpx.Response(500)

    route = respx.get(SEARCH).mock(side_effect=slow_failure)
    with pytest.raises(ProviderError):
        TmdbProvider("key", TMDB_URL, clock=clock).find("х", 10)
    assert route.call_count == 1


@respx.mock
def test_the_circuit_opens_after_three_failures_and_probes_after_the_cooldown() -> None:
    clock = FrozenClock(1000.0)
    route = respx.get(SEARCH).respond(500)
    provider = TmdbProvider("key", TMDB_URL, clock=clock)
    for _ in range(3):
        assert provider.search(["х"], 5) == [None]
    assert route.call_count == 6
    assert provider.api.breaker.is_open
    assert provider.search(["х"], 5) == [None]
    assert route.call_count == 6  # skipped without a request
    clock.now += 31
    route.respond(json=tmdb_page(tmdb_movie(1, "Х", "X", "2000-01-01", [])))
    assert provider.search(["х"], 5)[0] is not None
    assert not provider.api.breaker.is_open


def test_circuit_breaker_states() -> None:
    clock = FrozenClock(1000.0)
    breaker = CircuitBreaker(threshold=2, cooldown_seconds=10, clock=clock)

    def fail() -> None:
        raise ProviderError("down")

    assert breaker.call(lambda: "ok") == "ok"
    for _ in range(2):
        with pytest.raises(ProviderError, match="down"):
            breaker.call(fail)
    with pytest.raises(ProviderError, match="circuit open"):
        breaker.call(lambda: "not called")
    clock.now += 10
    with pytest.raises(ProviderError, match="down"):
        breaker.call(fail)  # the one trial fails: open again at once
    with pytest.raises(ProviderError, match="circuit open"):
        breaker.call(lambda: "not called")
    clock.now += 10
    assert breaker.call(lambda: "back") == "back"
    assert not breaker.is_open
    with pytest.raises(ProviderError, match="down"):
        breaker.call(fail)  # one failure after a success does not open it
    assert breaker.call(lambda: "still closed") == "still closed"


# --- Kinopoisk ----------------------------------------------------------------------------


@respx.mock
def test_kinopoisk_search_is_normalized() -> None:
    route = respx.get(f"{KINOPOISK_URL}/v1.4/movie/search").respond(
        json=kinopoisk_page(
            kinopoisk_movie(326, "Побег из Шоушенка", 1994, ["драма", "биография"], tmdb=278),
            kinopoisk_movie(111, "Унесённые призраками", 2001, ["аниме", "мюзикл", "спорт"]),
            kinopoisk_movie(222, "Шерлок", 2010, ["детектив"], isSeries=True, type="tv-series"),
            kinopoisk_movie(333, "", 2000, [], alternativeName=None),  # nothing to call it: skipped
        )
    )
    shawshank, spirited, sherlock = KinopoiskProvider("kp-key", KINOPOISK_URL).find("побег", 10)
    request = route.calls.last.request
    assert request.headers["x-api-key"] == "kp-key"
    assert (request.url.params["query"], request.url.params["limit"]) == ("побег", "10")
    assert (shawshank.title, shawshank.original_title, shawshank.release_year) == (
        "Побег из Шоушенка",
        "Побег из Шоушенка (original)",
        1994,
    )
    assert shawshank.country == "Франция"  # the first production country, already in Russian
    assert shawshank.poster_url == "https://image.kp.test/326/orig"
    assert names(shawshank) == ["драма", "история"]
    assert shawshank.complete
    # Kinopoisk knows the TMDB id: the film is imported under it, the same film as TMDB's.
    assert external_ref(shawshank) == ExternalRef("tmdb", 278)
    assert external_ref(spirited) == ExternalRef("kinopoisk", 111)
    assert names(spirited) == ["мультфильм", "музыка"]
    assert sherlock.film_type == "tv"


@respx.mock
def test_kinopoisk_failures_answer_nothing() -> None:
    route = respx.get(f"{KINOPOISK_URL}/v1.4/movie/search").respond(403, json={"message": "quota"})
    assert KinopoiskProvider("k", KINOPOISK_URL).search(["a", "b"], 5) == [None, None]
    assert route.call_count == 2


# --- LLM ----------------------------------------------------------------------------------

ANSWER = candidates_json(("Побег из Шоушенка", 1994, 0.9), ("Зелёная миля", 1999, 0.4))


@pytest.mark.parametrize(
    "content",
    [
        ANSWER,
        f"```json\n{ANSWER}\n```",
        f"Конечно! Вот что я думаю:\n{ANSWER}\nНадеюсь, помог.",
        f"Ответ:\n```\n{ANSWER}\n```\n",
        json.dumps(json.loads(ANSWER)["candidates"], ensure_ascii=False),  # a bare list
    ],
)
def test_llm_answers_are_parsed_tolerantly(content: str) -> None:
    candidates = parse_candidates(content)
    assert [(c.title, c.year, c.confidence) for c in candidates] == [
        ("Побег из Шоушенка", 1994, 0.9),
        ("Зелёная миля", 1999, 0.4),
    ]


@pytest.mark.parametrize(
    "content",
    [
        "Я не знаю такого фильма.",
        '{"candidates": [{"title": "X", "year": 2000, "confidence": 7}]}',  # confidence out of range
        '{"films": []}',
        "{not json}",
    ],
)
def test_llm_nonsense_is_a_provider_error(content: str) -> None:
    with pytest.raises(ProviderError):
        parse_candidates(content)


def test_an_implausible_year_is_dropped_not_fatal() -> None:
    [candidate] = parse_candidates('{"candidates": [{"title": "X", "year": 20000, "confidence": 0.5}]}')
    assert candidate.year is None


def test_the_llm_is_asked_for_strict_structured_output() -> None:
    llm = FakeLlm.answering(ANSWER)
    candidates = llm.suggester().suggest("банкир сбегает из тюрьмы", "побег", 5)
    assert [c.title for c in candidates] == ["Побег из Шоушенка", "Зелёная миля"]
    [request] = llm.requests
    assert request["model"] == "test-model"
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["strict"] is True
    assert "банкир сбегает из тюрьмы" in request["messages"][-1]["content"]
    assert "побег" in request["messages"][-1]["content"]


def test_llm_refusal_is_a_provider_error() -> None:
    with pytest.raises(ProviderError, match="refused"):
        FakeLlm.answering(None, refusal="I can't help with that.").suggester().suggest("x", None, 5)


def test_llm_server_errors_are_retried_once_then_fail() -> None:
    llm = FakeLlm.answering(None, status=500)
    with pytest.raises(ProviderError):
        llm.suggester().suggest("x", None, 5)
    assert len(llm.requests) == 2


def test_llm_timeouts_fail() -> None:
    def timeout(_request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("slow")

    with pytest.raises(ProviderError):
        FakeLlm(timeout).suggester().suggest("x", None, 5)


def test_llm_malformed_body_fails() -> None:
    llm = FakeLlm(lambda _request: httpx2.Response(200, text="<html>proxy error</html>"))
    with pytest.raises(ProviderError, match="malformed"):
        llm.suggester().suggest("x", None, 5)


def test_ids_are_stable_per_provider_type_and_id() -> None:
    ids = {imported_film_id(p, t, n) for p, t, n in itertools.product(("tmdb", "kinopoisk"), ("movie", "tv"), (1, 2))}
    assert len(ids) == 8
