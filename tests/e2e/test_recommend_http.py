"""Recommendations over real HTTP: twenty in a row with the same filters are twenty different films."""

from __future__ import annotations

import pytest

from tests.support.e2e import register
from tests.support.local_stack import LocalStackProcess

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_twenty_successive_recommendations_are_all_different(stack: LocalStackProcess) -> None:
    token = register(stack, "movie-night")
    moods = {mood["name"]: mood["id"] for mood in stack.request("GET", "/api/v1/moods").json}
    query = f"moods_ids={moods['Напряжённое, захватывающее']}&movie_type=movie"
    seen = []
    for _ in range(20):
        response = stack.request("POST", f"/api/v1/recommend?{query}", token=token)
        assert response.status == 201, response.json
        seen.append(response.json["id"])
    assert len(set(seen)) == 20
