"""`secretkit key-usage`: which KMS keys encrypt each version of a secret and of its replicas, and
whether a key being retired is still needed (exit code 3 while it is).

What decides it (Secrets Manager User Guide, "Change the encryption key for an AWS Secrets
Manager secret"): when a secret's key changes, Secrets Manager re-encrypts the versions labelled
AWSCURRENT, AWSPENDING and AWSPREVIOUS under the new key and keeps them under the previous one
too; other versions stay under their old key alone, and it skips the re-encryption when the
caller could not decrypt with the old key. ListSecretVersionIds reports each version's
``KmsKeyIds``. A key is still needed while a labelled version is encrypted under it and under no
key of its copy in use now: deleting the key would lose that version. A deprecated version (no
label) counts the same way only for the warning: Secrets Manager drops those, but a single-user
database rotation's recovery reads them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from secretkit.cli_common import CliError, write_json

#: The exit code while a retiring key is still needed (as `secretkit rotations`' attention code).
STILL_NEEDED = 3


#: How the AWS managed key is named: DescribeSecret leaves KmsKeyId out for it.
AWS_MANAGED_KEY = "alias/aws/secretsmanager"


def key_ref(key: str, region: str) -> tuple[str, str]:
    """(region, key id) of a key named by ARN or by id (an id is in ``region``, the region of
    the copy that reports it): multi-Region keys share an id across regions. The AWS managed
    key is one name, with or without 'alias/'."""
    if key in {AWS_MANAGED_KEY, AWS_MANAGED_KEY.removeprefix("alias/")}:
        return region, AWS_MANAGED_KEY
    parts = key.split(":")
    if key.startswith("arn:") and len(parts) >= 6:
        return parts[3], parts[5].removeprefix("key/")
    return region, key.removeprefix("key/")


@dataclass(frozen=True)
class VersionKeys:
    """One version of one copy: its id, labels and the keys it is encrypted under."""

    version_id: str
    stages: list[str]
    keys: list[str]


@dataclass
class CopyKeys:
    """The primary or a replica: its region, ARN, key in use and versions."""

    region: str
    arn: str
    key: str
    replica: bool
    versions: list[VersionKeys] = field(default_factory=list)

    def only_under(self, retiring: tuple[str, str]) -> Iterator[VersionKeys]:
        """The versions that open with ``retiring`` and with no key in use now."""
        current = key_ref(self.key, self.region)
        for version in self.versions:
            refs = {key_ref(key, self.region) for key in version.keys}
            if retiring in refs and current not in refs:
                yield version


def _versions(client: Any, arn: str) -> list[VersionKeys]:
    """Every version of one copy, deprecated ones included, with its KmsKeyIds."""
    found: list[VersionKeys] = []
    request: dict[str, Any] = {"SecretId": arn, "IncludeDeprecated": True}
    while True:
        page = client.list_secret_version_ids(**request)
        for entry in page.get("Versions", []):
            found.append(
                VersionKeys(
                    str(entry["VersionId"]),
                    list(entry.get("VersionStages") or []),
                    list(entry.get("KmsKeyIds") or []),
                )
            )
        if not page.get("NextToken"):
            return found
        request["NextToken"] = page["NextToken"]


def secret_copies(client_in: Callable[[str | None], Any], secret: str) -> list[CopyKeys]:
    """The secret and each replica, with every version's keys (``client_in(region)``: a
    Secrets Manager client there; None: the default region)."""
    client = client_in(None)
    described = client.describe_secret(SecretId=secret)
    arn = str(described["ARN"])
    region = arn.split(":")[3]
    copies = [CopyKeys(region, arn, str(described.get("KmsKeyId") or AWS_MANAGED_KEY), False)]
    copies[0].versions = _versions(client, arn)
    for status in described.get("ReplicationStatus") or []:
        replica_region = str(status["Region"])
        replica_arn = ":".join([*arn.split(":")[:3], replica_region, *arn.split(":")[4:]])
        copy = CopyKeys(
            replica_region,
            replica_arn,
            str(status.get("KmsKeyId") or AWS_MANAGED_KEY),
            True,
        )
        copy.versions = _versions(client_in(replica_region), replica_arn)
        copies.append(copy)
    return copies


def retiring_keys(copies: Sequence[CopyKeys], given: Sequence[str]) -> list[tuple[str, str]]:
    """(region, key id) of the keys to judge: those given (ARNs), else every key a version
    names that its copy does not use now."""
    if given:
        return [key_ref(key, "") for key in given]
    seen: list[tuple[str, str]] = []
    for copy in copies:
        in_use = key_ref(copy.key, copy.region)
        for version in copy.versions:
            for key in version.keys:
                ref = key_ref(key, copy.region)
                if ref != in_use and ref not in seen:
                    seen.append(ref)
    return seen


def usage_report(copies: Sequence[CopyKeys], retiring: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The --json document: each copy's versions and keys, and per retiring key the versions
    that still need it (labelled: blocks retirement; deprecated: a warning)."""
    verdicts = []
    for region, key_id in retiring:
        needed: list[dict[str, Any]] = []
        deprecated: list[dict[str, Any]] = []
        for copy in copies:
            if copy.region != region:
                continue
            for version in copy.only_under((region, key_id)):
                entry = {"region": copy.region, "version": version.version_id,
                         "stages": version.stages}  # fmt: skip
                (needed if version.stages else deprecated).append(entry)
        verdicts.append(
            {
                "key": key_id,
                "region": region,
                "still_needed": bool(needed),
                "needed_by": needed,
                "deprecated_versions_only_under_it": deprecated,
            }
        )
    return {
        "copies": [
            {
                "region": copy.region,
                "arn": copy.arn,
                "replica": copy.replica,
                "key": copy.key,
                "versions": [
                    {"id": v.version_id, "stages": v.stages, "kms_key_ids": v.keys}
                    for v in copy.versions
                ],
            }
            for copy in copies
        ],
        "retiring": verdicts,
        "still_needed": any(verdict["still_needed"] for verdict in verdicts),
    }


def write_text(report: dict[str, Any], out: TextIO) -> None:
    """The report for people."""
    for copy in report["copies"]:
        kind = "replica" if copy["replica"] else "primary"
        out.write(
            f"{kind:<8} {copy['region']:<15} {copy['arn']}\n         key in use {copy['key']}\n"
        )
        for version in copy["versions"]:
            stages = ", ".join(version["stages"]) or "- (deprecated)"
            keys = ", ".join(version["kms_key_ids"]) or "-"
            out.write(f"  {version['id']}  {stages:<24} {keys}\n")
    if not report["retiring"]:
        out.write("No version is encrypted under a key other than its copy's key in use.\n")
    for verdict in report["retiring"]:
        name = f"{verdict['key']} ({verdict['region']})"
        if verdict["still_needed"]:
            versions = ", ".join(
                f"{v['version']} [{', '.join(v['stages'])}] in {v['region']}"
                for v in verdict["needed_by"]
            )
            out.write(
                f"IN USE     {name}: only it opens {versions}. Keep it granted "
                "(transition_kms_key_arns) until a rotation replaces those versions, or move "
                "their labels.\n"
            )
        else:
            out.write(
                f"UNUSED     {name}: every labelled version opens with the key in use. Remove "
                "it from transition_kms_key_arns, deploy, then schedule its deletion.\n"
            )
        for version in verdict["deprecated_versions_only_under_it"]:
            out.write(
                f"WARNING    deprecated version {version['version']} in {version['region']} "
                "opens only with it: deleting the key loses that version (a single-user "
                "database rotation reads deprecated versions to recover).\n"
            )


def key_usage(
    options: argparse.Namespace, out: TextIO, client_in: Callable[[str | None], Any]
) -> int:
    """`secretkit key-usage SECRET [--retiring KEY ...] [--json]`."""
    copies = secret_copies(client_in, options.secret)
    for key in options.retiring or []:
        if not key.startswith("arn:") or ":key/" not in key:
            raise CliError(
                f"--retiring {key}: give the key's ARN (arn:aws:kms:<region>:<account>:key/<id>)"
            )
    report = usage_report(copies, retiring_keys(copies, options.retiring or []))
    if options.json:
        write_json(out, report)
    else:
        write_text(report, out)
    return STILL_NEEDED if report["still_needed"] else 0
