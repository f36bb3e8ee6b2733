"""Readers in other accounts that grant_read names after a secret component was built: held
until the program code that built it has returned, then read once by the documents naming
them (the secret's resource policy, the key policies of the keys it created)."""

from __future__ import annotations

from collections.abc import Callable
from types import FrameType
from typing import TypeVar

import pulumi

from secretkit.components import program_body

T = TypeVar("T")


class LateReaders:
    """The principals grant_read adds (role ARNs, account roots), each once."""

    def __init__(self, frame: FrameType | None = None) -> None:
        """``frame``: the program code building the component (program_body.program_frame);
        None: the documents need not wait."""
        self._frame = frame
        self.principals: list[pulumi.Input[str]] = []
        """Each principal, in the order granted."""
        self.shown: list[str] = []
        """Each as given, for messages and to grant each once."""
        self.built = False
        """Whether the documents were built (a reader added now would be in none)."""
        self._final: pulumi.Output[list[pulumi.Input[str]]] | None = None

    def add(self, principal: pulumi.Input[str], shown: str) -> None:
        """Name ``principal`` (``shown`` as given) in the documents; call before they are built."""
        assert not self.built
        self.principals.append(principal)
        self.shown.append(shown)

    def final(self) -> pulumi.Output[list[pulumi.Input[str]]]:
        """The principals once the program code that built the component has returned: from then
        on the documents hold them and no reader may be added."""
        if self._final is None:
            self._final = program_body.after(self._frame).apply(lambda _: self._seal())
        return self._final

    def _seal(self) -> list[pulumi.Input[str]]:
        self.built = True
        self._frame = None
        return list(self.principals)

    def document(
        self, build: Callable[[list[pulumi.Input[str]]], pulumi.Output[T]]
    ) -> pulumi.Output[T]:
        """``build(principals)`` once they are final (its Outputs' resources become the
        result's dependencies)."""
        return self.final().apply(build)
