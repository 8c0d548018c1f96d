"""External catalog providers (TMDB, Kinopoisk) and the LLM, built from configuration.

A provider module (and httpx) is imported only when its key is configured: a function that never
searches, or a stage without keys, pays nothing for them.
"""

from __future__ import annotations

from filmhub.films.ports import ExternalFilmSource
from filmhub.recommendations.ports import Discovery
from filmhub.settings import Settings


def external_sources(settings: Settings) -> list[ExternalFilmSource]:
    """The configured providers that have a key, in the configured order."""
    catalogs: list[ExternalFilmSource] = []
    for name in dict.fromkeys(settings.providers):
        if name == "tmdb" and (key := settings.secret("tmdb_api_key")):
            from filmhub.providers.tmdb import TmdbProvider

            catalogs.append(TmdbProvider(key, settings.tmdb_base_url))
        elif name == "kinopoisk" and (key := settings.secret("kinopoisk_api_key")):
            from filmhub.providers.kinopoisk import KinopoiskProvider

            catalogs.append(KinopoiskProvider(key, settings.kinopoisk_base_url))
    return catalogs


def discovery_providers(settings: Settings) -> list[Discovery]:
    """Providers that can discover films by genre for recommendations: TMDB (when it has a key)."""
    return [catalog for catalog in external_sources(settings) if isinstance(catalog, Discovery)]
