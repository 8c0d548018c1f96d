"""Every error the API returns, in one place: ``{"status_code", "detail"[, "extra"]}``.

Domain errors map to their status here; validation errors become 422 (400 for malformed JSON or
a malformed id in the path, 415 for a body declared as something other than JSON); DynamoDB / S3
failures that survived the SDK's retries become 503 with ``Retry-After``; anything unexpected is
logged with its traceback and answered with a bare 500 envelope, never the traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from filmhub.core import errors
from filmhub.http.observability import logger

MALFORMED_JSON = "Malformed JSON body"
UNSUPPORTED_CONTENT_TYPE = "Content-Type must be application/json"

STATUS_BY_ERROR: dict[type[errors.DomainError], int] = {
    errors.InvalidInput: 400,
    errors.InvalidValue: 422,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.TooManyRequests: 429,
    errors.DependencyUnavailable: 503,
}


def error_response(
    status: int,
    detail: str,
    extra: Sequence[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"status_code": status, "detail": detail}
    if extra:
        body["extra"] = list(extra)
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(body, ensure_ascii=False),
        headers=headers,
    )


def domain_error_response(error: errors.DomainError) -> Response:
    status = next((code for cls, code in STATUS_BY_ERROR.items() if isinstance(error, cls)), 400)
    headers = None
    if isinstance(error, errors.TooManyRequests | errors.DependencyUnavailable):
        headers = {"Retry-After": str(error.retry_after_seconds)}
    extra = [{"key": error.field, "message": error.detail}] if isinstance(error, errors.InvalidValue) else None
    if status >= 500:
        logger.warning("dependency unavailable", extra={"detail": error.detail})
    return error_response(status, error.detail, extra=extra, headers=headers)


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or (str(loc[-1]) if loc else "body")


#: What a path parameter accepts when it is more than a UUID.
PATH_ID_RULES = {"list_id": "must be a UUID, or liked, wish or watched"}


def validation_error_response(error: RequestValidationError) -> Response:
    problems = error.errors()
    if any(tuple(problem.get("loc", ()))[:1] == ("response",) for problem in problems):
        # Our own answer failed its schema: a bug to log, not the caller's mistake.
        logger.error("response failed validation", extra={"problems": problems})
        return error_response(500, HTTPStatus.INTERNAL_SERVER_ERROR.phrase)
    if any(problem.get("type") == "json_invalid" for problem in problems):
        return error_response(400, MALFORMED_JSON)
    path_problems = [p for p in problems if tuple(p.get("loc", ()))[:1] == ("path",)]
    if path_problems:
        keys = [_field_name(p["loc"]) for p in path_problems]
        extra = [{"key": key, "message": PATH_ID_RULES.get(key, "must be a UUID")} for key in keys]
        return error_response(400, "Malformed id in path", extra=extra)
    extra = [{"key": _field_name(p.get("loc", ())), "message": str(p.get("msg", "invalid"))} for p in problems]
    return error_response(422, "Validation error", extra=extra)


#: Error codes of a dependency that is throttling or briefly failing: the caller may retry (503).
TRANSIENT_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "SlowDown",
    "ServiceUnavailable",
    "InternalServerError",
    "InternalError",
}
#: Why DynamoDB cancels a transaction when it is throttled or loses a race (each item has a reason).
TRANSIENT_CANCELLATIONS = {"ThrottlingError", "ProvisionedThroughputExceeded", "TransactionConflict"}


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and what caused it: PynamoDB keeps the botocore error in ``cause``, not in ``__cause__``."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = getattr(current, "cause", None) or current.__cause__ or current.__context__


def is_throttling(error: BaseException) -> bool:
    """Whether ``error`` means a dependency is throttling or briefly down (after the SDK's own retries)."""
    for cause in _causes(error):
        reasons = getattr(cause, "cancellation_reasons", None) or []
        if any(reason is not None and reason.code in TRANSIENT_CANCELLATIONS for reason in reasons):
            return True
        if isinstance(cause, ClientError):
            return cause.response.get("Error", {}).get("Code", "") in TRANSIENT_CODES
        if isinstance(cause, BotoCoreError):
            return True
    return False


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    @app.exception_handler(errors.DomainError)
    def _domain(error: errors.DomainError) -> Response:
        return domain_error_response(error)

    @app.exception_handler(RequestValidationError)
    def _validation(error: RequestValidationError) -> Response:
        return validation_error_response(error)

    @app.exception_handler(RequestUnsupportedContentType)
    def _unsupported_content_type(_: RequestUnsupportedContentType) -> Response:
        return error_response(415, UNSUPPORTED_CONTENT_TYPE)

    @app.exception_handler(NotFoundError)
    def _not_found(_: NotFoundError) -> Response:
        return error_response(404, "Not found")

    @app.exception_handler(ServiceError)
    def _service(error: ServiceError) -> Response:
        # Powertools allows a dict message; the contract's ``detail`` is always a string.
        detail = error.msg if isinstance(error.msg, str) else HTTPStatus(error.status_code).phrase
        return error_response(error.status_code, detail)

    @app.exception_handler([PynamoDBException, ClientError, BotoCoreError])
    def _aws(error: Exception) -> Response:
        if is_throttling(error):
            logger.warning("AWS dependency unavailable after retries", exc_info=error)
            return error_response(503, "Service temporarily unavailable", headers={"Retry-After": "1"})
        logger.exception("AWS call failed")
        return error_response(500, HTTPStatus.INTERNAL_SERVER_ERROR.phrase)

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(500, HTTPStatus.INTERNAL_SERVER_ERROR.phrase)
