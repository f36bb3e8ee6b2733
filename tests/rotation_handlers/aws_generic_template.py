"""The call sequence of AWS's generic rotation template (aws-samples
SecretsManagerRotationTemplate), re-expressed to measure it beside ours on the same harness.

Per step: DescribeSecret for the preamble. createSecret: GetSecretValue(AWSCURRENT),
GetSecretValue(AWSPENDING) to see whether the value exists, GetRandomPassword,
PutSecretValue. setSecret/testSecret: nothing (left to the user). finishSecret: DescribeSecret
again, then UpdateSecretVersionStage.
"""

from __future__ import annotations

from typing import Any


def template_step(event: dict[str, str], client: Any) -> None:
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    metadata = client.describe_secret(SecretId=arn)
    if not metadata["RotationEnabled"]:
        raise ValueError(f"Secret {arn} is not enabled for rotation")
    versions = metadata["VersionIdsToStages"]
    if token not in versions:
        raise ValueError(f"Secret version {token} has no stage for rotation of secret {arn}.")
    if "AWSCURRENT" in versions[token]:
        return
    if "AWSPENDING" not in versions[token]:
        raise ValueError(f"Secret version {token} not set as AWSPENDING for rotation of {arn}.")
    if step == "createSecret":
        client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
        try:
            client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        except client.exceptions.ResourceNotFoundException:
            password = client.get_random_password(ExcludeCharacters="/@\"'\\")
            client.put_secret_value(
                SecretId=arn,
                ClientRequestToken=token,
                SecretString=password["RandomPassword"],
                VersionStages=["AWSPENDING"],
            )
    elif step == "finishSecret":
        described = client.describe_secret(SecretId=arn)
        current = None
        for version, stages in described["VersionIdsToStages"].items():
            if "AWSCURRENT" in stages:
                if version == token:
                    return
                current = version
                break
        client.update_secret_version_stage(
            SecretId=arn,
            VersionStage="AWSCURRENT",
            MoveToVersionId=token,
            RemoveFromVersionId=current,
        )
