"""A VPC-attached function's network interfaces: the subnets and groups it uses, and what Lambda
needs to manage its interfaces there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from secretkit.components.iam.arns import AccountScope, regional_arn
from secretkit.components.iam.documents import Statement, statement

#: Lambda creates and removes the function's network interfaces with the execution role.
ENI_MANAGE_ACTIONS = (
    "ec2:AssignPrivateIpAddresses",
    "ec2:DeleteNetworkInterface",
    "ec2:UnassignPrivateIpAddresses",
)
#: Describe calls have no resource-level permissions in EC2; AWS accepts only Resource "*".
ENI_DESCRIBE_ACTIONS = ("ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets")
#: Only Lambda itself, never the function's code, may use the ENI grants. Lambda puts
#: lambda:SourceFunctionArn into the request context of every call made with the function's
#: credentials from its execution environment, and leaves it out of the EC2 calls it makes
#: outside it to create and manage the function's network interfaces (AWS Lambda developer
#: guide, "Using source function ARN to control function access behavior").
LAMBDA_SERVICE_ONLY = {"Null": {"lambda:SourceFunctionArn": "true"}}


@dataclass(frozen=True)
class VpcScope:
    """The subnets and security groups a VPC-attached function uses."""

    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_ids: Sequence[pulumi.Input[str]]


def eni_statements(scope: AccountScope, vpc: VpcScope) -> list[Statement]:
    """What Lambda needs to attach the function to the VPC, scoped to its subnets and groups.

    Per the EC2 service authorization reference: CreateNetworkInterface authorizes the new
    interface (whose id is not known before), the subnet (required) and the security groups, so
    naming exactly the function's subnets and groups confines creation to them.
    DeleteNetworkInterface, AssignPrivateIpAddresses and UnassignPrivateIpAddresses authorize
    only an existing interface, with the ec2:Subnet condition key (the ARN of the interface's
    subnet): they are limited to interfaces in the function's subnets. IfExists: a request that
    names no existing interface carries no ec2:Subnet (Lambda probes the role's permissions when
    the function is created or its VPC settings change); every real interface has a subnet, so
    none outside the function's subnets is reachable. Every statement is for Lambda's own calls
    only (LAMBDA_SERVICE_ONLY): the handler's credentials cannot touch the network at all.
    """
    enis = regional_arn("ec2", scope, "network-interface/*")
    subnets = [regional_arn("ec2", scope, "subnet/", subnet) for subnet in vpc.subnet_ids]
    groups = [
        regional_arn("ec2", scope, "security-group/", group) for group in vpc.security_group_ids
    ]
    return [
        statement(
            "CreateEniInFunctionSubnets",
            ("ec2:CreateNetworkInterface",),
            [enis, *subnets, *groups],
            condition=LAMBDA_SERVICE_ONLY,
        ),
        statement(
            "ManageFunctionEnis",
            ENI_MANAGE_ACTIONS,
            [enis],
            condition={"ArnEqualsIfExists": {"ec2:Subnet": subnets}, **LAMBDA_SERVICE_ONLY},
        ),
        # EC2 Describe* actions support no resource-level permissions; "*" is the only option.
        statement(
            "DescribeNetworkInterfaces", ENI_DESCRIBE_ACTIONS, ["*"], condition=LAMBDA_SERVICE_ONLY
        ),
    ]
