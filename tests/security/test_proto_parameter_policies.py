"""Issue 12, item 8: attaching parameter policies never reverts a value written meanwhile.

The provider reads the value and writes it back with the policies (PutParameter cannot attach
policies alone). A value written between the two calls (a scheduled SecureParameter rotation,
a deployment) was silently undone before the fix. Here the concurrent write is injected at the
exact point, on moto, through a second client.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

import boto3
import pytest

from secretkit.components.parameter_policy_provider import (
    REMOVE_ALL_POLICIES,
    ParameterPoliciesProvider,
    ParameterPolicyError,
)
from tests.components import test_parameter_policy_provider as provider_tests
from tests.components.test_parameter_policy_provider import (
    NAME,
    POLICIES_A,
    REGION,
    VALUE,
    attached_policies,
    current_value,
    hook_client,
    props,
)

# The moto account, key and parameter fixtures of the provider's own tests.
ssm = provider_tests.ssm
kms_key_id = provider_tests.kms_key_id
parameter = provider_tests.parameter

ROTATED = "rotated-Value-written-meanwhile-1"
NEWER = "newer-Value-written-after-2"


class Writer:
    """Another writer of the parameter: before (or after) chosen PutParameter calls of the
    provider, it writes a value of its own with a second client."""

    def __init__(self, values: dict[tuple[str, int], str]) -> None:
        self.values = values  # (when, index of the provider's PutParameter) -> value
        self.client = boto3.client("ssm", region_name=REGION)
        self.puts = {"before": 0, "after": 0}
        self.gets = 0

    def install(self, client: Any) -> None:
        client.meta.events.register("before-call.ssm.PutParameter", self.before)
        client.meta.events.register("after-call.ssm.PutParameter", self.after)
        client.meta.events.register("before-call.ssm.GetParameter", self.count_get)

    def count_get(self, **_: Any) -> None:
        self.gets += 1

    def _write(self, when: str) -> None:
        self.puts[when] += 1
        value = self.values.get((when, self.puts[when]))
        if value is not None:
            self.client.put_parameter(Name=NAME, Value=value, Type="SecureString", Overwrite=True)

    def before(self, **_: Any) -> None:
        self._write("before")

    def after(self, **_: Any) -> None:
        self._write("after")


def install(monkeypatch: pytest.MonkeyPatch, writer: Writer) -> None:
    hook_client(monkeypatch, writer.install)


def test_a_value_written_between_read_and_write_stays_in_force(
    ssm: Any, parameter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Writer({("before", 1): ROTATED})
    install(monkeypatch, writer)

    ParameterPoliciesProvider().create(props(POLICIES_A))

    assert current_value(ssm) == ROTATED
    assert attached_policies(ssm) == POLICIES_A
    # read 1, theirs 2, ours 3 (their value undone), ours again 4 (their value back)
    assert ssm.get_parameter(Name=NAME)["Parameter"]["Version"] == 4


def test_a_value_written_after_ours_as_well_is_the_one_kept(
    ssm: Any, parameter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Writer({("before", 1): ROTATED, ("after", 1): NEWER})
    install(monkeypatch, writer)

    ParameterPoliciesProvider().create(props(POLICIES_A))

    assert current_value(ssm) == NEWER
    assert attached_policies(ssm) == POLICIES_A


def test_removing_policies_does_not_revert_either(
    ssm: Any, parameter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ParameterPoliciesProvider().create(props(POLICIES_A))
    install(monkeypatch, Writer({("before", 1): ROTATED}))

    ParameterPoliciesProvider().delete(NAME, props(POLICIES_A))

    assert current_value(ssm) == ROTATED
    assert attached_policies(ssm) == "[]"
    assert REMOVE_ALL_POLICIES == "[{}]"


def test_a_writer_that_never_stops_gives_a_clear_error_without_values(
    ssm: Any,
    parameter: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="botocore")  # botocore's DEBUG prints bodies
    # Before every write of the provider's (more than it may make) another value lands.
    values = {("before", n): f"{ROTATED}-{n}" for n in range(1, 21)}
    writer = Writer(values)
    install(monkeypatch, writer)

    with pytest.raises(ParameterPolicyError) as caught:
        ParameterPoliciesProvider().create(props(POLICIES_A))

    assert writer.puts["before"] < len(values)  # a bounded number of writes

    message = str(caught.value)
    assert "ConcurrentWrites" in message
    assert NAME in message
    rendered = "".join(traceback.format_exception(caught.value))
    for value in [VALUE, *values.values()]:
        assert value not in rendered
        assert value not in caplog.text


def test_without_a_concurrent_write_one_read_and_one_write(
    ssm: Any, parameter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Writer({})
    install(monkeypatch, writer)

    ParameterPoliciesProvider().create(props(POLICIES_A))

    assert writer.puts == {"before": 1, "after": 1}
    assert writer.gets == 1
    assert current_value(ssm) == VALUE
