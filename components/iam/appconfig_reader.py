"""A DynamicParameter reader's grant: read one AppConfig configuration, nothing else."""

from __future__ import annotations

from typing import Any

import pulumi

from secretkit.components.iam.arns import AccountScope, regional_arn
from secretkit.components.iam.documents import document, statement

#: What a reader needs to fetch the deployed configuration through AppConfig Data (or the
#: AppConfig Agent / Lambda extension, which calls the same two actions).
CONFIGURATION_READ_ACTIONS = (
    "appconfig:StartConfigurationSession",
    "appconfig:GetLatestConfiguration",
)


def configuration_arn(
    scope: AccountScope,
    application_id: pulumi.Input[str],
    environment_id: pulumi.Input[str],
    configuration_profile_id: pulumi.Input[str],
) -> pulumi.Input[str]:
    """The ``configuration`` resource type of AWS's Service Authorization Reference for AWS
    AppConfig, the one StartConfigurationSession and GetLatestConfiguration authorize on:
    arn:${Partition}:appconfig:${Region}:${Account}:application/${ApplicationId}/environment/
    ${EnvironmentId}/configuration/${ConfigurationProfileId}."""
    return regional_arn(
        "appconfig",
        scope,
        "application/", application_id,
        "/environment/", environment_id,
        "/configuration/", configuration_profile_id,
    )  # fmt: skip


def configuration_read_policy(configuration: pulumi.Input[str]) -> dict[str, Any]:
    """StartConfigurationSession and GetLatestConfiguration on exactly one application,
    environment and configuration profile (``configuration``, see configuration_arn). The
    hosted configuration store needs no KMS grant for its readers: AppConfig decrypts it."""
    return document(
        statement("ReadConfiguration", CONFIGURATION_READ_ACTIONS, [configuration]),
    )
