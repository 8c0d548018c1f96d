"""Several Lambda containers in one process, for tests that send requests concurrently.

Lambda runs one request at a time per container and scales out by adding containers.  Powertools'
resolver relies on that: it keeps the current request (event, matched route) on the app object, so
two threads resolving through one app can mix up each other's answers (a 201 turning into a 200).
Each client made here calls its own fresh import of the function, as a separate container would;
what they share is what containers share: the table.

Powertools also keeps the current event and Lambda context on the ``BaseRouter`` *class*, which every
app in a process shares, so fresh imports alone are not enough: a route could read another thread's
request (its token: a rating written for the wrong user).  ``isolate_requests`` makes the resolver's
event and context per thread, as they are per process on Lambda.
"""

from __future__ import annotations

import importlib
import sys
import threading
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver

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


_request = threading.local()


def _thread_attribute(name: str) -> property:
    def read(self: Any) -> Any:
        return getattr(_request, name, None)

    def write(self: Any, value: Any) -> None:
        setattr(_request, name, value)

    return property(read, write)


def isolate_requests() -> None:
    """Each thread's resolvers see that thread's event and context (idempotent)."""
    if isinstance(vars(ApiGatewayResolver).get("current_event"), property):
        return
    resolve = ApiGatewayResolver.resolve

    def resolve_in_thread(self: ApiGatewayResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
        # What resolve() puts on the shared class, kept per thread (the properties below shadow the class's).
        _request.current_event = self._to_proxy_event(event)
        _request.lambda_context = context
        return resolve(self, event, context)

    ApiGatewayResolver.current_event = _thread_attribute("current_event")  # type: ignore[assignment,method-assign]
    ApiGatewayResolver.lambda_context = _thread_attribute("lambda_context")  # type: ignore[assignment,method-assign]
    ApiGatewayResolver.resolve = resolve_in_thread  # type: ignore[method-assign]


def container_clients(count: int, *functions: str) -> list[ApiClient]:
    """``count`` clients, each served by its own container of every function in ``functions``."""
    isolate_requests()
    clients = []
    for _ in range(count):
        client = ApiClient()
        client.gateway.functions = ContainerRegistry(functions)
        clients.append(client)
    return clients
