"""The route table and each function's Powertools routes agree, so nothing can be routed to a void."""

from __future__ import annotations

import importlib
import re

import pytest

from filmhub.http.app import API_PREFIX
from filmhub.routes import FUNCTIONS, ROUTES


def powertools_routes(function: str) -> set[tuple[str, str]]:
    app = importlib.import_module(FUNCTIONS[function].module).app
    found = set()
    for route in app._static_routes + app._dynamic_routes:
        path = route.openapi_path if hasattr(route, "openapi_path") else route.path
        found.add((route.method.upper(), path))
    return found


@pytest.mark.parametrize(
    "function", sorted({r.function for r in ROUTES if FUNCTIONS[r.function].source_dir == "functions"})
)
def test_route_table_entries_exist_in_the_function(function: str) -> None:
    declared = powertools_routes(function)
    for route in (r for r in ROUTES if r.function == function):
        path = route.path.removeprefix(API_PREFIX) if route.path.startswith(API_PREFIX) else route.path
        assert (route.method, path) in declared, f"{route.route_key} is not handled by functions/{function}"


@pytest.mark.parametrize(
    "function", sorted({r.function for r in ROUTES if FUNCTIONS[r.function].source_dir == "functions"})
)
def test_function_routes_are_all_in_the_route_table(function: str) -> None:
    table = {
        (r.method, r.path.removeprefix(API_PREFIX) if r.path.startswith(API_PREFIX) else r.path)
        for r in ROUTES
        if r.function == function
    }
    for method, path in powertools_routes(function):
        assert (method, re.sub(r"<(\w+)>", r"{\1}", path)) in table, f"{method} {path} is missing from routes.py"
