"""The account, region and partition a component deploys into, looked up from the provider."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.rotation_role_policy import AccountScope


@dataclass(frozen=True)
class AwsContext:
    """Outputs resolved by the AWS provider the component's resources use."""

    partition: pulumi.Output[str]
    region: pulumi.Output[str]
    account_id: pulumi.Output[str]

    def scope(self) -> AccountScope:
        """The same parts, in the shape the policy builders take."""
        return AccountScope(self.partition, self.region, self.account_id)


def lookup_aws_context(parent: pulumi.Resource | None = None) -> AwsContext:
    """Ask the (parent's) AWS provider who and where we are (three cheap invokes)."""
    opts = pulumi.InvokeOutputOptions(parent=parent)
    return AwsContext(
        partition=aws.get_partition_output(opts=opts).partition,
        region=aws.get_region_output(opts=opts).region,
        account_id=aws.get_caller_identity_output(opts=opts).account_id,
    )


def configured_region() -> str | None:
    """The region if it is known before deployment (stack config or environment), else None."""
    return (
        pulumi.Config("aws").get("region")
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
    )
