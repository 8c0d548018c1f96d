"""Composition root: builds each service once per container, on first use.

Functions import only what they call, so a function that never lists films never imports the
film repositories' dependencies (cold start), and tests can reset everything with ``reset()``.
"""

from __future__ import annotations

from functools import cache, partial
from typing import TYPE_CHECKING, Literal

from filmhub.settings import get_settings

# Every service's module is imported by its factory, on first use: a function that never asks for accounts
# never imports the account rules (cold start, docs/decisions.md).
if TYPE_CHECKING:
    from filmhub.accounts.service import AccountService
    from filmhub.accounts.telegram_login import TelegramLogin
    from filmhub.catalog.curation import MixCuration
    from filmhub.catalog.service import CatalogService
    from filmhub.core.palette import GradientPicker
    from filmhub.diary.service import DiaryService
    from filmhub.films.importer import FilmImporter
    from filmhub.films.ports import FilmRepository, PosterStorage, TitleSuggester
    from filmhub.films.reader import FilmReader
    from filmhub.films.search import FilmSearch
    from filmhub.films.service import FilmService
    from filmhub.limits.service import FixedWindowLimit, RequestLimiter, SlidingWindowLimit
    from filmhub.providers.llm import LlmChat
    from filmhub.ratings.aggregator import RatingAggregator
    from filmhub.ratings.service import RatingService
    from filmhub.recommendations.service import RecommendationService
    from filmhub.security.cursors import CursorCodec
    from filmhub.security.tokens import TokenService
    from filmhub.sharing.service import SharingService
    from filmhub.transfer.matching import FilmMatcher
    from filmhub.transfer.service import TransferService, TransferWorker
    from filmhub.watchlists.service import WatchlistService


@cache
def token_service() -> TokenService:
    from filmhub.security.tokens import TokenService

    settings = get_settings()
    return TokenService(settings.required_secret("jwt_secret"), settings.jwt_ttl_seconds)


@cache
def film_repository() -> FilmRepository:
    from filmhub.films.dynamo import DynamoFilmRepository

    return DynamoFilmRepository()


@cache
def film_reader() -> FilmReader:
    from filmhub.films.reader import FilmReader

    return FilmReader(film_repository())


@cache
def catalog_service() -> CatalogService:
    from filmhub.catalog.dynamo import DynamoCatalogRepository
    from filmhub.catalog.service import CatalogService

    return CatalogService(DynamoCatalogRepository(), film_reader(), get_settings().catalog_cache_seconds)


@cache
def account_service() -> AccountService:
    from filmhub.accounts.dynamo import DynamoAccountRepository
    from filmhub.accounts.service import AccountService
    from filmhub.security.passwords import PasswordHasher

    return AccountService(
        DynamoAccountRepository(),
        PasswordHasher(),
        login_requests=rate_limit("login"),
        registrations=registration_limit(),
    )


@cache
def telegram_login_service() -> TelegramLogin:
    from filmhub.accounts.dynamo import DynamoAccountRepository
    from filmhub.accounts.telegram_login import TelegramLogin

    return TelegramLogin(DynamoAccountRepository())


RateLimited = Literal["login", "auth_key", "search", "film_writes", "share_misses"]


def rate_limit(name: RateLimited) -> FixedWindowLimit:
    """The configured abuse limit of one endpoint family: ``RATE_LIMIT_<NAME>`` per ``RATE_LIMIT_WINDOW_SECONDS``,
    or per its own ``RATE_LIMIT_<NAME>_WINDOW_SECONDS`` where it has one."""
    from filmhub.limits.service import FixedWindowLimit

    settings = get_settings()
    limits = {
        "login": (settings.rate_limit_login, settings.rate_limit_window_seconds),
        "auth_key": (settings.rate_limit_auth_key, settings.rate_limit_window_seconds),
        "search": (settings.rate_limit_search, settings.rate_limit_window_seconds),
        "film_writes": (settings.rate_limit_film_writes, settings.rate_limit_film_writes_window_seconds),
        "share_misses": (settings.rate_limit_share_misses, settings.rate_limit_window_seconds),
    }
    limit, window_seconds = limits[name]
    return FixedWindowLimit(f"requests-{name}", limit, window_seconds)


def registration_limit() -> SlidingWindowLimit:
    """``RATE_LIMIT_REGISTER`` registrations per address within any ``RATE_LIMIT_REGISTER_WINDOW_SECONDS``."""
    from filmhub.limits.service import SlidingWindowLimit

    settings = get_settings()
    return SlidingWindowLimit(settings.rate_limit_register, settings.rate_limit_register_window_seconds)


@cache
def request_limiter() -> RequestLimiter:
    from filmhub.limits.dynamo import DynamoRequestCounter
    from filmhub.limits.service import RequestLimiter

    return RequestLimiter(DynamoRequestCounter())


def reset() -> None:
    """Forget every cached service (tests)."""
    for factory in (
        token_service,
        film_repository,
        film_reader,
        catalog_service,
        account_service,
        telegram_login_service,
        request_limiter,
        watchlist_service,
        sharing_service,
        poster_storage,
        film_service,
        film_importer,
        title_suggester,
        film_search,
        recommendation_service,
        mix_curation,
        llm_chat,
        rating_service,
        rating_aggregator,
        diary_service,
        transfer_service,
        transfer_worker,
        film_matcher,
    ):
        factory.cache_clear()


def cursor_codec() -> CursorCodec:
    from filmhub.security.cursors import CursorCodec

    return CursorCodec(get_settings().required_secret("jwt_secret"))


@cache
def watchlist_service() -> WatchlistService:
    from filmhub.watchlists.dynamo import DynamoWatchlistRepository
    from filmhub.watchlists.service import WatchlistService

    return WatchlistService(DynamoWatchlistRepository(), film_reader(), gradient_picker(), cursor_codec())


@cache
def sharing_service() -> SharingService:
    from filmhub.limits.dynamo import DynamoRequestCounter
    from filmhub.sharing.dynamo import DynamoSharingRepository
    from filmhub.sharing.service import SharingService
    from filmhub.watchlists.dynamo import DynamoWatchlistRepository

    return SharingService(
        DynamoSharingRepository(),
        DynamoWatchlistRepository(),
        DynamoRequestCounter(),
        rate_limit("share_misses"),
        cursor_codec(),
    )


@cache
def rating_service() -> RatingService:
    from filmhub.ratings.dynamo import DynamoRatingRepository
    from filmhub.ratings.service import RatingService

    return RatingService(DynamoRatingRepository(), cursor_codec())


@cache
def rating_aggregator() -> RatingAggregator:
    from filmhub.ratings.aggregator import RatingAggregator
    from filmhub.ratings.dynamo import DynamoRatingAggregates

    return RatingAggregator(DynamoRatingAggregates())


@cache
def diary_service() -> DiaryService:
    from filmhub.diary.dynamo import DynamoDiaryRepository
    from filmhub.diary.service import DiaryService

    return DiaryService(DynamoDiaryRepository(), film_reader(), catalog_service(), cursor_codec())


@cache
def poster_storage() -> PosterStorage:
    from filmhub.films.poster_storage import S3PosterStorage

    return S3PosterStorage(get_settings())


@cache
def film_service() -> FilmService:
    from filmhub.films.service import FilmService

    return FilmService(
        catalog_service(), film_repository(), film_reader(), poster_storage(), writes=rate_limit("film_writes")
    )


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
    from filmhub.core.palette import PaletteGradients
    from filmhub.providers.llm import GRADIENT_TIMEOUT_SECONDS, LlmGradients

    chat = llm_chat(GRADIENT_TIMEOUT_SECONDS)
    return PaletteGradients() if chat is None else LlmGradients(chat, PaletteGradients())


@cache
def film_importer() -> FilmImporter:
    from filmhub.core.clock import utc_now
    from filmhub.films.importer import FilmImporter
    from filmhub.providers import external_sources

    sources = {source.name: source for source in external_sources(get_settings())}
    return FilmImporter(film_repository(), sources, clock=utc_now)


@cache
def film_search() -> FilmSearch:
    from filmhub.films.search import FilmSearch, LocalFilmSource
    from filmhub.films.search_index import DynamoSearchIndex
    from filmhub.providers import external_sources

    settings = get_settings()
    return FilmSearch(
        local=LocalFilmSource(DynamoSearchIndex()),
        external=external_sources(settings),
        order=settings.providers,
        suggester=title_suggester(),
        importer=film_importer(),
        views=film_reader(),
        admit=partial(request_limiter().admit, rate_limit("search")),
    )


@cache
def recommendation_service() -> RecommendationService:
    from filmhub.providers import discovery_providers
    from filmhub.recommendations.dynamo import DynamoRecommendationRepository
    from filmhub.recommendations.service import RecommendationService

    discovery = discovery_providers(get_settings())
    return RecommendationService(
        DynamoRecommendationRepository(),
        catalog_service(),
        film_reader(),
        discovery=discovery,
        import_external=film_importer().import_external if discovery else None,
        cache_seconds=get_settings().catalog_cache_seconds,
    )


@cache
def mix_curation() -> MixCuration:
    from filmhub.catalog.curation import MixCuration
    from filmhub.catalog.dynamo import DynamoMixRepository

    return MixCuration(DynamoMixRepository(), catalog_service(), gradient_picker())


@cache
def transfer_service() -> TransferService:
    from filmhub.transfer.aws import S3TransferStorage, SqsTransferQueue
    from filmhub.transfer.dynamo import DynamoJobRepository
    from filmhub.transfer.service import TransferService

    settings = get_settings()
    return TransferService(DynamoJobRepository(), S3TransferStorage(settings), SqsTransferQueue(settings))


@cache
def film_matcher() -> FilmMatcher:
    from filmhub.films.search import LocalFilmSource
    from filmhub.films.search_index import DynamoSearchIndex
    from filmhub.providers import external_sources
    from filmhub.transfer.matching import FilmMatcher

    settings = get_settings()
    sources = external_sources(settings)
    imdb = next((source for source in sources if source.name == "tmdb"), None)
    return FilmMatcher(film_repository(), LocalFilmSource(DynamoSearchIndex()), sources, film_importer(), imdb)  # type: ignore[arg-type]


@cache
def transfer_worker() -> TransferWorker:
    from filmhub.core.palette import PaletteGradients
    from filmhub.transfer.aws import S3TransferStorage, SqsTransferQueue
    from filmhub.transfer.dynamo import DynamoHistory, DynamoJobRepository
    from filmhub.transfer.service import TransferWorker

    settings = get_settings()
    token = settings.secret("telegram_bot_token")
    notifier = None
    if token:
        from filmhub.providers.telegram import TelegramMessages

        notifier = TelegramMessages(token, settings.telegram_api_url)
    history = DynamoHistory(rating_service(), diary_service())
    return TransferWorker(
        DynamoJobRepository(),
        S3TransferStorage(settings),
        SqsTransferQueue(settings),
        film_matcher,
        writer=history,
        reader=history,
        notifier=notifier,
        gradients=PaletteGradients(),
    )
