"""``make bench``: DynamoDB calls per request for every endpoint, and each function's cold import time.

Calls are counted at the botocore level over moto with the catalog cache disabled (worst case),
at list sizes 1, 10 and 100.  Import times come from ``python -X importtime`` in a fresh process
(run once before to write the .pyc files), beside a bare ``import boto3`` measured the same way.
Run ``python -m tests.bench --write`` to refresh docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import tests.conftest  # noqa: F401 - the test environment, before filmhub is imported
from filmhub.routes import FUNCTIONS
from tests.support.api import ApiClient, ApiResponse
from tests.support.aws import DynamoCallCounter, mocked_aws
from tests.support.fixtures import make_films, make_mix, new_user_token

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1, 10, 100)
BUDGET = 3

#: A bench case prepares data for a list size and returns the request to measure.
Request = Callable[[ApiClient], ApiResponse]
Setup = Callable[[int], Request]


@dataclass(frozen=True)
class BenchCase:
    endpoint: str
    setup: Setup
    budget: int = BUDGET
    sized: bool = True


def _fixed(request: Request) -> Setup:
    return lambda _size: request


def _mix_items(size: int) -> Request:
    films = make_films(size)
    mix_id = make_mix([film.id for film in films])
    token = new_user_token()
    return lambda api: api.get(f"/mix/{mix_id}/items", token=token)


def _mix_by_id(size: int) -> Request:
    mix_id = make_mix([film.id for film in make_films(size)])
    return lambda api: api.get(f"/mix/{mix_id}")


CASES: list[BenchCase] = [
    BenchCase("GET /genres", _fixed(lambda api: api.get("/genres")), sized=False),
    BenchCase(
        "GET /genres?moods_ids", _fixed(lambda api: api.get("/genres", query={"moods_ids": _a_mood(api)})), sized=False
    ),
    BenchCase("GET /moods", _fixed(lambda api: api.get("/moods")), sized=False),
    BenchCase("GET /mix", _fixed(lambda api: api.get("/mix")), sized=False),
    BenchCase("GET /mix/{id}", _mix_by_id, sized=False),
    BenchCase("GET /mix/{id}/items", _mix_items),
]


def _a_mood(api: ApiClient) -> str:
    from filmhub.seed.catalog import MOODS

    return MOODS[0].id


def measure_calls(case: BenchCase, size: int) -> tuple[int, int]:
    with mocked_aws():
        from filmhub.seed.seeder import seed_catalog

        seed_catalog()
        request = case.setup(size)
        api = ApiClient()
        with DynamoCallCounter().counting() as counter:
            response = request(api)
        return counter.total, response.status


def import_time_ms(module: str) -> float:
    """Median cumulative import time of ``module`` (and its parent packages) in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("layers", "functions", "."))}
    command = [sys.executable, "-X", "importtime", "-c", f"import {module}"]
    subprocess.run(command, env=env, capture_output=True, check=True)  # writes the .pyc files first
    parts = module.split(".")
    targets = {".".join(parts[: i + 1]) for i in range(len(parts))}
    samples = []
    for _ in range(3):
        stderr = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stderr
        # Unindented lines are imported by the statement itself; nested ones are already in their cumulative.
        found = re.findall(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", stderr, flags=re.MULTILINE)
        samples.append(sum(int(us) for us, name in found if name in targets) / 1000)
    return statistics.median(samples)


def run(write: bool) -> int:
    lines = [f"# Benchmarks\n\nProduced by `make bench` on {datetime.now(UTC):%Y-%m-%d} ({sys.version.split()[0]}).\n"]
    lines.append("## DynamoDB calls per request (moto, catalog cache off)\n")
    lines.append("| endpoint | " + " | ".join(f"n={size}" for size in SIZES) + " | budget |")
    lines.append("|---|" + "---|" * (len(SIZES) + 1))
    over_budget = []
    for case in CASES:
        sizes = SIZES if case.sized else SIZES[:1]
        cells = []
        for size in sizes:
            calls, status = measure_calls(case, size)
            cells.append(f"{calls} ({status})")
            if calls > case.budget:
                over_budget.append(f"{case.endpoint} n={size}: {calls}")
        cells += ["="] * (len(SIZES) - len(sizes))
        lines.append(f"| {case.endpoint} | " + " | ".join(cells) + f" | ≤ {case.budget} |")
        print(lines[-1], flush=True)

    lines.append("\n## Cold import time per function (`python -X importtime`, .pyc present, median of 3)\n")
    lines.append("| module | ms |")
    lines.append("|---|---|")
    started = time.perf_counter()
    for module, label in [("boto3", "bare `import boto3`")] + [
        (spec.module, f"`{spec.module}` ({name})") for name, spec in sorted(FUNCTIONS.items())
    ]:
        lines.append(f"| {label} | {import_time_ms(module):.0f} |")
        print(lines[-1], flush=True)
    print(f"(import timing took {time.perf_counter() - started:.0f} s)")
    if write:
        (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if over_budget:
        print("OVER BUDGET:", *over_budget, sep="\n  ")
        return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    sys.exit(run(parser.parse_args().write))


if __name__ == "__main__":
    main()
