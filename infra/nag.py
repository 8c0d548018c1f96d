"""cdk-nag acknowledgements: each names its rule (and, for IAM5, the exact finding), and says why.

cdk-nag 3 runs as a CDK policy-validation plugin: any unacknowledged finding fails ``cdk synth``.  Findings are
acknowledged with CDK's ``Validations.of(construct).acknowledge`` on the construct (and so its children).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Acknowledgment, CfnElement, Stack, Validations
from constructs import IConstruct

PACK = "AwsSolutions"


def acknowledge(construct: IConstruct, rule: str, reason: str, *, findings: Sequence[str] = ()) -> None:
    """Acknowledge ``AwsSolutions-<rule>`` (or only the given findings of it) on ``construct`` for ``reason``."""
    if len(reason) < 20:
        raise ValueError("an acknowledgement needs a real justification")
    ids = [f"{PACK}-{rule}[{finding}]" for finding in findings] or [f"{PACK}-{rule}"]
    Validations.of(construct).acknowledge(*(Acknowledgment(id=rule_id, reason=reason) for rule_id in ids))


def arn_finding(resource: IConstruct, suffix: str) -> str:
    """The IAM5 finding for ``<resource ARN><suffix>``, e.g. ``Resource::<DataTable1234.Arn>/index/*``."""
    element = resource.node.default_child if not isinstance(resource, CfnElement) else resource
    if not isinstance(element, CfnElement):
        raise TypeError(f"{resource.node.path} has no CloudFormation resource")
    stack = Stack.of(element)
    logical_id = stack.resolve(stack.get_logical_id(element))
    return f"Resource::<{logical_id}.Arn>{suffix}"
