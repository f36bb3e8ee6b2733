"""The account, region and partition a component deploys into, looked up from the provider."""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi.runtime.settings import get_root_resource

from secretkit.components.iam.arns import AccountScope, shared_concat
from secretkit.components.invoke_answers import (
    CALLER_IDENTITY,
    GET_PARTITION,
    GET_REGION,
    required_output,
)


@dataclass(frozen=True)
class AwsContext:
    """Outputs resolved by the AWS provider the component's resources use."""

    partition: pulumi.Output[str]
    region: pulumi.Output[str]
    account_id: pulumi.Output[str]

    def scope(self) -> AccountScope:
        """The same parts, in the shape the policy builders take."""
        return AccountScope(self.partition, self.region, self.account_id)

    def kms_alias_arn(self, alias: str) -> pulumi.Input[str]:
        """arn:<partition>:kms:<region>:<account>:<alias>, e.g. of alias/aws/ssm.

        Built once per context and alias, and shared by every component that asks
        (shared_concat): as an 8-part Output.concat it costs about 30 Outputs, which a stack of
        500 components would otherwise build 500 times for the same string.
        """
        return shared_concat(
            "arn:", self.partition, ":kms:", self.region, ":", self.account_id, ":", alias
        )


#: Per program (its root stack resource), per AWS provider: the context already looked up.
_LOOKED_UP: weakref.WeakKeyDictionary[pulumi.Resource, dict[object, AwsContext]] = (
    weakref.WeakKeyDictionary()
)


def lookup_aws_context(parent: pulumi.Resource | None = None) -> AwsContext:
    """Ask the (parent's) AWS provider who and where we are: three invokes, made once per
    provider in a program however many components ask (a stack of 500 components would
    otherwise make 1,500)."""
    root = get_root_resource()
    providers: Mapping[str, object] = getattr(parent, "_providers", None) or {}
    provider = providers.get("aws")  # None: the default provider
    known = _LOOKED_UP.setdefault(root, {}) if root is not None else {}
    if provider not in known:
        opts = pulumi.InvokeOutputOptions(parent=parent)
        known[provider] = AwsContext(
            partition=required_output(
                aws.get_partition_output(opts=opts).partition, GET_PARTITION, "partition", parent
            ),
            region=required_output(
                aws.get_region_output(opts=opts).region, GET_REGION, "region", parent
            ),
            account_id=required_output(
                aws.get_caller_identity_output(opts=opts).account_id,
                CALLER_IDENTITY,
                "accountId",
                parent,
            ),
        )
    return known[provider]


def configured_region() -> str | None:
    """The region if it is known before deployment (stack config or environment), else None."""
    return (
        pulumi.Config("aws").get("region")
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
    )


def known_region(opts: pulumi.ResourceOptions | None = None) -> str | None:
    """The region a component created with ``opts`` deploys into, when known before deployment:
    the configured region (configured_region), unless ``opts`` or its parent name an AWS provider
    of their own, whose region is only known once it is looked up (lookup_aws_context)."""
    if opts is not None and _names_aws_provider(opts):
        return None
    return configured_region()


def _names_aws_provider(opts: pulumi.ResourceOptions) -> bool:
    providers: list[object] = []
    if opts.provider is not None:
        providers.append(opts.provider)
    given = opts.providers
    if isinstance(given, Mapping):
        providers.extend(given.values())
    elif given:
        providers.extend(given)
    parent_providers: Mapping[str, object] = getattr(opts.parent, "_providers", None) or {}
    providers.extend(parent_providers.values())
    return any(getattr(provider, "package", None) == "aws" for provider in providers)
