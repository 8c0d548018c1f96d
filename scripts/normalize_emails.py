"""Move every stored email to its normal form (NFKC, trimmed, lower case), the form registration and login use.

Accounts registered before emails were NFKC-normalized may hold a claim like ``EMAIL#ｌｏｏｋ@…``: login would
no longer find them (it looks the normal form up), and a look-alike could register the normal form.  Each such
claim is moved in one transaction (new claim if free, old claim deleted, the user's email updated); a claim
whose normal form belongs to another account is reported and left for an operator.  Idempotent.  Scans the
table once: a maintenance job, never a request path.

    python scripts/normalize_emails.py --table FilmHub-prod-Table… --region eu-central-1
    python scripts/normalize_emails.py               # the running local stack
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers"))

from table_access import add_table_arguments, table_client  # noqa: E402

from filmhub.accounts.service import normalize_email  # noqa: E402

CLAIM_PREFIX = "EMAIL#"


@dataclass
class Report:
    moved: list[tuple[str, str]] = field(default_factory=list)
    #: (stored email, its normal form): another account already holds the normal form.
    collisions: list[tuple[str, str]] = field(default_factory=list)


def email_claims(client: Any, table: str) -> list[tuple[str, str]]:
    """(email, user id) of every email claim."""
    claims = []
    for page in client.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="#kind = :claim",
        ProjectionExpression="PK, user_id",
        ExpressionAttributeNames={"#kind": "kind"},
        ExpressionAttributeValues={":claim": {"S": "email_claim"}},
    ):
        claims += [(item["PK"]["S"].removeprefix(CLAIM_PREFIX), item["user_id"]["S"]) for item in page["Items"]]
    return claims


def normalize_stored_emails(client: Any, table: str) -> Report:
    report = Report()
    for email, user_id in email_claims(client, table):
        normal = normalize_email(email)
        if normal == email:
            continue
        owner = {":user": {"S": user_id}}
        try:
            client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": table,
                            "Item": {
                                "PK": {"S": CLAIM_PREFIX + normal},
                                "SK": {"S": "EMAIL"},
                                "kind": {"S": "email_claim"},
                                "user_id": {"S": user_id},
                            },
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    {
                        "Delete": {
                            "TableName": table,
                            "Key": {"PK": {"S": CLAIM_PREFIX + email}, "SK": {"S": "EMAIL"}},
                            "ConditionExpression": "user_id = :user",
                            "ExpressionAttributeValues": owner,
                        }
                    },
                    {
                        "Update": {
                            "TableName": table,
                            "Key": {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "PROFILE"}},
                            "UpdateExpression": "SET email = :email",
                            "ConditionExpression": "attribute_exists(PK)",
                            "ExpressionAttributeValues": {":email": {"S": normal}},
                        }
                    },
                ]
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            report.collisions.append((email, normal))
            continue
        report.moved.append((email, normal))
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_table_arguments(parser)
    access = table_client(parser.parse_args())
    if access is None:
        return 2
    table, client = access
    report = normalize_stored_emails(client, table)
    for email, normal in report.moved:
        print(f"moved {email!r} to {normal!r}")
    for email, normal in report.collisions:
        print(f"NOT moved {email!r}: {normal!r} belongs to another account", file=sys.stderr)
    return 1 if report.collisions else 0


if __name__ == "__main__":
    sys.exit(main())
