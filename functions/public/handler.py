from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from filmhub.http.app import create_app, lambda_entry_point

from .page import router as page_router
from .routes import NOT_CACHEABLE
from .routes import router as lists_router

ROUTERS = [lists_router, page_router]
app = create_app(*ROUTERS)
_resolve = lambda_entry_point(app)


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Answers anyone, through a CDN: only the routes' own 200s may be cached; errors (a 429 is one client's)
    and anything the shared plumbing answers are ``no-store``."""
    result = _resolve(event, context)
    headers = result.setdefault("headers", {})
    if not any(name.lower() == "cache-control" for name in headers):
        headers["Cache-Control"] = NOT_CACHEABLE
    return result
