"""Inline keyboards and their callback data.

Telegram limits callback data to 64 bytes, so each button carries a one-letter prefix and compact values
(UUIDs as 32 hex digits, list pages as a short token of a stored cursor).  The longest, a login decision,
is 47 bytes; ``CallbackData.pack`` refuses anything longer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args
from uuid import UUID

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from filmhub.core.entities import FilmFlags, FilmView, Mood

BuiltinKind = Literal["liked", "wish", "watched"]
BUILTIN_KINDS: tuple[BuiltinKind, ...] = get_args(BuiltinKind)
#: Longer titles are cut on list buttons (Telegram shows about this much on a phone anyway).
BUTTON_TITLE_LIMIT = 48

Row = list[InlineKeyboardButton]


class AuthDecision(CallbackData, prefix="a"):
    confirm: bool
    key: str


class Toggle(CallbackData, prefix="t"):
    """Put the film in (``on``) or out of a built-in list: the state the button promised, not a blind flip."""

    kind: BuiltinKind
    on: bool
    film: UUID


class OpenFilm(CallbackData, prefix="f"):
    film: UUID


class ListPage(CallbackData, prefix="p"):
    kind: BuiltinKind
    page: int
    #: Token of the stored cursor of this page; "" for the first page.
    token: str


class ShareList(CallbackData, prefix="s"):
    """Send the public link of a built-in list."""

    kind: BuiltinKind


class MoodPick(CallbackData, prefix="m"):
    mood: UUID


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def in_list(flags: FilmFlags, kind: BuiltinKind) -> bool:
    return bool(getattr(flags, f"is_{kind}"))


def login_keyboard(key: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(texts.CONFIRM, AuthDecision(confirm=True, key=key)),
                _button(texts.DECLINE, AuthDecision(confirm=False, key=key)),
            ]
        ]
    )


def toggle_row(view: FilmView) -> Row:
    """The list buttons ♥ / хочу / смотрел, checked when the film is in that list; a film keyboard's first row."""
    film = UUID(view.film.id)
    row = []
    for kind in BUILTIN_KINDS:
        on = in_list(view.flags, kind)
        label = texts.CHECKED + texts.LIST_BUTTONS[kind] if on else texts.LIST_BUTTONS[kind]
        row.append(_button(label, Toggle(kind=kind, on=not on, film=film)))
    return row


def film_keyboard(view: FilmView, extra_rows: Sequence[Row] = ()) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[toggle_row(view), *extra_rows])


def more_row(mood: UUID) -> Row:
    return [_button(texts.MORE, MoodPick(mood=mood))]


def moods_keyboard(moods: Sequence[Mood]) -> InlineKeyboardMarkup:
    # One mood a row: their names ("Напряжённое, захватывающее") do not fit two abreast on a phone.
    return InlineKeyboardMarkup(inline_keyboard=[[_button(mood.name, MoodPick(mood=UUID(mood.id)))] for mood in moods])


def page_keyboard(
    kind: BuiltinKind,
    page: int,
    films: Sequence[FilmView],
    first_number: int,
    previous: str | None,
    next_token: str | None,
) -> InlineKeyboardMarkup | None:
    """A button per film (opens its card with the list buttons), ◀ ▶ when there is a page that way, and the
    list's share button when it has films."""
    rows: list[Row] = []
    for number, view in enumerate(films, start=first_number):
        title = texts.film_title(view.film)
        if len(title) > BUTTON_TITLE_LIMIT:
            title = title[: BUTTON_TITLE_LIMIT - 1] + "…"
        rows.append([_button(f"{number}. {title}", OpenFilm(film=UUID(view.film.id)))])
    arrows = []
    if previous is not None:
        arrows.append(_button(texts.PREVIOUS_PAGE, ListPage(kind=kind, page=page - 1, token=previous)))
    if next_token is not None:
        arrows.append(_button(texts.NEXT_PAGE, ListPage(kind=kind, page=page + 1, token=next_token)))
    if arrows:
        rows.append(arrows)
    if films:
        rows.append([_button(texts.SHARE, ShareList(kind=kind))])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
