"""A role's grants across the program (components/iam/role_grants.py): packed into its inline
policy and managed policies as the components register them, stable when one more secret is
granted, refused before registration past the quota, which a program-wide setting raises."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from secretkit.components import SecureParameter, limits
from secretkit.components.iam import role_grants
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor

ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
#: Long names, so that a few grants fill a policy.
NAME = "/team/{index:03d}/" + "n" * 400
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def secrets_for(role: str, count: int) -> pulumi.Output[Any]:
    """``count`` SecureParameters with a customer managed key, each read by ``role``."""
    arns = [
        SecureParameter(
            f"s{index}",
            parameter_name=NAME.format(index=index),
            value="v",
            kms_key_arn=KEY,
            readers=[role],
        ).parameter_arn
        for index in range(count)
    ]
    return pulumi.Output.all(*arns)


def documents(monitor: RecordingMonitor) -> dict[str, str]:
    """Each read policy's resource name (and type) -> its document."""
    return {
        f"{r.type}::{r.name}": r.plain_inputs["policy"]
        for r in [*monitor.by_type(ROLE_POLICY), *monitor.by_type(MANAGED_POLICY)]
    }


@pytest.fixture
def region(monkeypatch: pytest.MonkeyPatch) -> None:
    """The region known while the program runs: stand-in ARNs are then exact."""
    monkeypatch.setenv("AWS_REGION", "us-east-1")


@pytest.mark.usefixtures("region")
def test_one_more_secret_changes_one_registered_policy() -> None:
    """The program granting N+1 secrets registers the same policies as the one granting N,
    byte for byte, but one: the last (or a new one)."""
    counts = []
    found = []
    for count in (40, 41):
        monitor = mocks.install()
        mocks.run(lambda count=count: secrets_for("app", count))  # type: ignore[misc]
        found.append(documents(monitor))
        counts.append(len(monitor.by_type(MANAGED_POLICY)))
    before, after = found
    assert counts[0] >= 2  # the grants overflow the inline policy
    changed = [name for name in after if before.get(name) != after[name]]
    assert len(changed) == 1
    assert set(before) <= set(after)


@pytest.mark.usefixtures("region")
def test_the_packing_estimate_is_the_registered_size() -> None:
    """With the region known, the stand-in ARNs are as long as the real ones: the inline policy
    is filled to within one grant of IAM's limit, and no managed policy is over its own."""
    monitor = mocks.install()
    mocks.run(lambda: secrets_for("app", 40))
    (inline,) = monitor.by_type(ROLE_POLICY)
    size = limits.size(limits.IAM_INLINE_POLICIES, inline.plain_inputs["policy"])
    one = limits.size(
        limits.IAM_MANAGED_POLICY, monitor.by_type(MANAGED_POLICY)[0].plain_inputs["policy"]
    )
    assert limits.IAM_INLINE_POLICIES.maximum - one < size <= limits.IAM_INLINE_POLICIES.maximum
    for managed in monitor.by_type(MANAGED_POLICY):
        assert limits.size(limits.IAM_MANAGED_POLICY, managed.plain_inputs["policy"]) <= 6_144
    attached = {a.name for a in monitor.by_type(ATTACHMENT)}
    assert attached == {m.name for m in monitor.by_type(MANAGED_POLICY)}


def test_past_the_quota_a_grant_is_refused_before_anything_is_registered(
    monitor: RecordingMonitor,
) -> None:
    pulumi.runtime.set_config(f"{role_grants.CONFIG_NAMESPACE}:{role_grants.QUOTA_KEY}", "1")
    try:
        with pytest.raises(
            Exception, match=r"SecureParameter 's\d+': argument 'role' = 'app'"
        ) as e:
            mocks.run(lambda: secrets_for("app", 60))
    finally:
        pulumi.runtime.set_config(f"{role_grants.CONFIG_NAMESPACE}:{role_grants.QUOTA_KEY}", "")
    message = str(e.value)
    assert "the role already holds" in message
    assert "beyond the 1 allowed" in message
    assert "secretkit:managedPoliciesPerRole" in message
    assert len(monitor.by_type(MANAGED_POLICY)) == 1


@pytest.mark.parametrize("value", ["21", "-1", "ten"])
def test_the_quota_setting_is_checked(monitor: RecordingMonitor, value: str) -> None:
    key = f"{role_grants.CONFIG_NAMESPACE}:{role_grants.QUOTA_KEY}"
    pulumi.runtime.set_config(key, value)
    try:
        with pytest.raises(Exception, match=f"'{key}' = .*{value}"):
            mocks.run(lambda: secrets_for("app", 1))
    finally:
        pulumi.runtime.set_config(key, "")
    assert monitor.by_type(ROLE_POLICY) == []


def test_a_grant_after_the_documents_were_built_opens_a_new_policy(
    monitor: RecordingMonitor,
) -> None:
    """A grant_read inside an apply, after the program code returned, joins no document that
    was built already: it gets a policy of its own (inline, while the role's inline policies
    together have room; so does each component a provider's construct call builds), and the
    first keeps its one grant."""

    def program() -> pulumi.Output[Any]:
        first = SecureParameter("p1", parameter_name="/a/one", value="v")
        second = SecureParameter("p2", parameter_name="/a/two", value="v")
        first.grant_read("app")
        return first.parameter_arn.apply(lambda _: second.grant_read("app").urn)

    mocks.run(program)
    policies = {r.name: json.loads(r.plain_inputs["policy"]) for r in monitor.by_type(ROLE_POLICY)}
    assert set(policies) == {"p1-read-app", "p2-read-app"}
    assert monitor.by_type(MANAGED_POLICY) == []
    read = [s["Resource"] for s in policies["p1-read-app"]["Statement"]]
    assert read == [["arn:aws:ssm:us-east-1:123456789012:parameter/a/one"]]
    read = [s["Resource"] for s in policies["p2-read-app"]["Statement"]]
    assert read == [["arn:aws:ssm:us-east-1:123456789012:parameter/a/two"]]
