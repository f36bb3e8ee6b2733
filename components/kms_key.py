"""A customer managed KMS key with rotation on and the least-privilege secretkit key policy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from components.aws_context import AwsContext
from components.kms_key_policy import key_policy

#: Each CMK costs $1 per month (AWS KMS pricing), so components share keys where they can.
KEY_DELETION_WINDOW_DAYS = 30


def create_kms_key(
    resource_name: str,
    *,
    description: str,
    context: AwsContext,
    administrators: Sequence[str] = (),
    administrators_can_edit_policy: bool = False,
    tags: Mapping[str, str] | None = None,
    multi_region: bool = False,
    region: str | None = None,
    opts: pulumi.ResourceOptions,
) -> aws.kms.Key:
    """Register the key; the caller passes opts with parent (and any gate) already set.

    ``region`` places it in another region through pulumi-aws v7's per-resource region.
    """
    return aws.kms.Key(
        resource_name,
        description=description,
        enable_key_rotation=True,
        multi_region=multi_region or None,
        region=region,
        deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
        policy=pulumi.Output.json_dumps(
            key_policy(
                context.partition,
                context.account_id,
                list(administrators),
                administrators_can_edit_policy=administrators_can_edit_policy,
            )
        ),
        tags=dict(tags) if tags else None,
        opts=opts,
    )
