"""Normalization for the title index: lower case, ё→е, punctuation dropped, Cyrillic and Latin."""

from __future__ import annotations

import re
import unicodedata

MIN_PREFIX = 2
MAX_PREFIX = 12
MAX_QUERY_WORDS = 10
_WORD = re.compile(r"[0-9a-zа-я]+")


def normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    # Drop combining marks (é -> e) but keep Cyrillic letters intact (й stays й).
    decomposed = unicodedata.normalize("NFD", folded)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or ch == "\u0306")
    return unicodedata.normalize("NFC", stripped)


def words(text: str) -> list[str]:
    """The distinct normalized words of ``text`` in order of appearance."""
    return list(dict.fromkeys(_WORD.findall(normalize(text))))


def index_tokens(text: str) -> set[str]:
    """Every token a title is indexed under: each word's prefixes of 2..12 letters (1-letter words whole)."""
    tokens: set[str] = set()
    for word in words(text):
        if len(word) < MIN_PREFIX:
            tokens.add(word)
            continue
        for length in range(MIN_PREFIX, min(len(word), MAX_PREFIX) + 1):
            tokens.add(word[:length])
    return tokens


def query_tokens(query: str) -> list[str]:
    """The tokens to look up for a search query: one per word, longest indexed prefix."""
    return list(dict.fromkeys(word[:MAX_PREFIX] for word in words(query)[:MAX_QUERY_WORDS]))


# --- keyword search over descriptions ------------------------------------------------------

#: Words too common to say anything about a film (Russian and English), dropped from descriptions
#: and from "I remember a film where…" queries alike.
_STOP_WORDS = """
а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для до его ее ей
ему если есть еще же за здесь и из или им их к как какой когда кого которая которое которые который которого
которой которому которую которым которых кто ли либо между меня мне много мной мы на над надо нас не него нее
ней нет ни них но ну о об один около он она они оно от очень по под после потом почти при про раз с сам свой
свою себе себя со так такой там тем то того тоже только том тот ту тут у уже хотя чем через что чтобы эта эти
это этот этой этом эту я фильм фильма фильме фильмы кино сериал помню момент герой героя героиня
a an and are as at be but by film for from he her his in is it its movie of on or she that the their there
they this to was where which who with
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
#: Inflectional endings, longest first: enough folding for "тюрьма / тюрьмы / тюрьме" to meet.
_ENDINGS = """
иями ями ами ого его ому ему ыми ими ых их ым им иях ях ах ой ей ий ый ая яя ое ее ие ые ую юю ом ем ам ям ов ев ию
ия ает яет ует ет ют ит ат ят ут а я ы и у ю е о ь й
"""
_RU_ENDINGS = tuple(sorted(_ENDINGS.split(), key=len, reverse=True))
_EN_ENDINGS = ("ing", "ed", "es", "s")
MIN_STEM = 3


def stem(word: str) -> str:
    """A crude stem of a normalized word: one inflectional ending off, at least three letters kept."""
    endings = _EN_ENDINGS if word.isascii() else _RU_ENDINGS
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)][:MAX_PREFIX]
    return word[:MAX_PREFIX]


def keywords(text: str) -> list[str]:
    """The distinct stems of the meaningful words of ``text``, in order of appearance."""
    stems = (stem(word) for word in words(text) if len(word) >= MIN_STEM and word not in STOP_WORDS)
    return list(dict.fromkeys(stems))
