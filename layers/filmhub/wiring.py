"""Composition root: builds each service once per container, on first use.

Functions import only what they call, so a function that never lists films never imports the
film repositories' dependencies (cold start), and tests can reset everything with ``reset()``.
"""

from __future__ import annotations

from functools import cache

from filmhub.domain.catalog import CatalogService
from filmhub.domain.film_views import FilmViews
from filmhub.security.tokens import TokenService
from filmhub.settings import get_settings


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


def reset() -> None:
    """Forget every cached service (tests)."""
    for factory in (token_service, film_views, catalog_service):
        factory.cache_clear()
