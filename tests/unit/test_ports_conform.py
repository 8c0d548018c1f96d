"""Every port (a Protocol the domain talks to) is checked against each of its adapters.

The annotated assignments below are the check: ``make lint`` runs mypy over this module, and mypy
verifies each class structurally against the port (method names, parameters, return types).  The
test makes the table complete: a new port without an entry here fails it.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from types import ModuleType
from typing import get_args, get_type_hints

from typing_extensions import is_protocol

import bot.services
import filmhub
from bot.services import BotState, Recommender
from filmhub.accounts.dynamo import DynamoAccountRepository
from filmhub.accounts.ports import AccountRepository, PasswordHashing
from filmhub.bot_state.dynamo import DynamoBotState
from filmhub.catalog.dynamo import DynamoCatalogRepository, DynamoMixRepository
from filmhub.catalog.ports import CatalogRepository, MixRepository
from filmhub.catalog.service import CatalogService
from filmhub.core.palette import GradientPicker, PaletteGradients
from filmhub.diary.dynamo import DynamoDiaryRepository
from filmhub.diary.ports import DiaryRepository, FilmLookup, GenreNames
from filmhub.films.dynamo import DynamoFilmRepository
from filmhub.films.ports import (
    ExternalFilmSource,
    FilmRepository,
    FilmSource,
    PosterStorage,
    SearchIndex,
    TitleSuggester,
)
from filmhub.films.poster_storage import S3PosterStorage
from filmhub.films.reader import FilmReader
from filmhub.films.search import LocalFilmSource
from filmhub.films.search_index import DynamoSearchIndex
from filmhub.limits.dynamo import DynamoRequestCounter
from filmhub.limits.ports import RequestCounter
from filmhub.providers.kinopoisk import KinopoiskProvider
from filmhub.providers.llm import LlmGradients, LlmTitleSuggester
from filmhub.providers.telegram import TelegramMessages
from filmhub.providers.tmdb import TmdbProvider
from filmhub.ratings.dynamo import DynamoRatingAggregates, DynamoRatingRepository
from filmhub.ratings.ports import RatingAggregates, RatingRepository
from filmhub.recommendations.dynamo import DynamoRecommendationRepository
from filmhub.recommendations.ports import Discovery, RecommendationRepository
from filmhub.recommendations.service import RecommendationService
from filmhub.security.passwords import PasswordHasher
from filmhub.sharing.dynamo import DynamoSharingRepository
from filmhub.sharing.ports import SharingRepository
from filmhub.transfer.aws import S3TransferStorage, SqsTransferQueue
from filmhub.transfer.dynamo import DynamoHistory, DynamoJobRepository
from filmhub.transfer.ports import (
    HistoryReader,
    HistoryWriter,
    ImdbLookup,
    JobRepository,
    Notifier,
    TransferQueue,
    TransferStorage,
)
from filmhub.watchlists.dynamo import DynamoWatchlistRepository
from filmhub.watchlists.ports import WatchlistRepository

# films
film_repository_dynamo: type[FilmRepository] = DynamoFilmRepository
search_index_dynamo: type[SearchIndex] = DynamoSearchIndex
poster_storage_s3: type[PosterStorage] = S3PosterStorage
film_source_local: type[FilmSource] = LocalFilmSource
film_source_tmdb: type[ExternalFilmSource] = TmdbProvider
film_source_kinopoisk: type[ExternalFilmSource] = KinopoiskProvider
title_suggester_llm: type[TitleSuggester] = LlmTitleSuggester
# watchlists
watchlist_repository_dynamo: type[WatchlistRepository] = DynamoWatchlistRepository
# ratings and the diary
rating_repository_dynamo: type[RatingRepository] = DynamoRatingRepository
rating_aggregates_dynamo: type[RatingAggregates] = DynamoRatingAggregates
diary_repository_dynamo: type[DiaryRepository] = DynamoDiaryRepository
film_lookup_reader: type[FilmLookup] = FilmReader
genre_names_catalog: type[GenreNames] = CatalogService
# imports and exports
job_repository_dynamo: type[JobRepository] = DynamoJobRepository
transfer_storage_s3: type[TransferStorage] = S3TransferStorage
transfer_queue_sqs: type[TransferQueue] = SqsTransferQueue
imdb_lookup_tmdb: type[ImdbLookup] = TmdbProvider
notifier_telegram: type[Notifier] = TelegramMessages
history_writer_dynamo: type[HistoryWriter] = DynamoHistory
history_reader_dynamo: type[HistoryReader] = DynamoHistory
# sharing
sharing_repository_dynamo: type[SharingRepository] = DynamoSharingRepository
# accounts
account_repository_dynamo: type[AccountRepository] = DynamoAccountRepository
password_hashing: type[PasswordHashing] = PasswordHasher
# catalog
catalog_repository_dynamo: type[CatalogRepository] = DynamoCatalogRepository
mix_repository_dynamo: type[MixRepository] = DynamoMixRepository
gradient_picker_palette: type[GradientPicker] = PaletteGradients
gradient_picker_llm: type[GradientPicker] = LlmGradients
# recommendations
recommendation_repository_dynamo: type[RecommendationRepository] = DynamoRecommendationRepository
discovery_tmdb: type[Discovery] = TmdbProvider
# limits
request_counter_dynamo: type[RequestCounter] = DynamoRequestCounter
# the bot
bot_state_dynamo: type[BotState] = DynamoBotState
recommender: type[Recommender] = RecommendationService


def _protocols(module: ModuleType) -> set[type]:
    return {
        value
        for value in vars(module).values()
        if isinstance(value, type) and is_protocol(value) and value.__module__ == module.__name__
    }


def _all_ports() -> set[type]:
    ports = _protocols(bot.services)
    for info in pkgutil.walk_packages(filmhub.__path__, "filmhub."):
        ports |= _protocols(importlib.import_module(info.name))
    return ports


def test_every_port_has_an_adapter_checked_against_it() -> None:
    checked = {get_args(hint)[0] for hint in get_type_hints(sys.modules[__name__]).values()}
    ports = _all_ports()
    assert checked <= ports, "the search for ports below must find every port the table names"
    missing = sorted(f"{port.__module__}.{port.__qualname__}" for port in ports - checked)
    assert not missing, f"ports without a conformance entry in {__name__}: {missing}"
