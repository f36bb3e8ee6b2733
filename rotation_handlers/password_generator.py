"""Password generation with the standard library's `secrets`, honouring a length and exclusions."""

from __future__ import annotations

import os
import secrets
import string
from collections.abc import Mapping

DEFAULT_LENGTH = 32
#: The characters AWS's rotation samples exclude by default: they break URLs and shell quoting.
DEFAULT_EXCLUDE_CHARACTERS = "/@\"'\\"
CHARACTER_CLASSES = (
    string.ascii_lowercase,
    string.ascii_uppercase,
    string.digits,
    string.punctuation,
)


def generate_password(
    length: int = DEFAULT_LENGTH, exclude_characters: str = DEFAULT_EXCLUDE_CHARACTERS
) -> str:
    """A random password with at least one character of every class not fully excluded."""
    excluded = set(exclude_characters)
    classes = ["".join(c for c in cls if c not in excluded) for cls in CHARACTER_CLASSES]
    classes = [cls for cls in classes if cls]
    if not classes:
        raise ValueError("exclude_characters leaves no characters to build a password from")
    if length < len(classes):
        raise ValueError(f"length must be at least {len(classes)} to include every class")
    alphabet = "".join(classes)
    chars = [secrets.choice(cls) for cls in classes]
    chars += [secrets.choice(alphabet) for _ in range(length - len(classes))]
    # Shuffle so the required characters are not always first.
    for index in range(len(chars) - 1, 0, -1):
        swap = secrets.randbelow(index + 1)
        chars[index], chars[swap] = chars[swap], chars[index]
    return "".join(chars)


def policy_from_environment(environ: Mapping[str, str] | None = None) -> tuple[int, str]:
    """(length, exclude_characters) from PASSWORD_LENGTH / EXCLUDE_CHARACTERS, as deployed."""
    env = os.environ if environ is None else environ
    length = int(env.get("PASSWORD_LENGTH", DEFAULT_LENGTH))
    excluded = env.get("EXCLUDE_CHARACTERS", DEFAULT_EXCLUDE_CHARACTERS)
    return length, excluded
