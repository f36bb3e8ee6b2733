"""The one exception type every component raises for bad input, naming argument, value and rule."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
        super().__init__(self._message())

    def _message(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}argument '{self.argument}' = {self.value!r} is invalid: {self.rule}"

    def located(self, where: str) -> InvalidArgumentError:
        """The same error, prefixed with the component that raised it."""
        if self.where:
            return self
        return InvalidArgumentError(self.argument, self.value, self.rule, where)


class UnknownArgumentError(InvalidArgumentError):
    """An argument (or a key of a dict argument) the component does not have, e.g. a typo.

    Its message names the argument and what it is not part of, never a value (the value given
    under a misspelt ``secret_string`` is a secret): ``RotatingSecret 'db': argument 'rotaton' is
    not an argument of RotatingSecret; did you mean 'rotation'? Known: ...``.
    """

    def __init__(
        self, argument: str, parent: str, known: Sequence[str], suggestion: str | None = None
    ) -> None:
        self.parent = parent
        self.known = sorted(known)
        self.suggestion = suggestion
        super().__init__(argument, argument.rsplit(".", 1)[-1], self._rule(""))

    def _rule(self, where: str) -> str:
        if self.parent:
            owner = f"a key of '{self.parent}'"
        else:
            # where names the component as "<Kind> '<name>'" (Component._begin).
            owner = f"an argument of {where.split(' ', 1)[0]}" if where else "an argument"
        hint = f"; did you mean '{self.suggestion}'?" if self.suggestion else ""
        return f"is not {owner}{hint} Known: {', '.join(self.known)}"

    def _message(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}argument '{self.argument}' {self.rule}"

    def located(self, where: str) -> InvalidArgumentError:
        if self.where:
            return self
        located = UnknownArgumentError(self.argument, self.parent, self.known, self.suggestion)
        located.where = where
        located.rule = located._rule(where)
        located.args = (located._message(),)
        return located


def located_at(where: str, work: Callable[[], T]) -> T:
    """``work()``, with an InvalidArgumentError it raises located at ``where`` (the component,
    e.g. "RotatingSecret 'db'")."""
    try:
        return work()
    except InvalidArgumentError as error:
        raise error.located(where) from None
