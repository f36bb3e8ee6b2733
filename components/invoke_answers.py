"""What the AWS provider's invokes answered, checked: a field missing from an answer (mocks in a
unit test that answer ``{}``) fails naming the invoke, the field and the component."""

from __future__ import annotations

from typing import TypeVar

import pulumi

T = TypeVar("T")

CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
GET_REGION = "aws:index/getRegion:getRegion"
GET_PARTITION = "aws:index/getPartition:getPartition"


class MissingInvokeAnswerError(RuntimeError):
    """An invoke of the AWS provider answered without a field a component needs.

    AWS always answers these invokes; only mocks can leave a field out. ``invoke`` is the
    invoke's token, ``field`` the field of its answer (as a mock's ``call`` returns it) and
    ``where`` the component that asked (``"RotatingSecret 'db'"``).
    """

    def __init__(self, invoke: str, field: str, where: str) -> None:
        self.invoke = invoke
        self.field = field
        self.where = where
        super().__init__(
            f"{where}: the invoke {invoke} answered without '{field}', which the component "
            f"needs to name its AWS resources. Under pulumi.runtime.set_mocks, your Mocks' "
            f"call() must answer it, or use secretkit.testing.SecretkitMocks, which answers "
            f"every invoke secretkit needs and passes the rest to your own Mocks"
        )


def component_name(resource: pulumi.Resource | None) -> str:
    """A component as errors name it ("RotatingSecret 'db'"), or "a secretkit component"."""
    if resource is None:
        return "a secretkit component"
    kind = resource.pulumi_resource_type.rsplit(":", 1)[-1]
    return f"{kind} '{resource.pulumi_resource_name}'"


def required(value: T | None, invoke: str, field: str, asked_by: pulumi.Resource | None) -> T:
    """``value``, the ``field`` of what ``invoke`` answered; raises MissingInvokeAnswerError
    when the answer lacked it (None or empty)."""
    if value is None or value == "":
        raise MissingInvokeAnswerError(invoke, field, component_name(asked_by))
    return value


def required_output(
    output: pulumi.Output[T], invoke: str, field: str, asked_by: pulumi.Resource | None
) -> pulumi.Output[T]:
    """``output`` (a field of an invoke's answer), failing as ``required`` does once known."""
    return output.apply(lambda value: required(value, invoke, field, asked_by))
