"""The numbers of the public list API: page sizes (a light module: routes declare them at import, before the
sharing rules are needed)."""

DEFAULT_PUBLIC_PAGE = 50
#: One BatchGetItem holds 100 keys: the page's films and the list header.
MAX_PUBLIC_PAGE = 99
