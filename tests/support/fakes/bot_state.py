"""The bot's own table items in memory: claimed update ids and saved list pages."""

from __future__ import annotations


class InMemoryBotState:
    def __init__(self) -> None:
        self.claimed: list[int] = []
        self.pages: dict[str, tuple[str, str]] = {}

    def claim_update(self, update_id: int) -> bool:
        if update_id in self.claimed:
            return False
        self.claimed.append(update_id)
        return True

    def save_page(self, cursor: str, previous: str) -> str:
        token = f"t{len(self.pages)}"
        self.pages[token] = (cursor, previous)
        return token

    def load_page(self, token: str) -> tuple[str, str] | None:
        return self.pages.get(token)
