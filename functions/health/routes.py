"""GET /health: 200 when the table and the bucket answer, 503 with the failing check otherwise."""

from __future__ import annotations

from typing import Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from filmhub.health.service import CheckState, check
from filmhub.http.observability import logger, metrics
from filmhub.settings import get_settings

router = APIGatewayHttpRouter()
HEALTH_FAILED_METRIC = "HealthCheckFailed"


class HealthOut(BaseModel):
    status: Literal["ok", "unavailable"]
    version: str
    checks: dict[str, CheckState]


@router.get(
    "/health",
    summary="Reachability of the table and the poster bucket (no auth)",
    tags=["health"],
    responses={
        200: {"description": "Every dependency answers", "content": {"application/json": {"model": HealthOut}}},
        503: {"description": "A dependency is down", "content": {"application/json": {"model": HealthOut}}},
    },
)
def health() -> Response[HealthOut]:
    # The table and bucket clients are imported on first use, as wiring does for every other function's adapters.
    from filmhub.health.probes import probe_bucket, probe_table

    report = check({"table": probe_table, "bucket": probe_bucket})
    body = HealthOut(
        status="ok" if report.ok else "unavailable",
        version=get_settings().service_version,
        checks=report.checks,
    )
    # The monitoring construct calls this on a schedule and alarms on the metric.
    metrics.add_metric(name=HEALTH_FAILED_METRIC, unit=MetricUnit.Count, value=0 if report.ok else 1)
    if not report.ok:
        logger.warning("health check failed", extra={"checks": report.checks, "failures": report.failures})
    return Response(200 if report.ok else 503, content_types.APPLICATION_JSON, body)
