"""The numbers of the ratings API: page sizes of a film's reviews (a light module: routes declare them at import,
before the rating rules are needed)."""

DEFAULT_REVIEWS_PAGE = 20
MAX_REVIEWS_PAGE = 100
