"""Powertools Logger, Tracer and Metrics: one instance each per process.

The service name comes from ``POWERTOOLS_SERVICE_NAME`` (set per function by CDK and by the
local gateway), so every function logs, traces and counts under its own name.
"""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="FilmHub")

# Most requests record no business metric; the cold-start metric is enough, so an empty flush is normal.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
