"""Pulumi mocks that answer like AWS (realistic ids and ARNs) and record every registration."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
PARTITION = "aws"

SECRET_SIG = rpc._special_secret_sig
SIG_KEY = rpc._special_sig_key


def is_secret(value: Any) -> bool:
    """Whether a value in MockResourceArgs.inputs arrived marked as a Pulumi secret."""
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def unwrap(value: Any) -> Any:
    """The value without its secret marker, recursively."""
    if is_secret(value):
        return unwrap(value["value"])
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def _suffix(name: str, length: int = 7) -> str:
    """Pulumi auto-names resources '<name>-<7 hex>'; deterministic here so output is stable."""
    return _digest("autoname", name)[:length]


@dataclass
class Registration:
    """One resource the program registered, as the engine saw it."""

    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    state: dict[str, Any]
    dependencies: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    """Resource options the engine would act on: replaceOnChanges, deleteBeforeReplace,
    ignoreChanges, protect."""

    @property
    def plain_inputs(self) -> dict[str, Any]:
        """Inputs with secret markers removed (only for assertions; never print secrets)."""
        return unwrap(self.inputs)  # type: ignore[no-any-return]


class AwsMocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes the way the AWS provider would."""

    def __init__(
        self, account_id: str = ACCOUNT_ID, region: str = REGION, partition: str = PARTITION
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.partition = partition

    # --- invokes ------------------------------------------------------------------------------

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        token = args.token
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": self.account_id,
                "arn": f"arn:{self.partition}:iam::{self.account_id}:user/deployer",
                "userId": "AIDAEXAMPLE",
                "id": self.account_id,
            }
        if token == "aws:index/getRegion:getRegion":
            return {
                "region": self.region,
                "name": self.region,
                "id": self.region,
                "endpoint": f"ec2.{self.region}.amazonaws.com",
                "description": self.region,
            }
        if token == "aws:index/getPartition:getPartition":
            return {
                "partition": self.partition,
                "dnsSuffix": "amazonaws.com",
                "reverseDnsPrefix": "com.amazonaws",
                "id": self.partition,
            }
        raise NotImplementedError(f"secretkit mocks do not answer invoke {token}")

    # --- resources ----------------------------------------------------------------------------

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = dict(args.inputs)
        handler = _RESOURCE_STATE.get(args.typ)
        if handler is None:
            return f"{args.name}-id", inputs
        return handler(self, args.name, inputs)

    def _arn(
        self, service: str, resource: str, region: bool = True, in_region: str | None = None
    ) -> str:
        where = (in_region or self.region) if region else ""
        account = self.account_id
        return f"arn:{self.partition}:{service}:{where}:{account}:{resource}"


def autoname(name: str, inputs: dict[str, Any], key: str = "name") -> str:
    """The physical name pulumi-aws would choose: the given one (``key``), else one made from
    ``namePrefix``, else '<name>-<7 hex>'."""
    given = unwrap(inputs.get(key))
    if given:
        return str(given)
    prefix = unwrap(inputs.get("namePrefix"))
    if prefix:
        return f"{prefix}{_suffix(name, 26)}"
    return f"{name}-{_suffix(name)}"


def _kms_key(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    key_id = str(uuid.UUID(_digest("kms", name)[:32]))
    if unwrap(inputs.get("multiRegion")):
        key_id = "mrk-" + _digest("kms", name)[:32]
    region = unwrap(inputs.get("region"))
    arn = m._arn("kms", f"key/{key_id}", in_region=region)
    return key_id, {**inputs, "keyId": key_id, "arn": arn, "region": region or m.region}


def _replica_key(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A multi-Region replica: the primary's key id, in the replica's region."""
    primary = str(unwrap(inputs.get("primaryKeyArn")))
    key_id = primary.rsplit("/", 1)[-1]
    arn = m._arn("kms", f"key/{key_id}", in_region=unwrap(inputs.get("region")))
    return key_id, {**inputs, "keyId": key_id, "arn": arn}


def _secret(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    secret_name = autoname(name, inputs)
    arn = m._arn("secretsmanager", f"secret:{secret_name}-{_digest('sm', name)[:6]}")
    return arn, {**inputs, "name": secret_name, "arn": arn}


def _secret_version(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    version_id = str(uuid.UUID(_digest("version", name)[:32]))
    secret = unwrap(inputs.get("secretId"))
    state = {**inputs, "versionId": version_id, "arn": secret}
    return f"{secret}|{version_id}", state


def _role(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    role_name = autoname(name, inputs)
    path = unwrap(inputs.get("path")) or "/"
    arn = m._arn("iam", f"role{path}{role_name}", region=False)
    return role_name, {**inputs, "name": role_name, "arn": arn, "uniqueId": "AROAEXAMPLE"}


def _role_policy(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    policy_name = autoname(name, inputs)
    return f"{unwrap(inputs.get('role'))}:{policy_name}", {**inputs, "name": policy_name}


def _log_group(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    group = autoname(name, inputs)
    return group, {**inputs, "name": group, "arn": m._arn("logs", f"log-group:{group}")}


def _function(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    function_name = autoname(name, inputs)
    arn = m._arn("lambda", f"function:{function_name}")
    return function_name, {**inputs, "name": function_name, "arn": arn, "qualifiedArn": arn}


def _parameter(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    parameter_name = autoname(name, inputs)
    arn = m._arn("ssm", f"parameter/{parameter_name.lstrip('/')}")
    return parameter_name, {**inputs, "name": parameter_name, "arn": arn, "version": 1}


def _topic(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    topic = autoname(name, inputs)
    arn = m._arn("sns", topic)
    return arn, {**inputs, "name": topic, "arn": arn}


def _event_rule(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    rule = autoname(name, inputs)
    return rule, {**inputs, "name": rule, "arn": m._arn("events", f"rule/{rule}")}


StateHandler = Callable[[AwsMocks, str, dict[str, Any]], tuple[str, dict[str, Any]]]


def _user_or_group(kind: str) -> StateHandler:
    """An IAM user or group: its name and ARN (path included), as AWS returns them."""

    def handler(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        identity = autoname(name, inputs)
        path = unwrap(inputs.get("path")) or "/"
        arn = m._arn("iam", f"{kind}{path}{identity}", region=False)
        return identity, {**inputs, "name": identity, "arn": arn, "uniqueId": "AIDAEXAMPLE"}

    return handler


def _iam_policy(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    policy_name = autoname(name, inputs)
    path = unwrap(inputs.get("path")) or "/"
    arn = m._arn("iam", f"policy{path}{policy_name}", region=False)
    return arn, {**inputs, "name": policy_name, "arn": arn}


def _with_id(suffix: str) -> StateHandler:
    def handler(m: AwsMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return f"{name}-{suffix}", dict(inputs)

    return handler


_RESOURCE_STATE: dict[str, StateHandler] = {
    "aws:kms/key:Key": _kms_key,
    "aws:kms/replicaKey:ReplicaKey": _replica_key,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:secretsmanager/secretVersion:SecretVersion": _secret_version,
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:iam/user:User": _user_or_group("user"),
    "aws:iam/group:Group": _user_or_group("group"),
    "aws:iam/policy:Policy": _iam_policy,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:lambda/function:Function": _function,
    "aws:ssm/parameter:Parameter": _parameter,
    "aws:sns/topic:Topic": _topic,
    "aws:cloudwatch/eventRule:EventRule": _event_rule,
    "aws:lambda/permission:Permission": _with_id("permission"),
    "aws:secretsmanager/secretRotation:SecretRotation": _with_id("rotation"),
}


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, also keeping parent, dependencies and secret markers."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        #: URN -> what a component registered with register_outputs (plain, unwrapped).
        self.component_outputs: dict[str, dict[str, Any]] = {}

    def RegisterResourceOutputs(self, request: Any) -> Any:
        self.component_outputs[request.urn] = unwrap(rpc.deserialize_properties(request.outputs))
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type == "pulumi:pulumi:Stack":
            return response
        registered = self.resources[response.urn]
        self.registrations.append(
            Registration(
                type=request.type,
                name=request.name,
                urn=response.urn,
                parent=request.parent,
                custom=bool(request.custom),
                inputs=rpc.deserialize_properties(request.object),
                state=dict(registered.state),
                dependencies=list(request.dependencies),
                options={
                    "replaceOnChanges": list(request.replaceOnChanges),
                    "deleteBeforeReplace": bool(request.deleteBeforeReplace),
                    "ignoreChanges": list(request.ignoreChanges),
                    "protect": bool(request.protect),
                },
            )
        )
        return response

    def by_type(self, type_: str) -> list[Registration]:
        """Registrations of one resource type, in registration order."""
        return [r for r in self.registrations if r.type == type_]

    def by_name(self, name: str) -> Registration:
        """The registration with this logical name (there must be exactly one)."""
        found = [r for r in self.registrations if r.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}")
        return found[0]


def _replace_event_loop() -> None:
    """Close the previous program's loop (if idle) and start a fresh one."""
    try:
        previous = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        previous = None
    if previous is not None and not previous.is_running() and not previous.is_closed():
        # A failed program leaves futures holding its error; they are reported, not lost, so
        # asyncio need not log each again when they are garbage-collected.
        previous.set_exception_handler(lambda _loop, _context: None)
        for task in asyncio.all_tasks(previous):
            task.cancel()
        previous.close()
    asyncio.set_event_loop(asyncio.new_event_loop())


def install(
    mocks: AwsMocks | None = None,
    *,
    project: str = "secretkit",
    stack: str = "test",
    preview: bool = False,
) -> RecordingMonitor:
    """Point the Pulumi runtime at recording AWS mocks; returns the monitor to inspect."""
    mocks = mocks or AwsMocks()
    # A fresh event loop per program: work left pending by an earlier, failed program must not
    # resume (and fail) inside this one.
    _replace_event_loop()
    # ...and a fresh root stack resource on that loop (set_mocks only makes one if none exists).
    pulumi_settings.ROOT.set(None)
    # ...and no stack configuration left by an earlier program (run_program sets its own after).
    pulumi.runtime.set_all_config({}, [])
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)
    return monitor


def run(program: Callable[[], object]) -> Any:
    """Run ``program`` as a Pulumi program against the installed mocks and wait for every
    registration; returns what the program returned, resolved if it was an Output."""
    result: list[Any] = []

    def body() -> Awaitable[None]:
        returned = pulumi.Output.from_input(program())

        async def resolve() -> None:
            result.append(await returned.future())

        return resolve()

    # As pulumi.runtime.test does: forget RPCs an earlier, failed program left outstanding.
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()
    try:
        _sync_await(run_pulumi_func(body))
    except BaseException:
        _settle_leftovers()
        raise
    return result[0] if result else None


#: How long a failed program's outstanding registrations may take to settle.
SETTLE_SECONDS = 10.0


def _settle_leftovers() -> None:
    """Let the registrations a failed program left outstanding finish (their errors are that
    program's, already raised), so that a next program run on the same loop does not report
    them as its own (a registration waiting on a deferred document, such as the key policy that
    waits for the program code to return, can outlive the first error)."""
    manager = pulumi_settings.SETTINGS.rpc_manager

    async def settle() -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_SECONDS
        while manager.rpcs and loop.time() < deadline:
            pending = list(manager.rpcs)
            manager.rpcs.clear()
            await asyncio.wait(pending, timeout=max(0.0, deadline - loop.time()))

    _sync_await(settle())
    manager.clear()
