"""The `password` strategy: a new random password, as a plain secret or a JSON 'password' key."""

from __future__ import annotations

import json
from collections.abc import Mapping

from rotation_handlers.password_generator import generate_password, policy_from_environment
from rotation_handlers.protocol import RotationContext, Strategy, handler_for, json_or_none


class PasswordStrategy(Strategy):
    """Generates a password locally (no GetRandomPassword, so no Resource "*" grant).

    Nothing to set or test: the password is the credential, and consumers read it from the
    secret. JSON secrets keep every other key.
    """

    name = "password"

    def generate(self, current: str, context: RotationContext) -> str:
        return new_password_value(current)


def new_password_value(current: str, environ: Mapping[str, str] | None = None) -> str:
    """A new password in the shape of ``current``: plain, or JSON with 'password' replaced.
    The policy comes from PASSWORD_LENGTH / EXCLUDE_CHARACTERS in ``environ`` (os.environ)."""
    length, excluded = policy_from_environment(environ)
    password = generate_password(length, excluded)
    document = json_or_none(current)
    if document is None:
        return password
    return json.dumps({**document, "password": password})


lambda_handler = handler_for(PasswordStrategy())
