"""The films' DynamoDB adapter: film reads (with a caller's flags) and writes.

A new film, its external-id claim and its index postings go in one transaction.  The postings
(``TOKEN#<prefix>`` for titles, ``DTOKEN#<stem>`` for descriptions) are sized so that a new film
always fits DynamoDB's 100 actions per transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pynamodb.attributes import Attribute
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from filmhub.core.entities import NO_FLAGS, Film, FilmFlags, Genre, RatingSummary, half_points_to_score
from filmhub.films.ports import ExternalRef, Poster, StoredFilm
from filmhub.films.text import MAX_PREFIX, index_tokens, keywords, words
from filmhub.table.models import DescriptionToken, ExternalIdClaim, FilmItem, FilmState, GenreRef, TableItem, TitleToken
from filmhub.table.operations import TRANSACTION_LIMIT, batch_get, cancelled_by_condition, condition_failed, transaction

#: Room left for postings once the film and its external-id claim are in.
INDEX_TOKEN_BUDGET = TRANSACTION_LIMIT - 2
MAX_TITLE_TOKENS = 75
#: Description keywords index the premise (the first sentences) of a film, not every word of it.
MAX_DESCRIPTION_TOKENS = 24

PostingModel = type[TitleToken] | type[DescriptionToken]
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
        created_at=created_at,
    )
    item.GSI5PK, item.GSI5SK = FilmItem.sampling_key(film.film_type, film.id)
    if film.owner_id:
        item.GSI1PK, item.GSI1SK = FilmItem.owner_index_key(film.owner_id, created_at, film.id)
    return item


def title_tokens(film: Film) -> list[str]:
    """Tokens of the title (and original title), capped for the transaction.

    Every word's whole-word token (what a query for that word looks up) comes first, so a long title
    stays findable by each of its words; the remaining prefixes follow, shortest first.
    """
    text = f"{film.title} {film.original_title or ''}"
    whole_words = [word[:MAX_PREFIX] for word in words(text)]
    prefixes = sorted(index_tokens(film.title) | index_tokens(film.original_title or ""), key=lambda t: (len(t), t))
    return list(dict.fromkeys([*whole_words, *prefixes]))[:MAX_TITLE_TOKENS]


def description_tokens(film: Film) -> list[str]:
    """Keyword stems of the description, first ones first, within what the title tokens leave of the budget.

    A function of the title and the description only, so an edit can recompute what was indexed."""
    room = min(MAX_DESCRIPTION_TOKENS, INDEX_TOKEN_BUDGET - len(title_tokens(film)))
    return keywords(film.description)[: max(room, 0)]


def _save(item: TableItem, condition: Condition | None = None) -> Write:
    return lambda tx: tx.save(item, condition=condition)


def _update(item: TableItem, actions: list[Action], condition: Condition | None = None) -> Write:
    return lambda tx: tx.update(item, actions=actions, condition=condition)


def _posting_writes(model: PostingModel, film_id: str, tokens: Iterable[str], add: bool) -> list[Write]:
    """Add the film to (or drop it from) the posting list of each token; ``kind`` is set on creation."""
    adding = [model.film_ids.add({film_id}), model.kind.set(model)]
    actions = adding if add else [model.film_ids.delete({film_id})]
    return [_update(model(*model.key(token)), actions) for token in sorted(tokens)]


def external_claim(film: Film, external: ExternalRef) -> ExternalIdClaim:
    key = ExternalIdClaim.key(external.provider, film.film_type, external.external_id)
    return ExternalIdClaim(*key, film_id=film.id)


def put_new_film(film: Film, created_at: str, external: ExternalRef | None = None) -> bool:
    """Write a new film; False (and nothing written) when ``external`` was already imported."""
    writes = [_save(film_to_item(film, created_at), FilmItem.PK.does_not_exist())]
    if external is not None:
        writes.append(_save(external_claim(film, external), ExternalIdClaim.PK.does_not_exist()))
    writes += _posting_writes(TitleToken, film.id, title_tokens(film), add=True)
    writes += _posting_writes(DescriptionToken, film.id, description_tokens(film), add=True)
    try:
        _commit(writes)
    except TransactWriteError as error:
        if cancelled_by_condition(error):
            return False
        raise
    return True


def update_film(old: Film, revision: str | None, new: Film, updated_at: str) -> bool:
    """Apply an edit of title, description, country, year and genres to ``old``, with the postings it
    changes; False (nothing written) when the film changed since ``revision`` was read.

    The film and every new posting always fit one transaction.  Stale postings are
    removed in it too when there is room, otherwise by a second one: a stale posting can only make
    search consider a film that it then rejects (search checks hits against the film's text).
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
    first = [_update(FilmItem(*FilmItem.key(old.id)), actions, FilmItem.PK.exists() & unchanged)]
    stale: list[Write] = []
    for model, tokens in ((TitleToken, title_tokens), (DescriptionToken, description_tokens)):
        before, after = set(tokens(old)), set(tokens(new))
        first += _posting_writes(model, old.id, after - before, add=True)
        stale += _posting_writes(model, old.id, before - after, add=False)
    room = TRANSACTION_LIMIT - len(first)
    try:
        _commit([*first, *stale[:room]])
    except TransactWriteError as error:
        if cancelled_by_condition(error):
            return False
        raise
    if stale[room:]:
        _commit(stale[room:])
    return True


def _commit(writes: list[Write]) -> None:
    with transaction() as tx:
        for write in writes:
            write(tx)


def bulk_put_films(films: list[tuple[Film, ExternalRef | None]], created_at: str) -> None:
    """Write many films at once with BatchWriteItem (seeding): same items as ``put_new_film``.

    Not conditional: callers pass films with stable ids, so a repeat overwrites with the same data.
    Postings are merged with the films already indexed under each token.
    """
    postings: dict[tuple[PostingModel, str], set[str]] = {}
    with TableItem.batch_write() as batch:
        for film, external in films:
            batch.save(film_to_item(film, created_at))
            if external is not None:
                batch.save(external_claim(film, external))
            for token in title_tokens(film):
                postings.setdefault((TitleToken, token), set()).add(film.id)
            for token in description_tokens(film):
                postings.setdefault((DescriptionToken, token), set()).add(film.id)
    keys = {model.key(token): (model, token) for model, token in postings}
    for item in TableItem.batch_get(list(keys)):
        if isinstance(item, TitleToken | DescriptionToken):
            postings[keys[item.PK, item.SK]].update(item.film_ids or set())
    with TableItem.batch_write() as batch:
        for (model, token), film_ids in postings.items():
            batch.save(model(*model.key(token), film_ids=film_ids))


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

    def create(self, film: Film, created_at: str, external: ExternalRef | None = None) -> bool:
        return put_new_film(film, created_at, external)

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

    def update(self, old: StoredFilm, new: Film, updated_at: str) -> bool:
        return update_film(old.film, old.revision, new, updated_at)

    def replace_poster(self, film_id: str, expected_key: str | None, poster: Poster | None) -> bool:
        unchanged = FilmItem.poster_key == expected_key if expected_key else FilmItem.poster_key.does_not_exist()
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
