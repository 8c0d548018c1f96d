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

from filmhub.core.entities import Gradient
from filmhub.core.palette import GradientPicker
from filmhub.films.ports import TitleCandidate
from filmhub.http.observability import logger
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


class LlmChat:
    """One OpenAI-compatible chat model: a JSON answer to a question, or a ``ProviderError``."""

    def __init__(
        self,
        api_key: str,
        base_url: str | None,
        model: str,
        http_client: httpx2.Client | None = None,
        timeout_seconds: float = TIMEOUT_SECONDS,
        retries: int = RETRIES,
    ) -> None:
        import openai

        self._openai_error = openai.OpenAIError
        self._client = openai.OpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=openai.Timeout(timeout_seconds, connect=min(CONNECT_TIMEOUT_SECONDS, timeout_seconds)),
            max_retries=retries,
            http_client=http_client,
        )
        self._model = model
        self.breaker = CircuitBreaker()

    def ask(self, system: str, question: str, schema_name: str, schema: dict[str, Any]) -> str:
        return self.breaker.call(partial(self._ask, system, question, schema_name, schema))

    def _ask(self, system: str, question: str, schema_name: str, schema: dict[str, Any]) -> str:
        try:
            completion = self._client.chat.completions.create(
                model=self._model,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": question}],
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": schema_name, "strict": True, "schema": schema},
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
        return message.content


class LlmTitleSuggester:
    def __init__(self, chat: LlmChat) -> None:
        self._chat = chat

    @property
    def breaker(self) -> CircuitBreaker:
        return self._chat.breaker

    def suggest(self, description: str, title: str | None, limit: int) -> list[TitleCandidate]:
        question = f"Описание: {description}" + (f"\nЧасть названия: {title}" if title else "")
        content = self._chat.ask(SYSTEM_PROMPT.format(limit=limit), question, "film_candidates", RESPONSE_SCHEMA)
        return parse_candidates(content)[:limit]


GRADIENT_PROMPT = (
    "Подбери градиент из трёх цветов, который подходит к названию списка фильмов. "
    "Ответь только JSON: три цвета в формате #RRGGBB."
)
GRADIENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {name: {"type": "string"} for name in ("color1", "color2", "color3")},
    "required": ["color1", "color2", "color3"],
    "additionalProperties": False,
}
#: Colours must not hold up creating a list: one try within this budget, then the palette.
GRADIENT_TIMEOUT_SECONDS = 2.0


class _GradientAnswer(BaseModel):
    color1: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")
    color2: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")
    color3: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")


def parse_gradient(content: str) -> Gradient:
    try:
        answer = _GradientAnswer.model_validate(_json_in(content))
    except ValidationError as error:
        raise ProviderError("llm: not three #RRGGBB colours") from error
    return Gradient(answer.color1.upper(), answer.color2.upper(), answer.color3.upper())


class LlmGradients:
    """A gradient that suits a title, from the LLM; the palette on any failure (``GradientPicker``)."""

    def __init__(self, chat: LlmChat, fallback: GradientPicker) -> None:
        self._chat = chat
        self._fallback = fallback

    def pick(self, title: str) -> Gradient:
        try:
            return parse_gradient(self._chat.ask(GRADIENT_PROMPT, f"Название: {title}", "gradient", GRADIENT_SCHEMA))
        except ProviderError as error:
            logger.info("LLM colours unavailable, using the palette", extra={"reason": str(error)})
            return self._fallback.pick(title)
