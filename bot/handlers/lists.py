"""The built-in lists: /wish, /liked, /watched page by page, a film's card from a list, the list buttons
(♥ / хочу / смотрел) under every film card, whichever feature sent it, and a list's public link (/share <list>,
or the share button under a list page).

Pages: ``WatchlistService.items`` pages by a signed cursor far longer than the 64 bytes of callback data, so the
next page's cursor is stored under a short random token (with the previous page's token, for ◀) in a table
item that expires after a week; the arrows carry only the token.  A page costs the same whatever its number,
and pressing an expired arrow starts the list over.
"""

from __future__ import annotations

from contextlib import suppress
from typing import cast

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message

from bot import texts
from bot.keyboards import (
    BUILTIN_KINDS,
    BuiltinKind,
    ListPage,
    OpenFilm,
    ShareList,
    Toggle,
    film_keyboard,
    page_keyboard,
)
from bot.replies import replace, replace_markup, send
from bot.services import Services
from filmhub.core.errors import InvalidInput, NotFound
from filmhub.sharing.links import share_links

PAGE_SIZE = 5
#: The bot disables previews by default; a shared list's link is sent to be previewed.
LINK_PREVIEW = LinkPreviewOptions(is_disabled=False)


def router() -> Router:
    router = Router(name="lists")
    router.message.register(show_list, Command(*BUILTIN_KINDS))
    router.callback_query.register(turn_page, ListPage.filter())
    router.callback_query.register(open_film, OpenFilm.filter())
    router.callback_query.register(toggle, Toggle.filter())
    router.message.register(share_command, Command("share"))
    router.callback_query.register(share_button, ShareList.filter())
    return router


Rendered = tuple[str, InlineKeyboardMarkup | None]


def _page(
    services: Services, user_id: str, kind: BuiltinKind, page: int, token: str, cursor: str | None, previous: str
) -> Rendered:
    """Page ``page`` of the list, starting at ``cursor`` (stored under ``token``; None and "" for the first)."""
    result = services.watchlists().items(user_id, kind, limit=PAGE_SIZE, cursor=cursor)
    next_token = services.state().save_page(result.next_cursor, previous=token) if result.next_cursor else None
    first_number = page * PAGE_SIZE + 1
    text = texts.list_page(kind, page, [view.film for view in result.films], first_number)
    markup = page_keyboard(kind, page, result.films, first_number, previous if page else None, next_token)
    return text, markup


def _first_page(services: Services, user_id: str, kind: BuiltinKind) -> Rendered:
    return _page(services, user_id, kind, 0, "", None, "")


def _resumed_page(services: Services, user_id: str, data: ListPage) -> Rendered | None:
    """The page an arrow points to; None when its stored cursor has expired or no longer verifies."""
    if not data.token:
        return _first_page(services, user_id, data.kind)
    stored = services.state().load_page(data.token)
    if stored is None:
        return None
    cursor, previous = stored
    try:
        return _page(services, user_id, data.kind, data.page, data.token, cursor, previous)
    except InvalidInput:  # signed with a key that has been rotated since
        return None


async def show_list(message: Message, command: CommandObject, services: Services) -> None:
    text, markup = _first_page(services, services.user_id(message.from_user), cast(BuiltinKind, command.command))
    await message.answer(text, reply_markup=markup)


async def turn_page(callback: CallbackQuery, callback_data: ListPage, services: Services, bot: Bot) -> None:
    user_id = services.user_id(callback.from_user)
    rendered = _resumed_page(services, user_id, callback_data)
    notice = None
    if rendered is None:
        notice = texts.PAGE_EXPIRED
        rendered = _first_page(services, user_id, callback_data.kind)
    await callback.answer(notice)
    await replace(bot, callback, *rendered)


async def open_film(callback: CallbackQuery, callback_data: OpenFilm, services: Services, bot: Bot) -> None:
    views = services.films().page([str(callback_data.film)], services.user_id(callback.from_user))
    if not views:
        await callback.answer(texts.FILM_GONE, show_alert=True)
        return
    await callback.answer()
    await send(bot, callback, texts.film_card(views[0].film), film_keyboard(views[0]))


async def toggle(callback: CallbackQuery, callback_data: Toggle, services: Services) -> None:
    user_id = services.user_id(callback.from_user)
    film_id, kind = str(callback_data.film), callback_data.kind
    if callback_data.on:
        try:
            services.watchlists().add(user_id, kind, film_id)
        except NotFound:
            await callback.answer(texts.FILM_GONE, show_alert=True)
            return
    else:
        with suppress(NotFound):  # already out of the list (e.g. removed on the site): that is what was asked
            services.watchlists().remove(user_id, kind, film_id)
    await callback.answer(texts.toggled(kind, callback_data.on))
    views = services.films().page([film_id], user_id)
    message = callback.message
    # A message too old to edit (Telegram: 48 hours) keeps its buttons: the toast above is all the user gets.
    if views and isinstance(message, Message):
        # Fresh flags (the site may have changed the others); rows below the list buttons (e.g. "ещё") stay.
        rows = message.reply_markup.inline_keyboard[1:] if message.reply_markup else []
        await replace_markup(message, film_keyboard(views[0], rows))


def _share_text(services: Services, user_id: str, kind: BuiltinKind, public_base_url: str) -> str:
    """The list's live link (created on first use), as the site's share button gives it."""
    share = services.sharing().share(user_id, kind)
    return texts.share_link(kind, share_links(public_base_url, share.slug).page_url)


async def share_command(message: Message, command: CommandObject, services: Services, public_base_url: str) -> None:
    kind = (command.args or "").strip().lower().lstrip("/")
    if kind not in BUILTIN_KINDS:
        await message.answer(texts.SHARE_HINT)
        return
    text = _share_text(services, services.user_id(message.from_user), cast(BuiltinKind, kind), public_base_url)
    await message.answer(text, link_preview_options=LINK_PREVIEW)


async def share_button(
    callback: CallbackQuery, callback_data: ShareList, services: Services, bot: Bot, public_base_url: str
) -> None:
    text = _share_text(services, services.user_id(callback.from_user), callback_data.kind, public_base_url)
    await callback.answer()
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    await bot.send_message(chat_id, text, link_preview_options=LINK_PREVIEW)
