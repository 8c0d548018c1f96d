"""Callback data within Telegram's 64 bytes, buttons that show the list state, film cards, and where aiogram lives."""

from __future__ import annotations

import ast
import secrets
import uuid
from pathlib import Path

import pytest
from aiogram.filters.callback_data import CallbackData

from bot import texts
from bot.keyboards import (
    AuthDecision,
    ListPage,
    MoodPick,
    OpenFilm,
    ShareList,
    Toggle,
    film_keyboard,
    more_row,
    page_keyboard,
    toggle_row,
)
from filmhub.accounts.telegram_login import AUTH_KEY_BYTES
from filmhub.bot_state.dynamo import PAGE_TOKEN_BYTES
from filmhub.core.entities import Film, FilmFlags, FilmView, Genre
from tests.support.telegram import button_texts, buttons

ROOT = Path(__file__).resolve().parents[2]
FILM_ID = uuid.UUID("6f1c1c9e-3a0b-4c55-9c1e-0d6b1f7a2b3c")
#: The longest values each field takes: a real login key and page token, the longest kind, a big page number.
LONGEST = [
    AuthDecision(confirm=False, key=secrets.token_urlsafe(AUTH_KEY_BYTES)),
    Toggle(kind="watched", on=False, film=FILM_ID),
    OpenFilm(film=FILM_ID),
    ListPage(kind="watched", page=99_999, token=secrets.token_urlsafe(PAGE_TOKEN_BYTES)),
    MoodPick(mood=FILM_ID),
]


def film(title: str = "Брат", description: str = "Данила Багров едет в Петербург.") -> Film:
    return Film(
        id=str(FILM_ID),
        title=title,
        description=description,
        country="Россия",
        release_year=1997,
        genres=(Genre("g1", "драма"), Genre("g2", "криминал")),
    )


@pytest.mark.parametrize("data", LONGEST, ids=lambda data: data.__prefix__)
def test_callback_data_fits_64_bytes_and_round_trips(data: CallbackData) -> None:
    packed = data.pack()
    assert len(packed.encode()) <= 64
    assert type(data).unpack(packed) == data


def test_list_buttons_show_the_state_and_promise_the_opposite() -> None:
    view = FilmView(film(), FilmFlags(is_liked=True, is_wish=False, is_watched=True))
    row = toggle_row(view)
    assert [button.text for button in row] == ["✅ ♥", "хочу", "✅ смотрел"]
    promised = [Toggle.unpack(button.callback_data or "") for button in row]
    assert [(t.kind, t.on, t.film) for t in promised] == [
        ("liked", False, FILM_ID),
        ("wish", True, FILM_ID),
        ("watched", False, FILM_ID),
    ]


def test_film_keyboard_keeps_extra_rows_below_the_list_buttons() -> None:
    markup = film_keyboard(FilmView(film()), [more_row(FILM_ID)])
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["♥", "хочу", "смотрел"], [texts.MORE]]
    assert MoodPick.unpack(markup.inline_keyboard[1][0].callback_data or "").mood == FILM_ID


def test_film_card_escapes_html_and_shortens_long_descriptions() -> None:
    card = texts.film_card(film(title="<Брат & сестра>", description="слово " * 500))
    first, details, blank, description = card.split("\n")
    assert first == "🎬 <b>&lt;Брат &amp; сестра&gt; (1997)</b>"
    assert (details, blank) == ("Россия · драма, криминал", "")
    assert len(description) == texts.DESCRIPTION_LIMIT
    assert description.endswith("…")


def test_film_card_without_country_and_genres() -> None:
    bare = Film(id=str(FILM_ID), title="Фильм", description="Описание.")
    assert texts.film_card(bare) == "🎬 <b>Фильм</b>\n\nОписание."


def test_page_keyboard_has_a_button_per_film_and_arrows_only_where_pages_are() -> None:
    views = [FilmView(film(title=f"Фильм {n}" + "!" * 60)) for n in range(2)]
    first = page_keyboard("wish", 0, views, 1, previous=None, next_token="abc")
    assert button_texts(first)[-2:] == [texts.NEXT_PAGE, texts.SHARE]
    assert button_texts(first)[0].startswith("1. Фильм 0!")
    assert all(len(text) <= 3 + 48 for text in button_texts(first)[:2])
    assert ListPage.unpack(buttons(first)[-2].callback_data or "") == ListPage(kind="wish", page=1, token="abc")
    assert ShareList.unpack(buttons(first)[-1].callback_data or "") == ShareList(kind="wish")
    middle = page_keyboard("wish", 1, views, 6, previous="", next_token="def")
    assert button_texts(middle)[0].startswith("6. ")
    assert button_texts(middle)[-3:] == [texts.PREVIOUS_PAGE, texts.NEXT_PAGE, texts.SHARE]
    assert ListPage.unpack(buttons(middle)[-3].callback_data or "") == ListPage(kind="wish", page=0, token="")
    last = page_keyboard("wish", 2, views, 11, previous="abc", next_token=None)
    assert button_texts(last)[-2:] == [texts.PREVIOUS_PAGE, texts.SHARE]
    assert page_keyboard("wish", 0, [], 1, previous=None, next_token=None) is None


def test_list_page_text_numbers_films_across_pages() -> None:
    text = texts.list_page("watched", 1, [film(), film(title="Брат 2")], 6)
    assert text == "<b>Просмотренные</b> · страница 2\n\n6. Брат (1997)\n7. Брат 2 (1997)"
    assert "пусто" in texts.list_page("liked", 0, [], 1)


def _imports_aiogram(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        if any(name == "aiogram" or name.startswith("aiogram.") for name in names):
            return True
    return False


def test_aiogram_is_imported_only_by_the_bot() -> None:
    # The API functions must not pay aiogram's import time (DESIGN.md, cold start).
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("layers", "functions")
        for path in (ROOT / folder).rglob("*.py")
        if _imports_aiogram(path)
    ]
    assert offenders == []
    assert _imports_aiogram(ROOT / "bot" / "webhook.py")
