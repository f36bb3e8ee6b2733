"""Checks on argument values that may only be known later (Outputs), gating child resources."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi

from components.errors import InvalidArgumentError


class InputGate:
    """Runs each check now when the value is known, or once the Output resolves.

    Children created with :meth:`depends_on` wait for every deferred check, so a value that
    fails one stops the deployment before any child resource is created.
    """

    def __init__(self, where: str) -> None:
        self.where = where
        self._deferred: list[pulumi.Output[Any]] = []

    def check(self, value: pulumi.Input[Any], rule: Callable[[Any], object]) -> None:
        """Apply ``rule`` (which raises InvalidArgumentError) to the value, now or later."""
        if isinstance(value, pulumi.Output):
            self._deferred.append(value.apply(lambda resolved: self._run(rule, resolved)))
        else:
            self._run(rule, value)

    def _run(self, rule: Callable[[Any], object], value: Any) -> None:
        try:
            rule(value)
        except InvalidArgumentError as error:
            raise error.located(self.where) from None

    def depends_on(self) -> pulumi.Input[list[pulumi.Resource]] | None:
        """A depends_on value that resolves (to nothing) once every deferred check passed."""
        if not self._deferred:
            return None
        return pulumi.Output.all(*self._deferred).apply(lambda _: [])
