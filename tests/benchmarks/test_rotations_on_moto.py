"""The benchmark's rotation targets on moto: calls are counted, values really rotate."""

from __future__ import annotations

import json

from benchmarks.moto_account import moto_account
from benchmarks.rotations import SecretRotation
from benchmarks.targets import parameter_target, password_target


def test_password_rotation_counts_the_handlers_calls_only() -> None:
    with moto_account() as clients, password_target(clients) as target:
        assert isinstance(target, SecretRotation)
        before = clients.secretsmanager.get_secret_value(
            SecretId=target.arn, VersionStage="AWSCURRENT"
        )
        sample = target.rotate()
        after = clients.secretsmanager.get_secret_value(
            SecretId=target.arn, VersionStage="AWSCURRENT"
        )
    assert sample.calls[0] == "DescribeSecret"
    assert sample.calls[-1] == "UpdateSecretVersionStage"
    assert len(sample.calls) == 7
    assert sample.seconds > 0
    assert (
        json.loads(after["SecretString"])["password"]
        != json.loads(before["SecretString"])["password"]
    )


def test_parameter_rotation_twice_in_a_row_rotates_twice() -> None:
    with moto_account() as clients, parameter_target(clients) as target:
        first, second = target.rotate(), target.rotate()
    assert first.calls == second.calls == ("GetParameter", "PutParameter")
