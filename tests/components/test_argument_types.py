"""The argument TypedDicts that share fields through SecretArgs and FunctionArgs keep exactly the
keys, types and Required-ness they had when each wrote its fields out."""

from collections.abc import Mapping, Sequence
from typing import Any, Required

import pulumi
import pytest

from secretkit.components import (
    CrossRegionReplicatedSecretArgs,
    PasswordPolicyArgs,
    RotatingSecretArgs,
    RotationArgs,
    RotationFunctionArgs,
    VpcConfigArgs,
)
from secretkit.components.rotation.alarm_args import AlarmArgs
from secretkit.components.rotation.function_settings import FUNCTION_ARGUMENTS, FunctionArgs

#: pulumi.Input[str] as an annotation evaluates to (mypy types the alias, not its value).
INPUT_STR: Any = pulumi.Input[str]  # type: ignore[misc]

FUNCTION_FIELDS: dict[str, Any] = {
    "lambda_runtime": str,
    "architecture": str,
    "timeout": int,
    "memory_size": int,
    "vpc_config": VpcConfigArgs,
    "permissions_boundary_arn": str,
    "password_policy": PasswordPolicyArgs,
    "log_retention_days": int,
}
KEY_ADMINISTRATION_FIELDS: dict[str, Any] = {
    # Items may be Outputs (an autonamed role's ARN): Input<string>[] in the package schema.
    "key_administrators": Sequence[INPUT_STR],
    "key_administrators_can_edit_policy": bool,
}
SECRET_FIELDS: dict[str, Any] = {
    "secret_name": Required[str],
    "description": str,
    "kms_key_arn": INPUT_STR,
    # Issue 16: the other key of a key change in progress (ARNs as strings only).
    "transition_kms_key_arns": Sequence[str],
    **KEY_ADMINISTRATION_FIELDS,
    "secret_string": INPUT_STR,
    "secret_template": Mapping[str, Any],
    "secret_string_version": int,
    "readers": Sequence[INPUT_STR],
    # Issue 14: the secret's resource policy, and a given key's policy for foreign readers.
    "reader_organization_id": str,
    "reader_organization_paths": Sequence[str],
    "resource_policy_statements": Sequence[Mapping[str, Any]],
    "key_policy_allows_foreign_readers": bool,
    "recovery_window_in_days": int,
    **FUNCTION_FIELDS,
    "tags": Mapping[str, str],
}

EXPECTED: list[tuple[type, dict[str, Any], set[str]]] = [
    (
        RotatingSecretArgs,
        {**SECRET_FIELDS, "rotation": Required[RotationArgs], "alarms": AlarmArgs},
        {"secret_name", "rotation"},
    ),
    (
        CrossRegionReplicatedSecretArgs,
        {
            **SECRET_FIELDS,
            "replica_regions": Required[Sequence[Any]],
            "rotation": RotationArgs,
            "force_overwrite_replica_secret": bool,
            "multi_region_key": bool,
        },
        {"secret_name", "replica_regions"},
    ),
    (
        RotationFunctionArgs,
        {
            "strategy": Required[str],
            "secret_names": Sequence[str],
            "kms_key_arn": INPUT_STR,
            **KEY_ADMINISTRATION_FIELDS,
            "master_secret_arn": str,
            "master_secret_kms_key_arn": str,
            "ca_bundle_path": str,
            "tls": str,
            "handler_module": str,
            "environment": Mapping[str, INPUT_STR],
            **FUNCTION_FIELDS,
            "tags": Mapping[str, str],
            "alarms": AlarmArgs,
        },
        {"strategy"},
    ),
]


@pytest.mark.parametrize(("args", "fields", "required"), EXPECTED)
def test_keys_types_and_required_keys(
    args: Any, fields: dict[str, Any], required: set[str]
) -> None:
    assert args.__annotations__ == fields
    assert args.__required_keys__ == required
    assert args.__optional_keys__ == set(fields) - required


@pytest.mark.parametrize(("args", "fields", "required"), EXPECTED[:2])
def test_the_package_schema_keeps_the_order_of_the_secret_arguments(
    args: Any, fields: dict[str, Any], required: set[str]
) -> None:
    """Inherited fields come first in a TypedDict: SecretArgs' bases keep the order the
    arguments had, which is the order of the package schema's inputs."""
    assert list(args.__annotations__) == list(fields)


def test_function_arguments_name_the_function_fields() -> None:
    assert set(FUNCTION_ARGUMENTS) == set(FunctionArgs.__annotations__) == set(FUNCTION_FIELDS)
