"""Admins curate mixes; users can't; a demotion takes effect on the next request."""

from __future__ import annotations

import uuid

import pytest

from filmhub.table.models import UserItem
from tests.support.api import ApiClient
from tests.support.fixtures import make_films, register_user

pytestmark = pytest.mark.usefixtures("aws")


def set_role(user_id: str, role: str) -> None:
    UserItem(*UserItem.key(user_id)).update(actions=[UserItem.role.set(role)])


@pytest.fixture
def admin(api: ApiClient) -> tuple[ApiClient, str]:
    user_id, api.token = register_user(api, "редактор")
    set_role(user_id, "admin")
    return api, user_id


def test_admin_curates_a_mix_end_to_end(admin: tuple[ApiClient, str]) -> None:
    api, _ = admin
    films = make_films(3)
    created = api.post("/mix", json_body={"title": "Микс #16: Осень", "color1": "#112233", "color2": "#445566",
                                          "color3": "#778899"})  # fmt: skip
    assert created.status == 201
    mix_id = created.json["id"]
    for film in films:
        assert api.put(f"/mix/{mix_id}/items/add", json_body={"film_id": film.id}).status == 204
    assert api.put(f"/mix/{mix_id}/items/add", json_body={"film_id": films[0].id}).status == 204  # idempotent
    anonymous = ApiClient()
    assert [f["id"] for f in anonymous.get(f"/mix/{mix_id}/items").json] == [f.id for f in films]
    new_order = [films[2].id, films[0].id, films[1].id]
    assert api.put(f"/mix/{mix_id}/items/order", json_body={"film_ids": new_order}).status == 204
    assert [f["id"] for f in anonymous.get(f"/mix/{mix_id}/items").json] == new_order
    assert created.json in anonymous.get("/mix").json
    renamed = api.put(f"/mix/{mix_id}", json_body={"title": "Микс #16: Зима"})
    assert renamed.json == {**created.json, "title": "Микс #16: Зима"}
    assert api.delete(f"/mix/{mix_id}/items/{films[1].id}").status == 204
    assert api.delete(f"/mix/{mix_id}/items/{films[1].id}").json["detail"] == "Film not found in mix"
    assert api.delete(f"/mix/{mix_id}").status == 204
    assert anonymous.get(f"/mix/{mix_id}").status == 404
    assert all(mix["id"] != mix_id for mix in anonymous.get("/mix").json)


def test_colours_are_picked_when_omitted_and_validated_when_given(admin: tuple[ApiClient, str]) -> None:
    api, _ = admin
    picked = api.post("/mix", json_body={"title": "Без цветов"}).json
    assert all(picked[key].startswith("#") for key in ("color1", "color2", "color3"))
    assert api.post("/mix", json_body={"title": "x", "color1": "red"}).status == 422


def test_order_must_be_exactly_the_mix_films(admin: tuple[ApiClient, str]) -> None:
    api, _ = admin
    films = make_films(2)
    mix_id = api.post("/mix", json_body={"title": "Порядок"}).json["id"]
    for film in films:
        api.put(f"/mix/{mix_id}/items/add", json_body={"film_id": film.id})
    for wrong in ([films[0].id], [films[0].id, films[0].id], [films[0].id, str(uuid.uuid4())]):
        assert api.put(f"/mix/{mix_id}/items/order", json_body={"film_ids": wrong}).status == 400
    assert api.put(f"/mix/{uuid.uuid4()}/items/add", json_body={"film_id": films[0].id}).status == 404
    assert api.put(f"/mix/{mix_id}/items/add", json_body={"film_id": str(uuid.uuid4())}).status == 404


def test_users_get_403_and_a_demoted_admin_loses_access_at_once(admin: tuple[ApiClient, str]) -> None:
    api, admin_id = admin
    mix_id = api.post("/mix", json_body={"title": "Только для админов"}).json["id"]
    film = make_films(1)[0]
    user = ApiClient()
    _, user.token = register_user(user)
    calls = [
        lambda c: c.post("/mix", json_body={"title": "x"}),
        lambda c: c.put(f"/mix/{mix_id}", json_body={"title": "x"}),
        lambda c: c.put(f"/mix/{mix_id}/items/add", json_body={"film_id": film.id}),
        lambda c: c.delete(f"/mix/{mix_id}/items/{film.id}"),
        lambda c: c.put(f"/mix/{mix_id}/items/order", json_body={"film_ids": []}),
        lambda c: c.delete(f"/mix/{mix_id}"),
    ]
    for call in calls:
        assert call(user).json == {"status_code": 403, "detail": "Admins only"}
        assert call(ApiClient()).status == 401
    set_role(admin_id, "user")
    assert api.post("/mix", json_body={"title": "x"}).status == 403
    assert api.get("/me").json["role"] == "user"
