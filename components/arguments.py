"""A constructor's arguments: the args dict or keywords (not both), and no argument set to None."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any

import pulumi

from secretkit.components import validation
from secretkit.components.errors import InvalidArgumentError, located_at


class _NoArgs:
    """The value of a constructor's ``args`` when the caller gave its arguments as keywords."""

    def __repr__(self) -> str:
        return "<no args dict>"


#: The default of every constructor's ``args``: the arguments then come as keywords. Typed Any so
#: that the constructor's ``args`` keeps its TypedDict annotation, from which pulumi's component
#: provider (provider/) infers the package schema.
NO_ARGS: Any = _NoArgs()


def check_name_and_options(type_token: str, name: Any, opts: Any) -> None:
    """The component's name is a non-empty string and ``opts`` a pulumi.ResourceOptions or
    None, checked before either is read (Pulumi would fail later with a TypeError or an
    AttributeError naming neither)."""
    where = f"{type_token.rsplit(':', 1)[-1]} {name!r}"

    def check() -> None:
        validation.require_string("name", name)
        if opts is not None and not isinstance(opts, pulumi.ResourceOptions):
            raise InvalidArgumentError(
                "opts", opts, f"must be a pulumi.ResourceOptions or None, not {type(opts).__name__}"
            )

    located_at(where, check)


def given_arguments(args: Any, keywords: Mapping[str, Any], fields: type) -> Any:
    """The arguments a constructor was called with: the args dict (``Cls(name, {...}, opts)``)
    or the keywords (``Cls(name, secret_name=..., opts=...)``), never both; ``fields`` is the
    component's args TypedDict. Only the keywords' names reach an error message: their values
    may be secrets."""
    if args is NO_ARGS:
        given: Any = dict(keywords)
    elif keywords:
        kind = fields.__name__.removesuffix("Args")
        raise InvalidArgumentError(
            "args",
            sorted(keywords),
            "the arguments are given both as the args dict and as keywords "
            f"({', '.join(sorted(keywords))}): give them one way, {kind}(name, {{...}}, opts) "
            f"or {kind}(name, key=value, ..., opts=opts)",
        )
    else:
        given = validation.require_mapping("args", args)
    refuse_none("", given, fields)
    return given


def refuse_none(path: str, given: Mapping[str, Any], fields: type) -> None:
    """No documented argument, at any depth of the args TypedDict ``fields``, is None: None is
    not a value of any of them (the TypedDicts say so), and leaving it out is how to get the
    default. Keys ``fields`` does not have are left for the unknown-argument check."""
    hints = _fields(fields)
    required: frozenset[str] = getattr(fields, "__required_keys__", frozenset())
    for key, value in given.items():
        if key not in hints:
            continue
        argument = f"{path}.{key}" if path else str(key)
        if value is None:
            raise InvalidArgumentError(
                argument,
                None,
                "is required"
                if key in required
                else "must not be None: leave the argument out instead",
            )
        _refuse_none_within(argument, value, hints[key])


def _refuse_none_within(argument: str, value: Any, hint: Any) -> None:
    """Look into ``value`` where ``hint`` has a TypedDict: itself, or the items of a list."""
    nested = _typeddicts(hint)
    if isinstance(value, Mapping) and len(nested) == 1:
        refuse_none(argument, value, nested[0])
    elif isinstance(value, list | tuple):
        items = [arg for option in _options(hint) for arg in typing.get_args(option)]
        inner = [t for item in items for t in _typeddicts(item)]
        if len(inner) == 1:
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    refuse_none(f"{argument}[{index}]", item, inner[0])


#: What may wrap a TypedDict field's type.
_QUALIFIERS: tuple[Any, ...] = (typing.Required, typing.NotRequired)


def _fields(typeddict: type) -> dict[str, Any]:
    """A TypedDict's fields (inherited ones included) and their types, Required[...] unwrapped.
    Read from ``__annotations__``: typing.get_type_hints would evaluate pulumi.Input's forward
    references, which fails."""
    return {
        key: typing.get_args(hint)[0] if typing.get_origin(hint) in _QUALIFIERS else hint
        for key, hint in typeddict.__annotations__.items()
    }


def _options(hint: Any) -> tuple[Any, ...]:
    """The members of a union, or the hint alone."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _typeddicts(hint: Any) -> list[type]:
    return [option for option in _options(hint) if typing.is_typeddict(option)]
