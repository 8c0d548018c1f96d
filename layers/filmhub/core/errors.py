"""Domain errors: what went wrong in business terms. ``filmhub.http.errors`` maps them to HTTP."""

from __future__ import annotations


class DomainError(Exception):
    """Base class; ``detail`` is safe to show to the caller."""

    default_detail = "Bad request"

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)


class InvalidInput(DomainError):
    """The request is well-formed but refers to something that does not exist (unknown genre id ...)."""


class InvalidValue(DomainError):
    """A value failed validation; ``field`` names it for the ``extra`` list of a 422."""

    def __init__(self, field: str, detail: str) -> None:
        self.field = field
        super().__init__(detail)


class NotFound(DomainError):
    default_detail = "Not found"


class Forbidden(DomainError):
    default_detail = "Forbidden"


class Conflict(DomainError):
    default_detail = "Conflict"


class Unauthorized(DomainError):
    default_detail = "Not authenticated"


class UnknownCaller(Unauthorized):
    """A validly signed token names a user that does not exist (deleted, or a forged ``sub``)."""

    default_detail = "User no longer exists"


class PayloadTooLarge(DomainError):
    default_detail = "Payload too large"


class TooManyRequests(DomainError):
    default_detail = "Too many requests"

    def __init__(self, retry_after_seconds: int, detail: str | None = None) -> None:
        self.retry_after_seconds = max(1, int(retry_after_seconds))
        super().__init__(detail)


class DependencyUnavailable(DomainError):
    """A dependency (table, bucket) failed after retries; the caller may try again later."""

    default_detail = "Service temporarily unavailable"

    def __init__(self, detail: str | None = None, retry_after_seconds: int = 1) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(detail)
