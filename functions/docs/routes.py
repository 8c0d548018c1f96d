"""GET /api/schema/openapi.json and GET /api/schema/swagger: one document for every function.

The document is generated from the routers of every API function (the route table lists them),
so it always describes the code that is deployed; it is built once per container.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.app import API_PREFIX, MAX_BODY_BYTES, create_app
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
    # Powertools' OpenAPI models (~100 pydantic classes, ~90 ms to build; the Swagger UI package imports them too)
    # are needed only to build the document, once per container: imported then, not at cold start.
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

    app = create_app(*(served for name in DOCUMENTED_FUNCTIONS for served in function_routers(name)))
    document = app.get_openapi_json_schema(
        title="FilmHub API",
        version=get_settings().service_version,
        description="Films, watchlists, editorial mixes and recommendations. Errors are "
        '`{"status_code", "detail", "extra"?}`.',
        servers=[Server(url=API_PREFIX)],
        security_schemes={"bearerAuth": HTTPBearer(bearerFormat="JWT")},
    )
    return json.dumps(describe_plumbing(json.loads(document)), ensure_ascii=False)


ERROR_OUT = {"$ref": "#/components/schemas/ErrorOut"}
#: Powertools' own error shapes, referenced by nothing once our envelope replaces them (dependants last).
POWERTOOLS_VALIDATION_SCHEMAS = ("HTTPValidationError", "ResponseValidationError", "ValidationError")


def _error(description: str, schema: dict[str, Any] = ERROR_OUT) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def describe_plumbing(document: dict[str, Any]) -> dict[str, Any]:
    """Document what the shared plumbing (``filmhub.http.app`` / ``errors``) answers on every operation it applies to.

    Powertools documents a 422 of its own shape on every operation and gives a 204 a JSON body; ours are
    the error envelope and no body.  Every JSON body may also be malformed (400), too large (413) or sent
    as another content type (415); where an operation documents a 400 of its own, the envelope is one of
    the two shapes it may take.
    """
    for path_item in document["paths"].values():
        for operation in path_item.values():
            responses = operation["responses"]
            responses.pop("422", None)
            if operation.get("parameters") or "requestBody" in operation:
                responses["422"] = _error("Validation failed")
            if "204" in responses:
                responses["204"].pop("content", None)
            if "application/json" not in operation.get("requestBody", {}).get("content", {}):
                continue
            own = responses.get("400", {"description": "Bad request"})
            schema = own.get("content", {}).get("application/json", {}).get("schema", ERROR_OUT)
            either = schema if schema == ERROR_OUT else {"anyOf": [schema, ERROR_OUT]}
            responses["400"] = _error(own["description"], either)
            responses["413"] = _error(f"Body larger than {MAX_BODY_BYTES // 1024 // 1024} MB")
            responses["415"] = _error("Body is not `application/json`")
    schemas = document["components"]["schemas"]
    for name in POWERTOOLS_VALIDATION_SCHEMAS:
        others = {other: schema for other, schema in schemas.items() if other != name}
        if f"#/components/schemas/{name}" not in json.dumps([document["paths"], others]):
            schemas.pop(name, None)
    return document


@cache
def swagger_html() -> str:
    from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html

    assets = Path(generate_swagger_html.__code__.co_filename).parent
    js = (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8")
    css = (assets / "swagger-ui.min.css").read_text(encoding="utf-8")
    return generate_swagger_html(openapi_json().replace("</", "<\\/"), js, css, "", None)


#: Where an inline script ends is where a browser ends it: at the first ``</script>`` (the bundle escapes its own).
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@cache
def swagger_csp() -> str:
    """The page's Content-Security-Policy: its own inline scripts only (by hash), nothing from elsewhere.

    Swagger UI is served whole (bundle, CSS and the document inline): it loads nothing, its icons are
    ``data:`` images in the CSS, and "Try it out" calls this API on the same origin.  Inline styles stay
    allowed: Swagger UI's rendered markdown and highlighter set style attributes, which a style hash cannot
    cover; the bundle's few ``Function("return this")`` calls sit behind checks a browser never fails, so
    no ``unsafe-eval``.
    """
    scripts = " ".join(_sha256_source(script) for script in _INLINE_SCRIPT.findall(swagger_html()))
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


@router.get(OPENAPI_PATH, include_in_schema=False)
def get_openapi() -> Response[str]:
    return Response(200, content_types.APPLICATION_JSON, openapi_json())


@router.get("/api/schema/swagger", include_in_schema=False)
def get_swagger() -> Response[str]:
    return Response(200, "text/html; charset=utf-8", swagger_html(), {"Content-Security-Policy": swagger_csp()})
