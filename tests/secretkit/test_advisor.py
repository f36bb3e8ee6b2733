"""The advisor on programs run under Pulumi mocks: what it flags, what it leaves alone, and the
saving it names."""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import CrossRegionReplicatedSecret, RotatingSecret, SecureParameter
from secretkit.costs.advisor import OFTEN, STATIC, Finding, ValueChanges, advise
from secretkit.embedded import mocks
from secretkit.program import PROJECT_DIR, load_stack_config, run_program
from secretkit.resources import from_registrations

OTHER_ACCOUNT = "210987654321"


def findings(
    monitor: mocks.RecordingMonitor, program: Callable[[], object], secret_requests: float = 0
) -> list[Finding]:
    mocks.run(program)
    return advise(from_registrations(monitor.registrations), mocks.ACCOUNT_ID, secret_requests)


def share_with(account: str) -> Callable[[str], str]:
    def document(arn: str) -> str:
        return json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                        "Action": "secretsmanager:GetSecretValue",
                        "Resource": arn,
                    }
                ],
            }
        )

    return document


def test_unrotated_secret_is_flagged_with_its_saving(monitor: mocks.RecordingMonitor) -> None:
    def program() -> object:
        return aws.secretsmanager.Secret("api-key", name="api-key").arn

    (finding,) = findings(monitor, program, secret_requests=100_000)
    assert finding.rule == "unrotated-secret"
    assert finding.resource == "api-key"
    assert "SecureParameter" in finding.message
    assert finding.monthly_saving == pytest.approx(0.40 + 0.50)
    assert "$0.90/month" in finding.message


def test_rotated_replicated_or_shared_secrets_are_not_flagged(
    monitor: mocks.RecordingMonitor,
) -> None:
    def program() -> object:
        rotated = aws.secretsmanager.Secret("rotated", name="rotated")
        aws.secretsmanager.SecretRotation(
            "rotated", secret_id=rotated.id, rotation_lambda_arn="arn:aws:lambda:::function:f"
        )
        aws.secretsmanager.Secret(
            "replicated", name="replicated", replicas=[{"region": "eu-west-1"}]
        )
        shared = aws.secretsmanager.Secret("shared", name="shared")
        aws.secretsmanager.SecretPolicy(
            "shared", secret_arn=shared.arn, policy=shared.arn.apply(share_with(OTHER_ACCOUNT))
        )
        RotatingSecret(
            "component",
            {
                "secret_name": "component",
                "rotation": {"strategy": "password", "automatically_after_days": 30},
            },
        )
        CrossRegionReplicatedSecret(
            "everywhere",
            {"secret_name": "everywhere", "replica_regions": ["eu-west-1"]},
        )
        return shared.arn

    assert findings(monitor, program) == []


def test_a_policy_naming_only_the_own_account_does_not_count_as_sharing(
    monitor: mocks.RecordingMonitor,
) -> None:
    def program() -> object:
        own = aws.secretsmanager.Secret("own", name="own")
        aws.secretsmanager.SecretPolicy(
            "own", secret_arn=own.arn, policy=own.arn.apply(share_with(mocks.ACCOUNT_ID))
        )
        return own.arn

    assert [f.rule for f in findings(monitor, program)] == ["unrotated-secret"]


def test_rotation_of_one_loose_secret_does_not_excuse_another(
    monitor: mocks.RecordingMonitor,
) -> None:
    def program() -> object:
        rotated = aws.secretsmanager.Secret("rotated", name="rotated")
        aws.secretsmanager.Secret("idle", name="idle")
        aws.secretsmanager.SecretRotation(
            "rotated", secret_id=rotated.id, rotation_lambda_arn="arn:aws:lambda:::function:f"
        )
        return rotated.arn

    assert [f.resource for f in findings(monitor, program)] == ["idle"]


def test_secure_string_advanced_only_for_size_is_flagged(monitor: mocks.RecordingMonitor) -> None:
    def program() -> object:
        SecureParameter("big", {"parameter_name": "/app/big", "value": "x" * 5000})
        SecureParameter("small", {"parameter_name": "/app/small", "value": "x"})
        # Advanced because of its notification policy, not its size: nothing to save.
        SecureParameter(
            "watched",
            {"parameter_name": "/app/watched", "value": "x", "notify_if_unchanged_for": "30 days"},
        )
        return None

    flagged = [f for f in findings(monitor, program) if f.rule == "oversized-secure-string"]
    assert [f.resource for f in flagged] == ["big-parameter"]
    assert flagged[0].monthly_saving == pytest.approx(0.05)
    assert "4 KB" in flagged[0].message


def test_key_serving_one_parameter_is_flagged_and_a_shared_key_is_not(
    monitor: mocks.RecordingMonitor,
) -> None:
    def program() -> object:
        SecureParameter(
            "lonely", {"parameter_name": "/app/lonely", "value": "x", "create_kms_key": True}
        )
        shared = aws.kms.Key("shared-key")
        for name in ("a", "b"):
            SecureParameter(
                name, {"parameter_name": f"/app/{name}", "value": "x", "kms_key_arn": shared.arn}
            )
        return shared.arn

    flagged = [f for f in findings(monitor, program) if f.rule == "single-parameter-key"]
    assert len(flagged) == 1
    assert "/app/lonely" in flagged[0].message
    assert flagged[0].monthly_saving == 1.00


def test_reference_program_has_no_findings() -> None:
    """The project's own stack follows its advice: everything it pays for earns its keep."""
    config = load_stack_config(PROJECT_DIR, "dev", fill_missing_secrets="placeholder")
    run = run_program(PROJECT_DIR / "__main__.py", config, stack="dev")
    assert advise(from_registrations(run.registrations), mocks.ACCOUNT_ID) == []


def parameters_program() -> None:
    """A non-secret parameter changed outside the program, one managed by it, and a secret one
    changed outside it."""
    aws.ssm.Parameter(
        "flags",
        name="/shop/flags",
        type="String",
        value="{}",
        opts=pulumi.ResourceOptions(ignore_changes=["value"]),
    )
    aws.ssm.Parameter("endpoint", name="/shop/endpoint", type="String", value="https://x")
    aws.ssm.Parameter(
        "token",
        name="/shop/token",
        type="SecureString",
        value="t",
        opts=pulumi.ResourceOptions(ignore_changes=["value"]),
    )


def changes_findings(
    monitor: mocks.RecordingMonitor, program: Callable[[], object], changes: ValueChanges
) -> list[Finding]:
    mocks.run(program)
    views = from_registrations(monitor.registrations)
    return advise(views, mocks.ACCOUNT_ID, changes=changes)


def test_a_non_secret_parameter_changed_outside_the_program_is_pointed_to_dynamic_parameter(
    monitor: mocks.RecordingMonitor,
) -> None:
    (finding,) = changes_findings(monitor, parameters_program, ValueChanges())
    assert (finding.rule, finding.resource) == ("dynamic-parameter-store-value", "flags")
    assert "DynamicParameter" in finding.message
    assert "ignores changes to its value" in finding.message
    assert finding.monthly_saving == 0  # a safer change, not a cheaper one


def test_values_changing_often_are_pointed_to_dynamic_parameter_secrets_never(
    monitor: mocks.RecordingMonitor,
) -> None:
    found = changes_findings(monitor, parameters_program, ValueChanges(changes_per_month=OFTEN))
    assert sorted(f.resource for f in found) == ["endpoint", "flags"]
    endpoint = next(f for f in found if f.resource == "endpoint")
    assert "changes 4 times a month" in endpoint.message
    rarely = ValueChanges(changes_per_month=OFTEN - 1)
    monitor.registrations.clear()
    assert [f.resource for f in changes_findings(monitor, parameters_program, rarely)] == ["flags"]


def dynamic_component(content: str) -> Callable[[], None]:
    """An AppConfig configuration profile and its hosted content inside a component, as a
    DynamicParameter registers them."""

    def program() -> None:
        owner = pulumi.ComponentResource("test:index:Dynamic", "settings")
        child = pulumi.ResourceOptions(parent=owner)
        app = aws.appconfig.Application("settings-app", name="shop", opts=child)
        profile = aws.appconfig.ConfigurationProfile(
            "settings-profile", application_id=app.id, location_uri="hosted", opts=child
        )
        aws.appconfig.HostedConfigurationVersion(
            "settings-v",
            application_id=app.id,
            configuration_profile_id=profile.id,
            content=content,
            content_type="application/json",
            opts=child,
        )

    return program


def test_a_static_dynamic_parameter_is_pointed_to_secure_parameter_with_its_saving(
    monitor: mocks.RecordingMonitor,
) -> None:
    static = ValueChanges(
        configuration_requests=1_000_000, configurations_received=1_000, changes_per_month=0
    )
    (finding,) = changes_findings(monitor, dynamic_component('{"limit": 5}'), static)
    assert (finding.rule, finding.resource) == ("static-dynamic-parameter", "settings-profile")
    assert "SecureParameter" in finding.message
    assert finding.monthly_saving == pytest.approx(0.20 + 0.80)
    assert "save $1.00/month" in finding.message


def test_no_static_finding_when_changes_are_unknown_frequent_or_too_big_for_parameter_store(
    monitor: mocks.RecordingMonitor,
) -> None:
    small = dynamic_component('{"limit": 5}')
    assert changes_findings(monitor, small, ValueChanges()) == []
    monitor.registrations.clear()
    weekly = ValueChanges(changes_per_month=STATIC)
    assert changes_findings(monitor, small, weekly) == []
    monitor.registrations.clear()
    big = dynamic_component(json.dumps({"rows": ["x" * 100] * 50}))  # over 4 KB
    assert changes_findings(monitor, big, ValueChanges(changes_per_month=0)) == []
