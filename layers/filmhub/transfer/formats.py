"""Reading Letterboxd and IMDb exports into rows of history: what each row says, never what it matches.

Letterboxd exports a ZIP of CSVs (or the user uploads one of them): ``watched.csv``, ``ratings.csv``,
``watchlist.csv``, ``likes/films.csv`` (``Date,Name,Year,Letterboxd URI[,Rating]``), ``diary.csv``
(``…,Rating,Rewatch,Tags,Watched Date``), ``reviews.csv`` (``…,Rating,Rewatch,Review,Tags,Watched Date``)
and ``lists/<name>.csv`` (a header block describing the list, a blank line, then
``Position,Name,Year,URL,Description``).  The same files in the layout Letterboxd's own importer reads
(``Title,Year,imdbID,tmdbID,WatchedDate,Rating,Rewatch,Review,Tags``: what our export writes, so an export
imports back) are read too; a list in that layout is named by its file and ordered by its rows.
IMDb exports ``ratings.csv`` (``Const,Your Rating,Date Rated,Title,…,Year,…``; 1–10) and list / watchlist CSVs
(``Position,Const,Created,…,Title,…,Year,…``).

Everything here is pure: bytes in, rows and per-row problems out, within the limits below, so a hostile
file (a ZIP bomb, a million rows, a 10,000-character cell, a date that does not exist) ends as a clear
error instead of a crashed worker.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import PurePosixPath
from urllib.parse import quote, unquote

#: The presigned upload refuses anything larger.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: What an archive may expand to, in all and per member: a real export is a few MB.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 2_000
#: Far above any text's compression ratio; a bomb's is in the thousands.
MAX_COMPRESSION_RATIO = 200
#: Rows of one import, all files together: years of history are a few thousand.
MAX_ROWS = 20_000
#: A review is at most 10,000 characters (the API's limit); no other cell comes close.
MAX_CELL_CHARS = 10_000
MAX_TITLE_CHARS = 300
MAX_LIST_NAME_CHARS = 200


class Action(StrEnum):
    WATCHED = "watched"  # the watched flag
    DIARY = "diary"  # a diary entry (watched on a date, maybe a rewatch, maybe rated)
    RATING = "rating"
    WISH = "wish"
    LIKE = "like"
    REVIEW = "review"
    LIST_ENTRY = "list_entry"


class ExportFormat(StrEnum):
    LETTERBOXD = "letterboxd"
    IMDB = "imdb"


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (not what its format says, too large, a ZIP bomb …)."""


@dataclass(frozen=True)
class HistoryRow:
    """One thing a row of an export says about one film."""

    #: Where the row stands: ``<file>:<line>`` (1-based, counting the header), for the report.
    line: str
    action: Action
    title: str
    year: int | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None
    #: When it happened: the watched date of a diary entry, the date rated / added otherwise.
    on: date | None = None
    #: 0.5–5.0 in steps of 0.5.
    rating: float | None = None
    rewatch: bool = False
    review: str | None = None
    spoiler: bool = False
    list_name: str | None = None
    position: int | None = None


@dataclass(frozen=True)
class RowProblem:
    line: str
    title: str
    year: int | None
    reason: str


ParsedRow = HistoryRow | RowProblem


class _RowError(ValueError):
    pass


#: The rows one CSV record says (``line`` label, cells by column).
_Build = Callable[[str, dict[str, str]], Iterable[HistoryRow]]
#: The rows of one file (name, text).
_Reader = Callable[[str, str], Iterator[ParsedRow]]


def read_export(export_format: ExportFormat, filename: str, data: bytes) -> Iterator[ParsedRow]:
    """The rows of an uploaded export (a ZIP or one CSV), at most ``MAX_ROWS``; ``ImportFileError`` when the
    file as a whole is unusable."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    files = _unzip(data) if data[:4] == b"PK\x03\x04" else [(PurePosixPath(filename).name, data)]
    readers = _LETTERBOXD_FILES if export_format is ExportFormat.LETTERBOXD else _IMDB_FILES
    count = 0
    recognised = False
    for name, content in files:
        reader = _reader_for(readers, name)
        if reader is None:
            continue
        recognised = True
        for row in reader(name, _text(name, content)):
            count += 1
            if count > MAX_ROWS:
                raise ImportFileError(f"more than {MAX_ROWS} rows: split the export")
            yield row
    if not recognised:
        raise ImportFileError(f"no {export_format.value} export file found in {filename!r}")


# --- archives and text ----------------------------------------------------------------------


def _unzip(data: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError("the file is not a readable ZIP archive") from error
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError("the archive has too many files")
    files: list[tuple[str, bytes]] = []
    total = 0
    for info in members:
        if info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1024):
            raise ImportFileError("the archive expands too much (a ZIP bomb?)")
        if not info.filename.lower().endswith(".csv"):
            continue
        # Read at most what the header promised plus one byte: a lying header cannot make us read on.
        try:
            with archive.open(info) as member:
                content = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as error:
            raise ImportFileError(f"{info.filename}: cannot be read from the archive") from error
        total += len(content)
        if len(content) > info.file_size or total > MAX_UNZIPPED_BYTES:
            raise ImportFileError("the archive expands too much (a ZIP bomb?)")
        files.append((info.filename, content))
    return files


def _text(name: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")  # Excel and some exports start with a BOM
    except UnicodeDecodeError as error:
        raise ImportFileError(f"{name}: not UTF-8 text") from error


def _csv_rows(name: str, text: str) -> Iterator[tuple[str, list[str]]]:
    """``(line label, cells)`` of each record; quoted newlines stay inside their cell."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    ended = 0  # the physical line the previous record ended on: a record starts on the next one
    try:
        for cells in reader:
            yield f"{PurePosixPath(name).name}:{ended + 1}", cells
            ended = reader.line_num
    except csv.Error as error:
        raise ImportFileError(f"{name}: not a valid CSV file ({error})") from error


def _records(name: str, text: str, required: Iterable[str]) -> Iterator[tuple[str, dict[str, str]] | RowProblem]:
    rows = _csv_rows(name, text)
    header_line = next(rows, None)
    if header_line is None:
        return
    header = [cell.strip() for cell in header_line[1]]
    missing = [column for column in required if column not in header]
    if missing:
        raise ImportFileError(f"{name}: not an export of this format (no column {missing[0]!r})")
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if any(len(cell) > MAX_CELL_CHARS for cell in cells):
            yield RowProblem(line, "", None, f"a cell is longer than {MAX_CELL_CHARS} characters")
            continue
        yield line, dict(zip(header, cells, strict=False))


# --- cells ----------------------------------------------------------------------------------


def _title(record: dict[str, str], *columns: str) -> str:
    for column in columns:
        value = " ".join(record.get(column, "").split())
        if value:
            if len(value) > MAX_TITLE_CHARS:
                raise _RowError(f"the title is longer than {MAX_TITLE_CHARS} characters")
            return value
    raise _RowError("no title")


def _year(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 1870 <= int(value) <= 2100:
        raise _RowError(f"impossible year {value!r}")
    return int(value)


def _date(value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value[:10])
    except ValueError as error:
        raise _RowError(f"impossible date {value!r}") from error
    if parsed.year < 1870:
        raise _RowError(f"impossible date {value!r}")
    return parsed


def _stars(value: str | None) -> float | None:
    """A Letterboxd rating: 0.5–5 in half stars."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        rating = float(value)
    except ValueError as error:
        raise _RowError(f"impossible rating {value!r}") from error
    if not 0.5 <= rating <= 5 or rating * 2 != int(rating * 2):
        raise _RowError(f"impossible rating {value!r}")
    return rating


def _tenths(value: str | None) -> float | None:
    """An IMDb rating, 1–10, as half stars."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 10:
        raise _RowError(f"impossible rating {value!r}")
    return int(value) / 2


def _yes(value: str | None) -> bool:
    return (value or "").strip().lower() in {"yes", "true", "1"}


_IMDB_ID = re.compile(r"tt\d{7,10}")


def _imdb_id(value: str | None) -> str:
    value = (value or "").strip()
    if not _IMDB_ID.fullmatch(value):
        raise _RowError(f"not an IMDb id {value!r}")
    return value


def _tmdb_id(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 10:
        raise _RowError(f"not a TMDB id {value!r}")
    return int(value)


def _rows(name: str, text: str, required: Iterable[str], build: _Build) -> Iterator[ParsedRow]:
    for record in _records(name, text, required):
        if isinstance(record, RowProblem):
            yield record
            continue
        line, cells = record
        try:
            yield from build(line, cells)
        except _RowError as error:
            title = " ".join(cells.get("Name", cells.get("Title", "")).split())[:MAX_TITLE_CHARS]
            year = cells.get("Year", "").strip()
            yield RowProblem(line, title, int(year) if year.isdigit() else None, str(error))


# --- Letterboxd -----------------------------------------------------------------------------

_BASIC = ("Date", "Name", "Year")


def _importer_layout(text: str) -> bool:
    """The file is in the layout of Letterboxd's importer (``Title,Year,imdbID,tmdbID,…``), not its export's."""
    first = next(csv.reader(io.StringIO(text[:4096], newline="")), [])
    header = {cell.strip() for cell in first}
    return "Title" in header and "Name" not in header


def _either_layout(action: Action, export_reader: _Reader) -> _Reader:
    def read(name: str, text: str) -> Iterator[ParsedRow]:
        return _importer_rows(action)(name, text) if _importer_layout(text) else export_reader(name, text)

    return read


def _importer_rows(action: Action, list_name: str | None = None) -> _Reader:
    """Rows in the importer's layout; a list's films in the order of its rows."""
    positions = itertools.count(1)

    def build(line: str, cells: dict[str, str]) -> Iterable[HistoryRow]:
        title, year = _title(cells, "Title"), _year(cells.get("Year"))
        imdb = cells.get("imdbID", "").strip()
        rating = _stars(cells.get("Rating"))
        if action is Action.RATING and rating is None:
            raise _RowError("no rating")
        review = cells.get("Review", "").strip() if action is Action.REVIEW else ""
        if action is Action.REVIEW and not review:
            raise _RowError("an empty review")
        return [HistoryRow(line, action, title, year, _imdb_id(imdb) if imdb else None, _tmdb_id(cells.get("tmdbID")),
                           on=_date(cells.get("WatchedDate")), rating=rating, rewatch=_yes(cells.get("Rewatch")),
                           review=review or None, spoiler="spoiler" in cells.get("Tags", "").lower(),
                           list_name=list_name, position=next(positions) if list_name else None)]  # fmt: skip

    return lambda name, text: _rows(name, text, ("Title",), build)


def list_file_name(list_name: str) -> str:
    """A list's file in an export: its name, with only what a file name cannot hold percent-encoded."""
    return quote(list_name, safe=" !#$&'()+,;=@[]^`{}~-_.") + ".csv"


def _letterboxd_simple(action: Action) -> _Reader:
    def build(line: str, cells: dict[str, str]) -> Iterable[HistoryRow]:
        title, year, on = _title(cells, "Name"), _year(cells.get("Year")), _date(cells.get("Date"))
        rating = _stars(cells.get("Rating")) if action is Action.RATING else None
        if action is Action.RATING and rating is None:
            raise _RowError("no rating")
        return [HistoryRow(line, action, title, year, on=on, rating=rating)]

    return _either_layout(action, lambda name, text: _rows(name, text, _BASIC, build))


def _letterboxd_diary(name: str, text: str) -> Iterator[ParsedRow]:
    def build(line: str, cells: dict[str, str]) -> Iterable[HistoryRow]:
        title, year = _title(cells, "Name"), _year(cells.get("Year"))
        watched_on = _date(cells.get("Watched Date")) or _date(cells.get("Date"))
        return [HistoryRow(line, Action.DIARY, title, year, on=watched_on, rating=_stars(cells.get("Rating")),
                           rewatch=_yes(cells.get("Rewatch")))]  # fmt: skip

    return _rows(name, text, (*_BASIC, "Watched Date"), build)


def _letterboxd_reviews(name: str, text: str) -> Iterator[ParsedRow]:
    def build(line: str, cells: dict[str, str]) -> Iterable[HistoryRow]:
        title, year = _title(cells, "Name"), _year(cells.get("Year"))
        review = cells.get("Review", "").strip()
        if not review:
            raise _RowError("an empty review")
        on = _date(cells.get("Watched Date")) or _date(cells.get("Date"))
        spoiler = "spoiler" in cells.get("Tags", "").lower()
        return [HistoryRow(line, Action.REVIEW, title, year, on=on, rating=_stars(cells.get("Rating")),
                           review=review, spoiler=spoiler)]  # fmt: skip

    return _rows(name, text, (*_BASIC, "Review"), build)


def _letterboxd_list(name: str, text: str) -> Iterator[ParsedRow]:
    """A list export: ``Letterboxd list export vN``, the list's own header and row, a blank line, its films;
    or a list in the importer's layout."""
    if _importer_layout(text):
        return _importer_rows(Action.LIST_ENTRY, unquote(PurePosixPath(name).stem)[:MAX_LIST_NAME_CHARS])(name, text)
    return _letterboxd_list_export(name, text)


def _letterboxd_list_export(name: str, text: str) -> Iterator[ParsedRow]:
    lines = text.splitlines(keepends=True)
    blank = next((i for i, line in enumerate(lines) if not line.strip()), None)
    if blank is None or not lines[0].lower().startswith("letterboxd list export"):
        raise ImportFileError(f"{name}: not a Letterboxd list export")
    about = list(csv.DictReader(io.StringIO("".join(lines[1:blank]), newline="")))
    list_name = " ".join(((about[0].get("Name") or "") if about else "").split())[:MAX_LIST_NAME_CHARS]
    list_name = list_name or PurePosixPath(name).stem
    films = "".join(lines[blank + 1 :])

    def build(line: str, cells: dict[str, str]) -> Iterable[HistoryRow]:
        position = cells.get("Position", "").strip()
        if not position.isdigit():
            raise _RowError(f"impossible position {position!r}")
        return [HistoryRow(line, Action.LIST_ENTRY, _title(cells, "Name"), _year(cells.get("Year")),
                           list_name=list_name, position=int(position))]  # fmt: skip

    offset = blank + 1
    for row in _rows(name, films, ("Position", "Name", "Year"), build):
        yield _shifted(row, offset)


def _shifted(row: ParsedRow, offset: int) -> ParsedRow:
    """Line labels of a section that starts ``offset`` lines into its file."""
    file, _, number = row.line.rpartition(":")
    line = f"{file}:{int(number) + offset}"
    if isinstance(row, RowProblem):
        return RowProblem(line, row.title, row.year, row.reason)
    return HistoryRow(**{**row.__dict__, "line": line})


# --- IMDb -----------------------------------------------------------------------------------


def _imdb_film(cells: dict[str, str]) -> tuple[str, int | None, str]:
    return _title(cells, "Title", "Original Title"), _year(cells.get("Year")), _imdb_id(cells.get("Const"))


def _imdb_ratings(name: str, text: str) -> Iterator[ParsedRow]:
    def build(line: str, cells: dict[str, str]) -> Iterable[HistoryRow]:
        title, year, imdb_id = _imdb_film(cells)
        rating = _tenths(cells.get("Your Rating"))
        if rating is None:
            raise _RowError("no rating")
        on = _date(cells.get("Date Rated"))
        return [HistoryRow(line, Action.RATING, title, year, imdb_id, on=on, rating=rating),
                HistoryRow(line, Action.WATCHED, title, year, imdb_id, on=on)]  # fmt: skip

    return _rows(name, text, ("Const", "Your Rating", "Title"), build)


def _imdb_list(action: Action) -> _Reader:
    def build(line: str, cells: dict[str, str]) -> Iterable[HistoryRow]:
        title, year, imdb_id = _imdb_film(cells)
        position = cells.get("Position", "").strip()
        return [HistoryRow(line, action, title, year, imdb_id, on=_date(cells.get("Created")),
                           position=int(position) if position.isdigit() else None)]  # fmt: skip

    return lambda name, text: _rows(name, text, ("Position", "Const", "Title"), build)


def _imdb_custom_list(name: str, text: str) -> Iterator[ParsedRow]:
    list_name = PurePosixPath(name).stem[:MAX_LIST_NAME_CHARS]
    for row in _imdb_list(Action.LIST_ENTRY)(name, text):
        yield row if isinstance(row, RowProblem) else HistoryRow(**{**row.__dict__, "list_name": list_name})


#: File name (lower case, the archive's path) → its reader; ``lists/`` matches every list.
_LETTERBOXD_FILES = {
    "watched.csv": _letterboxd_simple(Action.WATCHED),
    "ratings.csv": _letterboxd_simple(Action.RATING),
    "watchlist.csv": _letterboxd_simple(Action.WISH),
    "likes/films.csv": _letterboxd_simple(Action.LIKE),
    "diary.csv": _either_layout(Action.DIARY, _letterboxd_diary),
    "reviews.csv": _either_layout(Action.REVIEW, _letterboxd_reviews),
    "lists/": _letterboxd_list,
}
_IMDB_FILES = {
    "ratings.csv": _imdb_ratings,
    "watchlist.csv": _imdb_list(Action.WISH),
    "": _imdb_custom_list,  # any other CSV of an IMDb export is a list
}


def _reader_for(readers: dict[str, _Reader], name: str) -> _Reader | None:
    """The reader of an archive member or uploaded file: by its path within the export (``lists/`` is a
    folder of lists); ``""`` reads any other CSV."""
    parts = PurePosixPath(name.lower()).parts
    for path, reader in readers.items():
        if path.endswith("/") and len(parts) >= 2 and parts[-2] == path.rstrip("/"):
            return reader
        if path and "/".join(parts[-len(path.split("/")) :]) == path:
            return reader
    return readers.get("") if name.lower().endswith(".csv") else None
