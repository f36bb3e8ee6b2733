"""A component whose invoke is answered without the field it needs (mocks written as Pulumi's
unit-testing guide shows, whose call() answers {}) fails naming the invoke, the field and the
component, and points to secretkit.testing; not with a TypeError where an ARN is joined."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from secretkit.components import RotatingSecret, RotationArgs
from secretkit.components.invoke_answers import MissingInvokeAnswerError, required
from secretkit.embedded import mocks
from secretkit.testing import NEEDED_INVOKES, EchoMocks, SecretkitMocks

ROTATION: RotationArgs = {"strategy": "password", "automatically_after_days": 30}
READER_ARN = f"arn:aws:iam::{mocks.ACCOUNT_ID}:role/app"


class AllButOne(SecretkitMocks):
    """SecretkitMocks that answer one of secretkit's invokes with {} (as a hand-written mock
    that forgot it would)."""

    def __init__(self, forgotten: str) -> None:
        super().__init__()
        self.forgotten = forgotten

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        return {} if args.token == self.forgotten else super().call(args)


@pytest.fixture(autouse=True)
def no_region_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)


def secret(readers: list[Any]) -> pulumi.Output[str]:
    built = RotatingSecret(
        "db", {"secret_name": "app/db", "rotation": ROTATION, "readers": readers}
    )
    return built.secret_arn


def test_mocks_as_pulumis_guide_shows_name_the_invoke_not_a_type_error() -> None:
    mocks.install(EchoMocks())
    with pytest.raises(MissingInvokeAnswerError) as raised:
        mocks.run(lambda: secret(["app"]))
    message = str(raised.value)
    assert message.startswith("RotatingSecret 'db': the invoke aws:index/get")
    assert raised.value.invoke in NEEDED_INVOKES
    assert f"answered without '{NEEDED_INVOKES[raised.value.invoke]}'" in message
    assert "secretkit.testing.SecretkitMocks" in message


@pytest.mark.parametrize("invoke", sorted(NEEDED_INVOKES))
@pytest.mark.parametrize("reader", ["app", READER_ARN], ids=["by-name", "by-arn"])
def test_each_invoke_answered_without_its_field_is_named(invoke: str, reader: str) -> None:
    """A reader given by ARN also asks getCallerIdentity synchronously (foreign_readers)."""
    mocks.install(AllButOne(invoke))
    with pytest.raises(MissingInvokeAnswerError) as raised:
        mocks.run(lambda: secret([reader]))
    assert (raised.value.invoke, raised.value.field) == (invoke, NEEDED_INVOKES[invoke])
    assert raised.value.where == "RotatingSecret 'db'"


def test_every_answer_complete_builds_the_component() -> None:
    mocks.install(SecretkitMocks())
    arn = mocks.run(lambda: secret([READER_ARN]))
    assert arn.startswith(
        f"arn:aws:secretsmanager:{mocks.REGION}:{mocks.ACCOUNT_ID}:secret:app/db-"
    )


@pytest.mark.parametrize("missing", [None, ""])
def test_required_refuses_a_missing_value(missing: str | None) -> None:
    with pytest.raises(MissingInvokeAnswerError, match="a secretkit component: the invoke t"):
        required(missing, "t", "f", None)


def test_required_returns_a_present_value() -> None:
    assert required("aws", "t", "f", None) == "aws"
