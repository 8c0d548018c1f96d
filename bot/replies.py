"""Answering a button press: edit the message the button is on, or send a new one to its chat."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


@contextmanager
def _unchanged_is_fine() -> Iterator[None]:
    # A double press, or a change made on the site meanwhile, can leave nothing to change: Telegram says so.
    try:
        yield
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise


async def send(bot: Bot, callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    # The bot works in private chats, where the chat id is the user id.
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    await bot.send_message(chat_id, text, reply_markup=markup)


async def replace(bot: Bot, callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the button's message; a message too old to edit (Telegram: 48 hours) gets a new one instead."""
    if not isinstance(callback.message, Message):
        await send(bot, callback, text, markup)
        return
    with _unchanged_is_fine():
        await callback.message.edit_text(text, reply_markup=markup)


async def replace_markup(message: Message, markup: InlineKeyboardMarkup) -> None:
    with _unchanged_is_fine():
        await message.edit_reply_markup(reply_markup=markup)
