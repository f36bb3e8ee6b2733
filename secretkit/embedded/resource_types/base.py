"""What one resource type's entry holds (create, update, what forces a replacement, delete) and
the request helpers entries share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class Account(Protocol):
    """The embedded account as a resource type sees it."""

    account_id: str
    partition: str

    def client(self, service: str, region: str | None = None) -> Any:
        """A boto3 client of the account (moto), in ``region`` or the account's own."""


@dataclass
class Resource:
    """A resource in the embedded account: its type, logical name, physical id and region."""

    type: str
    name: str
    id: str
    region: str


@dataclass
class Record(Resource):
    """What the embedded AWS remembers of a resource between deployments (Pulumi's state):
    the inputs it was last deployed with (comparable form), its outputs and its whole state."""

    inputs: dict[str, Any]
    outputs: dict[str, Any]
    state: dict[str, Any]


#: (account, logical name, plain inputs, region) -> (physical id, outputs)
Create = Callable[[Account, str, dict[str, Any], str], tuple[str, dict[str, Any]]]
#: (account, the record of the deployed resource, new plain inputs, region) -> changed outputs
Update = Callable[[Account, Record, dict[str, Any], str], dict[str, Any]]
#: (account, the record of the deployed resource)
Delete = Callable[[Account, Record], None]


def no_delete(aws: Account, record: Record) -> None:
    """Nothing to remove in AWS (the resource is configuration of another one)."""


@dataclass(frozen=True)
class ResourceType:
    """One pulumi-aws resource type translated into the AWS calls its provider makes."""

    token: str
    create: Create
    #: Changes the provider applies in place; None: every change replaces the resource.
    update: Update | None = None
    #: Inputs whose change means a new resource (pulumi-aws's ForceNew).
    replace_on: frozenset[str] = frozenset()
    delete: Delete = no_delete

    def replaces(self, changed: set[str]) -> bool:
        """Whether a change of these inputs replaces the resource rather than updating it."""
        return self.update is None or bool(changed & self.replace_on)


def tags(inputs: dict[str, Any], key_field: str = "Key", value_field: str = "Value") -> list[Any]:
    """The ``tags`` input as a list of AWS tag objects."""
    return [{key_field: k, value_field: v} for k, v in (inputs.get("tags") or {}).items()]


def tagged(inputs: dict[str, Any]) -> dict[str, Any]:
    """The request's ``Tags`` field when the resource has tags."""
    return {"Tags": tags(inputs)} if inputs.get("tags") else {}


def given(inputs: dict[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    """Request fields for the inputs that are set: ``fields`` maps input name -> API field."""
    return {api: inputs[source] for source, api in fields.items() if inputs.get(source)}


class UnsupportedResource(Exception):
    """The embedded AWS has no translation for this resource type (or input)."""
