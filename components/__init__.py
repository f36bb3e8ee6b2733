"""secretkit's Pulumi components for AWS secrets and secure configuration.

The public names load on first use: importing one of the package's pure modules (the strategy
registry, the validation) or the `secretkit` command does not import Pulumi and every component.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from components.errors import InvalidArgumentError
    from components.iam.cross_account import reader_identity_policy
    from components.iam.shared_parameter import parameter_reader_identity_policy
    from components.parameters.proxied_parameter_policy import ProxiedParameterPolicy
    from components.parameters.proxied_parameter_policy_args import ProxiedParameterPolicyArgs
    from components.parameters.secure_parameter import SecureParameter
    from components.parameters.secure_parameter_args import SecureParameterArgs
    from components.rotation.function_settings import PasswordPolicyArgs, VpcConfigArgs
    from components.rotation.rotation_function import RotationFunction
    from components.rotation.rotation_function_args import RotationFunctionArgs
    from components.secrets.replicated_secret import CrossRegionReplicatedSecret
    from components.secrets.replicated_secret_args import (
        CrossRegionReplicatedSecretArgs,
        ReplicaRegionArgs,
    )
    from components.secrets.rotating_secret import RotatingSecret
    from components.secrets.rotating_secret_args import RotatingSecretArgs, RotationArgs

#: Public name -> the module that defines it.
_EXPORTS = {
    "CrossRegionReplicatedSecret": "components.secrets.replicated_secret",
    "CrossRegionReplicatedSecretArgs": "components.secrets.replicated_secret_args",
    "InvalidArgumentError": "components.errors",
    "PasswordPolicyArgs": "components.rotation.function_settings",
    "ProxiedParameterPolicy": "components.parameters.proxied_parameter_policy",
    "ProxiedParameterPolicyArgs": "components.parameters.proxied_parameter_policy_args",
    "ReplicaRegionArgs": "components.secrets.replicated_secret_args",
    "RotatingSecret": "components.secrets.rotating_secret",
    "RotatingSecretArgs": "components.secrets.rotating_secret_args",
    "RotationArgs": "components.secrets.rotating_secret_args",
    "RotationFunction": "components.rotation.rotation_function",
    "RotationFunctionArgs": "components.rotation.rotation_function_args",
    "SecureParameter": "components.parameters.secure_parameter",
    "SecureParameterArgs": "components.parameters.secure_parameter_args",
    "VpcConfigArgs": "components.rotation.function_settings",
    "reader_identity_policy": "components.iam.cross_account",
    "parameter_reader_identity_policy": "components.iam.shared_parameter",
}

__all__ = [
    "CrossRegionReplicatedSecret",
    "CrossRegionReplicatedSecretArgs",
    "InvalidArgumentError",
    "PasswordPolicyArgs",
    "ProxiedParameterPolicy",
    "ProxiedParameterPolicyArgs",
    "ReplicaRegionArgs",
    "RotatingSecret",
    "RotatingSecretArgs",
    "RotationArgs",
    "RotationFunction",
    "RotationFunctionArgs",
    "SecureParameter",
    "SecureParameterArgs",
    "VpcConfigArgs",
    "parameter_reader_identity_policy",
    "reader_identity_policy",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is used."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'components' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
