"""Provider answers in the shapes TMDB, kinopoisk.dev and OpenAI-compatible servers document, and mocks
that serve them: respx for httpx (TMDB, Kinopoisk), an httpx2 mock transport for the openai SDK."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2

from filmhub.providers.llm import LlmChat, LlmTitleSuggester

TMDB_URL = "https://api.tmdb.test/3"
KINOPOISK_URL = "https://api.kinopoisk.test"
LLM_URL = "https://llm.test/v1"


def tmdb_movie(tmdb_id: int, title: str, original: str, date: str, genre_ids: list[int], **extra: Any) -> dict:
    return {
        "adult": False,
        "backdrop_path": "/backdrop.jpg",
        "id": tmdb_id,
        "title": title,
        "original_language": "en",
        "original_title": original,
        "overview": f"Описание фильма «{title}».",
        "poster_path": f"/poster{tmdb_id}.jpg",
        "media_type": "movie",
        "genre_ids": genre_ids,
        "popularity": 50.5,
        "release_date": date,
        "video": False,
        "vote_average": 8.1,
        "vote_count": 1000,
        **extra,
    }


def tmdb_tv(tmdb_id: int, name: str, original: str, date: str, genre_ids: list[int]) -> dict:
    return {
        "id": tmdb_id,
        "name": name,
        "original_name": original,
        "original_language": "en",
        "overview": f"Описание сериала «{name}».",
        "poster_path": f"/tv{tmdb_id}.jpg",
        "media_type": "tv",
        "genre_ids": genre_ids,
        "first_air_date": date,
        "origin_country": ["US"],
        "popularity": 80.0,
    }


TMDB_PERSON = {"id": 31, "name": "Tom Hanks", "media_type": "person", "known_for_department": "Acting"}


def tmdb_page(*results: dict) -> dict:
    return {"page": 1, "results": list(results), "total_pages": 1, "total_results": len(results)}


def tmdb_movie_details(tmdb_id: int, title: str, original: str, date: str, genres: list[tuple[int, str]]) -> dict:
    return {
        "id": tmdb_id,
        "title": title,
        "original_title": original,
        "overview": f"Полное описание фильма «{title}».",
        "release_date": date,
        "poster_path": f"/poster{tmdb_id}.jpg",
        "genres": [{"id": genre_id, "name": name} for genre_id, name in genres],
        "production_countries": [{"iso_3166_1": "GB", "name": "United Kingdom"}],
        "runtime": 120,
        "status": "Released",
    }


def kinopoisk_movie(kp_id: int, name: str, year: int, genres: list[str], tmdb: int | None = None, **extra: Any) -> dict:
    return {
        "id": kp_id,
        "name": name,
        "alternativeName": f"{name} (original)",
        "enName": None,
        "type": "movie",
        "typeNumber": 1,
        "year": year,
        "description": f"Описание «{name}» с Кинопоиска.",
        "shortDescription": "Коротко.",
        "isSeries": False,
        "poster": {"url": f"https://image.kp.test/{kp_id}/orig", "previewUrl": f"https://image.kp.test/{kp_id}/x1000"},
        "genres": [{"name": genre} for genre in genres],
        "countries": [{"name": "Франция"}, {"name": "США"}],
        "externalId": {"imdb": "tt0000001", "tmdb": tmdb, "kpHD": None},
        "rating": {"kp": 8.0, "imdb": 7.9},
        **extra,
    }


def kinopoisk_page(*docs: dict) -> dict:
    return {"docs": list(docs), "total": len(docs), "limit": 10, "page": 1, "pages": 1}


def chat_completion(content: str | None, refusal: str | None = None) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "test-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def candidates_json(*candidates: tuple[str, int | None, float]) -> str:
    return json.dumps(
        {"candidates": [{"title": t, "year": y, "confidence": c} for t, y, c in candidates]}, ensure_ascii=False
    )


class FakeLlm:
    """An OpenAI-compatible server behind the openai SDK's own HTTP client (httpx2): records the requests."""

    def __init__(self, respond: Callable[[httpx2.Request], httpx2.Response]) -> None:
        self.requests: list[dict[str, Any]] = []
        self._respond = respond

    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(json.loads(request.content))
        return self._respond(request)

    def chat(self, **options: Any) -> LlmChat:
        client = httpx2.Client(transport=httpx2.MockTransport(self._handle))
        return LlmChat("test-key", LLM_URL, "test-model", http_client=client, **options)

    def suggester(self) -> LlmTitleSuggester:
        return LlmTitleSuggester(self.chat())

    @classmethod
    def answering(cls, content: str | None, refusal: str | None = None, status: int = 200) -> FakeLlm:
        return cls(lambda _request: httpx2.Response(status, json=chat_completion(content, refusal)))
