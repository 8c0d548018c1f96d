"""Sharing over real HTTP through the local gateway: the page as curl fetches it (headers, escaping, previews),
the public JSON, ranked order, notes, revocation, and a screenshot of the page when a Chromium is installed."""

from __future__ import annotations

import http.client
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scripts.screenshot_share_page import find_chromium, prepare_shared_list, screenshot
from tests.e2e.test_watchlists_http import catalog_film_ids
from tests.support.local_stack import HttpResponse, LocalStackProcess
from tests.support.media import TINY_JPEG, multipart_form

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

ATTACK = '<script>alert("owned")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def curl(stack: LocalStackProcess, path: str) -> tuple[int, dict[str, str], str]:
    """A plain GET on a fresh connection, as ``curl -i`` sends it: the raw status, headers and body."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    try:
        connection.request("GET", path, headers={"User-Agent": "curl/8.5.0", "Accept": "*/*"})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        connection.close()


def register_as(stack: LocalStackProcess, username: str) -> str:
    """Sign up with this username (any text) and log in; the token."""
    account = {"email": f"{uuid.uuid4().hex[:12]}@example.com", "password": "long enough password"}
    assert stack.request("POST", "/api/v1/auth/register", json_body={**account, "username": username}).status == 201
    return stack.request("POST", "/api/v1/auth/login", json_body=account).json["token"]


def call(stack: LocalStackProcess, method: str, path: str, token: str, body: object = None) -> HttpResponse:
    return stack.request(method, f"/api/v1{path}", json_body=body, token=token)


def test_shared_page_over_http_escapes_everything_and_carries_its_policy(stack: LocalStackProcess) -> None:
    token = register_as(stack, ATTACK)
    film_ids = catalog_film_ids(stack)[:3]
    own = call(stack, "POST", "/films", token, {"title": ATTACK, "description": ATTACK}).json["id"]
    form, content_type = multipart_form(TINY_JPEG)
    uploaded = stack.request("PUT", f"/api/v1/films/{own}/poster", body=form, headers={"Content-Type": content_type},
                             token=token)  # fmt: skip
    assert uploaded.status == 204
    list_id = call(stack, "POST", "/me/watchlists", token, {"title": ATTACK}).json["id"]
    for film_id in [*film_ids, own]:
        assert call(stack, "PUT", f"/me/watchlists/{list_id}/items/add", token, {"film_id": film_id}).status == 204
    ranked = [own, *film_ids]
    assert call(stack, "PUT", f"/me/watchlists/{list_id}/items/order", token, {"film_ids": ranked}).status == 204
    assert call(stack, "PUT", f"/me/watchlists/{list_id}/items/{own}/note", token, {"text": ATTACK}).status == 204
    shared = call(stack, "POST", f"/me/watchlists/{list_id}/share", token)
    assert shared.status == 201
    slug = shared.json["slug"]
    assert shared.json["page_url"] == f"{stack.base_url}/l/{slug}"
    assert shared.json["url"] == f"{stack.base_url}/api/v1/public/lists/{slug}"

    status, headers, html = curl(stack, urlsplit(shared.json["page_url"]).path)
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "public, max-age=60"
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert "unsafe-inline" not in policy
    assert re.search(r"style-src 'sha256-[A-Za-z0-9+/]+=*'", policy)
    poster_url = call(stack, "GET", f"/films/{own}", token).json["poster_url"]
    poster_origin = "{0.scheme}://{0.netloc}".format(urlsplit(poster_url))
    assert f"img-src {poster_origin};" in policy  # the moto bucket serves posters locally
    assert "<script" not in html
    assert "<img src=x" not in html
    assert html.count(ESCAPED) >= 4  # the list title, the username, the film title and the note
    assert f'<meta property="og:image" content="{poster_url}">' in html
    assert f'<meta property="og:url" content="{shared.json["page_url"]}">' in html
    assert f'<meta property="og:title" content="{ESCAPED}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html

    public = stack.request("GET", f"/api/v1/public/lists/{slug}")
    assert public.status == 200
    assert [film["id"] for film in public.json["films"]] == ranked
    assert public.json["films"][0]["note"] == ATTACK  # JSON carries the text as written
    assert public.json["owner"] == {"username": ATTACK}

    assert call(stack, "DELETE", f"/me/watchlists/{list_id}/share", token).status == 204
    assert curl(stack, f"/l/{slug}")[0] == 404
    assert stack.request("GET", f"/api/v1/public/lists/{slug}").status == 404


def test_deleted_list_and_unknown_addresses_over_http(stack: LocalStackProcess) -> None:
    token = register_as(stack, "удаляющий")
    list_id = call(stack, "POST", "/me/watchlists", token, {"title": "Ненадолго"}).json["id"]
    slug = call(stack, "POST", f"/me/watchlists/{list_id}/share", token).json["slug"]
    assert curl(stack, f"/l/{slug}")[0] == 200
    assert call(stack, "DELETE", f"/me/watchlists/{list_id}", token).status == 204
    status, headers, html = curl(stack, f"/l/{slug}")
    assert (status, headers["cache-control"]) == (404, "no-store")
    assert "Список не найден" in html
    assert curl(stack, "/l/")[0] == 404  # no slug: the gateway's own 404, no function runs
    assert curl(stack, f"/api/v1/l/{slug}")[0] == 404  # the page is outside the API prefix


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed (apt-get install chromium)")
def test_screenshot_of_the_page_on_a_phone(stack: LocalStackProcess, tmp_path: Path) -> None:
    page_url = prepare_shared_list(stack.base_url)
    shot = screenshot(find_chromium() or "", page_url, tmp_path / "share-page.png")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (390, 844)
