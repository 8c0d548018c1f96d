"""Powertools Logger, Tracer and Metrics: one instance each per process.

The service name comes from ``POWERTOOLS_SERVICE_NAME`` (set per function by CDK and by the
local gateway), so every function logs, traces and counts under its own name.

Tracing costs nothing at import.  The X-Ray SDK's recorder is imported and configured on the first traced call
(the handler's first invocation), and each library the SDK can trace is patched when that library is first
imported: Powertools' defaults build the recorder in ``Tracer()`` and run the SDK's ``patch_all``, which
imports every supported library that is installed (httpx alone, with its CLI's rich and click, is ~90 ms)
whether or not the function ever calls it.  The segments are the same: the handler's subsegment, one per AWS
call and one per HTTP call (docs/decisions.md § Cold start; tests/unit/test_cold_start.py records them).
"""

from __future__ import annotations

import sys
import warnings
from functools import cache
from types import ModuleType
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer


@cache
def xray_recorder() -> Any:
    """The X-Ray SDK's global recorder, configured as Powertools configures it for its own Tracer."""
    from aws_xray_sdk.core import xray_recorder as recorder

    if not tracer.disabled:
        # Each subsegment is sent when it closes, not batched (Powertools' setting: its issue 283).
        recorder.configure(streaming_threshold=0)
    return recorder


class LazyXRayRecorder:
    """The tracer's provider: the X-Ray SDK's recorder, imported on first use (the first traced call)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(xray_recorder(), name)


logger = Logger()
tracer = Tracer(provider=LazyXRayRecorder(), auto_patch=False)  # type: ignore[arg-type]  # duck-typed provider
metrics = Metrics(namespace="FilmHub")

#: The X-Ray SDK's name of each library ``patch_all`` would patch in our layers, and the module whose import
#: means the function is about to use it.  (The SDK's other libraries, databases, requests and aiobotocore,
#: are not in the layers; sqlite3 is never imported.)
TRACED_LIBRARIES = {
    "botocore": "botocore.client",
    "pynamodb": "pynamodb.connection",
    "httplib": "http.client",
    "httpx": "httpx",
}


def _patch_when_imported(library: str, module_name: str) -> None:
    import wrapt  # the X-Ray SDK's own dependency

    def patch(module: ModuleType) -> None:
        # The hook runs as soon as the module has executed, before the import system binds a submodule to its
        # package; the SDK's patch reaches it as ``package.submodule``, so bind it now (the same binding).
        package, _, name = module.__name__.rpartition(".")
        if package:
            setattr(sys.modules[package], name, module)
        xray_recorder()
        from aws_xray_sdk.core import patch as xray_patch

        xray_patch([library])

    wrapt.register_post_import_hook(patch, module_name)


if not tracer.disabled:
    for _library, _module in TRACED_LIBRARIES.items():
        _patch_when_imported(_library, _module)

# Most requests record no business metric; the cold-start metric is enough, so an empty flush is normal.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
