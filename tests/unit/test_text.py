from __future__ import annotations

from filmhub.films.text import MAX_PREFIX, index_tokens, normalize, query_tokens, words


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


def test_a_long_title_keeps_every_whole_word_token_within_the_cap() -> None:
    from filmhub.core.entities import Film
    from filmhub.films.index import MAX_TITLE_TOKENS, title_tokens

    long_words = [f"слово{number:02d}абвгдеж" for number in range(12)]  # 12 words of 13 letters
    film = Film(id="f", title=" ".join(long_words), description="d")
    tokens = title_tokens(film)
    assert len(tokens) == MAX_TITLE_TOKENS
    assert all(query_tokens(word)[0] in tokens for word in long_words)
