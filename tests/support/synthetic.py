"""Synthetic catalogs for scale tests: realistic, skewed word frequencies, loaded into moto in bulk.

Titles mix Russian and English words drawn from a Zipf distribution over a vocabulary of common words and
a long tail of made-up ones (every catalog grows new rare words, as a real one does); "и" is in a quarter
of all titles, "the" in a sixth.  Genres are skewed (drama in ~40 % of films) and one genre,
``RARE_GENRE``, is held by exactly 0.1 % of the films.  Popularity (a vote count) is Pareto-distributed.

``load`` writes the items that the write path builds (``film_items`` and the merged index heads) straight
into moto's backend: the honest fast way to a 100k-film table (moto's HTTP-less API still costs a few ms a
call, hours for 100k films through ``put_new_film``).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from filmhub.core.entities import Film, Genre
from filmhub.films.dynamo import film_items, heads_with, read_head_items, read_heads, type_heads_with
from filmhub.films.index import film_entries, type_partition
from filmhub.seed.catalog import GENRES, GENRES_BY_NAME
from filmhub.settings import get_settings
from tests.support.capacity import item_size

RARE_GENRE = GENRES_BY_NAME["телевизионный фильм"]
#: Share of a language's titles with its most common word: "и" ends up in a quarter of all titles.
COMMON_WORD_SHARE = 0.42
COMMON_RU, COMMON_EN = "и", "the"
RUSSIAN = [
    "любовь",
    "ночь",
    "день",
    "жизнь",
    "война",
    "мир",
    "город",
    "последний",
    "первый",
    "большой",
    "новый",
    "тайна",
    "история",
    "дом",
    "море",
    "человек",
    "женщина",
    "мужчина",
    "время",
    "путь",
    "дорога",
    "сердце",
    "звезда",
    "небо",
    "земля",
    "огонь",
    "вода",
    "тень",
    "свет",
    "брат",
    "сестра",
    "отец",
    "мать",
    "король",
    "королева",
    "остров",
    "лес",
    "река",
    "зима",
    "лето",
    "весна",
    "осень",
    "солнце",
    "луна",
    "снег",
    "ветер",
    "сон",
    "игра",
    "охота",
    "побег",
    "возвращение",
    "месть",
    "тайны",
    "приключения",
    "люди",
    "друзья",
    "враги",
    "дети",
    "семья",
    "школа",
    "деньги",
    "кровь",
    "смерть",
    "рай",
    "ад",
    "ангел",
    "демон",
    "герой",
]
ENGLISH = [
    "love",
    "night",
    "day",
    "life",
    "war",
    "world",
    "city",
    "last",
    "first",
    "big",
    "new",
    "secret",
    "story",
    "house",
    "sea",
    "man",
    "woman",
    "time",
    "road",
    "heart",
    "star",
    "sky",
    "earth",
    "fire",
    "water",
    "shadow",
    "light",
    "brother",
    "sister",
    "father",
    "mother",
    "king",
    "queen",
    "island",
    "forest",
    "river",
    "winter",
    "summer",
    "spring",
    "fall",
    "sun",
    "moon",
    "snow",
    "wind",
    "dream",
    "game",
    "hunt",
    "escape",
    "return",
    "revenge",
    "people",
    "friends",
    "enemies",
    "children",
    "family",
    "school",
    "money",
    "blood",
    "death",
    "paradise",
    "hell",
    "angel",
    "demon",
    "hero",
]
DESCRIPTION = [
    "герой",
    "город",
    "семья",
    "тайна",
    "любовь",
    "война",
    "жизнь",
    "мир",
    "время",
    "дорога",
    "человек",
    "друг",
    "враг",
    "деньги",
    "дом",
    "ночь",
    "убийство",
    "полиция",
    "детектив",
    "банк",
    "тюрьма",
    "побег",
    "корабль",
    "космос",
    "планета",
    "будущее",
    "прошлое",
    "путешествие",
    "школа",
    "the",
    "a",
    "hero",
    "city",
    "family",
    "secret",
    "love",
    "war",
    "life",
    "world",
    "time",
    "road",
    "man",
    "friend",
    "enemy",
    "money",
    "house",
    "night",
    "murder",
    "police",
    "detective",
    "bank",
    "prison",
    "escape",
    "ship",
    "space",
    "planet",
    "future",
    "past",
    "journey",
    "school",
]
SYLLABLES_RU = [
    "ка",
    "ро",
    "ми",
    "на",
    "ло",
    "ве",
    "ст",
    "пр",
    "ан",
    "ол",
    "ер",
    "ти",
    "ко",
    "ма",
    "ре",
    "са",
    "до",
    "ны",
    "ль",
    "ск",
]
SYLLABLES_EN = [
    "ka",
    "ro",
    "mi",
    "na",
    "lo",
    "ve",
    "st",
    "pr",
    "an",
    "ol",
    "er",
    "ti",
    "ko",
    "ma",
    "re",
    "sa",
    "do",
    "ny",
    "li",
    "sk",
]
#: Genre weights: drama is in ~40 % of films; the rare genre is handed out separately.
_ZIPF = [1 / (rank + 1) for rank in range(1, 200)]
GENRE_WEIGHTS = {genre.id: (8.0 if genre.name == "драма" else 2.0) for genre in GENRES if genre != RARE_GENRE}


def _tail_word(rng: random.Random, russian: bool) -> str:
    syllables = SYLLABLES_RU if russian else SYLLABLES_EN
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))


def _zipf_word(rng: random.Random, vocabulary: list[str], russian: bool) -> str:
    """Zipf over the vocabulary (the word of rank r drawn in proportion to 1/(r+1)), and a made-up tail word
    one time in three."""
    if rng.random() < 1 / 3:
        return _tail_word(rng, russian)
    return rng.choices(vocabulary, weights=_ZIPF[: len(vocabulary)])[0]


def synthetic_film(rng: random.Random, rare: bool = False) -> Film:
    russian = rng.random() < 0.6
    vocabulary = RUSSIAN if russian else ENGLISH
    title_words = [_zipf_word(rng, vocabulary, russian) for _ in range(rng.randint(1, 4))]
    if rng.random() < COMMON_WORD_SHARE:
        title_words.insert(rng.randint(0, len(title_words)), COMMON_RU if russian else COMMON_EN)
    description = " ".join(_zipf_word(rng, DESCRIPTION, russian) for _ in range(rng.randint(12, 30)))
    genre_ids = rng.choices(list(GENRE_WEIGHTS), weights=list(GENRE_WEIGHTS.values()), k=rng.randint(1, 3))
    genres: list[Genre] = [RARE_GENRE] if rare else []
    genres += [genre for genre in GENRES if genre.id in genre_ids]
    return Film(
        id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        title=" ".join(title_words).capitalize(),
        description=description.capitalize() + ".",
        release_year=rng.randint(1930, 2025),
        genres=tuple(genres),
        film_type="tv" if rng.random() < 0.15 else "movie",
        popularity=int(rng.paretovariate(1.2) * 10) - 10,
    )


def synthetic_catalog(count: int, seed: int = 14) -> list[Film]:
    """``count`` films of which exactly ``count // 1000`` (at least one) have ``RARE_GENRE``."""
    rng = random.Random(seed)
    rare = set(rng.sample(range(count), max(1, count // 1000)))
    return [synthetic_film(rng, rare=number in rare) for number in range(count)]


def load(films: Iterable[Film], created_at: str = "2026-01-01T00:00:00+00:00") -> int:
    """Write the films, their memberships and the index heads (merged with those stored) into the moto
    table; the number of items written."""
    settings = get_settings()
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.aws_region]
    added: dict[str, dict[str, int]] = {}
    by_type: dict[str, set[str]] = {}
    written = 0
    for film in films:
        for item in film_items(film, created_at):
            backend.put_item(settings.table_name, item.serialize())
            written += 1
        for partition, rank in film_entries(film).items():
            added.setdefault(partition, {})[film.id] = rank
        by_type.setdefault(type_partition(film.film_type), set()).add(film.id)
    types = type_heads_with(by_type, read_head_items(by_type))
    for head in [*heads_with(added, read_heads(added)), *types]:
        backend.put_item(settings.table_name, head.serialize())
        written += 1
    return written


def _stored_items() -> Iterator[dict[str, Any]]:
    settings = get_settings()
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.aws_region].tables[settings.table_name]
    return (item.to_json()["Attributes"] for item in table.all_items())


def largest_index_item() -> int:
    """The size of the largest index item (``TW#``/``DW#`` head) in the moto table, as DynamoDB counts it."""
    heads = (item for item in _stored_items() if item["PK"]["S"].startswith(("TW#", "DW#")))
    return max(item_size(item) for item in heads)
