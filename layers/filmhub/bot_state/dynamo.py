"""The Telegram bot's own items: processed update ids (the idempotent webhook) and list page cursors.

Key layout: ``TABLE.md`` (bot update, bot page).  Each method is one round trip.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import PutError

from filmhub.table.models import BotPageCursor, ProcessedUpdate
from filmhub.table.operations import condition_failed

#: Telegram keeps an unacknowledged update for at most 24 hours, so no retry arrives later than that.
UPDATE_TTL = timedelta(days=1)
#: A list message in a chat outlives its cursor; after this its arrows start the list over.
PAGE_TTL = timedelta(days=7)
#: 64 random bits, 11 URL-safe characters: unguessable, and short enough for callback data.
PAGE_TOKEN_BYTES = 8


class DynamoBotState:
    def claim_update(self, update_id: int) -> bool:
        """Record the update as taken; False when it already was (a retry or a duplicate delivery)."""
        item = ProcessedUpdate(*ProcessedUpdate.key(update_id), expires_at=datetime.now(UTC) + UPDATE_TTL)
        try:
            item.save(condition=ProcessedUpdate.PK.does_not_exist())
        except PutError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def save_page(self, cursor: str, previous: str) -> str:
        """Keep ``cursor`` (and the token of the page before it) under a new short token."""
        token = secrets.token_urlsafe(PAGE_TOKEN_BYTES)
        expires_at = datetime.now(UTC) + PAGE_TTL
        BotPageCursor(*BotPageCursor.key(token), cursor=cursor, previous=previous, expires_at=expires_at).save()
        return token

    def load_page(self, token: str) -> tuple[str, str] | None:
        """The cursor and the previous page's token saved under ``token``; None once it has expired."""
        try:
            # Strongly consistent: the arrow that carries the token may be pressed the instant it was saved.
            item = BotPageCursor.get(*BotPageCursor.key(token), consistent_read=True)
        except BotPageCursor.DoesNotExist:
            return None
        return item.cursor, item.previous
