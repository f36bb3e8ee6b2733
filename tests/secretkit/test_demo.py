"""The reference stack and `make demo`, evaluated under mocks exactly as `make demo` does."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest

from secretkit import demo
from secretkit.components.iam.least_privilege import violations
from secretkit.embedded.mocks import Registration, is_secret, unwrap
from secretkit.program import PROJECT_DIR, ProgramRun, load_stack_config, run_program

PLACEHOLDER = demo.PLACEHOLDER_SECRETS["parameterValue"]


@pytest.fixture
def reference_run(monkeypatch: pytest.MonkeyPatch) -> ProgramRun:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    config = load_stack_config(PROJECT_DIR, "dev", secret_overrides=demo.PLACEHOLDER_SECRETS)
    return run_program(PROJECT_DIR / "__main__.py", config, stack="dev")


def test_stack_config_merges_schema_defaults_stack_values_and_secrets(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text(
        textwrap.dedent(
            """
            name: proj
            runtime: python
            config:
              size: {type: integer, default: 3}
              names: {type: array, default: [a, b]}
              token: {type: string, secret: true}
              kept: {type: string, default: original}
            """
        )
    )
    (tmp_path / "Pulumi.prod.yaml").write_text(
        "config:\n  proj:kept: changed\n  aws:region: eu-west-1\n"
        "  proj:token:\n    secure: v1:AAAA\n"
    )
    config = load_stack_config(tmp_path, "prod", secret_overrides={"token": "t"})
    assert config.values == {
        "proj:size": "3",
        "proj:names": '["a", "b"]',
        "proj:kept": "changed",
        "aws:region": "eu-west-1",
        "proj:token": "t",
    }
    assert config.secret_keys == ["proj:token"]


def reference_run_named(run: ProgramRun, name: str) -> Registration:
    """The one registration named ``name``."""
    (found,) = [r for r in run.registrations if r.name == name]
    return found


def test_reference_stack_shares_one_key_and_grants_one_reader(
    reference_run: ProgramRun,
) -> None:
    types = [r.type for r in reference_run.registrations]
    # One shared key in the stack's region; the replicated secret adds its eu-west-1 key.
    keys = [r for r in reference_run.registrations if r.type == "aws:kms/key:Key"]
    assert sorted(k.state["region"] for k in keys) == ["eu-west-1", "us-east-1"]
    assert types.count("secretkit:index:RotatingSecret") == 1
    assert types.count("secretkit:index:SecureParameter") == 1
    # Registration order varies between runs: pick each resource by its name, not by order.
    key_arn = reference_run_named(reference_run, "shared-key").state["arn"]
    secret = next(
        r
        for r in reference_run.registrations
        if r.type == "aws:secretsmanager/secret:Secret" and r.name.startswith("app-secret")
    )
    parameter = next(
        r for r in reference_run.registrations if r.type == "aws:ssm/parameter:Parameter"
    )
    assert secret.plain_inputs["kmsKeyId"] == key_arn
    assert parameter.plain_inputs["keyId"] == key_arn
    assert secret.plain_inputs["name"] == "secretkit/dev/api-password"
    assert parameter.plain_inputs["name"] == "/secretkit/dev/config"
    reader = next(r for r in reference_run.registrations if r.name == "reader")
    # The four components' grants to the reader are one policy, opened by the first.
    grants = [r for r in reference_run.registrations if "-read-" in r.name]
    assert [g.name for g in grants] == ["app-secret-read-reader"]
    assert {g.plain_inputs["role"] for g in grants} == {reader.state["name"]}
    statements = json.loads(grants[0].plain_inputs["policy"])["Statement"]
    assert [s["Sid"] for s in statements] == [
        "ReadSecret",
        "DecryptSecret",
        "ReadParameter",
        "DecryptParameter",
        "DecryptReplicaEuWest1",
        "ReadConfiguration",
    ]
    attachment = next(
        r for r in reference_run.registrations if r.type.endswith("RolePolicyAttachment")
    )
    assert attachment.plain_inputs["role"] == reader.state["name"]
    trust = json.loads(reader.plain_inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}


def test_reference_stack_follows_its_config(reference_run: ProgramRun) -> None:
    rotation = next(
        r
        for r in reference_run.registrations
        if r.type == "aws:secretsmanager/secretRotation:SecretRotation"
    )
    assert rotation.plain_inputs["rotationRules"] == {"scheduleExpression": "rate(7 days)"}
    assert rotation.plain_inputs["rotateImmediately"] is True
    outputs = reference_run.outputs
    assert outputs["parameterTier"].value == "Advanced"  # the dev stack sets a NoChange policy
    assert outputs["secretName"].value == "secretkit/dev/api-password"
    assert set(outputs) == {
        "secretArn",
        "secretName",
        "kmsKeyArn",
        "rotationFunctionArn",
        "rotationRoleName",
        "parameterArn",
        "parameterName",
        "parameterTier",
        "notificationTopicArn",
        "readerRoleArn",
        "proxyParameterPath",
        "replicatedSecretArns",
        # the DynamicParameter the dev stack turns on (appConfigApplicationName)
        "appConfigApplicationId",
        "appConfigEnvironmentId",
        "appConfigProfileId",
        "appConfigDeploymentNumber",
    }
    assert outputs["proxyParameterPath"].value == (
        "/aws/reference/secretsmanager/secretkit/dev/api-password"
    )
    assert set(outputs["replicatedSecretArns"].value) == {"eu-west-1"}


def test_every_policy_in_the_reference_stack_is_least_privilege(
    reference_run: ProgramRun,
) -> None:
    checked = 0
    for reg in reference_run.registrations:
        spec = demo.POLICY_INPUTS.get(reg.type)
        if spec is None:
            continue
        key, is_key_policy = spec
        assert violations(json.loads(unwrap(reg.inputs[key])), key_policy=is_key_policy) == []
        checked += 1
    # key policies (shared, eu-west-1 replica), rotation role, the reader's one consolidated
    # grant, topic policy (the parameter's notifications), the proxy's managed policy, the
    # rotation alarm topic's
    assert checked == 7


def test_parameter_value_travels_only_as_a_secret(reference_run: ProgramRun) -> None:
    parameter = next(
        r for r in reference_run.registrations if r.type == "aws:ssm/parameter:Parameter"
    )
    assert is_secret(parameter.inputs["valueWo"])
    for reg in reference_run.registrations:
        if reg is parameter:
            continue
        assert PLACEHOLDER not in json.dumps(reg.plain_inputs, default=str), reg.name


def test_demo_prints_resources_grants_outputs_and_no_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    out = io.StringIO()
    code = demo.main([], out=out)
    text = out.getvalue()
    assert code == 0, text
    # 34 of the reference stack (5 of them app-secret's rotation alarms: rule, target, alarm,
    # topic, topic policy; 6 the DynamicParameter: it, its application, environment, profile,
    # hosted version and deployment); for the demo's cross-account reader, the SecretPolicy
    # naming it and the parameter's RAM share with its resource and principal associations
    assert "Resources (41):" in text
    assert "CrossRegionReplicatedSecret" in text
    assert "ProxiedParameterPolicy" in text
    assert "RotatingSecret" in text
    assert "SecureParameter" in text
    assert "kms:EncryptionContext:SecretARN" in text
    assert "kms:EncryptionContext:PARAMETER_ARN" in text
    assert "Least privilege: no wildcard actions" in text
    assert "ok   rotate app-secret: version" in text
    assert "7 Secrets Manager calls" in text
    assert "reads proxy /aws/reference/secretsmanager/secretkit/dev/api-password" in text
    assert "in eu-west-1" in text
    assert "cannot write" in text
    assert "ok   partner-reader in account 222222222222 reads secret" in text
    assert "ok   partner-reader in account 333333333333 is refused secret" in text
    shared_parameter = "arn:aws:ssm:us-east-1:123456789012:parameter/secretkit/dev/config"
    assert f"ok   partner-reader in account 222222222222 reads parameter {shared_parameter}" in text
    assert (
        f"ok   partner-reader in account 333333333333 is refused parameter {shared_parameter}"
        in (text)
    )
    assert "app-config-share-222222222222    ram.PrincipalAssociation" in text
    assert "DecryptSharedParameter" in text
    assert "AccessDenied" in text
    assert "ReadFromOtherAccounts" in text
    assert "DecryptForOtherAccounts" in text
    assert "ok   alarm on app-secret's failed rotation: RotationFailed (Error when" in text
    assert "ok   reader-" in text
    assert " reads configuration arn:aws:appconfig:us-east-1:123456789012:application/" in text
    assert "OK: 13/13 checks passed" in text
    assert "CloudWatch alarms                      $0.10" in text
    assert "total                                  $3.35" in text
    assert PLACEHOLDER not in text


def test_demo_fails_on_a_broad_grant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: broad\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        textwrap.dedent(
            """
            import json
            import pulumi_aws as aws

            someone = aws.iam.Role("someone", assume_role_policy="{}")
            aws.iam.RolePolicy(
                "too-broad",
                role=someone.name,
                policy=json.dumps({"Version": "2012-10-17", "Statement": [
                    {"Sid": "All", "Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}),
            )
            """
        )
    )
    out = io.StringIO()
    assert demo.main(["--program", str(tmp_path / "__main__.py")], out=out) == 1
    assert "wildcard action 'kms:*'" in out.getvalue()
    assert "FAILED" in out.getvalue()


def test_demo_reports_a_deployment_it_cannot_make(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: odd\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("import pulumi_aws as aws\naws.s3.BucketV2('b')\n")
    out = io.StringIO()
    assert demo.main(["--program", str(tmp_path / "__main__.py")], out=out) == 1
    assert "the deployment stopped: the embedded AWS cannot create aws:s3/bucketV2:BucketV2" in (
        out.getvalue()
    )


def test_reference_stack_grants_cross_account_readers_when_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """crossAccountReaders (empty in the dev stack) names the rotating secret's and the
    parameter's readers in other accounts: the secret's resource policy, the parameter's RAM
    share and the shared key's policy name them, and the stack exports the identity policies
    their roles need."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    config = load_stack_config(PROJECT_DIR, "dev", secret_overrides=demo.PLACEHOLDER_SECRETS)
    assert json.loads(config.values["secretkit:crossAccountReaders"]) == []
    role = "arn:aws:iam::222222222222:role/partner"
    config.values["secretkit:crossAccountReaders"] = json.dumps([role, "444444444444"])
    run = run_program(PROJECT_DIR / "__main__.py", config, stack="dev")
    principals = [role, "arn:aws:iam::444444444444:root"]
    policy = next(r for r in run.registrations if r.type.endswith("secretPolicy:SecretPolicy"))
    assert policy.name == "app-secret-policy"
    read = json.loads(unwrap(policy.inputs["policy"]))["Statement"]
    assert [(s["Sid"], s["Principal"]["AWS"]) for s in read] == [
        ("ReadFromOtherAccounts", principals)
    ]
    shared_key = next(r for r in run.registrations if r.name == "shared-key")
    key_statements = {
        s["Sid"]: s for s in json.loads(unwrap(shared_key.inputs["policy"]))["Statement"]
    }
    decrypt = key_statements["DecryptForOtherAccounts"]
    assert decrypt["Principal"]["AWS"] == principals
    assert decrypt["Condition"]["StringLike"] == {
        "kms:EncryptionContext:SecretARN": (
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:secretkit/dev/api-password-??????"
        )
    }
    identity = json.loads(run.outputs["crossAccountReaderPolicy"].value)
    assert [s["Sid"] for s in identity["Statement"]] == ["ReadSecret", "DecryptSecret"]
    parameter_arn = "arn:aws:ssm:us-east-1:123456789012:parameter/secretkit/dev/config"
    shared = key_statements["DecryptSharedParameter"]
    assert shared["Principal"]["AWS"] == principals
    assert shared["Condition"]["StringEquals"] == {
        "kms:ViaService": "ssm.us-east-1.amazonaws.com",
        "kms:EncryptionContext:PARAMETER_ARN": parameter_arn,
    }
    parameter = next(r for r in run.registrations if r.type == "aws:ssm/parameter:Parameter")
    assert parameter.plain_inputs["tier"] == "Advanced"
    shared_with = [
        r.plain_inputs["principal"]
        for r in run.registrations
        if r.type == "aws:ram/principalAssociation:PrincipalAssociation"
    ]
    assert sorted(shared_with) == ["222222222222", "444444444444"]
    parameter_identity = json.loads(run.outputs["crossAccountParameterReaderPolicy"].value)
    assert [s["Sid"] for s in parameter_identity["Statement"]] == [
        "ReadParameter",
        "DecryptParameter",
    ]
