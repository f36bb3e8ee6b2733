"""Progress lines on stderr, so stdout carries only the tables."""

from __future__ import annotations

import sys
import time

_START = time.monotonic()


def progress(message: str) -> None:
    """One line on stderr, stamped with the seconds since the run started."""
    sys.stderr.write(f"[{time.monotonic() - _START:6.1f}s] {message}\n")
    sys.stderr.flush()
