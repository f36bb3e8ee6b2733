"""Plain strings as long as the ARNs a grant will name, known while the program runs: what
grants are packed into policies by before any ARN exists (a preview knows none of them)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import pulumi

from secretkit.components import limits, validation

#: Every account id has 12 digits.
ACCOUNT = "000000000000"
#: An Output's stand-in when nothing better is known: as long as the longest secret ARN.
UNKNOWN_LENGTH = limits.SECRET_ARN_LONGEST


def region(known: object) -> str:
    """The region, when it is known (a string), else the longest one AWS has."""
    return known if isinstance(known, str) and known else validation.LONGEST_REGION


def partition(region_name: str) -> str:
    """The partition of a region ('aws-us-gov' when the region is not one secretkit knows)."""
    for name, regions in validation.AWS_REGIONS.items():
        if region_name in regions:
            return name
    return "aws-us-gov"


def _arn(service: str, region_name: str, resource: str) -> str:
    return f"arn:{partition(region_name)}:{service}:{region_name}:{ACCOUNT}:{resource}"


def secret_arn(region_name: str, name: str) -> str:
    """A secret's ARN: Secrets Manager appends '-' and six random characters to its name."""
    return _arn("secretsmanager", region_name, f"secret:{name}-AbCdEf")


def parameter_arn(region_name: str, name: str) -> str:
    """A parameter's ARN ('parameter' then the name, with its leading '/')."""
    return _arn("ssm", region_name, f"parameter/{name.lstrip('/')}")


def key_arn(region_name: str, given: pulumi.Input[str] | None, owner: str) -> str:
    """A key's ARN: the one given, when it is a string; else a key id (36 characters, as a
    multi-Region key's 'mrk-' and 32 hex digits) unique to ``owner``."""
    if isinstance(given, str):
        return given
    digest = hashlib.sha256(owner.encode()).hexdigest()
    return _arn("kms", region_name, f"key/mrk-{digest[:32]}")


def of_document(
    document: Mapping[str, Any], known: dict[int, tuple[Any, str]] | None = None
) -> Any:
    """``document`` with each Output replaced by a plain stand-in of UNKNOWN_LENGTH characters,
    the same for the same Output so that statements alike (one kms:ViaService Output) still
    merge. ``known``: id -> (the Output, kept so that its id stays its own; its stand-in),
    shared across documents."""
    memo = {} if known is None else known

    def plain(value: Any) -> Any:
        if isinstance(value, pulumi.Output):
            tag = f"output-{id(value):x}-"
            return memo.setdefault(id(value), (value, tag.ljust(UNKNOWN_LENGTH, "x")))[1]
        if isinstance(value, Mapping):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return plain(document)
