"""Every resource type the embedded AWS translates, by type token: the one list to extend."""

from __future__ import annotations

from secretkit.embedded.resource_types import (
    appconfig,
    cloudwatch,
    dynamic,
    events,
    iam,
    kms,
    lambda_functions,
    logs,
    ram,
    secretsmanager,
    sns,
    ssm,
)
from secretkit.embedded.resource_types.base import ResourceType

RESOURCE_TYPES: dict[str, ResourceType] = {
    entry.token: entry
    for module in (
        kms,
        secretsmanager,
        iam,
        logs,
        lambda_functions,
        events,
        cloudwatch,
        sns,
        ssm,
        ram,
        appconfig,
        dynamic,
    )
    for entry in module.TYPES
}
