"""Pulumi mocks that create every registered resource for real in moto: an embedded AWS.

Each pulumi-aws resource type secretkit uses is translated into the AWS calls pulumi-aws would
make (CreateKey, CreateSecret, PutSecretValue, CreateRole, PutRolePolicy, CreateFunction...),
its outputs come from the responses, and dependencies follow from Pulumi's own ordering (a
resource is registered once its inputs resolve). A second deployment diffs each resource's
inputs against the last one and updates, replaces or deletes as `pulumi up` would. The
translations live in ``secretkit.embedded.resource_types``, one entry per type. A type without
a translation stops the deployment with an error naming it. Run inside moto's ``mock_aws()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import pulumi

from secretkit.embedded import mocks
from secretkit.embedded.mocks import unwrap
from secretkit.embedded.resource_types.archive import comparable
from secretkit.embedded.resource_types.base import Record, Resource, UnsupportedResource
from secretkit.embedded.resource_types.registry import RESOURCE_TYPES

WRITE_ONLY_INPUTS = ("secretStringWo", "valueWo")
#: Errors meaning the resource is already gone (deleted with what it belonged to).
GONE = ("NotFound", "NoSuchEntity", "ResourceNotFound", "ParameterNotFound")


@dataclass
class Created(Resource):
    """A resource the embedded AWS acted on, and what happened ('create', 'update', 'replace'
    or 'delete')."""

    operation: str = "create"


@dataclass
class EmbeddedAws(mocks.AwsMocks):
    """Creates resources in moto (the caller activates ``mock_aws``)."""

    region: str = mocks.REGION
    account_id: str = mocks.ACCOUNT_ID
    partition: str = mocks.PARTITION
    created: list[Created] = field(default_factory=list)
    on_create: Callable[[Created], None] | None = None
    records: dict[tuple[str, str], Record] = field(default_factory=dict)
    seen: set[tuple[str, str]] = field(default_factory=set)
    #: Pulumi's mock engine calls new_resource and call from its thread pool, several at once.
    #: moto is not made for concurrent requests (its per-service router, for one, is compiled on
    #: first use, and CPython 3.11's AST compiler is not safe when two threads compile at once),
    #: and the records are shared: one call into the embedded AWS at a time.
    _serial: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def begin(self) -> None:
        """Start a deployment: afterwards, what the program no longer declares is deleted."""
        self.seen = set()
        self.created = []

    def finish(self) -> list[Created]:
        """Delete what the last deployment did not declare, dependents first, as `pulumi up`
        does; returns what was deleted."""
        deleted = []
        for key in reversed(list(self.records)):
            if key in self.seen:
                continue
            record = self.records.pop(key)
            self._delete(record)
            deleted.append(Created(record.type, record.name, record.id, record.region, "delete"))
        self.created.extend(deleted)
        return deleted

    def client(self, service: str, region: str | None = None) -> Any:
        return boto3.client(service, region_name=region or self.region)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            with self._serial:
                identity = self.client("sts").get_caller_identity()
            return {
                "accountId": identity["Account"],
                "arn": identity["Arn"],
                "userId": identity["UserId"],
                "id": identity["Account"],
            }
        return super().call(args)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        with self._serial:
            return self._new_resource(args)

    def _new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if not args.custom:
            return f"{args.name}-component", dict(args.inputs)  # components own no AWS resource
        resource_type = RESOURCE_TYPES.get(args.typ)
        if resource_type is None:
            raise UnsupportedResource(
                f"the embedded AWS cannot create {args.typ} (resource {args.name!r}); "
                f"it translates: {', '.join(sorted(RESOURCE_TYPES))}"
            )
        plain = unwrap(dict(args.inputs))
        region = str(plain.get("region") or self.region)
        key = (args.typ, args.name)
        self.seen.add(key)
        inputs = {k: comparable(v) for k, v in plain.items() if k not in WRITE_ONLY_INPUTS}
        old = self.records.get(key)
        operation = "create"
        if old is not None:
            if old.inputs == inputs:
                return old.id, old.state  # unchanged: no call, as `pulumi up` skips it
            changed = {k for k in {*old.inputs, *inputs} if old.inputs.get(k) != inputs.get(k)}
            if resource_type.update is not None and not resource_type.replaces(changed):
                outputs = {**old.outputs, **resource_type.update(self, old, plain, region)}
                resource_id, operation = old.id, "update"
            else:
                self._delete(old)
                operation = "replace"
        if operation != "update":
            resource_id, outputs = resource_type.create(self, args.name, plain, region)
        state = {
            **{k: v for k, v in args.inputs.items() if k not in WRITE_ONLY_INPUTS},
            **outputs,
        }
        self.records[key] = Record(args.typ, args.name, resource_id, region, inputs, outputs, state)
        record = Created(args.typ, args.name, resource_id, region, operation)
        self.created.append(record)
        if self.on_create is not None:
            self.on_create(record)
        return resource_id, state

    def _delete(self, record: Record) -> None:
        """Delete as pulumi-aws does, treating 'already gone' as done (a replaced or deleted
        parent can take its configuration resources with it)."""
        from botocore.exceptions import ClientError  # noqa: PLC0415

        try:
            RESOURCE_TYPES[record.type].delete(self, record)
        except ClientError as error:
            details = error.response.get("Error", {})
            gone = any(marker in str(details.get("Code", "")) for marker in GONE)
            if not gone and "marked deleted" not in str(details.get("Message", "")):
                raise
