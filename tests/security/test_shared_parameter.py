"""Issue 14, item 4: a SecureParameter with readers in other accounts is moved to the Advanced
tier, encrypted with a customer managed key whose policy names them exactly, and shared with
their accounts through an AWS RAM resource share; what cannot work is refused."""

from __future__ import annotations

import json
import re
from typing import Any

import pulumi
import pytest

from secretkit.components import (
    SecureParameter,
    SecureParameterArgs,
    parameter_reader_identity_policy,
)
from secretkit.components.iam.least_privilege import violations
from secretkit.costs.advisor import advise
from secretkit.costs.cost import stack_cost
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor, Registration
from secretkit.resources import from_registrations

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
OTHER = "999999999999"
THIRD = "888888888888"
FOREIGN = f"arn:aws:iam::{OTHER}:role/app"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
PARAMETER: SecureParameterArgs = {"parameter_name": "/team/app/token", "value": "v"}
PARAMETER_ARN = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/team/app/token"
SHARE = "aws:ram/resourceShare:ResourceShare"
RESOURCE = "aws:ram/resourceAssociation:ResourceAssociation"
PRINCIPAL = "aws:ram/principalAssociation:PrincipalAssociation"
RAM_TYPES = (SHARE, RESOURCE, PRINCIPAL)


def the(monitor: RecordingMonitor, type_: str) -> Registration:
    found = monitor.by_type(type_)
    assert len(found) == 1, f"{len(found)} {type_}"
    return found[0]


def build(**extra: Any) -> None:
    args: Any = {**PARAMETER, **extra}
    mocks.run(lambda: SecureParameter("c", args).parameter_arn)


def key_statement(monitor: RecordingMonitor) -> dict[str, Any]:
    policy = json.loads(the(monitor, "aws:kms/key:Key").plain_inputs["policy"])
    assert violations(policy, key_policy=True) == []
    found = [s for s in policy["Statement"] if s["Sid"] == "DecryptSharedParameter"]
    assert len(found) == 1
    return dict(found[0])


def test_foreign_readers_get_the_advanced_tier_a_created_key_and_a_ram_share(
    monitor: RecordingMonitor,
) -> None:
    build(readers=["local-reader", FOREIGN, THIRD, f"arn:aws:iam::{OTHER}:role/batch"])
    parameter = the(monitor, "aws:ssm/parameter:Parameter")
    assert parameter.plain_inputs["tier"] == "Advanced"
    key = the(monitor, "aws:kms/key:Key")
    assert parameter.plain_inputs["keyId"] == key.state["arn"]
    assert parameter.state["arn"] == PARAMETER_ARN

    decrypt = key_statement(monitor)
    assert decrypt["Principal"] == {
        "AWS": [FOREIGN, f"arn:aws:iam::{THIRD}:root", f"arn:aws:iam::{OTHER}:role/batch"]
    }
    assert decrypt["Action"] == ["kms:Decrypt"]
    assert decrypt["Condition"] == {
        "StringEquals": {
            "kms:ViaService": f"ssm.{REGION}.amazonaws.com",
            "kms:EncryptionContext:PARAMETER_ARN": PARAMETER_ARN,
        }
    }

    share = the(monitor, SHARE).plain_inputs
    assert share["allowExternalPrincipals"] is True
    assert share["permissionArns"] == [
        "arn:aws:ram::aws:permission/AWSRAMDefaultPermissionSSMParameterReadOnly"
    ]
    assert the(monitor, RESOURCE).plain_inputs["resourceArn"] == PARAMETER_ARN
    # RAM shares with accounts: the two roles of OTHER make one association.
    principals = sorted(r.plain_inputs["principal"] for r in monitor.by_type(PRINCIPAL))
    assert principals == [THIRD, OTHER]

    grants = [r.name for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy")]
    assert grants == ["c-read-local-reader"]


def test_without_foreign_readers_nothing_is_shared(monitor: RecordingMonitor) -> None:
    build(readers=["local-reader", f"arn:aws:iam::{ACCOUNT}:role/team/x"])
    assert not any(monitor.by_type(t) for t in RAM_TYPES)
    assert monitor.by_type("aws:kms/key:Key") == []
    assert the(monitor, "aws:ssm/parameter:Parameter").plain_inputs["tier"] == "Standard"


def test_a_created_key_keeps_its_administrators(monitor: RecordingMonitor) -> None:
    admin = f"arn:aws:iam::{ACCOUNT}:role/admin"
    build(readers=[OTHER], create_kms_key=True, key_administrators=[admin])
    policy = json.loads(the(monitor, "aws:kms/key:Key").plain_inputs["policy"])
    sids = [s["Sid"] for s in policy["Statement"]]
    assert sids == ["DelegateToAccountIam", "KeyAdministrators", "DecryptSharedParameter"]
    assert key_statement(monitor)["Principal"] == {"AWS": [f"arn:aws:iam::{OTHER}:root"]}


def test_the_standard_tier_is_refused_before_any_resource(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match=r"argument 'tier' = 'Standard'.*AWS RAM shares only"):
        build(readers=[FOREIGN], tier="Standard")
    assert all(not r.custom for r in monitor.registrations)


def test_a_given_key_is_refused_with_the_statement_to_add(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match="key_policy_allows_foreign_readers") as caught:
        build(readers=[FOREIGN, THIRD], kms_key_arn=KEY)
    message = str(caught.value)
    assert "SecureParameter 'c'" in message
    assert '"Sid": "DecryptSharedParameter"' in message
    assert FOREIGN in message
    assert f"arn:<partition>:iam::{THIRD}:root" in message
    # The region when configured (aws:region), else left to fill in.
    region = rf"(<region>|{REGION})"
    assert re.search(rf"arn:<partition>:ssm:{region}:<account>:parameter/team/app/token", message)
    assert re.search(rf"ssm\.{region}\.amazonaws\.com", message)
    assert all(not r.custom for r in monitor.registrations)


def test_a_given_key_acknowledged_is_used_and_the_parameter_shared(
    monitor: RecordingMonitor,
) -> None:
    build(readers=[FOREIGN], kms_key_arn=KEY, key_policy_allows_foreign_readers=True)
    assert monitor.by_type("aws:kms/key:Key") == []
    parameter = the(monitor, "aws:ssm/parameter:Parameter")
    assert parameter.plain_inputs["keyId"] == KEY
    assert parameter.plain_inputs["tier"] == "Advanced"
    assert [r.plain_inputs["principal"] for r in monitor.by_type(PRINCIPAL)] == [OTHER]


def test_the_aws_managed_key_is_refused(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match="not an alias"):
        build(readers=[FOREIGN], kms_key_arn="alias/aws/ssm")


def test_the_deploying_accounts_own_id_is_refused(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match="is the deploying account itself"):
        build(readers=[ACCOUNT])


def test_an_output_role_arn_is_shared_with_its_account(monitor: RecordingMonitor) -> None:
    arn = pulumi.Output.from_input(f"arn:aws:iam::{THIRD}:role/late")
    args: Any = {**PARAMETER, "readers": [arn]}
    mocks.run(lambda: SecureParameter("c", args).parameter_arn)
    assert [r.plain_inputs["principal"] for r in monitor.by_type(PRINCIPAL)] == [THIRD]
    assert key_statement(monitor)["Principal"] == {"AWS": [f"arn:aws:iam::{THIRD}:role/late"]}


def test_grant_read_of_a_foreign_reader_is_still_refused(monitor: RecordingMonitor) -> None:
    def program() -> None:
        SecureParameter("c", PARAMETER).grant_read(FOREIGN)

    with pytest.raises(ValueError, match="is a role in account"):
        mocks.run(program)


def test_reader_identity_policy_is_the_other_half(monitor: RecordingMonitor) -> None:
    doc = parameter_reader_identity_policy(PARAMETER_ARN, KEY, REGION)
    assert violations(doc) == []
    read, decrypt = doc["Statement"]
    assert read["Action"] == ["ssm:GetParameter", "ssm:GetParameters"]
    assert read["Resource"] == [PARAMETER_ARN]
    assert decrypt["Resource"] == [KEY]
    assert decrypt["Condition"]["StringEquals"] == {
        "kms:ViaService": f"ssm.{REGION}.amazonaws.com",
        "kms:EncryptionContext:PARAMETER_ARN": PARAMETER_ARN,
    }
    found: list[str] = []

    def program() -> None:
        component = SecureParameter("c", {**PARAMETER, "readers": [OTHER]})
        component.reader_identity_policy().apply(found.append)

    mocks.run(program)
    key_arn = the(monitor, "aws:kms/key:Key").state["arn"]
    assert json.loads(found[0]) == parameter_reader_identity_policy(PARAMETER_ARN, key_arn, REGION)


def test_the_cost_model_and_the_advisor_count_the_tier_and_the_key(
    monitor: RecordingMonitor,
) -> None:
    build(readers=[FOREIGN])
    resources = from_registrations(monitor.registrations)
    (component,) = [c for c in stack_cost(resources).components if c.name == "c"]
    lines = component.lines
    assert lines["advanced parameter"] == pytest.approx(0.05)
    assert lines["KMS keys"] == pytest.approx(1.0)
    # Both are needed to share: neither is advice to drop.
    assert advise(resources, ACCOUNT) == []
