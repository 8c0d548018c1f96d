from __future__ import annotations

from filmhub.domain.text import MAX_PREFIX, index_tokens, normalize, query_tokens, words


def test_normalize_folds_case_yo_and_accents_but_keeps_cyrillic_short_i() -> None:
    assert normalize("ЁЛКИ Amélie Йога") == "елки amelie йога"


def test_words_drop_punctuation_and_repeat() -> None:
    assert words("Побег из Шоушенка!!! (1994), побег") == ["побег", "из", "шоушенка", "1994"]


def test_index_tokens_are_prefixes_from_two_letters() -> None:
    tokens = index_tokens("Я шагаю")
    assert {"я", "ша", "шаг", "шага", "шагаю"} == tokens


def test_long_words_are_indexed_up_to_the_max_prefix() -> None:
    word = "достопримечательность"
    assert max(index_tokens(word), key=len) == word[:MAX_PREFIX]
    assert query_tokens(word) == [word[:MAX_PREFIX]]


def test_query_tokens_match_index_tokens_of_the_title() -> None:
    title_tokens = index_tokens("Ёлки-палки")
    assert set(query_tokens("ёлк ПАЛ")) <= title_tokens
