"""Finds money a stack spends without need (secrets nothing rotates, replicates or shares,
SecureStrings forced into the Advanced tier by size, CMKs serving a single parameter, a parameter
shared with other accounts needing both; AppConfig paid for values that never change) and
run-time values kept where no change is validated or rolled back (Parameter Store)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from secretkit.costs.pricing import PRICES, Prices, appconfig_reads, per_10k
from secretkit.resources import (
    CONFIGURATION_PROFILE,
    HOSTED_CONFIGURATION_VERSION,
    KEY,
    PARAMETER,
    PARAMETER_POLICIES,
    RAM_RESOURCE_ASSOCIATION,
    REPLICA_KEY,
    SECRET,
    SECRET_POLICY,
    SECRET_ROTATION,
    ResourceView,
    policy_document,
    principal_accounts,
)


@dataclass(frozen=True)
class Finding:
    """Advice about one resource."""

    rule: str
    resource: str
    message: str
    monthly_saving: float


def _references(resources: Sequence[ResourceView], value: object) -> list[ResourceView]:
    """Resources with a property equal to ``value`` (ARNs and ids are unique strings)."""
    if not isinstance(value, str) or not value:
        return []
    return [r for r in resources if any(v == value for v in r.props.values())]


def _cross_account(secret: ResourceView, resources: Sequence[ResourceView], account: str) -> bool:
    documents = [policy_document(secret.prop("policy"))]
    arn = secret.prop("arn") or secret.prop("id")
    documents += [
        policy_document(p.prop("policy"))
        for p in resources
        if p.type == SECRET_POLICY and p.prop("secretArn") in (arn, secret.urn)
    ]
    for document in documents:
        if document is None:
            continue
        others = principal_accounts(document) - {account}
        if others:
            return True
    return False


def _rotated(secret: ResourceView, resources: Sequence[ResourceView]) -> bool:
    identifiers = {secret.prop("arn"), secret.prop("id"), secret.prop("name")} - {None}
    for rotation in resources:
        if rotation.type != SECRET_ROTATION:
            continue
        if rotation.prop("secretId") in identifiers:
            return True
        in_component = secret.parent and "::pulumi:pulumi:Stack::" not in secret.parent
        if in_component and rotation.parent == secret.parent:
            return True  # same component; the id may be unknown during a preview
    return False


def unrotated_secrets(
    resources: Sequence[ResourceView],
    account: str = "",
    secret_requests: float = 0,
    prices: Prices = PRICES,
) -> list[Finding]:
    """Secrets with no rotation, no replicas and no cross-account policy: a SecureParameter
    stores the same value for free (and ``secret_requests`` reads a month for free too)."""
    findings = []
    saving = prices.secret_month + per_10k(secret_requests, prices.secret_api_per_10k)
    for secret in resources:
        if secret.type != SECRET or secret.prop("replicas"):
            continue
        if _rotated(secret, resources) or _cross_account(secret, resources, account):
            continue
        findings.append(
            Finding(
                "unrotated-secret",
                secret.name,
                f"secret {secret.prop('name', secret.name)} is not rotated, replicated or shared "
                "across accounts: a SecureParameter (standard tier, free) would store it and "
                f"save ${saving:.2f}/month (${prices.secret_month:.2f} for the secret, "
                f"${prices.secret_api_per_10k:.2f} per 10,000 reads)",
                saving,
            )
        )
    return findings


def _shared(parameter: ResourceView, resources: Sequence[ResourceView]) -> bool:
    """Whether an AWS RAM share holds the parameter (shared with other accounts: only an
    Advanced-tier parameter under a customer managed key can be)."""
    identifiers = {parameter.prop("arn"), parameter.urn} - {None}
    return any(
        r.type == RAM_RESOURCE_ASSOCIATION and r.prop("resourceArn") in identifiers
        for r in resources
    )


def oversized_secure_strings(
    resources: Sequence[ResourceView], prices: Prices = PRICES
) -> list[Finding]:
    """SecureStrings in the Advanced tier without policies or a RAM share: only their size put
    them there."""
    findings = []
    with_policies = {
        r.prop("parameter_name") for r in resources if r.type == PARAMETER_POLICIES
    } - {None}
    for parameter in resources:
        if parameter.type != PARAMETER or parameter.prop("type") != "SecureString":
            continue
        if parameter.prop("tier") != "Advanced" or parameter.prop("name") in with_policies:
            continue
        if _shared(parameter, resources):
            continue
        findings.append(
            Finding(
                "oversized-secure-string",
                parameter.name,
                f"parameter {parameter.prop('name', parameter.name)} is in the Advanced tier "
                f"(${prices.advanced_parameter_month:.2f}/month, and its reads are billed) "
                "without policies, so its value is over 4 KB: split it, or keep the bulk in S3 "
                "and the key in the parameter",
                prices.advanced_parameter_month,
            )
        )
    return findings


def single_parameter_keys(
    resources: Sequence[ResourceView], prices: Prices = PRICES
) -> list[Finding]:
    """CMKs whose only user is one parameter not shared with other accounts: the free aws/ssm
    key would do (it cannot encrypt a shared parameter)."""
    findings = []
    for key in resources:
        if key.type not in (KEY, REPLICA_KEY):
            continue
        users = [
            r
            for identifier in {key.prop("arn"), key.prop("keyId")} - {None}
            for r in _references(resources, identifier)
            if r is not key
        ]
        unique = {r.urn: r for r in users}.values()
        if len(unique) == 1 and next(iter(unique)).type == PARAMETER:
            (parameter,) = unique
            if _shared(parameter, resources):
                continue
            findings.append(
                Finding(
                    "single-parameter-key",
                    key.name,
                    f"key {key.name} encrypts only parameter "
                    f"{parameter.prop('name', parameter.name)}: the AWS managed key aws/ssm is "
                    f"free (saves ${prices.kms_key_month:.2f}/month) unless you need a key policy "
                    "of your own",
                    prices.kms_key_month,
                )
            )
    return findings


#: Changes a month from which a value is dynamic (about weekly): AppConfig's validation, staged
#: rollout and rollback then guard a change made while the application runs.
OFTEN = 4.0
#: Changes a month below which a value is static: a new deployment of the program is then the
#: natural moment to change it, and Parameter Store holds it for free.
STATIC = 1.0
#: Parameter Store standard tier's largest value (bytes): a larger static configuration would
#: need the Advanced tier. AWS Systems Manager User Guide, "Managing parameter tiers".
STANDARD_VALUE_BYTES = 4096
#: The value inputs of aws.ssm.Parameter a program may leave to be changed outside it.
_VALUE_INPUTS = frozenset({"value", "insecureValue", "valueWo", "valueWoVersion"})


@dataclass(frozen=True)
class ValueChanges:
    """What the advisor cannot read from the resources about run-time values: how often each
    changes, and the AppConfig reads per configuration profile, a month."""

    configuration_requests: float = 0
    configurations_received: float = 0
    changes_per_month: float | None = None
    """None: not known (then only ``ignore_changes`` on a value says it changes)."""


def _changed_outside(parameter: ResourceView) -> bool:
    return bool(_VALUE_INPUTS & set(parameter.ignore_changes))


def dynamic_parameter_store_values(
    resources: Sequence[ResourceView], changes_per_month: float | None = None
) -> list[Finding]:
    """Non-secret parameters (String, StringList) whose value changes at run time: the program
    leaves their value to be changed outside it (``ignore_changes``), or ``changes_per_month``
    is at least OFTEN. A DynamicParameter validates each change and rolls it out and back."""
    findings = []
    often = changes_per_month is not None and changes_per_month >= OFTEN
    for parameter in resources:
        if parameter.type != PARAMETER or parameter.prop("type", "String") == "SecureString":
            continue
        if _changed_outside(parameter):
            why = "the program ignores changes to its value, so it is changed while it runs"
        elif often:
            why = f"it changes {changes_per_month:g} times a month"
        else:
            continue
        findings.append(
            Finding(
                "dynamic-parameter-store-value",
                parameter.name,
                f"parameter {parameter.prop('name', parameter.name)} holds a non-secret value and "
                f"{why}: a DynamicParameter (AWS AppConfig) checks each change against a JSON "
                "Schema, rolls it out in stages and rolls it back on an alarm, where Parameter "
                "Store applies a change to every reader at once (AppConfig bills its reads: "
                "`secretkit compare` shows how much)",
                0.0,
            )
        )
    return findings


def _content_bytes(profile: ResourceView, resources: Sequence[ResourceView]) -> int | None:
    """The size of the profile's latest hosted content in the program, if known."""
    identifiers = {profile.prop("configurationProfileId"), profile.prop("id"), profile.urn}
    in_component = profile.parent and "::pulumi:pulumi:Stack::" not in profile.parent
    sizes = [
        len(str(version.prop("content")).encode())
        for version in resources
        if version.type == HOSTED_CONFIGURATION_VERSION
        and version.prop("content") is not None
        and (
            version.prop("configurationProfileId") in identifiers - {None}
            # same component: the profile's id may be unknown during a preview
            or (in_component and version.parent == profile.parent)
        )
    ]
    return sizes[-1] if sizes else None


def static_dynamic_parameters(
    resources: Sequence[ResourceView],
    assumptions: ValueChanges = ValueChanges(),
    prices: Prices = PRICES,
) -> list[Finding]:
    """AppConfig configuration profiles whose values change less than STATIC times a month
    (only when ``changes_per_month`` is given): a SecureParameter holds a value up to 4 KB for
    free, so the saving is what AppConfig bills for the reads."""
    changes = assumptions.changes_per_month
    if changes is None or changes >= STATIC:
        return []
    saving = appconfig_reads(
        assumptions.configuration_requests, assumptions.configurations_received, prices
    )
    findings = []
    for profile in resources:
        if profile.type != CONFIGURATION_PROFILE:
            continue
        size = _content_bytes(profile, resources)
        if size is not None and size > STANDARD_VALUE_BYTES:
            continue  # Parameter Store's standard tier cannot hold it
        findings.append(
            Finding(
                "static-dynamic-parameter",
                profile.name,
                f"configuration profile {profile.prop('name', profile.name)} changes "
                f"{changes:g} times a month: a SecureParameter (standard tier, free, up to "
                f"{STANDARD_VALUE_BYTES:,} bytes) would hold it and save ${saving:.2f}/month of "
                f"AppConfig reads (${prices.appconfig_request:.7f} per request, "
                f"${prices.appconfig_received:.4f} per configuration received)",
                saving,
            )
        )
    return findings


def advise(
    resources: Sequence[ResourceView],
    account: str = "",
    secret_requests: float = 0,
    prices: Prices = PRICES,
    changes: ValueChanges = ValueChanges(),
) -> list[Finding]:
    """Every finding, in a stable order; ``account`` is the stack's own (policies naming other
    accounts share a secret), ``secret_requests`` the reads per secret a month, ``prices`` the
    stack region's list prices, ``changes`` how often values change and AppConfig's reads."""
    return [
        *unrotated_secrets(resources, account, secret_requests, prices),
        *oversized_secure_strings(resources, prices),
        *single_parameter_keys(resources, prices),
        *dynamic_parameter_store_values(resources, changes.changes_per_month),
        *static_dynamic_parameters(resources, changes, prices),
    ]
