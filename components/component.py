"""What every secretkit component does first: plan from its arguments, then become a resource."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pulumi

from secretkit.components.arguments import check_name_and_options, given_arguments
from secretkit.components.aws_context import known_region
from secretkit.components.errors import located_at

T = TypeVar("T")


class Component(pulumi.ComponentResource):
    """A secretkit component: bad arguments fail before it, or any child, is registered."""

    def _begin(
        self,
        type_token: str,
        name: str,
        opts: pulumi.ResourceOptions | None,
        arguments: tuple[Any, Mapping[str, Any], type],
        plan: Callable[[str, Any, str | None], T],
    ) -> tuple[T, str | None]:
        """The constructor's preamble: check ``name`` and ``opts``; take the arguments, given
        as ``(args, keywords, the args TypedDict)``, as the dict or the keywords
        (arguments.given_arguments); call ``plan(where, given, region)``, where ``where`` names
        the component as errors do ("RotatingSecret 'db'") and locates the InvalidArgumentError
        it raises, and ``region`` is the region known before deployment (known_region); then
        register the component itself. Returns the plan and that region."""
        check_name_and_options(type_token, name, opts)
        region = known_region(opts)
        where = f"{type_token.rsplit(':', 1)[-1]} '{name}'"
        args, keywords, fields = arguments
        planned = located_at(
            where, lambda: plan(where, given_arguments(args, keywords, fields), region)
        )
        pulumi.ComponentResource.__init__(self, type_token, name, None, opts)
        #: The region known before deployment, or None (what stand-in ARNs are built for).
        self.known_region = region
        return planned, region
