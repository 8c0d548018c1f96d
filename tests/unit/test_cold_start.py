"""Cold start: what each function imports before its first request, and that tracing still records requests.

Each check runs in a fresh interpreter with the environment of a deployed function (tracing on:
``LAMBDA_TASK_ROOT`` set, ``POWERTOOLS_TRACE_DISABLED`` unset), since imports happen once per process
and the test process has imported everything already.  docs/decisions.md § Cold start explains the rules.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from filmhub.routes import FUNCTIONS, QUEUE_WORKERS

ROOT = Path(__file__).resolve().parents[2]

#: Never imported by any API function at cold start.  The bot's libraries (aiogram, aiohttp) and cryptography
#: (which pyjwt would pull in) no API function uses at all; the others some requests use and import then:
#: openai and httpx (description search, providers: films, and recommend's discovery), argon2 (passwords:
#: auth), boto3 and PynamoDB's connection (every adapter, through wiring, on first use), the X-Ray recorder
#: (on the first traced invocation), Powertools' OpenAPI models (docs, when it builds the document), the
#: transfer formats' csv parsing and archives (transfers: the worker reads and writes files, the API functions
#: never).  zipfile itself is not listed: Powertools' event handler imports it (CodePipeline's event class), and
#: so does wrapt, the tracing hooks' library (through importlib.metadata).
NOT_AT_COLD_START = (
    "aiogram",
    "aiohttp",
    "cryptography",
    "jwt",
    "openai",
    "httpx",
    "rich",
    "argon2",
    "boto3",
    "pynamodb.connection",
    "aws_xray_sdk.core",
    "aws_lambda_powertools.event_handler.openapi.models",
    "csv",
    "filmhub.transfer.formats",
    "filmhub.transfer.archive",
)
#: A feature's rules (its service, ports, DynamoDB adapter) and the entities are imported with the function's
#: services, by wiring, on their first use; a route module imports only its feature's light ``bounds``.  So no
#: request pays for a route it does not take (films' ratings, me's diary, mixes' admin writes, the public page).
DOMAIN_MODULE = re.compile(r"filmhub\.(\w+\.(service|ports|dynamo)|core\.entities)")
#: What a function's routes need at import: auth's schemas validate with the account rules (every auth route
#: uses them), health's one route is its check, transfers' routes name a job's ``Direction`` (its ports module
#: imports nothing else at run time).
DOMAIN_AT_COLD_START = {
    "auth": {
        "filmhub.accounts.service",
        "filmhub.accounts.ports",
        "filmhub.limits.service",
        "filmhub.limits.ports",
        "filmhub.core.entities",
    },
    "health": {"filmhub.health.service"},
    "transfers": {"filmhub.transfer.ports"},
}
#: What the films function imports for its poster upload route only.
FILMS_POSTER_ONLY = ("email.parser",)
API_FUNCTIONS = sorted(name for name in FUNCTIONS if name != "bot")


def deployed_environment(**extra: str) -> dict[str, str]:
    """This process's environment as a deployed function sees it: in Lambda, with tracing on."""
    env = {name: value for name, value in os.environ.items() if name != "POWERTOOLS_TRACE_DISABLED"}
    env.update(
        PYTHONPATH=os.pathsep.join(str(ROOT / part) for part in ("layers", "functions", ".")),
        LAMBDA_TASK_ROOT=str(ROOT),
        AWS_LAMBDA_FUNCTION_NAME="filmhub-test",
        **extra,
    )
    return env


def run_python(code: str, **extra_env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], env=deployed_environment(**extra_env), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def modules_after_import(module: str) -> set[str]:
    return set(json.loads(run_python(f"import json, sys\nimport {module}\nprint(json.dumps(sorted(sys.modules)))")))


@pytest.mark.parametrize("function", API_FUNCTIONS)
def test_a_function_imports_only_what_every_request_needs(function: str) -> None:
    loaded = modules_after_import(FUNCTIONS[function].module)
    assert FUNCTIONS[function].module in loaded  # the check looks at the right process
    unexpected = [name for name in NOT_AT_COLD_START if name in loaded]
    if function == "films":
        unexpected += [name for name in FILMS_POSTER_ONLY if name in loaded]
    domain = {name for name in loaded if DOMAIN_MODULE.fullmatch(name)}
    unexpected += sorted(domain - DOMAIN_AT_COLD_START.get(function, set()))
    assert unexpected == [], f"{function} imports {unexpected} at cold start"


def test_the_check_sees_modules_a_handler_imports() -> None:
    """The check above can fail: a module that imports one of the listed libraries shows it."""
    loaded = modules_after_import("moods.handler, httpx, filmhub.security.passwords, filmhub.ratings.service")
    assert {"httpx", "argon2"} <= loaded
    assert {"filmhub.ratings.service", "filmhub.ratings.ports", "filmhub.core.entities"} <= {
        name for name in loaded if DOMAIN_MODULE.fullmatch(name)
    }


def test_the_bot_imports_no_search_or_llm_stack_at_cold_start() -> None:
    loaded = modules_after_import(FUNCTIONS["bot"].module)
    assert [name for name in ("openai", "httpx", "cryptography", "jwt", "rich", "argon2") if name in loaded] == []


#: Neither background function talks to Telegram through aiogram, to an LLM, or checks passwords or tokens; the
#: transfer worker's HTTP calls (providers while matching, the Telegram notice) import httpx when they happen.
NOT_IN_BACKGROUND = ("aiogram", "aiohttp", "openai", "httpx", "rich", "argon2", "cryptography", "jwt")


def test_the_transfer_worker_imports_what_its_jobs_use_on_first_use() -> None:
    loaded = modules_after_import(QUEUE_WORKERS["transfer_worker"].module)
    assert [name for name in NOT_IN_BACKGROUND if name in loaded] == []


def test_the_rating_aggregator_imports_no_more_than_the_stream_needs() -> None:
    loaded = modules_after_import("rating_aggregator.handler")
    # (zipfile is no sign of the transfer formats: the tracing hooks' wrapt imports it, through importlib.metadata.)
    unexpected = (*NOT_IN_BACKGROUND, "filmhub.transfer", "csv", "aws_lambda_powertools.event_handler")
    assert [name for name in unexpected if name in loaded] == []


#: A request handled by the moods function with tracing on, the X-Ray SDK's emitter replaced by a list: no
#: daemon, no network.  Lambda's trace header makes the SDK's facade segment (sampled) the parent.
TRACED_REQUEST = """
import json
import moods.handler  # first, as Lambda does: the tracing hooks must catch the imports that follow
from tests.support.aws import mocked_aws
from local.gateway import LambdaContextStub
from filmhub.http import observability

sent = []

class Capture:
    def send_entity(self, entity):
        sent.append(json.loads(entity.serialize()))

    def set_daemon_address(self, address):
        pass

observability.xray_recorder().emitter = Capture()
event = {
    "version": "2.0", "routeKey": "GET /api/v1/moods", "rawPath": "/api/v1/moods", "rawQueryString": "",
    "headers": {}, "isBase64Encoded": False,
    "requestContext": {"http": {"method": "GET", "path": "/api/v1/moods", "sourceIp": "127.0.0.1",
                                "protocol": "HTTP/1.1", "userAgent": "test"},
                       "requestId": "r1", "routeKey": "GET /api/v1/moods", "stage": "$default"},
}
with mocked_aws():
    sent.clear()  # the table's creation, traced as the facade segment's children: not the request's
    context = LambdaContextStub(function_name="filmhub-moods", aws_request_id="r1")
    response = moods.handler.lambda_handler(event, context)
print(json.dumps({"status": response["statusCode"], "sent": sent}))
"""
TRACE_ID = "1-5759e988-bd862e3fe1be46a994272793"
LAMBDA_PARENT = "53995c3f42cd8ad8"


def test_a_handled_request_is_traced_when_tracing_is_on() -> None:
    out = json.loads(run_python(TRACED_REQUEST, _X_AMZN_TRACE_ID=f"Root={TRACE_ID};Parent={LAMBDA_PARENT};Sampled=1"))
    assert out["status"] == 200
    by_name = {entity["name"]: entity for entity in out["sent"]}
    handler = by_name["## handler"]  # Powertools' subsegment around the whole invocation
    assert handler["trace_id"] == TRACE_ID
    assert handler["parent_id"] == LAMBDA_PARENT
    assert handler["annotations"]["ColdStart"] is True
    # The DynamoDB Query that read the moods, recorded by the botocore patch inside the handler's subsegment.
    dynamodb = [entity for entity in out["sent"] if entity.get("namespace") == "aws"]
    assert dynamodb, out["sent"]
    assert all(entity["parent_id"] == handler["id"] and entity["trace_id"] == TRACE_ID for entity in dynamodb)
    assert any(entity["aws"].get("operation") == "Query" for entity in dynamodb)


def test_tracing_off_records_nothing() -> None:
    """The same request with tracing disabled (tests, the local stack): nothing reaches the emitter."""
    out = json.loads(
        run_python(
            TRACED_REQUEST,
            _X_AMZN_TRACE_ID=f"Root={TRACE_ID};Parent={LAMBDA_PARENT};Sampled=1",
            POWERTOOLS_TRACE_DISABLED="true",
        )
    )
    assert out == {"status": 200, "sent": []}
