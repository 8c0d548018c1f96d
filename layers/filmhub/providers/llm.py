"""Description search through an OpenAI-compatible chat model: candidate titles as strict JSON.

The model is asked for structured output (a JSON schema in strict mode); since not every
OpenAI-compatible server honours it, the answer is still parsed tolerantly (JSON alone, in a code
fence or amid prose) and validated with Pydantic.  A refusal or any malformed answer is a
``ProviderError``, which the search answers with keyword search.  The openai package is imported
only when an LLM is configured.
"""

from __future__ import annotations

import json
import re
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from filmhub.domain.ports import TitleCandidate
from filmhub.providers.base import CONNECT_TIMEOUT_SECONDS, RETRIES, CircuitBreaker, ProviderError

if TYPE_CHECKING:
    import httpx2

#: A chat completion takes longer than a catalog lookup; with one retry it still ends well inside
#: the function's timeout, leaving time for the candidates' lookups.
TIMEOUT_SECONDS = 8.0
OLDEST_YEAR, NEWEST_YEAR = 1870, 2100

SYSTEM_PROMPT = (
    "Ты помогаешь найти фильм или сериал по описанию зрителя. Назови до {limit} кандидатов, самый вероятный "
    "первым. title — название, под которым фильм известен в России (иначе оригинальное), year — год выхода "
    "или null, confidence — уверенность от 0 до 1. Ответь только JSON по схеме."
)
RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "candidates": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "year": {"type": ["integer", "null"]},
                    "confidence": {"type": "number"},
                },
                "required": ["title", "year", "confidence"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["candidates"],
    "additionalProperties": False,
}


class _Candidate(BaseModel):
    title: str = Field(min_length=1, max_length=512)
    year: int | None = None
    confidence: float = Field(ge=0.0, le=1.0)


class _Answer(BaseModel):
    candidates: list[_Candidate]


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


def _json_in(content: str) -> Any:
    text = content.strip()
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    attempts = [text, text[text.find("{") : text.rfind("}") + 1], text[text.find("[") : text.rfind("]") + 1]]
    for attempt in attempts:
        try:
            return json.loads(attempt)
        except ValueError:
            continue
    raise ProviderError("llm: no JSON in the answer")


def parse_candidates(content: str) -> list[TitleCandidate]:
    """The candidates of a model's answer; a bare list of candidates is accepted too."""
    data = _json_in(content)
    try:
        answer = _Answer.model_validate({"candidates": data} if isinstance(data, list) else data)
    except ValidationError as error:
        raise ProviderError(f"llm: unexpected answer: {error.error_count()} problems") from error
    return [
        TitleCandidate(
            title=candidate.title.strip(),
            year=candidate.year if candidate.year and OLDEST_YEAR <= candidate.year <= NEWEST_YEAR else None,
            confidence=candidate.confidence,
        )
        for candidate in answer.candidates
        if candidate.title.strip()
    ]


class LlmTitleSuggester:
    def __init__(
        self, api_key: str, base_url: str | None, model: str, http_client: httpx2.Client | None = None
    ) -> None:
        import openai

        self._openai_error = openai.OpenAIError
        self._client = openai.OpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=openai.Timeout(TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS),
            max_retries=RETRIES,
            http_client=http_client,
        )
        self._model = model
        self.breaker = CircuitBreaker()

    def suggest(self, description: str, title: str | None, limit: int) -> list[TitleCandidate]:
        return self.breaker.call(partial(self._ask, description, title, limit))

    def _ask(self, description: str, title: str | None, limit: int) -> list[TitleCandidate]:
        question = f"Описание: {description}" + (f"\nЧасть названия: {title}" if title else "")
        try:
            completion = self._client.chat.completions.create(
                model=self._model,
                messages=[
                    {"role": "system", "content": SYSTEM_PROMPT.format(limit=limit)},
                    {"role": "user", "content": question},
                ],
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "film_candidates", "strict": True, "schema": RESPONSE_SCHEMA},
                },
                temperature=0.2,
            )
            message = completion.choices[0].message
        except self._openai_error as error:
            raise ProviderError(f"llm: {type(error).__name__}") from error
        except (AttributeError, IndexError, TypeError) as error:  # a body that is no chat completion
            raise ProviderError("llm: malformed answer") from error
        if message.refusal:
            raise ProviderError("llm: refused")
        if not message.content:
            raise ProviderError("llm: empty answer")
        return parse_candidates(message.content)[:limit]
