"""The pack's appconfig-reads-exact policy: AppConfig configuration reads in identity policies
name their configurations; DynamicParameter's own grant passes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policy import secretkit_policies as pack
from secretkit.components.iam.appconfig_reader import configuration_read_policy
from tests.policy.test_policy_pack import allow, check, doc

CONFIGURATION = (
    "arn:aws:appconfig:us-east-1:123456789012:application/abc1234/environment/def5678"
    "/configuration/ghi9012"
)
READS = ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"]
POLICY = pack.CONFIGURATION_READS_EXACT


def test_dynamic_parameters_grant_passes() -> None:
    document = configuration_read_policy(CONFIGURATION)
    assert check(POLICY, "aws:iam/rolePolicy:RolePolicy", {"policy": json.dumps(document)}) == []


@pytest.mark.parametrize(
    ("statement", "finding"),
    [
        (allow(READS, "*"), "on '*'"),
        (
            allow("appconfig:GetLatestConfiguration", CONFIGURATION.replace("ghi9012", "*")),
            "GetLatestConfiguration on",
        ),
        (
            allow("appconfig:*", "arn:aws:appconfig:us-east-1:123456789012:application/*"),
            "StartConfigurationSession, appconfig:GetLatestConfiguration on",
        ),
        (
            {"Sid": "Rest", "Effect": "Allow", "Action": READS, "NotResource": CONFIGURATION},
            "Rest: NotResource grants",
        ),
        (
            {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
            "statement 0: appconfig:StartConfigurationSession",
        ),
    ],
)
def test_reads_beyond_named_configurations_fail(statement: dict[str, Any], finding: str) -> None:
    found = check(POLICY, "aws:iam/policy:Policy", {"policy": json.dumps(doc(statement))})
    assert len(found) == 1
    assert finding in found[0]


@pytest.mark.parametrize(
    "statement",
    [
        allow("appconfig:GetApplication", "*"),  # not a configuration read
        {"Effect": "Deny", "Action": READS, "Resource": "*"},
        allow(READS, [CONFIGURATION]),
    ],
)
def test_other_statements_pass(statement: dict[str, Any]) -> None:
    assert check(POLICY, "aws:iam/rolePolicy:RolePolicy", {"policy": doc(statement)}) == []


def test_key_and_resource_policies_are_not_judged() -> None:
    document = doc(allow(READS, "*", Principal={"AWS": "arn:aws:iam::123456789012:root"}))
    assert check(POLICY, "aws:kms/key:Key", {"policy": json.dumps(document)}) == []
