"""Film search: by title over the local catalog and TMDB / Kinopoisk, and by a description through an LLM.

One search page costs two DynamoDB round trips whatever the providers answer and whatever the catalog's
size: the index listings (the best-ranked films of each token) of every query, then the candidate films
together with the caller's flags on them (so at most 50 candidates for a signed-in caller, 100 for an
anonymous one); with the request limit's counter that keeps a search within three.  Provider results new
to the catalog are imported once (the index heads they may enter, then a conditional write; each import
concurrently), under an id derived from their external id so that every later search finds the same film.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import chain, zip_longest

from filmhub.core.concurrency import concurrently
from filmhub.core.entities import Film, FilmView
from filmhub.films.importer import FilmImporter, external_film_id, film_from_external
from filmhub.films.index import TITLE_SHARDS
from filmhub.films.ports import ExternalFilm, ExternalFilmSource, SearchIndex, SourceHit, TitleCandidate, TitleSuggester
from filmhub.films.reader import FilmReader
from filmhub.films.text import MAX_PREFIX, keywords, normalize, query_tokens, words
from filmhub.limits.service import client_subject

log = logging.getLogger(__name__)

LOCAL = "local"
#: Keys one BatchGetItem takes: the postings of a keyword search are read in one round trip.
MAX_BATCH_KEYS = 100
#: Stems a keyword search looks up, the first ones first: each is a title token (its ``TITLE_SHARDS`` heads)
#: and a description stem (one head), all within one BatchGetItem.
MAX_KEYWORD_STEMS = MAX_BATCH_KEYS // (TITLE_SHARDS + 1)
#: Candidate titles asked of the LLM and looked up.
MAX_CANDIDATES = 5


def external_hit(film: ExternalFilm) -> SourceHit:
    return SourceHit(film_id=external_film_id(film), external=film)


def _title_words(film: Film) -> list[str]:
    return words(f"{film.title} {film.original_title or ''}")


def title_matches(film: Film, tokens: Sequence[str]) -> int:
    """How many query tokens start a word of the film's titles (the index may hold stale entries)."""
    title_words = _title_words(film)
    return sum(any(word.startswith(token) for word in title_words) for token in tokens)


def whole_word_matches(film: Film, tokens: Sequence[str]) -> int:
    """How many query tokens are a whole word of the film's titles."""
    title_words = {word[:MAX_PREFIX] for word in _title_words(film)}
    return sum(token in title_words for token in tokens)


def keyword_matches(film: Film, stems: Sequence[str]) -> int:
    """How many keyword stems occur in the film's description or start a word of its titles."""
    described = set(keywords(film.description))
    title_words = _title_words(film)
    return sum(stem in described or any(word.startswith(stem) for word in title_words) for stem in stems)


def rank(films: Sequence[Film], score: Callable[[Film], int], whole: Callable[[Film], int] = lambda _: 0) -> list[Film]:
    """Films that match at all: most matched words first, then most matched as whole words, then the closest
    title (fewest other words), then the most popular, then the newest."""
    scored = [(score(film), film) for film in films]
    matching = [(matched, film) for matched, film in scored if matched > 0]
    matching.sort(
        key=lambda pair: (
            -pair[0],
            -whole(pair[1]),
            len(_title_words(pair[1])) - pair[0],
            -pair[1].popularity,
            -(pair[1].release_year or 0),
        )
    )
    return [film for _, film in matching]


class LocalFilmSource:
    """Our own catalog as a provider: the title index in the table (``SearchIndex``)."""

    name = LOCAL

    def __init__(self, index: SearchIndex) -> None:
        self._index = index

    def search(self, queries: Sequence[str], limit: int) -> list[list[SourceHit] | None]:
        """Every query's candidates, most matched words first, from one read of all their listings."""
        tokens = [query_tokens(query) for query in queries]
        postings = self._index.postings(list(dict.fromkeys(chain.from_iterable(tokens))), ()).titles
        return [_by_matches([postings.get(token, {}) for token in query], limit) for query in tokens]

    def keyword_search(self, text: str, limit: int) -> list[SourceHit]:
        """Films whose title or description shares keywords with ``text``, most shared first."""
        stems = keywords(text)[:MAX_KEYWORD_STEMS]
        postings = self._index.postings(stems, stems)
        per_stem = [{**postings.titles.get(stem, {}), **postings.descriptions.get(stem, {})} for stem in stems]
        return _by_matches(per_stem, limit)


def _by_matches(listings: Sequence[Mapping[str, int]], limit: int) -> list[SourceHit]:
    """Films listed under the most tokens first, then the best ranked (whole words, popularity)."""
    matched: dict[str, int] = {}
    ranks: dict[str, int] = {}
    for listing in listings:
        for film_id, film_rank in listing.items():
            matched[film_id] = matched.get(film_id, 0) + 1
            ranks[film_id] = ranks.get(film_id, 0) + film_rank
    # Ties broken by id: the same query always yields the same candidates.
    best = sorted(matched, key=lambda film_id: (-matched[film_id], -ranks[film_id], film_id))[:limit]
    return [SourceHit(film_id=film_id, matched=matched[film_id]) for film_id in best]


@dataclass(frozen=True)
class _Lookup:
    """A title to look up, and its year when an LLM suggested one."""

    title: str
    year: int | None = None


class FilmSearch:
    def __init__(
        self,
        local: LocalFilmSource,
        external: Sequence[ExternalFilmSource],
        order: Sequence[str],
        suggester: TitleSuggester | None,
        importer: FilmImporter,
        views: FilmReader,
        admit: Callable[[str], None] | None = None,
    ) -> None:
        self._local = local
        self._external = list(external)
        self._by_name = {provider.name: provider for provider in external}
        names = [name for name in order if name == LOCAL or name in self._by_name]
        # The local catalog always answers; where it ranks against the providers is configuration.
        self._local_first = bool(names) and names[0] == LOCAL
        self._suggester = suggester
        self._importer = importer
        self._views = views
        #: The search request limit (raises ``TooManyRequests``): here, so that every client (the HTTP API,
        #: the bot) passes it.
        self._admit = admit

    def search(
        self, title: str | None, description: str | None, limit: int, user_id: str | None, address: str | None = None
    ) -> list[FilmView]:
        """Films as ``user_id`` sees them; the candidates are read with the caller's flags in one round trip.

        The request counts against the search limit of the user, or of ``address`` for an anonymous caller."""
        if self._admit is not None:
            self._admit(client_subject(user_id, address))
        title, description = (title or "").strip(), (description or "").strip()
        if description:
            return self._by_description(description, title or None, limit, user_id)
        if title:
            return self._by_titles([_Lookup(title)], limit, user_id)
        return []

    # --- by description --------------------------------------------------------------------

    def _by_description(self, description: str, title: str | None, limit: int, user_id: str | None) -> list[FilmView]:
        candidates = self._suggest(description, title)
        if not candidates:
            return self._by_keywords(f"{title or ''} {description}", limit, user_id)
        lookups = [_Lookup(c.title, c.year) for c in sorted(candidates, key=lambda c: -c.confidence)]
        if title:
            lookups.insert(0, _Lookup(title))
        return self._by_titles(lookups, limit, user_id)

    def _suggest(self, description: str, title: str | None) -> list[TitleCandidate]:
        if self._suggester is None:
            return []
        try:
            return self._suggester.suggest(description, title, MAX_CANDIDATES)[:MAX_CANDIDATES]
        except Exception:  # any LLM failure means keyword search, never an error
            log.warning("title suggestions failed; falling back to keyword search", exc_info=True)
            return []

    def _by_keywords(self, text: str, limit: int, user_id: str | None) -> list[FilmView]:
        stems = keywords(text)
        hits = self._local.keyword_search(text, self._views.lookup_limit(user_id))
        candidates = self._views.lookup([hit.film_id for hit in hits], user_id)
        ranked = rank([view.film for view in candidates.values()], lambda film: keyword_matches(film, stems))
        return [candidates[film.id] for film in ranked[:limit]]

    # --- by title --------------------------------------------------------------------------

    def _by_titles(self, lookups: Sequence[_Lookup], limit: int, user_id: str | None) -> list[FilmView]:
        """Each title looked up in the local catalog and the providers (concurrently), the results of
        all titles interleaved (best of each first), deduplicated, imported where new."""
        titles = [lookup.title for lookup in lookups]
        batch = self._views.lookup_limit(user_id)
        with ThreadPoolExecutor(max_workers=1) as pool:
            local_future = pool.submit(self._local.search, titles, batch)
            external = self._external_hits(titles, limit)
        local = [hits or [] for hits in local_future.result()]
        # One read for every candidate: provider films (to know which are new) and the best local ones,
        # at most half of the batch for the providers' films.
        share = min(limit, batch // (2 * len(lookups)))
        external = [_year_first(hits[:share], lookup.year) for hits, lookup in zip(external, lookups, strict=True)]
        external_ids = list(dict.fromkeys(hit.film_id for hit in chain.from_iterable(external)))
        # The rest of the batch for the best local hits, taking from every title in turn (titles share hits).
        local_ids = [hit.film_id for hit in _interleave(local) if hit.film_id not in external_ids]
        local_ids = list(dict.fromkeys(local_ids))[: max(batch - len(external_ids), 0)]
        stored = self._views.lookup(external_ids + local_ids, user_id)

        per_title: list[list[SourceHit]] = []
        local_keys: set[tuple[str, int | None]] = set()
        for title, local_hits, external_hits in zip(titles, local, external, strict=True):
            known = [stored[hit.film_id].film for hit in local_hits if hit.film_id in stored]
            tokens = query_tokens(title)
            matches, whole = partial(title_matches, tokens=tokens), partial(whole_word_matches, tokens=tokens)
            ranked = [SourceHit(film.id) for film in rank(known, matches, whole)]
            local_keys.update(_identity(stored[hit.film_id].film) for hit in ranked)
            per_title.append(ranked + external_hits if self._local_first else external_hits + ranked)

        page: list[SourceHit] = []
        seen_ids: set[str] = set()
        for hit in _interleave(per_title):
            if hit.film_id in seen_ids:
                continue
            # A provider film without a TMDB id may duplicate one of ours under another id.
            if hit.film_id not in stored and hit.external and _identity(film_from_external(hit.external)) in local_keys:
                continue
            seen_ids.add(hit.film_id)
            page.append(hit)
            if len(page) == limit:
                break
        return self._materialize(page, stored)

    def _external_hits(self, titles: Sequence[str], limit: int) -> list[list[SourceHit]]:
        """Providers in configured order: each title is answered by the first provider that can."""
        answers: list[list[SourceHit] | None] = [None] * len(titles)
        for provider in self._external:
            pending = [i for i, answer in enumerate(answers) if answer is None]
            if not pending:
                break
            try:
                results = provider.search([titles[i] for i in pending], limit)
            except Exception:  # a provider bug must not fail the search either
                log.warning("provider %s failed", provider.name, exc_info=True)
                continue
            for i, result in zip(pending, results, strict=True):
                answers[i] = result
        return [answer or [] for answer in answers]

    def _materialize(self, page: Sequence[SourceHit], stored: dict[str, FilmView]) -> list[FilmView]:
        new = [hit.external for hit in page if hit.film_id not in stored and hit.external is not None]
        imported = concurrently([partial(self._importer.import_external, film) for film in new])
        # A film imported just now is in none of the caller's lists.
        views = stored | {film.id: FilmView(film) for film in imported}
        return [views[hit.film_id] for hit in page if hit.film_id in views]


def _identity(film: Film) -> tuple[str, int | None]:
    return normalize(film.title), film.release_year


def _year_first(hits: list[SourceHit], year: int | None) -> list[SourceHit]:
    """An LLM candidate's year, when it gave one, picks among same-titled films (a stable sort)."""
    if year is None:
        return hits
    return sorted(hits, key=lambda hit: hit.external is None or hit.external.release_year != year)


def _interleave(lists: Sequence[list[SourceHit]]) -> list[SourceHit]:
    """Round robin in the given order (most confident title first): the best hit of every title comes
    before the second-best of any."""
    return [hit for row in zip_longest(*lists) for hit in row if hit is not None]
