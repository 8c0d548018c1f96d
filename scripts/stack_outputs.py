"""Print a deployed stack's outputs (the file ``cdk deploy --outputs-file`` wrote) for a human.

python scripts/stack_outputs.py cdk.out/dev/outputs.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: Shown first, in this order: what someone who just deployed wants to click or copy.
FIRST = ("ApiUrl", "ApiEndpoint", "TelegramWebhookUrl", "PostersBaseUrl", "TableName", "PostersBucketName")


def format_outputs(outputs: dict[str, dict[str, str]]) -> str:
    lines: list[str] = []
    for stack, values in outputs.items():
        lines.append(f"{stack}:")
        ordered = [key for key in FIRST if key in values] + sorted(key for key in values if key not in FIRST)
        width = max((len(key) for key in ordered), default=0)
        lines += [f"  {key.ljust(width)}  {values[key]}" for key in ordered]
        if "ApiUrl" in values:
            lines.append(f"\nTry it:  curl {values['ApiUrl']}/genres")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print(format_outputs(json.loads(Path(argv[1]).read_text())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
