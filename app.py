#!/usr/bin/env python3
"""CDK entry point (``cdk.json`` runs it): one FilmHub stack for the stage chosen with ``-c stage=dev|prod``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# The route table and the table definition live in the shared layer: the single source of truth for both.
sys.path.insert(0, str(ROOT / "layers"))

import aws_cdk as cdk  # noqa: E402
from cdk_nag import AwsSolutionsChecks  # noqa: E402

from infra.config import load_config  # noqa: E402
from infra.stack import FilmHubStack  # noqa: E402


def main() -> None:
    app = cdk.App()
    config = load_config(app.node)
    FilmHubStack(
        app,
        config.stack_name,
        config=config,
        description=f"FilmHub serverless backend ({config.stage})",
        # Account/region come from the CLI's credentials; unset, the template stays environment-agnostic.
        env=cdk.Environment(
            account=os.environ.get("CDK_DEFAULT_ACCOUNT"),
            region=os.environ.get("CDK_DEPLOY_REGION") or os.environ.get("CDK_DEFAULT_REGION"),
        ),
        termination_protection=config.is_prod,
    )
    # cdk-nag 3 is a policy-validation plugin: any AwsSolutions finding not acknowledged in code (with its
    # reason, see infra/nag.py) fails the synth.
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    app.synth()


if __name__ == "__main__":
    main()
