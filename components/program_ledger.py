"""State kept per running program: each program (and each test's mocks) has its own Pulumi
monitor, and with it its own ledger."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pulumi.runtime import settings as pulumi_settings

T = TypeVar("T")


class ProgramLedger(Generic[T]):
    """One ``T`` per running program, made by ``factory`` on first use."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._by_monitor: weakref.WeakKeyDictionary[Any, T] = weakref.WeakKeyDictionary()
        self._by_id: dict[int, T] = {}
        #: When no monitor is set (a pure function called outside a program).
        self._none: T | None = None

    def get(self) -> T:
        """The running program's ``T``."""
        monitor = pulumi_settings.get_monitor()
        if monitor is None:
            if self._none is None:
                self._none = self._factory()
            return self._none
        try:
            found = self._by_monitor.get(monitor)
            if found is None:
                found = self._by_monitor[monitor] = self._factory()
            return found
        except TypeError:  # not weakly referenceable: one ledger per monitor id is as good
            if id(monitor) not in self._by_id:
                self._by_id[id(monitor)] = self._factory()
            return self._by_id[id(monitor)]
