"""The advisor on programs run under Pulumi mocks: what it flags, what it leaves alone, and the
saving it names."""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi_aws as aws
import pytest

from secretkit.components import CrossRegionReplicatedSecret, RotatingSecret, SecureParameter
from secretkit.costs.advisor import Finding, advise
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
