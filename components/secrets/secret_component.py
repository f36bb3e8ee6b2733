"""What every Secrets Manager component shares: key, secret, initial value, rotation, readers."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from rotation_handlers.password_generator import generate_password
from rotation_handlers.protocol import STRATEGY_TAG
from secretkit.components import program_body, validation
from secretkit.components.aws_context import AwsContext
from secretkit.components.component import Component
from secretkit.components.errors import InvalidArgumentError, located_at
from secretkit.components.iam import grants, stand_ins
from secretkit.components.iam.arns import AccountScope, secret_arn_pattern
from secretkit.components.iam.cross_account import (
    foreign_decrypt_statement,
    foreign_read_statement,
    organization_decrypt_statement,
    organization_read_statement,
    reader_identity_policy,
)
from secretkit.components.iam.documents import Statement
from secretkit.components.iam.foreign_readers import (
    AccountOf,
    ReaderOrganization,
    ReaderSplit,
    principal_of,
    principal_text,
    shown,
    split_readers,
)
from secretkit.components.iam.late_readers import LateReaders
from secretkit.components.iam.reader import secret_read_policy
from secretkit.components.iam.replicas import SecretLocation
from secretkit.components.input_gate import InputGate
from secretkit.components.key_choice import ChosenKey, choose_key
from secretkit.components.rotation.function_code import code_environment_bounds
from secretkit.components.rotation.function_settings import (
    check_environment_later,
    refuse_secret_values,
)
from secretkit.components.rotation.lambda_function import FunctionResources
from secretkit.components.secrets.resource_policy import merged_policy
from secretkit.components.secrets.rotating_secret_args import (
    RotatingSecretSettings,
    check_region,
    depends_on_region,
    transition_keys_of,
)
from secretkit.components.secrets.rotation_spec import rotation_warnings
from secretkit.components.secrets.secret_plan import ReplicaPlan, SecretPlan
from secretkit.components.secrets.secret_rotation import (
    OwnFunction,
    register_own_function,
    register_schedule,
)
from secretkit.components.strategies import CUSTOM_TAG_PREFIX

#: What to do when grant_read cannot add a reader in another account to the documents.
LATE_GRANT_REMEDY = "give it in readers, or call grant_read in the code that built the component"
#: What an Output given to grant_read that names another account's role should have been.
FOREIGN_GRANT_REMEDY = (
    "an Output is granted as a role of the deploying account; a reader in another account is "
    "named in the secret's resource policy and key policy: give its ARN as a string, or the "
    "aws.iam.Role, to grant_read or readers (secretkit will not grant the role of the same "
    "name in this account instead)"
)
#: What a secret's grant_read returns: the inline policy, or the resource policy naming the
#: reader in another account.
SecretGrant = grants.Grant | aws.secretsmanager.SecretPolicy


@dataclass(frozen=True)
class RegisteredSecret:
    """The secret, its initial version, and where its replicas are."""

    secret: aws.secretsmanager.Secret
    initial_version: aws.secretsmanager.SecretVersion
    replicas: list[SecretLocation]


@dataclass(frozen=True)
class RegisteredRotation:
    """The function rotating the secret (its own or the shared one's) and the schedule."""

    function: FunctionResources
    schedule: aws.secretsmanager.SecretRotation


@dataclass(frozen=True)
class ReadAccess:
    """What a reader's grant names: the secret, its key, and its replicas."""

    secret_arn: pulumi.Output[str]
    key_arn: pulumi.Input[str] | None
    """None: the AWS managed key aws/secretsmanager (a secret created elsewhere)."""
    region: pulumi.Output[str]
    replicas: Sequence[SecretLocation]
    transition_key_arns: Sequence[str] = ()
    """The other key of the primary's key change in progress (transition_kms_key_arns)."""


class SecretComponent(Component):
    """Base of RotatingSecret, CrossRegionReplicatedSecret and ExistingSecret (not used on its
    own).

    A subclass parses its arguments into a SecretPlan, then registers it: open_gate, the key
    (register_primary_key), the secret (register_secret), the rotation (register_rotation), and
    _keep_built for its readers' grants; each step takes what the steps before it returned.
    """

    secret_arn: pulumi.Output[str]
    secret_name: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]

    def kms_key_arn_in(self, region: str | None) -> pulumi.Output[str] | None:
        """The key that encrypts the secret's copy in ``region`` (None: the secret's own
        region): the component's key; CrossRegionReplicatedSecret answers each replica's, and
        ExistingSecret None for the AWS managed key aws/secretsmanager."""
        del region
        return self.kms_key_arn

    def _keep_built(
        self,
        plan: SecretPlan,
        context: AwsContext,
        key: ChosenKey,
        secret: RegisteredSecret,
        rotation: RegisteredRotation | None,
        *,
        readers: ReaderSplit,
    ) -> None:
        """Keep what was registered (the attributes programs may reach), grant each local reader
        of the arguments read access, and register the secret's resource policy when it holds
        more than a shared function's grant (register_secret left it out then)."""
        self.kms_key = key.created
        self.secret = secret.secret
        self.initial_version = secret.initial_version
        if rotation is not None:
            self.rotation = rotation.schedule
        self._plan, self._secret = plan, secret
        read = ReadAccess(
            secret.secret.arn,
            key.arn,
            context.region,
            secret.replicas,
            transition_keys_of(plan.settings),
        )
        self._keep_readers(plan.where, context, read, readers)
        if resource_policy_statements(plan, secret, readers):
            self._register_resource_policy()

    def _keep_readers(
        self, where: str, context: AwsContext, read: ReadAccess, readers: ReaderSplit
    ) -> None:
        """Keep what grant_read needs, and grant each local reader of the arguments."""
        self.context = context
        self._read = read
        self._grants = grants.Grants(
            self,
            where,
            "secret",
            account=context.account_id,
            readers=readers.local,
            foreign_remedy=FOREIGN_GRANT_REMEDY,
        )
        self._accounts = readers.accounts or AccountOf(self)
        self._readers = readers
        for reader in readers.local:
            self._grant_local(reader)
        self.resource_policy: aws.secretsmanager.SecretPolicy | None = None

    def _resource_policy_statements(self, late: Sequence[pulumi.Input[str]]) -> list[Statement]:
        """What the secret's resource policy holds, with ``late``, the readers in other
        accounts that grant_read added."""
        return resource_policy_statements(self._plan, self._secret, self._readers, late)

    def _register_resource_policy(self) -> aws.secretsmanager.SecretPolicy:
        """The secret's resource policy, built once the program code that built the component
        has returned (with the readers grant_read added meanwhile)."""
        where = self._grants.where
        self.resource_policy = aws.secretsmanager.SecretPolicy(
            f"{self.pulumi_resource_name}-policy",
            secret_arn=self._read.secret_arn,
            policy=self._readers.late.document(
                lambda late: merged_policy(where, self._resource_policy_statements(late))
            ),
            block_public_policy=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return self.resource_policy

    def grant_read(self, role: grants.GranteeRef) -> SecretGrant:
        """Let ``role`` read this secret and nothing else. Granting it again returns the first
        grant.

        A role, user or group of the deploying account (a role's name, ARN, aws.iam.Role, or an
        Output of its name or ARN; an aws.iam.User or aws.iam.Group, or its ARN) gets an inline
        policy, returned: GetSecretValue and DescribeSecret on the secret (and its replicas);
        kms:Decrypt on the key of each region, only through Secrets Manager in that region and
        only for that region's copy of the secret (its encryption context). Named
        ``<name>-read-<role>``, ``-read-user-<user>``, ``-read-group-<group>``, or
        ``-read-output_<n>`` for the n-th Output granted.

        A reader in another account (a role or user ARN or an account id of another account,
        an aws.iam.Role of another account's provider) is named, as a ``readers`` entry is, in
        the secret's resource policy and in the policy of each key the component created; the
        SecretPolicy is returned (registered now if the component had none). Those documents
        are built once the program code that built the component has returned, so call
        grant_read there: a call after that (inside an ``apply``, after an ``await`` in
        ``pulumi.run``) is refused, as is one for a key the component did not create (the
        message prints the statement the key's owner must add). An Output is always taken for
        a role of the deploying account.
        """
        try:
            if isinstance(role, str | aws.iam.Role):
                principal = principal_of("role", role, self._accounts, self.context.partition)
                if principal is not None:
                    return self._grant_foreign(role, principal)
        except InvalidArgumentError as error:
            raise error.located(self._grants.where) from None
        return self._grant_local(role)

    def _grant_foreign(
        self, role: str | aws.iam.Role, principal: pulumi.Input[str]
    ) -> aws.secretsmanager.SecretPolicy:
        readers = self._readers
        late = readers.late
        given = shown(role)
        if given in readers.shown or given in late.shown:
            assert self.resource_policy is not None
            return self.resource_policy
        value = role if isinstance(role, str) else given
        if late.built:
            raise validation.fail(
                "role",
                value,
                "is a reader in another account, granted after the secret's resource policy "
                "and key policy were built (once the program code that built the component "
                f"returned): {LATE_GRANT_REMEDY}",
            )
        self._check_foreign_grant(value, given)
        late.add(principal, given)
        return self.resource_policy or self._register_resource_policy()

    def _check_foreign_grant(self, value: object, given: str) -> None:
        """Refuse a reader in another account that the key or the resource policy cannot
        name (``value`` as given, ``given`` as shown in messages)."""
        plan, readers = self._plan, self._readers
        late = readers.late
        if readers.given_keys and not plan.settings.key_policy_allows_foreign_readers:
            # The key's statement must name every reader in another account, this one included.
            everyone = [*readers.shown, *late.shown, given]
            raise given_key_refusal(plan, readers, "role", value, everyone)
        if self.resource_policy is None and plan.shared is not None:
            # The member's resource policy is an input of the secret, registered already.
            raise validation.fail(
                "role",
                value,
                "is a reader in another account, but this member of a shared RotationFunction "
                f"set its resource policy on the secret when it was built: {LATE_GRANT_REMEDY}",
            )

    def _grant_local(self, role: grants.GranteeRef) -> grants.Grant:
        read = self._read
        return self._grants.grant(
            role,
            lambda: secret_read_policy(
                read.secret_arn, read.key_arn, read.region, read.replicas, read.transition_key_arns
            ),
            estimate=self._read_estimate,
        )

    def _read_estimate(self) -> dict[str, Any]:
        """The reader's grant with stand-in ARNs as long as the real ones (stand_ins)."""
        read, owner = self._read, self.pulumi_resource_name
        region = stand_ins.region(self.known_region)
        name = self._estimated_secret_name()
        replicas = [
            SecretLocation(
                there,
                stand_ins.secret_arn(there, name),
                stand_ins.key_arn(there, replica.key_arn, f"{owner}-{there}"),
            )
            for replica in read.replicas
            for there in [stand_ins.region(replica.region)]
        ]
        return secret_read_policy(
            stand_ins.secret_arn(region, name),
            None if read.key_arn is None else stand_ins.key_arn(region, read.key_arn, owner),
            region,
            replicas,
            read.transition_key_arns,
        )

    def _estimated_secret_name(self) -> str:
        """The secret's name, as the stand-in ARNs of _read_estimate carry it."""
        return self._plan.settings.secret_name

    def reader_identity_policy(self) -> pulumi.Output[str]:
        """The identity policy (JSON) a reader's role needs in its own account: the other half
        of a cross-account grant (components.reader_identity_policy for this secret)."""
        read = self._read
        return pulumi.Output.json_dumps(
            reader_identity_policy(
                read.secret_arn, read.key_arn, read.region, read.replicas, read.transition_key_arns
            )
        )


def resource_policy_statements(
    plan: SecretPlan,
    secret: RegisteredSecret,
    readers: ReaderSplit,
    late: Sequence[pulumi.Input[str]] = (),
) -> list[Statement]:
    """What the secret's own resource policy holds, when it holds more than a shared function's
    grant alone: that grant, the foreign readers' statement (those of the arguments, then
    ``late``, those grant_read added), the user's statements. Empty otherwise (nothing new is
    registered)."""
    settings = plan.settings
    if not late and not owns_resource_policy(plan, readers):
        return []
    return secret_policy_statements(
        plan.shared.member_statement(settings.secret_name) if plan.shared is not None else None,
        [secret.secret.arn, *(r.secret_arn for r in secret.replicas)],
        [*readers.foreign, *late],
        settings.reader_organization,
        settings.resource_policy_statements,
    )


def secret_policy_statements(
    member: Statement | None,
    arns: Sequence[pulumi.Input[str]],
    principals: Sequence[pulumi.Input[str]],
    organization: ReaderOrganization | None,
    own: Sequence[Statement],
) -> list[Statement]:
    """A secret's resource policy: a shared function's ``member`` grant, the readers in other
    accounts (``principals``) and the ``organization`` on the secret's ``arns`` (its replicas'
    too), then the user's ``own`` statements."""
    statements = [member] if member is not None else []
    if principals:
        statements.append(foreign_read_statement(principals, arns))
    if organization is not None:
        statements.append(
            organization_read_statement(organization.organization_id, organization.paths, arns)
        )
    return [*statements, *own]


def has_foreign_readers(plan: SecretPlan, readers: ReaderSplit) -> bool:
    """Readers in other accounts, or an organization's."""
    return bool(readers.foreign or plan.settings.reader_organization)


def owns_resource_policy(plan: SecretPlan, readers: ReaderSplit) -> bool:
    """Whether the component registers the secret's resource policy as a SecretPolicy."""
    return has_foreign_readers(plan, readers) or bool(plan.settings.resource_policy_statements)


def sort_readers(
    parent: pulumi.Resource,
    plan: SecretPlan,
    context: AwsContext,
    region: str | None,
    given_keys: Sequence[tuple[str, str | None]] = (),
) -> ReaderSplit:
    """The readers sorted into local roles and foreign principals (asking the provider for the
    deploying account only when a reader is an ARN, an account id or another provider's role).

    A foreign reader needs the key policy of each key to name it: refused (InvalidArgumentError,
    printing the statement the key's owner must add) when a key was not created here
    (``given_keys``: (argument, region) of each given replica key; the primary's is
    kms_key_arn, or the shared function's) unless key_policy_allows_foreign_readers.
    """
    settings = plan.settings
    accounts = AccountOf(parent)
    split = located_at(
        plan.where,
        lambda: split_readers("readers", settings.readers, accounts, context.partition, plan.where),
    )
    split.accounts = accounts
    split.late = LateReaders(program_body.program_frame())
    given = list(given_keys)
    if plan.shared is not None:
        given.insert(0, ("rotation.function", region))
    elif plan.key.given is not None:
        given.insert(0, ("kms_key_arn", region))
    split.given_keys = given
    if not has_foreign_readers(plan, split) or settings.key_policy_allows_foreign_readers:
        return split
    if given:
        organization = settings.reader_organization
        argument_name, value = (
            ("readers", split.shown)
            if split.foreign or organization is None
            else ("reader_organization_id", organization.organization_id)
        )
        raise given_key_refusal(plan, split, argument_name, value, split.shown)
    return split


def given_key_refusal(
    plan: SecretPlan, split: ReaderSplit, argument: str, value: object, shown: Sequence[str]
) -> InvalidArgumentError:
    """The refusal of readers in other accounts (``shown``) when a key was not created by the
    component: the statement its owner must add, and key_policy_allows_foreign_readers."""
    key_argument, key_region = split.given_keys[0]
    return validation.fail(
        argument,
        value,
        f"names readers in other accounts, but the key of {key_argument} was not created by "
        "this component, so it cannot add their Decrypt grant. Ask the key's owner to add "
        f"to its key policy:\n{foreign_key_statement_text(plan, shown, key_region)}\n"
        "then set key_policy_allows_foreign_readers=True (or let the component create the "
        "key)",
    ).located(plan.where)


def foreign_key_statement_text(plan: SecretPlan, shown: Sequence[str], region: str | None) -> str:
    """The key policy statement a given key needs for the foreign readers, as JSON text."""
    where = region or "<region>"
    pattern = (
        f"arn:<partition>:secretsmanager:{where}:<account>:secret:"
        f"{plan.settings.secret_name}-??????"
    )
    principals = [principal_text(reader) for reader in shown]
    statements = key_statements(plan, principals, pattern, where)
    return "\n".join(json.dumps(statement, indent=2) for statement in statements)


def foreign_key_statements(
    plan: SecretPlan, readers: ReaderSplit, scope: AccountScope
) -> pulumi.Output[list[Statement]]:
    """The statements a key the component creates in ``scope``'s region holds for the readers
    in other accounts (those of the arguments, then those grant_read adds while the program
    code that built the component runs) and the reader organization (none without them)."""
    pattern = secret_arn_pattern(scope, plan.settings.secret_name)
    return readers.late.document(
        lambda late: pulumi.Output.from_input(
            key_statements(plan, [*readers.foreign, *late], pattern, scope.region)
        )
    )


def key_statements(
    plan: SecretPlan,
    principals: Sequence[pulumi.Input[str]],
    pattern: pulumi.Input[str],
    region: pulumi.Input[str],
) -> list[Statement]:
    """Decrypt for ``principals`` and the reader organization, through Secrets Manager in
    ``region``, for the secret ``pattern``."""
    statements = [foreign_decrypt_statement(principals, pattern, region)] if principals else []
    organization = plan.settings.reader_organization
    if organization is not None:
        statements.append(
            organization_decrypt_statement(
                organization.organization_id, organization.paths, pattern, region
            )
        )
    return statements


def open_gate(
    parent: pulumi.Resource,
    plan: SecretPlan,
    context: AwsContext,
    region: str | None,
    readers: ReaderSplit,
) -> InputGate:
    """Log the plan's warnings, and return the gate of the checks that wait for an Output or
    the provider.

    ``region``: the secret's region if it was known while parsing (what depends on it was
    checked then); else those checks wait for the provider's region.
    """
    settings = plan.settings
    for warning in [*settings.warnings, *rotation_warnings(settings.rotation, settings.function)]:
        pulumi.log.warn(warning, resource=parent)
    gate = InputGate(plan.where)
    if plan.shared is None:
        plan.key.checked_later(gate, context.region, "the secret")
    if region is None and depends_on_region(settings):
        gate.check(context.region, lambda known: check_region(settings, known))
    if isinstance(settings.secret_string, pulumi.Output):
        gate.check(
            settings.secret_string,
            lambda value: validation.secret_value("secret_string", value),
        )
    grants.check_accounts_later(gate, "readers", readers.local, context.account_id)
    rotation = settings.rotation
    if rotation is not None and rotation.shared is None:
        refuse_secret_values(gate, "rotation.environment", settings.function.environment)
        check_environment_later(
            gate, "rotation.environment", settings.function, code_environment_bounds(rotation)
        )
    return gate


def register_primary_key(
    parent: pulumi.Resource,
    plan: SecretPlan,
    context: AwsContext,
    gate: InputGate,
    readers: ReaderSplit,
) -> ChosenKey:
    """The plan's key: given, the shared function's, or a created CMK (multi-Region when
    replicas will share it) whose policy names the readers in other accounts."""
    return choose_key(
        plan.key,
        parent,
        context,
        gate,
        encrypts=f"Secrets Manager secret {plan.settings.secret_name}",
        tags=plan.settings.tags,
        multi_region=plan.multi_region_key,
        extra_statements=foreign_key_statements(plan, readers, context.scope()),
    )


def register_secret(
    parent: pulumi.Resource,
    name: str,
    plan: SecretPlan,
    *,
    key_arn: pulumi.Input[str],
    gate: InputGate,
    replicas: ReplicaPlan | None = None,
    owns_policy: bool = False,
) -> RegisteredSecret:
    """The secret (with its replicas) and its write-only initial version. ``owns_policy``: the
    component registers the secret's resource policy itself (SecretPolicy), so a shared
    function's grant is not set here."""
    settings = plan.settings
    tags = dict(settings.tags)
    if settings.rotation is not None:
        # Lets `secretkit rotate` (and you) see which handler rotates this secret.
        tags[STRATEGY_TAG] = strategy_tag(settings)
    shared = plan.shared
    secret = aws.secretsmanager.Secret(
        f"{name}-secret",
        name=settings.secret_name,
        description=settings.description,
        kms_key_id=key_arn,
        recovery_window_in_days=settings.recovery_window_in_days,
        replicas=[
            aws.secretsmanager.SecretReplicaArgs(
                region=region, kms_key_id=replicas.key_arns[region]
            )
            for region in replicas.regions
        ]
        if replicas
        else None,
        force_overwrite_replica_secret=replicas.force_overwrite if replicas else None,
        tags=tags or None,
        # A member of a shared RotationFunction lets the function's role rotate it; the
        # role's own policy names no secret.
        policy=(
            shared.member_policy(settings.secret_name)
            if shared is not None and not owns_policy
            else None
        ),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=gate.depends_on()),
    )
    locations = (
        [
            SecretLocation(
                region,
                replica_arn(secret.arn, region),
                replicas.key_arns[region],
                transition_keys_of(settings, region),
            )
            for region in replicas.regions
        ]
        if replicas
        else []
    )
    initial_version = aws.secretsmanager.SecretVersion(
        f"{name}-initial",
        secret_id=secret.id,
        # Write-only: sent to AWS once per secret_string_version, never stored in state, and
        # never compared again, so Pulumi does not fight rotation over the value.
        secret_string_wo=pulumi.Output.secret(initial_value(settings)),
        secret_string_wo_version=settings.secret_string_version,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return RegisteredSecret(secret, initial_version, locations)


def register_rotation(
    parent: pulumi.Resource,
    name: str,
    plan: SecretPlan,
    *,
    secret: RegisteredSecret,
    key_arn: pulumi.Input[str],
    context: AwsContext,
    gate: InputGate,
) -> RegisteredRotation | None:
    """The rotation function (or the shared one) and the schedule that invokes it; None when
    the plan has no rotation."""
    settings = plan.settings
    rotation = settings.rotation
    if rotation is None:
        return None
    if plan.shared is not None:
        function = plan.shared.resources
        function_grants = plan.shared.grants()
    else:
        assert plan.artifact is not None
        function = register_own_function(
            OwnFunction(name, parent, settings.function, settings.tags, plan.artifact),
            rotation,
            secret.secret.arn,
            key_arn,
            context=context,
            gate=gate,
            replicas=secret.replicas,
            transition_key_arns=transition_keys_of(settings),
        )
        function_grants = [function.role_policy, function.permission]
    schedule = register_schedule(
        parent,
        name,
        rotation,
        secret.secret.id,
        function.function.arn,
        # The value must exist before rotation starts too.
        depends_on=[secret.initial_version, *function_grants],
    )
    return RegisteredRotation(function, schedule)


def replica_arn(primary_arn: pulumi.Output[str], region: str) -> pulumi.Output[str]:
    """The replica's ARN in ``region``, from the primary's."""
    return primary_arn.apply(lambda arn: in_region(arn, region))


def in_region(arn: str, region: str) -> str:
    """A replica's ARN: the primary's with the region replaced (same name and suffix)."""
    parts = arn.split(":")
    parts[3] = region
    return ":".join(parts)


def strategy_tag(settings: RotatingSecretSettings) -> str:
    """The secretkit:strategy tag value: the strategy, or custom:<module>."""
    rotation = settings.rotation
    assert rotation is not None
    if rotation.handler_module is not None:
        return f"{CUSTOM_TAG_PREFIX}{rotation.handler_module}"
    return rotation.strategy


def initial_value(settings: RotatingSecretSettings) -> pulumi.Input[str]:
    """The first value: the given secret_string, or the template with a generated password.

    A generated password differs on every run, which is harmless: the value is write-only and
    only sent when secret_string_version changes.
    """
    if settings.secret_string is not None:
        return settings.secret_string
    password = generate_password(
        settings.function.password_length, settings.function.exclude_characters
    )
    document = {**(settings.secret_template or {}), "password": password}
    if settings.rotation is not None and settings.rotation.master_secret_arn is not None:
        document.setdefault("masterarn", settings.rotation.master_secret_arn)
    return json.dumps(document)
