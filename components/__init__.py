"""secretkit's Pulumi components for AWS secrets and secure configuration."""

from components.errors import InvalidArgumentError
from components.function_settings import PasswordPolicyArgs, VpcConfigArgs
from components.proxied_parameter_policy import ProxiedParameterPolicy
from components.proxied_parameter_policy_args import ProxiedParameterPolicyArgs
from components.replicated_secret import CrossRegionReplicatedSecret
from components.replicated_secret_args import CrossRegionReplicatedSecretArgs, ReplicaRegionArgs
from components.rotating_secret import RotatingSecret
from components.rotating_secret_args import RotatingSecretArgs, RotationArgs
from components.secure_parameter import SecureParameter
from components.secure_parameter_args import SecureParameterArgs
from components.shared_rotation_function import RotationFunction
from components.shared_rotation_function_args import RotationFunctionArgs

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
