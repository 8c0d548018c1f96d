"""/help, and the answer to anything no other router took (registered last)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot import texts


def router() -> Router:
    router = Router(name="help")
    router.message.register(show_help, Command("help"))
    router.message.register(unknown)
    return router


async def show_help(message: Message) -> None:
    await message.answer(texts.HELP)


async def unknown(message: Message) -> None:
    await message.answer(texts.UNKNOWN_COMMAND)
