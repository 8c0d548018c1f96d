"""LLM colours for new lists and mixes: validated #RRGGBB ×3 within 2 s, else the palette."""

from __future__ import annotations

import random

import httpx2
import pytest

from filmhub.core.entities import Gradient
from filmhub.core.palette import PALETTE, PaletteGradients
from filmhub.providers.base import ProviderError
from filmhub.providers.llm import GRADIENT_TIMEOUT_SECONDS, LlmGradients, parse_gradient
from tests.support.providers import FakeLlm


def gradients(fake: FakeLlm) -> LlmGradients:
    return LlmGradients(
        fake.chat(timeout_seconds=GRADIENT_TIMEOUT_SECONDS, retries=0), PaletteGradients(random.Random(1))
    )


def test_colours_from_the_model() -> None:
    fake = FakeLlm.answering('{"color1": "#1a2b3c", "color2": "#FFFFFF", "color3": "#000000"}')
    assert gradients(fake).pick("Ужасы на Хэллоуин") == Gradient("#1A2B3C", "#FFFFFF", "#000000")
    assert "Ужасы на Хэллоуин" in fake.requests[0]["messages"][1]["content"]
    assert fake.requests[0]["response_format"]["type"] == "json_schema"


@pytest.mark.parametrize(
    "content",
    [
        '{"color1": "red", "color2": "#FFFFFF", "color3": "#000000"}',
        '{"color1": "#FFFFFF"}',
        "Конечно! Вот цвета: красный, синий",
        "",
    ],
)
def test_garbage_falls_back_to_the_palette(content: str) -> None:
    assert gradients(FakeLlm.answering(content)).pick("Список") in PALETTE


def test_refusal_server_error_and_timeout_fall_back_to_the_palette() -> None:
    def timeout(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("slow model", request=request)

    for fake in (
        FakeLlm.answering(None, refusal="I can't help with that"),
        FakeLlm.answering("{}", status=500),
        FakeLlm(timeout),
    ):
        assert gradients(fake).pick("Список") in PALETTE
        assert len(fake.requests) == 1  # no retry: the 2 s budget is for one try


def test_parse_gradient_tolerates_a_code_fence() -> None:
    fenced = '```json\n{"color1": "#aabbcc", "color2": "#ddeeff", "color3": "#001122"}\n```'
    assert parse_gradient(fenced) == Gradient("#AABBCC", "#DDEEFF", "#001122")
    with pytest.raises(ProviderError):
        parse_gradient('{"color1": "#12345"}')
