"""Schema fuzzing: schemathesis generates requests for every operation of the local stack's own OpenAPI
document and sends them over real HTTP as a signed-in user.  No answer may be a 5xx or contradict the
document (its status codes, content types and response schemas).

Valid (positive) and invalid (negative) requests are generated for each operation from a fixed seed.  Half
of the valid ones use ids that exist (the user's film and list, the list's share slug, a seeded mix, genre and
mood) instead of random UUIDs, so they reach past the 404s.  Every defect this found has a regular test of its own, in
``tests/integration/test_openapi_document.py`` (docs/decisions.md § Hardening).  The stack's abuse limits
are the test environment's (``tests/conftest.py``): on, so every registration, film creation and edit the
run sends writes its counter inside its own transaction beside the caller's existence check, and far above
what the run sends, so what is checked is the operations, not 429s (each documents its 429; the limits
themselves are tests/integration/test_rate_limits.py and the authorization matrix).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.e2e import register
from tests.support.local_stack import LocalStackProcess

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

SEED = 20_261_129
#: Per operation and generation mode: 53 operations x 2 modes x 15 ≈ 1,600 requests (operations
#: without parameters have one possible request and get one).
EXAMPLES = 15
MIN_REQUESTS = 1000
#: The whole run stops generating after this; alone on two cores the run takes about four minutes (49 operations).
DEADLINE_SECONDS = 360
#: No 5xx, and status codes, content types and bodies as documented: every check applies, none is dropped.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class FuzzRun:
    stack: LocalStackProcess
    token: str
    #: Ids that exist, by path parameter name; refreshed before each operation.
    known: dict[str, str] = field(default_factory=dict)
    sent: Counter[str] = field(default_factory=Counter)
    failures: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    session: requests.Session = field(default_factory=requests.Session)
    deadline: float = field(default_factory=lambda: time.monotonic() + DEADLINE_SECONDS)

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        response = self.stack.request(method, f"/api/v1{path}", json_body=body, token=self.token)
        assert response.status in (200, 201), (path, response.body)
        return response.json

    def refresh_known(self) -> None:
        """Ids that exist now: a fresh list and diary entry each time (an earlier operation may have deleted them)."""
        if not self.known:
            self.known = {
                "film_id": self.call("POST", "/films", {"title": "Фаззинг", "description": "Ф"})["id"],
                "mix_id": self.call("GET", "/mix")[0]["id"],
                "genre_id": self.call("GET", "/genres")[0]["id"],
                "mood_id": self.call("GET", "/moods")[0]["id"],
                "import_id": self.call("POST", "/me/imports", {"format": "imdb", "filename": "r.csv"})["import_id"],
                "export_id": self.call("POST", "/me/exports")["export_id"],
            }
        self.known["list_id"] = self.call("POST", "/me/watchlists", {"title": "Фаззинг"})["id"]
        self.known["slug"] = self.call("POST", f"/me/watchlists/{self.known['list_id']}/share")["slug"]
        self.known["entry_id"] = self.call("POST", "/me/diary", {"film_id": self.known["film_id"]})["id"]

    def exercise(self, operation: APIOperation, mode: GenerationMode) -> None:
        use_known = st.booleans() if mode is GenerationMode.POSITIVE else st.just(False)

        @seed(SEED)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode), known=use_known)
        def send(case: Case, known: bool) -> None:
            if time.monotonic() > self.deadline:
                return
            if known:
                for name in case.path_parameters or {}:
                    case.path_parameters[name] = self.known.get(name, case.path_parameters[name])
                if isinstance(case.body, dict) and "film_id" in case.body:
                    case.body["film_id"] = self.known["film_id"]
            response = case.call(session=self.session, headers={"Authorization": f"Bearer {self.token}"}, timeout=30)
            self.sent[operation.label] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:
                for failure in group.exceptions:
                    where = f"{operation.label} ({mode.value}) -> {response.status_code}: {failure.title}"
                    self.failures[where].add(f"{case.as_curl_command()}\n{response.text[:300]}")

        try:
            send()
        except Unsatisfiable:
            # Nothing to negate: the operation has no parameters or body (GET /mix, GET /health ...).
            assert mode is GenerationMode.NEGATIVE, operation.label

    def report(self) -> str:
        lines = [f"{len(self.failures)} kinds of failure:"]
        for where, examples in sorted(self.failures.items()):
            lines += [where, *(f"    {example}" for example in sorted(examples)[:2])]
        return "\n".join(lines)


def operations(stack: LocalStackProcess) -> list[APIOperation]:
    # The docs function builds the document on its first request (a cold start): give it time on a busy machine.
    schema = schemathesis.openapi.from_url(f"{stack.base_url}/api/schema/openapi.json", timeout=60)
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_answers_as_documented(stack: LocalStackProcess) -> None:
    run = FuzzRun(stack, register(stack, "fuzz"))
    started = time.monotonic()
    documented = operations(stack)
    for operation in documented:
        run.refresh_known()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run.exercise(operation, mode)
    elapsed = time.monotonic() - started
    total = sum(run.sent.values())
    print(f"schemathesis: {total} requests over {len(documented)} operations in {elapsed:.0f} s")
    assert not run.failures, run.report()
    assert set(run.sent) == {operation.label for operation in documented}
    assert total >= MIN_REQUESTS, f"only {total} requests before the {DEADLINE_SECONDS} s deadline"
