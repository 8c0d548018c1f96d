"""FilmService over the in-memory fakes: creating, reading with flags, editing, and the poster paths."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

import pytest

from filmhub.accounts.ports import Account
from filmhub.catalog.service import CatalogService
from filmhub.core.clock import utc_iso
from filmhub.core.entities import FilmFlags, Genre, User
from filmhub.core.errors import Conflict, DependencyUnavailable, Forbidden, InvalidInput, NotFound, PayloadTooLarge
from filmhub.films.images import MAX_POSTER_BYTES
from filmhub.films.ports import StoredFilm
from filmhub.films.reader import FilmReader
from filmhub.films.service import FilmDraft, FilmService
from tests.support.fakes.catalog import InMemoryCatalogRepository
from tests.support.fakes.clock import FrozenClock
from tests.support.fakes.films import InMemoryFilmRepository, InMemoryPosterStorage
from tests.support.fakes.table import MemoryTable
from tests.support.fakes.watchlists import InMemoryWatchlistRepository
from tests.support.media import TINY_JPEG, TINY_PNG

OWNER, STRANGER = str(uuid.uuid4()), str(uuid.uuid4())
DRAMA, COMEDY = Genre(str(uuid.uuid4()), "драма"), Genre(str(uuid.uuid4()), "комедия")
DRAFT = FilmDraft(title="Брат", description="Данила едет в Петербург.", genre_ids=(DRAMA.id,), release_year=1997)


@dataclass
class World:
    table: MemoryTable
    clock: FrozenClock
    posters: InMemoryPosterStorage
    service: FilmService

    def stored(self, film_id: str) -> StoredFilm:
        return self.table.films[film_id]


def world_with(films: InMemoryFilmRepository | None = None, table: MemoryTable | None = None) -> World:
    table = table or MemoryTable(genres=[DRAMA, COMEDY])
    for user_id in (OWNER, STRANGER):  # film writes are guarded: their author must exist
        table.accounts[user_id] = Account(User(id=user_id, username=user_id[:8]), None)
    films = films or InMemoryFilmRepository(table)
    reader, clock, posters = FilmReader(films), FrozenClock(), InMemoryPosterStorage()
    catalog = CatalogService(InMemoryCatalogRepository(table), reader, 0)
    return World(table, clock, posters, FilmService(catalog, films, reader, posters, clock=clock))


@pytest.fixture
def world() -> World:
    return world_with()


# --- films ---------------------------------------------------------------------------------


def test_create_stores_the_film_with_its_owner_and_genres(world: World) -> None:
    draft = replace(DRAFT, genre_ids=(COMEDY.id, DRAMA.id, COMEDY.id))
    view = world.service.create(OWNER, draft)
    assert view.flags == FilmFlags()
    assert (view.film.title, view.film.owner_id, view.film.genres) == ("Брат", OWNER, (COMEDY, DRAMA))
    assert world.stored(view.film.id) == StoredFilm(view.film, revision=None)
    assert view.film.id in world.table.title_postings["брат"]  # indexed for search


def test_an_unknown_genre_is_refused_before_anything_is_written(world: World) -> None:
    with pytest.raises(InvalidInput, match="Genre not found"):
        world.service.create(OWNER, replace(DRAFT, genre_ids=(str(uuid.uuid4()),)))
    assert world.table.films == {}


def test_get_shows_the_callers_own_flags(world: World) -> None:
    film = world.service.create(OWNER, DRAFT).film
    InMemoryWatchlistRepository(world.table).set_flag(STRANGER, "wish", film, world.clock.iso())
    assert world.service.get(film.id, STRANGER).flags == FilmFlags(is_wish=True)
    assert world.service.get(film.id, OWNER).flags == FilmFlags()
    assert world.service.get(film.id, None).film == film
    with pytest.raises(NotFound, match="Film not found"):
        world.service.get(str(uuid.uuid4()), OWNER)


def test_only_the_owner_edits_and_the_edit_is_a_new_revision(world: World) -> None:
    film = world.service.create(OWNER, DRAFT).film
    edit = FilmDraft(title="Сёстры", description="Сёстры ищут брата.", genre_ids=(COMEDY.id,), country="Россия")
    with pytest.raises(Forbidden, match="Film is not owned by you"):
        world.service.update(film.id, STRANGER, edit)
    with pytest.raises(NotFound, match="Film not found"):
        world.service.update(str(uuid.uuid4()), OWNER, edit)
    assert world.stored(film.id).film == film

    world.clock.advance()
    edited = world.service.update(film.id, OWNER, edit).film
    assert (edited.title, edited.country, edited.release_year, edited.genres) == ("Сёстры", "Россия", None, (COMEDY,))
    assert world.stored(film.id) == StoredFilm(edited, revision=utc_iso(world.clock()))
    assert film.id in world.table.title_postings["сестры"]  # the index follows the new title
    assert film.id not in world.table.title_postings["брат"]


class EditedMeanwhile(InMemoryFilmRepository):
    """Another request edits the film between this one's read and its write."""

    def get_stored_with_flags(self, film_id: str, user_id: str) -> tuple[StoredFilm | None, FilmFlags]:
        found, flags = super().get_stored_with_flags(film_id, user_id)
        assert found is not None
        self.update(found, replace(found.film, title="Чужая правка"), "2030-01-01T00:00:00+00:00")
        return found, flags


def test_an_edit_of_a_stale_revision_is_a_conflict_and_changes_nothing() -> None:
    table = MemoryTable(genres=[DRAMA, COMEDY])
    film = world_with(table=table).service.create(OWNER, DRAFT).film
    racing = world_with(EditedMeanwhile(table), table)
    with pytest.raises(Conflict, match="changed by another request"):
        racing.service.update(film.id, OWNER, replace(DRAFT, title="Моя правка"))
    assert table.films[film.id].film.title == "Чужая правка"


# --- posters -------------------------------------------------------------------------------


def test_an_uploaded_poster_replaces_the_old_one_whose_object_is_deleted(world: World) -> None:
    film = world.service.create(OWNER, DRAFT).film
    world.service.upload_poster(film.id, OWNER, TINY_JPEG)
    first = world.stored(film.id).film
    assert first.poster_key is not None
    assert first.poster_key.endswith(".jpg")
    assert first.poster_url == world.posters.public_url(first.poster_key)
    assert world.posters.objects == {first.poster_key: TINY_JPEG}

    world.service.upload_poster(film.id, OWNER, TINY_PNG)
    second = world.stored(film.id).film
    assert second.poster_key is not None
    assert second.poster_key.endswith(".png")
    assert world.posters.objects == {second.poster_key: TINY_PNG}
    assert world.posters.deleted == [first.poster_key]

    world.service.delete_poster(film.id, OWNER)
    assert (world.stored(film.id).film.poster_key, world.stored(film.id).film.poster_url) == (None, None)
    assert world.posters.objects == {}


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"GIF89a not accepted", InvalidInput),
        (b"\xff\xd8\xff" + bytes(MAX_POSTER_BYTES), PayloadTooLarge),
    ],
)
def test_a_refused_upload_stores_nothing(world: World, data: bytes, error: type[Exception]) -> None:
    film = world.service.create(OWNER, DRAFT).film
    with pytest.raises(error):
        world.service.upload_poster(film.id, OWNER, data)
    assert world.posters.objects == {}
    assert world.stored(film.id).film == film


def test_only_the_owner_touches_the_poster(world: World) -> None:
    film = world.service.create(OWNER, DRAFT).film
    world.service.upload_poster(film.id, OWNER, TINY_JPEG)
    before = (world.stored(film.id), dict(world.posters.objects))
    for call in (
        lambda: world.service.upload_poster(film.id, STRANGER, TINY_PNG),
        lambda: world.service.delete_poster(film.id, STRANGER),
        lambda: world.service.poster_upload_url(film.id, STRANGER, "image/png"),
        lambda: world.service.confirm_poster(film.id, STRANGER, f"posters/{film.id}/{uuid.uuid4()}.png"),
    ):
        with pytest.raises(Forbidden):
            call()
    assert (world.stored(film.id), world.posters.objects) == before


def test_a_failed_upload_changes_nothing(world: World) -> None:
    film = world.service.create(OWNER, DRAFT).film
    world.service.upload_poster(film.id, OWNER, TINY_JPEG)
    before = world.stored(film.id)
    world.posters.failing = True
    with pytest.raises(DependencyUnavailable):
        world.service.upload_poster(film.id, OWNER, TINY_PNG)
    with pytest.raises(DependencyUnavailable):
        world.service.delete_poster(film.id, OWNER)  # storage first: the film keeps showing its poster
    assert world.stored(film.id) == before
    assert list(world.posters.objects) == [before.film.poster_key]


class PosterChangedMeanwhile(InMemoryFilmRepository):
    """Another request attaches a poster between this one's read and its write."""

    def get_stored(self, film_id: str) -> StoredFilm | None:
        found = super().get_stored(film_id)
        assert found is not None
        self._table.films[film_id] = replace(found, film=replace(found.film, poster_key="posters/theirs.jpg"))
        return found


def test_an_upload_the_table_refuses_is_deleted_again() -> None:
    table = MemoryTable(genres=[DRAMA])
    film = world_with(table=table).service.create(OWNER, DRAFT).film
    racing = world_with(PosterChangedMeanwhile(table), table)
    with pytest.raises(Conflict):
        racing.service.upload_poster(film.id, OWNER, TINY_JPEG)
    assert racing.posters.objects == {}
    assert len(racing.posters.deleted) == 1
    assert table.films[film.id].film.poster_key == "posters/theirs.jpg"


def test_a_presigned_upload_is_attached_once_its_bytes_are_checked(world: World) -> None:
    film = world.service.create(OWNER, DRAFT).film
    upload = world.service.poster_upload_url(film.id, OWNER, "image/png")
    assert upload.key.startswith(f"uploads/{film.id}/")  # a prefix nothing serves
    assert upload.key.endswith(".png")
    with pytest.raises(InvalidInput, match="Unknown poster upload"):
        world.service.confirm_poster(film.id, OWNER, upload.key)  # nothing uploaded yet
    world.posters.objects[upload.key] = TINY_PNG  # the browser's form POST
    world.service.confirm_poster(film.id, OWNER, upload.key)
    served = world.stored(film.id).film.poster_key
    assert served is not None
    assert served.startswith(f"posters/{film.id}/")  # the checked bytes moved to a served key
    assert world.posters.objects == {served: TINY_PNG}
    with pytest.raises(InvalidInput, match="Unknown poster upload"):
        world.service.confirm_poster(film.id, OWNER, upload.key)  # already attached


def test_confirm_refuses_foreign_keys_and_deletes_bad_objects(world: World) -> None:
    film, other = world.service.create(OWNER, DRAFT).film, world.service.create(OWNER, DRAFT).film
    with pytest.raises(InvalidInput, match="Unknown poster upload"):
        world.service.confirm_poster(film.id, OWNER, f"uploads/{other.id}/{uuid.uuid4()}.png")
    with pytest.raises(InvalidInput, match="Unknown poster upload"):
        world.service.confirm_poster(film.id, OWNER, "uploads/../../etc/passwd")
    mislabelled, huge = f"uploads/{film.id}/{uuid.uuid4()}.jpg", f"uploads/{film.id}/{uuid.uuid4()}.png"
    world.posters.objects.update({mislabelled: TINY_PNG, huge: TINY_PNG + bytes(MAX_POSTER_BYTES)})
    with pytest.raises(InvalidInput, match="JPEG, PNG or WebP"):
        world.service.confirm_poster(film.id, OWNER, mislabelled)
    with pytest.raises(PayloadTooLarge):
        world.service.confirm_poster(film.id, OWNER, huge)
    assert world.posters.objects == {}
    assert world.stored(film.id).film.poster_key is None
