"""secretkit's Pulumi components for AWS secrets and secure configuration."""

from components.errors import InvalidArgumentError
from components.function_settings import PasswordPolicyArgs, VpcConfigArgs
from components.rotating_secret import RotatingSecret
from components.rotating_secret_args import RotatingSecretArgs, RotationArgs
from components.secure_parameter import SecureParameter
from components.secure_parameter_args import SecureParameterArgs

__all__ = [
    "InvalidArgumentError",
    "PasswordPolicyArgs",
    "RotatingSecret",
    "RotatingSecretArgs",
    "RotationArgs",
    "SecureParameter",
    "SecureParameterArgs",
    "VpcConfigArgs",
]
