"""The rotation role's VPC networking grant reaches only the function's own network interfaces,
and only through Lambda: never an interface in another subnet, never from the handler's code.

Decided with the embedded IAM evaluation over the documents the components register, with the
condition keys EC2 puts into each request (the EC2 service authorization reference: ec2:Subnet
is the ARN of the interface's subnet) and lambda:SourceFunctionArn, which Lambda adds to calls
made with the function's credentials from inside its execution environment only.
"""

from __future__ import annotations

from typing import Any

import pytest

from secretkit.components import RotatingSecret
from secretkit.components.iam.arns import AccountScope
from secretkit.components.iam.least_privilege import violations
from secretkit.components.iam.vpc import VpcScope, eni_statements
from secretkit.components.rotation.rotation_function import RotationFunction
from secretkit.embedded import mocks
from secretkit.embedded.iam_evaluation import Request, is_allowed
from secretkit.embedded.mocks import RecordingMonitor
from tests.components.helpers import build_component, policy_of, statements_by_sid

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-rotation-1234567"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:app-rotation-1234567"
PREFIX = f"arn:aws:ec2:{REGION}:{ACCOUNT}"
OWN_SUBNET = "subnet-0123456789abcdef0"
OTHER_SUBNET = "subnet-0aaaaaaaaaaaaaaaa"
OWN_GROUP = "sg-0123abcd"
OTHER_GROUP = "sg-0ffffff0"
VPC = {"subnet_ids": [OWN_SUBNET], "security_group_ids": [OWN_GROUP]}
ENI_ACTIONS = (
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)
SOURCE_FUNCTION = "lambda:SourceFunctionArn"


def eni_request(action: str, subnet: str | None, *, from_code: bool) -> Request:
    """An EC2 call on an existing interface (in ``subnet``) or, with None, on none at all, made
    by Lambda itself or by the handler's code with the function's credentials."""
    context = {"ec2:Subnet": f"{PREFIX}:subnet/{subnet}"} if subnet else {}
    absent = set() if subnet else {"ec2:Subnet"}
    if from_code:
        context[SOURCE_FUNCTION] = FUNCTION
    else:
        absent.add(SOURCE_FUNCTION)
    return Request(
        principal_arns=[ROLE],
        action=action,
        resource=f"{PREFIX}:network-interface/eni-0123456789abcdef0",
        context=context,
        absent=frozenset(absent),
    )


def create_requests(subnet: str, group: str, *, from_code: bool) -> list[Request]:
    """CreateNetworkInterface is authorized on each resource it names: the new interface, the
    subnet, the security group."""
    context = {SOURCE_FUNCTION: FUNCTION} if from_code else {}
    absent = frozenset() if from_code else frozenset({SOURCE_FUNCTION})
    resources = [
        f"{PREFIX}:network-interface/*",
        f"{PREFIX}:subnet/{subnet}",
        f"{PREFIX}:security-group/{group}",
    ]
    return [
        Request([ROLE], "ec2:CreateNetworkInterface", resource, context, absent)
        for resource in resources
    ]


def creates(policy: dict[str, Any], subnet: str, group: str, *, from_code: bool = False) -> bool:
    return all(is_allowed(r, [policy]) for r in create_requests(subnet, group, from_code=from_code))


def rotating_secret_policy(monitor: RecordingMonitor) -> dict[str, Any]:
    args = {
        "secret_name": "prod/app/db",
        "rotation": {
            "strategy": "postgres-single-user",
            "schedule_expression": "rate(30 days)",
        },
        "vpc_config": VPC,
    }
    build_component(RotatingSecret, "app", args, "secret_arn")
    return policy_of(monitor.by_type("aws:iam/rolePolicy:RolePolicy")[0])


def test_the_grant_does_not_reach_an_interface_outside_the_function_subnets(
    monitor: RecordingMonitor,
) -> None:
    policy = rotating_secret_policy(monitor)
    for action in ENI_ACTIONS:
        # Before: any interface of the account and region could be deleted or re-addressed.
        assert not is_allowed(eni_request(action, OTHER_SUBNET, from_code=False), [policy])
        assert is_allowed(eni_request(action, OWN_SUBNET, from_code=False), [policy])
    assert violations(policy) == []


def test_lambda_keeps_what_it_needs_to_attach_the_function(monitor: RecordingMonitor) -> None:
    policy = rotating_secret_policy(monitor)
    assert creates(policy, OWN_SUBNET, OWN_GROUP)
    assert not creates(policy, OTHER_SUBNET, OWN_GROUP)
    assert not creates(policy, OWN_SUBNET, OTHER_GROUP)
    # A permission probe that names no existing interface carries no ec2:Subnet: still allowed
    # (a real interface always has a subnet, so this reaches none outside the function's).
    for action in ENI_ACTIONS:
        assert is_allowed(eni_request(action, None, from_code=False), [policy])
    describe = Request(
        [ROLE], "ec2:DescribeNetworkInterfaces", "*", absent=frozenset({SOURCE_FUNCTION})
    )
    assert is_allowed(describe, [policy])


def test_the_handler_code_cannot_use_the_network_grant(monitor: RecordingMonitor) -> None:
    policy = rotating_secret_policy(monitor)
    for action in ENI_ACTIONS:
        assert not is_allowed(eni_request(action, OWN_SUBNET, from_code=True), [policy])
    assert not creates(policy, OWN_SUBNET, OWN_GROUP, from_code=True)
    describe = Request([ROLE], "ec2:DescribeNetworkInterfaces", "*", {SOURCE_FUNCTION: FUNCTION})
    assert not is_allowed(describe, [policy])


def test_a_shared_rotation_function_gets_the_same_scoped_grant(
    monitor: RecordingMonitor,
) -> None:
    args = {"strategy": "mysql-single-user", "vpc_config": VPC}
    build_component(RotationFunction, "shared", args, "function_arn")
    policy = policy_of(monitor.by_type("aws:iam/rolePolicy:RolePolicy")[0])
    by_sid = statements_by_sid(policy)
    assert by_sid["ManageFunctionEnis"]["Condition"]["ArnEqualsIfExists"] == {
        "ec2:Subnet": [f"{PREFIX}:subnet/{OWN_SUBNET}"]
    }
    for action in ENI_ACTIONS:
        assert not is_allowed(eni_request(action, OTHER_SUBNET, from_code=False), [policy])
        assert is_allowed(eni_request(action, OWN_SUBNET, from_code=False), [policy])


@pytest.mark.parametrize("subnets", [["subnet-aaaaaaaa"], ["subnet-aaaaaaaa", "subnet-bbbbbbbb"]])
def test_eni_statements_name_every_subnet_of_the_function(subnets: list[str]) -> None:
    scope = AccountScope("aws-cn", "cn-north-1", "210987654321")
    _, manage, _ = eni_statements(scope, VpcScope(subnets, ["sg-cccccccc"]))
    assert manage["Condition"]["ArnEqualsIfExists"]["ec2:Subnet"] == [
        f"arn:aws-cn:ec2:cn-north-1:210987654321:subnet/{s}" for s in subnets
    ]
    assert manage["Condition"]["Null"] == {SOURCE_FUNCTION: "true"}


def test_the_evaluator_decides_null_as_iam_does() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "ec2:DescribeSubnets",
        "Resource": "*",
        "Condition": {"Null": {SOURCE_FUNCTION: "true"}},
    }
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    lambda_call = Request([ROLE], "ec2:DescribeSubnets", "*", absent=frozenset({SOURCE_FUNCTION}))
    code_call = Request([ROLE], "ec2:DescribeSubnets", "*", {SOURCE_FUNCTION: FUNCTION})
    assert is_allowed(lambda_call, [policy])
    assert not is_allowed(code_call, [policy])
    present = {**statement, "Condition": {"Null": {SOURCE_FUNCTION: "false"}}}
    assert is_allowed(code_call, [{"Statement": [present]}])
    assert not is_allowed(lambda_call, [{"Statement": [present]}])
