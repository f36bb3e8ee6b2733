"""Every component's constructor: the args dict or keywords (as pulumi-aws components take
them), and the project's error, naming the argument, for every wrong input of every documented
argument (None or a value of the wrong type), never an AssertionError or a TypeError."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi
import pytest

from secretkit.components import (
    CrossRegionReplicatedSecret,
    CrossRegionReplicatedSecretArgs,
    InvalidArgumentError,
    ProxiedParameterPolicy,
    ProxiedParameterPolicyArgs,
    RotatingSecret,
    RotatingSecretArgs,
    RotationArgs,
    RotationFunction,
    RotationFunctionArgs,
    SecureParameter,
    SecureParameterArgs,
)
from secretkit.components.errors import UnknownArgumentError
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor
from tests.architecture import snapshot

Component = Callable[..., pulumi.ComponentResource]

#: Each public component, its args TypedDict, and arguments it accepts.
VALID: dict[str, tuple[Component, type, dict[str, Any]]] = {
    "RotatingSecret": (
        RotatingSecret,
        RotatingSecretArgs,
        {
            "secret_name": "prod/app/api-key",
            "rotation": {"strategy": "password", "automatically_after_days": 30},
        },
    ),
    "SecureParameter": (
        SecureParameter,
        SecureParameterArgs,
        {"parameter_name": "/team/app/api-key", "value": "s3cr3t-value"},
    ),
    "CrossRegionReplicatedSecret": (
        CrossRegionReplicatedSecret,
        CrossRegionReplicatedSecretArgs,
        {"secret_name": "team/shared/token", "replica_regions": ["eu-west-1"]},
    ),
    "RotationFunction": (RotationFunction, RotationFunctionArgs, {"strategy": "password"}),
    "ProxiedParameterPolicy": (
        ProxiedParameterPolicy,
        ProxiedParameterPolicyArgs,
        {"secret_name": "prod/app/api-key", "roles": ["app"]},
    ),
}

#: A valid value of a nested dict argument the base arguments leave out, so that its own
#: fields can be tried one by one.
NESTED_VALID: dict[str, dict[str, Any]] = {
    "vpc_config": {
        "subnet_ids": ["subnet-0123456789abcdef0"],
        "security_group_ids": ["sg-0123456789abcdef0"],
    },
    "password_policy": {"length": 20},
    "rotation": {"strategy": "password", "automatically_after_days": 30},
    "alarms": {"rotation_succeeded": True},
}
#: SecureParameter's rotation block is its own shape.
PARAMETER_ROTATION = {"schedule_expression": "rate(30 days)", "handler_module": "my.rotator"}

#: Arguments that exclude another one in the valid base: trying one drops the other, so that
#: the error is about the argument tried.
EXCLUDES = {
    "schedule_expression": "automatically_after_days",
    "secret": "secret_name",
}


QUALIFIERS: tuple[Any, ...] = (typing.Required, typing.NotRequired)


def fields(typeddict: type) -> dict[str, Any]:
    """A TypedDict's fields with their types, Required[...] unwrapped."""
    return {
        key: typing.get_args(hint)[0] if typing.get_origin(hint) in QUALIFIERS else hint
        for key, hint in typeddict.__annotations__.items()
    }


def options(hint: Any) -> tuple[Any, ...]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def wrong_value(hint: Any) -> Any:
    """A value of the wrong type for ``hint``."""
    allowed = options(hint)
    if str in allowed:
        return 12345
    if int in allowed:
        return "many"
    if bool in allowed:
        return "yes"
    return 42  # for lists, dicts, components (Any): a number is none of them


def nested_typeddict(hint: Any) -> type | None:
    found = [option for option in options(hint) if typing.is_typeddict(option)]
    return found[0] if len(found) == 1 else None


def cases() -> list[Any]:
    """(component, argument path, the arguments with that one wrong) for every documented
    argument, top-level and inside nested dict arguments, with None and with a wrong type."""
    result = []
    for component, (_, args_type, valid) in VALID.items():
        for name, hint in fields(args_type).items():
            for label, bad in (("None", None), ("wrong-type", wrong_value(hint))):
                args = {k: v for k, v in valid.items() if k != EXCLUDES.get(name)}
                args[name] = bad
                result.append(pytest.param(component, name, args, id=f"{component}-{name}-{label}"))
            inner = nested_typeddict(hint)
            if inner is None:
                continue
            base = valid.get(name)
            if base is None:
                base = (
                    PARAMETER_ROTATION if args_type is SecureParameterArgs else NESTED_VALID[name]
                )
            for key, inner_hint in fields(inner).items():
                for label, bad in (("None", None), ("wrong-type", wrong_value(inner_hint))):
                    block = {k: v for k, v in base.items() if k != EXCLUDES.get(key)}
                    block[key] = bad
                    args = {**valid, name: block}
                    path = f"{name}.{key}"
                    result.append(
                        pytest.param(component, path, args, id=f"{component}-{path}-{label}")
                    )
    return result


#: Dicts whose values may be anything JSON holds (the template of a generated secret value).
FREE_VALUES = {"secret_template"}


def container(hint: Any) -> str | None:
    """'list' or 'dict' when ``hint`` is one (a Sequence or a Mapping)."""
    for option in options(hint):
        origin = typing.get_origin(option)
        if origin in (Sequence, list, tuple):
            return "list"
        if origin in (Mapping, dict):
            return "dict"
    return None


def item_cases() -> list[Any]:
    """(component, argument path, the arguments with one bad item) for every list or dict
    argument, top-level and nested: None, a number, an empty dict as an item; None and a number
    as a value, a number as a key."""
    result = []
    for component, (_, args_type, valid) in VALID.items():
        for name, hint in fields(args_type).items():
            # (path, type, the nested dict it sits in or None, its key there)
            entries: list[tuple[str, Any, dict[str, Any] | None, str]] = [(name, hint, None, name)]
            inner = nested_typeddict(hint)
            if inner is not None:
                base = valid.get(name) or (
                    PARAMETER_ROTATION if args_type is SecureParameterArgs else NESTED_VALID[name]
                )
                entries += [(f"{name}.{key}", t, base, key) for key, t in fields(inner).items()]
            for path, field_hint, block, key in entries:
                kind = container(field_hint)
                if kind is None or path in FREE_VALUES:
                    continue
                bads: list[Any] = (
                    [[None], [42], [{}]] if kind == "list" else [{"k": None}, {"k": 42}, {1: "x"}]
                )
                for bad in bads:
                    args = (
                        {**valid, key: bad}
                        if block is None
                        else {**valid, name: {**block, key: bad}}
                    )
                    result.append(
                        pytest.param(component, path, args, id=f"{component}-{path}-{bad!r}")
                    )
    return result


def refusal(monitor: RecordingMonitor, build: Callable[[], object]) -> InvalidArgumentError:
    """The error ``build`` fails with, having registered nothing."""
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the type is what is checked
        mocks.run(build)
    error = caught.value
    assert isinstance(error, InvalidArgumentError), f"{type(error).__name__}: {error}"
    assert monitor.registrations == []
    return error


@pytest.mark.parametrize(("component", "argument", "args"), cases())
@pytest.mark.parametrize("form", ["dict", "keywords"])
def test_every_wrong_input_is_refused_naming_its_argument(
    monitor: RecordingMonitor, form: str, component: str, argument: str, args: dict[str, Any]
) -> None:
    cls = VALID[component][0]
    if form == "dict":
        error = refusal(monitor, lambda: cls("bad", args))
    else:
        error = refusal(monitor, lambda: cls("bad", **args))
    named = error.argument
    assert named == argument or named.startswith((f"{argument}.", f"{argument}[")), str(error)
    assert str(error).startswith(f"{component} 'bad': argument '{named}'")


def test_the_sweep_covers_every_documented_argument() -> None:
    """A new field in an args TypedDict is tried too (the cases are read from the TypedDicts)."""
    tried = {(param.values[0], param.values[1]) for param in cases()}
    for component, (_, args_type, _) in VALID.items():
        assert {(component, name) for name in fields(args_type)} <= tried
    assert {("RotatingSecret", f"rotation.{key}") for key in RotationArgs.__annotations__} <= tried
    assert ("SecureParameter", "rotation.schedule_expression") in tried
    assert ("RotatingSecret", "vpc_config.subnet_ids") in tried
    assert ("RotationFunction", "password_policy.length") in tried


def returning_nothing(build: Callable[[], object]) -> Callable[[], None]:
    def program() -> None:
        build()

    return program


@pytest.mark.parametrize("component", list(VALID))
def test_keywords_register_what_the_dict_does(component: str) -> None:
    cls, _, valid = VALID[component]
    opts = pulumi.ResourceOptions(protect=True)
    # snapshot.program: every registration as the engine diffs it (URN, inputs with generated
    # values reduced to their shape, dependencies, options), on fresh mocks.
    forms: list[Callable[[], object]] = [
        lambda: cls("c", valid, opts),
        lambda: cls("c", **valid, opts=opts),
        lambda: cls("c", valid, opts=opts),
    ]
    from_dict, *others = [snapshot.program(returning_nothing(form)) for form in forms]
    assert from_dict
    assert others == [from_dict, from_dict]


def test_keywords_as_the_issue_writes_them(monitor: RecordingMonitor) -> None:
    def program() -> pulumi.Output[str]:
        secret = RotatingSecret(
            "s",
            secret_name="prod/app/api-key",
            rotation={"strategy": "password", "automatically_after_days": 30},
            opts=pulumi.ResourceOptions(),
        )
        return secret.secret_name

    assert mocks.run(program) == "prod/app/api-key"
    assert monitor.by_name("s").type == "secretkit:index:RotatingSecret"


def test_the_dict_and_keywords_at_once_are_refused(monitor: RecordingMonitor) -> None:
    error = refusal(
        monitor,
        lambda: RotatingSecret(  # type: ignore[call-overload]
            "s",
            {"secret_name": "prod/app/api-key"},
            rotation={"strategy": "password", "automatically_after_days": 30},
            secret_string="hunter2-zebra",
        ),
    )
    assert error.argument == "args"
    assert "both as the args dict and as keywords (rotation, secret_string)" in error.rule
    assert "RotatingSecret(name, {...}, opts) or RotatingSecret(name, key=value" in error.rule
    assert "hunter2" not in str(error)


@pytest.mark.parametrize("form", ["dict", "keywords"])
def test_an_unknown_argument_is_named_with_a_suggestion(
    monitor: RecordingMonitor, form: str
) -> None:
    args = {
        "secret_name": "prod/app/api-key",
        "rotaton": {"strategy": "password", "automatically_after_days": 30},
    }
    error = refusal(
        monitor,
        (lambda: RotatingSecret("s", args))  # type: ignore[call-overload]
        if form == "dict"
        else (lambda: RotatingSecret("s", **args)),  # type: ignore[call-overload]
    )
    assert isinstance(error, UnknownArgumentError)
    assert str(error).startswith(
        "RotatingSecret 's': argument 'rotaton' is not an argument of RotatingSecret; "
        "did you mean 'rotation'? Known: alarms, architecture, description, "
    )


def test_an_unknown_key_of_a_dict_argument_names_the_dict(monitor: RecordingMonitor) -> None:
    error = refusal(
        monitor,
        lambda: SecureParameter(  # type: ignore[call-overload]
            "p",
            parameter_name="/team/app/key",
            value="v",
            rotation={"schedule_expresion": "rate(30 days)"},
        ),
    )
    assert str(error).startswith(
        "SecureParameter 'p': argument 'rotation.schedule_expresion' is not a key of 'rotation'; "
        "did you mean 'schedule_expression'? Known: "
    )


def test_the_value_under_a_misspelt_argument_is_never_shown(monitor: RecordingMonitor) -> None:
    error = refusal(
        monitor,
        lambda: SecureParameter("p", parameter_name="/team/app/key", valeu="hunter2-zebra"),  # type: ignore[call-overload]
    )
    assert "did you mean 'value'?" in str(error)
    assert "hunter2" not in str(error)
    assert "hunter2" not in repr(error.value)


def test_rotation_none_says_rotation_is_required(monitor: RecordingMonitor) -> None:
    """It was a bare AssertionError (issue 15)."""
    error = refusal(
        monitor,
        lambda: RotatingSecret("s", {"secret_name": "prod/app/x", "rotation": None}),  # type: ignore[call-overload]
    )
    assert str(error) == "RotatingSecret 's': argument 'rotation' = None is invalid: is required"


def test_an_optional_argument_set_to_none_says_to_leave_it_out(monitor: RecordingMonitor) -> None:
    error = refusal(
        monitor,
        lambda: SecureParameter("p", parameter_name="/team/app/key", value="v", tier=None),  # type: ignore[call-overload]
    )
    assert str(error) == (
        "SecureParameter 'p': argument 'tier' = None is invalid: must not be None: leave the "
        "argument out instead"
    )


@pytest.mark.parametrize("component", list(VALID))
@pytest.mark.parametrize(
    ("call", "argument", "rule"),
    [
        ((None, None), "name", "must be a non-empty string"),
        (("", None), "name", "must be a non-empty string"),
        ((42, None), "name", "must be a non-empty string"),
        (("c", {"protect": True}), "opts", "must be a pulumi.ResourceOptions or None, not dict"),
        (("c", "protect"), "opts", "must be a pulumi.ResourceOptions or None, not str"),
    ],
)
def test_name_and_opts_are_checked_first(
    monitor: RecordingMonitor, component: str, call: tuple[Any, Any], argument: str, rule: str
) -> None:
    """Pulumi would fail with a TypeError, or an AttributeError naming neither."""
    cls, _, valid = VALID[component]
    name, opts = call
    error = refusal(monitor, lambda: cls(name, valid, opts))
    assert (error.argument, error.rule) == (argument, rule)
    assert str(error).startswith(f"{component} {name!r}: argument '{argument}'")


@pytest.mark.parametrize(("component", "argument", "args"), item_cases())
def test_every_bad_item_of_a_list_or_dict_is_refused_naming_it(
    monitor: RecordingMonitor, component: str, argument: str, args: dict[str, Any]
) -> None:
    error = refusal(monitor, lambda: VALID[component][0]("bad", args))
    named = error.argument
    assert named == argument or named.startswith((f"{argument}.", f"{argument}[")), str(error)
