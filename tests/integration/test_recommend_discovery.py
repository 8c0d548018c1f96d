"""POST /recommend with TMDB discovery: imported once with its genres; any failure → the local catalog."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import respx
from pydantic import SecretStr

from filmhub import wiring
from filmhub.core.ids import genre_id, imported_film_id
from filmhub.settings import get_settings
from tests.support.api import ApiClient
from tests.support.aws import DynamoCallCounter
from tests.support.fixtures import register_user
from tests.support.providers import TMDB_URL, tmdb_movie, tmdb_movie_details, tmdb_page

pytestmark = pytest.mark.usefixtures("seeded_aws")

# Not in the seeded catalog: a discovered film must be imported to be recommended.
DUNE_2 = tmdb_movie(693134, "Дюна: Часть вторая", "Dune: Part Two", "2024-02-27", [878, 12])
DETAILS = tmdb_movie_details(693134, "Дюна: Часть вторая", "Dune: Part Two", "2024-02-27",
                             [(878, "фантастика"), (12, "приключения")])  # fmt: skip


@pytest.fixture
def tmdb(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    settings = get_settings().model_copy(update={"tmdb_api_key": SecretStr("tmdb-key"), "tmdb_base_url": TMDB_URL})
    monkeypatch.setattr(wiring, "get_settings", lambda: settings)
    wiring.reset()
    with respx.mock(assert_all_called=False) as router:
        router.get(f"{TMDB_URL}/movie/693134").mock(return_value=httpx.Response(200, json=DETAILS))
        yield router
    wiring.reset()


@pytest.fixture
def user(api: ApiClient) -> ApiClient:
    _, api.token = register_user(api)
    return api


def test_a_discovered_film_is_imported_with_its_genres(tmdb: respx.MockRouter, user: ApiClient) -> None:
    discover = tmdb.get(f"{TMDB_URL}/discover/movie").mock(return_value=httpx.Response(200, json=tmdb_page(DUNE_2)))
    dune_id = imported_film_id("tmdb", "movie", 693134)
    assert user.get(f"/films/{dune_id}").status == 404
    with DynamoCallCounter().counting() as counter:
        response = user.post("/recommend", query={"genres_ids": genre_id("фантастика"), "movie_type": "movie"})
    assert response.status == 201
    assert response.json["id"] == dune_id
    assert {genre["name"] for genre in response.json["genres"]} == {"фантастика", "приключения"}
    params = discover.calls.last.request.url.params
    assert params["with_genres"] == "878"
    assert params["vote_average.gte"] == "5"
    # The catalog Query (uncached in tests; cached in a running container), the history Query, the
    # import (the index heads it may enter, then its transaction) and the recording write.
    assert counter.calls == {"Query": 2, "BatchGetItem": 1, "TransactWriteItems": 2}, counter.calls
    assert user.get(f"/films/{response.json['id']}").status == 200  # imported into the catalog
    again = user.post("/recommend", query={"genres_ids": genre_id("фантастика"), "movie_type": "movie"})
    assert again.json["id"] != response.json["id"]  # recommended in the last 24 h: the catalog answers


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500),
        httpx.Response(200, text="<html>not json</html>"),
        httpx.Response(401, json={"status_message": "Invalid API key"}),
        httpx.ConnectTimeout("TMDB is slow"),
    ],
)
def test_discovery_failure_falls_back_to_the_local_catalog(
    tmdb: respx.MockRouter, user: ApiClient, answer: httpx.Response | Exception
) -> None:
    route = tmdb.get(f"{TMDB_URL}/discover/tv")
    route.mock(side_effect=answer) if isinstance(answer, Exception) else route.mock(return_value=answer)
    response = user.post("/recommend", query={"movie_type": "tv"})
    assert response.status == 201
    assert response.json["film_type"] == "tv"
