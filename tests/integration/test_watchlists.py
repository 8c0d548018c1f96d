"""Every /me/watchlists route and error row of API.md, pagination, concurrency and the call budget."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from filmhub.core.palette import PALETTE
from filmhub.seed.seeder import seed_catalog
from filmhub.table.models import TableItem, WatchlistEntry
from tests.support.api import ApiClient
from tests.support.aws import DynamoCallCounter
from tests.support.containers import container_clients
from tests.support.fixtures import make_films, register_user

pytestmark = pytest.mark.usefixtures("aws")

BUILTIN = {
    "liked": ("Мои любимые", ("#FF36AB", "#FF74D4", "#ED5C86")),
    "watched": ("Просмотренные", ("#31B4EA", "#6F97EB", "#B577EC")),
    "wish": ("Хочу посмотреть", ("#EE0979", "#FF6A00", "#FFF647")),
}


@pytest.fixture
def user(api: ApiClient) -> ApiClient:
    seed_catalog()
    _, token = register_user(api)
    api.token = token
    return api


def new_list(api: ApiClient, title: str = "На выходные") -> dict:
    response = api.post("/me/watchlists", json_body={"title": title})
    assert response.status == 201
    return response.json


def titles(response_json: list[dict]) -> list[str]:
    return [film["title"] for film in response_json]


@pytest.mark.parametrize("kind", sorted(BUILTIN))
def test_builtin_lists_exist_with_their_titles_and_colours(user: ApiClient, kind: str) -> None:
    watchlist = user.get(f"/me/watchlists/{kind}").json
    title, colours = BUILTIN[kind]
    assert (watchlist["type"], watchlist["title"]) == (kind, title)
    assert (watchlist["color1"], watchlist["color2"], watchlist["color3"]) == colours
    assert user.get(f"/me/watchlists/{watchlist['id']}").json == watchlist


def test_create_list_and_list_only_custom_ones(user: ApiClient) -> None:
    created = new_list(user, "  Ужасы на Хэллоуин  ")
    assert created["type"] == "custom"
    assert created["title"] == "Ужасы на Хэллоуин"
    assert (created["color1"], created["color2"], created["color3"]) in [tuple(g.__dict__.values()) for g in PALETTE]
    assert user.get("/me/watchlists").json == [created]


@pytest.mark.parametrize("body", [{}, {"title": ""}, {"title": "   "}, {"title": "x" * 257}, {"title": 5}])
def test_create_list_validation(user: ApiClient, body: dict) -> None:
    response = user.post("/me/watchlists", json_body=body)
    assert response.status == 422
    assert response.json["extra"][0]["key"] == "title"


def test_malformed_json_is_400(user: ApiClient) -> None:
    response = user.post("/me/watchlists", body=b"{not json", content_type="application/json")
    assert response.status == 400


def test_items_newest_first_with_flags_and_idempotent_add(user: ApiClient) -> None:
    films = make_films(3)
    watchlist = new_list(user)
    for film in films:
        assert user.put(f"/me/watchlists/{watchlist['id']}/items/add", json_body={"film_id": film.id}).status == 204
    assert user.put(f"/me/watchlists/{watchlist['id']}/items/add", json_body={"film_id": films[0].id}).status == 204
    assert user.put("/me/watchlists/liked/items/add", json_body={"film_id": films[1].id}).status == 204
    listed = user.get(f"/me/watchlists/{watchlist['id']}/items").json
    assert titles(listed) == [films[2].title, films[1].title, films[0].title]  # first date kept for films[0]
    assert [film["is_liked"] for film in listed] == [False, True, False]


def test_builtin_lists_by_kind_and_by_id(user: ApiClient) -> None:
    films = make_films(2)
    for kind in ("wish", "watched"):
        for film in films:
            assert user.put(f"/me/watchlists/{kind}/items/add", json_body={"film_id": film.id}).status == 204
    wish = user.get("/me/watchlists/wish").json
    by_kind = user.get("/me/watchlists/wish/items").json
    by_id = user.get(f"/me/watchlists/{wish['id']}/items").json
    assert titles(by_kind) == titles(by_id) == [films[1].title, films[0].title]
    assert all(f["is_wish"] and f["is_watched"] and not f["is_liked"] for f in by_kind)
    assert user.put(f"/me/watchlists/{wish['id']}/items/add", json_body={"film_id": films[0].id}).status == 204
    assert user.delete(f"/me/watchlists/{wish['id']}/items/{films[0].id}").status == 204
    assert user.delete(f"/me/watchlists/wish/items/{films[1].id}").status == 204
    assert user.get("/me/watchlists/wish/items").json == []
    watched = user.get("/me/watchlists/watched/items").json
    assert titles(watched) == [films[1].title, films[0].title]  # leaving the wish list kept them watched
    assert [(f["is_watched"], f["is_wish"]) for f in watched] == [(True, False), (True, False)]


def test_clearing_one_flag_keeps_the_films_other_lists(user: ApiClient) -> None:
    """A film's built-in lists share one state item: clearing one flag must not take the others with it."""
    [film] = make_films(1)
    for kind in ("liked", "wish"):
        assert user.put(f"/me/watchlists/{kind}/items/add", json_body={"film_id": film.id}).status == 204
    assert user.delete(f"/me/watchlists/liked/items/{film.id}").status == 204
    assert user.get("/me/watchlists/liked/items").json == []
    wish = user.get("/me/watchlists/wish/items").json
    assert [(f["id"], f["is_liked"], f["is_wish"]) for f in wish] == [(film.id, False, True)]
    shown = user.get(f"/films/{film.id}").json
    assert (shown["is_liked"], shown["is_wish"], shown["is_watched"]) == (False, True, False)


def test_add_errors(user: ApiClient) -> None:
    watchlist = new_list(user)
    missing_film = user.put(f"/me/watchlists/{watchlist['id']}/items/add", json_body={"film_id": str(uuid.uuid4())})
    assert missing_film.json == {"status_code": 404, "detail": "Film not found"}
    builtin_missing = user.put("/me/watchlists/liked/items/add", json_body={"film_id": str(uuid.uuid4())})
    assert builtin_missing.status == 404
    assert user.put(f"/me/watchlists/{uuid.uuid4()}/items/add", json_body={"film_id": str(uuid.uuid4())}).status == 404
    assert user.put(f"/me/watchlists/{watchlist['id']}/items/add", json_body={"film_id": "x"}).status == 422


def test_remove_errors(user: ApiClient) -> None:
    watchlist = new_list(user)
    film = make_films(1)[0]
    absent = user.delete(f"/me/watchlists/{watchlist['id']}/items/{film.id}")
    assert absent.json == {"status_code": 404, "detail": "Film not found in watchlist"}
    assert user.delete(f"/me/watchlists/liked/items/{film.id}").status == 404
    assert user.delete(f"/me/watchlists/{watchlist['id']}/items/not-a-uuid").status == 400


def test_get_unknown_or_malformed_list(user: ApiClient) -> None:
    assert user.get(f"/me/watchlists/{uuid.uuid4()}").json == {"status_code": 404, "detail": "Watchlist not found"}
    assert user.get("/me/watchlists/favourites").status == 400
    too_long = user.get(f"/me/watchlists/{'x' * 65}")
    assert too_long.json["extra"] == [{"key": "list_id", "message": "must be a UUID, or liked, wish or watched"}]


def test_rename(user: ApiClient) -> None:
    watchlist = new_list(user)
    renamed = user.patch(f"/me/watchlists/{watchlist['id']}", json_body={"title": "Новое имя"})
    assert renamed.status == 200
    assert renamed.json == {**watchlist, "title": "Новое имя"}
    assert user.patch("/me/watchlists/liked", json_body={"title": "x"}).status == 409


def test_delete_removes_list_and_items_but_not_builtin(user: ApiClient) -> None:
    watchlist = new_list(user)
    for film in make_films(30):
        user.put(f"/me/watchlists/{watchlist['id']}/items/add", json_body={"film_id": film.id})
    assert user.delete(f"/me/watchlists/{watchlist['id']}").status == 204
    assert user.get(f"/me/watchlists/{watchlist['id']}").status == 404
    assert user.get(f"/me/watchlists/{watchlist['id']}/items").status == 404
    assert user.get("/me/watchlists").json == []
    assert list(TableItem.query(f"LIST#{watchlist['id']}")) == []
    assert user.delete(f"/me/watchlists/{watchlist['id']}").status == 404
    builtin = user.delete("/me/watchlists/liked")
    assert builtin.status == 409


def test_interrupted_delete_is_finished_by_a_repeat(user: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from filmhub.watchlists.dynamo import DynamoWatchlistRepository

    watchlist = new_list(user)
    for film in make_films(5):
        user.put(f"/me/watchlists/{watchlist['id']}/items/add", json_body={"film_id": film.id})

    def crash(self: DynamoWatchlistRepository, list_id: str) -> int:
        raise RuntimeError("the function died between the two steps")

    monkeypatch.setattr(DynamoWatchlistRepository, "purge", crash)
    assert user.delete(f"/me/watchlists/{watchlist['id']}").status == 500
    assert user.get(f"/me/watchlists/{watchlist['id']}").status == 404  # already hidden
    assert user.get("/me/watchlists").json == []
    monkeypatch.undo()
    assert user.delete(f"/me/watchlists/{watchlist['id']}").status == 204
    assert list(TableItem.query(f"LIST#{watchlist['id']}")) == []


def test_pagination_returns_every_item_once_in_order(user: ApiClient) -> None:
    films = make_films(250)
    watchlist = new_list(user)
    for film in films:
        user.put(f"/me/watchlists/{watchlist['id']}/items/add", json_body={"film_id": film.id})
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = user.get(f"/me/watchlists/{watchlist['id']}/items", query=query)
        assert page.status == 200
        seen += [film["id"] for film in page.json]
        pages += 1
        cursor = page.headers.get("x-next-cursor")
        if not cursor:
            break
        assert 'rel="next"' in page.headers["link"]
    assert seen == [film.id for film in reversed(films)]
    assert pages == 3


@pytest.mark.parametrize("limit", [0, 201, -1, "many"])
def test_bad_limit_is_422(user: ApiClient, limit: object) -> None:
    assert user.get("/me/watchlists/liked/items", query={"limit": limit}).status == 422


def test_cursor_is_tamper_evident_and_bound_to_its_list(user: ApiClient) -> None:
    watchlist, other = new_list(user), new_list(user, "Другой")
    for film in make_films(3):
        user.put(f"/me/watchlists/{watchlist['id']}/items/add", json_body={"film_id": film.id})
    cursor = user.get(f"/me/watchlists/{watchlist['id']}/items", query={"limit": 1}).headers["x-next-cursor"]
    tampered = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    for bad in (tampered, "", "%%%", "a" * 50):
        response = user.get(f"/me/watchlists/{watchlist['id']}/items", query={"cursor": bad})
        assert response.status in (400, 422), bad
    assert user.get(f"/me/watchlists/{other['id']}/items", query={"cursor": cursor}).status == 400


def test_another_users_list_is_403_on_every_route(user: ApiClient, api: ApiClient) -> None:
    film = make_films(1)[0]
    watchlist = new_list(user)
    user.put(f"/me/watchlists/{watchlist['id']}/items/add", json_body={"film_id": film.id})
    liked_id = user.get("/me/watchlists/liked").json["id"]
    _, stranger = register_user(api, "чужой")
    before = sorted(item.SK for item in TableItem.query(f"LIST#{watchlist['id']}"))
    for list_id in (watchlist["id"], liked_id):
        calls = [
            api.get(f"/me/watchlists/{list_id}", token=stranger),
            api.patch(f"/me/watchlists/{list_id}", json_body={"title": "взлом"}, token=stranger),
            api.get(f"/me/watchlists/{list_id}/items", token=stranger),
            api.put(f"/me/watchlists/{list_id}/items/add", json_body={"film_id": film.id}, token=stranger),
            api.delete(f"/me/watchlists/{list_id}/items/{film.id}", token=stranger),
            api.delete(f"/me/watchlists/{list_id}", token=stranger),
        ]
        for response in calls:
            assert response.json == {"status_code": 403, "detail": "Watchlist is not yours"}
    assert sorted(item.SK for item in TableItem.query(f"LIST#{watchlist['id']}")) == before
    assert user.get(f"/me/watchlists/{watchlist['id']}").json["title"] == watchlist["title"]


def test_every_route_needs_a_token(api: ApiClient) -> None:
    for response in (
        api.get("/me/watchlists"),
        api.post("/me/watchlists", json_body={"title": "x"}),
        api.get("/me/watchlists/liked/items"),
        api.put("/me/watchlists/liked/items/add", json_body={"film_id": str(uuid.uuid4())}),
    ):
        assert response.status == 401


def test_ten_parallel_adds_of_one_film_keep_one_entry(user: ApiClient) -> None:
    film = make_films(1)[0]
    watchlist = new_list(user)
    # Ten containers of the me function, as Lambda scales out: they share only the table.
    clients = container_clients(10, "me")

    def add(client: ApiClient, path: str) -> int:
        return client.put(path, json_body={"film_id": film.id}, token=user.token).status

    with ThreadPoolExecutor(max_workers=10) as pool:
        custom = list(pool.map(add, clients, [f"/me/watchlists/{watchlist['id']}/items/add"] * 10))
        liked = list(pool.map(add, clients, ["/me/watchlists/liked/items/add"] * 10))
    assert custom == liked == [204] * 10
    entries = [i for i in TableItem.query(f"LIST#{watchlist['id']}") if isinstance(i, WatchlistEntry)]
    assert len(entries) == 1
    assert len(user.get("/me/watchlists/liked/items").json) == 1


@pytest.mark.parametrize("size", [1, 10, 100])
def test_a_page_costs_at_most_three_dynamodb_calls(user: ApiClient, size: int) -> None:
    films = make_films(size)
    watchlist = new_list(user)
    for film in films:
        user.put(f"/me/watchlists/{watchlist['id']}/items/add", json_body={"film_id": film.id})
        user.put("/me/watchlists/wish/items/add", json_body={"film_id": film.id})
    wish_id = user.get("/me/watchlists/wish").json["id"]
    for path in (
        f"/me/watchlists/{watchlist['id']}/items",
        "/me/watchlists/wish/items",
        f"/me/watchlists/{wish_id}/items",
    ):
        with DynamoCallCounter().counting() as counter:
            page = user.get(path)
        assert len(page.json) == size
        assert counter.total <= 3, (path, counter.calls)


def test_new_lists_get_llm_colours_when_an_llm_is_configured(user: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from filmhub import wiring
    from filmhub.core.palette import PaletteGradients
    from filmhub.providers.llm import LlmGradients
    from filmhub.security.cursors import CursorCodec
    from filmhub.watchlists.dynamo import DynamoWatchlistRepository
    from filmhub.watchlists.service import WatchlistService
    from tests.support.providers import FakeLlm

    fake = FakeLlm.answering('{"color1": "#101010", "color2": "#202020", "color3": "#303030"}')
    service = WatchlistService(
        DynamoWatchlistRepository(),
        wiring.film_reader(),
        LlmGradients(fake.chat(retries=0), PaletteGradients()),
        CursorCodec("another-secret-that-is-long-enough-0123456789"),
    )
    monkeypatch.setattr("me.watchlists.watchlist_service", lambda: service)
    created = new_list(user, "Нуар")
    assert (created["color1"], created["color2"], created["color3"]) == ("#101010", "#202020", "#303030")
