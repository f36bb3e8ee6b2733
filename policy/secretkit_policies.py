"""secretkit's house rules as CrossGuard policies, checked by ``pulumi preview --policy-pack``.

The rules are not written again here: each policy adapts what the engine sends (camelCase
properties, JSON-string or dict policy documents, values unknown during a preview) to the
project's own checks: :func:`secretkit.components.iam.least_privilege.violations` for policy
documents, :mod:`secretkit.components.validation` for rotation schedules,
:mod:`secretkit.resources` for principals and :func:`secretkit.costs.advisor.advise` for the
advisory findings.

Mandatory: no wildcard actions (or ``NotAction``) over secretsmanager, ssm or kms; in identity
policies, no ``Resource: "*"``, partial wildcard or NotResource for secret and parameter reads
and writes or key use (:data:`secretkit.components.iam.least_privilege.DATA_ACTIONS`;
``secret:<name>-??????`` names one secret and passes); rotation schedules within AWS's bounds;
secrets shared with other accounts encrypted with a customer managed key; grants to other
accounts in secret and key policies named exactly and conditioned
(:mod:`policy.cross_account_grants`), SecretPolicy with blockPublicPolicy. Advisory: the
advisor's findings, with the monthly saving.

This module builds :class:`~pulumi_policy.Policy` objects only; ``policy/__main__.py`` hands
them to :class:`~pulumi_policy.PolicyPack` (whose constructor serves them to the engine), so
tests import this module and call each policy's ``validate`` directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidation,
    StackValidationArgs,
    StackValidationPolicy,
    proxy,
)

from policy.appconfig_rules import configuration_read_findings
from policy.cross_account_grants import grant_findings
from policy.rotation_alarms import validate_rotation_alarms
from secretkit.components import validation
from secretkit.components.errors import InvalidArgumentError
from secretkit.components.iam.least_privilege import (
    DATA_ACTIONS,
    data_actions,
    iam_pattern,
    violations,
)
from secretkit.costs.advisor import advise
from secretkit.costs.pricing import PRICES
from secretkit.resources import (
    KEY,
    PARAMETER,
    REPLICA_KEY,
    SECRET,
    SECRET_POLICY,
    SECRET_ROTATION,
    ResourceView,
    policy_document,
    principal_accounts,
)

# --- resource types and where their policy documents live ----------------------------------------

IAM_POLICY = "aws:iam/policy:Policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
ROLE = "aws:iam/role:Role"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
STACK = "pulumi:pulumi:Stack"

DocumentKind = Literal["identity", "key", "resource"]

#: Resource type -> what its ``policy`` property is. Roles carry identity policies in
#: ``inlinePolicies[].policy`` as well.
POLICY_PROPERTY_KINDS: Final[dict[str, DocumentKind]] = {
    IAM_POLICY: "identity",
    ROLE_POLICY: "identity",
    USER_POLICY: "identity",
    GROUP_POLICY: "identity",
    KEY: "key",
    REPLICA_KEY: "key",
    KEY_POLICY: "key",
    SECRET: "resource",
    SECRET_POLICY: "resource",
}
DOCUMENT_TYPES: Final = frozenset({*POLICY_PROPERTY_KINDS, ROLE})

#: Services whose actions must never be granted by wildcard.
GUARDED_SERVICES: Final = ("secretsmanager", "ssm", "kms")
#: AWS managed keys are named by aliases under ``alias/aws/``; they cannot be shared.
AWS_MANAGED_ALIAS_PREFIX: Final = "alias/aws/"
_ACCOUNT_RE = re.compile(r"^\d{12}$")

ACCOUNT_CONFIG: Final = PolicyConfigSchema(
    properties={
        "accountId": {
            "type": "string",
            "pattern": "^[0-9]{12}$",
            "description": "The stack's AWS account. Optional: otherwise read from the secrets' "
            "ARNs, which a first preview does not know yet.",
        }
    }
)


# --- engine values ------------------------------------------------------------------------------


class _Unknown:
    """A value the engine cannot know during a preview (it depends on another resource)."""

    def __repr__(self) -> str:
        return "<unknown during preview>"


UNKNOWN: Final = _Unknown()
#: The engine's placeholders for unknown values, for values that reach us without its proxy.
_UNKNOWN_SENTINELS: Final = frozenset(
    {
        proxy.UNKNOWN_BOOLEAN_VALUE,
        proxy.UNKNOWN_NUMBER_VALUE,
        proxy.UNKNOWN_STRING_VALUE,
        proxy.UNKNOWN_ARRAY_VALUE,
        proxy.UNKNOWN_ASSET_VALUE,
        proxy.UNKNOWN_ARCHIVE_VALUE,
        proxy.UNKNOWN_OBJECT_VALUE,
    }
)


def lookup(container: Any, key: Any) -> Any:
    """``container[key]`` as plain data; :data:`UNKNOWN` when the engine does not know it yet,
    None when it is absent."""
    try:
        value = container[key]
    except proxy.UnknownValueError:
        return UNKNOWN
    except (KeyError, IndexError, TypeError):
        return None
    if isinstance(value, str) and value in _UNKNOWN_SENTINELS:
        return UNKNOWN
    return value


def plain(value: Any) -> Any:
    """The engine's proxied mappings and sequences as dicts and lists, unknown values as None
    (so checks written for plain documents skip them instead of raising)."""
    if isinstance(value, Mapping):
        return {str(key): _known(lookup(value, key)) for key in value}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_known(lookup(value, index)) for index in range(len(value))]
    if isinstance(value, str) and value in _UNKNOWN_SENTINELS:
        return None
    return value


def _known(value: Any) -> Any:
    return None if value is UNKNOWN else plain(value)


# --- policy documents ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """A policy document found on a resource: where it is, what kind, and its content."""

    where: str
    kind: DocumentKind
    content: dict[str, Any]


def documents(resource_type: str, props: Mapping[str, Any]) -> list[Document]:
    """The known policy documents of a resource (JSON text or dicts); unknown ones are skipped."""
    found: list[Document] = []
    kind = POLICY_PROPERTY_KINDS.get(resource_type)
    if kind is not None:
        content = policy_document(_known(lookup(props, "policy")))
        if content is not None:
            found.append(Document("policy", kind, content))
    if resource_type == ROLE:
        inline = _known(lookup(props, "inlinePolicies"))
        for index, entry in enumerate(inline if isinstance(inline, list) else []):
            if not isinstance(entry, dict):
                continue
            content = policy_document(entry.get("policy"))
            if content is not None:
                name = f" ({entry['name']})" if entry.get("name") else ""
                found.append(Document(f"inlinePolicies[{index}]{name}", "identity", content))
    return found


def _statements(document: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, statement) for each Allow statement, labelled as violations() labels them."""
    statements = document.get("Statement", [])
    for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
        if isinstance(statement, dict) and statement.get("Effect") == "Allow":
            yield str(statement.get("Sid") or f"statement {index}"), statement


def _as_strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str)]


def _is_wildcard(action: str) -> bool:
    return "*" in action or "?" in action


def guarded_wildcards(actions: Sequence[str]) -> list[str]:
    """The wildcard actions that can match actions of secretsmanager, ssm or kms."""
    found = []
    for action in actions:
        if not _is_wildcard(action):
            continue
        service, colon, _ = action.strip().partition(":")
        if colon:
            covers = any(iam_pattern(service).fullmatch(s) for s in GUARDED_SERVICES)
        else:  # "*", "kms*", "*Decrypt": the literal text before the first wildcard decides
            prefix = re.split(r"[*?]", action.strip(), maxsplit=1)[0].lower()
            covers = any(f"{s}:".startswith(prefix) for s in GUARDED_SERVICES)
        if covers:
            found.append(action)
    return found


def wildcard_findings(document: Document) -> list[str]:
    """Allow statements granting secretsmanager, ssm or kms actions by wildcard or NotAction."""
    found: list[str] = []
    for label, statement in _statements(document.content):
        narrowed: dict[str, Any] = {
            "Sid": label,
            "Effect": "Allow",
            "Action": guarded_wildcards(_as_strings(statement.get("Action", []))),
        }
        if "NotAction" in statement:
            narrowed["NotAction"] = statement["NotAction"]
        elif not narrowed["Action"]:
            continue
        # key_policy=True: only the action rules apply here; resources are the next policy's.
        found += violations({"Statement": [narrowed]}, key_policy=True)
    return found


def granted_reads(statement: Mapping[str, Any]) -> list[str]:
    """The data actions (secret and parameter reads and writes, key use) a statement allows,
    through Action names and patterns or by NotAction omission."""
    if "NotAction" in statement:
        excluded = [iam_pattern(a.strip()) for a in _as_strings(statement["NotAction"])]
        return [a for a in DATA_ACTIONS if not any(p.fullmatch(a) for p in excluded)]
    return data_actions(_as_strings(statement.get("Action", [])))


def star_read_findings(document: Document) -> list[str]:
    """Identity-policy statements allowing data actions on more than one resource: on
    ``Resource: "*"``, on a partial wildcard (``secret:prod/*``, ``key/*``), or through
    NotResource."""
    if document.kind != "identity":
        return []  # in key and secret policies the Resource is the key or secret itself
    found: list[str] = []
    for label, statement in _statements(document.content):
        reads = granted_reads(statement)
        if not reads:
            continue
        if "NotResource" in statement:
            found.append(f"{label}: NotResource grants {', '.join(reads)} on every other resource")
            continue
        resources = _as_strings(statement.get("Resource", []))
        narrowed = {"Sid": label, "Effect": "Allow", "Action": reads, "Resource": resources}
        # violations() also asks for kms:ViaService; this policy judges the resources alone.
        found += [
            f
            for f in violations({"Statement": [narrowed]})
            if "Resource '*'" in f or "wildcard resource" in f
        ]
    return found


# --- rotation -----------------------------------------------------------------------------------


def rotation_findings(rules: Mapping[str, Any]) -> list[str]:
    """Problems with a SecretRotation's ``rotationRules``; unknown values are not judged."""
    # Empty strings and a 0 next to a schedule are how the provider's state spells "unset".
    expression = rules.get("scheduleExpression") or None
    duration = rules.get("duration") or None
    days = validation.whole_number(rules.get("automaticallyAfterDays"))
    if days == 0 and expression is not None:
        days = None
    found: list[str] = []
    if days is not None and expression is not None:
        found.append(
            "rotationRules sets both automaticallyAfterDays and scheduleExpression; AWS takes one"
        )
    windows: validation.RotationWindows | None = None
    try:
        if days is not None:
            validation.require_int(
                "rotationRules.automaticallyAfterDays",
                days,
                1,
                validation.ROTATION_MAX_DAYS,
                "days",
            )
            windows = validation.RotationWindows(days * 24, 0)
    except InvalidArgumentError as error:
        found.append(str(error))
    try:
        if expression is not None:
            windows = validation.rotation_schedule("rotationRules.scheduleExpression", expression)
    except InvalidArgumentError as error:
        found.append(str(error))
    try:
        if duration is not None:
            validation.rotation_duration(
                "rotationRules.duration",
                duration,
                windows.interval_hours if windows else None,
                windows.latest_start_hour if windows else 0,
            )
    except InvalidArgumentError as error:
        found.append(str(error))
    return found


# --- stacks -------------------------------------------------------------------------------------


def account_of(arn: Any) -> str | None:
    """The account in an ARN, when the ARN is known and names one."""
    if not isinstance(arn, str):
        return None
    parts = arn.split(":")
    if len(parts) > 4 and _ACCOUNT_RE.match(parts[4]):
        return parts[4]
    return None


def view_of(resource: PolicyResource) -> ResourceView:
    """The project's view of a resource the engine sent (unknown values left out)."""
    parent = (
        resource.parent.urn if resource.parent is not None else getattr(resource.opts, "parent", "")
    )
    props = plain(resource.props)
    return ResourceView(
        type=resource.resource_type,
        name=resource.name,
        urn=resource.urn,
        parent=parent or "",
        props=props if isinstance(props, dict) else {},
        # The engine does not say which resources are components; secretkit's are its own.
        custom=not resource.resource_type.startswith("secretkit:"),
        ignore_changes=tuple(getattr(resource.opts, "ignore_changes", None) or ()),
    )


def stack_views(resources: Sequence[PolicyResource]) -> list[ResourceView]:
    """Views of the stack's resources, without the stack and providers (as under mocks)."""
    return [
        view_of(r)
        for r in resources
        if r.resource_type != STACK and not r.resource_type.startswith("pulumi:providers:")
    ]


def stack_account(views: Sequence[ResourceView], config: Mapping[str, Any]) -> str | None:
    """The stack's account: the ``accountId`` policy config, else the one account named by the
    ARNs the stack's resources already have (none on a first preview)."""
    configured = config.get("accountId")
    if isinstance(configured, str) and _ACCOUNT_RE.match(configured):
        return configured
    accounts = {account_of(view.prop("arn")) for view in views} - {None}
    return accounts.pop() if len(accounts) == 1 else None


def _policies_of(
    secret: PolicyResource, resources: Sequence[PolicyResource]
) -> list[dict[str, Any]]:
    """The secret's own policy and those of SecretPolicy resources attached to it, matched by
    ARN or, while the ARN is unknown, by the engine's property dependencies."""
    found = [policy_document(_known(lookup(secret.props, "policy")))]
    identifiers = {_known(lookup(secret.props, key)) for key in ("arn", "id")} - {None}
    for attached in resources:
        if attached.resource_type != SECRET_POLICY:
            continue
        target = _known(lookup(attached.props, "secretArn"))
        depends = attached.property_dependencies.get("secretArn", [])
        if target in identifiers or any(d.urn == secret.urn for d in depends):
            found.append(policy_document(_known(lookup(attached.props, "policy"))))
    return [document for document in found if document is not None]


def customer_managed(kms_key_id: Any) -> bool:
    """Whether ``kmsKeyId`` names a customer managed key. Unknown during a preview counts: it
    comes from a key this program creates, while AWS managed keys go by their (known) alias."""
    if kms_key_id is UNKNOWN:
        return True
    if not isinstance(kms_key_id, str) or not kms_key_id.strip():
        return False
    alias = kms_key_id.strip().split(":")[-1]  # alias/aws/x, or an alias ARN's last part
    return not alias.startswith(AWS_MANAGED_ALIAS_PREFIX)


def cross_account_findings(
    resources: Sequence[PolicyResource], config: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(urn, message) for each secret other accounts may read that AWS's own key encrypts."""
    account = stack_account(stack_views(resources), config)
    found: list[tuple[str, str]] = []
    for secret in resources:
        if secret.resource_type != SECRET:
            continue
        own_account = account_of(_known(lookup(secret.props, "arn"))) or account
        others: set[str] = set()
        for document in _policies_of(secret, resources):
            accounts = principal_accounts(document)
            # Without the stack's account only "anyone" is surely someone else.
            others |= (accounts - {own_account}) if own_account else (accounts & {"*"})
        if not others:
            continue
        kms_key_id = lookup(secret.props, "kmsKeyId")
        if customer_managed(kms_key_id):
            continue
        key = (
            f"its kmsKeyId {kms_key_id!r} is an AWS managed key"
            if kms_key_id
            else "it has no kmsKeyId, so the AWS managed key aws/secretsmanager encrypts it"
        )
        readers = ", ".join("anyone ('*')" if a == "*" else f"account {a}" for a in sorted(others))
        found.append(
            (
                secret.urn,
                f"secret {secret.name} lets {readers} read it, but {key}, and other accounts "
                "cannot decrypt with AWS managed keys: set kmsKeyId to a customer managed key "
                "whose key policy lets those readers decrypt through Secrets Manager",
            )
        )
    return found


# --- the policies -------------------------------------------------------------------------------


def _report_documents(
    args: ResourceValidationArgs,
    report_violation: ReportViolation,
    check: Callable[[Document], list[str]],
) -> None:
    if args.resource_type not in DOCUMENT_TYPES:
        return
    for document in documents(args.resource_type, args.props):
        for finding in check(document):
            report_violation(f"{document.where}: {finding}", None)


def validate_no_wildcard_actions(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """No wildcard actions or NotAction over secretsmanager, ssm or kms, in any policy."""
    _report_documents(args, report_violation, wildcard_findings)


def validate_no_star_reads(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """No secret reads on Resource "*" in identity policies."""
    _report_documents(args, report_violation, star_read_findings)


def validate_configuration_reads(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """AppConfig configuration reads on named configurations only, in identity policies."""

    def check(document: Document) -> list[str]:
        if document.kind != "identity":
            return []
        return configuration_read_findings(document.content)

    _report_documents(args, report_violation, check)


def validate_rotation_schedule(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """Rotation rules within AWS's bounds."""
    if args.resource_type != SECRET_ROTATION:
        return
    rules = _known(lookup(args.props, "rotationRules"))
    if not isinstance(rules, dict):
        return  # unknown during the preview, or absent (the provider reports that)
    for finding in rotation_findings(rules):
        report_violation(finding, None)


def validate_cross_account_cmk(
    args: StackValidationArgs, report_violation: ReportViolation
) -> None:
    """Secrets other accounts may read use a customer managed key."""
    for urn, message in cross_account_findings(args.resources, args.get_config()):
        report_violation(message, urn)


#: Properties that may carry the ARN of a resource-policy document's owner, by resource type.
OWNER_ARN_PROPERTIES: Final = ("arn", "secretArn", "keyId")


def grant_owner_account(props: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    """The account whose key or secret a document guards: the ``accountId`` policy config, else
    the account in the resource's (or its secret's or key's) ARN, once known."""
    configured = config.get("accountId")
    if isinstance(configured, str) and _ACCOUNT_RE.match(configured):
        return configured
    for name in OWNER_ARN_PROPERTIES:
        account = account_of(_known(lookup(props, name)))
        if account is not None:
            return account
    return None


def cross_account_grant_findings(
    resource_type: str, props: Mapping[str, Any], config: Mapping[str, Any]
) -> list[str]:
    """The cross-account grant rule on one resource's key or resource policy, and a
    SecretPolicy's blockPublicPolicy."""
    found: list[str] = []
    if resource_type == SECRET_POLICY:
        block = lookup(props, "blockPublicPolicy")
        if block is not UNKNOWN and block is not True:
            found.append(
                "blockPublicPolicy must be true, so that AWS refuses a policy granting broad "
                "access to the secret"
            )
    own_account = grant_owner_account(props, config)
    for document in documents(resource_type, props):
        if document.kind == "identity":
            continue
        findings = grant_findings(
            document.content, key_policy=document.kind == "key", own_account=own_account
        )
        found += [f"{document.where}: {finding}" for finding in findings]
    return found


def validate_cross_account_grants(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """Grants to other accounts are exact and conditioned; SecretPolicy blocks public ones."""
    if args.resource_type not in DOCUMENT_TYPES:
        return
    for finding in cross_account_grant_findings(args.resource_type, args.props, args.get_config()):
        report_violation(finding, None)


#: The resource types each advisor rule reports on.
ADVISOR_RULE_TYPES: Final = {
    "unrotated-secret": frozenset({SECRET}),
    "oversized-secure-string": frozenset({PARAMETER}),
    "single-parameter-key": frozenset({KEY, REPLICA_KEY}),
    "dynamic-parameter-store-value": frozenset({PARAMETER}),
}


def advisor_validation(rule: str) -> StackValidation:
    """A stack validation reporting the advisor's findings of one rule, with their saving."""
    types = ADVISOR_RULE_TYPES[rule]

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        views = stack_views(args.resources)
        account = stack_account(views, args.get_config()) or ""
        for finding in advise(views, account):
            if finding.rule != rule:
                continue
            urns = [v.urn for v in views if v.name == finding.resource and v.type in types]
            saving = f"${finding.monthly_saving:.2f}"
            # The advisor's messages usually state the saving; say it where they do not.
            message = finding.message
            if saving not in message:
                message += f" (saving: {saving}/month)"
            report_violation(message, urns[0] if len(urns) == 1 else None)

    return validate


NO_WILDCARD_ACTIONS: Final = ResourceValidationPolicy(
    name="no-wildcard-secret-actions",
    description="IAM, KMS key and secret policies name secretsmanager, ssm and kms actions one by "
    "one: no '*', 'kms:*', 'ssm:Get*' or NotAction.",
    validate=validate_no_wildcard_actions,
    enforcement_level=EnforcementLevel.MANDATORY,
)
NO_STAR_SECRET_READS: Final = ResourceValidationPolicy(
    name="no-wildcard-resource-secret-reads",
    description="Identity policies grant secret and parameter reads and writes and KMS key use "
    "(GetSecretValue, PutSecretValue, GetParameter(s), PutParameter, kms:Decrypt, ...) on named "
    'resources: never Resource "*", a partial wildcard such as secret:prod/* or key/*, or '
    "NotResource (secret:<name>-?????? names one secret and passes).",
    validate=validate_no_star_reads,
    enforcement_level=EnforcementLevel.MANDATORY,
)
CONFIGURATION_READS_EXACT: Final = ResourceValidationPolicy(
    name="appconfig-reads-exact",
    description="Identity policies grant appconfig:StartConfigurationSession and "
    "GetLatestConfiguration on named configurations "
    '(application/<id>/environment/<id>/configuration/<profile id>): never Resource "*", a '
    "wildcard in the ids, or NotResource.",
    validate=validate_configuration_reads,
    enforcement_level=EnforcementLevel.MANDATORY,
)
ROTATION_SCHEDULE: Final = ResourceValidationPolicy(
    name="rotation-schedule-within-aws-bounds",
    description=f"Secret rotation runs between every {validation.ROTATION_MIN_HOURS} hours and "
    f"every {validation.ROTATION_MAX_DAYS} days (automaticallyAfterDays 1-"
    f"{validation.ROTATION_MAX_DAYS}, rate(), or a cron() in AWS's grammar that fires on the "
    f"hour, at least {validation.ROTATION_MIN_HOURS} hours apart), in a 1h-24h window that "
    "ends by midnight UTC.",
    validate=validate_rotation_schedule,
    enforcement_level=EnforcementLevel.MANDATORY,
)
CROSS_ACCOUNT_CMK: Final = StackValidationPolicy(
    name="cross-account-secrets-use-cmk",
    description="Secrets whose resource policy lets other accounts read them are encrypted with a "
    "customer managed KMS key (AWS managed keys cannot be shared).",
    validate=validate_cross_account_cmk,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=ACCOUNT_CONFIG,
)
CROSS_ACCOUNT_GRANTS: Final = ResourceValidationPolicy(
    name="cross-account-grants-exact",
    description="Secret and KMS key policies name each principal of another account exactly "
    "(principal '*' only with a condition on aws:PrincipalOrgID, aws:PrincipalAccount or "
    "aws:PrincipalArn), grant it no wildcard action or NotAction, and condition its KMS use on "
    "kms:ViaService and the encryption context; SecretPolicy keeps blockPublicPolicy true. "
    "Without the accountId config, principals are judged foreign once the resource's ARN is "
    "known ('*' always).",
    validate=validate_cross_account_grants,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=ACCOUNT_CONFIG,
)
UNROTATED_SECRET: Final = StackValidationPolicy(
    name="unrotated-secret",
    description="A Secrets Manager secret that is not rotated, replicated or shared across "
    "accounts costs money a SecureParameter would not.",
    validate=advisor_validation("unrotated-secret"),
    enforcement_level=EnforcementLevel.ADVISORY,
    config_schema=ACCOUNT_CONFIG,
)
OVERSIZED_SECURE_STRING: Final = StackValidationPolicy(
    name="oversized-secure-string",
    description="A SecureString over 4 KB forces the billed Advanced tier.",
    validate=advisor_validation("oversized-secure-string"),
    enforcement_level=EnforcementLevel.ADVISORY,
)
SINGLE_PARAMETER_KEY: Final = StackValidationPolicy(
    name="single-parameter-key",
    description=f"A customer managed key serving a single parameter costs "
    f"${PRICES.kms_key_month:.2f}/month the free aws/ssm key would not.",
    validate=advisor_validation("single-parameter-key"),
    enforcement_level=EnforcementLevel.ADVISORY,
)
DYNAMIC_PARAMETER_STORE_VALUE: Final = StackValidationPolicy(
    name="dynamic-parameter-store-value",
    description="A non-secret parameter whose value the program leaves to be changed outside it "
    "(ignore_changes) changes at run time: a DynamicParameter (AWS AppConfig) validates each "
    "change, rolls it out in stages and rolls it back on an alarm.",
    validate=advisor_validation("dynamic-parameter-store-value"),
    enforcement_level=EnforcementLevel.ADVISORY,
)
ROTATION_WITHOUT_ALARM: Final = StackValidationPolicy(
    name="rotation-without-alarm",
    description="A rotating secret has an EventBridge rule on its RotationFailed events (a "
    "failed rotation is otherwise silent).",
    validate=lambda args, report: validate_rotation_alarms(args, report, plain),
    enforcement_level=EnforcementLevel.ADVISORY,
)

#: Every policy of the pack, mandatory first.
POLICIES: Final[list[Policy]] = [
    NO_WILDCARD_ACTIONS,
    NO_STAR_SECRET_READS,
    CONFIGURATION_READS_EXACT,
    ROTATION_SCHEDULE,
    CROSS_ACCOUNT_CMK,
    CROSS_ACCOUNT_GRANTS,
    UNROTATED_SECRET,
    OVERSIZED_SECURE_STRING,
    SINGLE_PARAMETER_KEY,
    DYNAMIC_PARAMETER_STORE_VALUE,
    ROTATION_WITHOUT_ALARM,
]
