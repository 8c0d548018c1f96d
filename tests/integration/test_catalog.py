"""Catalog endpoints over moto: genres, moods, mixes and mix items, with the API.md error contract."""

from __future__ import annotations

import base64
import hashlib
import uuid
from html.parser import HTMLParser

import pytest

from filmhub.core.ids import genre_id, mood_id
from filmhub.seed.catalog import MOOD_GENRES
from filmhub.table.models import FilmState
from filmhub.wiring import token_service
from tests.support.api import ApiClient
from tests.support.aws import DynamoCallCounter

pytestmark = pytest.mark.usefixtures("seeded_aws")

UNKNOWN = str(uuid.uuid4())


def test_all_genres(api: ApiClient) -> None:
    response = api.get("/genres")
    assert response.status == 200
    assert len(response.json) == 19
    assert {"id": genre_id("драма"), "name": "драма"} in response.json


def test_genres_of_moods_in_both_array_forms(api: ApiClient) -> None:
    funny, scary = mood_id("Весёлое, позитивное"), mood_id("Страшное, пугающее")
    expected = {genre_id(name) for name in MOOD_GENRES["Весёлое, позитивное"] + MOOD_GENRES["Страшное, пугающее"]}
    repeated = api.get("/genres", query=[("moods_ids", funny), ("moods_ids", scary)])
    commas = api.get("/genres", query={"moods_ids": f"{funny},{scary}"})
    assert repeated.status == commas.status == 200
    assert {g["id"] for g in repeated.json} == {g["id"] for g in commas.json} == expected


def test_genres_with_unknown_or_malformed_mood(api: ApiClient) -> None:
    unknown = api.get("/genres", query={"moods_ids": UNKNOWN})
    assert unknown.status == 400
    assert unknown.json == {"status_code": 400, "detail": "Mood not found"}
    malformed = api.get("/genres", query={"moods_ids": "not-a-uuid"})
    assert malformed.status == 422
    assert malformed.json["extra"][0]["key"].startswith("moods_ids")


def test_one_genre_and_its_errors(api: ApiClient) -> None:
    assert api.get(f"/genres/{genre_id('вестерн')}").json == {"id": genre_id("вестерн"), "name": "вестерн"}
    assert api.get(f"/genres/{UNKNOWN}").json == {"status_code": 404, "detail": "Genre not found"}
    bad = api.get("/genres/123")
    assert bad.status == 400
    assert bad.json["status_code"] == 400
    assert bad.json["extra"] == [{"key": "genre_id", "message": "must be a UUID"}]


def test_moods(api: ApiClient) -> None:
    moods = api.get("/moods").json
    assert len(moods) == 9
    one = api.get(f"/moods/{moods[0]['id']}")
    assert one.status == 200
    assert one.json == moods[0]
    assert api.get(f"/moods/{UNKNOWN}").json == {"status_code": 404, "detail": "Mood not found"}


def test_mixes_and_their_films_for_an_anonymous_caller(api: ApiClient) -> None:
    mixes = api.get("/mix").json
    assert len(mixes) >= 8
    assert mixes[0]["title"].startswith("Микс #1")
    assert set(mixes[0]) == {"id", "title", "color1", "color2", "color3"}
    assert api.get(f"/mix/{mixes[0]['id']}").json == mixes[0]
    films = api.get(f"/mix/{mixes[0]['id']}/items").json
    assert len(films) >= 10
    expected_fields = {"id", "title", "description", "country", "release_year", "poster_url", "tmdb_id", "owner_id",
                       "is_liked", "is_wish", "is_watched", "genres", "film_type", "my_rating", "rating"}  # fmt: skip
    assert set(films[0]) == expected_fields
    assert not any(f["is_liked"] or f["is_wish"] or f["is_watched"] for f in films)
    assert all(f["owner_id"] is None and f["genres"] for f in films)
    assert api.get(f"/mix/{UNKNOWN}").json == {"status_code": 404, "detail": "Mix not found"}
    assert api.get(f"/mix/{UNKNOWN}/items").status == 404


def test_mix_items_carry_the_callers_flags(api: ApiClient) -> None:
    user_id = str(uuid.uuid4())
    mix = api.get("/mix").json[1]
    films = api.get(f"/mix/{mix['id']}/items").json
    liked = films[2]["id"]
    FilmState(*FilmState.key(user_id, liked), film_id=liked, liked_at="2026-01-01T00:00:00+00:00").save()
    token = token_service().issue(user_id)
    with_flags = api.get(f"/mix/{mix['id']}/items", token=token).json
    assert [f["id"] for f in with_flags] == [f["id"] for f in films]
    assert [f["is_liked"] for f in with_flags] == [f["id"] == liked for f in films]


def test_a_bad_token_on_an_optional_auth_route_is_401_not_anonymous(api: ApiClient) -> None:
    mix = api.get("/mix").json[0]
    response = api.get(f"/mix/{mix['id']}/items", token="not-a-jwt")
    assert response.status == 401
    assert response.json["status_code"] == 401


def test_mix_items_cost_at_most_three_dynamodb_calls(api: ApiClient) -> None:
    mix = api.get("/mix").json[0]
    token = token_service().issue(str(uuid.uuid4()))
    with DynamoCallCounter().counting() as counter:
        assert api.get(f"/mix/{mix['id']}/items", token=token).status == 200
    assert counter.total <= 3, counter.calls


def test_openapi_document_is_served(api: ApiClient) -> None:
    document = api.get("/api/schema/openapi.json")
    assert document.status == 200
    assert document.json["openapi"].startswith("3.")
    assert "/genres/{genre_id}" in document.json["paths"]
    swagger = api.get("/api/schema/swagger")
    assert swagger.status == 200
    assert swagger.headers["content-type"].startswith("text/html")
    assert b"SwaggerUIBundle" in swagger.body


class PageResources(HTMLParser):
    """What a page would run or load: its inline scripts, and every attribute that fetches or runs something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.loads: list[tuple[str, str, str]] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "data") or name.startswith("on"):
                self.loads.append((tag, name, value or ""))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def test_swagger_ui_runs_only_its_own_scripts_under_its_csp(api: ApiClient) -> None:
    swagger = api.get("/api/schema/swagger")
    directives = (directive.partition(" ") for directive in swagger.headers["content-security-policy"].split("; "))
    policy = {name: value for name, _, value in directives}
    assert policy["default-src"] == "'none'"
    assert (policy["frame-ancestors"], policy["base-uri"], policy["connect-src"]) == ("'none'", "'none'", "'self'")
    page = PageResources()
    page.feed(swagger.body.decode())
    # Swagger UI still works: each script it has is allowed by its hash, and it loads nothing from anywhere.
    assert len(page.scripts) == 2  # the bundle and the start-up code, inline
    allowed = set(policy["script-src"].split())
    for script in page.scripts:
        assert "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'" in allowed
    assert allowed == {source for source in allowed if source.startswith("'sha256-")}  # no unsafe-inline/eval
    assert page.loads == []
    assert swagger.headers["x-content-type-options"] == "nosniff"


def test_json_answers_forbid_running_and_framing(api: ApiClient) -> None:
    answer = api.get("/genres")
    assert answer.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
