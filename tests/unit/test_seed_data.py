"""The demo catalog is complete and consistent (what API.md and the issue promise)."""

from __future__ import annotations

import re
from collections import Counter

from filmhub.seed.catalog import GENRE_NAMES, GENRES, MOOD_GENRES, MOODS
from filmhub.seed.seeder import film_from_seed, fingerprint, seed_films, seed_mixes


def test_nineteen_genres_and_nine_moods_with_their_genres() -> None:
    assert len(GENRES) == 19
    assert len(MOODS) == 9
    for mood in MOODS:
        assert len(mood.genre_ids) == 8
        assert set(mood.genre_ids) <= {genre.id for genre in GENRES}
    assert all(set(genres) <= set(GENRE_NAMES) for genres in MOOD_GENRES.values())


def test_demo_catalog_has_enough_real_films_and_series() -> None:
    films = seed_films()
    kinds = Counter(entry["type"] for entry in films)
    assert len(films) >= 150
    assert kinds["tv"] >= 10
    assert len({entry["key"] for entry in films}) == len(films)
    assert len({(entry["type"], entry["tmdb_id"]) for entry in films}) == len(films)
    genre_counts = Counter(name for entry in films for name in entry["genres"])
    assert set(genre_counts) <= set(GENRE_NAMES)
    assert all(genre_counts[name] >= 5 for name in GENRE_NAMES)
    for entry in films:
        film = film_from_seed(entry)
        assert film.title
        assert film.description
        assert film.genres
        assert film.release_year
        assert 1890 < film.release_year < 2030


def test_mixes_reference_existing_films() -> None:
    keys = {entry["key"] for entry in seed_films()}
    mixes = seed_mixes()
    assert len(mixes) >= 8
    for mix in mixes:
        assert len(mix["films"]) >= 10
        assert set(mix["films"]) <= keys
        assert all(re.fullmatch(r"#[0-9A-F]{6}", color) for color in mix["colors"])


def test_fingerprint_changes_with_the_data() -> None:
    films, mixes = seed_films(), seed_mixes()
    assert fingerprint(films, mixes) == fingerprint(films, mixes)
    assert fingerprint(films[1:], mixes) != fingerprint(films, mixes)
