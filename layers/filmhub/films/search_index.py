"""The title and description index over DynamoDB: the ``SearchIndex`` port."""

from __future__ import annotations

from collections.abc import Collection

from filmhub.films.ports import Postings
from filmhub.table.models import DescriptionToken, TitleToken
from filmhub.table.operations import batch_get


class DynamoSearchIndex:
    def postings(self, title_tokens: Collection[str], description_tokens: Collection[str]) -> Postings:
        keys = [TitleToken.key(token) for token in title_tokens]
        keys += [DescriptionToken.key(token) for token in description_tokens]
        titles: dict[str, set[str]] = {}
        descriptions: dict[str, set[str]] = {}
        for item in batch_get(keys):
            if isinstance(item, TitleToken):
                titles[item.PK.removeprefix("TOKEN#")] = set(item.film_ids or ())
            elif isinstance(item, DescriptionToken):
                descriptions[item.PK.removeprefix("DTOKEN#")] = set(item.film_ids or ())
        return Postings(titles=titles, descriptions=descriptions)
