"""An account's export: a ZIP of CSVs that Letterboxd's importer reads, and one JSON with everything.

The CSVs use the importer's documented columns (``Title,Year,imdbID,tmdbID,WatchedDate,Rating,Rewatch,Review,
Tags``): ``diary.csv`` (every logged watch), ``ratings.csv``, ``watched.csv`` (no date: a dated row would log a
watch), ``watchlist.csv``, ``likes/films.csv``, ``reviews.csv`` and one ``lists/<name>.csv`` per custom list in
its order.  They are the files our own Letterboxd import reads, so an export imports back into another account.
``filmhub.json`` holds the profile (no password hash, no secrets), flags with their dates, lists with notes,
diary, ratings and reviews, with each film's ids and titles.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from filmhub.core.entities import Film
from filmhub.transfer.formats import list_file_name
from filmhub.transfer.ports import AccountHistory, DiaryRecord, ListSnapshot

COLUMNS = ("Title", "Year", "imdbID", "tmdbID", "WatchedDate", "Rating", "Rewatch", "Review", "Tags")
SPOILERS_TAG = "spoilers"
JSON_NAME = "filmhub.json"
#: The JSON's own layout version, for whoever reads it later.
JSON_VERSION = 1


def _csv(rows: Iterable[Mapping[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: "" if row.get(column) is None else row[column] for column in COLUMNS})
    return buffer.getvalue().encode()


def _film_cells(film: Film) -> dict[str, Any]:
    return {"Title": film.title, "Year": film.release_year, "tmdbID": film.tmdb_id}


def _tags(spoiler: bool) -> str | None:
    return SPOILERS_TAG if spoiler else None


def _stars(rating: float | None) -> str | None:
    return None if rating is None else f"{rating:g}"


def _film_json(film: Film | None, film_id: str) -> dict[str, Any]:
    if film is None:
        return {"id": film_id}
    return {"id": film.id, "title": film.title, "original_title": film.original_title, "year": film.release_year,
            "type": film.film_type, "tmdb_id": film.tmdb_id, "kinopoisk_id": film.kinopoisk_id}  # fmt: skip


def _diary_cells(film: Film, entry: DiaryRecord) -> dict[str, Any]:
    rewatch = "Yes" if entry.rewatch else None
    return {**_film_cells(film), "WatchedDate": entry.watched_on, "Rating": _stars(entry.rating), "Rewatch": rewatch}


def _list_json(listed: ListSnapshot) -> dict[str, Any]:
    films = [{"film_id": film_id, "note": listed.notes.get(film_id)} for film_id in listed.film_ids]
    return {"id": listed.id, "title": listed.title, "created_at": listed.created_at, "films": films}


def build_archive(history: AccountHistory, films: Mapping[str, Film], exported_at: str) -> bytes:
    """The ZIP; rows of films that no longer exist are left out of the CSVs (the JSON keeps their ids)."""

    def known(film_ids: Iterable[str]) -> list[Film]:
        return [films[film_id] for film_id in film_ids if film_id in films]

    marks = history.marks
    files: dict[str, bytes] = {
        "diary.csv": _csv(
            _diary_cells(films[entry.film_id], entry)
            for entry in sorted(history.diary, key=lambda entry: entry.watched_on)
            if entry.film_id in films
        ),
        "ratings.csv": _csv(
            {**_film_cells(films[mark.film_id]), "Rating": _stars(mark.rating)}
            for mark in marks
            if mark.rating is not None and mark.film_id in films
        ),
        "watched.csv": _csv(_film_cells(film) for film in known(m.film_id for m in marks if m.watched_at)),
        "watchlist.csv": _csv(_film_cells(film) for film in known(m.film_id for m in marks if m.wish_at)),
        "likes/films.csv": _csv(_film_cells(film) for film in known(m.film_id for m in marks if m.liked_at)),
        "reviews.csv": _csv(
            {**_film_cells(films[review.film_id]), "Review": review.text, "Tags": _tags(review.spoiler)}
            for review in history.reviews
            if review.film_id in films
        ),
    }
    used: set[str] = set()
    for listed in history.lists:
        name = list_file_name(listed.title)
        # Two lists of one name keep both files (the second imports as "<name> (2)").
        number = 2
        while name in used:
            name = list_file_name(f"{listed.title} ({number})")
            number += 1
        used.add(name)
        files[f"lists/{name}"] = _csv(_film_cells(film) for film in known(listed.film_ids))

    user = history.user
    everything = {
        "version": JSON_VERSION,
        "exported_at": exported_at,
        "profile": {"id": user.id, "username": user.username, "email": user.email, "telegram_id": user.telegram_id},
        "films": {film_id: _film_json(films.get(film_id), film_id) for film_id in sorted(history_film_ids(history))},
        "flags": [asdict(mark) for mark in marks],
        "lists": [_list_json(listed) for listed in history.lists],
        "diary": [asdict(entry) for entry in history.diary],
        "reviews": [asdict(review) for review in history.reviews],
    }
    files[JSON_NAME] = json.dumps(everything, ensure_ascii=False, indent=1).encode()

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def history_film_ids(history: AccountHistory) -> set[str]:
    ids = {mark.film_id for mark in history.marks} | {entry.film_id for entry in history.diary}
    ids |= {review.film_id for review in history.reviews}
    return ids | {film_id for listed in history.lists for film_id in listed.film_ids}
