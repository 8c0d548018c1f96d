"""Abuse limits at the edge of a route: who the client is, and a 429 with ``Retry-After`` when it asks too often."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.wiring import RateLimited, rate_limit, request_limiter


def client_ip(router: APIGatewayHttpRouter) -> str:
    """The caller's address as API Gateway saw the connection; never ``X-Forwarded-For``, which a client can forge."""
    return router.current_event.request_context.http.source_ip or "unknown"


def request_subject(router: APIGatewayHttpRouter, user_id: str | None = None) -> str:
    """Whom a limit counts for this request (``client_subject``)."""
    from filmhub.limits.service import client_subject

    return client_subject(user_id, client_ip(router))


def limit_requests(router: APIGatewayHttpRouter, name: RateLimited, user_id: str | None = None) -> None:
    """Count this request against the ``name`` limit of its client; :class:`TooManyRequests` when over it."""
    request_limiter().admit(rate_limit(name), request_subject(router, user_id))
