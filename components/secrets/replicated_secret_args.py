"""CrossRegionReplicatedSecret's arguments: the TypedDicts and the pure check that reads them."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Required, TypedDict

import pulumi

from secretkit.components import validation
from secretkit.components.secrets.rotating_secret_args import (
    ARGUMENTS,
    RotatingSecretSettings,
    RotationArgs,
    SecretArgs,
    parse_rotating_secret_args,
)


class ReplicaRegionArgs(TypedDict, total=False):
    """A replica region with the key to encrypt the replica there."""

    region: Required[str]
    """The replica's region, e.g. 'eu-west-1'."""
    kms_key_arn: pulumi.Input[str]
    """A key in that region; when absent the component creates one ($1/month)."""


class CrossRegionReplicatedSecretArgs(SecretArgs, total=False):
    """Arguments of CrossRegionReplicatedSecret: RotatingSecret's, rotation optional, plus
    the replica regions."""

    replica_regions: Required[Sequence[Any]]
    """Regions to hold read-only replicas: names ('eu-west-1'), or ReplicaRegionArgs
    {'region', 'kms_key_arn'} to bring the replica's key (in other languages {region,
    kmsKeyArn}: the package schema types each item as a name or a ReplicaRegionArgs)."""
    rotation: RotationArgs
    """Optional rotation of the primary; Secrets Manager propagates each new value."""
    force_overwrite_replica_secret: bool
    """Overwrite a secret of the same name already in a replica region (default False)."""
    multi_region_key: bool
    """Create one multi-Region primary key with a replica key in each region, instead of an
    independent key per region (same cost: $1/month per key and per replica key)."""


EXTRA_ARGUMENTS = ("replica_regions", "force_overwrite_replica_secret", "multi_region_key")
REPLICA_ARGUMENTS = tuple(ReplicaRegionArgs.__annotations__)


@dataclass(frozen=True)
class ReplicatedSecretSettings:
    """The checked arguments: the secret's, and where and how it is replicated."""

    secret: RotatingSecretSettings
    regions: list[str]
    given_keys: dict[str, pulumi.Input[str]]
    force_overwrite: bool
    multi_region_key: bool


def _key_region(arn: str) -> str:
    return arn.split(":")[3]


def parse_replicas(value: Any, primary_region: str | None) -> tuple[list[str], dict[str, Any]]:
    """(regions in order, the keys given for some of them)."""
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        raise validation.fail(
            "replica_regions", value, "must be a non-empty list of regions or {region, kms_key_arn}"
        )
    regions: list[str] = []
    keys: dict[str, Any] = {}
    for index, entry in enumerate(value):
        where = f"replica_regions[{index}]"
        if isinstance(entry, Mapping):
            validation.reject_unknown_keys(where, entry, REPLICA_ARGUMENTS)
            region = validation.aws_region(f"{where}.region", entry.get("region"))
            key = entry.get("kms_key_arn")
            if key is not None and not isinstance(key, pulumi.Output):
                validation.kms_key_arn(f"{where}.kms_key_arn", key)
                if _key_region(key) != region:
                    raise validation.fail(
                        f"{where}.kms_key_arn",
                        key,
                        f"is a key in {_key_region(key)}, not in {region}",
                    )
            if key is not None:
                keys[region] = key
        else:
            region = validation.aws_region(where, entry)
        if region in regions:
            raise validation.fail(where, region, "is listed more than once")
        check_replica_region(where, region, primary_region)
        regions.append(region)
    partitions = {validation.partition_of(region) for region in regions}
    if len(partitions) > 1:
        raise validation.fail(
            "replica_regions", regions, "mixes partitions; secrets replicate only within one"
        )
    return regions, keys


def check_replica_key(argument: str, key: Any, region: str) -> str:
    """A key ARN in the replica's own region."""
    arn = validation.kms_key_arn(argument, key)
    if _key_region(arn) != region:
        raise validation.fail(argument, key, f"is a key in {_key_region(arn)}, not in {region}")
    return arn


def check_replica_region(argument: str, region: str, primary_region: str | None) -> None:
    """A replica region may not be the primary's, nor in another partition."""
    if primary_region is None:
        return
    if region == primary_region:
        raise validation.fail(
            argument, region, "is the primary secret's region; replicas go to other regions"
        )
    if validation.partition_of(region) != validation.partition_of(primary_region):
        raise validation.fail(
            argument,
            region,
            f"is in another partition than the primary's region {primary_region}; "
            "secrets replicate only within a partition",
        )


def parse_replicated_secret_args(
    args: Any, primary_region: str | None = None
) -> ReplicatedSecretSettings:
    """Every check CrossRegionReplicatedSecret makes before registering anything."""
    given = validation.require_mapping("args", args)
    validation.reject_unknown_keys("", given, (*ARGUMENTS, *EXTRA_ARGUMENTS))
    if "replica_regions" not in given:
        raise validation.fail("replica_regions", None, "is required (use RotatingSecret for none)")
    regions, keys = parse_replicas(given["replica_regions"], primary_region)
    secret = parse_rotating_secret_args(
        args,
        rotation_required=False,
        extra_arguments=EXTRA_ARGUMENTS,
        region=primary_region,
        replica_regions=regions,
        alarms=False,
    )
    if secret.rotation is not None and secret.rotation.function is not None:
        raise validation.fail(
            "rotation.function",
            "RotationFunction",
            "is for single-region secrets: a replicated secret's rotation role also needs each "
            "replica region's key, so it gets a function of its own",
        )
    multi_region = validation.require_bool("multi_region_key", given.get("multi_region_key", False))
    if multi_region and secret.kms_key_arn is not None:
        raise validation.fail(
            "multi_region_key",
            True,
            "creates the primary key itself; it cannot be combined with kms_key_arn",
        )
    if multi_region and keys:
        raise validation.fail(
            "multi_region_key",
            True,
            f"creates each replica key from the primary; drop kms_key_arn from {sorted(keys)}",
        )
    return ReplicatedSecretSettings(
        secret=secret,
        regions=regions,
        given_keys=keys,
        force_overwrite=validation.require_bool(
            "force_overwrite_replica_secret", given.get("force_overwrite_replica_secret", False)
        ),
        multi_region_key=multi_region,
    )
