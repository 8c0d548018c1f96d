"""/recommend: pick a mood, get one film with its list buttons and "ещё" for another one of that mood."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot import texts
from bot.keyboards import MoodPick, film_keyboard, moods_keyboard, more_row
from bot.replies import send
from bot.services import Services
from filmhub.core.errors import InvalidInput, NotFound


def router() -> Router:
    router = Router(name="recommend")
    router.message.register(ask_mood, Command("recommend"))
    router.callback_query.register(recommend, MoodPick.filter())
    return router


async def ask_mood(message: Message, services: Services) -> None:
    await message.answer(texts.ASK_MOOD, reply_markup=moods_keyboard(services.catalog().moods()))


async def recommend(callback: CallbackQuery, callback_data: MoodPick, services: Services, bot: Bot) -> None:
    user_id = services.user_id(callback.from_user)
    try:
        view = services.recommendations().recommend(
            user_id, mood_ids=[str(callback_data.mood)], genre_ids=[], movie_type=None
        )
    except NotFound:
        await callback.answer(texts.NOTHING_TO_RECOMMEND, show_alert=True)
        return
    except InvalidInput:  # the mood was removed from the catalog after its button was sent
        await callback.answer(texts.MOOD_GONE, show_alert=True)
        return
    await callback.answer()
    # A new message each time: the previous film keeps its buttons, "ещё" asks again for the same mood.
    await send(bot, callback, texts.film_card(view.film), film_keyboard(view, [more_row(callback_data.mood)]))
