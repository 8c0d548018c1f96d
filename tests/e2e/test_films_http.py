"""Films over real HTTP through the local stack: create → poster → fetch the poster → search, as a browser does."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid

import boto3
import pytest

from tests.support.e2e import register
from tests.support.local_stack import HttpResponse, LocalStackProcess
from tests.support.media import TINY_PNG, TINY_WEBP, multipart_form

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def fetch(url: str) -> HttpResponse:
    with urllib.request.urlopen(url, timeout=10) as response:
        headers = {name.lower(): value for name, value in response.headers.items()}
        return HttpResponse(response.status, headers, response.read())


def test_create_upload_poster_fetch_it_and_find_the_film(stack: LocalStackProcess) -> None:
    token = register(stack)
    word = f"Звездолёт{uuid.uuid4().hex[:6]}"
    created = stack.request(
        "POST",
        "/api/v1/films",
        json_body={"title": f"{word} и тайна", "description": "Экипаж ищет дорогу домой.", "release_year": 2031},
        token=token,
    )
    assert created.status == 201, created.body
    film = created.json

    body, content_type = multipart_form(TINY_PNG, filename="постер.png", content_type="image/png")
    uploaded = stack.request(
        "PUT", f"/api/v1/films/{film['id']}/poster", body=body, headers={"Content-Type": content_type}, token=token
    )
    assert (uploaded.status, uploaded.body) == (204, b"")
    poster_url = stack.request("GET", f"/api/v1/films/{film['id']}").json["poster_url"]
    assert poster_url.endswith(".png")

    poster = fetch(poster_url)
    assert poster.status == 200
    assert poster.body == TINY_PNG
    assert poster.headers["content-type"] == "image/png"

    prefix = word[: len(word) - 3].swapcase().replace("ё", "е").replace("Ё", "Е")
    found = stack.request("GET", f"/api/v1/films/search?title={urllib.request.quote(prefix)}")
    assert found.status == 200
    assert [f["id"] for f in found.json] == [film["id"]]
    assert found.json[0]["poster_url"] == poster_url


def test_a_text_file_is_not_a_poster_and_strangers_cannot_upload(stack: LocalStackProcess) -> None:
    token = register(stack)
    film = stack.request("POST", "/api/v1/films", json_body={"title": "Чужой", "description": "x"}, token=token).json
    body, content_type = multipart_form(b"plain text, renamed", filename="poster.jpg")
    path = f"/api/v1/films/{film['id']}/poster"
    refused = stack.request("PUT", path, body=body, headers={"Content-Type": content_type}, token=token)
    assert refused.status == 400
    body, content_type = multipart_form(TINY_WEBP)
    stranger = stack.request("PUT", path, body=body, headers={"Content-Type": content_type}, token=register(stack))
    assert stranger.json == {"status_code": 403, "detail": "Film is not owned by you"}


def upload_form(stack: LocalStackProcess, token: str, film_id: str) -> dict:
    form = stack.request(
        "POST", f"/api/v1/films/{film_id}/poster/upload-url", json_body={"content_type": "image/webp"}, token=token
    )
    assert form.status == 201
    return form.json


def post_to_bucket(form: dict, data: bytes) -> None:
    """The browser's part: an HTML form POST of the fields, then the file, to the bucket."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in form["fields"].items()
    ]
    file_part = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.webp"\r\n'
            "Content-Type: image/webp\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        form["url"],
        data=b"".join(parts) + file_part,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 201, 204)


def test_presigned_upload_straight_to_the_bucket(stack: LocalStackProcess) -> None:
    token = register(stack)
    film = stack.request("POST", "/api/v1/films", json_body={"title": "Прямо", "description": "x"}, token=token).json
    form = upload_form(stack, token, film["id"])
    post_to_bucket(form, TINY_WEBP)
    confirmed = stack.request(
        "POST", f"/api/v1/films/{film['id']}/poster/confirm", json_body={"key": form["key"]}, token=token
    )
    assert confirmed.status == 204, confirmed.body
    poster_url = stack.request("GET", f"/api/v1/films/{film['id']}").json["poster_url"]
    poster = fetch(poster_url)
    assert (poster.body, poster.headers["content-type"]) == (TINY_WEBP, "image/webp")


def test_an_unconfirmed_upload_is_never_served_and_expires(stack: LocalStackProcess) -> None:
    token = register(stack)
    film = stack.request("POST", "/api/v1/films", json_body={"title": "Ловушка", "description": "x"}, token=token).json
    form = upload_form(stack, token, film["id"])
    page = b"<html><script>alert(document.cookie)</script></html>"
    post_to_bucket(form, page)  # the form's fields, any bytes: S3 checks the declared type, not the content
    # Where the form put it is not public (it was: the upload's key was a poster key, served as is).
    bucket_url = form["url"].rstrip("/")
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(f"{bucket_url}/{form['key']}")
    assert refused.value.code == 403
    endpoint = (stack.data_dir / "moto-endpoint").read_text().strip()
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="eu-central-1", aws_access_key_id="local",
                      aws_secret_access_key="local")  # fmt: skip
    bucket = bucket_url.rsplit("/", 1)[1]
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert (rule["Filter"]["Prefix"], rule["Expiration"]["Days"], rule["Status"]) == ("uploads/", 1, "Enabled")
    # Confirming it does not make it a poster: its bytes are checked, and it is deleted.
    confirm = f"/api/v1/films/{film['id']}/poster/confirm"
    refused_confirm = stack.request("POST", confirm, json_body={"key": form["key"]}, token=token)
    assert refused_confirm.status == 400
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix=f"uploads/{film['id']}/")
