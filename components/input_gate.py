"""Checks on argument values that may only be known later (Outputs), gating child resources."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar, overload

import pulumi

from secretkit.components.errors import located_at

T = TypeVar("T")
U = TypeVar("U")


class InputGate:
    """Runs each check now when the value is known, or once the Output resolves.

    Children created with :meth:`depends_on` wait for every deferred check, so a value that
    fails one stops the deployment before any child resource is created. A child that takes a
    checked Output (what :meth:`check` returns, or one given to :meth:`defer`) as an input
    already waits for that check: ``depends_on(carried=...)`` leaves it out, which spares the
    Outputs a depends_on costs (under a stack of hundreds of components, Outputs are most of
    the evaluation time).
    """

    def __init__(self, where: str) -> None:
        self.where = where
        self._deferred: list[pulumi.Output[Any]] = []
        self._depends_on: dict[tuple[int, ...], pulumi.Output[list[pulumi.Resource]]] = {}

    @overload
    def check(self, value: pulumi.Output[T], rule: Callable[[T], object]) -> pulumi.Output[T]: ...
    @overload
    def check(self, value: T, rule: Callable[[T], object]) -> T: ...
    def check(self, value: Any, rule: Callable[[Any], object]) -> Any:
        """Apply ``rule`` (which raises InvalidArgumentError) to the value, now or later.

        Returns the value itself when it is known now; else an Output of the same value (same
        dependencies and secrecy) that resolves once the rule passed, and fails with it.
        """
        if isinstance(value, pulumi.Output):
            return self.defer(value.apply(lambda resolved: self._passing(rule, resolved)))
        self.run(rule, value)
        return value

    def defer(self, checked: pulumi.Output[T]) -> pulumi.Output[T]:
        """Count ``checked``, an Output whose computation runs a check through :meth:`run`, as
        a deferred check (children created with :meth:`depends_on` wait for it)."""
        self._deferred.append(checked)
        return checked

    def run(self, rule: Callable[[T], U], value: T) -> U:
        """``rule(value)``, with an InvalidArgumentError located at this gate's component."""
        return located_at(self.where, lambda: rule(value))

    def _passing(self, rule: Callable[[T], object], value: T) -> T:
        self.run(rule, value)
        return value

    def depends_on(
        self, carried: Collection[pulumi.Output[Any]] = ()
    ) -> pulumi.Input[list[pulumi.Resource]] | None:
        """A depends_on value that resolves (to nothing) once every deferred check passed.

        ``carried``: checked Outputs the child takes as inputs, so need not be waited for
        again. None when nothing is left to wait for; the same Output for the same checks,
        however many children ask.
        """
        pending = [d for d in self._deferred if not any(d is c for c in carried)]
        if not pending:
            return None
        key = tuple(id(d) for d in pending)
        gate = self._depends_on.get(key)
        if gate is None:
            joined = pending[0] if len(pending) == 1 else pulumi.Output.all(*pending)
            gate = self._depends_on[key] = joined.apply(_nothing)
        return gate


def _nothing(_: object) -> list[pulumi.Resource]:
    return []
