"""Reading a JSON request body: one parser for every JSON route and the Telegram webhook (no framework import)."""

from __future__ import annotations

import json
import math
from typing import Any


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def json_loads(text: str) -> Any:
    """``json.loads`` for request bodies: anything it cannot turn into plain values is malformed JSON (a 400).

    Python's own parser raises more than ``JSONDecodeError``, which Powertools alone reports as malformed: a
    RecursionError for absurd nesting, a ValueError for an integer over 4,300 digits; it also accepts ``NaN``
    and ``Infinity`` (not JSON) and makes ``1e999`` infinite, and a lone surrogate (``\\ud800``) gives a string
    no UTF-8 encoder (DynamoDB's client, our own answer) can write.
    """
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
        json.dumps(value, ensure_ascii=False).encode()  # a lone surrogate (escaped or not) fails here
        return value
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as error:
        raise json.JSONDecodeError(str(error) or type(error).__name__, text, 0) from error
