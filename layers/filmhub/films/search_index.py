"""The title and description index over DynamoDB: the ``SearchIndex`` port.

One BatchGetItem of the tokens' heads (``films/index.py``): at most 100 keys, each item a few KB, so a
search reads the same whatever the catalog's size.
"""

from __future__ import annotations

from collections.abc import Collection

from filmhub.films.dynamo import read_heads
from filmhub.films.index import TOKEN_CANDIDATES, best, description_partition, title_partitions
from filmhub.films.ports import Postings

#: Keys one BatchGetItem takes.
MAX_KEYS = 100


class DynamoSearchIndex:
    def postings(self, title_tokens: Collection[str], description_tokens: Collection[str]) -> Postings:
        wanted = [(token, title_partitions(token)) for token in dict.fromkeys(title_tokens)]
        title_count = len(wanted)
        wanted += [(token, [description_partition(token)]) for token in dict.fromkeys(description_tokens)]
        # Over the budget, the shortest tokens go first: they are the least selective (and sharded).
        kept: set[int] = set()
        keys = 0
        for position in sorted(range(len(wanted)), key=lambda i: -len(wanted[i][0])):
            if keys + len(wanted[position][1]) <= MAX_KEYS:
                kept.add(position)
                keys += len(wanted[position][1])
        heads = read_heads(partition for position in sorted(kept) for partition in wanted[position][1])
        titles: dict[str, dict[str, int]] = {}
        descriptions: dict[str, dict[str, int]] = {}
        for position in sorted(kept):
            token, partitions = wanted[position]
            target = titles if position < title_count else descriptions
            target[token] = best((heads.get(partition, {}) for partition in partitions), TOKEN_CANDIDATES)
        return Postings(titles=titles, descriptions=descriptions)
