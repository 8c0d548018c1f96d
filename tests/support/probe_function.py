"""A Lambda handler for testing the local gateway's worker processes (``local/workers.py``).

The gateway runs it in real worker processes, as it runs the API functions; what it does comes from
the request's query string: ``sleep=<seconds>``, ``crash=1`` (the process dies mid-request, as a
runtime killed for memory would), ``raise=1`` (an unhandled exception), ``env=<NAME>`` (that
variable's value).  Every answer says which process served it, when, and how many requests that
process has served (module-level state, which lives as long as the worker).
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

IMPORTED_AT = time.time()
_served = 0


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _served
    started = time.time()
    query = event.get("queryStringParameters") or {}
    if query.get("crash"):
        os._exit(13)
    if query.get("raise"):
        raise RuntimeError("probe asked to fail")
    time.sleep(float(query.get("sleep", 0)))
    _served += 1
    body = {
        "pid": os.getpid(),
        "started": started,
        "finished": time.time(),
        "served": _served,
        "imported_at": IMPORTED_AT,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
    }
    if "env" in query:
        body["env"] = os.environ.get(query["env"])
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
