"""What every secretkit component does first: plan from its arguments, then become a resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pulumi

from secretkit.components.errors import located_at

T = TypeVar("T")


class Component(pulumi.ComponentResource):
    """A secretkit component: bad arguments fail before it, or any child, is registered."""

    def _begin(
        self,
        type_token: str,
        name: str,
        opts: pulumi.ResourceOptions | None,
        plan: Callable[[str], T],
    ) -> T:
        """``plan(where)``, where names the component as errors do ("RotatingSecret 'db'") and
        locates the InvalidArgumentError it raises; then register the component itself."""
        where = f"{type_token.rsplit(':', 1)[-1]} '{name}'"
        planned = located_at(where, lambda: plan(where))
        pulumi.ComponentResource.__init__(self, type_token, name, None, opts)
        return planned
