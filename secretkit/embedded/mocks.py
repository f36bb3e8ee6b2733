"""Pulumi mocks that answer like AWS (realistic ids and ARNs) and record every registration."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from secretkit.testing.aws_answers import (
    ACCOUNT_ID,
    PARTITION,
    REGION,
    autoname,
    invoke_answer,
    is_secret,
    resource_answer,
    unwrap,
)

# The answers live in secretkit.testing (what consumers' tests use too); these names stay here
# for the project's own modules and tests.
__all__ = [
    "ACCOUNT_ID",
    "PARTITION",
    "REGION",
    "AwsMocks",
    "RecordingMonitor",
    "Registration",
    "autoname",
    "install",
    "is_secret",
    "run",
    "unwrap",
]


@dataclass
class Registration:
    """One resource the program registered, as the engine saw it."""

    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    state: dict[str, Any]
    dependencies: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    """Resource options the engine would act on: replaceOnChanges, deleteBeforeReplace,
    ignoreChanges, protect."""

    @property
    def plain_inputs(self) -> dict[str, Any]:
        """Inputs with secret markers removed (only for assertions; never print secrets)."""
        return unwrap(self.inputs)  # type: ignore[no-any-return]


class AwsMocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes the way the AWS provider would."""

    def __init__(
        self, account_id: str = ACCOUNT_ID, region: str = REGION, partition: str = PARTITION
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.partition = partition

    # --- invokes ------------------------------------------------------------------------------

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        answer = invoke_answer(self, args.token)
        if answer is None:
            raise NotImplementedError(f"secretkit mocks do not answer invoke {args.token}")
        return answer

    # --- resources ----------------------------------------------------------------------------

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = dict(args.inputs)
        answer = resource_answer(self, args.typ, args.name, inputs)
        if answer is None:
            return f"{args.name}-id", inputs
        return answer


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, also keeping parent, dependencies and secret markers."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        #: URN -> what a component registered with register_outputs (plain, unwrapped).
        self.component_outputs: dict[str, dict[str, Any]] = {}

    def RegisterResourceOutputs(self, request: Any) -> Any:
        self.component_outputs[request.urn] = unwrap(rpc.deserialize_properties(request.outputs))
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type == "pulumi:pulumi:Stack":
            return response
        registered = self.resources[response.urn]
        self.registrations.append(
            Registration(
                type=request.type,
                name=request.name,
                urn=response.urn,
                parent=request.parent,
                custom=bool(request.custom),
                inputs=rpc.deserialize_properties(request.object),
                state=dict(registered.state),
                dependencies=list(request.dependencies),
                options={
                    "replaceOnChanges": list(request.replaceOnChanges),
                    "deleteBeforeReplace": bool(request.deleteBeforeReplace),
                    "ignoreChanges": list(request.ignoreChanges),
                    "protect": bool(request.protect),
                },
            )
        )
        return response

    def by_type(self, type_: str) -> list[Registration]:
        """Registrations of one resource type, in registration order."""
        return [r for r in self.registrations if r.type == type_]

    def by_name(self, name: str) -> Registration:
        """The registration with this logical name (there must be exactly one)."""
        found = [r for r in self.registrations if r.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}")
        return found[0]


def _replace_event_loop() -> None:
    """Close the previous program's loop (if idle) and start a fresh one."""
    try:
        previous = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        previous = None
    if previous is not None and not previous.is_running() and not previous.is_closed():
        # A failed program leaves futures holding its error; they are reported, not lost, so
        # asyncio need not log each again when they are garbage-collected.
        previous.set_exception_handler(lambda _loop, _context: None)
        for task in asyncio.all_tasks(previous):
            task.cancel()
        previous.close()
    asyncio.set_event_loop(asyncio.new_event_loop())


def install(
    mocks: pulumi.runtime.Mocks | None = None,
    *,
    project: str = "secretkit",
    stack: str = "test",
    preview: bool = False,
) -> RecordingMonitor:
    """Point the Pulumi runtime at recording mocks (AwsMocks unless ``mocks`` is given);
    returns the monitor to inspect."""
    mocks = mocks or AwsMocks()
    # A fresh event loop per program: work left pending by an earlier, failed program must not
    # resume (and fail) inside this one.
    _replace_event_loop()
    # ...and a fresh root stack resource on that loop (set_mocks only makes one if none exists).
    pulumi_settings.ROOT.set(None)
    # ...and no stack configuration left by an earlier program (run_program sets its own after).
    pulumi.runtime.set_all_config({}, [])
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)
    return monitor


def run(program: Callable[[], object]) -> Any:
    """Run ``program`` as a Pulumi program against the installed mocks and wait for every
    registration; returns what the program returned, resolved if it was an Output."""
    result: list[Any] = []

    def body() -> Awaitable[None]:
        returned = pulumi.Output.from_input(program())

        async def resolve() -> None:
            result.append(await returned.future())

        return resolve()

    # As pulumi.runtime.test does: forget RPCs an earlier, failed program left outstanding.
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()
    try:
        _sync_await(run_pulumi_func(body))
    except BaseException:
        _settle_leftovers()
        raise
    return result[0] if result else None


#: How long a failed program's outstanding registrations may take to settle.
SETTLE_SECONDS = 10.0


def _settle_leftovers() -> None:
    """Let the registrations a failed program left outstanding finish (their errors are that
    program's, already raised), so that a next program run on the same loop does not report
    them as its own (a registration waiting on a deferred document, such as the key policy that
    waits for the program code to return, can outlive the first error)."""
    manager = pulumi_settings.SETTINGS.rpc_manager

    async def settle() -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_SECONDS
        while manager.rpcs and loop.time() < deadline:
            pending = list(manager.rpcs)
            manager.rpcs.clear()
            await asyncio.wait(pending, timeout=max(0.0, deadline - loop.time()))

    _sync_await(settle())
    manager.clear()
