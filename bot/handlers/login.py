"""/start: the greeting, and the web app's Telegram login (deep link ``start=auth_<key>`` → confirm / decline)."""

from __future__ import annotations

import re

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message

from bot import texts
from bot.keyboards import AuthDecision, login_keyboard
from bot.replies import replace
from bot.services import Services, account_name, sender
from filmhub.accounts.telegram_login import AuthKeyProblem, AuthKeyRejected

AUTH_PREFIX = "auth_"
#: Keys are 43 URL-safe characters; anything else typed after /start is unknown without asking the table.
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def router() -> Router:
    router = Router(name="login")
    router.message.register(start_login, CommandStart(deep_link=True, magic=F.args.startswith(AUTH_PREFIX)))
    router.message.register(start, CommandStart())
    router.callback_query.register(decide, AuthDecision.filter())
    return router


async def start(message: Message) -> None:
    await message.answer(texts.GREETING)


def _key_problem(services: Services, key: str) -> AuthKeyProblem | None:
    """Why the key cannot be confirmed, checked before showing the buttons; None while it is pending."""
    if not _KEY.fullmatch(key):
        return AuthKeyProblem.UNKNOWN
    try:
        confirmed = services.telegram_login().auth_key_confirmed(key)
    except AuthKeyRejected as rejected:
        return rejected.problem
    return AuthKeyProblem.USED if confirmed else None


async def start_login(message: Message, command: CommandObject, services: Services) -> None:
    key = (command.args or "").removeprefix(AUTH_PREFIX)
    problem = _key_problem(services, key)
    if problem is not None:
        await message.answer(texts.KEY_PROBLEMS[problem])
        return
    user = sender(message.from_user)
    await message.answer(texts.login_prompt(user.full_name, user.username), reply_markup=login_keyboard(key))


async def decide(callback: CallbackQuery, callback_data: AuthDecision, services: Services, bot: Bot) -> None:
    user = callback.from_user
    try:
        if callback_data.confirm:
            # Finds or creates the user of this Telegram account (with its lists) and activates the key, atomically.
            services.telegram_login().confirm_auth_key(callback_data.key, user.id, account_name(user))
            text = texts.login_confirmed(user.full_name, user.username)
        else:
            services.telegram_login().decline_auth_key(callback_data.key)
            text = texts.LOGIN_DECLINED
    except AuthKeyRejected as rejected:
        text = texts.KEY_PROBLEMS[rejected.problem]
    await callback.answer()
    await replace(bot, callback, text)  # without the buttons: a decision is made once
