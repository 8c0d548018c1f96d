"""Films: creating and editing them, and their posters.

Search lives in ``film_search``.  A poster is uploaded to storage first and the film points at it
only once the upload succeeded, so a storage failure leaves the film as it was; an upload the
table then refuses is deleted again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from filmhub.catalog.service import CatalogService
from filmhub.core.clock import utc_iso
from filmhub.core.entities import Film, FilmView
from filmhub.core.errors import Conflict, DependencyUnavailable, Forbidden, InvalidInput, NotFound, PayloadTooLarge
from filmhub.core.ids import new_id
from filmhub.films.images import IMAGE_TYPES, MAX_POSTER_BYTES, POSTER_TOO_LARGE, SNIFF_BYTES, sniff
from filmhub.films.ports import FilmRepository, Poster, PosterStorage, PresignedUpload, StoredFilm
from filmhub.films.poster_keys import parse_upload_key, poster_key, upload_key
from filmhub.films.reader import FilmReader
from filmhub.limits.ports import Quota, QuotaExhausted
from filmhub.limits.service import FixedWindowLimit

log = logging.getLogger(__name__)

FILM_NOT_FOUND = "Film not found"
NOT_OWNER = "Film is not owned by you"
NOT_AN_IMAGE = "Poster must be a JPEG, PNG or WebP image"
UNKNOWN_UPLOAD = "Unknown poster upload"
CHANGED_CONCURRENTLY = "Film was changed by another request, try again"
UPLOAD_URL_SECONDS = 600


@dataclass(frozen=True)
class FilmDraft:
    """What a client sends to create or edit a film (already validated for length and range)."""

    title: str
    description: str
    genre_ids: tuple[str, ...] = ()
    country: str | None = None
    release_year: int | None = None


_BY_EXTENSION = {image.extension: image for image in IMAGE_TYPES.values()}


class FilmService:
    def __init__(
        self,
        catalog: CatalogService,
        films: FilmRepository,
        views: FilmReader,
        posters: PosterStorage,
        clock: Callable[[], float] = time.time,
        writes: FixedWindowLimit | None = None,
    ) -> None:
        self._catalog = catalog
        self._films = films
        self._views = views
        self._posters = posters
        self._clock = clock
        #: Creations and edits per user and window: each rewrites title-index items, so one account must not
        #: be able to flood them.  Counted by the film's own transaction.
        self._writes = writes

    def create(self, owner_id: str, draft: FilmDraft) -> FilmView:
        film = Film(id=new_id(), title=draft.title, description=draft.description, owner_id=owner_id)
        film = self._apply(film, draft)
        now = self._clock()
        with self._quota(owner_id, now) as quota:
            self._films.create(film, utc_iso(now), quota=quota)
        # A new film is in none of the caller's lists: no flags to read.
        return FilmView(film)

    def get(self, film_id: str, user_id: str | None) -> FilmView:
        views = self._views.page([film_id], user_id)
        if not views:
            raise NotFound(FILM_NOT_FOUND)
        return views[0]

    def update(self, film_id: str, user_id: str, draft: FilmDraft) -> FilmView:
        found, flags = self._films.get_stored_with_flags(film_id, user_id)
        stored = self._require_owner(found, user_id)
        edited = self._apply(stored.film, draft)
        now = self._clock()
        with self._quota(user_id, now) as quota:
            updated = self._films.update(stored, edited, utc_iso(now), quota=quota)
        if not updated:
            raise Conflict(CHANGED_CONCURRENTLY)
        return FilmView(edited, flags)

    @contextmanager
    def _quota(self, user_id: str, now: float) -> Iterator[Quota | None]:
        """The caller's film-write quota for the write inside; 429 when the write finds it used up."""
        limit = self._writes
        if limit is None:
            yield None
            return
        try:
            yield limit.quota(f"user:{user_id}", now)
        except QuotaExhausted as error:
            raise limit.rejection(now) from error

    def _apply(self, film: Film, draft: FilmDraft) -> Film:
        genres = tuple(self._catalog.genres_by_id(draft.genre_ids))  # unknown id: 400, before any write
        return replace(
            film,
            title=draft.title,
            description=draft.description,
            country=draft.country,
            release_year=draft.release_year,
            genres=genres,
        )

    # --- posters ---------------------------------------------------------------------------

    def upload_poster(self, film_id: str, user_id: str, data: bytes) -> None:
        stored = self._owned(film_id, user_id)
        if len(data) > MAX_POSTER_BYTES:
            raise PayloadTooLarge(POSTER_TOO_LARGE)
        image = sniff(data[:SNIFF_BYTES])
        if image is None:
            raise InvalidInput(NOT_AN_IMAGE)
        key = poster_key(film_id, image)
        self._posters.put(key, data, image.content_type)
        self._attach(stored.film, key)

    def poster_upload_url(self, film_id: str, user_id: str, content_type: str) -> PresignedUpload:
        self._owned(film_id, user_id)
        image = IMAGE_TYPES.get(content_type)
        if image is None:
            raise InvalidInput(NOT_AN_IMAGE)
        key = upload_key(film_id, image)
        return self._posters.presigned_upload(key, image.content_type, MAX_POSTER_BYTES, UPLOAD_URL_SECONDS)

    def confirm_poster(self, film_id: str, user_id: str, key: str) -> None:
        """Attach an object uploaded with a presigned POST, once its bytes prove it is the image it claims.

        The upload sits under a prefix nothing serves; only checked bytes are moved to a served key."""
        stored = self._owned(film_id, user_id)
        parsed = parse_upload_key(key)
        if parsed is None or parsed[0] != film_id:
            raise InvalidInput(UNKNOWN_UPLOAD)
        uploaded = self._posters.peek(key, SNIFF_BYTES)
        if uploaded is None:
            raise InvalidInput(UNKNOWN_UPLOAD)
        if uploaded.size > MAX_POSTER_BYTES:
            self._discard(key)
            raise PayloadTooLarge(POSTER_TOO_LARGE)
        image = sniff(uploaded.head)
        if image is None or image != _BY_EXTENSION[parsed[1]]:
            self._discard(key)
            raise InvalidInput(NOT_AN_IMAGE)
        served = poster_key(film_id, image)
        self._posters.copy(key, served, image.content_type)
        self._discard(key)  # left behind, it would expire with the unconfirmed uploads anyway
        self._attach(stored.film, served)

    def delete_poster(self, film_id: str, user_id: str) -> None:
        film = self._owned(film_id, user_id).film
        if film.poster_key is None and film.poster_url is None:
            return
        # Storage first: if it fails the film still shows its poster (503), and a retry finishes the job.
        if film.poster_key is not None:
            self._posters.delete(film.poster_key)
        if not self._films.replace_poster(film.id, film.poster_key, None):
            raise Conflict(CHANGED_CONCURRENTLY)

    def _attach(self, film: Film, key: str) -> None:
        """Point the film at the uploaded ``key``, then delete the poster it replaces."""
        try:
            attached = self._films.replace_poster(film.id, film.poster_key, Poster(key, self._posters.public_url(key)))
        except Exception:
            self._discard(key)
            raise
        if not attached:
            self._discard(key)
            raise Conflict(CHANGED_CONCURRENTLY)
        if film.poster_key is not None:
            self._discard(film.poster_key)

    def _discard(self, key: str) -> None:
        """Delete an object nothing points at; failing that, it is only an orphan, so log it and go on."""
        try:
            self._posters.delete(key)
        except DependencyUnavailable:
            log.warning("could not delete orphaned poster object %s", key)

    def _owned(self, film_id: str, user_id: str) -> StoredFilm:
        return self._require_owner(self._films.get_stored(film_id), user_id)

    @staticmethod
    def _require_owner(stored: StoredFilm | None, user_id: str) -> StoredFilm:
        if stored is None:
            raise NotFound(FILM_NOT_FOUND)
        if stored.film.owner_id != user_id:
            raise Forbidden(NOT_OWNER)
        return stored
