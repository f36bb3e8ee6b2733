"""RotatingSecret: a Secrets Manager secret with its KMS key, rotation function and schedule."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components import grants, validation
from components.aws_context import lookup_aws_context
from components.errors import InvalidArgumentError
from components.input_gate import InputGate
from components.kms_key import create_kms_key
from components.read_policies import secret_read_policy
from components.rotating_secret_args import (
    RotatingSecretArgs,
    RotatingSecretSettings,
    parse_rotating_secret_args,
)
from components.rotation_function import create_rotation_function
from components.secret_rotation import (
    rotation_warnings,
    secret_rotation_artifact,
    secret_rotation_spec,
)
from rotation_handlers.passwords import generate_password
from rotation_handlers.protocol import STRATEGY_TAG

TYPE_TOKEN = "secretkit:index:RotatingSecret"


class RotatingSecret(pulumi.ComponentResource):
    """A secret that rotates itself, with exact IAM and KMS grants for rotation and readers.

    Creates: the secret (KMS-encrypted), its initial version (write-only: the value never lands
    in Pulumi state), a CMK unless ``kms_key_arn`` is given, the rotation Lambda with its role,
    inline policy, log group and invoke permission, the rotation schedule, and one inline read
    policy per reader.
    """

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
        where = f"RotatingSecret '{name}'"
        try:
            settings = parse_rotating_secret_args(args)
            artifact = secret_rotation_artifact(settings)
        except InvalidArgumentError as error:
            raise error.located(where) from None

        super().__init__(TYPE_TOKEN, name, None, opts)
        self._settings = settings
        self._granted: set[str] = set()
        for warning in [*settings.warnings, *rotation_warnings(settings)]:
            pulumi.log.warn(warning, resource=self)

        gate = InputGate(where)
        if isinstance(settings.kms_key_arn, pulumi.Output):
            gate.check(settings.kms_key_arn, lambda arn: validation.kms_key_arn("kms_key_arn", arn))
        if isinstance(settings.secret_string, pulumi.Output):
            gate.check(
                settings.secret_string,
                lambda value: validation.secret_value_size("secret_string", value),
            )
        gated = pulumi.ResourceOptions(parent=self, depends_on=gate.depends_on())

        self.context = lookup_aws_context(self)
        self.kms_key: aws.kms.Key | None = None
        key_arn: pulumi.Input[str]
        if settings.kms_key_arn is None:
            self.kms_key = create_kms_key(
                f"{name}-key",
                description=f"Encrypts Secrets Manager secret {settings.secret_name} (secretkit)",
                context=self.context,
                administrators=settings.key_administrators,
                tags=settings.tags,
                opts=gated,
            )
            key_arn = self.kms_key.arn
        else:
            key_arn = settings.kms_key_arn

        self.secret = aws.secretsmanager.Secret(
            f"{name}-secret",
            name=settings.secret_name,
            description=settings.description,
            kms_key_id=key_arn,
            recovery_window_in_days=settings.recovery_window_in_days,
            # Lets `secretkit rotate` (and you) see which handler rotates this secret.
            tags={**settings.tags, STRATEGY_TAG: _strategy_tag(settings)},
            opts=gated,
        )
        self.initial_version = aws.secretsmanager.SecretVersion(
            f"{name}-initial",
            secret_id=self.secret.id,
            # Write-only: sent to AWS once per secret_string_version, never stored in state, and
            # never compared again, so Pulumi does not fight rotation over the value.
            secret_string_wo=pulumi.Output.secret(_initial_value(settings)),
            secret_string_wo_version=settings.secret_string_version,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.rotation_function = create_rotation_function(
            name,
            spec=secret_rotation_spec(settings, artifact, self.secret.arn, key_arn, self.context),
            settings=settings.function,
            tags=settings.tags,
            parent=self,
            gate=gate.depends_on(),
        )
        rotation = settings.rotation
        function = self.rotation_function
        self.rotation = aws.secretsmanager.SecretRotation(
            f"{name}-rotation",
            secret_id=self.secret.id,
            rotation_lambda_arn=function.function.arn,
            rotation_rules=aws.secretsmanager.SecretRotationRotationRulesArgs(
                schedule_expression=rotation.schedule_expression,
                automatically_after_days=rotation.automatically_after_days,
                duration=rotation.duration,
            ),
            rotate_immediately=rotation.rotate_immediately,
            # Rotation starts at once: the value, the function's rights and the permission for
            # Secrets Manager to invoke it must all exist first.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self.initial_version, function.role_policy, function.permission],
            ),
        )
        self._key_arn = key_arn
        for reader in settings.readers:
            self.grant_read(reader)

        self.secret_arn = self.secret.arn
        self.secret_name = self.secret.name
        self.kms_key_arn = pulumi.Output.from_input(key_arn)
        self.rotation_function_arn = function.function.arn
        self.rotation_role_arn = function.role.arn
        self.rotation_role_name = function.role.name
        self.rotation_artifact_size = pulumi.Output.from_input(artifact.zipped_size())
        self.register_outputs(
            {
                "rotation_artifact_size": self.rotation_artifact_size,
                "secret_arn": self.secret_arn,
                "secret_name": self.secret_name,
                "kms_key_arn": self.kms_key_arn,
                "rotation_function_arn": self.rotation_function_arn,
                "rotation_role_arn": self.rotation_role_arn,
                "rotation_role_name": self.rotation_role_name,
            }
        )

    def grant_read(self, role: grants.RoleRef) -> aws.iam.RolePolicy:
        """Let ``role`` (name, ARN or aws.iam.Role) read this secret and nothing else.

        GetSecretValue and DescribeSecret on this secret; kms:Decrypt on its key only through
        Secrets Manager in this region and only for this secret's encryption context.
        """
        where = f"RotatingSecret '{self.pulumi_resource_name}'"
        try:
            role = grants.check_role("role", role)
        except InvalidArgumentError as error:
            raise error.located(where) from None
        label = grants.role_label(role)
        if label in self._granted:
            raise InvalidArgumentError(
                "role", label, "already has read access to this secret", where
            )
        self._granted.add(label)
        return grants.attach_policy(
            f"{self.pulumi_resource_name}-read-{label}",
            role,
            secret_read_policy(self.secret.arn, self._key_arn, self.context.region),
            parent=self,
        )


def _strategy_tag(settings: RotatingSecretSettings) -> str:
    rotation = settings.rotation
    if rotation.handler_module is not None:
        return f"custom:{rotation.handler_module}"
    return rotation.strategy


def _initial_value(settings: RotatingSecretSettings) -> pulumi.Input[str]:
    """The first value: the given secret_string, or the template with a generated password.

    A generated password differs on every run, which is harmless: the value is write-only and
    only sent when secret_string_version changes.
    """
    if settings.secret_string is not None:
        return settings.secret_string
    password = generate_password(
        settings.function.password_length, settings.function.exclude_characters
    )
    document = {**(settings.secret_template or {}), "password": password}
    if settings.rotation.master_secret_arn is not None:
        document.setdefault("masterarn", settings.rotation.master_secret_arn)
    return json.dumps(document)
