"""GET /api/schema/openapi.json and GET /api/schema/swagger: one document for every function.

The document is generated from the routers of every API function (the route table lists them),
so it always describes the code that is deployed; it is built once per container.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server
from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.app import API_PREFIX, create_app
from filmhub.routes import FUNCTIONS, ROUTES
from filmhub.settings import get_settings

router = APIGatewayHttpRouter()

OPENAPI_PATH = "/api/schema/openapi.json"
DOCUMENTED_FUNCTIONS = sorted({route.function for route in ROUTES} - {"docs", "bot"})


def function_routers(name: str) -> list[APIGatewayHttpRouter]:
    """The routers a function's handler serves: every handler module lists them in ``ROUTERS``."""
    return list(importlib.import_module(FUNCTIONS[name].module).ROUTERS)


@cache
def openapi_json() -> str:
    app = create_app(*(served for name in DOCUMENTED_FUNCTIONS for served in function_routers(name)))
    return app.get_openapi_json_schema(
        title="FilmHub API",
        version=get_settings().service_version,
        description="Films, watchlists, editorial mixes and recommendations. Errors are "
        '`{"status_code", "detail", "extra"?}`.',
        servers=[Server(url=API_PREFIX)],
        security_schemes={"bearerAuth": HTTPBearer(bearerFormat="JWT")},
    )


@cache
def swagger_html() -> str:
    assets = Path(generate_swagger_html.__code__.co_filename).parent
    js = (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8")
    css = (assets / "swagger-ui.min.css").read_text(encoding="utf-8")
    return generate_swagger_html(openapi_json().replace("</", "<\\/"), js, css, "", None)


@router.get(OPENAPI_PATH, include_in_schema=False)
def get_openapi() -> Response[str]:
    return Response(200, content_types.APPLICATION_JSON, openapi_json())


@router.get("/api/schema/swagger", include_in_schema=False)
def get_swagger() -> Response[str]:
    return Response(200, "text/html; charset=utf-8", swagger_html())
