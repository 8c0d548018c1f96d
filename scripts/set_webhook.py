"""Register the bot's webhook with Telegram (``make bot-webhook``): the URL, the secret Telegram sends back in
``X-Telegram-Bot-Api-Secret-Token``, the updates the bot handles, and the command menu.

    python scripts/set_webhook.py --stack FilmHub-dev            # URL and secrets from the deployed stack
    python scripts/set_webhook.py --url https://…/api/v1/telegram/webhook   # e.g. a tunnel to `make run`

The bot token and the webhook secret come from configuration like the function's own: ``TELEGRAM_BOT_TOKEN`` /
``TELEGRAM_WEBHOOK_SECRET``, else the secrets named by ``…_SECRET_ARN``, else (with ``--stack``) the stack's
Secrets Manager secrets, read with your AWS credentials.  It calls api.telegram.org, or the Bot API server
``TELEGRAM_API_URL`` names.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TELEGRAM_API = "https://api.telegram.org"
#: The update types the bot has handlers for; Telegram then sends nothing else.
ALLOWED_UPDATES = ["message", "callback_query"]
#: Stack outputs (infra/stack.py, infra/bot.py) and the settings they configure.
URL_OUTPUT = "TelegramWebhookUrl"
SECRET_OUTPUTS = {
    "SecretTelegramBotTokenArn": "TELEGRAM_BOT_TOKEN_SECRET_ARN",
    "SecretTelegramWebhookSecretArn": "TELEGRAM_WEBHOOK_SECRET_SECRET_ARN",
}


def stack_outputs(stack: str) -> dict[str, str]:
    import boto3

    described = boto3.client("cloudformation").describe_stacks(StackName=stack)
    return {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])}


def call(api: str, token: str, method: str, payload: dict[str, Any]) -> Any:
    import httpx

    response = httpx.post(f"{api.rstrip('/')}/bot{token}/{method}", json=payload, timeout=15)
    body = response.json()
    if not body.get("ok"):
        # The URL holds the token: report Telegram's description only.
        raise SystemExit(f"{method} failed: {body.get('description', response.status_code)}")
    return body["result"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="the public HTTPS webhook URL (default: the stack's TelegramWebhookUrl output)")
    parser.add_argument("--stack", help="deployed stack, e.g. FilmHub-dev: its webhook URL and secrets")
    parser.add_argument("--drop-pending", action="store_true", help="discard updates Telegram still holds")
    args = parser.parse_args(argv)

    outputs = stack_outputs(args.stack) if args.stack else {}
    url = args.url or outputs.get(URL_OUTPUT)
    if not url:
        raise SystemExit("no webhook URL: pass --url (WEBHOOK_URL=…) or --stack of a deployed stack")
    for output, variable in SECRET_OUTPUTS.items():
        # Settings prefer a direct value, then an ARN; the stack's ARNs only fill what is not configured.
        if output in outputs and not os.environ.get(variable.removesuffix("_SECRET_ARN")):
            os.environ.setdefault(variable, outputs[output])
    sys.path[:0] = [str(ROOT / "layers"), str(ROOT)]
    from bot.texts import COMMANDS
    from filmhub.settings import get_settings

    settings = get_settings()
    token, secret = settings.secret("telegram_bot_token"), settings.secret("telegram_webhook_secret")
    if not token or not secret:
        raise SystemExit("set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (or their *_SECRET_ARN, or --stack)")

    api = settings.telegram_api_url or TELEGRAM_API
    me = call(api, token, "getMe", {})
    call(
        api,
        token,
        "setWebhook",
        {
            "url": url,
            "secret_token": secret,
            "allowed_updates": ALLOWED_UPDATES,
            "drop_pending_updates": args.drop_pending,
        },
    )
    commands = [{"command": command, "description": description} for command, description in COMMANDS]
    call(api, token, "setMyCommands", {"commands": commands})
    info = call(api, token, "getWebhookInfo", {})
    print(f"@{me['username']}: webhook {info['url']} ({info.get('pending_update_count', 0)} pending updates)")
    if info.get("last_error_message"):
        print(f"last delivery error: {info['last_error_message']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
