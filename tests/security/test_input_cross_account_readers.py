"""Issue 12, item 4: a role ARN of another account is never turned into the local role of the
same name (an inline policy on role 'x' of the deploying account). Issue 14: the Secrets Manager
components grant it through the secret's resource policy and the key policy instead of refusing
it; the Parameter Store ones still refuse it."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import (
    CrossRegionReplicatedSecret,
    CrossRegionReplicatedSecretArgs,
    ProxiedParameterPolicy,
    RotatingSecret,
    RotatingSecretArgs,
    SecureParameter,
    SecureParameterArgs,
)
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor

ACCOUNT = mocks.ACCOUNT_ID
OTHER = "999999999999"
FOREIGN = f"arn:aws:iam::{OTHER}:role/x"
LOCAL = f"arn:aws:iam::{ACCOUNT}:role/team/x"
RULE = rf"is a role in account {OTHER}, but this component deploys into account {ACCOUNT}"

ROTATING: RotatingSecretArgs = {
    "secret_name": "prod/app",
    "rotation": {"strategy": "password", "automatically_after_days": 30},
}
PARAMETER: SecureParameterArgs = {"parameter_name": "/app/token", "value": "v"}
REPLICATED: CrossRegionReplicatedSecretArgs = {
    "secret_name": "prod/shared",
    "replica_regions": ["eu-west-1"],
}


def only_components(monitor: RecordingMonitor) -> bool:
    return all(not r.custom for r in monitor.registrations)


def grants_on(monitor: RecordingMonitor, role: str) -> list[str]:
    policies = monitor.by_type("aws:iam/rolePolicy:RolePolicy")
    attachments = monitor.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    return [r.name for r in [*policies, *attachments] if r.plain_inputs.get("role") == role]


SECRETS_WITH_READERS = [
    pytest.param(RotatingSecret, ROTATING, "readers", id="rotating-secret"),
    pytest.param(CrossRegionReplicatedSecret, REPLICATED, "readers", id="replicated-secret"),
]
#: SecureParameter shares with readers in other accounts through AWS RAM
#: (tests/security/test_shared_parameter.py).
REFUSING_FOREIGN_READERS = [
    pytest.param(ProxiedParameterPolicy, {"secret_name": "prod/app"}, "roles", id="proxy"),
]
COMPONENTS_WITH_READERS = [
    *SECRETS_WITH_READERS,
    pytest.param(SecureParameter, PARAMETER, "readers", id="secure-parameter"),
    *REFUSING_FOREIGN_READERS,
]


@pytest.mark.parametrize(("component", "args", "argument"), SECRETS_WITH_READERS)
def test_a_reader_in_another_account_is_granted_by_the_resource_policy_not_by_name(
    monitor: RecordingMonitor, component: Any, args: dict[str, Any], argument: str
) -> None:
    mocks.run(lambda: component("c", {**args, argument: ["local-reader", FOREIGN]}))
    assert grants_on(monitor, "x") == []
    assert len(grants_on(monitor, "local-reader")) == 1
    policy = monitor.by_type("aws:secretsmanager/secretPolicy:SecretPolicy")
    assert len(policy) == 1
    assert FOREIGN in policy[0].plain_inputs["policy"]


@pytest.mark.parametrize(("component", "args", "argument"), REFUSING_FOREIGN_READERS)
def test_a_reader_in_another_account_is_refused_before_any_resource(
    monitor: RecordingMonitor, component: Any, args: dict[str, Any], argument: str
) -> None:
    given = {**args, argument: ["local-reader", FOREIGN]}
    with pytest.raises(ValueError, match=rf"argument '{argument}\[1\]' = '{FOREIGN}'.*{RULE}"):
        mocks.run(lambda: component("c", given))
    assert only_components(monitor)
    assert grants_on(monitor, "x") == []


@pytest.mark.parametrize(("component", "args", "argument"), COMPONENTS_WITH_READERS)
def test_a_reader_arn_of_the_deploying_account_is_granted_by_name(
    monitor: RecordingMonitor, component: Any, args: dict[str, Any], argument: str
) -> None:
    mocks.run(lambda: component("c", {**args, argument: [LOCAL]}))
    assert len(grants_on(monitor, "x")) == 1


def test_the_error_names_the_account_and_says_cross_account_is_unsupported(
    monitor: RecordingMonitor,
) -> None:
    with pytest.raises(ValueError, match="cross-account") as caught:
        mocks.run(
            lambda: ProxiedParameterPolicy("c", {"secret_name": "prod/app", "roles": [FOREIGN]})
        )
    message = str(caught.value)
    assert "ProxiedParameterPolicy 'c'" in message
    assert OTHER in message
    assert "cross-account readers are not supported yet" in message


#: What a parameter's grant_read says of a foreign role ARN (a secret's grant_read names it in
#: the resource and key policies: tests/security/test_grant_read_principals.py).


@pytest.mark.parametrize(
    ("component", "args", "rule"),
    [
        (
            SecureParameter,
            PARAMETER,
            f"{RULE}: a reader in another account gets the parameter "
            "through the component's AWS RAM share and key policy: give it in readers",
        ),
    ],
)
def test_grant_read_refuses_a_foreign_role_arn(
    monitor: RecordingMonitor, component: Any, args: dict[str, Any], rule: str
) -> None:
    def program() -> None:
        built = component("c", args)
        built.grant_read(FOREIGN)

    with pytest.raises(ValueError, match=rf"argument 'role' = '{FOREIGN}'.*{rule}"):
        mocks.run(program)
    assert grants_on(monitor, "x") == []


class TwoAccounts(mocks.AwsMocks):
    """Roles whose Pulumi name starts with 'foreign' are created in another account, as by a
    provider for that account."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        resource_id, state = super().new_resource(args)
        if args.typ == "aws:iam/role:Role" and args.name.startswith("foreign"):
            state["arn"] = str(state["arn"]).replace(f"::{self.account_id}:", f"::{OTHER}:")
        return resource_id, state


@pytest.mark.parametrize("component", [SecureParameter, ProxiedParameterPolicy])
def test_a_role_resource_of_another_account_is_refused(component: Any) -> None:
    monitor = mocks.install(TwoAccounts())

    def program() -> None:
        role = aws.iam.Role("foreign-reader", assume_role_policy="{}")
        if component is SecureParameter:
            SecureParameter("c", PARAMETER).grant_read(role)
        else:
            ProxiedParameterPolicy("c", {"secret_name": "prod/app", "roles": [role]})

    with pytest.raises(ValueError, match=rf"aws.iam.Role\('foreign-reader'\).*account {OTHER}"):
        mocks.run(program)
    registered = {r.type for r in monitor.registrations}
    assert "aws:iam/rolePolicy:RolePolicy" not in registered
    assert "aws:iam/rolePolicyAttachment:RolePolicyAttachment" not in registered


def test_a_role_resource_of_the_deploying_account_is_granted(monitor: RecordingMonitor) -> None:
    def program() -> pulumi.Output[str]:
        role = aws.iam.Role("reader", assume_role_policy="{}")
        secret = RotatingSecret("c", ROTATING)
        secret.grant_read(role)
        return secret.secret_arn

    mocks.run(program)
    reader = monitor.by_name("reader").state["name"]
    assert grants_on(monitor, reader) == ["c-read-reader"]
