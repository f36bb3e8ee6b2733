"""The key a component encrypts with, chosen once from its parsed arguments: given, or created."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import pulumi
import pulumi_aws as aws

from secretkit.components.aws_context import AwsContext
from secretkit.components.input_gate import InputGate
from secretkit.components.kms_key import ExtraStatements, checked_key_arn, create_kms_key


class KeyArguments(Protocol):
    """The parsed key arguments every component with a key takes."""

    @property
    def kms_key_arn(self) -> pulumi.Input[str] | None: ...
    @property
    def key_administrators(self) -> Sequence[pulumi.Input[str]]: ...
    @property
    def key_administrators_can_edit_policy(self) -> bool: ...


@dataclass(frozen=True)
class KeyChoice:
    """Use the key ``given``; when it is None, create one that ``administrators`` administer
    (and, with ``administrators_can_edit_policy``, whose policy they may edit)."""

    given: pulumi.Input[str] | None
    administrators: Sequence[pulumi.Input[str]] = ()
    administrators_can_edit_policy: bool = False

    @staticmethod
    def of(arguments: KeyArguments) -> KeyChoice:
        """The choice the arguments make: their kms_key_arn, or a key created for them."""
        return KeyChoice(
            arguments.kms_key_arn,
            arguments.key_administrators,
            arguments.key_administrators_can_edit_policy,
        )

    def checked_later(
        self, gate: InputGate, region: pulumi.Output[str], what: str
    ) -> pulumi.Input[str] | None:
        """The given key; one given as an Output is checked through ``gate`` once it is known
        (its form, and that it is in ``what``'s region), and the checked Output returned."""
        if isinstance(self.given, pulumi.Output):
            return checked_key_arn(gate, self.given, region, what)
        return self.given


@dataclass(frozen=True)
class ChosenKey:
    """The key's ARN, and the key when the component created it."""

    arn: pulumi.Input[str]
    created: aws.kms.Key | None


def choose_key(
    choice: KeyChoice,
    parent: pulumi.Resource,
    context: AwsContext,
    gate: InputGate,
    *,
    encrypts: str,
    tags: Mapping[str, str] | None,
    multi_region: bool = False,
    region: str | None = None,
    extra_statements: ExtraStatements = (),
) -> ChosenKey:
    """The given key, or a CMK created as ``<parent's name>-key`` (``-<region>`` when placed in
    another ``region``) with the secretkit key policy and the description "Encrypts
    <encrypts> (secretkit)", a child of ``parent`` held back by ``gate``'s deferred checks, its
    policy ending with ``extra_statements``."""
    if choice.given is not None:
        return ChosenKey(choice.given, None)
    suffix = f"-{region}" if region is not None else ""
    key = create_kms_key(
        f"{parent.pulumi_resource_name}-key{suffix}",
        description=f"Encrypts {encrypts} (secretkit)",
        context=context,
        administrators=choice.administrators,
        administrators_can_edit_policy=choice.administrators_can_edit_policy,
        tags=tags,
        multi_region=multi_region,
        region=region,
        extra_statements=extra_statements,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=gate.depends_on()),
    )
    return ChosenKey(key.arn, key)
