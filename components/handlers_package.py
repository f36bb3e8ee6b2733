"""Where secretkit's rotation_handlers package is, and a clear error when another shadows it.

The handlers keep the top-level name ``rotation_handlers`` because that is the name Lambda imports
them by (the function's handler is ``rotation_handlers.<module>.lambda_handler``). It is installed
next to the ``secretkit`` package; a folder or module of that name earlier on ``sys.path`` (a
consumer project's own ``rotation_handlers/``) would be imported instead, and the components
would ship it to Lambda. Both are refused here, naming the two locations.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

#: The handlers' package name, in this process and inside every rotation function's artifact.
PACKAGE = "rotation_handlers"


class ShadowedHandlersError(ImportError):
    """Another ``rotation_handlers`` comes first on sys.path."""


def expected_directory() -> Path:
    """Where secretkit's own handlers are: next to the secretkit package (installed or checked
    out, secretkit/ and rotation_handlers/ are siblings)."""
    secretkit_directory = Path(__file__).resolve().parent.parent
    if secretkit_directory.name == "secretkit":
        return secretkit_directory.parent / PACKAGE
    # This file itself is reached through the repository's components/ folder.
    return secretkit_directory / PACKAGE


def handlers_directory() -> Path:
    """The directory of the rotation_handlers package this process imports: secretkit's own, or
    ShadowedHandlersError naming the one in the way."""
    spec = importlib.util.find_spec(PACKAGE)
    expected = expected_directory()
    if spec is None or not spec.submodule_search_locations:
        raise ShadowedHandlersError(
            f"the {PACKAGE} package is not importable (expected at {expected}); reinstall secretkit"
        )
    found = Path(next(iter(spec.submodule_search_locations))).resolve()
    if found != expected.resolve():
        raise ShadowedHandlersError(
            f"{found} shadows secretkit's {PACKAGE} package ({expected}): the rotation functions "
            f"would ship it. Rename your folder: secretkit's handlers keep the name {PACKAGE!r}, "
            "the one Lambda imports them by"
        )
    return found
