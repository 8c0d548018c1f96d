"""Seed genres, moods and the editorial mixes into a deployed stack's table: the one-off alternative to the
seeding custom resource (e.g. after restoring a table from a backup).  Idempotent: a re-run with the same seed
data is skipped by the seeder's fingerprint marker unless ``--force``.

    python scripts/seed_remote.py --stack FilmHub-dev [--force] [--endpoint-url http://localhost:4566]

Uses your AWS credentials and region (``AWS_PROFILE``, ``AWS_REGION`` …); ``--endpoint-url`` targets LocalStack.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def table_name(stack: str, endpoint_url: str | None) -> str:
    import boto3

    described = boto3.client("cloudformation", endpoint_url=endpoint_url).describe_stacks(StackName=stack)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])}
    if "TableName" not in outputs:
        raise SystemExit(f"stack {stack} has no TableName output")
    return outputs["TableName"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", required=True, help="stack name, e.g. FilmHub-dev")
    parser.add_argument("--force", action="store_true", help="write everything even if the marker says it's done")
    parser.add_argument("--endpoint-url", help="LocalStack endpoint, e.g. http://localhost.localstack.cloud:4566")
    args = parser.parse_args(argv)

    # Settings are read once, on first import of filmhub: configure the process before that.
    os.environ["TABLE_NAME"] = table_name(args.stack, args.endpoint_url)
    if args.endpoint_url:
        os.environ["DYNAMODB_ENDPOINT_URL"] = args.endpoint_url
    sys.path.insert(0, str(ROOT / "layers"))
    from filmhub.seed.seeder import seed

    report = seed(force=args.force)
    state = "already seeded (skipped)" if report.skipped else f"seeded {report.films} films, {report.mixes} mixes"
    print(f"{args.stack} table {os.environ['TABLE_NAME']}: {state}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
