"""One router per feature, in the order the dispatcher tries them (help last: it answers anything left)."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import help as help_
from bot.handlers import lists, login, ratings, recommend, search


def routers() -> list[Router]:
    # Built anew on each call: an aiogram router can belong to only one dispatcher.
    return [login.router(), search.router(), lists.router(), ratings.router(), recommend.router(), help_.router()]
