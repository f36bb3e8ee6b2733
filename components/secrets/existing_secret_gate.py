"""The checks on an ExistingSecret that wait for the provider or an Output: the secret's ARN,
region and account, a shared function's key and allow-list; children wait for them."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from secretkit.components import validation
from secretkit.components.aws_context import AwsContext
from secretkit.components.iam import grants
from secretkit.components.iam.foreign_readers import (
    ReaderSplit,
)
from secretkit.components.input_gate import InputGate
from secretkit.components.rotation.function_code import code_environment_bounds
from secretkit.components.rotation.function_settings import (
    check_environment_later,
    refuse_secret_values,
)
from secretkit.components.rotation.rotation_function import RotationFunction
from secretkit.components.secrets.existing_secret_args import (
    SECRET_REGION_RULE,
    check_region,
    owning_service,
    second_rotation,
    secret_name_of,
)
from secretkit.components.secrets.existing_secret_plan import ExistingSecretPlan
from secretkit.components.secrets.rotating_secret_args import RotationSettings
from secretkit.components.secrets.rotation_spec import (
    rotation_warnings,
)


def open_existing_gate(
    parent: pulumi.Resource,
    plan: ExistingSecretPlan,
    context: AwsContext,
    region: str | None,
    readers: ReaderSplit,
) -> InputGate:
    """Log the rotation's advice, and return the gate of the checks that wait for an Output
    or the provider: the readers' account, the region, the rotation function's environment, a
    shared function's key and allow-list."""
    settings = plan.settings
    for warning in rotation_warnings(settings.rotation, settings.function):
        pulumi.log.warn(warning, resource=parent)
    gate = InputGate(plan.where)
    grants.check_accounts_later(gate, "readers", readers.local, context.account_id)
    if region is None:
        gate.check(context.region, lambda known: check_region(settings, known))
    rotation = settings.rotation
    if rotation is not None and rotation.shared is None:
        refuse_secret_values(gate, "rotation.environment", settings.function.environment)
        check_environment_later(
            gate, "rotation.environment", settings.function, code_environment_bounds(rotation)
        )
    if rotation is not None and settings.managed_by is None:
        gate.check(settings.secret_arn, lambda arn: not_owned(rotation, arn))
    shared = plan.shared
    if shared is not None:
        if settings.kms_key_arn is not None:
            gate.check(
                pulumi.Output.all(settings.kms_key_arn, shared.kms_key_arn),
                lambda keys: same_key(shared.pulumi_resource_name, keys[0], keys[1]),
            )
        names = shared.shared_settings.secret_names
        if names is not None:
            gate.check(settings.secret_arn, lambda arn: listed(shared, names, arn))
    return gate


def not_owned(rotation: RotationSettings, arn: str) -> None:
    """A secret another service manages (its name says so) is not rotated a second time."""
    service = owning_service(arn)
    if service is not None:
        raise second_rotation(rotation, service)


def same_key(function: str, given: str, functions: str) -> None:
    """A shared function's role may use its own key only (and the AWS managed key)."""
    if given != functions:
        raise validation.fail(
            "kms_key_arn",
            given,
            f"differs from RotationFunction '{function}''s key {functions}: the function's role "
            "may use only its own key (or the AWS managed key aws/secretsmanager)",
        )


def listed(function: RotationFunction, names: Sequence[str], arn: str) -> None:
    """The secret is one of the shared function's secret_names, when it lists them."""
    name = secret_name_of(validation.secret_arn("secret_arn", arn))
    if name not in names:
        raise validation.fail(
            "secret_arn",
            arn,
            f"names secret {name!r}, which is not one of RotationFunction "
            f"'{function.pulumi_resource_name}''s secret_names: list it there",
        )


def checked_secret_arn(
    gate: InputGate, plan: ExistingSecretPlan, context: AwsContext
) -> pulumi.Output[str]:
    """The secret's ARN once its form, region and account are checked (the component grants
    and rotates it with the provider of the deploying account and region)."""
    return gate.defer(
        pulumi.Output.all(plan.settings.secret_arn, context.region, context.account_id).apply(
            lambda known: gate.run(lambda values: check_secret_arn(*values), known)
        )
    )


def after_checks(gate: InputGate, value: pulumi.Input[str]) -> pulumi.Output[str]:
    """``value`` once every check of ``gate`` passed."""
    waiting = gate.depends_on()
    if waiting is None:
        return pulumi.Output.from_input(value)
    return pulumi.Output.all(value, waiting).apply(lambda known: str(known[0]))


def check_secret_arn(arn: str, region: str, account: str) -> str:
    """``arn`` if it is a complete secret ARN in ``region`` and ``account``."""
    validation.secret_arn("secret_arn", arn)
    validation.in_region("secret_arn", arn, region, "the provider", SECRET_REGION_RULE)
    found = validation.arn_account(arn)
    if found != account:
        raise validation.fail(
            "secret_arn",
            arn,
            f"is a secret of account {found}, but the provider deploys into {account}: give the "
            "component a provider of the secret's own account (its resource policy and rotation "
            "are set there; a reader of this account is granted from the secret's side)",
        )
    return arn
