"""What every Secrets Manager component shares: key, secret, initial value, rotation, readers."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import physical_names, validation
from components.aws_context import AwsContext, lookup_aws_context
from components.iam import grants
from components.iam.reader import secret_read_policy
from components.iam.replicas import SecretLocation
from components.input_gate import InputGate
from components.kms_key import checked_key_arn, create_kms_key
from components.rotation.artifact import HandlerArtifact
from components.rotation.function_settings import refuse_secret_values
from components.rotation.lambda_function import FunctionResources, create_rotation_function
from components.rotation.rotation_function import RotationFunction
from components.rotation.secret_function import rotation_warnings, secret_rotation_spec
from components.secrets.rotating_secret_args import (
    RotatingSecretSettings,
    RotationSettings,
    check_region,
    depends_on_region,
)
from components.strategies import CUSTOM_TAG_PREFIX
from rotation_handlers.password_generator import generate_password
from rotation_handlers.protocol import STRATEGY_TAG


@dataclass(frozen=True)
class ReplicaPlan:
    """How the secret is replicated: which regions, with which keys (Outputs allowed)."""

    regions: Sequence[str]
    key_arns: dict[str, pulumi.Input[str]]
    force_overwrite: bool


class SecretComponent(pulumi.ComponentResource):
    """Base of RotatingSecret and CrossRegionReplicatedSecret (not used on its own)."""

    component_label = "SecretComponent"

    secret_arn: pulumi.Output[str]
    secret_name: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]

    def _start(self, name: str, settings: RotatingSecretSettings, region: str | None) -> InputGate:
        """State every method needs, the warnings, and the gate for deferred checks.

        ``region``: the secret's region if it was known while parsing (what depends on it was
        checked then); else those checks wait for the provider's region.
        """
        where = f"{self.component_label} '{name}'"
        self._settings = settings
        self._replicas: list[SecretLocation] = []
        for warning in [*settings.warnings, *rotation_warnings(settings)]:
            pulumi.log.warn(warning, resource=self)
        gate = InputGate(where)
        self.context: AwsContext = lookup_aws_context(self)
        self._grants = grants.Grants(
            self, where, "secret", account=self.context.account_id, readers=settings.readers
        )
        if isinstance(settings.kms_key_arn, pulumi.Output):
            checked_key_arn(gate, settings.kms_key_arn, self.context.region, "the secret")
        if region is None and depends_on_region(settings):
            gate.check(self.context.region, lambda known: check_region(settings, known))
        if isinstance(settings.secret_string, pulumi.Output):
            gate.check(
                settings.secret_string,
                lambda value: validation.secret_value("secret_string", value),
            )
        grants.check_accounts_later(gate, "readers", settings.readers, self.context.account_id)
        rotation = settings.rotation
        if rotation is not None and rotation.shared is None:
            refuse_secret_values(gate, "rotation.environment", settings.function.environment)
        return gate

    def _primary_key(
        self, name: str, settings: RotatingSecretSettings, gate: InputGate, multi_region: bool
    ) -> pulumi.Input[str]:
        """The given key, or a created CMK (multi-Region when replicas will share it)."""
        self.kms_key: aws.kms.Key | None = None
        self._key_arn: pulumi.Input[str]
        shared = shared_function(settings)
        if shared is not None:
            # A member of a shared RotationFunction uses the key the function may use.
            self._key_arn = shared.kms_key_arn
            return self._key_arn
        if settings.kms_key_arn is not None:
            self._key_arn = settings.kms_key_arn
            return self._key_arn
        self.kms_key = create_kms_key(
            f"{name}-key",
            description=f"Encrypts Secrets Manager secret {settings.secret_name} (secretkit)",
            context=self.context,
            administrators=settings.key_administrators,
            administrators_can_edit_policy=settings.key_administrators_can_edit_policy,
            tags=settings.tags,
            multi_region=multi_region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=gate.depends_on()),
        )
        self._key_arn = self.kms_key.arn
        return self._key_arn

    def _secret(
        self,
        name: str,
        settings: RotatingSecretSettings,
        gate: InputGate,
        replicas: ReplicaPlan | None = None,
    ) -> aws.secretsmanager.Secret:
        """The secret (with its replicas) and its write-only initial version."""
        tags = dict(settings.tags)
        if settings.rotation is not None:
            # Lets `secretkit rotate` (and you) see which handler rotates this secret.
            tags[STRATEGY_TAG] = strategy_tag(settings)
        shared = shared_function(settings)
        self.secret = aws.secretsmanager.Secret(
            f"{name}-secret",
            name=settings.secret_name,
            description=settings.description,
            kms_key_id=self._key_arn,
            recovery_window_in_days=settings.recovery_window_in_days,
            replicas=[
                aws.secretsmanager.SecretReplicaArgs(
                    region=region, kms_key_id=replicas.key_arns[region]
                )
                for region in replicas.regions
            ]
            if replicas
            else None,
            force_overwrite_replica_secret=replicas.force_overwrite if replicas else None,
            tags=tags or None,
            # A member of a shared RotationFunction lets the function's role rotate it; the
            # role's own policy names no secret.
            policy=shared.member_policy(settings.secret_name) if shared is not None else None,
            opts=pulumi.ResourceOptions(parent=self, depends_on=gate.depends_on()),
        )
        if replicas:
            self._replicas = [
                SecretLocation(
                    region, replica_arn(self.secret.arn, region), replicas.key_arns[region]
                )
                for region in replicas.regions
            ]
        self.initial_version = aws.secretsmanager.SecretVersion(
            f"{name}-initial",
            secret_id=self.secret.id,
            # Write-only: sent to AWS once per secret_string_version, never stored in state, and
            # never compared again, so Pulumi does not fight rotation over the value.
            secret_string_wo=pulumi.Output.secret(initial_value(settings)),
            secret_string_wo_version=settings.secret_string_version,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return self.secret

    def _rotation(
        self,
        name: str,
        settings: RotatingSecretSettings,
        artifact: HandlerArtifact | None,
        gate: InputGate,
    ) -> FunctionResources:
        """The rotation function (or the shared one) and the schedule that invokes it."""
        rotation = settings.rotation
        assert rotation is not None
        shared = shared_function(settings)
        if shared is not None:
            self._schedule(name, rotation, shared.resources, shared.grants())
            return shared.resources
        assert artifact is not None
        function = create_rotation_function(
            name,
            spec=secret_rotation_spec(
                settings,
                artifact,
                self.secret.arn,
                self._key_arn,
                self.context,
                replicas=self._replicas,
            ),
            settings=settings.function,
            tags=settings.tags,
            parent=self,
            gate=gate.depends_on(),
        )
        self._schedule(name, rotation, function, [function.role_policy, function.permission])
        return function

    def _schedule(
        self,
        name: str,
        rotation: RotationSettings,
        function: FunctionResources,
        grants: list[pulumi.Resource],
    ) -> None:
        """Rotation of this secret by ``function``, once the function's ``grants`` exist."""
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
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.initial_version, *grants]),
        )

    def grant_read(self, role: grants.RoleRef) -> aws.iam.RolePolicy:
        """Let ``role`` (name, ARN or aws.iam.Role) read this secret and nothing else.

        GetSecretValue and DescribeSecret on the secret (and its replicas); kms:Decrypt on the
        key of each region, only through Secrets Manager in that region and only for that
        region's copy of the secret (its encryption context).

        The role must be in the deploying account: a role ARN, or an aws.iam.Role whose ARN
        names another account, is refused (cross-account readers are not supported yet).
        """
        return self._grants.grant(
            role,
            lambda: secret_read_policy(
                self.secret.arn, self._key_arn, self.context.region, self._replicas
            ),
        )


def check_names(name: str, settings: RotatingSecretSettings) -> None:
    """The AWS names derived from the component's name: its rotation function's (unless it
    joins a shared one) and its readers' inline policies."""
    own_function = settings.rotation is not None and settings.rotation.shared is None
    physical_names.check(name, physical_names.ROTATION_FUNCTION if own_function else ())
    grants.check_grant_names(name, settings.readers, "readers")


def shared_function(settings: RotatingSecretSettings) -> RotationFunction | None:
    """The shared RotationFunction the secret joins, if any."""
    if settings.rotation is None or settings.rotation.function is None:
        return None
    function: RotationFunction = settings.rotation.function
    return function


def replica_arn(primary_arn: pulumi.Output[str], region: str) -> pulumi.Output[str]:
    """The replica's ARN in ``region``, from the primary's."""
    return primary_arn.apply(lambda arn: in_region(arn, region))


def in_region(arn: str, region: str) -> str:
    """A replica's ARN: the primary's with the region replaced (same name and suffix)."""
    parts = arn.split(":")
    parts[3] = region
    return ":".join(parts)


def strategy_tag(settings: RotatingSecretSettings) -> str:
    """The secretkit:strategy tag value: the strategy, or custom:<module>."""
    rotation = settings.rotation
    assert rotation is not None
    if rotation.handler_module is not None:
        return f"{CUSTOM_TAG_PREFIX}{rotation.handler_module}"
    return rotation.strategy


def initial_value(settings: RotatingSecretSettings) -> pulumi.Input[str]:
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
    if settings.rotation is not None and settings.rotation.master_secret_arn is not None:
        document.setdefault("masterarn", settings.rotation.master_secret_arn)
    return json.dumps(document)
