"""One view of a program's resources for the cost model, the advisor and the policy pack,
whichever produced them (Pulumi mocks, or the policy engine at preview)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SECRET = "aws:secretsmanager/secret:Secret"
SECRET_ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"
PARAMETER = "aws:ssm/parameter:Parameter"
PARAMETER_POLICIES = "pulumi-python:dynamic/secretkit:ParameterPolicies"
KEY = "aws:kms/key:Key"
#: The association of a resource with an AWS RAM share: a SecureParameter's with readers in
#: other accounts (which needs the Advanced tier and a customer managed key).
RAM_RESOURCE_ASSOCIATION = "aws:ram/resourceAssociation:ResourceAssociation"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
#: An AppConfig configuration profile: what readers of a DynamicParameter read (AppConfig bills
#: its reads; applications, environments and profiles have no monthly fee).
CONFIGURATION_PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile"
#: A version of a hosted configuration: its ``content`` is the value a profile holds.
HOSTED_CONFIGURATION_VERSION = "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion"
#: Rotation alarms' resources (components/rotation/alarms.py).
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
TOPIC = "aws:sns/topic:Topic"


@dataclass(frozen=True)
class ResourceView:
    """A resource: type, logical name, URN, parent URN and properties (engine names)."""

    type: str
    name: str
    urn: str
    parent: str = ""
    props: dict[str, Any] = field(default_factory=dict)
    custom: bool = True
    ignore_changes: tuple[str, ...] = ()
    """Inputs the program's ``ignore_changes`` option names (changed outside the program)."""

    def prop(self, key: str, default: Any = None) -> Any:
        value = self.props.get(key)
        return default if value is None else value


def from_registrations(registrations: Iterable[Any]) -> list[ResourceView]:
    """Views of secretkit.embedded.mocks Registrations (inputs overlaid with the mocked outputs)."""
    from secretkit.embedded.mocks import unwrap  # noqa: PLC0415

    return [
        ResourceView(
            type=r.type,
            name=r.name,
            urn=r.urn,
            parent=r.parent,
            props={**unwrap(r.inputs), **unwrap(r.state)},
            custom=r.custom,
            ignore_changes=tuple(r.options.get("ignoreChanges") or ()),
        )
        for r in registrations
    ]


def component_of(view: ResourceView, by_urn: dict[str, ResourceView]) -> ResourceView | None:
    """The nearest enclosing component (a non-custom resource), if any."""
    parent = by_urn.get(view.parent)
    while parent is not None:
        if not parent.custom:
            return parent
        parent = by_urn.get(parent.parent)
    return None


def policy_document(value: Any) -> dict[str, Any] | None:
    """A policy property as a dict (it may be JSON text), or None."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def principal_accounts(document: dict[str, Any]) -> set[str]:
    """Accounts named by AWS principals of Allow statements ('*' for anyone)."""
    accounts: set[str] = set()
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if principal == "*":
            accounts.add("*")
            continue
        if not isinstance(principal, dict):
            continue
        names = principal.get("AWS", [])
        for name in names if isinstance(names, list) else [names]:
            text = str(name)
            if text == "*":
                accounts.add("*")
            elif text.isdigit():
                accounts.add(text)
            elif text.startswith("arn:") and len(text.split(":")) > 4:
                accounts.add(text.split(":")[4])
    return accounts
