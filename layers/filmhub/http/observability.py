"""Powertools Logger, Tracer and Metrics: one instance each per process.

The service name comes from ``POWERTOOLS_SERVICE_NAME`` (set per function by CDK and by the
local gateway), so every function logs, traces and counts under its own name.

Tracing patches each library the X-Ray SDK can trace when that library is first imported, not at
import of this module: Powertools' default (``auto_patch``) runs the SDK's ``patch_all``, which imports
every supported library that is installed (httpx alone, with its CLI's rich and click, is ~90 ms) whether
or not the function ever calls it.  A function that never imports httpx never pays for it; one that does
gets the same subsegments as before (docs/decisions.md § Cold start).
"""

from __future__ import annotations

import sys
import warnings
from types import ModuleType

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer(auto_patch=False)
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
    import wrapt  # the X-Ray SDK's own dependency, imported by it already when tracing is on

    def patch(module: ModuleType) -> None:
        # The hook runs as soon as the module has executed, before the import system binds a submodule to its
        # package; the SDK's patch reaches it as ``package.submodule``, so bind it now (the same binding).
        package, _, name = module.__name__.rpartition(".")
        if package:
            setattr(sys.modules[package], name, module)
        tracer.patch([library])

    wrapt.register_post_import_hook(patch, module_name)


if not tracer.disabled:
    for _library, _module in TRACED_LIBRARIES.items():
        _patch_when_imported(_library, _module)

# Most requests record no business metric; the cold-start metric is enough, so an empty flush is normal.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
