"""Helpers the component tests share: build a component under mocks, read what it registered."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import pulumi

from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor, Registration

C = TypeVar("C", bound=pulumi.ComponentResource)


def build_component(
    factory: Callable[[str, Any], C], name: str, args: dict[str, Any], output: str
) -> C:
    """Construct ``factory(name, args)`` as a program and wait for it and ``output`` to settle."""
    built: list[C] = []

    def program() -> pulumi.Output[Any]:
        built.append(factory(name, args))
        value: pulumi.Output[Any] = getattr(built[0], output)
        return value

    mocks.run(program)
    return built[0]


def the(monitor: RecordingMonitor, type_: str) -> Registration:
    """The one registration of ``type_`` (fails if there are none or several)."""
    found = monitor.by_type(type_)
    assert len(found) == 1, f"{len(found)} {type_}"
    return found[0]


def policy_of(reg: Registration) -> dict[str, Any]:
    """The policy document a RolePolicy, Key or TopicPolicy registration carries."""
    document: dict[str, Any] = json.loads(reg.plain_inputs["policy"])
    return document


def statements_by_sid(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A policy's statements keyed by Sid."""
    return {s["Sid"]: s for s in document["Statement"]}
