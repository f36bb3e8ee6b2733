"""Environment variables changed for the length of a block, and restored afterwards."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def environment(values: Mapping[str, str], hidden: Iterable[str] = ()) -> Iterator[None]:
    """``values`` set and the ``hidden`` variables removed inside the block; afterwards every
    one of them is as it was (set to its old value, or unset)."""
    hidden = tuple(hidden)
    saved = {name: os.environ.get(name) for name in [*values, *hidden]}
    os.environ.update(values)
    for name in hidden:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
