"""The one DynamoDB table: keys, indexes and TTL, shared by CDK, the local stack and the tests.

This module is plain data (no boto3, no PynamoDB) so that the CDK app can import it cheaply.
Which entity lives under which key, and which access pattern each index serves, is documented
in ``TABLE.md`` next to this file; the key builders are in ``models.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

PARTITION_KEY = "PK"
SORT_KEY = "SK"
TTL_ATTRIBUTE = "expires_at"
#: The table's change stream: the rating aggregator folds each rating's old and new score from it.
STREAM_VIEW_TYPE = "NEW_AND_OLD_IMAGES"


@dataclass(frozen=True)
class IndexDefinition:
    name: str
    partition_key: str
    sort_key: str
    local: bool = False


#: Generic, overloaded indexes.  Every attribute is a string.
#: GSI1  collections: a user's lists, films owned by a user, all mixes.
#: GSI2/3/4  sparse: the built-in liked / wish / watched lists, newest first, on the
#:           per-(user, film) state item (only items with that flag set are projected).
#: GSI5  sparse, recommendation sampling: films in 8 shards by type, then random id; each genre's films in a circle.
#: LSI1  ordered members of one partition, strongly consistent: a list's items newest
#:       first, a mix's items in display order (the list / mix header sorts at the edge).
GLOBAL_INDEXES: tuple[IndexDefinition, ...] = (
    IndexDefinition("GSI1", "GSI1PK", "GSI1SK"),
    IndexDefinition("GSI2", "GSI2PK", "GSI2SK"),
    IndexDefinition("GSI3", "GSI3PK", "GSI3SK"),
    IndexDefinition("GSI4", "GSI4PK", "GSI4SK"),
    IndexDefinition("GSI5", "GSI5PK", "GSI5SK"),
)
LOCAL_INDEXES: tuple[IndexDefinition, ...] = (IndexDefinition("LSI1", PARTITION_KEY, "LSI1SK", local=True),)


def key_attribute_names() -> list[str]:
    names = [PARTITION_KEY, SORT_KEY]
    for index in GLOBAL_INDEXES + LOCAL_INDEXES:
        for attribute in (index.partition_key, index.sort_key):
            if attribute not in names:
                names.append(attribute)
    return names


def create_table_kwargs(table_name: str) -> dict:
    """Arguments for boto3 ``create_table``: used by the local stack and the tests."""
    projection = {"ProjectionType": "ALL"}
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": STREAM_VIEW_TYPE},
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"} for name in key_attribute_names()],
        "KeySchema": [
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": projection,
            }
            for index in GLOBAL_INDEXES
        ],
        "LocalSecondaryIndexes": [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": projection,
            }
            for index in LOCAL_INDEXES
        ],
    }
