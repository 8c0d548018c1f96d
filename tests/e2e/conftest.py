from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.local_stack import LocalStackProcess


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    """One real local stack (moto server + gateway) for the e2e session."""
    running = LocalStackProcess(data_dir=Path(tmp_path_factory.mktemp("stack")) / "data").start()
    yield running
    running.stop()
