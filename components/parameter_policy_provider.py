"""A Pulumi dynamic resource attaching policies to an existing SSM parameter via PutParameter.

pulumi-aws's ``aws.ssm.Parameter`` has no ``policies`` input (an open upstream gap), and
PutParameter only accepts policies together with the value. This resource therefore re-writes
the parameter's current value with the policies attached: the value is read from SSM at deploy
time and never passes through Pulumi inputs, outputs or state. Description, key, data type and
allowed pattern are carried over so nothing else about the parameter changes. Parameter Store
keeps policies across later value updates until they are replaced; removing this resource
clears them by writing the documented empty policy ``[{}]``.

Read and write are two calls, so a value written in between (a scheduled SecureParameter
rotation, a deployment) would be undone by the write. The write is checked with the parameter's
version numbers: PutParameter returns the version it created, and when that is not the one
right after the version read (versions in between are someone else's), the newest value that is
not the provider's own is written again, with the policies, and checked the same way, up to
MAX_WRITES times; then the update fails naming the parameter (never a value).

The provider is pickled by reference to this module. secretkit before 0.2 imported it as
``components.parameter_policy_provider``; since then it is
``secretkit.components.parameter_policy_provider``, which a consumer's own ``components`` folder
cannot shadow. State written before names the old module, which an installed secretkit no longer
provides, so a later delete or refresh could not load it: ``diff`` reports a change when the
stored provider names the old module, and ``update`` then rewrites only the stored provider,
without a call to SSM.

The provider uses boto3's credential chain with the region (and profile) it is given, not the
pulumi-aws provider's configuration.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import pulumi
from pulumi import dynamic

from secretkit.components.parameter_policies import from_described

#: Documented way to remove all policies from a parameter.
REMOVE_ALL_POLICIES = "[{}]"
#: Writes of the value (with the policies) before giving up on a parameter that others keep
#: writing meanwhile.
MAX_WRITES = 5
_CARRIED_OVER = ("Description", "AllowedPattern", "DataType")
#: How Pulumi's dynamic-provider host stores the pickled provider in a resource's properties.
PROVIDER_KEY = "__provider"
#: The module that held this provider before secretkit 0.2, as a pickle names it.
_OLD_MODULE = b"components.parameter_policy_provider"


class ParameterPolicyError(RuntimeError):
    """An SSM call failed; the message carries the error code and parameter name only."""


def _client(props: dict[str, Any]) -> Any:
    import boto3  # noqa: PLC0415 - imported where used so importing secretkit.components stays light

    session = boto3.session.Session(
        profile_name=props.get("profile") or None, region_name=props["region"]
    )
    return session.client("ssm")


def _describe(client: Any, name: str) -> dict[str, Any] | None:
    # A page may be empty and still have a NextToken (SSM filters after paging): read them all.
    pages = client.get_paginator("describe_parameters").paginate(
        ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": [name]}]
    )
    for page in pages:
        for parameter in page.get("Parameters", []):
            if parameter.get("Name") == name:
                return dict(parameter)
    return None


def _put_with_policies(client: Any, name: str, policies: str) -> None:
    """Overwrite the parameter with its own value and the given policies."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    failure: str | None = None
    try:
        described = _describe(client, name)
        if described is None:
            raise ParameterPolicyError(f"parameter {name} does not exist; create it first")
        parameter = client.get_parameter(Name=name, WithDecryption=True)["Parameter"]
        request: dict[str, Any] = {
            "Name": name,
            "Type": described["Type"],
            "Overwrite": True,
            "Tier": "Advanced",  # policies need the Advanced tier
            "Policies": policies,
        }
        if described["Type"] == "SecureString" and described.get("KeyId"):
            request["KeyId"] = described["KeyId"]  # without it SSM would switch to aws/ssm
        for key in _CARRIED_OVER:
            if described.get(key):
                request[key] = described[key]
        _write_newest(client, request, parameter["Value"], int(parameter["Version"]))
    except ClientError as error:
        # AWS's own message can quote request fields; keep only the code (and no value).
        failure = str(error.response.get("Error", {}).get("Code", "Unknown"))
    except BotoCoreError as error:
        failure = type(error).__name__
    if failure is not None:
        # Raised outside the handler so the original error (which may quote the value) is not
        # even attached as __context__.
        raise ParameterPolicyError(f"PutParameter with policies on {name} failed: {failure}")


def _write_newest(client: Any, request: dict[str, Any], value: str, read_version: int) -> None:
    """Write ``value`` (read at ``read_version``) with the request's policies, and make sure
    no value written by someone else meanwhile is left undone (see the module docstring)."""
    name = request["Name"]
    ours: set[int] = set()
    for _ in range(MAX_WRITES):
        written = int(client.put_parameter(**request, Value=value)["Version"])
        ours.add(written)
        others = [version for version in range(read_version + 1, written) if version not in ours]
        if not others:
            return  # nobody wrote between the value's version and ours: it is the newest
        # Our write put an older value back in force. Take the newest value that is not ours:
        # the latest version if someone wrote after us too, else the newest one before ours.
        latest = client.get_parameter(Name=name, WithDecryption=True)["Parameter"]
        if int(latest["Version"]) not in ours:
            value, read_version = latest["Value"], int(latest["Version"])
        else:
            read_version = max(others)
            value = client.get_parameter(Name=f"{name}:{read_version}", WithDecryption=True)[
                "Parameter"
            ]["Value"]
    raise ParameterPolicyError(
        f"PutParameter with policies on {name} failed: ConcurrentWrites (others wrote the "
        f"parameter during each of {MAX_WRITES} attempts, so the value in force may be older "
        "than the newest one; check the parameter's history and run the update again)"
    )


def _changed(olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
    """The inputs that differ between the stored outputs and the program's inputs."""
    keys = ("parameter_name", "region", "profile", "policies")
    return [key for key in keys if olds.get(key) != news.get(key)]


def stored_provider_moved(olds: dict[str, Any]) -> bool:
    """Whether the stored provider was pickled from this module's pre-0.2 path."""
    stored = olds.get(PROVIDER_KEY)
    if not isinstance(stored, str):
        return False
    try:
        pickled = base64.b64decode(stored, validate=True)
    except (binascii.Error, ValueError):
        return False
    return _OLD_MODULE in pickled and b"secretkit." + _OLD_MODULE not in pickled


class ParameterPoliciesProvider(dynamic.ResourceProvider):
    """CRUD for the policies of one parameter. Inputs: parameter_name, policies (canonical
    JSON from parameter_policies), region, optional profile."""

    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        _put_with_policies(_client(props), props["parameter_name"], props["policies"])
        return dynamic.CreateResult(id_=props["parameter_name"], outs=dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.DiffResult:
        replaces = [k for k in ("parameter_name", "region") if olds.get(k) != news.get(k)]
        changed = _changed(olds, news)
        moved = stored_provider_moved(olds)
        return dynamic.DiffResult(changes=bool(changed) or moved, replaces=replaces)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        if _changed(olds, news):
            _put_with_policies(_client(news), news["parameter_name"], news["policies"])
        # Otherwise only the stored provider moved (see the module docstring): the host stores
        # the new one with these outputs, and SSM is left alone.
        return dynamic.UpdateResult(outs=dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        """Refresh: the policies SSM reports; gone if the parameter is (e.g. it expired)."""
        described = _describe(_client(props), props["parameter_name"])
        if described is None:
            return dynamic.ReadResult(id_=None, outs={})
        return dynamic.ReadResult(
            id_=id_, outs={**props, "policies": from_described(described.get("Policies", []))}
        )

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        client = _client(props)
        if _describe(client, props["parameter_name"]) is None:
            return  # expired or deleted with the parameter: nothing left to detach
        _put_with_policies(client, props["parameter_name"], REMOVE_ALL_POLICIES)


class ParameterPolicies(dynamic.Resource, module="secretkit", name="ParameterPolicies"):
    """Policies attached to one SSM parameter (see the module docstring)."""

    parameter_name: pulumi.Output[str]
    policies: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        parameter_name: pulumi.Input[str],
        policies: pulumi.Input[str],
        region: pulumi.Input[str],
        profile: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            ParameterPoliciesProvider(),
            resource_name,
            {
                "parameter_name": parameter_name,
                "policies": policies,
                "region": region,
                "profile": profile,
            },
            opts,
        )
