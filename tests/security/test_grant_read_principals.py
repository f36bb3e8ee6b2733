"""Issue 14 item 6 and issue 15: what grant_read and readers accept besides role names, ARNs
and aws.iam.Role, and what each becomes: an Output of a role's name or ARN, IAM users and
groups (resources and ARNs), the same role twice; and why grant_read still refuses a reader in
another account (its grant is part of documents that are registered with the component)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import (
    CrossRegionReplicatedSecret,
    CrossRegionReplicatedSecretArgs,
    InvalidArgumentError,
    ProxiedParameterPolicy,
    RotatingSecret,
    RotatingSecretArgs,
    RotationFunction,
    SecureParameter,
    SecureParameterArgs,
)
from secretkit.components.iam.least_privilege import violations
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


class OtherAccountRoles(mocks.AwsMocks):
    """The provider named 'other-account' is for account OTHER: it says so, and its roles'
    ARNs name it."""

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        result = super().call(args)
        if args.token.endswith("getCallerIdentity") and "other-account" in (args.provider or ""):
            result = {**result, "accountId": OTHER, "id": OTHER}
        return result

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        resource_id, state = super().new_resource(args)
        if args.typ == "aws:iam/role:Role" and "other-account" in (args.provider or ""):
            state["arn"] = str(state["arn"]).replace(f"::{self.account_id}:", f"::{OTHER}:")
        return resource_id, state


ROTATING: RotatingSecretArgs = {
    "secret_name": "prod/app",
    "rotation": {"strategy": "password", "automatically_after_days": 30},
}
REPLICATED: CrossRegionReplicatedSecretArgs = {
    "secret_name": "prod/shared",
    "replica_regions": ["eu-west-1"],
}
PARAMETER: SecureParameterArgs = {
    "parameter_name": "/app/token",
    "value": "v",
    "create_kms_key": True,
}


def member(name: str) -> Any:
    """A member of a shared RotationFunction (its key is the function's)."""
    shared = RotationFunction(f"{name}-fn", {"strategy": "password"})
    return RotatingSecret(  # type: ignore[call-overload]
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
        match=rf"'c'.*argument 'role' = '{foreign}'.*role in account {OTHER}.*readers",
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
                "c",
                {**ROTATING, "readers": [pulumi.Output.from_input("some-role")]},
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


def test_a_group_of_another_account_is_refused(monitor: RecordingMonitor) -> None:
    """A group is no principal of a resource or key policy (IAM)."""
    foreign = f"arn:aws:iam::{OTHER}:group/x"
    with pytest.raises(
        InvalidArgumentError, match=rf"argument 'role' = '{foreign}'.*group.*cannot be a principal"
    ):
        mocks.run(lambda: RotatingSecret("c", ROTATING).grant_read(foreign))
    assert grants_of(monitor) == []


def test_a_user_of_another_account_is_named_in_the_secrets_documents(
    monitor: RecordingMonitor,
) -> None:
    foreign = f"arn:aws:iam::{OTHER}:user/x"
    mocks.run(lambda: RotatingSecret("c", ROTATING).grant_read(foreign))
    read = statements_by_sid(documents(monitor)["c-policy"])["ReadFromOtherAccounts"]
    assert read["Principal"] == {"AWS": [foreign]}
    assert grants_of(monitor) == []


@pytest.mark.parametrize("kind", ["user", "group"])
def test_a_parameter_refuses_a_user_or_group_of_another_account(
    monitor: RecordingMonitor, kind: str
) -> None:
    foreign = f"arn:aws:iam::{OTHER}:{kind}/x"
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


FOREIGN = f"arn:aws:iam::{OTHER}:role/x"


def documents(monitor: RecordingMonitor) -> dict[str, Any]:
    """The secret's resource policy and the created keys' policies, by resource name."""
    types = (
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        "aws:kms/key:Key",
        "aws:kms/replicaKey:ReplicaKey",
    )
    return {r.name: policy_of(r) for r in monitor.registrations if r.type in types}


SECRETS: list[Any] = [
    pytest.param(RotatingSecret, ROTATING, id="rotating-secret"),
    pytest.param(CrossRegionReplicatedSecret, REPLICATED, id="replicated-secret"),
]


@pytest.mark.parametrize(("component", "args"), SECRETS)
@pytest.mark.parametrize("reader", [FOREIGN, OTHER], ids=["role-arn", "account-id"])
def test_a_later_grant_to_another_account_makes_the_documents_readers_makes(
    component: Any, args: dict[str, Any], reader: str
) -> None:
    """grant_read(foreign) after the constructor, even after synchronous invokes that run Output
    callbacks, registers exactly what readers=[foreign] registers: the same resource policy and
    the same key policies (of every region)."""
    given = mocks.install()
    mocks.run(lambda: component("c", {**args, "readers": [reader]}))
    expected = documents(given)
    later = mocks.install()
    returned: list[Any] = []

    def program() -> None:
        secret = component("c", args)
        time.sleep(0.2)  # the registrations' RPCs finish meanwhile
        for _ in range(20):
            aws.get_caller_identity()
        returned.append(secret.grant_read(reader))
        returned.append(secret.grant_read(reader))

    mocks.run(program)
    assert documents(later) == expected
    assert "c-policy" in expected
    assert returned[0] is returned[1]
    assert returned[0].pulumi_resource_name == "c-policy"
    principals = statements_by_sid(expected["c-policy"])["ReadFromOtherAccounts"]["Principal"]
    assert principals == {"AWS": [FOREIGN if reader == FOREIGN else f"arn:aws:iam::{OTHER}:root"]}
    for name, document in expected.items():
        if name != "c-policy":
            assert principals == statements_by_sid(document)["DecryptForOtherAccounts"]["Principal"]


def test_readers_and_later_grants_share_one_statement(monitor: RecordingMonitor) -> None:
    third = "arn:aws:iam::333333333333:role/y"
    returned: list[Any] = []

    def program() -> None:
        secret = RotatingSecret("c", {**ROTATING, "readers": [FOREIGN, "local"]})
        returned.append(secret.grant_read(FOREIGN))
        returned.append(secret.grant_read(third))

    mocks.run(program)
    assert returned[0] is returned[1]
    assert len(monitor.by_type("aws:secretsmanager/secretPolicy:SecretPolicy")) == 1
    found = documents(monitor)
    read = statements_by_sid(found["c-policy"])["ReadFromOtherAccounts"]
    decrypt = statements_by_sid(found["c-key"])["DecryptForOtherAccounts"]
    assert read["Principal"] == decrypt["Principal"] == {"AWS": [FOREIGN, third]}


def test_a_later_grant_to_a_role_resource_of_another_account_depends_on_it() -> None:
    monitor = mocks.install(OtherAccountRoles())

    def program() -> None:
        provider = aws.Provider("other-account", region=mocks.REGION)
        role = aws.iam.Role(
            "foreign-reader",
            assume_role_policy="{}",
            opts=pulumi.ResourceOptions(provider=provider),
        )
        RotatingSecret("c", ROTATING).grant_read(role)

    mocks.run(program)
    role = monitor.by_name("foreign-reader")
    policy = monitor.by_name("c-policy")
    assert role.urn in policy.dependencies
    assert role.urn in monitor.by_name("c-key").dependencies
    read = statements_by_sid(policy_of(policy))["ReadFromOtherAccounts"]
    assert read["Principal"] == {"AWS": [role.state["arn"]]}
    assert f"::{OTHER}:" in role.state["arn"]


def test_a_grant_after_the_documents_were_built_is_refused(monitor: RecordingMonitor) -> None:
    errors: list[str] = []

    def late(secret: RotatingSecret) -> str:
        try:
            secret.grant_read(FOREIGN)
        except InvalidArgumentError as error:
            errors.append(str(error))
        return ""

    def program() -> pulumi.Output[str]:
        secret = RotatingSecret("c", {**ROTATING, "readers": [f"arn:aws:iam::{OTHER}:role/z"]})
        return secret.resource_policy.policy.apply(lambda _: late(secret))  # type: ignore[union-attr]

    mocks.run(program)
    assert len(errors) == 1
    assert errors[0].startswith(f"RotatingSecret 'c': argument 'role' = '{FOREIGN}' is invalid")
    assert "granted after the secret's resource policy and key policy were built" in errors[0]
    assert FOREIGN not in json.dumps(documents(monitor))


def test_a_later_grant_for_a_given_key_prints_what_its_owner_must_add(
    monitor: RecordingMonitor,
) -> None:
    key = f"arn:aws:kms:{mocks.REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    args: RotatingSecretArgs = {**ROTATING, "kms_key_arn": key}
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: RotatingSecret("c", args).grant_read(FOREIGN))
    message = str(caught.value)
    assert "the key of kms_key_arn was not created by this component" in message
    assert '"Sid": "DecryptForOtherAccounts"' in message
    assert FOREIGN in message
    assert "key_policy_allows_foreign_readers=True" in message
    assert monitor.by_type("aws:secretsmanager/secretPolicy:SecretPolicy") == []

    allowed = mocks.install()
    mocks.run(
        lambda: RotatingSecret("c", {**args, "key_policy_allows_foreign_readers": True}).grant_read(
            FOREIGN
        )
    )
    read = statements_by_sid(documents(allowed)["c-policy"])["ReadFromOtherAccounts"]
    assert read["Principal"] == {"AWS": [FOREIGN]}


def test_a_member_of_a_shared_function_refuses_a_later_foreign_grant(
    monitor: RecordingMonitor,
) -> None:
    """Its key is the function's (not created by the member): the key's owner must add it."""
    with pytest.raises(
        InvalidArgumentError, match=r"the key of rotation\.function was not created"
    ):
        mocks.run(lambda: member("c").grant_read(FOREIGN))


def test_an_output_callback_can_run_inside_the_program_body(monitor: RecordingMonitor) -> None:
    """Why the documents naming later readers wait for the program's frame to return
    (components/program_body.py), not merely for an Output callback: a synchronous invoke in the
    body pumps the event loop (pulumi/runtime/sync_await.py: "_sync_await waits for the given
    future to complete by effectively yielding the current task and pumping the event loop"),
    which runs the callbacks of Outputs resolved meanwhile, inside the body."""
    events: list[str] = []

    def program() -> None:
        role = aws.iam.Role("app", assume_role_policy="{}")
        role.arn.apply(lambda _: events.append("callback"))
        time.sleep(0.2)  # the registrations' RPCs finish meanwhile, in their threads
        events.append("body: before invokes")
        for _ in range(30):
            aws.get_caller_identity()
        events.append("body: after invokes")

    mocks.run(program)
    assert events.index("callback") < events.index("body: after invokes")


def test_readers_refuse_users_and_groups_and_say_to_use_grant_read(
    monitor: RecordingMonitor,
) -> None:
    def program() -> None:
        user = aws.iam.User("alice", name="alice")
        RotatingSecret("c", {**ROTATING, "readers": ["app", user]})  # type: ignore[call-overload]

    with pytest.raises(
        InvalidArgumentError,
        match=r"'readers\[1\]' = \"aws.iam.User\('alice'\)\" is invalid: is an IAM user or group"
        r".*grant_read",
    ):
        mocks.run(program)
    group = f"arn:aws:iam::{ACCOUNT}:group/ops"
    with pytest.raises(InvalidArgumentError, match=rf"'readers\[0\]' = '{group}'.*grant_read"):
        mocks.run(lambda: SecureParameter("c", {**PARAMETER, "readers": [group]}))
    assert grants_of(monitor) == []


def test_proxied_parameter_policy_attaches_to_roles_given_as_outputs(
    monitor: RecordingMonitor,
) -> None:
    def program() -> None:
        role = aws.iam.Role("worker", assume_role_policy="{}")
        ProxiedParameterPolicy(
            "p",
            {
                "secret_name": "prod/app",
                "roles": [
                    "app",
                    role.name,
                    pulumi.Output.from_input(f"arn:aws:iam::{ACCOUNT}:role/team/ops"),
                ],
            },
        )

    mocks.run(program)
    attachments = {
        r.name: r for r in monitor.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    }
    assert sorted(attachments) == ["p-app", "p-roles.1", "p-roles.2"]
    assert attachments["p-roles.1"].plain_inputs["role"] == monitor.by_name("worker").state["name"]
    assert monitor.by_name("worker").urn in attachments["p-roles.1"].dependencies
    assert attachments["p-roles.2"].plain_inputs["role"] == "ops"


def test_proxied_parameter_policy_refuses_an_output_of_another_accounts_role(
    monitor: RecordingMonitor,
) -> None:
    foreign = pulumi.Output.from_input(FOREIGN)
    with pytest.raises(ValueError, match=rf"'roles\[0\]' = '{FOREIGN}'.*account {OTHER}"):
        mocks.run(lambda: ProxiedParameterPolicy("p", {"secret_name": "s", "roles": [foreign]}))


def test_a_pulumi_runtime_test_sees_later_grants_and_does_not_wait_forever() -> None:
    """Pulumi's documented unit test shape: the decorated function builds the component, grants,
    and returns an Output the decorator then awaits (pulumi/runtime/mocks.py ``test``). The
    documents wait for that function to return, not for the Output it returned."""
    mocks.install()
    seen: list[dict[str, Any]] = []

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def check() -> pulumi.Output[None]:
        secret = RotatingSecret("c", ROTATING)
        secret.grant_read(FOREIGN)
        assert secret.kms_key is not None
        return secret.kms_key.policy.apply(lambda policy: seen.append(json.loads(policy)))

    check()
    decrypt = statements_by_sid(seen[0])["DecryptForOtherAccounts"]
    assert decrypt["Principal"] == {"AWS": [FOREIGN]}


def test_a_pulumi_run_program_grants_until_its_first_await() -> None:
    """Built in an async program: the documents wait until it suspends at an await."""
    monitor = mocks.install()
    errors: list[str] = []

    async def program() -> None:
        secret = RotatingSecret("c", ROTATING)
        secret.grant_read(FOREIGN)
        await asyncio.sleep(0.3)
        try:
            secret.grant_read("arn:aws:iam::333333333333:role/late")
        except InvalidArgumentError as error:
            errors.append(str(error))

    mocks.run(program)
    read = statements_by_sid(documents(monitor)["c-policy"])["ReadFromOtherAccounts"]
    assert read["Principal"] == {"AWS": [FOREIGN]}
    assert len(errors) == 1
    assert "granted after the secret's resource policy and key policy were built" in errors[0]
