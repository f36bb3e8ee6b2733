"""Issue 14 item 6 and issue 15: what grant_read and readers accept besides role names, ARNs
and aws.iam.Role, and what each becomes: an Output of a role's name or ARN, IAM users and
groups (resources and ARNs), the same role twice; and why grant_read still refuses a reader in
another account (its grant is part of documents that are registered with the component)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from components import (
    CrossRegionReplicatedSecret,
    InvalidArgumentError,
    RotatingSecret,
    RotationFunction,
    SecureParameter,
)
from components.iam.least_privilege import violations
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor, Registration
from tests.components.helpers import policy_of, statements_by_sid

ACCOUNT = mocks.ACCOUNT_ID
OTHER = "999999999999"


class WithUsers(mocks.AwsMocks):
    """AwsMocks that also give IAM users and groups their name and ARN, as AWS does."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        kinds = {"aws:iam/user:User": "user", "aws:iam/group:Group": "group"}
        if args.typ not in kinds:
            return super().new_resource(args)
        name = args.inputs.get("name") or args.name
        arn = f"arn:aws:iam::{self.account_id}:{kinds[args.typ]}/{name}"
        return str(name), {**args.inputs, "name": name, "arn": arn}


ROTATING = {
    "secret_name": "prod/app",
    "rotation": {"strategy": "password", "automatically_after_days": 30},
}
REPLICATED = {"secret_name": "prod/shared", "replica_regions": ["eu-west-1"]}
PARAMETER = {"parameter_name": "/app/token", "value": "v", "create_kms_key": True}


def member(name: str) -> Any:
    """A member of a shared RotationFunction (its key is the function's)."""
    shared = RotationFunction(f"{name}-fn", {"strategy": "password"})
    return RotatingSecret(
        name,
        {
            "secret_name": "prod/member",
            "rotation": {"function": shared, "automatically_after_days": 30},
        },
    )


#: (build the component named 'c', the Sid of its read statement)
COMPONENTS: list[Any] = [
    pytest.param(lambda: RotatingSecret("c", ROTATING), "ReadSecret", id="rotating-secret"),
    pytest.param(
        lambda: CrossRegionReplicatedSecret("c", REPLICATED), "ReadSecret", id="replicated-secret"
    ),
    pytest.param(lambda: member("c"), "ReadSecret", id="rotation-function-member"),
    pytest.param(lambda: SecureParameter("c", PARAMETER), "ReadParameter", id="secure-parameter"),
]


def grants_of(monitor: RecordingMonitor) -> list[Registration]:
    types = {
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
    }
    return [r for r in monitor.registrations if r.type in types and r.name.startswith("c-read-")]


def reference_document(monitor: RecordingMonitor, build: Callable[[], Any]) -> dict[str, Any]:
    """The document a role named by name gets from the same component (what every grantee
    kind must get, exactly)."""
    reference = mocks.install()

    def program() -> None:
        build().grant_read("reference-role")

    mocks.run(program)
    return policy_of(reference.by_name("c-read-reference-role"))


@pytest.mark.parametrize(("build", "sid"), COMPONENTS)
def test_an_output_of_a_role_name_gets_the_inline_policy_of_that_role(
    build: Callable[[], Any], sid: str
) -> None:
    expected = reference_document(mocks.install(), build)
    monitor = mocks.install()
    returned: list[Any] = []

    def program() -> None:
        component = build()
        name = pulumi.Output.from_input("some-role")
        returned.append(component.grant_read(name))
        returned.append(component.grant_read(name))
        returned.append(
            component.grant_read(
                pulumi.Output.from_input(f"arn:aws:iam::{ACCOUNT}:role/team/other")
            )
        )

    mocks.run(program)
    assert returned[0] is returned[1]
    by_name = {r.name: r for r in grants_of(monitor)}
    assert sorted(by_name) == ["c-read-output_1", "c-read-output_2"]
    assert by_name["c-read-output_1"].plain_inputs["role"] == "some-role"
    assert by_name["c-read-output_2"].plain_inputs["role"] == "other"
    for grant in by_name.values():
        assert policy_of(grant) == expected
        assert sid in statements_by_sid(policy_of(grant))
        assert violations(policy_of(grant)) == []


def test_an_output_keeps_the_dependency_on_the_role(monitor: RecordingMonitor) -> None:
    def program() -> None:
        role = aws.iam.Role("app-role", assume_role_policy="{}")
        RotatingSecret("c", ROTATING).grant_read(role.name)

    mocks.run(program)
    grant = monitor.by_name("c-read-output_1")
    assert grant.plain_inputs["role"] == monitor.by_name("app-role").state["name"]
    assert monitor.by_name("app-role").urn in grant.dependencies


@pytest.mark.parametrize(("build", "sid"), COMPONENTS)
def test_an_output_of_another_accounts_role_fails_the_deployment(
    monitor: RecordingMonitor, build: Callable[[], Any], sid: str
) -> None:
    foreign = f"arn:aws:iam::{OTHER}:role/x"

    def program() -> None:
        build().grant_read(pulumi.Output.from_input(foreign))

    with pytest.raises(
        ValueError,
        match=rf"'c'.*argument 'role' = '{foreign}'.*role in account {OTHER}.*give it in readers",
    ):
        mocks.run(program)
    assert all(r.plain_inputs.get("role") != "x" for r in grants_of(monitor))


def test_an_output_naming_no_role_fails_the_deployment(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match=r"argument 'role' = 'not a role'.*role name"):
        mocks.run(
            lambda: RotatingSecret("c", ROTATING).grant_read(pulumi.Output.from_input("not a role"))
        )


def test_an_output_in_readers_must_be_an_arn(monitor: RecordingMonitor) -> None:
    """A reader given as an Output in readers is named in the resource policy, by ARN: a role
    name would be an invalid principal, so it fails the deployment and says what works."""
    with pytest.raises(ValueError, match=r"readers\[0\]' = 'some-role'.*needs an ARN.*grant_read"):
        mocks.run(
            lambda: RotatingSecret(
                "c", {**ROTATING, "readers": [pulumi.Output.from_input("some-role")]}
            )
        )


@pytest.mark.parametrize(("build", "sid"), COMPONENTS)
def test_users_and_groups_get_the_same_document_inline(build: Callable[[], Any], sid: str) -> None:
    expected = reference_document(mocks.install(), build)
    monitor = mocks.install(WithUsers())
    returned: list[Any] = []

    def program() -> None:
        component = build()
        user = aws.iam.User("alice", name="alice")
        group = aws.iam.Group("ops", name="ops")
        returned.append(component.grant_read(user))
        returned.append(component.grant_read(group))
        returned.append(component.grant_read(f"arn:aws:iam::{ACCOUNT}:user/people/bob"))
        returned.append(component.grant_read(f"arn:aws:iam::{ACCOUNT}:group/Admins"))
        returned.append(component.grant_read(user))
        returned.append(component.grant_read(f"arn:aws:iam::{ACCOUNT}:group/admins"))

    mocks.run(program)
    assert returned[4] is returned[0]
    assert returned[5] is returned[3]
    found = {(r.type.rsplit(":", 1)[-1], r.name): r for r in grants_of(monitor)}
    assert sorted(found) == [
        ("GroupPolicy", "c-read-group-Admins"),
        ("GroupPolicy", "c-read-group-ops"),
        ("UserPolicy", "c-read-user-alice"),
        ("UserPolicy", "c-read-user-bob"),
    ]
    assert found["UserPolicy", "c-read-user-alice"].plain_inputs["user"] == "alice"
    assert found["UserPolicy", "c-read-user-bob"].plain_inputs["user"] == "bob"
    assert found["GroupPolicy", "c-read-group-ops"].plain_inputs["group"] == "ops"
    assert found["GroupPolicy", "c-read-group-Admins"].plain_inputs["group"] == "Admins"
    for grant in found.values():
        assert policy_of(grant) == expected
        assert grant.parent == monitor.by_name("c").urn


@pytest.mark.parametrize("kind", ["user", "group"])
def test_a_user_or_group_of_another_account_is_refused(
    monitor: RecordingMonitor, kind: str
) -> None:
    foreign = f"arn:aws:iam::{OTHER}:{kind}/x"
    with pytest.raises(
        InvalidArgumentError, match=rf"argument 'role' = '{foreign}'.*another account"
    ):
        mocks.run(lambda: RotatingSecret("c", ROTATING).grant_read(foreign))
    with pytest.raises(ValueError, match=rf"'{foreign}'.*{kind} in account {OTHER}"):
        mocks.run(lambda: SecureParameter("c", PARAMETER).grant_read(foreign))
    assert grants_of(monitor) == []


def test_a_malformed_user_arn_is_refused(monitor: RecordingMonitor) -> None:
    bad = f"arn:aws:iam::{ACCOUNT}:user/"
    with pytest.raises(InvalidArgumentError, match="must be an IAM user or group ARN"):
        mocks.run(lambda: SecureParameter("c", PARAMETER).grant_read(bad))


def test_a_role_in_readers_granted_again_by_resource_name_case_and_arn_is_one_grant(
    monitor: RecordingMonitor,
) -> None:
    returned: list[Any] = []

    def program() -> None:
        parameter = SecureParameter("c", {**PARAMETER, "readers": ["app"]})
        returned.append(parameter.grant_read("APP"))
        returned.append(parameter.grant_read(f"arn:aws:iam::{ACCOUNT}:role/app"))

    mocks.run(program)
    assert returned[0] is returned[1]
    assert [r.name for r in grants_of(monitor)] == ["c-read-app"]


def test_a_secrets_grant_read_refuses_a_reader_in_another_account_and_says_why(
    monitor: RecordingMonitor,
) -> None:
    for foreign in (f"arn:aws:iam::{OTHER}:role/x", OTHER):
        with pytest.raises(
            InvalidArgumentError,
            match=rf"'{foreign}' is invalid: is a reader in another account: its grant is a "
            "statement of the secret's resource policy and of the key policy, which the "
            "component registers when it is built; give it in readers",
        ):
            mocks.run(lambda: RotatingSecret("c", ROTATING).grant_read(foreign))  # noqa: B023
    assert grants_of(monitor) == []


def test_an_output_callback_can_run_inside_the_program_body(monitor: RecordingMonitor) -> None:
    """Why a foreign grant_read is not deferred to a document built in an Output callback: the
    program body is not over when such a callback runs. A synchronous invoke in the body pumps
    the event loop (pulumi/runtime/sync_await.py: "_sync_await waits for the given future to
    complete by effectively yielding the current task and pumping the event loop"), which runs
    the callbacks of Outputs resolved meanwhile: a grant_read made after it would come too late
    for a document built that way, depending on timing."""
    events: list[str] = []

    def program() -> pulumi.Output[str]:
        secret = RotatingSecret("c", ROTATING)
        secret.secret_arn.apply(lambda _: events.append("callback"))
        time.sleep(0.2)  # the registrations' RPCs finish meanwhile, in their threads
        events.append("body: before invokes")
        for _ in range(30):
            aws.get_caller_identity()
        events.append("body: after invokes")
        return secret.secret_arn

    mocks.run(program)
    assert events.index("callback") < events.index("body: after invokes")
