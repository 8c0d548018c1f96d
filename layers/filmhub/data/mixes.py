"""DynamoDB side of mix curation: headers, ordered entries (LSI1), cascade delete."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError

from filmhub.data.conditions import cancelled_by_condition, condition_failed, purge_entries
from filmhub.data.film_store import transaction
from filmhub.data.models import HEADER_FIRST_ASCENDING, FilmItem, MixEntry, MixItem, TableItem
from filmhub.data.repositories import batch_get, film_from_item, mix_from_item
from filmhub.domain.entities import Film, Mix
from filmhub.domain.errors import NotFound

#: One transaction holds 100 actions: the header check plus 99 entries.
MAX_REORDER_PER_TRANSACTION = 99
LIVE_MIX = MixItem.PK.exists() & MixItem.deleting.does_not_exist()


def mix_to_item(mix: Mix) -> MixItem:
    g = mix.gradient
    item = MixItem(*MixItem.key(mix.id), id=mix.id, title=mix.title, position=mix.position,
                   color1=g.color1, color2=g.color2, color3=g.color3)  # fmt: skip
    item.GSI1PK, item.GSI1SK = MixItem.index_key(mix.position, mix.id)
    item.LSI1SK = HEADER_FIRST_ASCENDING
    return item


def _entry(mix_id: str, film_id: str, position: int) -> MixEntry:
    entry = MixEntry(*MixEntry.key(mix_id, film_id), film_id=film_id, position=position)
    entry.LSI1SK = MixEntry.order_key(position, film_id)
    return entry


class DynamoMixRepository:
    def create(self, mix: Mix) -> None:
        mix_to_item(mix).save(condition=MixItem.PK.does_not_exist())

    def update(self, mix: Mix) -> None:
        try:
            mix_to_item(mix).save(condition=LIVE_MIX)
        except PutError as error:
            if condition_failed(error):
                raise NotFound("Mix not found") from error
            raise

    def get_with_film(self, mix_id: str, film_id: str) -> tuple[Mix | None, Film | None]:
        items = batch_get([MixItem.key(mix_id), FilmItem.key(film_id)], consistent_read=True)
        mix = next((mix_from_item(i) for i in items if isinstance(i, MixItem) and not i.deleting), None)
        film = next((film_from_item(i) for i in items if isinstance(i, FilmItem)), None)
        return mix, film

    def add_entry(self, mix_id: str, film_id: str, position: int) -> None:
        try:
            with transaction() as tx:
                tx.condition_check(MixItem, *MixItem.key(mix_id), condition=LIVE_MIX)
                tx.save(_entry(mix_id, film_id, position), condition=MixEntry.PK.does_not_exist())
        except TransactWriteError as error:
            if cancelled_by_condition(error, 0):
                raise NotFound("Mix not found") from error
            if not cancelled_by_condition(error, 1):  # an entry already there keeps its place
                raise

    def remove_entry(self, mix_id: str, film_id: str) -> bool:
        try:
            MixEntry(*MixEntry.key(mix_id, film_id)).delete(condition=MixEntry.PK.exists())
        except DeleteError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def entries(self, mix_id: str) -> tuple[Mix | None, list[str]]:
        pk, _ = MixItem.key(mix_id)
        header: Mix | None = None
        film_ids: list[str] = []
        for item in TableItem.lsi1.query(pk, consistent_read=True):
            if isinstance(item, MixItem) and not item.deleting:
                header = mix_from_item(item)
            elif isinstance(item, MixEntry):
                film_ids.append(item.film_id)
        return header, film_ids

    def reorder(self, mix_id: str, film_ids: Sequence[str]) -> None:
        for offset in range(0, len(film_ids), MAX_REORDER_PER_TRANSACTION):
            with transaction() as tx:
                tx.condition_check(MixItem, *MixItem.key(mix_id), condition=LIVE_MIX)
                for position, film_id in enumerate(film_ids[offset : offset + MAX_REORDER_PER_TRANSACTION], offset):
                    tx.save(_entry(mix_id, film_id, position), condition=MixEntry.PK.exists())

    def mark_deleting(self, mix_id: str) -> None:
        MixItem(*MixItem.key(mix_id)).update(
            actions=[MixItem.deleting.set(True), MixItem.GSI1PK.remove(), MixItem.GSI1SK.remove()],
            condition=MixItem.PK.exists(),
        )

    def purge(self, mix_id: str) -> None:
        purge_entries(MixItem(*MixItem.key(mix_id)))
