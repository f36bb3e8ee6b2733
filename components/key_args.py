"""The key arguments every component with a key takes, parsed one way: kms_key_arn,
key_administrators, whether those administrators may also edit the created key's policy, and
the other keys granted while a secret changes key (transition_kms_key_arns)."""

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import pulumi

from secretkit.components import limits, validation
from secretkit.components.iam.key_policy import key_policy

#: The argument's name on every component that takes key_administrators.
POLICY_EDITING = "key_administrators_can_edit_policy"
#: The argument naming the other key of a key change in progress (docs/key-replacement.md).
TRANSITION_KEYS = "transition_kms_key_arns"


def given_key_arn(given: Mapping[str, Any]) -> pulumi.Input[str] | None:
    """kms_key_arn, checked now when it is known (an Output is checked once it resolves)."""
    kms_key_arn: pulumi.Input[str] | None = given.get("kms_key_arn")
    if kms_key_arn is not None and not isinstance(kms_key_arn, pulumi.Output):
        validation.kms_key_arn("kms_key_arn", kms_key_arn)
    return kms_key_arn


def key_administrators(given: Mapping[str, Any]) -> list[pulumi.Input[str]]:
    """key_administrators: role or user ARNs in the deploying account. An item given as an
    Output (another resource's ARN) is checked once it resolves: the Output returned in its
    place fails, and with it the key whose policy names it."""
    value = given.get("key_administrators", [])
    if not isinstance(value, list | tuple) or not any(
        isinstance(item, pulumi.Output) for item in value
    ):
        return list(validation.principal_arns("key_administrators", value))
    administrators: list[pulumi.Input[str]] = []
    for index, item in enumerate(value):
        argument = f"key_administrators[{index}]"
        if isinstance(item, pulumi.Output):
            administrators.append(item.apply(partial(validation.principal_arn, argument)))
        else:
            administrators.append(validation.principal_arn(argument, item))
    known = [item for item in administrators if isinstance(item, str)]
    validation.require_string_list("key_administrators", known)  # each known ARN once
    return administrators


def given_or_created_key(
    given: Mapping[str, Any], creator: str
) -> tuple[pulumi.Input[str] | None, list[pulumi.Input[str]]]:
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


def parse_policy_editing(
    given: Mapping[str, Any], administrators: Sequence[pulumi.Input[str]]
) -> bool:
    """False unless asked for; asking for it without administrators is a mistake worth naming."""
    value = validation.require_bool(POLICY_EDITING, given.get(POLICY_EDITING, False))
    if value and not administrators:
        raise validation.fail(
            POLICY_EDITING,
            value,
            "only applies with key_administrators (the principals who may then edit the key "
            "policy of the created key)",
        )
    check_key_policy_size([a for a in administrators if isinstance(a, str)], value)
    return value


def check_key_policy_size(administrators: Sequence[str], can_edit_policy: bool) -> None:
    """Refuse key_administrators that make the created key's policy larger than KMS's 32 KB,
    measured on the document as serialized (json.dumps, as pulumi.Output.json_dumps does) in
    the longest partition; administrators given as Outputs and statements for readers in other
    accounts come on top and are measured when the key's policy is known
    (kms_key.key_policy_json)."""
    if not administrators:
        return
    document = key_policy(
        "aws-us-gov", "123456789012", administrators, administrators_can_edit_policy=can_edit_policy
    )
    limits.check(
        "key_administrators",
        f"<{len(administrators)} ARNs>",
        limits.KMS_KEY_POLICY,
        document,
        "the created key's policy",
    )


def transition_key_arns(
    given: Mapping[str, Any], current: pulumi.Input[str] | None
) -> tuple[str, ...]:
    """transition_kms_key_arns: while a secret changes key, the other key of the change, granted
    wherever the key in use is (first the new key, before kms_key_arn names it; then the old one,
    until ``secretkit key-usage`` reports it unused). Strings only (both keys exist already:
    copy the ARNs from the stack's outputs), each a key ARN once, never ``current`` (the key in
    use, when known)."""
    value = given.get(TRANSITION_KEYS, [])
    if isinstance(value, list | tuple) and any(isinstance(v, pulumi.Output) for v in value):
        raise validation.fail(
            TRANSITION_KEYS,
            "<an Output>",
            "must list key ARNs as strings: both keys of a change exist already (copy their "
            "ARNs from `pulumi stack output`)",
        )
    arns = validation.require_string_list(TRANSITION_KEYS, value)
    for index, arn in enumerate(arns):
        validation.kms_key_arn(f"{TRANSITION_KEYS}[{index}]", arn)
        if isinstance(current, str) and arn == current:
            raise validation.fail(
                f"{TRANSITION_KEYS}[{index}]",
                arn,
                "is the key in use (kms_key_arn): list only the other key of the change",
            )
    return tuple(arns)
