"""The Telegram bot's share of the stack: its aiogram layer and the webhook URL to register with Telegram.

The bot function itself is built like every other function (``infra.functions``) from its route-table entry;
its settings ask for the extra ``bot`` layer, the bot token, the webhook secret and the JWT key.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import CfnOutput
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from filmhub.routes import Route
from infra.config import StageConfig
from infra.functions import layer_from_dir

BOT_FUNCTION = "bot"
BOT_LAYER = "bot"


class Bot(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, needs_layer: bool) -> None:
        super().__init__(scope, construct_id)
        # Only built when some function asks for it, so a route table without the bot needs no bot layer on disk.
        self.layers: dict[str, lambda_.ILayerVersion] = {}
        if needs_layer:
            self.layers[BOT_LAYER] = layer_from_dir(
                self, "Layer", config.layer_dirs[BOT_LAYER], "FilmHub bot dependencies: aiogram (cp313 arm64)"
            )

    def expose(self, api_endpoint: str, routes: Sequence[Route]) -> None:
        """Output the webhook URL (for setWebhook) when the route table routes the bot."""
        webhooks = [route for route in routes if route.function == BOT_FUNCTION and route.method == "POST"]
        if webhooks:
            CfnOutput(
                self,
                "WebhookUrl",
                key="TelegramWebhookUrl",
                value=f"{api_endpoint}{webhooks[0].path}",
                description="Register with Telegram's setWebhook together with the webhook secret (docs/deploy.md)",
            )
