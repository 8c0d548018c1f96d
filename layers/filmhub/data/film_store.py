"""Writing films: the film, its external-id claim, its title tokens and genre entries in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from filmhub.data.models import ExternalIdClaim, FilmItem, GenreFilm, GenreRef, TableItem, TitleToken
from filmhub.domain.entities import Film
from filmhub.domain.text import index_tokens

#: DynamoDB allows 100 actions per transaction: film + claim + up to 19 genres leaves this for tokens.
MAX_TITLE_TOKENS = 75


@dataclass(frozen=True)
class ExternalRef:
    provider: str
    external_id: int


def transaction() -> TransactWrite:
    """A transaction on the models' shared connection (one botocore client per container)."""
    return TransactWrite(connection=shared_connection())


def shared_connection() -> Connection:
    return TableItem._get_connection().connection


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
        genres=[GenreRef(id=genre.id, name=genre.name) for genre in film.genres],
        created_at=created_at,
    )
    if film.owner_id:
        item.GSI1PK, item.GSI1SK = FilmItem.owner_index_key(film.owner_id, created_at, film.id)
    return item


def title_tokens(film: Film) -> list[str]:
    """Tokens of the title (and original title), shortest prefixes first, capped for the transaction."""
    tokens = sorted(index_tokens(film.title) | index_tokens(film.original_title or ""), key=lambda t: (len(t), t))
    return tokens[:MAX_TITLE_TOKENS]


def add_title_tokens(tx: TransactWrite, film_id: str, tokens: list[str]) -> None:
    for token in tokens:
        tx.update(
            TitleToken(*TitleToken.key(token)),
            actions=[TitleToken.film_ids.add({film_id}), TitleToken.kind.set(TitleToken)],
        )


def remove_title_tokens(tx: TransactWrite, film_id: str, tokens: list[str]) -> None:
    for token in tokens:
        tx.update(TitleToken(*TitleToken.key(token)), actions=[TitleToken.film_ids.delete({film_id})])


def genre_entries(film: Film) -> list[GenreFilm]:
    return [GenreFilm(*GenreFilm.key(genre.id, film.film_type, film.id), film_id=film.id) for genre in film.genres]


def external_claim(film: Film, external: ExternalRef) -> ExternalIdClaim:
    key = ExternalIdClaim.key(external.provider, film.film_type, external.external_id)
    return ExternalIdClaim(*key, film_id=film.id)


def put_new_film(film: Film, created_at: str, external: ExternalRef | None = None) -> bool:
    """Write a new film; False (and nothing written) when ``external`` was already imported."""
    try:
        with transaction() as tx:
            tx.save(film_to_item(film, created_at), condition=FilmItem.PK.does_not_exist())
            if external is not None:
                tx.save(external_claim(film, external), condition=ExternalIdClaim.PK.does_not_exist())
            add_title_tokens(tx, film.id, title_tokens(film))
            for entry in genre_entries(film):
                tx.save(entry)
    except TransactWriteError as error:
        if _condition_failed(error):
            return False
        raise
    return True


def bulk_put_films(films: list[tuple[Film, ExternalRef | None]], created_at: str) -> None:
    """Write many films at once with BatchWriteItem (seeding): same items as ``put_new_film``.

    Not conditional: callers pass films with stable ids, so a repeat overwrites with the same data.
    Title tokens are merged with the films already indexed under each prefix.
    """
    postings: dict[str, set[str]] = {}
    with TableItem.batch_write() as batch:
        for film, external in films:
            batch.save(film_to_item(film, created_at))
            if external is not None:
                batch.save(external_claim(film, external))
            for entry in genre_entries(film):
                batch.save(entry)
            for token in title_tokens(film):
                postings.setdefault(token, set()).add(film.id)
    existing = TableItem.batch_get([TitleToken.key(token) for token in postings])
    for item in existing:
        if isinstance(item, TitleToken):
            postings[item.PK.removeprefix("TOKEN#")].update(item.film_ids or set())
    with TableItem.batch_write() as batch:
        for token, film_ids in postings.items():
            batch.save(TitleToken(*TitleToken.key(token), film_ids=film_ids))


def _condition_failed(error: TransactWriteError) -> bool:
    if error.cause_response_code != "TransactionCanceledException":
        return False
    return any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in error.cancellation_reasons)
