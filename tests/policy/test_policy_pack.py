"""The CrossGuard policy pack, without the Pulumi CLI: each policy's validate is called with
ResourceValidationArgs / StackValidationArgs built the way pulumi_policy builds them (properties
behind its unknown-checking proxy, numbers as floats), for passing and failing resources."""

from __future__ import annotations

import importlib
import json
import runpy
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pulumi_policy
import pytest
import yaml
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policy import secretkit_policies as pack
from secretkit.components.iam.key_policy import key_policy
from secretkit.components.iam.reader import parameter_read_policy, secret_read_policy
from secretkit.costs.advisor import Finding
from secretkit.embedded.mocks import unwrap
from secretkit.program import PROJECT_DIR, ProgramRun, load_stack_config, run_program

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
REGION = "us-east-1"
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db-AbCdEf"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
PARAMETER_ARN = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/app/token"
UNKNOWN = UNKNOWN_STRING_VALUE  # what the engine sends for a value a preview cannot know
STACK_URN = "urn:pulumi:dev::secretkit::pulumi:pulumi:Stack::secretkit-dev"
PACK_DIR = Path(__file__).resolve().parents[2] / "policy"


# --- factories ----------------------------------------------------------------------------------


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::secretkit::{type_}::{name}"


def options(parent: str | None = STACK_URN) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=False,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=parent,
    )


def resource_args(type_: str, props: dict[str, Any], name: str = "r") -> ResourceValidationArgs:
    """What the analyzer passes a resource validation (properties behind the proxy)."""
    return ResourceValidationArgs(
        type_, unknown_checking_proxy(props), urn(type_, name), name, options(), None
    )


def stack_resource(
    type_: str,
    name: str,
    props: dict[str, Any],
    property_dependencies: dict[str, list[PolicyResource]] | None = None,
    parent: PolicyResource | None = None,
) -> PolicyResource:
    return PolicyResource(
        type_,
        unknown_checking_proxy(props),
        urn(type_, name),
        name,
        options(parent.urn if parent else STACK_URN),
        None,
        parent,
        [],
        property_dependencies or {},
    )


class Violations(list[tuple[str, str | None]]):
    """A report_violation that keeps (message, urn) pairs."""

    def __call__(self, message: str, urn: str | None = None) -> None:
        self.append((message, urn))

    @property
    def messages(self) -> list[str]:
        return [message for message, _ in self]


def check(policy: ResourceValidationPolicy, type_: str, props: dict[str, Any]) -> list[str]:
    found = Violations()
    assert policy.validate(resource_args(type_, props), found) is None  # synchronous
    return found.messages


def check_stack(
    policy: StackValidationPolicy,
    resources: list[PolicyResource],
    config: dict[str, Any] | None = None,
) -> Violations:
    found = Violations()
    assert policy.validate(StackValidationArgs(resources, config), found) is None
    return found


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: Any, resources: Any = SECRET_ARN, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}


# --- no wildcard actions over secretsmanager, ssm, kms --------------------------------------------

WILDCARD = pack.NO_WILDCARD_ACTIONS


def test_kms_star_key_policy_fails() -> None:
    policy = json.dumps(doc(allow("kms:*", "*", Principal=ROOT)))
    found = check(WILDCARD, "aws:kms/key:Key", {"policy": policy})
    assert found == ["policy: statement 0: wildcard action 'kms:*'"]


def test_secretkit_root_delegation_key_policy_passes() -> None:
    document = key_policy("aws", ACCOUNT)
    assert check(WILDCARD, "aws:kms/key:Key", {"policy": json.dumps(document)}) == []
    assert check(WILDCARD, "aws:kms/keyPolicy:KeyPolicy", {"policy": document}) == []


@pytest.mark.parametrize(
    "action",
    [
        "*",
        "kms:*",
        "ssm:Get*",
        "secretsmanager:?etSecretValue",
        "s*:GetParameter",
        "kms*",
        "*crypt",
    ],
)
def test_wildcards_over_guarded_services_fail(action: str) -> None:
    policy = json.dumps(doc(allow(["ssm:GetParameter", action])))
    found = check(WILDCARD, "aws:iam/policy:Policy", {"policy": policy})
    assert found == [f"policy: statement 0: wildcard action {action!r}"]


@pytest.mark.parametrize(
    "statement",
    [
        allow(["s3:Get*", "logs:*"], "*"),  # other services are not this pack's business
        {"Effect": "Deny", "Action": "kms:*", "Resource": "*"},  # denying broadly is fine
        allow(["secretsmanager:GetSecretValue", "kms:Decrypt"]),
    ],
)
def test_exact_actions_and_other_services_pass(statement: dict[str, Any]) -> None:
    assert check(WILDCARD, "aws:iam/rolePolicy:RolePolicy", {"policy": doc(statement)}) == []


def test_not_action_fails() -> None:
    statement = {"Sid": "All", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    found = check(WILDCARD, "aws:iam/userPolicy:UserPolicy", {"policy": json.dumps(doc(statement))})
    assert found == ["policy: All: NotAction/NotResource grant everything else"]


@pytest.mark.parametrize(
    ("type_", "props", "where"),
    [
        ("aws:iam/groupPolicy:GroupPolicy", {}, "policy"),
        ("aws:secretsmanager/secretPolicy:SecretPolicy", {"secretArn": SECRET_ARN}, "policy"),
        ("aws:secretsmanager/secret:Secret", {"name": "db"}, "policy"),
        ("aws:kms/replicaKey:ReplicaKey", {}, "policy"),
    ],
)
def test_every_policy_bearing_type_is_checked(
    type_: str, props: dict[str, Any], where: str
) -> None:
    policy = json.dumps(doc(allow("secretsmanager:*", "*", Principal=ROOT)))
    found = check(WILDCARD, type_, {**props, "policy": policy})
    assert found == [f"{where}: statement 0: wildcard action 'secretsmanager:*'"]


def test_role_inline_policies_are_checked() -> None:
    props = {
        "assumeRolePolicy": json.dumps(doc({"Effect": "Allow", "Action": "sts:AssumeRole"})),
        "inlinePolicies": [
            {"name": "ok", "policy": json.dumps(doc(allow("ssm:GetParameter")))},
            {"name": "broad", "policy": json.dumps(doc(allow("ssm:Get*")))},
        ],
    }
    found = check(WILDCARD, "aws:iam/role:Role", props)
    assert found == ["inlinePolicies[1] (broad): statement 0: wildcard action 'ssm:Get*'"]


def test_unknown_policies_are_skipped_during_preview() -> None:
    assert check(WILDCARD, "aws:iam/policy:Policy", {"policy": UNKNOWN}) == []
    assert check(WILDCARD, "aws:iam/role:Role", {"inlinePolicies": UNKNOWN}) == []
    role = {"inlinePolicies": [{"name": "p", "policy": UNKNOWN}]}
    assert check(WILDCARD, "aws:iam/role:Role", role) == []
    # Known document with an unknown part (a dict policy holding an Output's placeholder).
    partly = doc(allow(["kms:*", UNKNOWN], [UNKNOWN]))
    found = check(WILDCARD, "aws:iam/policy:Policy", {"policy": partly})
    assert found == ["policy: statement 0: wildcard action 'kms:*'"]


def test_other_resource_types_and_bad_json_are_ignored() -> None:
    assert check(WILDCARD, "aws:s3/bucket:Bucket", {"policy": doc(allow("*", "*"))}) == []
    assert check(WILDCARD, "aws:iam/policy:Policy", {"policy": "{not json"}) == []
    assert check(WILDCARD, "aws:iam/policy:Policy", {}) == []


# --- no Resource "*" on secret reads --------------------------------------------------------------

STAR = pack.NO_STAR_SECRET_READS


@pytest.mark.parametrize(
    "action",
    [
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        "SecretsManager:getSecretValue",  # IAM matches actions case-insensitively
    ],
)
def test_reads_on_star_fail(action: str) -> None:
    found = check(STAR, "aws:iam/policy:Policy", {"policy": json.dumps(doc(allow(action, "*")))})
    assert len(found) == 1
    assert found[0].startswith("policy: statement 0: Resource '*' for ")


def test_decrypt_on_star_fails_even_with_via_service() -> None:
    condition = {"StringEquals": {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}}
    statement = allow("kms:Decrypt", ["*"], Sid="Decrypt", Condition=condition)
    found = check(STAR, "aws:iam/rolePolicy:RolePolicy", {"policy": doc(statement)})
    assert found == ["policy: Decrypt: Resource '*' for kms:Decrypt"]


def test_wildcard_and_not_action_reads_on_star_fail() -> None:
    wildcard = allow("secretsmanager:Get*", "*")
    found = check(STAR, "aws:iam/policy:Policy", {"policy": doc(wildcard)})
    assert found == ["policy: statement 0: Resource '*' for secretsmanager:GetSecretValue"]
    not_action = {"Effect": "Allow", "NotAction": ["iam:*", "kms:*"], "Resource": "*"}
    found = check(STAR, "aws:iam/policy:Policy", {"policy": doc(not_action)})
    assert len(found) == 1
    assert "ssm:GetParametersByPath" in found[0]
    assert "kms:Decrypt" not in found[0]


def test_secretkit_read_policies_pass() -> None:
    secret = secret_read_policy(SECRET_ARN, KEY_ARN, REGION)
    parameter = parameter_read_policy(PARAMETER_ARN, KEY_ARN, REGION)
    for document in (secret, parameter):
        for policy in (STAR, WILDCARD):
            assert check(policy, "aws:iam/policy:Policy", {"policy": json.dumps(document)}) == []
    role = {"inlinePolicies": [{"name": "read", "policy": json.dumps(secret)}]}
    assert check(STAR, "aws:iam/role:Role", role) == []


def test_star_is_fine_where_it_means_the_resource_itself() -> None:
    grant = doc(allow("secretsmanager:GetSecretValue", "*", Principal=ROOT))
    secret_policy = {"secretArn": SECRET_ARN, "policy": json.dumps(grant)}
    assert check(STAR, "aws:secretsmanager/secretPolicy:SecretPolicy", secret_policy) == []
    key = doc(allow("kms:Decrypt", "*", Principal=ROOT))
    assert check(STAR, "aws:kms/key:Key", {"policy": key}) == []


def test_non_read_actions_on_star_are_not_this_policys_business() -> None:
    statement = allow(["ec2:DescribeNetworkInterfaces", "secretsmanager:ListSecrets"], "*")
    assert check(STAR, "aws:iam/policy:Policy", {"policy": doc(statement)}) == []


# --- rotation schedules -------------------------------------------------------------------------

ROTATION = pack.ROTATION_SCHEDULE
SECRET_ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"


def rotation(**rules: Any) -> list[str]:
    return check(ROTATION, SECRET_ROTATION, {"secretId": SECRET_ARN, "rotationRules": rules})


@pytest.mark.parametrize(
    "rules",
    [
        {"automaticallyAfterDays": 0.0},  # the engine sends numbers as floats
        {"automaticallyAfterDays": 1001.0},
        {"automaticallyAfterDays": 7.5},
        {"scheduleExpression": "rate(2 hours)"},
        {"scheduleExpression": "rate(1001 days)"},
        {"scheduleExpression": "cron(0 16 1,15 * * *)"},  # neither day field is '?'
        {"scheduleExpression": "cron(0 16 1 * ?)"},  # five fields
        {"scheduleExpression": "every day"},
        {"scheduleExpression": "rate(4 hours)", "duration": "4h"},  # window as long as interval
        {"automaticallyAfterDays": 30.0, "duration": "25h"},
        {"automaticallyAfterDays": 30.0, "duration": "0h"},
    ],
)
def test_out_of_bounds_rotation_fails(rules: dict[str, Any]) -> None:
    found = rotation(**rules)
    assert len(found) == 1
    argument = next(iter(rules)) if "duration" not in rules else "duration"
    assert f"'rotationRules.{argument}'" in found[0]


@pytest.mark.parametrize(
    "rules",
    [
        {"automaticallyAfterDays": 1.0},
        {"automaticallyAfterDays": 1000},
        {"automaticallyAfterDays": 30.0, "duration": "24h"},
        {"scheduleExpression": "rate(4 hours)"},
        {"scheduleExpression": "rate(4 hours)", "duration": "3h"},
        {"scheduleExpression": "rate(1000 days)"},
        {"scheduleExpression": "cron(0 16 1,15 * ? *)", "duration": "2h"},
        {"scheduleExpression": "cron(0 8 ? * MON *)"},
    ],
)
def test_rotation_within_bounds_passes(rules: dict[str, Any]) -> None:
    assert rotation(**rules) == []


def test_every_broken_rule_is_reported() -> None:
    found = rotation(scheduleExpression="rate(2 hours)", duration="30h")
    assert len(found) == 2


def test_provider_state_spelling_of_unset_is_not_judged() -> None:
    rules = {"automaticallyAfterDays": 0.0, "scheduleExpression": "rate(7 days)", "duration": ""}
    assert rotation(**rules) == []


def test_days_and_expression_together_fail() -> None:
    found = rotation(automaticallyAfterDays=30.0, scheduleExpression="rate(30 days)")
    assert found == [
        "rotationRules sets both automaticallyAfterDays and scheduleExpression; AWS takes one"
    ]


def test_unknown_rotation_rules_are_skipped() -> None:
    assert check(ROTATION, SECRET_ROTATION, {"rotationRules": UNKNOWN}) == []
    assert rotation(scheduleExpression=UNKNOWN, duration="3h") == []
    assert check(ROTATION, SECRET_ROTATION, {"secretId": SECRET_ARN}) == []
    assert check(ROTATION, "aws:secretsmanager/secret:Secret", {"rotationRules": {}}) == []


# --- cross-account secrets use a CMK ------------------------------------------------------------

CROSS = pack.CROSS_ACCOUNT_CMK
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"


def reader_policy(account: str) -> str:
    principal = {"AWS": f"arn:aws:iam::{account}:role/reader"}
    return json.dumps(doc(allow("secretsmanager:GetSecretValue", "*", Principal=principal)))


def shared_secret(kms_key_id: str | None = None, arn: str = SECRET_ARN) -> PolicyResource:
    props: dict[str, Any] = {"name": "db", "arn": arn, "id": arn}
    if kms_key_id is not None:
        props["kmsKeyId"] = kms_key_id
    return stack_resource(SECRET, "db", props)


def test_cross_account_secret_without_cmk_fails() -> None:
    secret = shared_secret()
    attached = stack_resource(
        SECRET_POLICY,
        "db-policy",
        {"secretArn": SECRET_ARN, "policy": reader_policy(OTHER_ACCOUNT)},
    )
    found = check_stack(CROSS, [secret, attached])
    assert len(found) == 1
    message, where = found[0]
    assert where == secret.urn
    assert OTHER_ACCOUNT in message
    assert "customer managed key" in message


def test_cross_account_secret_with_aws_managed_key_fails() -> None:
    for key in (
        "alias/aws/secretsmanager",
        f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/secretsmanager",
    ):
        secret = stack_resource(
            SECRET,
            "db",
            {"arn": SECRET_ARN, "kmsKeyId": key, "policy": reader_policy(OTHER_ACCOUNT)},
        )
        assert len(check_stack(CROSS, [secret])) == 1


def test_cross_account_secret_with_cmk_passes() -> None:
    secret = shared_secret(KEY_ARN)
    attached = stack_resource(
        SECRET_POLICY,
        "db-policy",
        {"secretArn": SECRET_ARN, "policy": reader_policy(OTHER_ACCOUNT)},
    )
    assert check_stack(CROSS, [secret, attached]) == []
    aliased = shared_secret("alias/team-secrets")
    assert check_stack(CROSS, [aliased, attached]) == []


def test_same_account_readers_pass() -> None:
    secret = shared_secret()
    attached = stack_resource(
        SECRET_POLICY, "db-policy", {"secretArn": SECRET_ARN, "policy": reader_policy(ACCOUNT)}
    )
    assert check_stack(CROSS, [secret, attached]) == []
    assert check_stack(CROSS, [shared_secret()]) == []  # no resource policy at all


def test_preview_of_a_new_secret_matches_policies_by_dependency() -> None:
    """First preview: the secret's ARN and the policy's secretArn are unknown; the engine's
    property dependencies still say which secret the policy is for."""
    secret = stack_resource(SECRET, "db", {"name": "db", "arn": UNKNOWN, "id": UNKNOWN})
    anyone = json.dumps(doc(allow("secretsmanager:GetSecretValue", "*", Principal="*")))
    attached = stack_resource(
        SECRET_POLICY,
        "db-policy",
        {"secretArn": UNKNOWN, "policy": anyone},
        property_dependencies={"secretArn": [secret]},
    )
    found = check_stack(CROSS, [secret, attached])
    assert [where for _, where in found] == [secret.urn]
    # An explicit account is only "other" once the stack's account is known: from config...
    named = stack_resource(
        SECRET_POLICY,
        "db-policy",
        {"secretArn": UNKNOWN, "policy": reader_policy(OTHER_ACCOUNT)},
        property_dependencies={"secretArn": [secret]},
    )
    assert check_stack(CROSS, [secret, named]) == []
    assert len(check_stack(CROSS, [secret, named], {"accountId": ACCOUNT})) == 1
    assert check_stack(CROSS, [secret, named], {"accountId": OTHER_ACCOUNT}) == []
    # ... or from the ARNs the stack's other resources already have.
    key = stack_resource("aws:kms/key:Key", "k", {"arn": KEY_ARN})
    assert len(check_stack(CROSS, [secret, named, key])) == 1


def test_unknown_arns_do_not_match_every_policy() -> None:
    shared = stack_resource(SECRET, "shared", {"arn": UNKNOWN, "id": UNKNOWN})
    private = stack_resource(SECRET, "private", {"arn": UNKNOWN, "id": UNKNOWN})
    anyone = json.dumps(doc(allow("secretsmanager:GetSecretValue", "*", Principal="*")))
    attached = stack_resource(
        SECRET_POLICY,
        "shared-policy",
        {"secretArn": UNKNOWN, "policy": anyone},
        property_dependencies={"secretArn": [shared]},
    )
    found = check_stack(CROSS, [shared, private, attached])
    assert [where for _, where in found] == [shared.urn]


def test_key_unknown_during_preview_counts_as_cmk() -> None:
    secret = stack_resource(
        SECRET,
        "db",
        {"arn": SECRET_ARN, "kmsKeyId": UNKNOWN, "policy": reader_policy(OTHER_ACCOUNT)},
    )
    assert check_stack(CROSS, [secret]) == []


def test_unknown_secret_policy_is_skipped() -> None:
    secret = shared_secret()
    attached = stack_resource(SECRET_POLICY, "p", {"secretArn": SECRET_ARN, "policy": UNKNOWN})
    assert check_stack(CROSS, [secret, attached]) == []


# --- advisory findings --------------------------------------------------------------------------


def rotated_stack(rotated: bool) -> list[PolicyResource]:
    secret = shared_secret(KEY_ARN)
    resources = [secret]
    if rotated:
        rules = {"automaticallyAfterDays": 30.0}
        resources.append(
            stack_resource(
                SECRET_ROTATION, "db-rotation", {"secretId": SECRET_ARN, "rotationRules": rules}
            )
        )
    return resources


def test_unrotated_secret_is_reported_with_its_saving() -> None:
    found = check_stack(pack.UNROTATED_SECRET, rotated_stack(rotated=False))
    assert len(found) == 1
    message, where = found[0]
    assert where == urn(SECRET, "db")
    assert "SecureParameter" in message
    assert "$0.40/month" in message


def test_rotated_secret_is_not_reported() -> None:
    assert check_stack(pack.UNROTATED_SECRET, rotated_stack(rotated=True)) == []


def test_shared_secret_is_not_reported_as_unrotated() -> None:
    secret = stack_resource(
        SECRET,
        "db",
        {"arn": SECRET_ARN, "kmsKeyId": KEY_ARN, "policy": reader_policy(OTHER_ACCOUNT)},
    )
    assert check_stack(pack.UNROTATED_SECRET, [secret]) == []


def test_oversized_secure_string_and_single_parameter_key() -> None:
    key = stack_resource("aws:kms/key:Key", "token-key", {"arn": KEY_ARN, "keyId": KEY_ARN[-36:]})
    parameter = stack_resource(
        "aws:ssm/parameter:Parameter",
        "token",
        {"name": "/app/token", "type": "SecureString", "tier": "Advanced", "keyId": KEY_ARN},
    )
    oversized = check_stack(pack.OVERSIZED_SECURE_STRING, [key, parameter])
    assert [where for _, where in oversized] == [parameter.urn]
    assert "Advanced tier" in oversized[0][0]
    single = check_stack(pack.SINGLE_PARAMETER_KEY, [key, parameter])
    assert [where for _, where in single] == [key.urn]
    assert "$1.00/month" in single[0][0]
    standard = stack_resource(
        "aws:ssm/parameter:Parameter", "small", {"type": "SecureString", "tier": "Standard"}
    )
    assert check_stack(pack.OVERSIZED_SECURE_STRING, [standard]) == []


def test_a_non_secret_parameter_changed_outside_the_program_is_reported() -> None:
    """The engine's ignoreChanges option says the value changes at run time."""
    parameter = "aws:ssm/parameter:Parameter"
    changed = stack_resource(parameter, "flags", {"name": "/app/flags", "type": "String"})
    changed.opts.ignore_changes = ["value"]
    managed = stack_resource(parameter, "endpoint", {"name": "/app/endpoint", "type": "String"})
    secret = stack_resource(parameter, "token", {"name": "/app/token", "type": "SecureString"})
    secret.opts.ignore_changes = ["value"]
    found = check_stack(pack.DYNAMIC_PARAMETER_STORE_VALUE, [changed, managed, secret])
    assert [where for _, where in found] == [changed.urn]
    assert "DynamicParameter" in found[0][0]


def test_advisory_policies_survive_unknown_values() -> None:
    """On a first preview ARNs are unknown; a rotation in the same component still counts."""
    secret = stack_resource(SECRET, "db", {"name": "db", "arn": UNKNOWN, "id": UNKNOWN})
    assert len(check_stack(pack.UNROTATED_SECRET, [secret])) == 1
    component = stack_resource("secretkit:index:RotatingSecret", "app", {})
    in_component = stack_resource(SECRET, "app-secret", {"arn": UNKNOWN}, parent=component)
    sibling = stack_resource(
        SECRET_ROTATION, "app-rotation", {"secretId": UNKNOWN}, parent=component
    )
    assert check_stack(pack.UNROTATED_SECRET, [component, in_component, sibling]) == []


def test_saving_is_added_where_the_advisor_message_omits_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    finding = Finding("unrotated-secret", "db", "secret db is not rotated", 0.4)
    monkeypatch.setattr(pack, "advise", lambda views, account: [finding])
    found = check_stack(pack.UNROTATED_SECRET, [shared_secret()])
    assert found == [("secret db is not rotated (saving: $0.40/month)", urn(SECRET, "db"))]


def test_unknown_sentinels_without_the_proxy_are_unknown_too() -> None:
    assert pack.lookup({"policy": UNKNOWN}, "policy") is pack.UNKNOWN
    assert pack.plain({"a": [UNKNOWN, "b"], "c": UNKNOWN}) == {"a": [None, "b"], "c": None}
    assert pack.lookup({}, "policy") is None


# --- the pack -----------------------------------------------------------------------------------


def test_policy_names_and_enforcement_levels() -> None:
    levels = {policy.name: policy.enforcement_level for policy in pack.POLICIES}
    assert levels == {
        "no-wildcard-secret-actions": EnforcementLevel.MANDATORY,
        "no-wildcard-resource-secret-reads": EnforcementLevel.MANDATORY,
        "appconfig-reads-exact": EnforcementLevel.MANDATORY,
        "rotation-schedule-within-aws-bounds": EnforcementLevel.MANDATORY,
        "cross-account-secrets-use-cmk": EnforcementLevel.MANDATORY,
        "cross-account-grants-exact": EnforcementLevel.MANDATORY,
        "unrotated-secret": EnforcementLevel.ADVISORY,
        "oversized-secure-string": EnforcementLevel.ADVISORY,
        "single-parameter-key": EnforcementLevel.ADVISORY,
        "dynamic-parameter-store-value": EnforcementLevel.ADVISORY,
        "rotation-without-alarm": EnforcementLevel.ADVISORY,
    }
    # The advisory policies are the advisor's rules, and the rotation alarm advice.
    assert {*pack.ADVISOR_RULE_TYPES, "rotation-without-alarm"} == {
        p.name for p in pack.POLICIES if p.enforcement_level == EnforcementLevel.ADVISORY
    }


def test_main_builds_the_pack_with_every_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """PolicyPack() starts the engine's gRPC server and never returns, so it is replaced by a
    recorder; __main__.py runs the way `python -m pulumi.policy` runs it."""
    built: list[dict[str, Any]] = []

    def record(name: str, policies: list[Any], **kwargs: Any) -> None:
        built.append({"name": name, "policies": policies, **kwargs})

    monkeypatch.setattr(pulumi_policy, "PolicyPack", record)
    monkeypatch.setattr(sys, "path", [str(PACK_DIR), *sys.path])
    runpy.run_path(str(PACK_DIR), run_name="__main__")
    assert len(built) == 1
    assert built[0]["name"] == "secretkit"
    assert built[0]["policies"] is pack.POLICIES
    assert built[0]["enforcement_level"] == EnforcementLevel.MANDATORY


def test_the_cli_entry_point_serves_the_pack_over_grpc(tmp_path: Path) -> None:
    """What `pulumi preview --policy-pack policy` does, minus the CLI: start the pack with
    `python -m pulumi.policy <engine> <pack dir>` from another directory, then ask it over gRPC
    for its policies and to analyze a resource."""
    # grpc and protobuf ship no type stubs here; as Any they are fine for a test client.
    grpc = importlib.import_module("grpc")
    empty = importlib.import_module("google.protobuf.empty_pb2").Empty()
    command = [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(PACK_DIR)]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and pack directory
        command, stdout=subprocess.PIPE, cwd=tmp_path
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            info = stub.GetAnalyzerInfo(empty, timeout=30)
            served = {p.name: p.enforcementLevel for p in info.policies}
            request = proto.AnalyzeRequest(type="aws:kms/key:Key", urn=urn("k", "k"), name="k")
            request.properties.update({"policy": json.dumps(doc(allow("kms:*", "*")))})
            response = stub.Analyze(request, timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert info.name == "secretkit"
    assert served == {
        p.name: proto.MANDATORY
        if p.enforcement_level == EnforcementLevel.MANDATORY
        else proto.ADVISORY
        for p in pack.POLICIES
    }
    assert [d.policyName for d in response.diagnostics] == ["no-wildcard-secret-actions"]


def test_pack_files_agree() -> None:
    project = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert project["description"]
    requirements = (PACK_DIR / "requirements.txt").read_text()
    assert "pulumi-policy" in requirements
    assert "-r ../requirements.txt" in requirements


# --- through the SDK's own analyzer (what the CLI calls over gRPC) -------------------------------


def analyzer() -> Any:
    return _PolicyAnalyzerServicer("secretkit", "0.0.1", pack.POLICIES, EnforcementLevel.MANDATORY)


def test_analyzer_reports_resource_violations_from_engine_properties() -> None:
    request = proto.AnalyzeRequest(type=SECRET_ROTATION, urn=urn(SECRET_ROTATION, "r"), name="r")
    request.properties.update(
        {"secretId": UNKNOWN, "rotationRules": {"automaticallyAfterDays": 1001}}
    )
    response = analyzer().Analyze(request, None)
    assert [d.policyName for d in response.diagnostics] == ["rotation-schedule-within-aws-bounds"]
    assert response.diagnostics[0].enforcementLevel == proto.MANDATORY

    request = proto.AnalyzeRequest(type="aws:iam/policy:Policy", urn=urn("p", "p"), name="p")
    request.properties.update({"policy": UNKNOWN})
    assert list(analyzer().Analyze(request, None).diagnostics) == []


def test_analyzer_reports_stack_violations_and_advice() -> None:
    secret = proto.AnalyzerResource(type=SECRET, urn=urn(SECRET, "db"), name="db")
    secret.properties.update({"name": "db", "arn": UNKNOWN, "id": UNKNOWN})
    attached = proto.AnalyzerResource(
        type=SECRET_POLICY, urn=urn(SECRET_POLICY, "p"), name="p", parent=STACK_URN
    )
    anyone = json.dumps(doc(allow("secretsmanager:GetSecretValue", "*", Principal="*")))
    attached.properties.update({"secretArn": UNKNOWN, "policy": anyone})
    attached.propertyDependencies["secretArn"].urns.append(secret.urn)
    request = proto.AnalyzeStackRequest(resources=[secret, attached])
    response = analyzer().AnalyzeStack(request, None)
    levels = {d.policyName: d.enforcementLevel for d in response.diagnostics}
    assert levels == {"cross-account-secrets-use-cmk": proto.MANDATORY}
    assert [d.urn for d in response.diagnostics] == [secret.urn]

    lonely = proto.AnalyzerResource(type=SECRET, urn=urn(SECRET, "lonely"), name="lonely")
    lonely.properties.update({"name": "lonely"})
    response = analyzer().AnalyzeStack(proto.AnalyzeStackRequest(resources=[lonely]), None)
    assert {d.policyName: d.enforcementLevel for d in response.diagnostics} == {
        "unrotated-secret": proto.ADVISORY
    }


# --- secretkit's own reference stack passes its own pack -----------------------------------------


def violations_of(run: ProgramRun, policies: Sequence[Policy]) -> Violations:
    """What ``policies`` report on a program's registrations: each resource policy on every
    resource, each stack policy on the whole stack."""
    resources = [
        stack_resource(r.type, r.name, {**unwrap(r.inputs), **unwrap(r.state)})
        for r in run.registrations
    ]
    found = Violations()
    for policy in policies:
        if isinstance(policy, ResourceValidationPolicy):
            for r in run.registrations:
                policy.validate(resource_args(r.type, unwrap(r.inputs), r.name), found)
        else:
            assert isinstance(policy, StackValidationPolicy)
            policy.validate(StackValidationArgs(resources), found)
    return found


def test_reference_stack_passes_the_mandatory_policies() -> None:
    config = load_stack_config(PROJECT_DIR, "dev", fill_missing_secrets="placeholder")
    run = run_program(PROJECT_DIR / "__main__.py", config, stack="dev")
    mandatory = [p for p in pack.POLICIES if p.enforcement_level == EnforcementLevel.MANDATORY]
    assert violations_of(run, mandatory) == []
    assert any(r.type == SECRET_ROTATION for r in run.registrations)


def test_a_shared_rotation_function_stack_passes_every_policy(tmp_path: Path) -> None:
    """Members' resource policies name their secret by a '<name>-??????' pattern and the role as
    principal (same account): no wildcard action, no Resource "*", no cross-account reader; and
    every member counts as rotated for the advisor."""
    (tmp_path / "Pulumi.yaml").write_text("name: shared\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "from secretkit import RotatingSecret, RotationFunction\n"
        "names = [f'team/app-{i}' for i in range(3)]\n"
        "shared = RotationFunction('shared', {'strategy': 'password', 'secret_names': names})\n"
        "for i, name in enumerate(names):\n"
        "    RotatingSecret(f'm{i}', {'secret_name': name, 'rotation': {\n"
        "        'strategy': 'password', 'function': shared, 'automatically_after_days': 30}})\n"
    )
    config = load_stack_config(tmp_path, "dev")
    run = run_program(tmp_path / "__main__.py", config, stack="dev")
    assert violations_of(run, pack.POLICIES) == []
    secrets = [r for r in run.registrations if r.type == "aws:secretsmanager/secret:Secret"]
    assert len(secrets) == 3
    assert all("RotatedBySharedFunction" in unwrap(r.inputs)["policy"] for r in secrets)
    assert not [r for r in run.registrations if r.type == "aws:iam/policy:Policy"]


def test_an_existing_secret_stack_passes_every_policy(tmp_path: Path) -> None:
    """A secret created elsewhere, given a local reader, a reader in another account (the key's
    owner added the statement), its own rotation function and a proxy: every document the
    component writes passes the pack; the secret itself is not in the stack."""
    (tmp_path / "Pulumi.yaml").write_text("name: existing\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "from secretkit import ExistingSecret, ProxiedParameterPolicy\n"
        "arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:team/api-AbC123'\n"
        "key = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555'\n"
        "secret = ExistingSecret('api', {'secret_arn': arn, 'kms_key_arn': key,\n"
        "    'readers': ['app', 'arn:aws:iam::999999999999:role/partner'],\n"
        "    'manage_resource_policy': True, 'key_policy_allows_foreign_readers': True,\n"
        "    'rotation': {'strategy': 'password', 'automatically_after_days': 30}})\n"
        "ProxiedParameterPolicy('api-proxy', {'secret': secret, 'roles': ['task']})\n"
    )
    config = load_stack_config(tmp_path, "dev")
    run = run_program(tmp_path / "__main__.py", config, stack="dev")
    assert violations_of(run, pack.POLICIES) == []
    types = {r.type for r in run.registrations}
    assert {"aws:secretsmanager/secretPolicy:SecretPolicy", SECRET_ROTATION} <= types
    assert "aws:secretsmanager/secret:Secret" not in types


# --- rotation-without-alarm ---------------------------------------------------------------------

ROTATION_TYPE = "aws:secretsmanager/secretRotation:SecretRotation"
RULE_TYPE = "aws:cloudwatch/eventRule:EventRule"
OTHER_SECRET_ARN = SECRET_ARN.replace("db", "other")


def rotation_of(secret_id: str, secret: PolicyResource | None = None) -> PolicyResource:
    return stack_resource(
        ROTATION_TYPE,
        "db-rotation",
        {"secretId": secret_id, "rotationRules": {"automaticallyAfterDays": 30}},
        property_dependencies={"secretId": [secret]} if secret else None,
    )


def rule_on(secret_arns: list[str], name: str = "db-rotation") -> PolicyResource:
    from secretkit.components.rotation.rotation_events import event_pattern  # noqa: PLC0415

    return stack_resource(RULE_TYPE, name, {"eventPattern": json.dumps(event_pattern(secret_arns))})


def test_a_rotation_no_rule_watches_is_reported() -> None:
    rotation = rotation_of(SECRET_ARN)
    found = check_stack(pack.ROTATION_WITHOUT_ALARM, [shared_secret(), rotation])
    assert [where for _, where in found] == [rotation.urn]
    assert "no EventBridge rule watches for RotationFailed" in found[0][0]
    # A rule on another secret's events, or on other events, does not watch it.
    assert len(check_stack(pack.ROTATION_WITHOUT_ALARM, [rotation, rule_on([OTHER_SECRET_ARN])]))
    parameter_rule = stack_resource(
        RULE_TYPE, "p", {"eventPattern": json.dumps({"source": ["aws.ssm"]})}
    )
    assert len(check_stack(pack.ROTATION_WITHOUT_ALARM, [rotation, parameter_rule])) == 1


def test_a_rotation_watched_by_a_rule_passes() -> None:
    rotation = rotation_of(SECRET_ARN)
    assert check_stack(pack.ROTATION_WITHOUT_ALARM, [rotation, rule_on([SECRET_ARN])]) == []


def test_during_a_preview_a_rule_depending_on_the_secret_watches_it() -> None:
    secret = stack_resource(SECRET, "db", {"name": "db", "arn": UNKNOWN, "id": UNKNOWN})
    rotation = rotation_of(UNKNOWN, secret)
    rule = stack_resource(
        RULE_TYPE,
        "db-rotation",
        {"eventPattern": UNKNOWN},
        property_dependencies={"eventPattern": [secret]},
    )
    assert check_stack(pack.ROTATION_WITHOUT_ALARM, [secret, rotation, rule]) == []
    assert len(check_stack(pack.ROTATION_WITHOUT_ALARM, [secret, rotation])) == 1
