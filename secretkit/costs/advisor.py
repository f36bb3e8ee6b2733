"""Finds money a stack spends without need: secrets nothing rotates, replicates or shares,
SecureStrings forced into the Advanced tier by size, and CMKs serving a single parameter (a
parameter shared with other accounts needs both)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from secretkit.costs.pricing import PRICES, Prices, per_10k
from secretkit.resources import (
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


def advise(
    resources: Sequence[ResourceView],
    account: str = "",
    secret_requests: float = 0,
    prices: Prices = PRICES,
) -> list[Finding]:
    """Every finding, in a stable order; ``account`` is the stack's own (policies naming other
    accounts share a secret), ``secret_requests`` the reads per secret a month, ``prices`` the
    stack region's list prices."""
    return [
        *unrotated_secrets(resources, account, secret_requests, prices),
        *oversized_secure_strings(resources, prices),
        *single_parameter_keys(resources, prices),
    ]
