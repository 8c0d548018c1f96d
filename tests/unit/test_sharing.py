"""The sharing service over small in-memory fakes, the list order keys, and the public page's HTML."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace

import pytest

from filmhub.core.entities import Film, FilmFlags, Genre, Gradient, ListType
from filmhub.core.errors import Forbidden, InvalidInput, NotFound, TooManyRequests
from filmhub.limits.ports import CounterKey
from filmhub.limits.service import FixedWindowLimit
from filmhub.security.cursors import CursorCodec
from filmhub.sharing.page import render_error_page, render_list_page
from filmhub.sharing.ports import PublicFilm, PublicList, Share
from filmhub.sharing.service import SharingService
from filmhub.table.models import HEADER_FIRST_DESCENDING, WatchlistEntry
from filmhub.watchlists.ports import ListEntry, Position, Watchlist
from tests.support.clock import FrozenClock

OWNER = "11111111-1111-4111-8111-111111111111"
LIST_ID = "22222222-2222-4222-8222-222222222222"
SLUG = "s" * 22
GRADIENT = Gradient("#000000", "#111111", "#222222")


def film(number: int, **fields: object) -> Film:
    defaults: dict[str, object] = {
        "title": f"Фильм {number}",
        "description": "…",
        "release_year": 2000 + number,
        "genres": (Genre("g", "драма"),),
    }
    return Film(id=f"film-{number}", **{**defaults, **fields})  # type: ignore[arg-type]


class FakeSharing:
    def __init__(self, header: Watchlist | None, films: dict[str, Film]) -> None:
        self.header = header
        self.films = films
        self.shares: dict[str, Share] = {}
        self.counts: dict[CounterKey, int] = {}
        self.calls: list[str] = []

    def list_and_username(self, list_id: str, user_id: str) -> tuple[Watchlist | None, str | None]:
        self.calls.append("list_and_username")
        return (self.header if self.header and self.header.id == list_id else None), "киноман"

    def create(self, share: Share) -> Share:
        self.calls.append("create")
        self.shares[share.slug] = share
        assert self.header is not None
        self.header = replace(self.header, share_slug=share.slug)
        return share

    def revoke(self, list_id: str, slug: str) -> None:
        self.calls.append("revoke")
        del self.shares[slug]
        assert self.header is not None
        self.header = replace(self.header, share_slug=None)

    def find(self, slug: str, counter: CounterKey | None) -> tuple[Share | None, int]:
        self.calls.append("find")
        return self.shares.get(slug), self.counts.get(counter, 0) if counter else 0

    def films_and_header(self, film_ids: Sequence[str], list_id: str) -> tuple[dict[str, Film], Watchlist | None]:
        self.calls.append("films_and_header")
        return {i: self.films[i] for i in film_ids if i in self.films}, self.header


class FakeCounter:
    def __init__(self, sharing: FakeSharing) -> None:
        self.sharing = sharing

    def add(self, key: CounterKey) -> int:
        self.sharing.counts[key] = self.sharing.counts.get(key, 0) + 1
        return self.sharing.counts[key]


class FakeLists:
    """Pages of a list: custom entries (with notes) and a built-in list (with the owner's flags)."""

    def __init__(self, entries: list[ListEntry]) -> None:
        self.entries = entries

    def custom_page(self, list_id: str, limit: int, start: Position) -> tuple[None, list[ListEntry], Position]:
        offset = int(start["offset"]) if start else 0
        rest = self.entries[offset : offset + limit]
        more = offset + limit < len(self.entries)
        return None, rest, {"offset": offset + limit} if more else None

    def builtin_page(
        self, user_id: str, kind: ListType, limit: int, start: Position
    ) -> tuple[list[tuple[str, FilmFlags]], Position]:
        return [(entry.film_id, FilmFlags(is_liked=True)) for entry in self.entries[:limit]], None


def header(list_type: ListType = "custom", **fields: object) -> Watchlist:
    return Watchlist(
        id=LIST_ID, user_id=OWNER, title="Лучшее", list_type=list_type, gradient=GRADIENT, created_at="t", **fields
    )


def service(
    sharing: FakeSharing, entries: list[ListEntry] | None = None, misses: int = 3
) -> tuple[SharingService, FakeCounter]:
    counter = FakeCounter(sharing)
    entries = entries if entries is not None else [ListEntry(f"film-{n}", OWNER) for n in range(3)]
    built = SharingService(
        sharing,  # type: ignore[arg-type]
        FakeLists(entries),  # type: ignore[arg-type]
        counter,
        FixedWindowLimit("requests-share_misses", misses, 60),
        CursorCodec("secret"),
        clock=lambda: "2026-01-01T00:00:00+00:00",
        limit_clock=FrozenClock(),
        slugs=lambda: SLUG,
    )
    return built, counter


def shared_world(list_type: ListType = "custom", **header_fields: object) -> FakeSharing:
    films = {f"film-{n}": film(n) for n in range(3)}
    sharing = FakeSharing(header(list_type, **{"share_slug": SLUG, **header_fields}), films)
    sharing.shares[SLUG] = Share(SLUG, LIST_ID, OWNER, list_type, "киноман", "t")
    return sharing


# --- sharing ------------------------------------------------------------------------------


def test_share_creates_once_then_returns_the_live_link() -> None:
    sharing = FakeSharing(header(), {})
    sharing_service, _ = service(sharing)
    first = sharing_service.share(OWNER, LIST_ID)
    assert (first.slug, first.username, first.list_type) == (SLUG, "киноман", "custom")
    assert sharing_service.share(OWNER, LIST_ID).slug == SLUG
    assert sharing.calls.count("create") == 1


def test_share_and_revoke_need_a_live_list_of_ones_own() -> None:
    sharing_service, _ = service(FakeSharing(header(), {}))
    with pytest.raises(Forbidden):
        sharing_service.share("someone-else", LIST_ID)
    with pytest.raises(NotFound):
        service(FakeSharing(header(deleting=True), {}))[0].share(OWNER, LIST_ID)
    with pytest.raises(InvalidInput):
        sharing_service.revoke(OWNER, "not-a-list")


def test_revoke_only_touches_a_shared_list() -> None:
    unshared = FakeSharing(header(), {})
    service(unshared)[0].revoke(OWNER, LIST_ID)
    assert "revoke" not in unshared.calls
    shared = shared_world()
    service(shared)[0].revoke(OWNER, LIST_ID)
    assert shared.shares == {}
    with pytest.raises(NotFound):
        service(shared)[0].public_list(SLUG, "ip:a")


# --- the public read ----------------------------------------------------------------------


def test_public_list_in_order_with_notes_and_a_cursor_bound_to_the_link() -> None:
    sharing = shared_world()
    entries = [ListEntry("film-2", OWNER, "Сначала этот"), ListEntry("film-0", OWNER), ListEntry("film-1", OWNER)]
    sharing_service, _ = service(sharing, entries)
    first = sharing_service.public_list(SLUG, "ip:a", limit=2)
    assert [(e.film.id, e.note) for e in first.films] == [("film-2", "Сначала этот"), ("film-0", None)]
    assert (first.title, first.username, first.gradient) == ("Лучшее", "киноман", GRADIENT)
    assert first.next_cursor is not None
    second = sharing_service.public_list(SLUG, "ip:a", limit=2, cursor=first.next_cursor)
    assert [e.film.id for e in second.films] == ["film-1"]
    assert second.next_cursor is None
    with pytest.raises(InvalidInput):
        sharing_service.public_list("t" * 22, "ip:a", cursor=first.next_cursor)
    assert sharing.calls.count("films_and_header") == 2  # every page checks the header


def test_builtin_lists_never_carry_the_owners_flags() -> None:
    shared = service(shared_world("wish"))[0].public_list(SLUG, "ip:a")
    assert [e.film.id for e in shared.films] == ["film-0", "film-1", "film-2"]
    assert all(isinstance(e, PublicFilm) and not hasattr(e, "flags") for e in shared.films)


@pytest.mark.parametrize(
    "header_fields", [{"deleting": True}, {"share_slug": None}, {"share_slug": "another-slug-0123456789"}]
)
def test_a_deleted_or_revoked_list_never_shows_even_with_a_leftover_link(header_fields: dict) -> None:
    sharing = shared_world(**header_fields)
    with pytest.raises(NotFound):
        service(sharing)[0].public_list(SLUG, "ip:a")


def test_a_missing_header_is_not_found() -> None:
    sharing = shared_world()
    sharing.header = None
    with pytest.raises(NotFound):
        service(sharing)[0].public_list(SLUG, "ip:a")


@pytest.mark.parametrize("slug", ["", "short", "a" * 65, "<script>aaaaaaaaaaaaaaaa", "../../../etc/passwd/aaaaaa"])
def test_malformed_slugs_are_not_found_without_a_read(slug: str) -> None:
    sharing = shared_world()
    with pytest.raises(NotFound):
        service(sharing)[0].public_list(slug, "ip:a")
    assert sharing.calls == []


def test_misses_are_counted_per_client_and_over_the_limit_even_a_real_link_waits() -> None:
    sharing = shared_world()
    sharing_service, _ = service(sharing, misses=2)
    for _ in range(3):
        sharing_service.public_list(SLUG, "ip:a")  # views are free
    for guess in ("x" * 22, "y" * 22):
        with pytest.raises(NotFound):
            sharing_service.public_list(guess, "ip:a")
    assert list(sharing.counts.values()) == [2]
    with pytest.raises(TooManyRequests) as refused:
        sharing_service.public_list(SLUG, "ip:a")
    assert 1 <= refused.value.retry_after_seconds <= 60
    assert sharing_service.public_list(SLUG, "ip:b").films  # another address has its own window


def test_a_disabled_limit_reads_and_writes_no_counter() -> None:
    sharing = shared_world()
    sharing_service, _ = service(sharing, misses=0)
    for _ in range(5):
        with pytest.raises(NotFound):
            sharing_service.public_list("x" * 22, "ip:a")
    assert sharing.counts == {}


# --- order keys ---------------------------------------------------------------------------


def test_order_keys_read_ranked_then_appended_then_newest_first() -> None:
    """LSI1 is read descending: the header, ranks in order, later additions in the order they came, then the
    add times of a list never ordered (newest first)."""
    keys = [
        HEADER_FIRST_DESCENDING,
        WatchlistEntry.ranked_key(0, "f"),
        WatchlistEntry.ranked_key(1, "f"),
        WatchlistEntry.ranked_key(999, "f"),
        WatchlistEntry.appended_key(1_800_000_000_000_000, "f"),
        WatchlistEntry.appended_key(1_800_000_000_000_001, "f"),
        WatchlistEntry.newest_first_key("2026-05-02T00:00:00.000000+00:00", "f"),
        WatchlistEntry.newest_first_key("2026-05-01T00:00:00.000000+00:00", "f"),
    ]
    assert sorted(keys, reverse=True) == keys


# --- the page -----------------------------------------------------------------------------

ATTACK = '<script>alert("x")</script>"><b>'


def public_list(films: list[PublicFilm], **fields: object) -> PublicList:
    values: dict[str, object] = {
        "slug": SLUG,
        "title": "Лучшее",
        "list_type": "custom",
        "gradient": GRADIENT,
        "username": "киноман",
        "films": films,
        "next_cursor": None,
        "ordered": False,
    }
    return PublicList(**{**values, **fields})  # type: ignore[arg-type]


def style_hash(html: str) -> str:
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None
    return base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()


def test_page_escapes_every_value_and_has_no_script() -> None:
    films = [PublicFilm(film(1, title=ATTACK, country=ATTACK, genres=(Genre("g", ATTACK),)), note=ATTACK)]
    page = render_list_page(public_list(films, title=ATTACK, username=ATTACK), f"https://x.test/l/{SLUG}?a=<b>")
    assert "<script" not in page.html
    assert "<b>" not in page.html
    assert page.html.count("&lt;script&gt;") >= 5
    assert "https://x.test/l/" + SLUG + "?a=&lt;b&gt;" in page.html


def test_page_policy_names_its_style_by_hash_and_only_the_posters_origins() -> None:
    films = [
        PublicFilm(film(1, poster_url="https://posters.example/posters/a.jpg")),
        PublicFilm(film(2, poster_url="https://image.tmdb.org/t/p/w500/b.jpg")),
        PublicFilm(film(3, poster_url="javascript:alert(1)")),
    ]
    page = render_list_page(public_list(films), "https://x.test/l/s")
    policy = page.content_security_policy
    assert f"style-src 'sha256-{style_hash(page.html)}'" in policy
    assert "img-src https://image.tmdb.org https://posters.example;" in policy
    assert "default-src 'none'" in policy
    assert "unsafe" not in policy
    assert "script-src" not in policy
    assert "javascript:" not in page.html
    assert '<meta property="og:image" content="https://posters.example/posters/a.jpg">' in page.html
    assert page.html.count('<div class="poster none"') == 1


def test_colours_that_are_not_colours_never_reach_the_stylesheet() -> None:
    page = render_list_page(public_list([], gradient=Gradient("red;}</style><script>", "#111111", "#zzz")), "u")
    assert "<script" not in page.html
    assert ":root{--c1:#2A4EC1;--c2:#111111;--c3:#09003F}" in page.html
    assert "В списке пока нет фильмов." in page.html
    assert '<meta name="twitter:card" content="summary">' in page.html


def test_ranked_lists_number_their_films_and_later_pages_continue() -> None:
    films = [PublicFilm(film(n)) for n in range(2)]
    html = render_list_page(public_list(films, ordered=True, next_cursor="c-1"), "u", first_position=51).html
    assert '<span class="rank">51</span>' in html
    assert '<span class="rank">52</span>' in html
    assert 'href="?cursor=c-1&amp;start=53"' in html
    assert "и другие" in html


def test_error_page_has_the_same_policy_shape() -> None:
    page = render_error_page("Список не найден", ATTACK)
    assert "<script" not in page.html
    assert f"style-src 'sha256-{style_hash(page.html)}'" in page.content_security_policy
    assert "img-src 'none'" in page.content_security_policy
