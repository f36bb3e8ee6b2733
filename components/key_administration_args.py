"""Whether key_administrators may also edit the policy of the key a component creates."""

from collections.abc import Mapping, Sequence
from typing import Any

from components import validation

#: The argument's name on every component that takes key_administrators.
POLICY_EDITING = "key_administrators_can_edit_policy"


def parse_policy_editing(given: Mapping[str, Any], administrators: Sequence[str]) -> bool:
    """False unless asked for; asking for it without administrators is a mistake worth naming."""
    value = validation.require_bool(POLICY_EDITING, given.get(POLICY_EDITING, False))
    if value and not administrators:
        raise validation.fail(
            POLICY_EDITING,
            value,
            "only applies with key_administrators (the principals who may then edit the key "
            "policy of the created key)",
        )
    return value
