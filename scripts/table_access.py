"""The table a maintenance script works on: a deployed stage's (``--table``) or the running local stack's."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / ".local" / "data"
LOCAL_TABLE = "filmhub-local"


def add_table_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--table", help="a deployed table; default: the running local stack")
    parser.add_argument("--region", default="eu-central-1")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="the local stack's data folder")


def table_client(args: argparse.Namespace) -> tuple[str, Any] | None:
    """(table name, DynamoDB client); None (with a message) when the local stack is not running."""
    if args.table:
        return args.table, boto3.client("dynamodb", region_name=args.region)
    endpoint_file = args.data_dir / "moto-endpoint"
    if not endpoint_file.exists():
        print("the local stack is not running: start it with `make run` first", file=sys.stderr)
        return None
    client = boto3.client(
        "dynamodb",
        region_name=args.region,
        endpoint_url=endpoint_file.read_text().strip(),
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return LOCAL_TABLE, client
