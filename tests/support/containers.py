"""Several Lambda containers in one process, for tests that send requests concurrently.

Lambda runs one request at a time per container and scales out by adding containers.  Powertools'
resolver relies on that: it keeps the current request (event, matched route) on the app object, so
two threads resolving through one app can mix up each other's answers (a 201 turning into a 200).
Each client made here calls its own fresh import of the function, as a separate container would;
what they share is what containers share: the table.
"""

from __future__ import annotations

import importlib
import sys

from filmhub.routes import FUNCTIONS
from local.gateway import FunctionRegistry, Handler
from tests.support.api import ApiClient


def cold_start(function: str) -> Handler:
    """The function's handler from a fresh import of its package (the shared layer stays imported)."""
    package = FUNCTIONS[function].module.split(".")[0]

    def loaded() -> list[str]:
        return [name for name in sys.modules if name == package or name.startswith(f"{package}.")]

    warm = {name: sys.modules.pop(name) for name in loaded()}
    try:
        module_name, attribute = FUNCTIONS[function].handler.rsplit(".", 1)
        return getattr(importlib.import_module(module_name), attribute)
    finally:
        for name in loaded():
            del sys.modules[name]
        sys.modules.update(warm)


class ContainerRegistry(FunctionRegistry):
    """Hands out handlers of a container of its own instead of the process's shared imports."""

    def __init__(self, functions: tuple[str, ...]) -> None:
        super().__init__()
        self._own = {function: cold_start(function) for function in functions}

    def handler(self, function: str) -> Handler:
        return self._own[function]


def container_clients(count: int, *functions: str) -> list[ApiClient]:
    """``count`` clients, each served by its own container of every function in ``functions``."""
    clients = []
    for _ in range(count):
        client = ApiClient()
        client.gateway.functions = ContainerRegistry(functions)
        clients.append(client)
    return clients
