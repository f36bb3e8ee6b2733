"""IAM policy sizes (components/iam/policy_sizes.py): a role's inline policies counted together
across the program as IAM counts them, managed, trust and topic policies within their limits."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pulumi
import pytest

from secretkit.components import (
    CrossRegionReplicatedSecret,
    InvalidArgumentError,
    ProxiedParameterPolicy,
    RotationFunction,
    limits,
)
from secretkit.components.iam import policy_sizes
from secretkit.components.iam.documents import service_assume_role_policy
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor

ACCOUNT = mocks.ACCOUNT_ID
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def secrets_read_by(readers: list[Any], count: int, name_length: int = 50) -> pulumi.Output[Any]:
    """``count`` replicated secrets with long names, each read by ``readers[i % len]``."""
    arns = []
    for index in range(count):
        name = f"team-payments/prod/{index:03d}/" + "n" * (name_length - 23)
        secret = CrossRegionReplicatedSecret(
            f"s{index}",
            {
                "secret_name": name,
                "replica_regions": ["eu-west-1"],
                "readers": [readers[index % len(readers)]],
            },
        )
        arns.append(secret.secret_arn)
    return pulumi.Output.all(*arns)


def inline_characters(monitor: RecordingMonitor) -> tuple[int, int]:
    """(characters without whitespace, characters with it) of the registered role policies."""
    texts = [reg.plain_inputs["policy"] for reg in monitor.by_type(ROLE_POLICY)]
    return sum(limits.size(limits.IAM_INLINE_POLICIES, t) for t in texts), sum(map(len, texts))


def test_a_role_granted_20_secrets_with_long_names_gets_consolidated_policies(
    monitor: RecordingMonitor,
) -> None:
    """20 grants of about 1,200 characters each were 23,680 characters of inline policies, which
    IAM's PutRolePolicy refuses: they are merged into the role's one inline policy and managed
    policies attached to it, each within its limit, every secret named exactly."""
    arns = mocks.run(lambda: secrets_read_by(["app"], 20))
    inline = monitor.by_type(ROLE_POLICY)
    managed = monitor.by_type(MANAGED_POLICY)
    attachments = monitor.by_type(ATTACHMENT)
    assert len(inline) == 1
    assert 1 <= len(managed) <= 3
    assert sorted(a.name for a in attachments) == sorted(m.name for m in managed)
    assert all(a.plain_inputs["role"] == "app" for a in attachments)
    assert limits.size(limits.IAM_INLINE_POLICIES, inline[0].plain_inputs["policy"]) <= 10_240
    for policy in managed:
        assert limits.size(limits.IAM_MANAGED_POLICY, policy.plain_inputs["policy"]) <= 6_144
    read: list[str] = []
    for registration in [*inline, *managed]:
        for statement in json.loads(registration.plain_inputs["policy"])["Statement"]:
            if statement["Sid"] == "ReadSecret":
                read.extend(statement["Resource"])
    primaries = [arn for arn in read if ":us-east-1:" in arn]
    assert sorted(primaries) == sorted(arns)  # each exactly once


def test_the_role_is_one_whether_named_by_name_or_arn_in_any_case(
    monitor: RecordingMonitor,
) -> None:
    """IAM role names are unique regardless of case: 'App', 'app' and its ARN are one role, and
    its grants from different components go into its one set of policies."""
    readers = ["App", "app", f"arn:aws:iam::{ACCOUNT}:role/app"]
    mocks.run(lambda: secrets_read_by(readers, 9, name_length=100))
    assert len(monitor.by_type(ROLE_POLICY)) == 1
    assert len(monitor.by_type(MANAGED_POLICY)) == 1


def test_each_role_gets_its_own_policies(monitor: RecordingMonitor) -> None:
    """Two roles, each under the limit alone, although over it together: one inline policy
    each, named as the grant that opened it."""
    mocks.run(lambda: secrets_read_by(["app", "worker"], 12))
    registered = monitor.by_type(ROLE_POLICY)
    assert sorted(r.name for r in registered) == ["s0-read-app", "s1-read-worker"]
    assert monitor.by_type(MANAGED_POLICY) == []
    total, _ = inline_characters(monitor)
    assert total > limits.IAM_INLINE_POLICIES.maximum


def _limit_of(maximum: int) -> limits.Limit:
    return dataclasses.replace(limits.IAM_INLINE_POLICIES, maximum=maximum)


def test_the_count_is_exact_and_ignores_whitespace_as_iam_does(
    monitor: RecordingMonitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What secretkit counts is what it registers, without whitespace: the role's inline policy
    is shorter than IAM's limit but longer with the spaces json.dumps puts after each ':' and
    ','. The apply-time check counts it with every other inline policy on the role: with that
    limit one less than the registered characters, the role is refused."""
    mocks.run(lambda: secrets_read_by(["app"], 7, name_length=112))
    total, with_whitespace = inline_characters(monitor)
    assert total < limits.IAM_INLINE_POLICIES.maximum < with_whitespace * 2

    monkeypatch.setitem(policy_sizes.INLINE_LIMITS, "role", _limit_of(total))
    monitor = mocks.install()
    mocks.run(lambda: secrets_read_by(["app"], 7, name_length=112))
    assert len(monitor.by_type(ROLE_POLICY)) == 1

    monkeypatch.setitem(policy_sizes.INLINE_LIMITS, "role", _limit_of(total - 1))
    monitor = mocks.install()
    with pytest.raises(ValueError, match=f"are {total:,} characters together"):
        mocks.run(lambda: secrets_read_by(["app"], 7, name_length=112))
    assert monitor.by_type(ROLE_POLICY) == []


def test_at_the_limit_it_passes_and_one_over_it_is_refused() -> None:
    policy_sizes.raise_if_over("role", "app", 10_239, 15, argument="readers")
    policy_sizes.raise_if_over("role", "app", 10_240, 15, argument="readers")
    with pytest.raises(InvalidArgumentError, match="are 10,241 characters together"):
        policy_sizes.raise_if_over("role", "app", 10_241, 15, argument="readers")
    # Users and groups have their own, smaller budgets.
    with pytest.raises(InvalidArgumentError, match="at most 2,048 per user"):
        policy_sizes.raise_if_over("user", "arn:aws:iam::1:user/u", 2_049, 3, argument="role")
    with pytest.raises(InvalidArgumentError, match="at most 5,120 per group"):
        policy_sizes.raise_if_over("group", "arn:aws:iam::1:group/g", 5_121, 6, argument="role")


def test_whitespace_is_not_counted() -> None:
    document = {"Statement": [{"Effect": "Allow", "Action": ["a:b", "c:d"], "Resource": "x y"}]}
    compact = json.dumps(document, separators=(",", ":"))
    for text in (json.dumps(document), json.dumps(document, indent=4), compact):
        # The space inside "x y" is whitespace too: IAM does not count any.
        assert limits.size(limits.IAM_INLINE_POLICIES, text) == len(compact) - 1


def test_a_trust_policy_over_2048_characters_is_refused() -> None:
    """secretkit's rotation role trusts lambda.amazonaws.com (a short, fixed document, checked
    before the role is registered); a long one is refused naming the role and the limit."""
    lambda_trust = json.dumps(service_assume_role_policy("lambda.amazonaws.com"))
    assert policy_sizes.trust_policy_within_limit(lambda_trust, "db-rotation", "rotation") == (
        lambda_trust
    )
    long_trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": [f"arn:aws:iam::{i:012d}:root" for i in range(80)]},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    with pytest.raises(InvalidArgumentError) as caught:
        policy_sizes.trust_policy_within_limit(long_trust, "db-rotation", "rotation", "X 'db'")
    message = str(caught.value)
    assert message.startswith("X 'db': argument 'rotation'")
    assert "the trust policy of the role 'db-rotation'" in message
    assert "AWS allows at most 2048" in message


def test_a_managed_policy_over_6144_characters_is_refused(monitor: RecordingMonitor) -> None:
    """ProxiedParameterPolicy's managed policy is measured once its key ARN is known: at the
    longest secret name it fits; a document over 6,144 characters (whitespace not counted) is
    refused naming the policy and the limit."""
    args = {
        "secret_name": "s" * 512,
        "kms_key_arn": pulumi.Output.from_input(
            f"arn:aws:kms:{mocks.REGION}:{ACCOUNT}:key/mrk-" + "0" * 32
        ),
        "roles": ["app"],
    }
    mocks.run(lambda: ProxiedParameterPolicy("proxy", args).policy_arn)  # type: ignore[call-overload]
    policy = monitor.by_type("aws:iam/policy:Policy")[0].plain_inputs["policy"]
    assert 512 < limits.size(limits.IAM_MANAGED_POLICY, policy) <= 6_144

    too_long = json.dumps({"Statement": [{"Resource": "r" * 6_200}]})
    with pytest.raises(InvalidArgumentError) as caught:
        policy_sizes.managed_policy_within_limit(too_long, "proxy-policy", "secret_name")
    assert "the managed policy 'proxy-policy'" in str(caught.value)
    assert "AWS allows at most 6144" in str(caught.value)


def test_a_topic_policy_over_30_kb_is_refused() -> None:
    policy_sizes.topic_policy_within_limit("{}", "p-notifications", "notifications")
    with pytest.raises(InvalidArgumentError, match="at most 30720"):
        policy_sizes.topic_policy_within_limit(
            json.dumps({"x": "y" * 30_720}), "p-notifications", "notifications"
        )


def test_a_rotation_role_counts_its_own_policy_with_the_grants_it_gets(
    monitor: RecordingMonitor,
) -> None:
    """The rotation role's own inline policy and the grants other components give the same
    aws.iam.Role count together: the grants' inline policy leaves room for the role's own
    (estimated with stand-in ARNs), the rest goes into managed policies, and the function is
    registered."""

    def program() -> pulumi.Output[Any]:
        function = RotationFunction("fn", {"strategy": "password"})
        return pulumi.Output.all(
            function.function_arn, secrets_read_by([function.resources.role], 8, 100)
        )

    mocks.run(program)
    inline = monitor.by_type(ROLE_POLICY)
    assert sorted(r.name for r in inline) == ["fn-rotation", "s0-read-fn-rotation"]
    total, _ = inline_characters(monitor)
    assert 5_000 < total <= limits.IAM_INLINE_POLICIES.maximum
    assert len(monitor.by_type(MANAGED_POLICY)) >= 1
    assert len(monitor.by_type("aws:lambda/function:Function")) == 1
