"""Provider vocabularies mapped onto ours: genres onto the 19 genres of ``filmhub.seed.catalog``,
country codes onto Russian country names."""

from __future__ import annotations

from collections.abc import Iterable

from filmhub.core.entities import Genre
from filmhub.seed.catalog import GENRES_BY_NAME

#: TMDB genre ids (movie and TV lists) → our genre names.  TV's combined genres map to both halves;
#: news, reality and talk shows have no counterpart and are dropped.
TMDB_GENRES: dict[int, tuple[str, ...]] = {
    28: ("боевик",),
    12: ("приключения",),
    16: ("мультфильм",),
    35: ("комедия",),
    80: ("криминал",),
    99: ("документальный",),
    18: ("драма",),
    10751: ("семейный",),
    14: ("фэнтези",),
    36: ("история",),
    27: ("ужасы",),
    10402: ("музыка",),
    9648: ("детектив",),
    10749: ("мелодрама",),
    878: ("фантастика",),
    10770: ("телевизионный фильм",),
    53: ("триллер",),
    10752: ("военный",),
    37: ("вестерн",),
    10759: ("боевик", "приключения"),
    10762: ("семейный",),
    10765: ("фантастика", "фэнтези"),
    10766: ("мелодрама",),
    10768: ("военный",),
}

#: TMDB's genre lists differ between movies and TV; discovery must ask each with its own ids.
TMDB_TV_GENRE_IDS = frozenset({10759, 16, 35, 80, 99, 18, 10751, 10762, 9648, 10765, 10766, 10768, 37})
TMDB_MOVIE_GENRE_IDS = frozenset(set(TMDB_GENRES) - TMDB_TV_GENRE_IDS | {16, 35, 80, 99, 18, 10751, 9648, 37})


def tmdb_genre_ids(genre_names: Iterable[str], film_type: str) -> list[int]:
    """TMDB ids (of the movie or the TV list) for our genre names: the reverse of ``TMDB_GENRES``."""
    valid = TMDB_TV_GENRE_IDS if film_type == "tv" else TMDB_MOVIE_GENRE_IDS
    wanted = set(genre_names)
    return sorted(tmdb_id for tmdb_id, names in TMDB_GENRES.items() if tmdb_id in valid and wanted & set(names))


#: Kinopoisk genre names (Russian, lower case) that differ from ours; equal names map to themselves.
KINOPOISK_GENRES: dict[str, tuple[str, ...]] = {
    "аниме": ("мультфильм",),
    "биография": ("история",),
    "детский": ("семейный",),
    "мюзикл": ("музыка",),
    "концерт": ("музыка",),
    "фильм-нуар": ("криминал", "детектив"),
}


def genres_from_names(names: Iterable[str]) -> tuple[Genre, ...]:
    """Our genres for our genre names, once each, in order; unknown names are dropped."""
    return tuple(GENRES_BY_NAME[name] for name in dict.fromkeys(names) if name in GENRES_BY_NAME)


def tmdb_genres(genre_ids: Iterable[int]) -> tuple[Genre, ...]:
    return genres_from_names(name for genre_id in genre_ids for name in TMDB_GENRES.get(genre_id, ()))


def kinopoisk_genres(names: Iterable[str]) -> tuple[Genre, ...]:
    lowered = (name.strip().lower() for name in names)
    return genres_from_names(mapped for name in lowered for mapped in KINOPOISK_GENRES.get(name, (name,)))


#: ISO 3166-1 codes → Russian names, for TMDB's production countries (TMDB names them in English).
COUNTRIES_RU: dict[str, str] = {
    "US": "США",
    "GB": "Великобритания",
    "RU": "Россия",
    "SU": "СССР",
    "FR": "Франция",
    "DE": "Германия",
    "IT": "Италия",
    "ES": "Испания",
    "JP": "Япония",
    "KR": "Южная Корея",
    "CN": "Китай",
    "HK": "Гонконг",
    "TW": "Тайвань",
    "IN": "Индия",
    "CA": "Канада",
    "AU": "Австралия",
    "NZ": "Новая Зеландия",
    "IE": "Ирландия",
    "BE": "Бельгия",
    "NL": "Нидерланды",
    "DK": "Дания",
    "SE": "Швеция",
    "NO": "Норвегия",
    "FI": "Финляндия",
    "IS": "Исландия",
    "PL": "Польша",
    "CZ": "Чехия",
    "SK": "Словакия",
    "HU": "Венгрия",
    "AT": "Австрия",
    "CH": "Швейцария",
    "PT": "Португалия",
    "GR": "Греция",
    "TR": "Турция",
    "IL": "Израиль",
    "IR": "Иран",
    "EG": "Египет",
    "ZA": "ЮАР",
    "MX": "Мексика",
    "BR": "Бразилия",
    "AR": "Аргентина",
    "CL": "Чили",
    "CO": "Колумбия",
    "CU": "Куба",
    "UA": "Украина",
    "BY": "Беларусь",
    "KZ": "Казахстан",
    "GE": "Грузия",
    "AM": "Армения",
    "LT": "Литва",
    "LV": "Латвия",
    "EE": "Эстония",
    "RO": "Румыния",
    "BG": "Болгария",
    "RS": "Сербия",
    "HR": "Хорватия",
    "SI": "Словения",
    "YU": "Югославия",
    "CS": "Чехословакия",
    "DD": "ГДР",
    "XG": "ГДР",
    "TH": "Таиланд",
    "ID": "Индонезия",
    "PH": "Филиппины",
    "VN": "Вьетнам",
    "MY": "Малайзия",
    "SG": "Сингапур",
    "LU": "Люксембург",
    "MA": "Марокко",
    "NG": "Нигерия",
    "AE": "ОАЭ",
}


def country_ru(code: str | None, fallback: str | None = None) -> str | None:
    """The Russian name of an ISO country code; ``fallback`` (the provider's own name) when unknown."""
    if code is None:
        return fallback
    return COUNTRIES_RU.get(code.upper(), fallback)
