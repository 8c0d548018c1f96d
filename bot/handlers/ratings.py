"""The star buttons under a watched film: one press rates the film and logs a diary entry for today.

Telegram does not tell the bot a user's time zone, so "today" is the UTC date, as it is for an API client that
sends none.  The stars go away once pressed, so a second press cannot log the same viewing twice.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot import texts
from bot.keyboards import Rate, is_stars_row
from bot.replies import replace_markup
from bot.services import Services
from filmhub.core.entities import score_to_half_points
from filmhub.core.errors import NotFound
from filmhub.diary.service import EntryDraft


def router() -> Router:
    router = Router(name="ratings")
    router.callback_query.register(rate, Rate.filter())
    return router


async def rate(callback: CallbackQuery, callback_data: Rate, services: Services) -> None:
    user_id = services.user_id(callback.from_user)
    film_id, score = str(callback_data.film), float(callback_data.stars)
    try:
        services.ratings().rate(user_id, film_id, score)
        services.diary().log(user_id, film_id, EntryDraft(half_points=score_to_half_points(score)))
    except NotFound:
        await callback.answer(texts.FILM_GONE, show_alert=True)
        return
    await callback.answer(texts.rated(callback_data.stars))
    message = callback.message
    if isinstance(message, Message) and message.reply_markup:
        rows = [row for row in message.reply_markup.inline_keyboard if not is_stars_row(row)]
        await replace_markup(message, InlineKeyboardMarkup(inline_keyboard=rows))
