"""Synthesize the stack in-process, once per session per route table, and hand the template to the tests.

Two synths (see ``synthesis.py``): the *real* route table (stage dev) and a *complete* one (stage prod) with the
planned functions the table lacks and an unknown future function.  Both run in one xdist group, so ``make test``
synthesizes each once.
"""

from __future__ import annotations

import pytest

from filmhub.routes import FUNCTIONS, ROUTES
from tests.infra.synthesis import FUTURE, PLANNED, Synth, layer_dirs_in, stub_sources, synthesize


@pytest.fixture(scope="session")
def layer_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return layer_dirs_in(tmp_path_factory.mktemp("layers"))


@pytest.fixture(scope="session")
def real(tmp_path_factory: pytest.TempPathFactory, layer_dirs: dict[str, str]) -> Synth:
    """The stack as `make synth` builds it (stage dev), from the real route table and sources."""
    return synthesize(tmp_path_factory.mktemp("cdk-real"), layer_dirs, "dev", dict(FUNCTIONS), list(ROUTES))


@pytest.fixture(scope="session")
def complete(tmp_path_factory: pytest.TempPathFactory, layer_dirs: dict[str, str]) -> Synth:
    """Stage prod, with every planned function and one unknown future function, from stub sources."""
    functions = dict(FUNCTIONS)
    routes = list(ROUTES)
    for name, (spec, route) in PLANNED.items():
        if name not in functions:
            functions[name] = spec
        if not any(existing.function == name for existing in routes):
            routes.append(route)
    functions[FUTURE[0].name] = FUTURE[0]
    routes.append(FUTURE[1])
    source_root = stub_sources(tmp_path_factory.mktemp("sources"), functions)
    return synthesize(tmp_path_factory.mktemp("cdk-complete"), layer_dirs, "prod", functions, routes, source_root)


@pytest.fixture(params=["real", "complete"])
def synth(request: pytest.FixtureRequest) -> Synth:
    return request.getfixturevalue(request.param)
