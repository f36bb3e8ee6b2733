"""The one exception type every component raises for bad input, naming argument, value and rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Redacted:
    """Stands in for a secret value in an error message: says how big it was, never what it was."""

    def __init__(self, size_bytes: int | None = None) -> None:
        self.size_bytes = size_bytes

    def __repr__(self) -> str:
        if self.size_bytes is None:
            return "<secret value>"
        return f"<secret value of {self.size_bytes} bytes>"


class InvalidArgumentError(ValueError):
    """A component argument broke a rule; raised before any child resource is registered.

    ``argument`` is the dotted argument path (``rotation.schedule_expression``), ``value`` the
    offending value (a :class:`Redacted` placeholder for secrets) and ``rule`` the rule, in words.
    """

    def __init__(self, argument: str, value: Any, rule: str, where: str = "") -> None:
        self.argument = argument
        self.value = value
        self.rule = rule
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}argument '{argument}' = {value!r} is invalid: {rule}")

    def located(self, where: str) -> InvalidArgumentError:
        """The same error, prefixed with the component that raised it."""
        if self.where:
            return self
        return InvalidArgumentError(self.argument, self.value, self.rule, where)


def located_at(where: str, work: Callable[[], T]) -> T:
    """``work()``, with an InvalidArgumentError it raises located at ``where`` (the component,
    e.g. "RotatingSecret 'db'")."""
    try:
        return work()
    except InvalidArgumentError as error:
        raise error.located(where) from None
