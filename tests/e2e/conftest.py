from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.e2e import WEBHOOK_SECRET
from tests.support.fake_bot_api import BOT_TOKEN, FakeBotApi
from tests.support.local_stack import LocalStackProcess


@pytest.fixture(scope="session")
def bot_api() -> Iterator[FakeBotApi]:
    """The Bot API the stack's bot calls over HTTP."""
    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, bot_api: FakeBotApi) -> Iterator[LocalStackProcess]:
    """One real local stack (moto server + gateway) for the e2e session, its bot talking to ``bot_api``."""
    bot_settings = {
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "TELEGRAM_API_URL": bot_api.url,
    }
    data_dir = Path(tmp_path_factory.mktemp("stack")) / "data"
    running = LocalStackProcess(data_dir=data_dir, env=bot_settings).start()
    yield running
    running.stop()
