"""The HTTP API: one route per ``filmhub.routes.ROUTES`` entry, each integrated with its function.

Unknown paths get API Gateway's own 404 without invoking anything, and the preflight ``OPTIONS`` is answered by
API Gateway from the CORS configuration, so no function runs for either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from filmhub.routes import Route
from infra.config import StageConfig
from infra.functions import pascal, retention
from infra.nag import acknowledge

#: HTTP API access-log fields ($context variables of HTTP APIs), one JSON object per request.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "routeKey": "$context.routeKey",
        "path": "$context.path",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "responseLatency": "$context.responseLatency",
        "integrationLatency": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
        "userAgent": "$context.identity.userAgent",
    },
    separators=(",", ":"),
)


def cors_methods(routes: Sequence[Route]) -> list[apigwv2.CorsHttpMethod]:
    methods = {route.method.upper() for route in routes} | {"OPTIONS"}
    return [apigwv2.CorsHttpMethod[method] for method in sorted(methods)]


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        routes: Sequence[Route],
        functions: Mapping[str, lambda_.IFunction],
    ) -> None:
        super().__init__(scope, construct_id)
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            api_name=f"filmhub-{config.stage}",
            description=f"FilmHub {config.stage} HTTP API",
            create_default_stage=False,
            cors_preflight=apigwv2.CorsPreflightOptions(
                allow_origins=list(config.cors_origins),
                # Exactly the methods the route table uses, plus the preflight itself.
                allow_methods=cors_methods(routes),
                allow_headers=["authorization", "content-type"],
                allow_credentials=config.cors_allow_credentials,
                max_age=Duration.hours(1),
            ),
        )

        self.domain: apigwv2.DomainName | None = None
        if config.domain_name and config.certificate_arn:
            self.domain = apigwv2.DomainName(
                self,
                "Domain",
                domain_name=config.domain_name,
                certificate=acm.Certificate.from_certificate_arn(self, "Certificate", config.certificate_arn),
            )

        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=retention(config.log_retention_days),
            removal_policy=RemovalPolicy.RETAIN if config.is_prod else RemovalPolicy.DESTROY,
        )
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(
                rate_limit=config.throttle_rate_limit, burst_limit=config.throttle_burst_limit
            ),
            domain_mapping=apigwv2.DomainMappingOptions(domain_name=self.domain) if self.domain else None,
        )
        cfn_stage: apigwv2.CfnStage = self.stage.node.default_child  # type: ignore[assignment]
        cfn_stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn, format=ACCESS_LOG_FORMAT
        )

        self.integrations: dict[str, integrations.HttpLambdaIntegration] = {}
        self.routes: dict[str, apigwv2.HttpRoute] = {}
        for route in routes:
            if route.function not in functions:
                raise ValueError(f"route {route.route_key} names unknown function {route.function!r}")
            if route.route_key in self.routes:
                raise ValueError(f"route {route.route_key} is declared twice")
            integration = self.integrations.get(route.function)
            if integration is None:
                integration = integrations.HttpLambdaIntegration(
                    f"{pascal(route.function)}Integration",
                    functions[route.function],
                    payload_format_version=apigwv2.PayloadFormatVersion.VERSION_2_0,
                )
                self.integrations[route.function] = integration
            self.routes[route.route_key] = apigwv2.HttpRoute(
                self,
                f"Route {route.route_key}",
                http_api=self.http_api,
                route_key=apigwv2.HttpRouteKey.with_(route.path, apigwv2.HttpMethod(route.method)),
                integration=integration,
            )

        reason = (
            "Authentication is a JWT checked inside the functions: several routes are public or take an optional "
            "token (catalog, film pages, docs, the Telegram webhook with its own secret header), which a gateway "
            "authorizer cannot express per route without duplicating the rules."
        )
        for http_route in self.routes.values():
            acknowledge(http_route, "APIG4", reason)

    @property
    def endpoint(self) -> str:
        return self.http_api.api_endpoint
