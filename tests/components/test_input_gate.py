"""InputGate: checks now or once known, checked Outputs, and the depends_on children wait on."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from secretkit.components.errors import InvalidArgumentError
from secretkit.components.input_gate import InputGate
from secretkit.components.validation import fail
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor


def positive(value: int) -> None:
    if value <= 0:
        raise fail("count", value, "must be positive")


def test_a_known_value_is_checked_now_and_returned_as_is() -> None:
    gate = InputGate("Thing 't'")
    assert gate.check(3, positive) == 3
    assert gate.depends_on() is None
    with pytest.raises(InvalidArgumentError, match=r"^Thing 't': argument 'count'"):
        gate.check(0, positive)


def test_a_checked_output_keeps_its_value_and_secrecy(monitor: RecordingMonitor) -> None:
    def program() -> pulumi.Output[Any]:
        gate = InputGate("Thing 't'")
        checked = gate.check(pulumi.Output.secret(5), positive)
        assert isinstance(checked, pulumi.Output)
        return pulumi.Output.all(checked, checked.is_secret())

    assert mocks.run(program) == [5, True]


def test_a_failing_output_check_fails_the_checked_output(monitor: RecordingMonitor) -> None:
    def program() -> pulumi.Output[Any]:
        gate = InputGate("Thing 't'")
        return gate.check(pulumi.Output.from_input(-1), positive)

    with pytest.raises(ValueError, match=r"Thing 't': argument 'count' = -1 is invalid"):
        mocks.run(program)


def test_depends_on_leaves_out_what_a_child_carries_and_is_built_once(
    monitor: RecordingMonitor,
) -> None:
    found: dict[str, Any] = {}

    def program() -> pulumi.Output[Any]:
        gate = InputGate("Thing 't'")
        first = gate.check(pulumi.Output.from_input(1), positive)
        second = gate.defer(pulumi.Output.from_input(2).apply(lambda v: gate.run(positive, v)))
        assert isinstance(first, pulumi.Output)
        found["all"] = gate.depends_on()
        found["again"] = gate.depends_on()
        found["without_first"] = gate.depends_on([first])
        found["nothing_left"] = gate.depends_on([first, second])
        return found["all"]  # type: ignore[no-any-return]

    assert mocks.run(program) == []
    assert found["again"] is found["all"]
    assert found["without_first"] is not found["all"]
    assert found["nothing_left"] is None
