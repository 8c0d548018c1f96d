"""Public read-only links to lists: share, revoke, and the page anyone with the link sees.

A link is an unguessable slug (16 random bytes, 128 bits, base64url: 22 characters) kept in a share item
(slug → list and owner) and on the list header.  Sharing again returns the live link; revoking deletes both
at once, and the public read checks both, so a revoked or deleted list answers 404 from that moment.

The public read is held to an abuse limit per address that counts look-ups that find nothing (guessing
slugs): the count is read together with the link, so a view costs three DynamoDB calls (link + counter,
the list's page, its films + header) and a miss two (link + counter, the count).  Docs: decisions.md § Sharing.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable

from filmhub.core.clock import utc_now
from filmhub.core.entities import BUILTIN_LIST_TYPES
from filmhub.core.errors import InvalidInput, NotFound
from filmhub.limits.ports import RequestCounter
from filmhub.limits.service import FixedWindowLimit
from filmhub.security.cursors import CursorCodec
from filmhub.sharing.bounds import DEFAULT_PUBLIC_PAGE
from filmhub.sharing.ports import PublicFilm, PublicList, Share, SharingRepository
from filmhub.watchlists.ports import Position, WatchlistRepository
from filmhub.watchlists.service import list_id_of, owned_list

#: 16 random bytes → 22 base64url characters; longer slugs are accepted (a future, longer format).
SLUG_BYTES = 16
SLUG_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,64}")
LINK_NOT_FOUND = "Shared list not found"


def new_slug() -> str:
    return secrets.token_urlsafe(SLUG_BYTES)


class SharingService:
    def __init__(
        self,
        repository: SharingRepository,
        watchlists: WatchlistRepository,
        counter: RequestCounter,
        misses: FixedWindowLimit,
        cursors: CursorCodec,
        clock: Callable[[], str] = utc_now,
        limit_clock: Callable[[], float] = time.time,
        slugs: Callable[[], str] = new_slug,
    ) -> None:
        self._repository = repository
        self._watchlists = watchlists
        self._counter = counter
        self._misses = misses
        self._cursors = cursors
        self._clock = clock
        self._limit_clock = limit_clock
        self._slugs = slugs

    # --- the owner -------------------------------------------------------------------------

    def share(self, user_id: str, ref: str) -> Share:
        """The list's live link, created on the first call; concurrent first calls end with one link."""
        header, username = self._repository.list_and_username(list_id_of(user_id, ref), user_id)
        watchlist = owned_list(user_id, header)
        share = Share(
            slug=watchlist.share_slug or self._slugs(),
            list_id=watchlist.id,
            user_id=user_id,
            list_type=watchlist.list_type,
            username=username or "",
            created_at=self._clock(),
        )
        return share if watchlist.share_slug else self._repository.create(share)

    def revoke(self, user_id: str, ref: str) -> None:
        """Stop sharing the list: both public addresses answer 404 from now on (revoking twice is fine)."""
        header, _ = self._repository.list_and_username(list_id_of(user_id, ref), user_id)
        watchlist = owned_list(user_id, header)
        if watchlist.share_slug:
            self._repository.revoke(watchlist.id, watchlist.share_slug)

    # --- anyone with the link --------------------------------------------------------------

    def public_list(
        self, slug: str, client: str, limit: int = DEFAULT_PUBLIC_PAGE, cursor: str | None = None
    ) -> PublicList:
        """A page of the shared list for ``client`` (whom the miss limit counts: an address)."""
        if not SLUG_PATTERN.fullmatch(slug):
            raise NotFound(LINK_NOT_FOUND)
        start = self._start(slug, cursor)
        now = self._limit_clock()
        counter = self._misses.key(client, now) if self._misses.enabled else None
        share, misses = self._repository.find(slug, counter)
        if counter is not None and not self._misses.admits(misses + 1):
            raise self._misses.rejection(now)
        if share is None:
            if counter is not None:
                self._counter.add(counter)
            raise NotFound(LINK_NOT_FOUND)
        film_ids, notes, next_position = self._page(share, limit, start)
        films, header = self._repository.films_and_header(film_ids, share.list_id)
        # Deleted (hidden or gone) or revoked and shared again since the link was read: not this link any more.
        if header is None or header.deleting or header.share_slug != slug:
            raise NotFound(LINK_NOT_FOUND)
        return PublicList(
            slug=slug,
            title=header.title,
            list_type=header.list_type,
            gradient=header.gradient,
            username=share.username,
            films=[PublicFilm(films[film_id], notes.get(film_id)) for film_id in film_ids if film_id in films],
            next_cursor=None if next_position is None else self._cursors.encode(_scope(slug), {"at": next_position}),
            ordered=header.ordered,
        )

    def _start(self, slug: str, cursor: str | None) -> Position:
        if cursor is None:
            return None
        start = self._cursors.decode(_scope(slug), cursor).get("at")  # signed for this link
        if not isinstance(start, dict):
            raise InvalidInput("Invalid cursor")
        return start

    def _page(self, share: Share, limit: int, start: Position) -> tuple[list[str], dict[str, str], Position]:
        """The film ids of one page in list order, the notes on them, and where the next page starts."""
        if share.list_type in BUILTIN_LIST_TYPES:
            flagged, next_position = self._watchlists.builtin_page(share.user_id, share.list_type, limit, start)
            return [film_id for film_id, _ in flagged], {}, next_position  # the owner's flags stay private
        _, entries, next_position = self._watchlists.custom_page(share.list_id, limit, start)
        notes = {entry.film_id: entry.note for entry in entries if entry.note}
        return list(dict.fromkeys(entry.film_id for entry in entries)), notes, next_position


def _scope(slug: str) -> str:
    return f"share:{slug}"
