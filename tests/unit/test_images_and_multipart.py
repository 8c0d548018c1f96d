"""Posters are judged by their bytes; multipart bodies come through API Gateway byte-exact."""

from __future__ import annotations

import base64
import os

import pytest

from filmhub.films.images import JPEG, PNG, WEBP, sniff
from filmhub.films.text import keywords, stem
from filmhub.http.multipart import MultipartError, parse_form, raw_body
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
    form = parse_form(body, content_type)
    assert form["file"].data == data
    assert form["file"].filename == "poster.jpg"
    assert form["file"].content_type == "image/jpeg"
    assert form["comment"].data.decode() == "постер"


def test_the_data_field_name_is_parsed_too() -> None:
    body, content_type = multipart_form(TINY_PNG, field="data", filename="постер.png", content_type="image/png")
    assert parse_form(body, content_type)["data"].data == TINY_PNG


@pytest.mark.parametrize(
    "content_type", ["application/json", "multipart/form-data", "text/plain; boundary=x", "image/jpeg"]
)
def test_a_body_that_is_not_a_form_is_refused(content_type: str) -> None:
    with pytest.raises(MultipartError):
        parse_form(b'{"file": "x"}', content_type)


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
