"""The shared fakes stay what they stand in for: every port has one, with the port's methods and parameters."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Protocol

import pytest

import filmhub
from bot.services import BotState
from filmhub.accounts.ports import AccountRepository, PasswordHashing
from filmhub.catalog.ports import CatalogRepository, MixRepository
from filmhub.core.palette import GradientPicker
from filmhub.diary.ports import DiaryRepository, FilmLookup, GenreNames
from filmhub.films.ports import (
    ExternalFilmSource,
    FilmRepository,
    FilmSource,
    PosterStorage,
    SearchIndex,
    TitleSuggester,
)
from filmhub.limits.ports import RequestCounter
from filmhub.ratings.ports import RatingAggregates, RatingRepository
from filmhub.recommendations.ports import Discovery, RecommendationRepository
from filmhub.sharing.ports import SharingRepository
from filmhub.transfer.ports import (
    HistoryReader,
    HistoryWriter,
    ImdbLookup,
    JobRepository,
    Notifier,
    TransferQueue,
    TransferStorage,
)
from filmhub.watchlists.ports import WatchlistRepository
from tests.support.fakes.accounts import FastPasswordHashing, InMemoryAccountRepository
from tests.support.fakes.bot_state import InMemoryBotState
from tests.support.fakes.catalog import InMemoryCatalogRepository, InMemoryMixRepository
from tests.support.fakes.diary import (
    FixedGenreNames,
    InMemoryDiaryRepository,
    InMemoryFilmLookup,
    InMemoryRatingAggregates,
)
from tests.support.fakes.films import (
    InMemoryFilmRepository,
    InMemoryPosterStorage,
    InMemorySearchIndex,
    ScriptedProvider,
    ScriptedSuggester,
)
from tests.support.fakes.limits import InMemoryRequestCounter
from tests.support.fakes.palette import FixedGradients
from tests.support.fakes.ratings import InMemoryRatingRepository
from tests.support.fakes.recommendations import InMemoryRecommendationRepository, ScriptedDiscovery
from tests.support.fakes.sharing import InMemorySharingRepository
from tests.support.fakes.transfer import (
    InMemoryJobRepository,
    InMemoryTransferQueue,
    InMemoryTransferStorage,
    RecordingHistory,
    RecordingNotifier,
)
from tests.support.fakes.watchlists import InMemoryWatchlistRepository

FAKES: dict[type, type] = {
    AccountRepository: InMemoryAccountRepository,
    PasswordHashing: FastPasswordHashing,
    CatalogRepository: InMemoryCatalogRepository,
    MixRepository: InMemoryMixRepository,
    FilmRepository: InMemoryFilmRepository,
    PosterStorage: InMemoryPosterStorage,
    FilmSource: ScriptedProvider,
    ExternalFilmSource: ScriptedProvider,
    TitleSuggester: ScriptedSuggester,
    SearchIndex: InMemorySearchIndex,
    RequestCounter: InMemoryRequestCounter,
    RecommendationRepository: InMemoryRecommendationRepository,
    Discovery: ScriptedDiscovery,
    WatchlistRepository: InMemoryWatchlistRepository,
    SharingRepository: InMemorySharingRepository,
    JobRepository: InMemoryJobRepository,
    TransferStorage: InMemoryTransferStorage,
    TransferQueue: InMemoryTransferQueue,
    ImdbLookup: ScriptedProvider,
    Notifier: RecordingNotifier,
    HistoryWriter: RecordingHistory,
    HistoryReader: RecordingHistory,
    RatingRepository: InMemoryRatingRepository,
    RatingAggregates: InMemoryRatingAggregates,
    DiaryRepository: InMemoryDiaryRepository,
    FilmLookup: InMemoryFilmLookup,
    GenreNames: FixedGenreNames,
    GradientPicker: FixedGradients,
    BotState: InMemoryBotState,
}


def ports() -> set[type]:
    """Every Protocol declared in a ``filmhub.<feature>.ports`` module."""
    found: set[type] = set()
    for feature in pkgutil.iter_modules(filmhub.__path__):
        try:
            module = importlib.import_module(f"filmhub.{feature.name}.ports")
        except ModuleNotFoundError:
            continue
        found |= {
            value
            for value in vars(module).values()
            if inspect.isclass(value) and value.__module__ == module.__name__ and getattr(value, "_is_protocol", False)
        }
    return found


def members(port: type) -> dict[str, object]:
    """The port's public methods and attributes, its base ports' included."""
    found: dict[str, object] = {}
    for base in reversed(port.__mro__):
        if base is object or base is Protocol or not getattr(base, "_is_protocol", False):
            continue
        found.update({name: value for name, value in vars(base).items() if not name.startswith("_")})
        found.update(dict.fromkeys(name for name in getattr(base, "__annotations__", {}) if not name.startswith("_")))
    return found


def test_every_port_has_a_fake() -> None:
    assert ports() - set(FAKES) == set()
    assert len(ports()) >= 14


@pytest.mark.parametrize("port", FAKES, ids=lambda port: port.__name__)
def test_the_fake_has_the_ports_methods_and_parameters(port: type) -> None:
    fake = FAKES[port]
    expected = members(port)
    assert expected
    for name, method in expected.items():
        fake_attribute = getattr(fake, name, None) or getattr(fake, "__dataclass_fields__", {}).get(name)
        assert fake_attribute is not None, f"{fake.__name__} lacks {name}"
        if callable(method):
            assert inspect.signature(fake_attribute).parameters.keys() == inspect.signature(method).parameters.keys(), (
                f"{fake.__name__}.{name}"
            )
