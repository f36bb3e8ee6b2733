"""CrossRegionReplicatedSecret: a secret with read-only replicas and a key in every region."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Unpack, overload

import pulumi
import pulumi_aws as aws

from secretkit.components.arguments import NO_ARGS
from secretkit.components.aws_context import AwsContext, lookup_aws_context
from secretkit.components.iam.arns import AccountScope
from secretkit.components.iam.foreign_readers import ReaderSplit
from secretkit.components.input_gate import InputGate
from secretkit.components.key_choice import KeyChoice, choose_key
from secretkit.components.kms_key import KEY_DELETION_WINDOW_DAYS, ExtraStatements, key_policy_json
from secretkit.components.secrets.replicated_secret_args import (
    CrossRegionReplicatedSecretArgs,
    ReplicatedSecretSettings,
    check_replica_key,
    check_replica_region,
    parse_replicated_secret_args,
)
from secretkit.components.secrets.secret_component import (
    SecretComponent,
    foreign_key_statements,
    open_gate,
    owns_resource_policy,
    register_primary_key,
    register_rotation,
    register_secret,
    sort_readers,
)
from secretkit.components.secrets.secret_plan import ReplicaPlan, SecretPlan, plan_secret

TYPE_TOKEN = "secretkit:index:CrossRegionReplicatedSecret"


class CrossRegionReplicatedSecret(SecretComponent):
    """A Secrets Manager secret replicated read-only to other regions, each copy encrypted with
    a key in its own region, and reader grants that work in every region.

    Replica keys are created with pulumi-aws v7's per-resource ``region`` argument rather than
    one provider per region: the component keeps using the one provider you configured (its
    credentials, assumed role and default tags) for every region, and adding a region adds
    resources without re-parenting any.
    """

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

    @overload
    def __init__(
        self,
        name: str,
        args: CrossRegionReplicatedSecretArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        name: str,
        *,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[CrossRegionReplicatedSecretArgs],
    ) -> None: ...

    def __init__(
        self,
        name: str,
        args: CrossRegionReplicatedSecretArgs = NO_ARGS,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """``Cls(name, args, opts)`` with the arguments as a dict, or ``Cls(name, key=value, ...,
        opts=opts)`` with them as keywords (docs/arguments.md)."""
        (replication, plan), region = self._begin(
            TYPE_TOKEN,
            name,
            opts,
            (args, kwargs, CrossRegionReplicatedSecretArgs),
            lambda where, given, region: plan_replicated_secret(where, name, given, region),
        )

        context = lookup_aws_context(self)
        readers = sort_readers(
            self,
            plan,
            context,
            region,
            [
                (f"replica_regions[{index}].kms_key_arn", replica_region)
                for index, replica_region in enumerate(replication.regions)
                if replica_region in replication.given_keys
            ],
        )
        gate = open_gate(self, plan, context, region, readers)
        # The provider's region may only be known now: a replica there would collide.
        gate.check(context.region, lambda primary: _check_regions(replication.regions, primary))
        for index, replica_region in enumerate(replication.regions):
            key = replication.given_keys.get(replica_region)
            if isinstance(key, pulumi.Output):
                argument = f"replica_regions[{index}].kms_key_arn"
                gate.check(key, _replica_key_check(argument, replica_region))
        primary_key = register_primary_key(self, plan, context, gate, readers)
        replica_keys = register_replica_keys(
            self,
            replication,
            key=plan.key,
            primary_key_arn=primary_key.arn,
            context=context,
            gate=gate,
            readers=(plan, readers),
        )
        self.replica_keys = replica_keys.created
        replicas = ReplicaPlan(replication.regions, replica_keys.arns, replication.force_overwrite)
        secret = register_secret(
            self,
            name,
            plan,
            key_arn=primary_key.arn,
            gate=gate,
            replicas=replicas,
            owns_policy=owns_resource_policy(plan, readers),
        )
        rotation = register_rotation(
            self, name, plan, secret=secret, key_arn=primary_key.arn, context=context, gate=gate
        )
        self.rotation_function = rotation.function if rotation else None
        self._keep_built(plan, context, primary_key, secret, rotation, readers=readers)

        regions = replication.regions
        self.secret_arn = secret.secret.arn
        self.secret_name = secret.secret.name
        self.kms_key_arn = pulumi.Output.from_input(primary_key.arn)
        self.replica_secret_arns = pulumi.Output.all(
            *(pulumi.Output.from_input(r.secret_arn) for r in secret.replicas)
        ).apply(lambda arns: dict(zip(regions, arns, strict=True)))
        self.replica_regions: tuple[str, ...] = tuple(regions)
        """The replicas' regions, in the order given."""
        self.replica_kms_key_arns = pulumi.Output.all(
            *(pulumi.Output.from_input(replica_keys.arns[r]) for r in regions)
        ).apply(lambda arns: dict(zip(regions, arns, strict=True)))
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

    def kms_key_arn_in(self, region: str | None) -> pulumi.Output[str]:
        """The key of the replica in ``region`` (each replica has its own), else the primary's:
        a grant to read the replica must name the key that encrypts it."""
        if region is not None and region in self.replica_regions:
            return self.replica_kms_key_arns.apply(lambda keys: keys[region])
        return self.kms_key_arn


def plan_replicated_secret(
    where: str, name: str, args: CrossRegionReplicatedSecretArgs, region: str | None
) -> tuple[ReplicatedSecretSettings, SecretPlan]:
    """The replication and the plan of the secret ``name``; raises InvalidArgumentError for
    bad input."""
    replication = parse_replicated_secret_args(args, primary_region=region)
    plan = plan_secret(
        where, name, replication.secret, multi_region_key=replication.multi_region_key
    )
    return replication, plan


@dataclass(frozen=True)
class ReplicaKeys:
    """Region -> ARN of the replica's key; region -> the key, where the component created it."""

    arns: dict[str, pulumi.Input[str]]
    created: dict[str, aws.kms.Key | aws.kms.ReplicaKey]


def register_replica_keys(
    parent: pulumi.Resource,
    replication: ReplicatedSecretSettings,
    *,
    key: KeyChoice,
    primary_key_arn: pulumi.Input[str],
    context: AwsContext,
    gate: InputGate,
    readers: tuple[SecretPlan, ReaderSplit] | None = None,
) -> ReplicaKeys:
    """The replica's key in each region: given, a replica of the multi-Region primary
    (``key``'s administrators administer it), or a new CMK; a key created here names the
    ``readers`` in other accounts (for the replica of that region)."""
    keys = ReplicaKeys({}, {})
    for region in replication.regions:
        scope = AccountScope(context.partition, region, context.account_id)
        extra: ExtraStatements = foreign_key_statements(*readers, scope) if readers else []
        choice = replace(key, given=replication.given_keys.get(region))
        encrypts = (
            f"the {region} replica of Secrets Manager secret {replication.secret.secret_name}"
        )
        tags = replication.secret.tags
        if choice.given is None and replication.multi_region_key:
            replica = aws.kms.ReplicaKey(
                f"{parent.pulumi_resource_name}-key-{region}",
                region=region,
                primary_key_arn=primary_key_arn,
                description=f"Encrypts {encrypts} (secretkit)",
                deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
                policy=key_policy_json(
                    context,
                    choice.administrators,
                    choice.administrators_can_edit_policy,
                    extra,
                    resource=f"{parent.pulumi_resource_name}-key-{region}",
                ),
                tags=tags or None,
                opts=pulumi.ResourceOptions(parent=parent, depends_on=gate.depends_on()),
            )
            keys.arns[region] = replica.arn
            keys.created[region] = replica
            continue
        chosen = choose_key(
            choice,
            parent,
            context,
            gate,
            encrypts=encrypts,
            tags=tags,
            region=region,
            extra_statements=extra,
        )
        keys.arns[region] = chosen.arn
        if chosen.created is not None:
            keys.created[region] = chosen.created
    return keys


def _replica_key_check(argument: str, region: str) -> Callable[[Any], object]:
    return lambda arn: check_replica_key(argument, arn, region)


def _check_regions(regions: list[str], primary: str) -> None:
    for index, region in enumerate(regions):
        check_replica_region(f"replica_regions[{index}]", region, primary)
