"""/search <title> (or just a title): up to five film cards, each with its list buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot import texts
from bot.keyboards import film_keyboard
from bot.services import Services

RESULTS = 5
#: The API's limit on a title.
QUERY_LIMIT = 512


def router() -> Router:
    router = Router(name="search")
    router.message.register(search_command, Command("search"))
    router.message.register(search_text, F.text & ~F.text.startswith("/"))
    return router


async def search_command(message: Message, command: CommandObject, services: Services) -> None:
    await _search(message, command.args or "", services)


async def search_text(message: Message, services: Services) -> None:
    await _search(message, message.text or "", services)


async def _search(message: Message, query: str, services: Services) -> None:
    query = query.strip()[:QUERY_LIMIT]
    if not query:
        await message.answer(texts.SEARCH_HINT)
        return
    views = services.search().search(query, None, RESULTS, services.user_id(message.from_user))
    if not views:
        await message.answer(texts.nothing_found(query))
        return
    # One message a film: each card's buttons then redraw only that card.
    for view in views:
        await message.answer(texts.film_card(view.film), reply_markup=film_keyboard(view))
