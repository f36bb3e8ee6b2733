"""secretkit's Pulumi components for AWS secrets and secure configuration."""

from components.errors import InvalidArgumentError
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
]
