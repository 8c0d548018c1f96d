"""What the sharing service talks to: public links (share items) and, for one public page, the list's films."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from filmhub.core.entities import Film, Gradient, ListType
from filmhub.limits.ports import CounterKey
from filmhub.watchlists.ports import Watchlist


@dataclass(frozen=True)
class Share:
    """A list's public link: the slug and what it opens (never shown to the public but the username)."""

    slug: str
    list_id: str
    user_id: str
    list_type: ListType
    username: str
    created_at: str


@dataclass(frozen=True)
class PublicFilm:
    film: Film
    #: The owner's note on the film in this list.
    note: str | None = None


@dataclass(frozen=True)
class PublicList:
    """A shared list as anyone with its link sees it: no ids, no one's flags."""

    slug: str
    title: str
    list_type: ListType
    gradient: Gradient
    username: str
    films: list[PublicFilm]
    next_cursor: str | None
    #: The owner ranked the films (else they are newest first).
    ordered: bool


class SharingRepository(Protocol):
    def list_and_username(self, list_id: str, user_id: str) -> tuple[Watchlist | None, str | None]:
        """The list header and the username of ``user_id``, in one consistent read."""
        ...

    def create(self, share: Share) -> Share:
        """Store the link and record its slug on the list header, unless the list has one already: then that
        one (the live link, whoever created it).  ``NotFound`` when the list is gone or no longer the owner's."""
        ...

    def revoke(self, list_id: str, slug: str) -> None:
        """Delete the link and clear the header's slug together; nothing when it is revoked already."""
        ...

    def find(self, slug: str, counter: CounterKey | None) -> tuple[Share | None, int]:
        """The link (None when unknown) and the count in ``counter`` (0 without one), in one read."""
        ...

    def films_and_header(self, film_ids: Sequence[str], list_id: str) -> tuple[dict[str, Film], Watchlist | None]:
        """The films by id and the list header, in one read: the header proves the list is live and still shared."""
        ...
