"""Upgrade a deployed stack's table to the bounded film index (``filmhub.films.migration``): resumable and
idempotent, safe to run while the API serves (run it after deploying the code that writes the new index).

    python scripts/migrate.py --stack FilmHub-dev [--again] [--pages N] [--endpoint-url http://localhost:4566]

It Scans the table page by page (never a request path), saving its position in the table after each page:
an interrupted run resumes where it stopped; a finished run is skipped unless ``--again``.
Uses your AWS credentials and region (``AWS_PROFILE``, ``AWS_REGION`` …).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from seed_remote import table_name  # noqa: E402 - the scripts folder is not a package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", required=True, help="stack name, e.g. FilmHub-dev")
    parser.add_argument("--again", action="store_true", help="run again although a previous run finished")
    parser.add_argument("--pages", type=int, help="stop after this many Scan pages (resume later)")
    parser.add_argument("--endpoint-url", help="LocalStack endpoint, e.g. http://localhost.localstack.cloud:4566")
    args = parser.parse_args(argv)

    # Settings are read once, on first import of filmhub: configure the process before that.
    os.environ["TABLE_NAME"] = table_name(args.stack, args.endpoint_url)
    if args.endpoint_url:
        os.environ["DYNAMODB_ENDPOINT_URL"] = args.endpoint_url
    sys.path.insert(0, str(ROOT / "layers"))
    from filmhub.films.migration import migrate

    report = migrate(again=args.again, max_pages=args.pages)
    if report.skipped:
        print(f"{args.stack}: the film index is already current (--again to run anyway)")
    else:
        state = "done" if report.done else "paused (run again to resume)"
        print(f"{args.stack}: {report.films} films indexed, {report.removed} old postings removed, {state}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
