"""The numbers of the watchlists API: page sizes, note length, the largest orderable list (a light module: routes
and schemas declare them at import, before the watchlist rules are needed)."""

DEFAULT_PAGE = 100
MAX_PAGE = 200
MAX_NOTE_LENGTH = 500
#: Films one order request may rank (a list is ordered whole, so this is also the largest orderable list).
MAX_ORDERED_FILMS = 1000
