"""ARNs and service names built from their parts: plain strings in, plain string out; Outputs
in, Output out (so the policy builders stay pure functions testable without Pulumi)."""

from __future__ import annotations

from typing import overload

import pulumi


@overload
def concat(*parts: str) -> str: ...
@overload
def concat(*parts: pulumi.Input[str]) -> pulumi.Input[str]: ...
def concat(*parts: pulumi.Input[str]) -> pulumi.Input[str]:
    """Join parts; stays a plain str unless a part is an Output or awaitable."""
    if all(isinstance(part, str) for part in parts):
        return "".join(parts)  # type: ignore[arg-type]
    return pulumi.Output.concat(*parts)


def parameter_arn(
    partition: pulumi.Input[str],
    region: pulumi.Input[str],
    account_id: pulumi.Input[str],
    name: str,
) -> pulumi.Input[str]:
    """arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>."""
    return concat(
        "arn:", partition, ":ssm:", region, ":", account_id, ":parameter/", name.lstrip("/")
    )


def account_root_arn(
    partition: pulumi.Input[str], account_id: pulumi.Input[str]
) -> pulumi.Input[str]:
    """arn:aws:iam::<account>:root, the principal that delegates key access to IAM."""
    return concat("arn:", partition, ":iam::", account_id, ":root")


def via_service(service: str, region: pulumi.Input[str]) -> pulumi.Input[str]:
    """The kms:ViaService value for a service in a region: secretsmanager.<region>.amazonaws.com."""
    return concat(service, ".", region, ".amazonaws.com")


def ec2_arn(
    partition: pulumi.Input[str],
    region: pulumi.Input[str],
    account_id: pulumi.Input[str],
    resource: pulumi.Input[str],
) -> pulumi.Input[str]:
    """arn:aws:ec2:<region>:<account>:<resource>, e.g. subnet/subnet-0abc or network-interface/*."""
    return concat("arn:", partition, ":ec2:", region, ":", account_id, ":", resource)
