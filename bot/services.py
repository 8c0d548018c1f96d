"""What the handlers use, behind zero-argument factories: by default the shared ``filmhub.wiring`` services (the
same table as the HTTP API, no HTTP in between); tests replace any of them with a fake."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from filmhub import wiring
from filmhub.bot_state.dynamo import DynamoBotState

if TYPE_CHECKING:
    from aiogram.types import User as TelegramUser

    from filmhub.accounts.telegram_login import TelegramLogin
    from filmhub.catalog.service import CatalogService
    from filmhub.core.entities import FilmType, FilmView
    from filmhub.films.reader import FilmReader
    from filmhub.films.search import FilmSearch
    from filmhub.sharing.service import SharingService
    from filmhub.watchlists.service import WatchlistService


class Recommender(Protocol):
    def recommend(
        self, user_id: str, mood_ids: Iterable[str], genre_ids: Iterable[str], movie_type: FilmType | None
    ) -> FilmView:
        """A film for the user; raises ``NotFound`` when nothing fits."""
        ...


class BotState(Protocol):
    def claim_update(self, update_id: int) -> bool:
        """True the first time an update id is seen, False for every repeat."""
        ...

    def save_page(self, cursor: str, previous: str) -> str: ...

    def load_page(self, token: str) -> tuple[str, str] | None: ...


@dataclass(frozen=True)
class Services:
    telegram_login: Callable[[], TelegramLogin] = wiring.telegram_login_service
    watchlists: Callable[[], WatchlistService] = wiring.watchlist_service
    films: Callable[[], FilmReader] = wiring.film_reader
    search: Callable[[], FilmSearch] = wiring.film_search
    catalog: Callable[[], CatalogService] = wiring.catalog_service
    recommendations: Callable[[], Recommender] = wiring.recommendation_service
    sharing: Callable[[], SharingService] = wiring.sharing_service
    state: Callable[[], BotState] = DynamoBotState

    def user_id(self, user: TelegramUser | None) -> str:
        """The FilmHub user the sender acts as: linked to the Telegram account, created on first use."""
        user = sender(user)
        return self.telegram_login().telegram_user_id(user.id, account_name(user))


def sender(user: TelegramUser | None) -> TelegramUser:
    if user is None:  # the dispatcher accepts private chats only, where every message has a sender
        raise ValueError("an update without a sender")
    return user


def account_name(user: TelegramUser) -> str:
    """The username a FilmHub account created for this Telegram user gets."""
    return user.username or user.full_name
