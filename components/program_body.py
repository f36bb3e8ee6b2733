"""When the program code that built a component has returned: what a document that later
grant_read calls may still extend waits for before it is built."""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
from types import FrameType

import pulumi

#: Frames of Pulumi's own runtime (its entry points, run_pulumi_func, the test decorator) and of
#: the components themselves: neither is the program.
_NOT_THE_PROGRAM = (
    os.path.dirname(pulumi.__file__) + os.sep,
    os.path.dirname(os.path.abspath(__file__)) + os.sep,
)
#: How often a waiting document looks again (only while the program code runs).
POLL_SECONDS = 0.005


def program_frame() -> FrameType | None:
    """The frame of the program code running now: of the frames the task running this call
    stepped into synchronously (those above its innermost coroutine), the outermost one outside
    Pulumi's runtime and the components. That is the program's module (run by Pulumi's language
    host), an automation API program function, the function a ``pulumi.runtime.test`` test
    decorates, or the callback of an ``apply`` that builds components; when there is none, the
    coroutine itself (a ``pulumi.run`` program, until it awaits). None outside an event loop's
    task."""
    frame: FrameType | None = sys._getframe(1)
    chain: list[FrameType] = []
    while frame is not None and not frame.f_code.co_flags & inspect.CO_COROUTINE:
        chain.append(frame)
        frame = frame.f_back
    if frame is None:
        return None
    for candidate in [*reversed(chain), frame]:
        if not candidate.f_code.co_filename.startswith(_NOT_THE_PROGRAM):
            return candidate
    return None


def _on_stack(frame: FrameType) -> bool:
    current: FrameType | None = sys._getframe(1)
    while current is not None:
        if current is frame:
            return True
        current = current.f_back
    return False


def after(frame: FrameType | None) -> pulumi.Output[None]:
    """An Output that resolves once ``frame`` (a program_frame) has returned.

    An Output's callback alone is not late enough: a synchronous invoke in the program (such as
    ``aws.get_caller_identity()``) waits by pumping the event loop (pulumi's
    runtime/sync_await.py: "_sync_await waits for the given future to complete by effectively
    yielding the current task and pumping the event loop"), which runs the callbacks of Outputs
    resolved meanwhile, while the program's frame is still below them on the stack. This
    waits until it is not.
    """
    if frame is None:
        return pulumi.Output.from_input(None)
    key = id(frame)
    if key not in _WAITING:
        # One waiter per frame, however many components it builds; dropped once it returned.
        held = [frame]

        async def returned() -> None:
            while _on_stack(held[0]):
                await asyncio.sleep(POLL_SECONDS)
            _WAITING.pop(key, None)

        _WAITING[key] = (frame, pulumi.Output.from_input(returned()))
    return _WAITING[key][1]


#: id(frame) -> (the frame, kept so that its id stays its own; its waiter).
_WAITING: dict[int, tuple[FrameType, pulumi.Output[None]]] = {}
