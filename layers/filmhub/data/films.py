"""DynamoDB implementations of the film ports: ``FilmStore`` (writes and edit reads) and ``SearchIndex``."""

from __future__ import annotations

from collections.abc import Collection

from pynamodb.exceptions import UpdateError

from filmhub.data.conditions import condition_failed
from filmhub.data.film_store import put_new_film, update_film
from filmhub.data.models import DescriptionToken, FilmItem, FilmState, TitleToken
from filmhub.data.repositories import batch_get, film_from_item, flags_from_state
from filmhub.domain.entities import NO_FLAGS, Film, FilmFlags
from filmhub.domain.ports import ExternalRef, Poster, Postings, StoredFilm


def stored_film(item: FilmItem) -> StoredFilm:
    return StoredFilm(film_from_item(item), revision=item.updated_at)


class DynamoFilmStore:
    def create(self, film: Film, created_at: str, external: ExternalRef | None = None) -> bool:
        return put_new_film(film, created_at, external)

    def get_with_flags(self, film_id: str, user_id: str) -> tuple[StoredFilm | None, FilmFlags]:
        # Strongly consistent: an edit must start from the latest revision.
        items = batch_get([FilmItem.key(film_id), FilmState.key(user_id, film_id)], consistent_read=True)
        film = next((stored_film(item) for item in items if isinstance(item, FilmItem)), None)
        flags = next((flags_from_state(item) for item in items if isinstance(item, FilmState)), NO_FLAGS)
        return film, flags

    def get(self, film_id: str) -> StoredFilm | None:
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


class DynamoSearchIndex:
    def postings(self, title_tokens: Collection[str], description_tokens: Collection[str]) -> Postings:
        keys = [TitleToken.key(token) for token in title_tokens]
        keys += [DescriptionToken.key(token) for token in description_tokens]
        titles: dict[str, set[str]] = {}
        descriptions: dict[str, set[str]] = {}
        for item in batch_get(keys):
            if isinstance(item, TitleToken):
                titles[item.PK.removeprefix("TOKEN#")] = set(item.film_ids or ())
            elif isinstance(item, DescriptionToken):
                descriptions[item.PK.removeprefix("DTOKEN#")] = set(item.film_ids or ())
        return Postings(titles=titles, descriptions=descriptions)
