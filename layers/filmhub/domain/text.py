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
