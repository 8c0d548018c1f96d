"""Grant or revoke the admin role — the only way to change a role (no HTTP route can).

Idempotent. Against the running local stack (``make admin EMAIL=…``) it finds the moto endpoint in
the data folder; against a deployed stage pass ``--table`` with AWS credentials in the environment:

    python scripts/set_role.py someone@example.com --table FilmHub-prod-Table… --region eu-central-1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers"))

from table_access import add_table_arguments, table_client  # noqa: E402

from filmhub.accounts.service import normalize_email  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("email")
    parser.add_argument("--role", choices=["admin", "user"], default="admin")
    add_table_arguments(parser)
    args = parser.parse_args()
    access = table_client(args)
    if access is None:
        return 2
    table, client = access
    email = normalize_email(args.email)
    claim = client.get_item(
        TableName=table, Key={"PK": {"S": f"EMAIL#{email}"}, "SK": {"S": "EMAIL"}}, ConsistentRead=True
    )
    if "Item" not in claim:
        print(f"no user with email {email}", file=sys.stderr)
        return 1
    user_id = claim["Item"]["user_id"]["S"]
    client.update_item(
        TableName=table,
        Key={"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "PROFILE"}},
        UpdateExpression="SET #role = :role",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeNames={"#role": "role"},
        ExpressionAttributeValues={":role": {"S": args.role}},
    )
    print(f"{email} ({user_id}) is now {args.role}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
