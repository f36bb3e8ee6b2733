"""secretkit's Pulumi components for AWS secrets and secure configuration.

The public names load on first use: importing one of the package's pure modules (the strategy
registry, the validation) or the `secretkit` command does not import Pulumi and every component.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from secretkit.components.handlers_package import handlers_directory

# Refuse a rotation_handlers that shadows secretkit's before any module imports from it.
handlers_directory()

if TYPE_CHECKING:
    from secretkit.components.appconfig.dynamic_parameter import DynamicParameter
    from secretkit.components.appconfig.dynamic_parameter_args import (
        DeploymentStrategyArgs,
        DynamicParameterArgs,
    )
    from secretkit.components.errors import InvalidArgumentError
    from secretkit.components.iam.cross_account import reader_identity_policy
    from secretkit.components.iam.shared_parameter import parameter_reader_identity_policy
    from secretkit.components.parameters.proxied_parameter_policy import ProxiedParameterPolicy
    from secretkit.components.parameters.proxied_parameter_policy_args import (
        ProxiedParameterPolicyArgs,
    )
    from secretkit.components.parameters.secure_parameter import SecureParameter
    from secretkit.components.parameters.secure_parameter_args import SecureParameterArgs
    from secretkit.components.rotation.function_settings import PasswordPolicyArgs, VpcConfigArgs
    from secretkit.components.rotation.rotation_function import RotationFunction
    from secretkit.components.rotation.rotation_function_args import RotationFunctionArgs
    from secretkit.components.secrets.existing_secret import ExistingSecret
    from secretkit.components.secrets.existing_secret_args import ExistingSecretArgs
    from secretkit.components.secrets.replicated_secret import CrossRegionReplicatedSecret
    from secretkit.components.secrets.replicated_secret_args import (
        CrossRegionReplicatedSecretArgs,
        ReplicaRegionArgs,
    )
    from secretkit.components.secrets.rotating_secret import RotatingSecret
    from secretkit.components.secrets.rotating_secret_args import RotatingSecretArgs, RotationArgs

#: Public name -> the module that defines it.
_EXPORTS = {
    "CrossRegionReplicatedSecret": "secretkit.components.secrets.replicated_secret",
    "CrossRegionReplicatedSecretArgs": "secretkit.components.secrets.replicated_secret_args",
    "DeploymentStrategyArgs": "secretkit.components.appconfig.dynamic_parameter_args",
    "DynamicParameter": "secretkit.components.appconfig.dynamic_parameter",
    "DynamicParameterArgs": "secretkit.components.appconfig.dynamic_parameter_args",
    "ExistingSecret": "secretkit.components.secrets.existing_secret",
    "ExistingSecretArgs": "secretkit.components.secrets.existing_secret_args",
    "InvalidArgumentError": "secretkit.components.errors",
    "PasswordPolicyArgs": "secretkit.components.rotation.function_settings",
    "ProxiedParameterPolicy": "secretkit.components.parameters.proxied_parameter_policy",
    "ProxiedParameterPolicyArgs": "secretkit.components.parameters.proxied_parameter_policy_args",
    "ReplicaRegionArgs": "secretkit.components.secrets.replicated_secret_args",
    "RotatingSecret": "secretkit.components.secrets.rotating_secret",
    "RotatingSecretArgs": "secretkit.components.secrets.rotating_secret_args",
    "RotationArgs": "secretkit.components.secrets.rotating_secret_args",
    "RotationFunction": "secretkit.components.rotation.rotation_function",
    "RotationFunctionArgs": "secretkit.components.rotation.rotation_function_args",
    "SecureParameter": "secretkit.components.parameters.secure_parameter",
    "SecureParameterArgs": "secretkit.components.parameters.secure_parameter_args",
    "VpcConfigArgs": "secretkit.components.rotation.function_settings",
    "reader_identity_policy": "secretkit.components.iam.cross_account",
    "parameter_reader_identity_policy": "secretkit.components.iam.shared_parameter",
}

__all__ = [
    "CrossRegionReplicatedSecret",
    "CrossRegionReplicatedSecretArgs",
    "DeploymentStrategyArgs",
    "DynamicParameter",
    "DynamicParameterArgs",
    "ExistingSecret",
    "ExistingSecretArgs",
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
        raise AttributeError(f"module 'secretkit.components' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
