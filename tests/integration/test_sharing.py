"""Sharing a list over moto: links, revocation, deleted lists, the public JSON and page, ranked order, notes,
the miss limit and the call budget of every new route."""

from __future__ import annotations

import base64
import hashlib
import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from filmhub import wiring
from filmhub.settings import get_settings
from filmhub.table.models import CounterItem, ShareItem, TableItem, WatchlistItem
from tests.support.api import ApiClient, ApiResponse
from tests.support.aws import DynamoCallCounter
from tests.support.containers import container_clients
from tests.support.fixtures import make_films, register_user

pytestmark = pytest.mark.usefixtures("aws")

FLAGS = {"is_liked", "is_wish", "is_watched"}
STRANGER_IP = "198.51.100.23"


@pytest.fixture
def owner(api: ApiClient) -> ApiClient:
    _, api.token = register_user(api, "киноман")
    return api


def new_list(api: ApiClient, title: str = "Лучшее") -> str:
    response = api.post("/me/watchlists", json_body={"title": title})
    assert response.status == 201
    return response.json["id"]


def fill(api: ApiClient, list_ref: str, count: int) -> list[str]:
    """Add ``count`` new films, one after the other; returns their ids in the order added."""
    film_ids = [film.id for film in make_films(count)]
    for film_id in film_ids:
        assert api.put(f"/me/watchlists/{list_ref}/items/add", json_body={"film_id": film_id}).status == 204
    return film_ids


def share(api: ApiClient, list_ref: str) -> dict:
    response = api.post(f"/me/watchlists/{list_ref}/share")
    assert response.status == 201, response.json
    return response.json


def public(slug: str, **query: str | int) -> ApiResponse:
    return ApiClient().get(f"/public/lists/{slug}", query=query or None, source_ip=STRANGER_IP)


def page(slug: str, **query: str | int) -> ApiResponse:
    return ApiClient().get(f"/l/{slug}", query=query or None, source_ip=STRANGER_IP)


def ids(films: list[dict]) -> list[str]:
    return [film["id"] for film in films]


# --- sharing and revoking -----------------------------------------------------------------


def test_share_gives_an_unguessable_slug_and_the_same_live_link_again(owner: ApiClient) -> None:
    list_id = new_list(owner)
    first = share(owner, list_id)
    slug = first["slug"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", slug)  # 16 random bytes, base64url
    assert list_id.replace("-", "") not in slug
    assert list_id not in first["url"] + first["page_url"]
    assert first["url"] == f"http://api.test/api/v1/public/lists/{slug}"
    assert first["page_url"] == f"http://api.test/l/{slug}"
    assert share(owner, list_id) == first
    assert ShareItem.get(*ShareItem.key(slug)).list_id == list_id
    assert WatchlistItem.get(*WatchlistItem.key(list_id)).share_slug == slug


def test_links_use_the_configured_base_url(owner: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings().model_copy(update={"public_base_url": "https://films.example/"})
    monkeypatch.setattr("me.sharing.get_settings", lambda: settings)
    shared = share(owner, new_list(owner))
    assert shared["page_url"] == f"https://films.example/l/{shared['slug']}"


def test_api_gateway_forwards_https(owner: ApiClient) -> None:
    response = owner.post(f"/me/watchlists/{new_list(owner)}/share", headers={"x-forwarded-proto": "https"})
    assert response.json["page_url"].startswith("https://api.test/l/")


def test_revoke_makes_both_addresses_404_at_once_and_sharing_again_gives_a_new_slug(owner: ApiClient) -> None:
    list_id = new_list(owner)
    fill(owner, list_id, 2)
    slug = share(owner, list_id)["slug"]
    assert public(slug).status == 200
    assert page(slug).status == 200
    assert owner.delete(f"/me/watchlists/{list_id}/share").status == 204
    assert public(slug).status == 404
    assert page(slug).status == 404
    assert owner.delete(f"/me/watchlists/{list_id}/share").status == 204  # revoking twice is fine
    assert WatchlistItem.get(*WatchlistItem.key(list_id)).share_slug is None
    again = share(owner, list_id)["slug"]
    assert again != slug
    assert public(again).status == 200
    assert public(slug).status == 404


def test_a_deleted_list_is_never_shown_and_its_link_is_removed(owner: ApiClient) -> None:
    list_id = new_list(owner)
    fill(owner, list_id, 2)
    slug = share(owner, list_id)["slug"]
    assert owner.delete(f"/me/watchlists/{list_id}").status == 204
    assert public(slug).status == 404
    assert page(slug).status == 404
    assert not list(ShareItem.query(*ShareItem.key(slug)[:1]))


def test_deleting_a_shared_list_costs_what_an_unshared_one_does(owner: ApiClient) -> None:
    """The link goes in the purge's own batch writes: no extra round trip."""
    counts = []
    for shared in (False, True):
        list_id = new_list(owner)
        fill(owner, list_id, 10)
        if shared:
            share(owner, list_id)
        deleted, count = calls(lambda list_id=list_id: owner.delete(f"/me/watchlists/{list_id}"))
        assert deleted.status == 204
        counts.append(count)
    assert counts[0] == counts[1]
    assert list(ShareItem.scan()) == []


def test_a_repeated_delete_after_an_interrupted_purge_removes_the_link(
    owner: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from filmhub.watchlists.dynamo import DynamoWatchlistRepository

    list_id = new_list(owner)
    fill(owner, list_id, 2)
    slug = share(owner, list_id)["slug"]

    def crash(self: DynamoWatchlistRepository, watchlist: object) -> int:
        raise RuntimeError("the function died between the two steps")

    monkeypatch.setattr(DynamoWatchlistRepository, "purge", crash)
    assert owner.delete(f"/me/watchlists/{list_id}").status == 500
    assert public(slug).status == 404  # hidden: never shown, though its link is still stored
    assert owner.post(f"/me/watchlists/{list_id}/share").status == 404  # and it cannot be shared again
    monkeypatch.undo()
    assert owner.delete(f"/me/watchlists/{list_id}").status == 204
    assert list(ShareItem.scan()) == []
    assert list(TableItem.query(f"LIST#{list_id}")) == []


def test_a_hidden_list_is_404_even_while_its_purge_has_not_run(owner: ApiClient) -> None:
    """Deleting hides the header first; a link read between the two steps must not show the list."""
    list_id = new_list(owner)
    slug = share(owner, list_id)["slug"]
    WatchlistItem(*WatchlistItem.key(list_id)).update(actions=[WatchlistItem.deleting.set(True)])
    assert public(slug).status == 404


def test_concurrent_shares_end_with_one_slug(owner: ApiClient) -> None:
    list_id = new_list(owner)
    clients = container_clients(8, "me")
    for client in clients:
        client.token = owner.token
    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(lambda client: client.post(f"/me/watchlists/{list_id}/share"), clients))
    assert {answer.status for answer in answers} == {201}
    slugs = {answer.json["slug"] for answer in answers}
    assert len(slugs) == 1
    assert [item.slug for item in ShareItem.scan()] == list(slugs)  # no stray link left behind
    assert public(slugs.pop()).status == 200


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_share_routes_refuse_other_users_unknown_lists_and_bad_ids(owner: ApiClient, method: str) -> None:
    list_id = new_list(owner)
    stranger = ApiClient()
    _, stranger.token = register_user(stranger, "чужой")
    assert stranger.request(method, f"/me/watchlists/{list_id}/share").status == 403
    assert stranger.request(method, "/me/watchlists/liked/share").status in (201, 204)  # the stranger's own
    assert owner.request(method, f"/me/watchlists/{uuid.uuid4()}/share").status == 404
    assert owner.request(method, "/me/watchlists/not-a-list/share").status == 400
    assert ApiClient().request(method, f"/me/watchlists/{list_id}/share").status == 401
    assert WatchlistItem.get(*WatchlistItem.key(list_id)).share_slug is None


def test_builtin_lists_share_without_the_owners_flags(owner: ApiClient) -> None:
    wished = fill(owner, "wish", 3)
    owner.put("/me/watchlists/liked/items/add", json_body={"film_id": wished[0]})
    slug = share(owner, "wish")["slug"]
    body = public(slug).json
    assert (body["title"], body["type"], body["owner"]) == ("Хочу посмотреть", "wish", {"username": "киноман"})
    assert (body["color1"], body["color2"], body["color3"]) == ("#EE0979", "#FF6A00", "#FFF647")
    assert ids(body["films"]) == wished[::-1]  # newest first, as the owner sees it
    assert all(not FLAGS & film.keys() and "owner_id" not in film for film in body["films"])
    assert body["next_cursor"] is None
    assert share(owner, owner.get("/me/watchlists/wish").json["id"])["slug"] == slug  # by id: the same list


# --- the public read ------------------------------------------------------------------------


def test_public_list_shows_title_colours_owner_and_films_without_ids_of_people(owner: ApiClient) -> None:
    list_id = new_list(owner, "Мой топ")
    added = fill(owner, list_id, 3)
    header = owner.get(f"/me/watchlists/{list_id}").json
    slug = share(owner, list_id)["slug"]
    response = public(slug)
    assert response.status == 200
    assert response.headers["cache-control"] == "public, max-age=60"
    body = response.json
    assert body["title"] == "Мой топ"
    assert (body["color1"], body["color2"], body["color3"]) == (header["color1"], header["color2"], header["color3"])
    assert body["owner"] == {"username": "киноман"}
    assert body["ordered"] is False
    assert ids(body["films"]) == added[::-1]
    film = body["films"][0]
    assert set(film) == {
        "id", "title", "description", "country", "release_year", "poster_url", "tmdb_id", "genres", "film_type", "note"
    }  # fmt: skip
    assert list_id not in response.body.decode()
    assert header["user_id"] not in response.body.decode()
    renamed = owner.patch(f"/me/watchlists/{list_id}", json_body={"title": "Переименован"})
    assert renamed.status == 200
    assert public(slug).json["title"] == "Переименован"


def test_public_list_pages_with_a_cursor_bound_to_its_link(owner: ApiClient) -> None:
    list_id = new_list(owner)
    added = fill(owner, list_id, 5)
    slug = share(owner, list_id)["slug"]
    first = public(slug, limit=2)
    assert ids(first.json["films"]) == added[::-1][:2]
    cursor = first.json["next_cursor"]
    assert first.headers["x-next-cursor"] == cursor
    assert first.headers["link"].startswith(f"</api/v1/public/lists/{slug}?")
    second = public(slug, limit=2, cursor=cursor).json
    third = public(slug, limit=2, cursor=second["next_cursor"]).json
    assert ids(second["films"]) + ids(third["films"]) == added[::-1][2:]
    assert third["next_cursor"] is None
    other = share(owner, new_list(owner, "Другой"))["slug"]
    assert public(other, cursor=cursor).status == 400  # signed for another link
    assert public(slug, cursor="garbage").status == 400
    owner.delete(f"/me/watchlists/{list_id}/share")
    assert public(slug, limit=2, cursor=cursor).status == 404  # later pages check the link too


@pytest.mark.parametrize("slug", ["x", "a" * 21, "a" * 65, "%3Cscript%3E", "a" * 22])
def test_unknown_or_malformed_slugs_are_404(slug: str) -> None:
    response = public(slug)
    assert response.status == 404
    assert response.json["detail"] == "Shared list not found"
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(("query", "status"), [({"limit": 0}, 422), ({"limit": 100}, 422), ({"cursor": ""}, 400)])
def test_public_list_refuses_bad_queries(owner: ApiClient, query: dict, status: int) -> None:
    slug = share(owner, new_list(owner))["slug"]
    assert public(slug, **query).status == status


def test_a_private_list_has_no_public_address(owner: ApiClient) -> None:
    list_id = new_list(owner)
    fill(owner, list_id, 1)
    for guess in (list_id, list_id.replace("-", ""), base64.urlsafe_b64encode(uuid.UUID(list_id).bytes).decode()):
        assert public(guess.rstrip("=")).status == 404


# --- the miss limit -------------------------------------------------------------------------

MISS_LIMIT = 3
WINDOW_SECONDS = 3600


@pytest.fixture
def miss_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings = get_settings().model_copy(
        update={"rate_limit_share_misses": MISS_LIMIT, "rate_limit_window_seconds": WINDOW_SECONDS}
    )
    monkeypatch.setattr(wiring, "get_settings", lambda: settings)
    wiring.reset()
    yield
    wiring.reset()


@pytest.mark.usefixtures("miss_limit")
def test_guessing_slugs_is_limited_per_address(owner: ApiClient) -> None:
    list_id = new_list(owner)
    slug = share(owner, list_id)["slug"]
    for _ in range(5):
        assert public(slug).status == 200  # views of a real link use nothing of the budget
    guesses = [public("g" * 22 + str(number)).status for number in range(MISS_LIMIT)]
    assert guesses == [404] * MISS_LIMIT
    throttled = public("g" * 30)
    assert throttled.status == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= WINDOW_SECONDS
    assert throttled.headers["cache-control"] == "no-store"  # one address's 429 must not be cached for others
    assert public(slug).status == 429  # over the limit, the address waits for its window
    assert page(slug).status == 429
    other_address = ApiClient().get(f"/public/lists/{slug}", source_ip="203.0.113.50")
    assert other_address.status == 200
    window = int(time.time() // WINDOW_SECONDS)
    counter = CounterItem.get(*CounterItem.key("requests-share_misses", f"ip:{STRANGER_IP}", window))
    assert counter.count == MISS_LIMIT


# --- the page -------------------------------------------------------------------------------


def test_page_is_html_with_previews_a_strict_policy_and_no_script(owner: ApiClient) -> None:
    list_id = new_list(owner, "Вечер пятницы")
    added = fill(owner, list_id, 2)
    owner.put(f"/me/watchlists/{list_id}/items/{added[0]}/note", json_body={"text": "Смотреть с попкорном"})
    shared = share(owner, list_id)
    response = page(shared["slug"])
    assert response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "public, max-age=60"
    html = response.body.decode()
    assert '<meta property="og:title" content="Вечер пятницы">' in html
    assert f'<meta property="og:url" content="{shared["page_url"]}">' in html
    assert '<meta name="twitter:card"' in html
    assert 'name="viewport"' in html
    assert "Смотреть с попкорном" in html
    assert "киноман" in html
    assert "<script" not in html
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert "unsafe-inline" not in policy
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy  # the page's one style element, by hash


def test_page_shows_the_first_poster_in_its_preview_and_allows_only_its_origin(owner: ApiClient) -> None:
    from tests.support.media import TINY_JPEG, multipart_form

    list_id = new_list(owner)
    film_id = owner.post("/films", json_body={"title": "С постером", "description": "Есть постер."}).json["id"]
    body, content_type = multipart_form(TINY_JPEG)
    assert owner.put(f"/films/{film_id}/poster", body=body, content_type=content_type).status == 204
    owner.put(f"/me/watchlists/{list_id}/items/add", json_body={"film_id": film_id})
    poster_url = owner.get(f"/films/{film_id}").json["poster_url"]
    response = page(share(owner, list_id)["slug"])
    html = response.body.decode()
    assert f'<meta property="og:image" content="{poster_url}">' in html
    assert f'src="{poster_url}"' in html
    assert "img-src https://posters.example.test;" in response.headers["content-security-policy"]


def test_page_escapes_titles_usernames_notes_and_film_fields(api: ApiClient) -> None:
    attack = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    _, api.token = register_user(api, attack)
    list_id = new_list(api, attack)
    film_id = api.post("/films", json_body={"title": attack, "description": attack, "country": attack}).json["id"]
    api.put(f"/me/watchlists/{list_id}/items/add", json_body={"film_id": film_id})
    api.put(f"/me/watchlists/{list_id}/items/{film_id}/note", json_body={"text": attack})
    response = page(share(api, list_id)["slug"])
    html = response.body.decode()
    assert "<script" not in html
    assert "<img src=x" not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") >= 4  # title, username, film, note
    assert "script-src" not in response.headers["content-security-policy"]


def test_page_of_an_unknown_link_is_an_html_404_that_is_not_cached() -> None:
    response = page("u" * 22)
    assert response.status == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert "Список не найден" in response.body.decode()
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_page_continues_with_the_next_films(owner: ApiClient) -> None:
    list_id = new_list(owner)
    fill(owner, list_id, 3)
    slug = share(owner, list_id)["slug"]
    cursor = public(slug, limit=2).json["next_cursor"]
    html = page(slug, cursor=cursor, start=3).body.decode()
    assert html.count('<li class="film">') == 1


# --- ranked order -----------------------------------------------------------------------------


def test_order_then_later_additions_go_to_the_end(owner: ApiClient) -> None:
    list_id = new_list(owner)
    added = fill(owner, list_id, 4)
    ranked = [added[2], added[0], added[3], added[1]]
    assert owner.put(f"/me/watchlists/{list_id}/items/order", json_body={"film_ids": ranked}).status == 204
    assert ids(owner.get(f"/me/watchlists/{list_id}/items").json) == ranked
    later = fill(owner, list_id, 2)
    expected = ranked + later
    assert ids(owner.get(f"/me/watchlists/{list_id}/items").json) == expected
    pages = [owner.get(f"/me/watchlists/{list_id}/items", query={"limit": 4})]
    pages.append(
        owner.get(f"/me/watchlists/{list_id}/items", query={"limit": 4, "cursor": pages[0].headers["x-next-cursor"]})
    )
    assert ids(pages[0].json) + ids(pages[1].json) == expected
    slug = share(owner, list_id)["slug"]
    body = public(slug).json
    assert body["ordered"] is True
    assert ids(body["films"]) == expected
    assert '<span class="rank">1</span>' in page(slug).body.decode()
    # ordering again ranks the late additions too
    again = expected[::-1]
    assert owner.put(f"/me/watchlists/{list_id}/items/order", json_body={"film_ids": again}).status == 204
    assert ids(public(slug).json["films"]) == again


def test_order_keeps_notes_and_removing_a_film_keeps_the_others_order(owner: ApiClient) -> None:
    list_id = new_list(owner)
    added = fill(owner, list_id, 3)
    owner.put(f"/me/watchlists/{list_id}/items/{added[1]}/note", json_body={"text": "Заметка"})
    owner.put(f"/me/watchlists/{list_id}/items/order", json_body={"film_ids": added})
    owner.delete(f"/me/watchlists/{list_id}/items/{added[0]}")
    items = owner.get(f"/me/watchlists/{list_id}/items").json
    assert ids(items) == added[1:]
    assert items[0]["note"] == "Заметка"


@pytest.mark.parametrize("problem", ["missing", "extra", "twice"])
def test_order_must_name_every_film_once(owner: ApiClient, problem: str) -> None:
    list_id = new_list(owner)
    added = fill(owner, list_id, 2)
    order = {"missing": added[:1], "extra": [*added, str(uuid.uuid4())], "twice": [*added, added[0]]}[problem]
    response = owner.put(f"/me/watchlists/{list_id}/items/order", json_body={"film_ids": order})
    assert response.status == 400
    assert ids(owner.get(f"/me/watchlists/{list_id}/items").json) == added[::-1]


def test_order_refuses_builtin_lists_strangers_and_bad_bodies(owner: ApiClient) -> None:
    list_id = new_list(owner)
    added = fill(owner, list_id, 1)
    assert owner.put("/me/watchlists/wish/items/order", json_body={"film_ids": []}).status == 409
    stranger = ApiClient()
    _, stranger.token = register_user(stranger, "чужой")
    assert stranger.put(f"/me/watchlists/{list_id}/items/order", json_body={"film_ids": added}).status == 403
    assert owner.put(f"/me/watchlists/{uuid.uuid4()}/items/order", json_body={"film_ids": added}).status == 404
    assert owner.put(f"/me/watchlists/{list_id}/items/order", json_body={"film_ids": ["x"]}).status == 422
    assert owner.put(f"/me/watchlists/{list_id}/items/order", json_body={}).status == 422


# --- notes ------------------------------------------------------------------------------------


def test_notes_show_on_the_owners_items_and_can_be_removed(owner: ApiClient) -> None:
    list_id = new_list(owner)
    added = fill(owner, list_id, 2)
    path = f"/me/watchlists/{list_id}/items/{added[0]}/note"
    assert owner.put(path, json_body={"text": "  Пересмотреть зимой  "}).status == 204
    items = {film["id"]: film for film in owner.get(f"/me/watchlists/{list_id}/items").json}
    assert items[added[0]]["note"] == "Пересмотреть зимой"
    assert items[added[1]]["note"] is None
    assert owner.put(path, json_body={"text": "Другая"}).status == 204
    slug = share(owner, list_id)["slug"]
    assert {f["id"]: f["note"] for f in public(slug).json["films"]}[added[0]] == "Другая"
    assert owner.delete(path).status == 204
    assert owner.delete(path).status == 204  # no note left: nothing to do
    assert all(film["note"] is None for film in owner.get(f"/me/watchlists/{list_id}/items").json)


@pytest.mark.parametrize(("text", "status"), [("", 422), ("   ", 422), ("я" * 501, 422), ("я" * 500, 204)])
def test_note_length(owner: ApiClient, text: str, status: int) -> None:
    list_id = new_list(owner)
    film_id = fill(owner, list_id, 1)[0]
    assert owner.put(f"/me/watchlists/{list_id}/items/{film_id}/note", json_body={"text": text}).status == status


def test_notes_need_a_film_of_a_custom_list_of_ones_own(owner: ApiClient) -> None:
    list_id = new_list(owner)
    film_id = fill(owner, "wish", 1)[0]
    note = {"text": "Заметка"}
    assert owner.put(f"/me/watchlists/{list_id}/items/{film_id}/note", json_body=note).status == 404
    assert owner.delete(f"/me/watchlists/{list_id}/items/{film_id}/note").status == 404
    assert owner.put(f"/me/watchlists/wish/items/{film_id}/note", json_body=note).status == 409
    owner.put(f"/me/watchlists/{list_id}/items/add", json_body={"film_id": film_id})
    stranger = ApiClient()
    _, stranger.token = register_user(stranger, "чужой")
    assert stranger.put(f"/me/watchlists/{list_id}/items/{film_id}/note", json_body=note).status == 403
    assert owner.put(f"/me/watchlists/{list_id}/items/not-a-film/note", json_body=note).status == 400
    assert all(item.note is None for item in TableItem.query(f"LIST#{list_id}") if hasattr(item, "note"))


# --- the call budget --------------------------------------------------------------------------


def calls(request: callable) -> tuple[ApiResponse, int]:
    with DynamoCallCounter().counting() as counter:
        response = request()
    return response, counter.total


@pytest.mark.parametrize("kind", ["custom", "wish"])
def test_every_new_route_stays_within_three_calls_at_100_films(owner: ApiClient, kind: str) -> None:
    list_ref = new_list(owner) if kind == "custom" else "wish"
    added = fill(owner, list_ref, 100)
    created, count = calls(lambda: owner.post(f"/me/watchlists/{list_ref}/share"))
    assert (created.status, count) == (201, 2)
    again, count = calls(lambda: owner.post(f"/me/watchlists/{list_ref}/share"))
    assert (again.status, count) == (201, 1)
    slug = created.json["slug"]
    read, count = calls(lambda: public(slug, limit=99))
    assert (read.status, len(read.json["films"]), count) == (200, 99, 3)
    shown, count = calls(lambda: page(slug))
    assert (shown.status, count) == (200, 3)
    missed, count = calls(lambda: public("m" * 22))
    assert (missed.status, count) == (404, 2)
    if kind == "custom":
        ordered, count = calls(
            lambda: owner.put(f"/me/watchlists/{list_ref}/items/order", json_body={"film_ids": added})
        )
        assert (ordered.status, count) == (204, 3)
        noted, count = calls(
            lambda: owner.put(f"/me/watchlists/{list_ref}/items/{added[0]}/note", json_body={"text": "x"})
        )
        assert (noted.status, count) == (204, 2)
    revoked, count = calls(lambda: owner.delete(f"/me/watchlists/{list_ref}/share"))
    assert (revoked.status, count) == (204, 2)
