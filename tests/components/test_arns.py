"""concat and shared_concat: plain strings stay strings; Outputs join with their secrecy, and
shared_concat builds a string from the same parts once."""

from __future__ import annotations

import pulumi

from secretkit.components.iam.arns import concat, shared_concat
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor


def test_plain_parts_stay_a_plain_string() -> None:
    assert (
        concat("arn:", "aws", ":iam::", "123456789012", ":root") == "arn:aws:iam::123456789012:root"
    )


def test_outputs_and_strings_join_in_order_and_keep_secrecy(monitor: RecordingMonitor) -> None:
    def program() -> pulumi.Output[list[object]]:
        one = concat("a-", pulumi.Output.from_input("b"), "-c")
        many = concat(pulumi.Output.from_input("x"), ":", pulumi.Output.secret("y"), ":z")
        assert isinstance(one, pulumi.Output)
        assert isinstance(many, pulumi.Output)
        return pulumi.Output.all(one, one.is_secret(), many, many.is_secret())

    assert mocks.run(program) == ["a-b-c", False, "x:y:z", True]


def test_shared_concat_builds_the_same_parts_once_per_program(monitor: RecordingMonitor) -> None:
    seen: list[object] = []

    def program() -> pulumi.Output[list[str]]:
        region = pulumi.Output.from_input("eu-west-1")
        first = shared_concat("kms.", region, ".amazonaws.com")
        again = shared_concat("kms.", region, ".amazonaws.com")
        other = shared_concat("ssm.", region, ".amazonaws.com")
        seen.extend([first, again, other])
        return pulumi.Output.all(first, other)

    assert mocks.run(program) == ["kms.eu-west-1.amazonaws.com", "ssm.eu-west-1.amazonaws.com"]
    assert seen[0] is seen[1]
    assert seen[2] is not seen[0]
