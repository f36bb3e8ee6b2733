"""`secretkit key-usage` on moto with AWS's per-version keys restored: which versions a retiring
key still opens alone, the exit code, replicas, and what the embedded AWS records on UpdateSecret
(the labelled versions re-encrypted, the others not), as AWS documents it."""

from __future__ import annotations

import io
import json
from typing import Any

import boto3
import pytest

from secretkit.cli import main as cli

REGION = "us-east-1"


def key(region: str = REGION) -> str:
    return str(boto3.client("kms", region_name=region).create_key()["KeyMetadata"]["Arn"])


def usage(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli(["key-usage", *argv, "--region", REGION], out)
    return code, out.getvalue()


def keys_of(sm: Any, secret: str) -> dict[str, list[str]]:
    versions = sm.list_secret_version_ids(SecretId=secret, IncludeDeprecated=True)["Versions"]
    return {v["VersionId"]: v["KmsKeyIds"] for v in versions}


def test_update_secret_reencrypts_only_the_labelled_versions(sm: Any) -> None:
    old, new = key(), key()
    first = sm.create_secret(Name="app", SecretString="v1", KmsKeyId=old)["VersionId"]
    second = sm.put_secret_value(SecretId="app", SecretString="v2")["VersionId"]
    pinned = sm.put_secret_value(SecretId="app", SecretString="p", VersionStages=["PINNED"])
    third = sm.put_secret_value(SecretId="app", SecretString="v3")["VersionId"]  # v1 deprecated
    sm.update_secret(SecretId="app", KmsKeyId=new)
    keys = keys_of(sm, "app")
    assert keys[third] == [old, new]  # AWSCURRENT
    assert keys[second] == [old, new]  # AWSPREVIOUS
    assert keys[pinned["VersionId"]] == [old]  # a label of its own: not re-encrypted
    assert keys[first] == [old]  # deprecated: not re-encrypted
    fourth = sm.put_secret_value(SecretId="app", SecretString="v4")["VersionId"]
    assert keys_of(sm, "app")[fourth] == [new]


def test_a_retiring_key_is_needed_while_a_labelled_version_opens_only_with_it(sm: Any) -> None:
    old, new = key(), key()
    sm.create_secret(Name="app", SecretString="v1", KmsKeyId=old)
    pinned = sm.put_secret_value(
        SecretId="app", SecretString="pinned-value-7f3a", VersionStages=["PINNED"]
    )
    sm.update_secret(SecretId="app", KmsKeyId=new)
    code, text = usage("app", "--retiring", old)
    assert code == 3
    assert f"IN USE     {old.rsplit('/', 1)[-1]} (us-east-1): only it opens" in text
    assert pinned["VersionId"] in text
    assert "pinned-value-7f3a" not in text  # no value is read, none printed

    sm.update_secret_version_stage(
        SecretId="app", VersionStage="PINNED", RemoveFromVersionId=pinned["VersionId"]
    )
    code, text = usage("app", "--retiring", old)
    assert code == 0, text
    assert "UNUSED" in text
    assert f"WARNING    deprecated version {pinned['VersionId']}" in text


def test_without_retiring_every_key_no_copy_uses_is_judged(sm: Any) -> None:
    old, new = key(), key()
    sm.create_secret(Name="app", SecretString="v1", KmsKeyId=old)
    assert usage("app", "--json")[0] == 0
    sm.update_secret(SecretId="app", KmsKeyId=new)
    code, text = usage("app", "--json")
    report = json.loads(text)
    assert code == 0  # the only version was re-encrypted
    assert [verdict["key"] for verdict in report["retiring"]] == [old.rsplit("/", 1)[-1]]
    assert report["still_needed"] is False


def test_a_replica_is_reported_with_its_own_key(sm: Any) -> None:
    primary_key, replica_key = key(), key("eu-west-1")
    sm.create_secret(
        Name="app",
        SecretString="v1",
        KmsKeyId=primary_key,
        AddReplicaRegions=[{"Region": "eu-west-1", "KmsKeyId": replica_key}],
    )
    code, text = usage("app", "--json", "--retiring", replica_key)
    report = json.loads(text)
    assert code == 0
    replica = next(copy for copy in report["copies"] if copy["replica"])
    assert replica["region"] == "eu-west-1"
    assert replica["key"] == replica_key
    assert [v["kms_key_ids"] for v in replica["versions"]] == [[replica_key]]


def test_a_retiring_key_must_be_an_arn(sm: Any, capsys: pytest.CaptureFixture[str]) -> None:
    sm.create_secret(Name="app", SecretString="v1")
    code, _ = usage("app", "--retiring", "1234abcd")
    assert code == 1
    assert "--retiring 1234abcd: give the key's ARN" in capsys.readouterr().err
