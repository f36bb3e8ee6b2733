"""ParameterPoliciesProvider against moto: policies attach, change, refresh and detach without
the parameter's value, key or description changing, and without the value leaking.

moto differs from Parameter Store in ways these tests work around (see each helper):
- DescribeParameters returns PolicyText as a Python repr (AWS: JSON); ``from_described``
  normalises both, so every assertion compares canonical JSON.
- An overwrite that omits KeyId/Description/AllowedPattern/Tier keeps the old ones in moto, while
  AWS falls back to defaults (KeyId -> alias/aws/ssm). State alone cannot show that the provider
  carries them over, so the PutParameter request itself is inspected too.
- moto accepts policies on the Standard tier, so "Tier becomes Advanced" is checked on a
  parameter that starts Standard.
"""

from __future__ import annotations

import base64
import json
import logging
import pickle
import re
import sys
import traceback
import types
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError
from moto import mock_aws
from pulumi.dynamic.dynamic import serialize_provider

from secretkit.components import parameter_policy_provider as provider_module
from secretkit.components.parameter_policies import (
    canonical,
    expiration,
    expiration_notification,
    from_described,
    no_change_notification,
)
from secretkit.components.parameter_policy_provider import (
    PROVIDER_KEY,
    REMOVE_ALL_POLICIES,
    ParameterPoliciesProvider,
    ParameterPolicyError,
)

REGION = "us-east-1"
NAME = "/secretkit/test/db-password"
VALUE = "Zq9!never-log-this-value-4c1d"
DESCRIPTION = "database password for the orders service"
NO_POLICIES = "[]"

POLICIES_A = canonical(
    [
        expiration(datetime(2031, 6, 30, 12, 0, tzinfo=UTC)),
        expiration_notification(14, "Days"),
    ]
)
POLICIES_B = canonical([no_change_notification(30, "Days")])


def props(policies: str = POLICIES_A, **overrides: Any) -> dict[str, Any]:
    return {
        "parameter_name": NAME,
        "policies": policies,
        "region": REGION,
        "profile": None,
        **overrides,
    }


def describe(ssm: Any, name: str = NAME) -> dict[str, Any]:
    found = ssm.describe_parameters(
        ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": [name]}]
    )["Parameters"]
    assert len(found) == 1, f"expected exactly one parameter named {name}"
    result: dict[str, Any] = found[0]
    return result


def attached_policies(ssm: Any, name: str = NAME) -> str:
    return from_described(describe(ssm, name).get("Policies", []))


def current_value(ssm: Any, name: str = NAME) -> str:
    value: str = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    return value


def exists(ssm: Any, name: str = NAME) -> bool:
    return bool(
        ssm.describe_parameters(
            ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": [name]}]
        )["Parameters"]
    )


def hook_client(monkeypatch: pytest.MonkeyPatch, register: Callable[[Any], None]) -> None:
    """Let a test register botocore event handlers on every client the provider creates."""
    real_client = provider_module._client

    def hooked(client_props: dict[str, Any]) -> Any:
        client = real_client(client_props)
        register(client)
        return client

    monkeypatch.setattr(provider_module, "_client", hooked)


@pytest.fixture
def ssm(aws_env: None) -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ssm", region_name=REGION)


@pytest.fixture
def kms_key_id(ssm: Any) -> str:
    key_id: str = boto3.client("kms", region_name=REGION).create_key(
        Description="secretkit test key"
    )["KeyMetadata"]["KeyId"]
    return key_id


@pytest.fixture
def parameter(ssm: Any, kms_key_id: str) -> str:
    """An Advanced SecureString under a customer key, as SecureParameter creates it."""
    ssm.put_parameter(
        Name=NAME,
        Value=VALUE,
        Type="SecureString",
        KeyId=kms_key_id,
        Description=DESCRIPTION,
        Tier="Advanced",
    )
    return NAME


@pytest.fixture
def put_requests(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The parameters of every PutParameter call the provider makes."""
    requests: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        requests.append(dict(params))

    hook_client(
        monkeypatch,
        lambda client: client.meta.events.register(
            "provide-client-params.ssm.PutParameter", record
        ),
    )
    return requests


def fail_put_parameter(monkeypatch: pytest.MonkeyPatch, message: str) -> None:
    """Make PutParameter answer with a 400 ValidationException carrying ``message``."""

    def respond(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        http = AWSResponse(f"https://ssm.{REGION}.amazonaws.com/", 400, {}, None)
        parsed = {
            "Error": {"Code": "ValidationException", "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        return http, parsed

    hook_client(
        monkeypatch,
        lambda client: client.meta.events.register("before-call.ssm.PutParameter", respond),
    )


# --- create -------------------------------------------------------------------------------


def test_create_attaches_policies_and_keeps_value_key_and_description(
    ssm: Any, parameter: str, kms_key_id: str
) -> None:
    result = ParameterPoliciesProvider().create(props(POLICIES_A))

    assert result.id == NAME
    described = describe(ssm)
    assert from_described(described["Policies"]) == POLICIES_A
    assert current_value(ssm) == VALUE
    assert described["Type"] == "SecureString"
    assert described["KeyId"] == kms_key_id
    assert described["Description"] == DESCRIPTION
    assert described["Tier"] == "Advanced"


def test_create_sends_key_description_and_tier_in_the_request(
    ssm: Any, parameter: str, kms_key_id: str, put_requests: list[dict[str, Any]]
) -> None:
    # moto keeps KeyId/Description when an overwrite omits them; AWS does not (a SecureString
    # overwritten without KeyId moves to alias/aws/ssm). So check what is actually sent.
    ParameterPoliciesProvider().create(props(POLICIES_A))

    assert len(put_requests) == 1
    request = put_requests[0]
    assert request["Name"] == NAME
    assert request["Value"] == VALUE
    assert request["Type"] == "SecureString"
    assert request["KeyId"] == kms_key_id
    assert request["Description"] == DESCRIPTION
    assert request["Tier"] == "Advanced"
    assert request["Overwrite"] is True
    assert request["Policies"] == POLICIES_A


def test_create_outputs_are_the_inputs_and_hold_no_value(ssm: Any, parameter: str) -> None:
    inputs = props(POLICIES_A)

    result = ParameterPoliciesProvider().create(inputs)

    assert result.outs == inputs
    assert VALUE not in json.dumps(result.outs)


def test_create_upgrades_a_standard_parameter_to_advanced(ssm: Any) -> None:
    # moto would accept policies on Standard, so only a Standard start shows Tier is sent.
    ssm.put_parameter(Name=NAME, Value=VALUE, Type="SecureString", Tier="Standard")

    ParameterPoliciesProvider().create(props(POLICIES_A))

    described = describe(ssm)
    assert described["Tier"] == "Advanced"
    assert from_described(described["Policies"]) == POLICIES_A
    assert current_value(ssm) == VALUE


def test_create_on_a_string_parameter_carries_pattern_and_sends_no_key(
    ssm: Any, put_requests: list[dict[str, Any]]
) -> None:
    ssm.put_parameter(
        Name=NAME,
        Value="plain-config-value",
        Type="String",
        AllowedPattern="^[a-z-]+$",
        Description=DESCRIPTION,
    )

    ParameterPoliciesProvider().create(props(POLICIES_B))

    (request,) = put_requests
    assert request["Type"] == "String"
    assert "KeyId" not in request
    assert request["AllowedPattern"] == "^[a-z-]+$"
    assert request["Description"] == DESCRIPTION
    assert request["DataType"] == "text"
    described = describe(ssm)
    assert described["Type"] == "String"
    assert from_described(described["Policies"]) == POLICIES_B
    assert current_value(ssm) == "plain-config-value"


def test_create_on_a_missing_parameter_fails_naming_it(
    ssm: Any, put_requests: list[dict[str, Any]]
) -> None:
    with pytest.raises(ParameterPolicyError, match=re.escape(NAME)):
        ParameterPoliciesProvider().create(props(POLICIES_A))

    assert put_requests == []
    assert not exists(ssm)


# --- update -------------------------------------------------------------------------------


def test_update_replaces_the_policies_rather_than_adding(
    ssm: Any, parameter: str, kms_key_id: str
) -> None:
    provider = ParameterPoliciesProvider()
    provider.create(props(POLICIES_A))

    result = provider.update(NAME, props(POLICIES_A), props(POLICIES_B))

    assert attached_policies(ssm) == POLICIES_B
    assert result.outs == props(POLICIES_B)
    assert VALUE not in json.dumps(result.outs)
    assert current_value(ssm) == VALUE
    described = describe(ssm)
    assert described["KeyId"] == kms_key_id
    assert described["Description"] == DESCRIPTION


def test_update_on_a_missing_parameter_fails_naming_it(ssm: Any) -> None:
    with pytest.raises(ParameterPolicyError, match=re.escape(NAME)):
        ParameterPoliciesProvider().update(NAME, props(POLICIES_A), props(POLICIES_B))


# --- diff ---------------------------------------------------------------------------------


def test_diff_reports_no_change_for_identical_inputs() -> None:
    result = ParameterPoliciesProvider().diff(NAME, props(POLICIES_A), props(POLICIES_A))

    assert result.changes is False
    assert result.replaces == []


@pytest.mark.parametrize(
    ("field", "new_value", "replaces"),
    [
        ("policies", POLICIES_B, []),
        ("profile", "staging", []),
        ("parameter_name", "/secretkit/test/other", ["parameter_name"]),
        ("region", "eu-west-1", ["region"]),
    ],
    ids=["policies", "profile", "parameter_name", "region"],
)
def test_diff_reports_changes_and_replaces_on_name_or_region(
    field: str, new_value: str, replaces: list[str]
) -> None:
    result = ParameterPoliciesProvider().diff(
        NAME, props(POLICIES_A), {**props(POLICIES_A), field: new_value}
    )

    assert result.changes is True
    assert result.replaces == replaces


# --- the provider's module moved (secretkit 0.2) -----------------------------------------


def provider_pickled_at(monkeypatch: pytest.MonkeyPatch, module: str) -> str:
    """The provider as Pulumi stores it, pickled by reference to ``module``: what
    serialize_provider writes for it today, and what it wrote when the module was ``module``
    (a class pickled by reference is its module's and its own name)."""
    if module == provider_module.__name__:
        stored: str = serialize_provider(ParameterPoliciesProvider())
        return stored
    monkeypatch.setitem(sys.modules, module.split(".", maxsplit=1)[0], types.ModuleType("stand-in"))
    monkeypatch.setitem(sys.modules, module, provider_module)
    monkeypatch.setattr(ParameterPoliciesProvider, "__module__", module)
    pickled = pickle.dumps(ParameterPoliciesProvider(), protocol=pickle.DEFAULT_PROTOCOL)
    monkeypatch.undo()
    return base64.b64encode(pickled).decode()


def test_a_provider_stored_from_the_old_module_is_an_update_and_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = provider_pickled_at(monkeypatch, provider_module._OLD_MODULE.decode())
    new = provider_pickled_at(monkeypatch, provider_module.__name__)
    assert provider_module.__name__ == "secretkit.components.parameter_policy_provider"

    moved = ParameterPoliciesProvider().diff(
        NAME, {**props(POLICIES_A), PROVIDER_KEY: old}, {**props(POLICIES_A), PROVIDER_KEY: new}
    )
    same = ParameterPoliciesProvider().diff(
        NAME, {**props(POLICIES_A), PROVIDER_KEY: new}, {**props(POLICIES_A), PROVIDER_KEY: new}
    )

    assert (moved.changes, moved.replaces) == (True, [])
    assert (same.changes, same.replaces) == (False, [])


def test_the_update_of_a_moved_provider_writes_nothing_to_ssm(ssm: Any, parameter: str) -> None:
    ParameterPoliciesProvider().create(props(POLICIES_A))
    version = describe(ssm)["Version"]

    result = ParameterPoliciesProvider().update(NAME, props(POLICIES_A), props(POLICIES_A))

    assert result.outs == props(POLICIES_A)
    assert describe(ssm)["Version"] == version
    assert attached_policies(ssm) == POLICIES_A


# --- read ---------------------------------------------------------------------------------


def test_read_returns_the_attached_policies(ssm: Any, parameter: str) -> None:
    provider = ParameterPoliciesProvider()
    provider.create(props(POLICIES_A))

    result = provider.read(NAME, props(POLICIES_A))

    assert result.id == NAME
    assert result.outs == props(POLICIES_A)


def test_read_reports_out_of_band_policy_changes_so_diff_sees_drift(
    ssm: Any, parameter: str, kms_key_id: str
) -> None:
    provider = ParameterPoliciesProvider()
    provider.create(props(POLICIES_A))
    ssm.put_parameter(
        Name=NAME,
        Value=VALUE,
        Type="SecureString",
        KeyId=kms_key_id,
        Overwrite=True,
        Policies=POLICIES_B,
    )

    refreshed = provider.read(NAME, props(POLICIES_A))

    assert refreshed.id == NAME
    assert refreshed.outs is not None
    assert refreshed.outs["policies"] == POLICIES_B
    drift = provider.diff(NAME, refreshed.outs, props(POLICIES_A))
    assert drift.changes is True
    assert drift.replaces == []


def test_read_reports_policies_removed_out_of_band(
    ssm: Any, parameter: str, kms_key_id: str
) -> None:
    provider = ParameterPoliciesProvider()
    provider.create(props(POLICIES_A))
    ssm.put_parameter(
        Name=NAME,
        Value=VALUE,
        Type="SecureString",
        KeyId=kms_key_id,
        Overwrite=True,
        Policies=REMOVE_ALL_POLICIES,
    )

    refreshed = provider.read(NAME, props(POLICIES_A))

    assert refreshed.outs is not None
    assert refreshed.outs["policies"] == NO_POLICIES


def test_read_returns_no_id_when_the_parameter_is_gone(ssm: Any, parameter: str) -> None:
    provider = ParameterPoliciesProvider()
    provider.create(props(POLICIES_A))
    ssm.delete_parameter(Name=NAME)  # e.g. its Expiration policy fired

    result = provider.read(NAME, props(POLICIES_A))

    assert result.id is None
    assert result.outs == {}


# --- delete -------------------------------------------------------------------------------


def test_delete_detaches_every_policy_and_keeps_the_parameter(
    ssm: Any, parameter: str, kms_key_id: str, put_requests: list[dict[str, Any]]
) -> None:
    provider = ParameterPoliciesProvider()
    provider.create(props(POLICIES_A))

    provider.delete(NAME, props(POLICIES_A))

    assert put_requests[-1]["Policies"] == REMOVE_ALL_POLICIES
    # '[{}]' leaves an empty placeholder in moto's DescribeParameters, not a real policy.
    assert attached_policies(ssm) == NO_POLICIES
    assert current_value(ssm) == VALUE
    described = describe(ssm)
    assert described["KeyId"] == kms_key_id
    assert described["Description"] == DESCRIPTION


def test_delete_is_a_no_op_when_the_parameter_is_gone(
    ssm: Any, parameter: str, put_requests: list[dict[str, Any]]
) -> None:
    provider = ParameterPoliciesProvider()
    provider.create(props(POLICIES_A))
    ssm.delete_parameter(Name=NAME)
    put_requests.clear()

    provider.delete(NAME, props(POLICIES_A))

    assert put_requests == []
    assert not exists(ssm)  # not recreated by writing the empty policy


# --- failures never carry the value -------------------------------------------------------


def test_failing_put_parameter_error_names_code_and_parameter_but_not_value(
    ssm: Any, parameter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # AWS's own messages can quote the value (e.g. an AllowedPattern mismatch).
    fail_put_parameter(monkeypatch, f"Parameter value, {VALUE}, failed to satisfy constraint")

    with pytest.raises(ParameterPolicyError) as caught:
        ParameterPoliciesProvider().create(props(POLICIES_A))

    message = str(caught.value)
    assert "ValidationException" in message
    assert NAME in message
    assert VALUE not in message
    # Pulumi's dynamic provider host reports failures with traceback.format_exc().
    assert VALUE not in "".join(traceback.format_exception(caught.value))
    assert attached_policies(ssm) == NO_POLICIES


def test_connection_failure_is_reported_by_type_and_parameter(
    ssm: Any, parameter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url=f"https://ssm.{REGION}.amazonaws.com/")

    hook_client(
        monkeypatch,
        lambda client: client.meta.events.register("before-call.ssm.PutParameter", unreachable),
    )

    with pytest.raises(ParameterPolicyError) as caught:
        ParameterPoliciesProvider().create(props(POLICIES_A))

    assert "EndpointConnectionError" in str(caught.value)
    assert NAME in str(caught.value)


def test_value_never_reaches_a_log_record(
    ssm: Any, parameter: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Everything at DEBUG except botocore's wire logging: at DEBUG botocore prints every
    # request and response body (the PutParameter/GetParameter bodies include the value).
    # It is off unless explicitly enabled, and Pulumi's dynamic provider host leaves logging
    # unconfigured, so botocore is held at INFO here. (Order matters: set_level also sets the
    # capture handler's level, so the DEBUG call must come last.)
    caplog.set_level(logging.INFO, logger="botocore")
    caplog.set_level(logging.DEBUG)
    provider = ParameterPoliciesProvider()

    provider.create(props(POLICIES_A))
    provider.update(NAME, props(POLICIES_A), props(POLICIES_B))
    provider.read(NAME, props(POLICIES_B))
    provider.delete(NAME, props(POLICIES_B))
    fail_put_parameter(monkeypatch, f"Parameter value, {VALUE}, failed to satisfy constraint")
    with pytest.raises(ParameterPolicyError):
        provider.create(props(POLICIES_A))

    logging.getLogger("components").debug("capture check")
    assert any(r.getMessage() == "capture check" for r in caplog.records), "DEBUG not captured"
    for record in caplog.records:
        rendered = f"{record.getMessage()} {record.exc_text or ''} {record.args!r}"
        assert VALUE not in rendered, f"value logged by {record.name}"
    assert current_value(ssm) == VALUE


# --- DescribeParameters paging ------------------------------------------------------------


def empty_first_describe_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """DescribeParameters as AWS documents it: a page may hold zero matches and a NextToken.

    AWS applies MaxResults before the filters, so with many parameters in an account the
    first filtered page is often empty. moto filters first and never does this.
    """

    def respond(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        body = json.loads(params["body"])
        if "NextToken" not in body:
            http = AWSResponse(f"https://ssm.{REGION}.amazonaws.com/", 200, {}, None)
            return http, {"Parameters": [], "NextToken": "page-2"}
        del body["NextToken"]  # moto's own tokens are offsets; ask it for the real page
        params["body"] = json.dumps(body).encode()
        return None

    hook_client(
        monkeypatch,
        lambda client: client.meta.events.register("before-call.ssm.DescribeParameters", respond),
    )


def test_create_finds_a_parameter_beyond_an_empty_first_page(
    ssm: Any, parameter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_first_describe_page(monkeypatch)

    ParameterPoliciesProvider().create(props(POLICIES_A))

    assert attached_policies(ssm) == POLICIES_A


def test_read_keeps_a_parameter_found_beyond_an_empty_first_page(
    ssm: Any, parameter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = ParameterPoliciesProvider()
    provider.create(props(POLICIES_A))
    empty_first_describe_page(monkeypatch)

    result = provider.read(NAME, props(POLICIES_A))

    assert result.id == NAME  # None would make Pulumi drop the resource from state
    assert result.outs == props(POLICIES_A)
