"""secretkit: Pulumi components for AWS secrets and secure configuration, and their tooling.

Import the components from here: ``from secretkit import RotatingSecret``. The public names load
on first use, so that the ``secretkit`` command and the pure modules do not import Pulumi.
The components live in ``secretkit.components`` (the repository's ``components/`` folder) and
the rotation handlers in ``rotation_handlers``, the package name they keep inside Lambda.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from secretkit.components import (
        CrossRegionReplicatedSecret,
        CrossRegionReplicatedSecretArgs,
        DeploymentStrategyArgs,
        DynamicParameter,
        DynamicParameterArgs,
        ExistingSecret,
        ExistingSecretArgs,
        InvalidArgumentError,
        PasswordPolicyArgs,
        ProxiedParameterPolicy,
        ProxiedParameterPolicyArgs,
        ReplicaRegionArgs,
        RotatingSecret,
        RotatingSecretArgs,
        RotationArgs,
        RotationFunction,
        RotationFunctionArgs,
        SecureParameter,
        SecureParameterArgs,
        VpcConfigArgs,
        parameter_reader_identity_policy,
        reader_identity_policy,
    )

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
    """A public component name, from secretkit.components, the first time it is used."""
    if name not in __all__:
        raise AttributeError(f"module 'secretkit' has no attribute {name!r}")
    value = getattr(importlib.import_module("secretkit.components"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
