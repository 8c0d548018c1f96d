"""Posters are judged by their bytes; multipart bodies come through API Gateway byte-exact."""

from __future__ import annotations

import base64
import os

import pytest

from filmhub.films.images import JPEG, PNG, WEBP, sniff
from filmhub.films.text import keywords, stem
from filmhub.http.multipart import MAX_PARTS, MultipartError, find_file, raw_body
from tests.support.media import TINY_JPEG, TINY_PNG, TINY_WEBP, multipart_form


@pytest.mark.parametrize(("data", "expected"), [(TINY_JPEG, JPEG), (TINY_PNG, PNG), (TINY_WEBP, WEBP)])
def test_real_images_are_recognised(data: bytes, expected: object) -> None:
    assert sniff(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, renamed to poster.jpg",
        b"",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 8,  # a PNG signature without its IHDR chunk
        b"RIFF\x10\x00\x00\x00WAVEfmt ",  # a RIFF container that is audio
        b"GIF89a\x01\x00\x01\x00",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
)
def test_anything_else_is_not_an_image(data: bytes) -> None:
    assert sniff(data) is None


def test_file_part_is_byte_exact_whatever_its_bytes() -> None:
    data = os.urandom(64 * 1024) + b"\r\n--not-the-boundary\r\n" + bytes(range(256))
    body, content_type = multipart_form(data)
    found = find_file(body, content_type, ("file",))
    assert found is not None
    assert (found.name, found.data, found.filename, found.content_type) == ("file", data, "poster.jpg", "image/jpeg")
    comment = find_file(body, content_type, ("comment",))
    assert comment is not None
    assert comment.data.decode() == "постер"
    assert find_file(body, content_type, ("other",)) is None


def test_the_data_field_name_is_parsed_too() -> None:
    body, content_type = multipart_form(TINY_PNG, field="data", filename="постер.png", content_type="image/png")
    found = find_file(body, content_type, ("file", "data"))
    assert found is not None
    assert found.data == TINY_PNG


@pytest.mark.parametrize(
    "content_type", ["application/json", "multipart/form-data", "text/plain; boundary=x", "image/jpeg"]
)
def test_a_body_that_is_not_a_form_is_refused(content_type: str) -> None:
    with pytest.raises(MultipartError):
        find_file(b'{"file": "x"}', content_type, ("file",))


def form_of(parts: list[tuple[str, bytes]], boundary: str = "b0und4ry") -> tuple[bytes, str]:
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + data + b"\r\n"
        for name, data in parts
    )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_the_walk_stops_at_the_file_and_refuses_too_many_parts_before_it() -> None:
    fields = [(f"f{index}", b"") for index in range(MAX_PARTS)]
    body, content_type = form_of([*fields, ("file", TINY_JPEG)])
    with pytest.raises(MultipartError, match="at most"):
        find_file(body, content_type, ("file",))
    body, content_type = form_of([*fields[:-1], ("file", TINY_JPEG), *fields])
    found = find_file(body, content_type, ("file",))
    assert found is not None
    assert found.data == TINY_JPEG
    body, content_type = form_of(fields)  # exactly the cap, and no file
    assert find_file(body, content_type, ("file",)) is None


@pytest.mark.parametrize(
    "body",
    [
        b"no delimiter at all",
        b'--b0und4ry\r\nContent-Disposition: form-data; name="file"\r\n\r\nunterminated',
        b"--b0und4ry junk\r\n\r\nx\r\n--b0und4ry--",
        b"--b0und4ry\r\n" + b"X-Long: " + b"h" * 10_000 + b"\r\n\r\nx\r\n--b0und4ry--",
    ],
    ids=["no delimiter", "unterminated", "junk after the delimiter", "huge part headers"],
)
def test_malformed_forms_are_refused(body: bytes) -> None:
    with pytest.raises(MultipartError):
        find_file(body, "multipart/form-data; boundary=b0und4ry", ("file",))


def test_raw_body_decodes_base64_without_touching_binary() -> None:
    class Event:
        body = base64.b64encode(TINY_JPEG).decode()
        is_base64_encoded = True

    assert raw_body(Event()) == TINY_JPEG  # type: ignore[arg-type]
    Event.body, Event.is_base64_encoded = "###", True
    with pytest.raises(MultipartError):
        raw_body(Event())  # type: ignore[arg-type]


def test_stems_fold_russian_inflections() -> None:
    assert stem("тюрьмы") == stem("тюрьме") == stem("тюрьма") == "тюрьм"
    assert stem("жены") == stem("жена") == "жен"
    assert stem("семья") == stem("семьёй".replace("ё", "е")) == stem("семье") == "семь"
    assert stem("старых") == stem("старым") == "стар"
    assert stem("wizards") == "wizard"
    assert stem("сон") == "сон"  # never below three letters


def test_keywords_drop_stop_words_and_repeats() -> None:
    assert keywords("Фильм, где банкир сбегает из тюрьмы; тюрьма была страшной") == [
        "банкир",
        "сбег",
        "тюрьм",
        "страшн",
    ]
