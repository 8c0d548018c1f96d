"""The numbers of the diary API: the earliest watch date and page sizes (a light module: routes declare them at
import, before the diary rules are needed)."""

from __future__ import annotations

from datetime import date

EARLIEST_DATE = date(1870, 1, 1)
DEFAULT_PAGE = 20
#: A page of entries and their films (with the caller's flags) is one BatchGetItem: FilmReader's limit.
MAX_PAGE = 50
