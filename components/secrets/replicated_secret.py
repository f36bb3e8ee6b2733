"""CrossRegionReplicatedSecret: a secret with read-only replicas and a key in every region."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws

from components.aws_context import known_region
from components.errors import InvalidArgumentError
from components.iam.key_policy import key_policy
from components.input_gate import InputGate
from components.kms_key import KEY_DELETION_WINDOW_DAYS, create_kms_key
from components.rotation.artifact import HandlerArtifact
from components.rotation.secret_function import secret_rotation_artifact
from components.secrets.replicated_secret_args import (
    CrossRegionReplicatedSecretArgs,
    ReplicatedSecretSettings,
    check_replica_key,
    check_replica_region,
    parse_replicated_secret_args,
)
from components.secrets.secret_component import ReplicaPlan, SecretComponent, check_names

TYPE_TOKEN = "secretkit:index:CrossRegionReplicatedSecret"


class CrossRegionReplicatedSecret(SecretComponent):
    """A Secrets Manager secret replicated read-only to other regions, each copy encrypted with
    a key in its own region, and reader grants that work in every region.

    Replica keys are created with pulumi-aws v7's per-resource ``region`` argument rather than
    one provider per region: the component keeps using the one provider you configured (its
    credentials, assumed role and default tags) for every region, and adding a region adds
    resources without re-parenting any.
    """

    component_label = "CrossRegionReplicatedSecret"

    secret_arn: pulumi.Output[str]
    """ARN of the primary secret."""
    secret_name: pulumi.Output[str]
    """Name of the secret (the same in every region)."""
    kms_key_arn: pulumi.Output[str]
    """ARN of the primary's key."""
    replica_secret_arns: pulumi.Output[dict[str, str]]
    """Region -> ARN of the replica there."""
    replica_kms_key_arns: pulumi.Output[dict[str, str]]
    """Region -> ARN of the key encrypting the replica there."""
    rotation_function_arn: pulumi.Output[str | None]
    """ARN of the rotation Lambda, when rotation is configured."""
    rotation_role_name: pulumi.Output[str | None]
    """Its execution role, when rotation is configured."""

    def __init__(
        self,
        name: str,
        args: CrossRegionReplicatedSecretArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        where = f"CrossRegionReplicatedSecret '{name}'"
        try:
            region = known_region(opts)
            plan = parse_replicated_secret_args(args, primary_region=region)
            settings = plan.secret
            check_names(name, settings)
            artifact: HandlerArtifact | None = None
            if settings.rotation is not None:
                artifact = secret_rotation_artifact(settings)
        except InvalidArgumentError as error:
            raise error.located(where) from None
        super().__init__(TYPE_TOKEN, name, None, opts)

        gate = self._start(name, settings, region)
        # The provider's region may only be known now: a replica there would collide.
        gate.check(self.context.region, lambda primary: _check_regions(plan.regions, primary))
        for index, region in enumerate(plan.regions):
            key = plan.given_keys.get(region)
            if isinstance(key, pulumi.Output):
                gate.check(key, _replica_key_check(f"replica_regions[{index}].kms_key_arn", region))
        key_arn = self._primary_key(name, settings, gate, multi_region=plan.multi_region_key)
        replica_keys = self._replica_keys(name, plan, key_arn, gate)
        self._secret(
            name,
            settings,
            gate,
            ReplicaPlan(plan.regions, replica_keys, plan.force_overwrite),
        )
        self.rotation_function = None
        if artifact is not None:
            self.rotation_function = self._rotation(name, settings, artifact, gate)
        for reader in settings.readers:
            self.grant_read(reader)

        self.secret_arn = self.secret.arn
        self.secret_name = self.secret.name
        self.kms_key_arn = pulumi.Output.from_input(key_arn)
        self.replica_secret_arns = pulumi.Output.all(
            *(pulumi.Output.from_input(r.secret_arn) for r in self._replicas)
        ).apply(lambda arns: dict(zip(plan.regions, arns, strict=True)))
        self.replica_kms_key_arns = pulumi.Output.all(
            *(pulumi.Output.from_input(replica_keys[r]) for r in plan.regions)
        ).apply(lambda arns: dict(zip(plan.regions, arns, strict=True)))
        function = self.rotation_function
        none: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        self.rotation_function_arn = function.function.arn if function else none
        self.rotation_role_name = function.role.name if function else none
        self.register_outputs(
            {
                "secret_arn": self.secret_arn,
                "secret_name": self.secret_name,
                "kms_key_arn": self.kms_key_arn,
                "replica_secret_arns": self.replica_secret_arns,
                "replica_kms_key_arns": self.replica_kms_key_arns,
                "rotation_function_arn": self.rotation_function_arn,
                "rotation_role_name": self.rotation_role_name,
            }
        )

    def _replica_keys(
        self,
        name: str,
        plan: ReplicatedSecretSettings,
        primary_key_arn: pulumi.Input[str],
        gate: InputGate,
    ) -> dict[str, pulumi.Input[str]]:
        """Region -> key ARN: given, a replica of the multi-Region primary, or a new CMK."""
        settings = plan.secret
        opts = pulumi.ResourceOptions(parent=self, depends_on=gate.depends_on())
        self.replica_keys: dict[str, aws.kms.Key | aws.kms.ReplicaKey] = {}
        keys: dict[str, pulumi.Input[str]] = {}
        for region in plan.regions:
            if region in plan.given_keys:
                keys[region] = plan.given_keys[region]
                continue
            description = (
                f"Encrypts the {region} replica of Secrets Manager secret "
                f"{settings.secret_name} (secretkit)"
            )
            key: aws.kms.Key | aws.kms.ReplicaKey
            if plan.multi_region_key:
                key = aws.kms.ReplicaKey(
                    f"{name}-key-{region}",
                    region=region,
                    primary_key_arn=primary_key_arn,
                    description=description,
                    deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
                    policy=pulumi.Output.json_dumps(
                        key_policy(
                            self.context.partition,
                            self.context.account_id,
                            settings.key_administrators,
                            administrators_can_edit_policy=(
                                settings.key_administrators_can_edit_policy
                            ),
                        )
                    ),
                    tags=settings.tags or None,
                    opts=opts,
                )
            else:
                key = create_kms_key(
                    f"{name}-key-{region}",
                    description=description,
                    context=self.context,
                    administrators=settings.key_administrators,
                    administrators_can_edit_policy=settings.key_administrators_can_edit_policy,
                    tags=settings.tags,
                    region=region,
                    opts=opts,
                )
            self.replica_keys[region] = key
            keys[region] = key.arn
        return keys


def _replica_key_check(argument: str, region: str) -> Callable[[Any], object]:
    return lambda arn: check_replica_key(argument, arn, region)


def _check_regions(regions: list[str], primary: str) -> None:
    for index, region in enumerate(regions):
        check_replica_region(f"replica_regions[{index}]", region, primary)
