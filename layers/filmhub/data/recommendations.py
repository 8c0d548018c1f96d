"""DynamoDB side of recommendations: the user's partition, genre sampling, records and hidden films."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError

from filmhub.data.film_store import transaction
from filmhub.data.models import FilmItem, FilmState, GenreFilm, HiddenFilm, Recommendation, TableItem
from filmhub.data.repositories import flags_from_state
from filmhub.domain.entities import Film, FilmFlags, FilmType
from filmhub.domain.errors import NotFound
from filmhub.domain.recommendations import RECENT_SECONDS, UserHistory, WishedFilm

SAMPLE_SIZE = 30


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


class DynamoRecommendationRepository:
    def history(self, user_id: str, recent_since: float) -> UserHistory:
        pk, _ = FilmState.key(user_id, "")
        wish: list[WishedFilm] = []
        excluded: set[str] = set()
        flags: dict[str, FilmFlags] = {}
        recent_since_iso = _iso(recent_since)
        # One Query over the user's partition: hidden films, recommendations and film states.
        for item in TableItem.query(pk, TableItem.SK.between("HIDDEN#", "STATE#\uffff")):
            if isinstance(item, HiddenFilm):
                excluded.add(item.film_id)
            elif isinstance(item, Recommendation):
                if item.recommended_at >= recent_since_iso:  # TTL deletion is lazy: filter on time too
                    excluded.add(item.film_id)
            elif isinstance(item, FilmState):
                flags[item.film_id] = flags_from_state(item)
                if item.watched_at:
                    excluded.add(item.film_id)
                if item.wish_at:
                    wish.append(WishedFilm(item.film_id, frozenset(item.genre_ids or ()), item.film_type))
        return UserHistory(wish=wish, excluded=excluded, flags=flags)

    def local_candidates(self, genre_id: str, film_type: FilmType, start: str) -> list[str]:
        pk, _ = GenreFilm.key(genre_id, film_type, "")
        entries = TableItem.query(pk, f"FILM#{start}" <= TableItem.SK, limit=SAMPLE_SIZE)
        return [item.film_id for item in entries if isinstance(item, GenreFilm)]

    def record(self, user_id: str, film: Film, now: float) -> None:
        record = Recommendation(*Recommendation.key(user_id, film.id), film_id=film.id, recommended_at=_iso(now))
        record.expires_at = datetime.fromtimestamp(now + RECENT_SECONDS, UTC)
        try:
            # The film must still exist when the recommendation is written: one transaction.
            with transaction() as tx:
                tx.condition_check(FilmItem, *FilmItem.key(film.id), condition=FilmItem.PK.exists())
                tx.save(record)
        except TransactWriteError as error:
            raise NotFound("Film not found") from error

    def hide(self, user_id: str, film_id: str, now: float) -> None:
        HiddenFilm(*HiddenFilm.key(user_id, film_id), film_id=film_id, hidden_at=_iso(now)).save()

    def unhide(self, user_id: str, film_id: str) -> None:
        HiddenFilm(*HiddenFilm.key(user_id, film_id)).delete()
