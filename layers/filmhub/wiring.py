"""Composition root: builds each service once per container, on first use.

Functions import only what they call, so a function that never lists films never imports the
film repositories' dependencies (cold start), and tests can reset everything with ``reset()``.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Literal

from filmhub.settings import get_settings

# Every service's module is imported by its factory, on first use: a function that never asks for accounts
# never imports the account rules (cold start, docs/decisions.md).
if TYPE_CHECKING:
    from filmhub.domain.accounts import AccountService
    from filmhub.domain.catalog import CatalogService
    from filmhub.domain.film_search import FilmSearch
    from filmhub.domain.film_views import FilmViews
    from filmhub.domain.films import FilmService
    from filmhub.domain.mix_curation import MixCuration
    from filmhub.domain.palette import GradientPicker
    from filmhub.domain.ports import PosterStorage, TitleSuggester
    from filmhub.domain.rate_limits import FixedWindowLimit, RequestLimiter
    from filmhub.domain.recommendations import RecommendationService
    from filmhub.domain.watchlists import WatchlistService
    from filmhub.providers.llm import LlmChat
    from filmhub.security.tokens import TokenService


@cache
def token_service() -> TokenService:
    from filmhub.security.tokens import TokenService

    settings = get_settings()
    secret = settings.secret("jwt_secret")
    if secret is None:
        raise RuntimeError("JWT_SECRET (or JWT_SECRET_SECRET_ARN) is not configured")
    return TokenService(secret, settings.jwt_ttl_seconds)


@cache
def film_views() -> FilmViews:
    from filmhub.data.repositories import DynamoFilmRepository, DynamoFilmStateRepository
    from filmhub.domain.film_views import FilmViews

    return FilmViews(DynamoFilmRepository(), DynamoFilmStateRepository())


@cache
def catalog_service() -> CatalogService:
    from filmhub.data.repositories import DynamoCatalogRepository
    from filmhub.domain.catalog import CatalogService

    return CatalogService(DynamoCatalogRepository(), film_views(), get_settings().catalog_cache_seconds)


@cache
def account_service() -> AccountService:
    from filmhub.data.accounts import DynamoAccountRepository
    from filmhub.domain.accounts import AccountService
    from filmhub.security.passwords import PasswordHasher

    return AccountService(DynamoAccountRepository(), PasswordHasher(), login_requests=rate_limit("login"))


RateLimited = Literal["login", "auth_key", "search"]


def rate_limit(name: RateLimited) -> FixedWindowLimit:
    """The configured abuse limit of one endpoint family (``RATE_LIMIT_<NAME>`` per ``RATE_LIMIT_WINDOW_SECONDS``)."""
    from filmhub.domain.rate_limits import FixedWindowLimit

    settings = get_settings()
    limits = {
        "login": settings.rate_limit_login,
        "auth_key": settings.rate_limit_auth_key,
        "search": settings.rate_limit_search,
    }
    return FixedWindowLimit(f"requests-{name}", limits[name], settings.rate_limit_window_seconds)


@cache
def request_limiter() -> RequestLimiter:
    from filmhub.data.rate_limits import DynamoRequestCounter
    from filmhub.domain.rate_limits import RequestLimiter

    return RequestLimiter(DynamoRequestCounter())


def reset() -> None:
    """Forget every cached service (tests)."""
    for factory in (
        token_service,
        film_views,
        catalog_service,
        account_service,
        request_limiter,
        watchlist_service,
        poster_storage,
        film_service,
        title_suggester,
        film_search,
        recommendation_service,
        mix_curation,
        llm_chat,
    ):
        factory.cache_clear()


@cache
def watchlist_service() -> WatchlistService:
    from filmhub.data.watchlists import DynamoWatchlistRepository
    from filmhub.domain.watchlists import WatchlistService
    from filmhub.security.cursors import CursorCodec

    secret = get_settings().secret("jwt_secret") or ""
    return WatchlistService(DynamoWatchlistRepository(), film_views(), gradient_picker(), CursorCodec(secret))


@cache
def poster_storage() -> PosterStorage:
    from filmhub.data.posters import S3PosterStorage

    return S3PosterStorage(get_settings())


@cache
def film_service() -> FilmService:
    from filmhub.data.films import DynamoFilmStore
    from filmhub.domain.films import FilmService

    return FilmService(catalog_service(), DynamoFilmStore(), film_views(), poster_storage())


@cache
def title_suggester() -> TitleSuggester | None:
    """The LLM behind description search; None (keyword search) when no LLM key is configured."""
    chat = llm_chat()
    if chat is None:
        return None
    from filmhub.providers.llm import LlmTitleSuggester

    return LlmTitleSuggester(chat)


@cache
def llm_chat(timeout_seconds: float | None = None) -> LlmChat | None:
    """The configured chat model (None without an LLM key); ``timeout_seconds`` for tight budgets."""
    settings = get_settings()
    api_key = settings.secret("llm_api_key")
    if not api_key:
        return None
    from filmhub.providers.llm import TIMEOUT_SECONDS, LlmChat

    if timeout_seconds is None:
        return LlmChat(api_key, settings.llm_base_url, settings.llm_model, timeout_seconds=TIMEOUT_SECONDS)
    return LlmChat(api_key, settings.llm_base_url, settings.llm_model, timeout_seconds=timeout_seconds, retries=0)


def gradient_picker() -> GradientPicker:
    """LLM colours within a 2 s budget when an LLM is configured, else (and on any failure) the palette."""
    from filmhub.domain.palette import PaletteGradients
    from filmhub.providers.llm import GRADIENT_TIMEOUT_SECONDS, LlmGradients

    chat = llm_chat(GRADIENT_TIMEOUT_SECONDS)
    return PaletteGradients() if chat is None else LlmGradients(chat, PaletteGradients())


@cache
def film_search() -> FilmSearch:
    from filmhub.data.films import DynamoFilmStore, DynamoSearchIndex
    from filmhub.data.repositories import DynamoFilmRepository
    from filmhub.domain.film_search import FilmSearch, LocalCatalog
    from filmhub.domain.films import utc_now
    from filmhub.providers import external_catalogs

    settings = get_settings()
    return FilmSearch(
        local=LocalCatalog(DynamoSearchIndex()),
        external=external_catalogs(settings),
        order=settings.providers,
        suggester=title_suggester(),
        films=DynamoFilmRepository(),
        store=DynamoFilmStore(),
        views=film_views(),
        clock=utc_now,
    )


@cache
def recommendation_service() -> RecommendationService:
    from filmhub.data.recommendations import DynamoRecommendationRepository
    from filmhub.domain.recommendations import RecommendationService
    from filmhub.providers import discovery_providers

    discovery = discovery_providers(get_settings())
    return RecommendationService(
        DynamoRecommendationRepository(),
        catalog_service(),
        film_views(),
        discovery=discovery,
        import_external=film_search().import_external if discovery else None,
    )


@cache
def mix_curation() -> MixCuration:
    from filmhub.data.mixes import DynamoMixRepository
    from filmhub.domain.mix_curation import MixCuration

    return MixCuration(DynamoMixRepository(), catalog_service(), gradient_picker())
