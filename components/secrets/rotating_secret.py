"""RotatingSecret: a Secrets Manager secret with its KMS key, rotation function and schedule."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
import pulumi

from components.aws_context import known_region
from components.errors import InvalidArgumentError
from components.rotation.secret_function import secret_rotation_artifact
from components.secrets.rotating_secret_args import RotatingSecretArgs, parse_rotating_secret_args
from components.secrets.secret_component import SecretComponent, check_names

TYPE_TOKEN = "secretkit:index:RotatingSecret"


class RotatingSecret(SecretComponent):
    """A secret that rotates itself, with exact IAM and KMS grants for rotation and readers.

    Creates: the secret (KMS-encrypted), its initial version (write-only: the value never lands
    in Pulumi state), a CMK unless ``kms_key_arn`` is given, the rotation Lambda with its role,
    inline policy, log group and invoke permission, the rotation schedule, and one inline read
    policy per reader.
    """

    component_label = "RotatingSecret"

    secret_arn: pulumi.Output[str]
    """ARN of the secret."""
    secret_name: pulumi.Output[str]
    """Name of the secret."""
    kms_key_arn: pulumi.Output[str]
    """ARN of the key encrypting the secret (created or given)."""
    rotation_function_arn: pulumi.Output[str]
    """ARN of the rotation Lambda."""
    rotation_role_arn: pulumi.Output[str]
    """ARN of the rotation Lambda's execution role."""
    rotation_role_name: pulumi.Output[str]
    """Name of that role, so you can attach what your own rotation code needs."""
    rotation_artifact_size: pulumi.Output[int]
    """Bytes of the rotation function's zipped code (drivers included)."""

    def __init__(
        self,
        name: str,
        args: RotatingSecretArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        try:
            region = known_region(opts)
            settings = parse_rotating_secret_args(args, region=region)
            check_names(name, settings)
            shared = settings.rotation.function if settings.rotation else None
            artifact = None if shared is not None else secret_rotation_artifact(settings)
        except InvalidArgumentError as error:
            raise error.located(f"RotatingSecret '{name}'") from None
        super().__init__(TYPE_TOKEN, name, None, opts)

        gate = self._start(name, settings, region)
        key_arn = self._primary_key(name, settings, gate, multi_region=False)
        self._secret(name, settings, gate)
        self.rotation_function = function = self._rotation(name, settings, artifact, gate)
        for reader in settings.readers:
            self.grant_read(reader)

        self.secret_arn = self.secret.arn
        self.secret_name = self.secret.name
        self.kms_key_arn = pulumi.Output.from_input(key_arn)
        self.rotation_function_arn = function.function.arn
        self.rotation_role_arn = function.role.arn
        self.rotation_role_name = function.role.name
        self.rotation_artifact_size = (
            shared.artifact_size
            if shared is not None
            else pulumi.Output.from_input(artifact.zipped_size() if artifact else 0)
        )
        self.register_outputs(
            {
                "secret_arn": self.secret_arn,
                "secret_name": self.secret_name,
                "kms_key_arn": self.kms_key_arn,
                "rotation_function_arn": self.rotation_function_arn,
                "rotation_role_arn": self.rotation_role_arn,
                "rotation_role_name": self.rotation_role_name,
                "rotation_artifact_size": self.rotation_artifact_size,
            }
        )
