"""The title and description index: which bounded index items a film is listed in, and with which rank.

Every search token (a title word prefix, a description keyword stem) has a *head*: one item holding the
``HEAD_SIZE`` best-ranked films listed under it (``IndexHead``: film id → rank), never more than
``HEAD_HARD_CAP``, so that every head stays under 1 KB: DynamoDB bills a write by the larger of the old and new
item, 1 unit per started KB, so writing a head costs the same whether it holds one film or is full, and a film
entering every head it has costs the same at 1k films as at 1M.  For a rare token the head holds every film that has
it; for a common one it holds the best: whole-word matches before prefix-only ones, then the most popular.
A search reads the heads of all its tokens in one BatchGetItem; a write reads the heads it may enter,
then updates only those the film enters (see ``films/dynamo.py``).

A title token's head is written in shards (by a hash of the film id) and read all together: tokens of one to
three letters ("и", "по", "the", "люб"), the ones in a large share of all titles, in ``SHORT_TOKEN_SHARDS``, so
that neither the writes nor the reads of one such token land on one partition (the arithmetic is in TABLE.md);
longer ones in ``TITLE_SHARDS``, so that a search for one word still finds ``TITLE_SHARDS × HEAD_SIZE`` films
(a page of 50) from heads of 24.  A film enters one shard of each token: sharding adds reads, not writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from filmhub.core.entities import Film
from filmhub.films.text import MAX_PREFIX, index_tokens, keywords, words
from filmhub.table.models import shard_of
from filmhub.table.operations import TRANSACTION_LIMIT

#: Films a head keeps: ≈ 30 bytes each (a 22-character name, a rank), under 1 KB with the keys.
HEAD_SIZE = 24
#: A write that did not read the head (an edit) adds to it only below this size; a write that read it trims it.
#: ``HEAD_HARD_CAP`` entries of the longest token and the highest rank still fit one write unit (a test checks).
HEAD_HARD_CAP = 30
#: What a head may weigh: one write unit.
HEAD_BYTES = 1024
SHORT_TOKEN = 3
SHORT_TOKEN_SHARDS = 8
TITLE_SHARDS = 3
#: The best films a search takes from the shards of one title token: a page of 50, whatever the token.
TOKEN_CANDIDATES = TITLE_SHARDS * HEAD_SIZE
#: Rank bonus of a whole-word match over a prefix-only one; popularity (a vote count) stays below it.
WHOLE_WORD = 10**12
MAX_POPULARITY = WHOLE_WORD - 1
MAX_TITLE_TOKENS = 75
#: Description keywords index the premise (the first sentences) of a film, not every word of it.
MAX_DESCRIPTION_TOKENS = 24
TITLE_PREFIX = "TW#"
DESCRIPTION_PREFIX = "DW#"
#: A type's head lists every film of the type while it has at most this many (≈ 2.7 KB), so that sampling a
#: small type reaches all of it; the next film marks the head over and empties it, and it is not written again.
TYPE_HEAD_SIZE = 100
TYPE_PREFIX = "TYPE#"


@dataclass(frozen=True)
class Entry:
    """A film listed in one head: the head's partition key and the film's rank there."""

    partition: str
    rank: int


def order(film_id: str, rank: int) -> tuple[int, str]:
    """Sort key of a head entry, best first: higher rank, then (a stable tie-break) the smaller id."""
    return -rank, film_id


def title_tokens(film: Film, budget: int = MAX_TITLE_TOKENS) -> list[str]:
    """Tokens of the title (and original title), capped.

    Every word's whole-word token (what a query for that word looks up) comes first, so a long title
    stays findable by each of its words; the remaining prefixes follow, shortest first.
    """
    text = f"{film.title} {film.original_title or ''}"
    whole_words = [word[:MAX_PREFIX] for word in words(text)]
    prefixes = sorted(index_tokens(film.title) | index_tokens(film.original_title or ""), key=lambda t: (len(t), t))
    return list(dict.fromkeys([*whole_words, *prefixes]))[: min(budget, MAX_TITLE_TOKENS)]


def index_budget(film: Film) -> int:
    """Index entries a new film can write in its transaction: 100 actions less the film, its genre memberships
    (two per genre), its type's head and either its external-id claim (an import) or its author's guard (a
    user's film: the author exists, the author's film-write quota has room)."""
    return TRANSACTION_LIMIT - 4 - 2 * len(film.genres)


def description_tokens(film: Film) -> list[str]:
    """Keyword stems of the description, first ones first, within what the title tokens leave of the budget.

    A function of the film alone, so an edit can recompute what was indexed."""
    budget = index_budget(film)
    room = min(MAX_DESCRIPTION_TOKENS, budget - len(title_tokens(film, budget)))
    return keywords(film.description)[: max(room, 0)]


def popularity(film: Film) -> int:
    return max(0, min(film.popularity, MAX_POPULARITY))


def title_shards(token: str) -> int:
    return SHORT_TOKEN_SHARDS if len(token) <= SHORT_TOKEN else TITLE_SHARDS


def title_partitions(token: str) -> list[str]:
    """Where a search reads a title token: every shard of it."""
    return [f"{TITLE_PREFIX}{token}#{shard}" for shard in range(title_shards(token))]


def is_head_partition(partition: str) -> bool:
    """Whether a head's partition key is one the index writes (an older layout's are not)."""
    if not partition.startswith(TITLE_PREFIX):
        return partition.startswith(DESCRIPTION_PREFIX)
    token = partition.removeprefix(TITLE_PREFIX).split("#")[0]
    return partition in title_partitions(token)


def description_partition(stem: str) -> str:
    return f"{DESCRIPTION_PREFIX}{stem}"


def type_partition(film_type: str) -> str:
    """The head listing every film of a type while the type has few (``TYPE_HEAD_SIZE``)."""
    return f"{TYPE_PREFIX}{film_type}"


def film_entries(film: Film) -> dict[str, int]:
    """Every head the film is listed in (partition key → the film's rank there)."""
    budget = index_budget(film)
    whole = {word[:MAX_PREFIX] for word in words(f"{film.title} {film.original_title or ''}")}
    base = popularity(film)
    entries: dict[str, int] = {}
    for token in title_tokens(film, budget):
        partition = f"{TITLE_PREFIX}{token}#{shard_of(film.id, title_shards(token))}"
        entries[partition] = base + (WHOLE_WORD if token in whole else 0)
    for stem in description_tokens(film):
        entries[description_partition(stem)] = base
    return entries


def admit(head: Mapping[str, int], film_id: str, rank: int) -> list[str] | None:
    """Whether a film with ``rank`` belongs in ``head``: None when it does not (or is there already with
    that rank), else the entries it pushes out (those beyond ``HEAD_SIZE`` once it is in)."""
    if head.get(film_id) == rank:
        return None
    merged = {**head, film_id: rank}
    kept = sorted(merged.items(), key=lambda entry: order(*entry))[:HEAD_SIZE]
    if all(kept_id != film_id for kept_id, _ in kept):
        return None
    kept_ids = {kept_id for kept_id, _ in kept}
    return sorted(other for other in head if other not in kept_ids)


def best(heads: Iterable[Mapping[str, int]], limit: int = HEAD_SIZE) -> dict[str, int]:
    """The ``limit`` best entries of several heads (the shards of one token), as one head."""
    merged: dict[str, int] = {}
    for head in heads:
        for film_id, rank in head.items():
            merged[film_id] = max(rank, merged.get(film_id, rank))
    return dict(sorted(merged.items(), key=lambda entry: order(*entry))[:limit])
