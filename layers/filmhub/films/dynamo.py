"""The films' DynamoDB adapter: film reads (with a caller's flags) and writes.

A new film, its external-id claim, its genre memberships and its index entries go in one transaction.
The index (``films/index.py``) is a bounded head item per token: a new film first reads the heads it may
enter (one BatchGetItem), then writes only those it enters, so its cost does not grow with the catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pynamodb.attributes import Attribute
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from filmhub.accounts.write_guard import CallerGuard
from filmhub.core.entities import NO_FLAGS, Film, FilmFlags, Genre, RatingSummary, half_points_to_score
from filmhub.films.index import HEAD_HARD_CAP, HEAD_SIZE, TYPE_HEAD_SIZE, admit, best, film_entries, type_partition
from filmhub.films.ports import ExternalRef, Poster, StoredFilm
from filmhub.limits.ports import Quota
from filmhub.table.models import (
    ExternalIdClaim,
    FilmItem,
    FilmState,
    GenreMembership,
    GenreRef,
    IndexHead,
    TableItem,
    entry_name,
)
from filmhub.table.operations import (
    TRANSACTION_LIMIT,
    batch_get,
    cancelled_by_condition,
    condition_failed,
    conflicted,
    failed_conditions,
    transaction,
)

#: A new film's transaction is tried again (heads read afresh) when a concurrent write got in between.
COMMIT_ATTEMPTS = 3
#: Genre memberships: each film is in its genre's sampling order twice (see ``GenreMembership``).
MEMBERSHIP_COPIES = (0, 1)

Write = Callable[[TransactWrite], None]


def film_to_item(film: Film, created_at: str) -> FilmItem:
    item = FilmItem(
        *FilmItem.key(film.id),
        id=film.id,
        title=film.title,
        original_title=film.original_title,
        description=film.description,
        country=film.country,
        release_year=film.release_year,
        film_type=film.film_type,
        poster_url=film.poster_url,
        poster_key=film.poster_key,
        tmdb_id=film.tmdb_id,
        kinopoisk_id=film.kinopoisk_id,
        owner_id=film.owner_id,
        genres=_genre_refs(film),
        genre_ids=_genre_ids(film),
        popularity=film.popularity,
        created_at=created_at,
    )
    item.GSI5PK, item.GSI5SK = FilmItem.sampling_key(film.film_type, film.id)
    if film.owner_id:
        item.GSI1PK, item.GSI1SK = FilmItem.owner_index_key(film.owner_id, created_at, film.id)
    return item


def genre_memberships(film: Film, genres: Iterable[Genre] | None = None) -> list[GenreMembership]:
    """The film's membership items in each of ``genres`` (its own by default)."""
    items = []
    for genre in film.genres if genres is None else genres:
        for copy in MEMBERSHIP_COPIES:
            item = GenreMembership(*GenreMembership.key(film.id, genre.id, copy), film_id=film.id)
            item.GSI5PK, item.GSI5SK = GenreMembership.sampling_key(genre.id, film.film_type, copy, film.id)
            items.append(item)
    return items


def _save(item: TableItem, condition: Condition | None = None) -> Write:
    return lambda tx: tx.save(item, condition=condition)


def _update(item: TableItem, actions: list[Action], condition: Condition | None = None) -> Write:
    return lambda tx: tx.update(item, actions=actions, condition=condition)


def _delete(item: TableItem) -> Write:
    return lambda tx: tx.delete(item)


def _rank(value: int) -> dict[str, str]:
    return {"N": str(value)}


def read_head_items(partitions: Iterable[str]) -> dict[str, IndexHead]:
    """These heads as stored (absent heads are left out), in one BatchGetItem per 100."""
    items = batch_get([IndexHead.key(partition) for partition in partitions])
    return {item.PK: item for item in items if isinstance(item, IndexHead)}


def read_heads(partitions: Iterable[str]) -> dict[str, dict[str, int]]:
    """The entries of these heads (absent heads are empty)."""
    return {partition: head.ranks for partition, head in read_head_items(partitions).items()}


def _head_update(partition: str, actions: list[Action], condition: Condition | None = None) -> Write:
    """An update of a head (created if absent); every update bumps its version."""
    bump: list[Action] = [IndexHead.kind.set(IndexHead), IndexHead.version.add(1)]
    return _update(IndexHead(*IndexHead.key(partition)), [*bump, *actions], condition)


def admitting_writes(film_id: str, entries: Mapping[str, int], heads: Mapping[str, IndexHead]) -> list[Write]:
    """Updates of the heads the film enters.  A head with room is added to on its count alone, so that films
    entering one head at once (the imports of one search) do not refuse each other; one it would outgrow is
    trimmed back to ``HEAD_SIZE``, conditional on the version read, so that no concurrent change makes it
    outgrow its bound."""
    writes = []
    for partition, rank in sorted(entries.items()):
        stored = heads.get(partition)
        head, names = (stored.ranks, stored.names) if stored else ({}, {})
        evicted = admit(head, film_id, rank)
        if evicted is None:
            continue
        if film_id not in head and (stored is None or stored.size < HEAD_SIZE):
            writes.append(_blind_add(partition, film_id, rank, HEAD_SIZE))
            continue
        size = len(head) + (film_id not in head) - len(evicted)
        actions: list[Action] = [
            Path(entry_name(film_id)).set(_rank(rank)),
            IndexHead.size.set(size),
            *(Path(names[other]).remove() for other in evicted),
        ]
        unchanged = _unchanged(stored)
        writes.append(_head_update(partition, actions, unchanged))
    return writes


def _unchanged(stored: IndexHead | None) -> Condition:
    """The head is as it was read: absent, or at the version read (a head of index 2 has no version yet)."""
    if stored is None:
        return IndexHead.PK.does_not_exist()
    same = IndexHead.version == stored.version
    return (same | IndexHead.version.does_not_exist()) if stored.version == 0 else same


def _blind_add(partition: str, film_id: str, rank: int, cap: int = HEAD_HARD_CAP) -> Write:
    """Add a film to a head whatever its version: only while its size is under ``cap``.  The size is counted up
    even when the film was there already (an edit's over-count, corrected by the next write that trims)."""
    actions: list[Action] = [Path(entry_name(film_id)).set(_rank(rank)), IndexHead.size.add(1)]
    below_cap = IndexHead.size.does_not_exist() | (IndexHead.size < cap)
    return _head_update(partition, actions, below_cap)


def _blind_remove(partition: str, film_id: str) -> Write:
    # The size is left as it is (the film may have been pushed out already): an over-count, corrected by the
    # next write that reads the head.
    return _head_update(partition, [Path(entry_name(film_id)).remove()])


def type_head_write(film: Film, stored: IndexHead | None) -> Write | None:
    """The film's entry in its type's head while the type has room for it, else (once) the head marked over."""
    if stored is not None and (stored.over or film.id in stored.ranks):
        return None
    partition = type_partition(film.film_type)
    if stored is None or len(stored.ranks) < TYPE_HEAD_SIZE:
        # Not conditional on the version: films of one type written at once all get in, while the count allows.
        actions: list[Action] = [Path(entry_name(film.id)).set(_rank(0)), IndexHead.size.add(1)]
        has_room = IndexHead.size.does_not_exist() | (IndexHead.size < TYPE_HEAD_SIZE)
        return _head_update(partition, actions, IndexHead.over.does_not_exist() & has_room)
    emptied = [Path(name).remove() for name in stored.names.values()]
    return _head_update(partition, [IndexHead.over.set(True), IndexHead.size.set(0), *emptied])


def type_heads_with(added: Mapping[str, Iterable[str]], stored: Mapping[str, IndexHead]) -> list[IndexHead]:
    """The type heads ``stored`` with the ``added`` film ids merged in: over once they would list too many."""
    heads = []
    for partition, film_ids in added.items():
        before = stored.get(partition)
        merged = {*(before.ranks if before else ()), *film_ids}
        head = IndexHead(*IndexHead.key(partition))
        if (before is not None and before.over) or len(merged) > TYPE_HEAD_SIZE:
            head.over, head.size = True, 0
        else:
            head.ranks, head.size = dict.fromkeys(merged, 0), len(merged)
        heads.append(head)
    return heads


def external_claim(film: Film, external: ExternalRef) -> ExternalIdClaim:
    key = ExternalIdClaim.key(external.provider, film.film_type, external.external_id)
    return ExternalIdClaim(*key, film_id=film.id)


def _author_guard(film: Film, quota: Quota | None) -> CallerGuard | None:
    """A user's film is written only while its author exists (and has quota left); imports have no author."""
    return CallerGuard(film.owner_id, quota) if film.owner_id else None


def put_new_film(film: Film, created_at: str, external: ExternalRef | None = None, quota: Quota | None = None) -> bool:
    """Write a new film; False (and nothing written) when it or ``external`` was already stored.

    Two round trips: the heads the film may enter (and its type's), then one transaction (again, with the
    heads read afresh, when a concurrent write changed one of them meanwhile).  A user's film carries its
    author's guard (``UnknownCaller`` / ``QuotaExhausted`` when it refuses)."""
    entries = film_entries(film)
    type_key = type_partition(film.film_type)
    guard = _author_guard(film, quota)
    # DynamoDB gets condition checks (the guard's) first, then puts: the film and its claim lead the puts, so
    # their positions tell a lost race (already stored) from other failures.
    first_put = 1 if guard else 0
    conditions = [FilmItem.PK.does_not_exist(), ExternalIdClaim.PK.does_not_exist()]
    fixed: list[Write] = [guard.add_to] if guard else []
    fixed += [
        _save(item, conditions[position] if position < 1 + (external is not None) else None)
        for position, item in enumerate(film_items(film, created_at, external))
    ]
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        heads = read_head_items([*entries, type_key])
        type_write = type_head_write(film, heads.get(type_key))
        try:
            _commit([*fixed, *admitting_writes(film.id, entries, heads), *([type_write] if type_write else [])])
            return True
        except TransactWriteError as error:
            if guard:
                guard.raise_if_refused(error)
            lost = cancelled_by_condition(error, first_put)
            if lost or (external is not None and cancelled_by_condition(error, first_put + 1)):
                return False
            # Any other refused condition is a head's version (it changed since it was read) or the type head's
            # room (it filled up meanwhile).
            if attempt == COMMIT_ATTEMPTS or not (conflicted(error) or failed_conditions(error)):
                raise
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def update_film(old: Film, revision: str | None, new: Film, updated_at: str, quota: Quota | None = None) -> bool:
    """Apply an edit of title, description, country, year and genres to ``old``, with the index entries and
    genre memberships it changes; False (nothing written) when the film changed since ``revision`` was read.

    The heads are not read (an edit stays within three round trips): the film is added to the heads of its
    new tokens while they are under their hard cap (a head at its cap is skipped: it is full of films ranked
    at least as well, most likely), and removed from those of tokens it lost.  The film and its additions
    always fit one transaction; the removals go there too when there is room, else in a second one.
    """
    actions: list[Action] = [
        FilmItem.title.set(new.title),
        FilmItem.description.set(new.description),
        _set_or_remove(FilmItem.country, new.country),
        _set_or_remove(FilmItem.release_year, new.release_year),
        FilmItem.genres.set(_genre_refs(new)),
        _set_or_remove(FilmItem.genre_ids, _genre_ids(new)),
        FilmItem.updated_at.set(updated_at),
    ]
    unchanged: Condition = FilmItem.updated_at == revision if revision else FilmItem.updated_at.does_not_exist()
    guard = _author_guard(new, quota)
    old_genres, new_genres = set(old.genres), set(new.genres)
    joined = genre_memberships(new, sorted(new_genres - old_genres, key=_by_id))
    left = genre_memberships(old, sorted(old_genres - new_genres, key=_by_id))
    # DynamoDB gets the guard's condition check, then deletes, puts and updates (the quota counter, then the
    # film, then the heads): the film update's position tells an edit lost to a concurrent one.
    checks, counters = (1, guard.actions - 1) if guard else (0, 0)
    film_position = checks + len(left) + len(joined) + counters
    first: list[Write] = [guard.add_to] if guard else []
    first.append(_update(FilmItem(*FilmItem.key(old.id)), actions, FilmItem.PK.exists() & unchanged))
    first += [_save(item) for item in joined]
    first += [_delete(item) for item in left]
    before, after = film_entries(old), film_entries(new)
    additions = [
        _blind_add(partition, old.id, rank)
        for partition, rank in sorted(after.items())
        if before.get(partition) != rank
    ]
    stale = [_blind_remove(partition, old.id) for partition in sorted(before) if partition not in after]
    ahead = film_position + 1  # actions DynamoDB gets before the first head update
    for attempt in (1, 2):
        room = TRANSACTION_LIMIT - ahead - len(additions)
        try:
            _commit([*first, *additions, *stale[:room]])
            break
        except TransactWriteError as error:
            if guard:
                guard.raise_if_refused(error)
            if cancelled_by_condition(error, film_position):
                return False
            full = {position - ahead for position in failed_conditions(error) if position >= ahead}
            if attempt == 2 or not full:
                raise
            additions = [write for position, write in enumerate(additions) if position not in full]
    if stale[room:]:
        _commit(stale[room:])
    return True


def _commit(writes: list[Write]) -> None:
    with transaction() as tx:
        for write in writes:
            write(tx)


def film_items(film: Film, created_at: str, external: ExternalRef | None = None) -> list[TableItem]:
    """The items a new film is stored as, index heads aside: the film, its claim, its genre memberships."""
    items: list[TableItem] = [film_to_item(film, created_at)]
    if external is not None:
        items.append(external_claim(film, external))
    return [*items, *genre_memberships(film)]


def heads_with(added: Mapping[str, Mapping[str, int]], stored: Mapping[str, Mapping[str, int]]) -> list[IndexHead]:
    """The heads ``stored`` with the ``added`` entries merged in, each trimmed to its best."""
    heads = []
    for partition, entries in added.items():
        ranks = best([stored.get(partition, {}), entries])
        head = IndexHead(*IndexHead.key(partition), size=len(ranks))
        head.ranks = ranks
        heads.append(head)
    return heads


def bulk_put_films(films: Sequence[tuple[Film, ExternalRef | None]], created_at: str) -> None:
    """Write many films at once with BatchWriteItem (seeding): the same items as ``put_new_film``.

    Not conditional: callers pass films with stable ids, so a repeat overwrites with the same data.  The
    films' index entries are merged with the heads already stored and each head is trimmed to its best.
    """
    added: dict[str, dict[str, int]] = {}
    with TableItem.batch_write() as batch:
        for film, external in films:
            for item in film_items(film, created_at, external):
                batch.save(item)
            for partition, rank in film_entries(film).items():
                added.setdefault(partition, {})[film.id] = rank
    merge_into_heads(added, [film for film, _ in films])


def merge_into_heads(added: Mapping[str, Mapping[str, int]], films: Iterable[Film] = ()) -> None:
    """Merge entries into the stored heads, and ``films`` into their types' heads, with BatchGetItem then
    BatchWriteItem puts.

    For bulk work only (seeding, migration): a film admitted by another writer between the read and the put
    of a head is dropped from it."""
    by_type: dict[str, set[str]] = {}
    for film in films:
        by_type.setdefault(type_partition(film.film_type), set()).add(film.id)
    stored = read_head_items([*added, *by_type])
    ranks = {partition: head.ranks for partition, head in stored.items()}
    with TableItem.batch_write() as batch:
        for head in [*heads_with(added, ranks), *type_heads_with(by_type, stored)]:
            batch.save(head)


def _by_id(genre: Genre) -> str:
    return genre.id


def _genre_refs(film: Film) -> list[GenreRef]:
    return [GenreRef(id=genre.id, name=genre.name) for genre in film.genres]


def _genre_ids(film: Film) -> set[str] | None:
    return {genre.id for genre in film.genres} or None  # DynamoDB has no empty sets


def _set_or_remove(attribute: Attribute[Any], value: object) -> Action:
    return attribute.remove() if value is None else attribute.set(value)


def film_from_item(item: FilmItem) -> Film:
    return Film(
        id=item.id,
        title=item.title,
        description=item.description,
        country=item.country,
        release_year=int(item.release_year) if item.release_year is not None else None,
        poster_url=item.poster_url,
        tmdb_id=int(item.tmdb_id) if item.tmdb_id is not None else None,
        owner_id=item.owner_id,
        genres=tuple(Genre(id=ref.id, name=ref.name) for ref in item.genres or []),
        film_type=item.film_type,  # type: ignore[arg-type]
        original_title=item.original_title,
        kinopoisk_id=int(item.kinopoisk_id) if item.kinopoisk_id is not None else None,
        poster_key=item.poster_key,
        popularity=int(item.popularity or 0),
        rating=RatingSummary(count=int(item.rating_count or 0), half_point_sum=int(item.rating_half_points or 0)),
    )


def flags_from_state(item: FilmState) -> FilmFlags:
    return FilmFlags(
        is_liked=item.liked_at is not None,
        is_wish=item.wish_at is not None,
        is_watched=item.watched_at is not None,
        my_rating=half_points_to_score(int(item.my_half_points)) if item.my_half_points is not None else None,
    )


def stored_film(item: FilmItem) -> StoredFilm:
    return StoredFilm(film_from_item(item), revision=item.updated_at)


class DynamoFilmRepository:
    def get(self, film_id: str) -> Film | None:
        try:
            return film_from_item(FilmItem.get(*FilmItem.key(film_id)))
        except FilmItem.DoesNotExist:
            return None

    def get_many(self, film_ids: Sequence[str]) -> dict[str, Film]:
        items = batch_get([FilmItem.key(film_id) for film_id in film_ids])
        return {item.id: film_from_item(item) for item in items if isinstance(item, FilmItem)}

    def get_many_with_flags(
        self, film_ids: Sequence[str], user_id: str
    ) -> tuple[dict[str, Film], dict[str, FilmFlags]]:
        keys = [key for film_id in film_ids for key in (FilmItem.key(film_id), FilmState.key(user_id, film_id))]
        items = batch_get(keys)
        films = {item.id: film_from_item(item) for item in items if isinstance(item, FilmItem)}
        return films, {item.film_id: flags_from_state(item) for item in items if isinstance(item, FilmState)}

    def flags(self, user_id: str, film_ids: Iterable[str]) -> dict[str, FilmFlags]:
        items = batch_get([FilmState.key(user_id, film_id) for film_id in film_ids])
        return {item.film_id: flags_from_state(item) for item in items if isinstance(item, FilmState)}

    def create(
        self, film: Film, created_at: str, external: ExternalRef | None = None, quota: Quota | None = None
    ) -> bool:
        return put_new_film(film, created_at, external, quota)

    def get_stored_with_flags(self, film_id: str, user_id: str) -> tuple[StoredFilm | None, FilmFlags]:
        # Strongly consistent: an edit must start from the latest revision.
        items = batch_get([FilmItem.key(film_id), FilmState.key(user_id, film_id)], consistent_read=True)
        film = next((stored_film(item) for item in items if isinstance(item, FilmItem)), None)
        flags = next((flags_from_state(item) for item in items if isinstance(item, FilmState)), NO_FLAGS)
        return film, flags

    def get_stored(self, film_id: str) -> StoredFilm | None:
        try:
            return stored_film(FilmItem.get(*FilmItem.key(film_id), consistent_read=True))
        except FilmItem.DoesNotExist:
            return None

    def update(self, old: StoredFilm, new: Film, updated_at: str, quota: Quota | None = None) -> bool:
        return update_film(old.film, old.revision, new, updated_at, quota)

    def replace_poster(self, film_id: str, expected_key: str | None, poster: Poster | None) -> bool:
        unchanged = FilmItem.poster_key == expected_key if expected_key else FilmItem.poster_key.does_not_exist()
        actions: list[Action]
        if poster is None:
            actions = [FilmItem.poster_key.remove(), FilmItem.poster_url.remove()]
        else:
            actions = [FilmItem.poster_key.set(poster.key), FilmItem.poster_url.set(poster.url)]
        try:
            FilmItem(*FilmItem.key(film_id)).update(actions=actions, condition=FilmItem.PK.exists() & unchanged)
        except UpdateError as error:
            if condition_failed(error):
                return False
            raise
        return True
