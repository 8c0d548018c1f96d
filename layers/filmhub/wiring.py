"""Composition root: builds each service once per container, on first use.

Functions import only what they call, so a function that never lists films never imports the
film repositories' dependencies (cold start), and tests can reset everything with ``reset()``.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from filmhub.domain.accounts import AccountService
from filmhub.domain.catalog import CatalogService
from filmhub.domain.film_views import FilmViews
from filmhub.security.tokens import TokenService
from filmhub.settings import get_settings

if TYPE_CHECKING:
    from filmhub.domain.film_search import FilmSearch
    from filmhub.domain.films import FilmService
    from filmhub.domain.mix_curation import MixCuration
    from filmhub.domain.ports import PosterStorage, TitleSuggester
    from filmhub.domain.recommendations import RecommendationService
    from filmhub.domain.watchlists import WatchlistService


@cache
def token_service() -> TokenService:
    settings = get_settings()
    secret = settings.secret("jwt_secret")
    if secret is None:
        raise RuntimeError("JWT_SECRET (or JWT_SECRET_SECRET_ARN) is not configured")
    return TokenService(secret, settings.jwt_ttl_seconds)


@cache
def film_views() -> FilmViews:
    from filmhub.data.repositories import DynamoFilmRepository, DynamoFilmStateRepository

    return FilmViews(DynamoFilmRepository(), DynamoFilmStateRepository())


@cache
def catalog_service() -> CatalogService:
    from filmhub.data.repositories import DynamoCatalogRepository

    return CatalogService(DynamoCatalogRepository(), film_views(), get_settings().catalog_cache_seconds)


@cache
def account_service() -> AccountService:
    from filmhub.data.accounts import DynamoAccountRepository
    from filmhub.security.passwords import PasswordHasher

    return AccountService(DynamoAccountRepository(), PasswordHasher())


def reset() -> None:
    """Forget every cached service (tests)."""
    for factory in (
        token_service,
        film_views,
        catalog_service,
        account_service,
        watchlist_service,
        poster_storage,
        film_service,
        title_suggester,
        film_search,
        recommendation_service,
        mix_curation,
    ):
        factory.cache_clear()


@cache
def watchlist_service() -> WatchlistService:
    from filmhub.data.watchlists import DynamoWatchlistRepository
    from filmhub.domain.palette import PaletteGradients
    from filmhub.domain.watchlists import WatchlistService
    from filmhub.security.cursors import CursorCodec

    secret = get_settings().secret("jwt_secret") or ""
    return WatchlistService(DynamoWatchlistRepository(), film_views(), PaletteGradients(), CursorCodec(secret))


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
    settings = get_settings()
    api_key = settings.secret("llm_api_key")
    if not api_key:
        return None
    from filmhub.providers.llm import LlmTitleSuggester

    return LlmTitleSuggester(api_key, settings.llm_base_url, settings.llm_model)


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

    return RecommendationService(DynamoRecommendationRepository(), catalog_service(), film_views())


@cache
def mix_curation() -> MixCuration:
    from filmhub.data.mixes import DynamoMixRepository
    from filmhub.domain.mix_curation import MixCuration
    from filmhub.domain.palette import PaletteGradients

    return MixCuration(DynamoMixRepository(), catalog_service(), PaletteGradients())
