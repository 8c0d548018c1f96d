"""Letterboxd and IMDb exports in the layouts those services write, and the files a hostile user would send."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from filmhub.transfer.formats import (
    MAX_CELL_CHARS,
    MAX_ROWS,
    Action,
    ExportFormat,
    HistoryRow,
    ImportFileError,
    RowProblem,
    list_file_name,
    read_export,
)

LETTERBOXD, IMDB = ExportFormat.LETTERBOXD, ExportFormat.IMDB


def csv_text(*lines: str) -> str:
    return "\r\n".join(lines) + "\r\n"


def zipped(files: dict[str, str | bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def rows(export_format: ExportFormat, filename: str, data: bytes) -> list[HistoryRow | RowProblem]:
    return list(read_export(export_format, filename, data))


DIARY = csv_text(
    "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date",
    '2024-01-03,"Мастер и Маргарита",2024,https://boxd.it/a1,4.5,,,2024-01-02',
    '2024-02-10,"Crouching Tiger, Hidden Dragon",2000,https://boxd.it/a2,,Yes,"kung fu, rewatch",2024-02-09',
    '2024-03-01,"A title\nwith a newline",1999,https://boxd.it/a3,3,No,,2024-03-01',
)


def test_a_letterboxd_archive_maps_every_file() -> None:
    export = zipped(
        {
            "watched.csv": "\ufeff"
            + csv_text("Date,Name,Year,Letterboxd URI", "2024-01-03,Сталкер,1979,https://boxd.it/b"),
            "ratings.csv": csv_text(
                "Date,Name,Year,Letterboxd URI,Rating", "2024-01-04,Stalker,1979,https://boxd.it/b,5"
            ),
            "watchlist.csv": csv_text("Date,Name,Year,Letterboxd URI", "2024-01-05,Солярис,1972,https://boxd.it/c"),
            "likes/films.csv": csv_text("Date,Name,Year,Letterboxd URI", "2024-01-06,Зеркало,1975,https://boxd.it/d"),
            "diary.csv": DIARY,
            "reviews.csv": csv_text(
                "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date",
                '2024-01-07,Сталкер,1979,u,5,,"Зона, <b>не</b> HTML.\n\nВторой абзац.",spoilers,2024-01-06',
            ),
            "lists/soviet-sci-fi.csv": csv_text(
                "Letterboxd list export v7",
                "Date,Name,Tags,URL,Description",
                '2024-01-01,"Советская фантастика, лучшее",,https://boxd.it/l,"Про космос"',
                "",
                "Position,Name,Year,URL,Description",
                "1,Солярис,1972,https://boxd.it/c,",
                '2,"Кин-дза-дза!",1986,https://boxd.it/e,"смешно, но грустно"',
            ),
            "profile.csv": csv_text("Date Joined,Username", "2020-01-01,someone"),
        }
    )
    parsed = rows(LETTERBOXD, "letterboxd-someone.zip", export)
    assert all(isinstance(row, HistoryRow) for row in parsed), parsed
    by_action = {action: [row for row in parsed if row.action is action] for action in Action}
    assert [(r.title, r.year, r.on) for r in by_action[Action.WATCHED]] == [("Сталкер", 1979, date(2024, 1, 3))]
    assert [(r.title, r.rating) for r in by_action[Action.RATING]] == [("Stalker", 5.0)]
    assert [r.title for r in by_action[Action.WISH]] == ["Солярис"]
    assert [r.title for r in by_action[Action.LIKE]] == ["Зеркало"]
    assert [(r.title, r.on, r.rating, r.rewatch) for r in by_action[Action.DIARY]] == [
        ("Мастер и Маргарита", date(2024, 1, 2), 4.5, False),
        ("Crouching Tiger, Hidden Dragon", date(2024, 2, 9), None, True),
        ("A title with a newline", date(2024, 3, 1), 3.0, False),
    ]
    [review] = by_action[Action.REVIEW]
    assert review.review == "Зона, <b>не</b> HTML.\n\nВторой абзац."  # kept as plain text, newlines and all
    assert (review.spoiler, review.rating, review.on) == (True, 5.0, date(2024, 1, 6))
    assert [(r.list_name, r.position, r.title) for r in by_action[Action.LIST_ENTRY]] == [
        ("Советская фантастика, лучшее", 1, "Солярис"),
        ("Советская фантастика, лучшее", 2, "Кин-дза-дза!"),
    ]
    # Lines count from the file's first line, a quoted newline included.
    assert [r.line for r in by_action[Action.DIARY]] == ["diary.csv:2", "diary.csv:3", "diary.csv:4"]
    assert [r.line for r in by_action[Action.LIST_ENTRY]] == ["soviet-sci-fi.csv:6", "soviet-sci-fi.csv:7"]


def test_one_csv_of_an_export_imports_alone() -> None:
    parsed = rows(LETTERBOXD, "diary.csv", DIARY.encode())
    assert [row.title for row in parsed if isinstance(row, HistoryRow)][:1] == ["Мастер и Маргарита"]


def test_bad_rows_are_reported_with_their_line_and_the_rest_imports() -> None:
    text = csv_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date",
        "2024-01-03,Good,2001,u,4,,,2024-01-02",
        "2024-01-03,Bad date,2001,u,4,,,2024-02-30",
        "2024-01-03,Bad rating,2001,u,7,,,2024-01-02",
        "2024-01-03,Third of a star,2001,u,3.3,,,2024-01-02",
        "2024-01-03,Bad year,twenty,u,4,,,2024-01-02",
        "2024-01-03,,2001,u,4,,,2024-01-02",
        f"2024-01-03,{'x' * (MAX_CELL_CHARS + 1)},2001,u,4,,,2024-01-02",
    )
    parsed = rows(LETTERBOXD, "diary.csv", text.encode())
    assert [row.title for row in parsed if isinstance(row, HistoryRow)] == ["Good"]
    problems = [(p.line, p.reason) for p in parsed if isinstance(p, RowProblem)]
    assert problems == [
        ("diary.csv:3", "impossible date '2024-02-30'"),
        ("diary.csv:4", "impossible rating '7'"),
        ("diary.csv:5", "impossible rating '3.3'"),
        ("diary.csv:6", "impossible year 'twenty'"),
        ("diary.csv:7", "no title"),
        ("diary.csv:8", f"a cell is longer than {MAX_CELL_CHARS} characters"),
    ]


def test_imdb_ratings_are_halved_and_mark_the_film_watched() -> None:
    text = csv_text(
        "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
        "Num Votes,Release Date,Directors",
        "tt0079944,10,2023-05-01,Stalker,Сталкер,https://www.imdb.com/title/tt0079944,Movie,8.0,162,1979,"
        '"Drama, Sci-Fi",150000,1979-05-25,Andrei Tarkovsky',
        "tt0069293,7,2023-05-02,Solaris,Солярис,u,Movie,8.0,167,1972,Drama,90000,1972-03-20,A. Tarkovsky",
        "tt0000000x,7,2023-05-02,Broken id,,u,Movie,8.0,1,1972,Drama,1,1972-03-20,x",
        "tt0069294,11,2023-05-02,Too high,,u,Movie,8.0,1,1972,Drama,1,1972-03-20,x",
    )
    parsed = rows(IMDB, "ratings.csv", text.encode())
    good = [(r.action, r.imdb_id, r.rating) for r in parsed if isinstance(r, HistoryRow)]
    assert good == [
        (Action.RATING, "tt0079944", 5.0),
        (Action.WATCHED, "tt0079944", None),
        (Action.RATING, "tt0069293", 3.5),
        (Action.WATCHED, "tt0069293", None),
    ]
    assert [(p.line, p.reason) for p in parsed if isinstance(p, RowProblem)] == [
        ("ratings.csv:4", "not an IMDb id 'tt0000000x'"),
        ("ratings.csv:5", "impossible rating '11'"),
    ]


def test_imdb_watchlist_and_lists() -> None:
    header = "Position,Const,Created,Modified,Description,Title,Original Title,URL,Title Type,IMDb Rating,Year"
    watchlist = csv_text(header, "1,tt0079944,2023-01-01,2023-01-01,,Stalker,,u,Movie,8.0,1979")
    favourites = csv_text(header, "1,tt0069293,2023-01-01,2023-01-01,,Solaris,,u,Movie,8.0,1972")
    parsed = rows(IMDB, "imdb.zip", zipped({"watchlist.csv": watchlist, "Favourites.csv": favourites}))
    assert [(r.action, r.title, r.list_name) for r in parsed if isinstance(r, HistoryRow)] == [
        (Action.WISH, "Stalker", None),
        (Action.LIST_ENTRY, "Solaris", "Favourites"),
    ]


@pytest.mark.parametrize(
    ("export_format", "filename", "data", "message"),
    [
        (LETTERBOXD, "diary.csv", b"just some text\n", "no column"),
        (LETTERBOXD, "photo.jpg", b"\xff\xd8\xff\xe0 not csv", "no letterboxd export file"),
        (LETTERBOXD, "diary.csv", "Date,Name\n".encode("utf-16"), "not UTF-8"),
        (LETTERBOXD, "export.zip", b"PK\x03\x04 truncated", "not a readable ZIP"),
        (IMDB, "ratings.csv", b'Const,Your Rating,Title\n"unterminated', "not a valid CSV"),
    ],
)
def test_a_file_that_is_not_what_its_format_says(
    export_format: ExportFormat, filename: str, data: bytes, message: str
) -> None:
    with pytest.raises(ImportFileError, match=message):
        rows(export_format, filename, data)


def test_a_zip_bomb_is_refused_before_it_expands() -> None:
    bomb = zipped({"diary.csv": b"0" * (50 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    with pytest.raises(ImportFileError, match="expands too much"):
        rows(LETTERBOXD, "export.zip", bomb)


def test_a_million_rows_is_one_clear_error() -> None:
    lines = ["Date,Name,Year,Letterboxd URI", *(f"2024-01-01,Film {n},2000,u" for n in range(MAX_ROWS + 1))]
    with pytest.raises(ImportFileError, match=f"more than {MAX_ROWS} rows"):
        rows(LETTERBOXD, "watched.csv", csv_text(*lines).encode())


def test_the_importer_layout_our_export_writes_reads_back() -> None:
    header = "Title,Year,imdbID,tmdbID,WatchedDate,Rating,Rewatch,Review,Tags"
    name = 'Лучшее: 1/2, "да"'
    export = zipped(
        {
            "diary.csv": csv_text(header, "Сталкер,1979,,1398,2024-01-02,4.5,Yes,,"),
            "reviews.csv": csv_text(header, '"Сталкер",1979,,1398,,,,"Зона.\nДа.",spoilers'),
            f"lists/{list_file_name(name)}": csv_text(header, "Солярис,1972,,593,,,,,", "Сталкер,1979,,1398,,,,,"),
            "likes/films.csv": csv_text(header, "Зеркало,1975,tt0072443,1396,,,,,"),
        }
    )
    parsed = rows(LETTERBOXD, "filmhub.zip", export)
    assert all(isinstance(row, HistoryRow) for row in parsed), parsed
    diary, review, *entries, like = parsed
    assert (diary.action, diary.tmdb_id, diary.on, diary.rating, diary.rewatch) == (
        Action.DIARY, 1398, date(2024, 1, 2), 4.5, True,
    )  # fmt: skip
    assert (review.review, review.spoiler) == ("Зона.\nДа.", True)
    assert [(e.list_name, e.position, e.title) for e in entries] == [(name, 1, "Солярис"), (name, 2, "Сталкер")]
    assert (like.action, like.imdb_id) == (Action.LIKE, "tt0072443")
    assert "/" not in list_file_name(name)
