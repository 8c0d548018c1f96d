"""Test modules share helpers through ``tests/support`` only: importing from a test module or a conftest
runs (or re-collects) its tests, and hides a helper where nobody looks for one."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
#: ``from tests.<suite>.<module> import …`` where the module is a test module or a conftest.
FROM_TEST_MODULE = re.compile(r"^\s*(?:from|import)\s+tests\.\w+\.(?:test_\w+|conftest)\b", re.MULTILINE)


def test_no_test_module_imports_from_another_test_module_or_a_conftest() -> None:
    modules = sorted(TESTS.rglob("*.py"))
    assert len(modules) > 20
    offenders = {str(path.relative_to(TESTS)) for path in modules if FROM_TEST_MODULE.search(path.read_text())}
    assert offenders == set()
