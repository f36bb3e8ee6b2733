"""A SecureParameter's checks that wait for the provider or an Output, and the inputs that
carry them (key, tier, value)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from secretkit.components import parameter_policies, validation
from secretkit.components.aws_context import AwsContext
from secretkit.components.errors import Redacted
from secretkit.components.iam import grants
from secretkit.components.input_gate import InputGate
from secretkit.components.parameters.parameter_plan import ParameterPlan
from secretkit.components.parameters.secure_parameter_args import (
    SecureParameterSettings,
    rotation_environment_bounds,
)
from secretkit.components.rotation.function_settings import (
    check_environment_later,
    refuse_secret_values,
)


@dataclass(frozen=True)
class CheckedInputs:
    """The gate of the deferred checks, and the parameter's inputs that carry some of them."""

    gate: InputGate
    key: pulumi.Input[str] | None
    """The given key (an Output of it checked once known); None when none is given."""
    tier: pulumi.Input[str]
    value: pulumi.Input[str]

    def carried(self) -> list[pulumi.Output[str]]:
        """The inputs that are checked Outputs: the parameter waits for them as its inputs."""
        return [i for i in (self.key, self.tier, self.value) if isinstance(i, pulumi.Output)]


def check_inputs(
    plan: ParameterPlan,
    context: AwsContext,
    region: str | None,
    local_readers: Sequence[grants.RoleRef],
) -> CheckedInputs:
    """Checks that wait for the provider (its region and account) or for an Output: a given
    key in the parameter's region (an Output of it, its form too), ``local_readers`` (the
    readers not shared with through RAM) of this account, no
    secret in the rotation function's environment, and the value against its tier."""
    settings = plan.settings
    gate = InputGate(plan.where)
    key = settings.kms_key_arn
    if region is None and isinstance(key, str):
        gate.check(
            context.region,
            lambda known: validation.in_region("kms_key_arn", key, known, "the parameter"),
        )
    grants.check_accounts_later(gate, "readers", local_readers, context.account_id)
    if settings.rotation is not None:
        refuse_secret_values(gate, "rotation.environment", settings.rotation.function.environment)
        check_environment_later(
            gate,
            "rotation.environment",
            settings.rotation.function,
            rotation_environment_bounds(
                settings.parameter_name,
                settings.description,
                settings.kms_key_arn,
                settings.create_kms_key,
            ),
        )
    checked_key = (
        plan.key.checked_later(gate, context.region, "the parameter") if plan.key else None
    )
    tier, value = _checked_tier_and_value(settings, gate)
    return CheckedInputs(gate, checked_key, tier, value)


def _checked_tier_and_value(
    settings: SecureParameterSettings, gate: InputGate
) -> tuple[pulumi.Input[str], pulumi.Input[str]]:
    """The tier and the value to register, each an Output that fails when a deferred check
    on the value does (a plain value was checked while parsing)."""
    value = settings.value
    if not isinstance(value, pulumi.Output):
        if settings.tier is None:  # parsing leaves the tier open only for an Output value
            value = pulumi.Output.from_input(value)
        else:
            return settings.tier, value
    if settings.tier is not None:
        tier = settings.tier
        return tier, gate.check(value, lambda resolved: _check_value(resolved, tier))
    # 'auto' with a value known only at deployment: decide when it resolves, checking the value
    # in the same step. The tier only reveals whether the value exceeds 4 KB, so it need not
    # stay a secret.
    checked = value.apply(lambda resolved: gate.run(_checked_auto_tier, resolved))
    return gate.defer(pulumi.Output.unsecret(checked)), value


def _checked_auto_tier(value: str) -> str:
    tier = _auto_tier(value)
    _check_value(value, tier)
    return tier


def _auto_tier(value: str) -> str:
    return parameter_policies.resolve_tier("auto", validation.utf8_size(value), False)


def _check_value(value: str, tier: str) -> None:
    if not value:
        raise validation.fail("value", Redacted(0), "must not be empty")
    validation.parameter_value_size("value", value, tier)
