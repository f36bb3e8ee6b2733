"""Issue 12, item 9: readers whose names sanitise to the same text ('a.b', 'a_b') each get their
own grant, nothing is registered before a real conflict is refused, and names that need no
sanitising keep the resource names existing stacks have."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import (
    InvalidArgumentError,
    ProxiedParameterPolicy,
    RotatingSecret,
    RotatingSecretArgs,
    SecureParameter,
    SecureParameterArgs,
)
from secretkit.components.iam.grants import aliases_for, role_label
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor

ROTATING: RotatingSecretArgs = {
    "secret_name": "prod/app",
    "rotation": {"strategy": "password", "automatically_after_days": 30},
}
PARAMETER: SecureParameterArgs = {"parameter_name": "/app/token", "value": "v"}


def read_policies(monitor: RecordingMonitor) -> dict[str, str]:
    """Inline read policy resource name -> the role it is attached to."""
    return {
        r.name: r.plain_inputs["role"]
        for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy")
        if "-read-" in r.name
    }


@pytest.mark.parametrize(
    ("component", "args"), [(RotatingSecret, ROTATING), (SecureParameter, PARAMETER)]
)
def test_readers_that_sanitise_alike_each_get_their_grant(
    monitor: RecordingMonitor, component: Any, args: dict[str, Any]
) -> None:
    mocks.run(lambda: component("c", {**args, "readers": ["a.b", "a_b", "a-b", "a@b"]}))
    grants = read_policies(monitor)
    assert sorted(grants.values()) == ["a-b", "a.b", "a@b", "a_b"]
    assert len(set(grants)) == 4
    assert grants["c-read-a-b"] == "a-b"  # a name needing no sanitising keeps its resource name


def test_proxy_roles_that_sanitise_alike_each_get_an_attachment(monitor: RecordingMonitor) -> None:
    mocks.run(lambda: ProxiedParameterPolicy("p", {"secret_name": "s", "roles": ["a.b", "a_b"]}))
    attachments = monitor.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert sorted(r.plain_inputs["role"] for r in attachments) == ["a.b", "a_b"]


def test_labels_are_stable_and_keep_names_that_need_no_sanitising() -> None:
    assert role_label("reader-a") == "reader-a"
    assert role_label("arn:aws:iam::123456789012:role/team/Reader-B") == "Reader-B"
    dotted = role_label("a.b")
    assert dotted == role_label("a.b")  # the same on every run (a hash, not a counter)
    assert dotted.startswith("a-b_")
    assert dotted != role_label("a_b")
    assert "_" not in role_label("a-b")  # sanitised labels and kept names never meet


class AliasRecorder(mocks.RecordingMonitor):
    """Also keeps the alias names each resource was registered with."""

    def __init__(self, aws_mocks: mocks.AwsMocks) -> None:
        super().__init__(aws_mocks)
        self.aliases: dict[str, list[str]] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.aliases[request.name] = [alias.spec.name for alias in request.aliases]
        return super().RegisterResource(request)


def install_alias_recorder() -> AliasRecorder:
    aws_mocks = mocks.AwsMocks()
    mocks.install(aws_mocks)  # a fresh event loop and root stack
    recorder = AliasRecorder(aws_mocks)
    pulumi.runtime.set_mocks(aws_mocks, project="secretkit", stack="test", monitor=recorder)
    return recorder


@pytest.mark.parametrize("component", [RotatingSecret, ProxiedParameterPolicy])
def test_a_renamed_grant_keeps_its_state_through_an_alias(component: Any) -> None:
    """A stack deployed when 'app.reader' was labelled 'app-reader' sees no replacement: the
    grant's new resource name carries the old one as an alias (for an attachment, a rename
    would even detach the policy: the new attachment is created before the old is deleted)."""
    recorder = install_alias_recorder()
    if component is RotatingSecret:
        mocks.run(lambda: RotatingSecret("c", {**ROTATING, "readers": ["app.reader", "plain"]}))
        old, kept = "c-read-app-reader", "c-read-plain"
    else:
        mocks.run(
            lambda: ProxiedParameterPolicy(
                "c", {"secret_name": "s", "roles": ["app.reader", "plain"]}
            )
        )
        old, kept = "c-app-reader", "c-plain"
    renamed = [name for name in recorder.aliases if name.startswith(f"{old}_")]
    assert len(renamed) == 1
    assert recorder.aliases[renamed[0]] == [old]
    assert recorder.aliases[kept] == []


def test_no_alias_is_claimed_when_another_reader_takes_the_old_name() -> None:
    assert aliases_for("c-read-a-b_1234", "c-read-a-b", {"c-read-a-b"}) is None
    aliases = aliases_for("c-read-a-b_1234", "c-read-a-b", set())
    assert aliases is not None
    assert [alias.name for alias in aliases] == ["c-read-a-b"]  # type: ignore[union-attr]
    assert aliases_for("c-read-a-b", "c-read-a-b", set()) is None


def test_the_same_role_twice_is_refused_before_anything_is_registered(
    monitor: RecordingMonitor,
) -> None:
    with pytest.raises(InvalidArgumentError, match="more than once"):
        mocks.run(lambda: RotatingSecret("c", {**ROTATING, "readers": ["App", "app"]}))
    assert monitor.registrations == []


def test_grant_read_of_the_same_role_in_another_case_is_the_first_grant(
    monitor: RecordingMonitor,
) -> None:
    """IAM role names are unique regardless of case: 'App' and '.../role/app' are one role, so
    the second grant is the first (issue 15: no error, no second policy)."""
    grants = []

    def program() -> None:
        secret = RotatingSecret("c", {**ROTATING, "readers": ["App"]})
        grants.append(secret.grant_read("arn:aws:iam::123456789012:role/app"))

    mocks.run(program)
    assert grants[0].pulumi_resource_name == "c-read-App"
    assert (
        len([r for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy") if "-read-" in r.name])
        == 1
    )


def test_a_role_resource_and_a_role_name_with_the_same_label_are_refused_up_front(
    monitor: RecordingMonitor,
) -> None:
    def program() -> None:
        role = aws.iam.Role("app", assume_role_policy="{}")
        ProxiedParameterPolicy("p", {"secret_name": "s", "roles": ["app", role]})

    with pytest.raises(InvalidArgumentError, match=r"roles\[1\].*same resource name"):
        mocks.run(program)
    assert "aws:iam/rolePolicyAttachment:RolePolicyAttachment" not in {
        r.type for r in monitor.registrations
    }


def test_a_long_sanitised_reader_still_fits_the_policy_name(monitor: RecordingMonitor) -> None:
    reader = "r." + "x" * 62  # 64 characters, the longest role name
    component = "n" * 47  # the longest name a rotation function allows

    def program() -> pulumi.Output[str]:
        return RotatingSecret(component, {**ROTATING, "readers": [reader]}).secret_arn

    mocks.run(program)
    (name,) = read_policies(monitor)
    assert len(name) + 8 <= 128  # IAM policy names, with Pulumi's random suffix
