"""The key arguments every component with a key takes, parsed one way: kms_key_arn,
key_administrators, and whether those administrators may also edit the created key's policy."""

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from secretkit.components import validation

#: The argument's name on every component that takes key_administrators.
POLICY_EDITING = "key_administrators_can_edit_policy"


def given_key_arn(given: Mapping[str, Any]) -> pulumi.Input[str] | None:
    """kms_key_arn, checked now when it is known (an Output is checked once it resolves)."""
    kms_key_arn: pulumi.Input[str] | None = given.get("kms_key_arn")
    if kms_key_arn is not None and not isinstance(kms_key_arn, pulumi.Output):
        validation.kms_key_arn("kms_key_arn", kms_key_arn)
    return kms_key_arn


def key_administrators(given: Mapping[str, Any]) -> list[str]:
    """key_administrators: role or user ARNs in the deploying account."""
    return validation.principal_arns("key_administrators", given.get("key_administrators", []))


def given_or_created_key(
    given: Mapping[str, Any], creator: str
) -> tuple[pulumi.Input[str] | None, list[str]]:
    """(kms_key_arn, key_administrators) of a component that uses the given key or creates one
    (``creator``: who creates it, as the message names it); administrators apply to a created
    key only."""
    kms_key_arn = given_key_arn(given)
    administrators = key_administrators(given)
    if administrators and kms_key_arn is not None:
        raise validation.fail(
            "key_administrators",
            administrators,
            f"only applies to the key the {creator} creates; kms_key_arn names an existing key",
        )
    return kms_key_arn, administrators


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
