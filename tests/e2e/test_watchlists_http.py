"""Watchlists over real HTTP: lists, flags everywhere, pagination and other users' 403s."""

from __future__ import annotations

import pytest

from tests.support.e2e import catalog_film_ids, register
from tests.support.local_stack import LocalStackProcess

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_lists_flags_and_isolation(stack: LocalStackProcess) -> None:
    token = register(stack, "alice")
    mix = stack.request("GET", "/api/v1/mix").json[0]
    films = stack.request("GET", f"/api/v1/mix/{mix['id']}/items").json[:3]
    first, second, third = (film["id"] for film in films)
    for kind, film_id in (("liked", first), ("wish", second), ("watched", third)):
        added = stack.request("PUT", f"/api/v1/me/watchlists/{kind}/items/add", json_body={"film_id": film_id},
                              token=token)  # fmt: skip
        assert added.status == 204
    lists = [
        stack.request("POST", "/api/v1/me/watchlists", json_body={"title": title}, token=token).json
        for title in ("Кино с друзьями", "Пересмотреть")
    ]
    for watchlist in lists:
        for film_id in (first, third):
            path = f"/api/v1/me/watchlists/{watchlist['id']}/items/add"
            assert stack.request("PUT", path, json_body={"film_id": film_id}, token=token).status == 204

    flags = {f["id"]: f for f in stack.request("GET", f"/api/v1/mix/{mix['id']}/items", token=token).json}
    assert (flags[first]["is_liked"], flags[second]["is_wish"], flags[third]["is_watched"]) == (True, True, True)
    assert not flags[first]["is_wish"]
    custom_items = stack.request("GET", f"/api/v1/me/watchlists/{lists[0]['id']}/items", token=token).json
    assert [f["id"] for f in custom_items] == [third, first]
    assert custom_items[1]["is_liked"]
    assert custom_items[0]["is_watched"]
    if stack.request("GET", f"/api/v1/films/{first}", token=token).status == 200:  # once the films function exists
        assert stack.request("GET", f"/api/v1/films/{first}", token=token).json["is_liked"] is True

    assert stack.request("DELETE", f"/api/v1/me/watchlists/liked/items/{first}", token=token).status == 204
    flags = {f["id"]: f for f in stack.request("GET", f"/api/v1/mix/{mix['id']}/items", token=token).json}
    assert flags[first]["is_liked"] is False

    stranger = register(stack, "mallory")
    for path in (f"/api/v1/me/watchlists/{lists[0]['id']}", f"/api/v1/me/watchlists/{lists[0]['id']}/items"):
        response = stack.request("GET", path, token=stranger)
        assert response.json == {"status_code": 403, "detail": "Watchlist is not yours"}
    steal = stack.request("DELETE", f"/api/v1/me/watchlists/{lists[0]['id']}", token=stranger)
    assert steal.status == 403
    assert stack.request("GET", f"/api/v1/me/watchlists/{lists[0]['id']}", token=token).status == 200


def test_pagination_over_http_returns_each_item_once_in_order(stack: LocalStackProcess) -> None:
    token = register(stack, "pager")
    film_ids = catalog_film_ids(stack)
    film_ids = film_ids[:60]
    watchlist = stack.request("POST", "/api/v1/me/watchlists", json_body={"title": "Всё подряд"}, token=token).json
    for film_id in film_ids:
        path = f"/api/v1/me/watchlists/{watchlist['id']}/items/add"
        assert stack.request("PUT", path, json_body={"film_id": film_id}, token=token).status == 204
    seen: list[str] = []
    next_path: str | None = f"/api/v1/me/watchlists/{watchlist['id']}/items?limit=25"
    while next_path:
        page = stack.request("GET", next_path, token=token)
        assert page.status == 200
        seen += [film["id"] for film in page.json]
        link = page.headers.get("Link")
        next_path = link[1 : link.index(">")] if link else None
    assert seen == list(reversed(film_ids))
