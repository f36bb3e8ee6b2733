"""Pulumi mocks that create every registered resource for real in moto: an embedded AWS.

Each pulumi-aws resource type secretkit uses is translated into the AWS calls pulumi-aws would
make (CreateKey, CreateSecret, PutSecretValue, CreateRole, PutRolePolicy, CreateFunction...),
its outputs come from the responses, and dependencies follow from Pulumi's own ordering (a
resource is registered once its inputs resolve). A type without a translation stops the
deployment with an error naming it. Run inside moto's ``mock_aws()``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import pulumi

from secretkit.embedded import mocks
from secretkit.embedded.mocks import unwrap
from secretkit.embedded.moto_fidelity import enable_rotation

WRITE_ONLY_INPUTS = ("secretStringWo", "valueWo")


class UnsupportedResource(Exception):
    """The embedded AWS has no translation for this resource type."""


@dataclass
class Created:
    """A resource the embedded AWS acted on: its type, logical name, physical id, and what
    happened ('create', 'update', 'replace' or 'delete')."""

    type: str
    name: str
    id: str
    region: str
    operation: str = "create"


@dataclass
class Record:
    """What the embedded AWS remembers of a resource between deployments (Pulumi's state)."""

    type: str
    name: str
    id: str
    region: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    state: dict[str, Any]


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
            _delete(self, record)
            deleted.append(Created(record.type, record.name, record.id, record.region, "delete"))
        self.created.extend(deleted)
        return deleted

    def client(self, service: str, region: str | None = None) -> Any:
        return boto3.client(service, region_name=region or self.region)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            identity = self.client("sts").get_caller_identity()
            return {
                "accountId": identity["Account"],
                "arn": identity["Arn"],
                "userId": identity["UserId"],
                "id": identity["Account"],
            }
        return super().call(args)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if not args.custom:
            return f"{args.name}-component", dict(args.inputs)  # components own no AWS resource
        handler = HANDLERS.get(args.typ)
        if handler is None:
            raise UnsupportedResource(
                f"the embedded AWS cannot create {args.typ} (resource {args.name!r}); "
                f"it translates: {', '.join(sorted(HANDLERS))}"
            )
        plain = unwrap(dict(args.inputs))
        region = str(plain.get("region") or self.region)
        key = (args.typ, args.name)
        self.seen.add(key)
        comparable = {k: _comparable(v) for k, v in plain.items() if k not in WRITE_ONLY_INPUTS}
        old = self.records.get(key)
        operation = "create"
        if old is not None:
            if old.inputs == comparable:
                return old.id, old.state  # unchanged: no call, as `pulumi up` skips it
            changed = {
                k for k in {*old.inputs, *comparable} if old.inputs.get(k) != comparable.get(k)
            }
            updater = UPDATERS.get(args.typ)
            if updater is not None and not changed & REPLACE_ON.get(args.typ, set()):
                outputs = {**old.outputs, **updater(self, old, plain, region)}
                resource_id, operation = old.id, "update"
            else:
                _delete(self, old)
                old = None
                operation = "replace"
        if operation != "update":
            resource_id, outputs = handler(self, args.name, plain, region)
        state = {
            **{k: v for k, v in args.inputs.items() if k not in WRITE_ONLY_INPUTS},
            **outputs,
        }
        self.records[key] = Record(
            args.typ, args.name, resource_id, region, comparable, outputs, state
        )
        record = Created(args.typ, args.name, resource_id, region, operation)
        self.created.append(record)
        if self.on_create is not None:
            self.on_create(record)
        return resource_id, state


def _comparable(value: Any) -> Any:
    """Inputs as Pulumi diffs them: an archive by the hash of its contents."""
    if isinstance(value, pulumi.Archive | pulumi.Asset):
        return ("content", hashlib.sha256(zip_archive(value)).hexdigest())
    return value


def _name(name: str, inputs: dict[str, Any], key: str = "name") -> str:
    """The physical name pulumi-aws would choose: the given one, else '<name>-<7 hex>'."""
    return mocks._autoname(name, inputs, key)


def _tags(inputs: dict[str, Any], key_field: str = "Key", value_field: str = "Value") -> list[Any]:
    return [{key_field: k, value_field: v} for k, v in (inputs.get("tags") or {}).items()]


Handler = Callable[[EmbeddedAws, str, dict[str, Any], str], tuple[str, dict[str, Any]]]


def _kms_key(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    kms = aws.client("kms", region)
    request: dict[str, Any] = {
        "Description": p.get("description", ""),
        "Tags": _tags(p, "TagKey", "TagValue"),
    }
    if p.get("policy"):
        request["Policy"] = p["policy"]
    if p.get("multiRegion"):
        request["MultiRegion"] = True
    metadata = kms.create_key(**request)["KeyMetadata"]
    if p.get("enableKeyRotation"):
        kms.enable_key_rotation(KeyId=metadata["KeyId"])
    return metadata["KeyId"], {"keyId": metadata["KeyId"], "arn": metadata["Arn"], "region": region}


def _replica_key(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    primary = str(p["primaryKeyArn"])
    kms = aws.client("kms", primary.split(":")[3])
    request: dict[str, Any] = {"KeyId": primary, "ReplicaRegion": region}
    if p.get("policy"):
        request["Policy"] = p["policy"]
    if p.get("description"):
        request["Description"] = p["description"]
    metadata = kms.replicate_key(**request)["ReplicaKeyMetadata"]
    return metadata["KeyId"], {"keyId": metadata["KeyId"], "arn": metadata["Arn"]}


def _alias(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    alias = _name(name, p)
    aws.client("kms", region).create_alias(AliasName=alias, TargetKeyId=p["targetKeyId"])
    arn = f"arn:{aws.partition}:kms:{region}:{aws.account_id}:{alias}"
    return alias, {"name": alias, "arn": arn}


def _secret(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    request: dict[str, Any] = {"Name": _name(name, p)}
    if p.get("description"):
        request["Description"] = p["description"]
    if p.get("kmsKeyId"):
        request["KmsKeyId"] = p["kmsKeyId"]
    if p.get("tags"):
        request["Tags"] = _tags(p)
    if p.get("replicas"):
        request["AddReplicaRegions"] = [
            {"Region": r["region"], **({"KmsKeyId": r["kmsKeyId"]} if r.get("kmsKeyId") else {})}
            for r in p["replicas"]
        ]
        request["ForceOverwriteReplicaSecret"] = bool(p.get("forceOverwriteReplicaSecret"))
    client = aws.client("secretsmanager", region)
    created = client.create_secret(**request)
    if _sets_policy(p.get("policy")):
        client.put_resource_policy(SecretId=created["ARN"], ResourcePolicy=p["policy"])
    return created["ARN"], {"arn": created["ARN"], "name": created["Name"]}


def _sets_policy(policy: Any) -> bool:
    """Whether a Secret's ``policy`` input is a document to put (the provider treats '' and
    '{}' as "no policy", and an absent input as "leave whatever is there")."""
    return isinstance(policy, str) and policy.strip() not in {"", "{}"}


def _secret_version(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    value = p.get("secretStringWo") or p.get("secretString")
    request: dict[str, Any] = {"SecretId": p["secretId"], "SecretString": value}
    if p.get("versionStages"):
        request["VersionStages"] = p["versionStages"]
    put = aws.client("secretsmanager", region).put_secret_value(**request)
    return f"{put['ARN']}|{put['VersionId']}", {
        "arn": put["ARN"],
        "versionId": put["VersionId"],
        "versionStages": put.get("VersionStages", []),
    }


def _secret_rotation(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    """RotateSecret's configuration. moto would invoke the function itself (it needs Docker for
    that) or move AWSCURRENT on its own, so the configuration is recorded as RotateSecret does
    and the first rotation is left to the caller (the demo runs it under the function's role)."""
    rules = p.get("rotationRules") or {}
    days = int(rules.get("automaticallyAfterDays") or 0) or 30
    enable_rotation(
        str(p["secretId"]), str(p["rotationLambdaArn"]), days=days,
        account_id=aws.account_id, region=region,
    )  # fmt: skip
    return str(p["secretId"]), {"rotationEnabled": True}


def _role(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    request: dict[str, Any] = {
        "RoleName": _name(name, p),
        "AssumeRolePolicyDocument": p["assumeRolePolicy"],
        "Path": p.get("path") or "/",
    }
    if p.get("description"):
        request["Description"] = p["description"]
    if p.get("permissionsBoundary"):
        request["PermissionsBoundary"] = p["permissionsBoundary"]
    if p.get("tags"):
        request["Tags"] = _tags(p)
    role = aws.client("iam").create_role(**request)["Role"]
    return role["RoleName"], {
        "name": role["RoleName"],
        "arn": role["Arn"],
        "uniqueId": role["RoleId"],
    }


def _role_policy(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    policy_name = _name(name, p)
    aws.client("iam").put_role_policy(
        RoleName=p["role"], PolicyName=policy_name, PolicyDocument=p["policy"]
    )
    return f"{p['role']}:{policy_name}", {"name": policy_name}


def _policy(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    request: dict[str, Any] = {"PolicyName": _name(name, p), "PolicyDocument": p["policy"]}
    if p.get("description"):
        request["Description"] = p["description"]
    policy = aws.client("iam").create_policy(**request)["Policy"]
    return policy["Arn"], {"arn": policy["Arn"], "name": policy["PolicyName"]}


def _attachment(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    aws.client("iam").attach_role_policy(RoleName=p["role"], PolicyArn=p["policyArn"])
    return f"{p['role']}-{name}", {}


def _log_group(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    group = _name(name, p)
    logs = aws.client("logs", region)
    logs.create_log_group(logGroupName=group, tags=p.get("tags") or {})
    if p.get("retentionInDays"):
        logs.put_retention_policy(logGroupName=group, retentionInDays=int(p["retentionInDays"]))
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["arn"]
    # pulumi-aws drops the ':*' the API appends (it denotes the group's streams).
    return group, {"name": group, "arn": arn.removesuffix(":*")}


def zip_archive(code: Any) -> bytes:
    """The bytes pulumi-aws uploads for an AssetArchive of file and string assets."""
    assets = code.assets if isinstance(code, pulumi.AssetArchive) else {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, asset in sorted(assets.items()):
            entry = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))  # same bytes each time
            entry.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(asset, pulumi.FileAsset):
                with open(asset.path, "rb") as handle:
                    archive.writestr(entry, handle.read())
            elif isinstance(asset, pulumi.StringAsset):
                archive.writestr(entry, asset.text)
            else:
                raise UnsupportedResource(f"code asset {path} is neither a file nor a string")
    return buffer.getvalue()


def _function(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    request: dict[str, Any] = {
        "FunctionName": _name(name, p),
        "Runtime": p["runtime"],
        "Role": p["role"],
        "Handler": p["handler"],
        "Code": {"ZipFile": zip_archive(p.get("code"))},
        "Timeout": int(p.get("timeout") or 3),
        "MemorySize": int(p.get("memorySize") or 128),
        "Architectures": p.get("architectures") or ["x86_64"],
    }
    if p.get("description"):
        request["Description"] = p["description"]
    variables = (p.get("environment") or {}).get("variables")
    if variables:
        request["Environment"] = {"Variables": {k: str(v) for k, v in variables.items()}}
    logging_config = p.get("loggingConfig") or {}
    if logging_config:
        request["LoggingConfig"] = {
            "LogFormat": logging_config.get("logFormat", "Text"),
            **({"LogGroup": logging_config["logGroup"]} if logging_config.get("logGroup") else {}),
        }
    vpc = p.get("vpcConfig") or {}
    if vpc:
        request["VpcConfig"] = {
            "SubnetIds": vpc.get("subnetIds", []),
            "SecurityGroupIds": vpc.get("securityGroupIds", []),
        }
    if p.get("tags"):
        request["Tags"] = p["tags"]
    function = aws.client("lambda", region).create_function(**request)
    return function["FunctionName"], {
        "name": function["FunctionName"],
        "arn": function["FunctionArn"],
        "qualifiedArn": function["FunctionArn"],
        "invokeArn": function["FunctionArn"],
        "codeSha256": function.get("CodeSha256"),
    }


def _permission(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    statement_id = p.get("statementId") or _name(name, p, "statementId")
    request: dict[str, Any] = {
        "FunctionName": p["function"],
        "StatementId": statement_id,
        "Action": p["action"],
        "Principal": p["principal"],
    }
    for source, field_name in (("sourceAccount", "SourceAccount"), ("sourceArn", "SourceArn")):
        if p.get(source):
            request[field_name] = p[source]
    aws.client("lambda", region).add_permission(**request)
    return statement_id, {"statementId": statement_id}


def _event_rule(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    request: dict[str, Any] = {"Name": _name(name, p), "State": "ENABLED"}
    for source, field_name in (
        ("eventPattern", "EventPattern"),
        ("scheduleExpression", "ScheduleExpression"),
        ("description", "Description"),
    ):
        if p.get(source):
            request[field_name] = p[source]
    arn = aws.client("events", region).put_rule(**request)["RuleArn"]
    return request["Name"], {"name": request["Name"], "arn": arn}


def _event_target(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    target_id = p.get("targetId") or _name(name, p, "targetId")
    aws.client("events", region).put_targets(
        Rule=p["rule"], Targets=[{"Id": target_id, "Arn": p["arn"]}]
    )
    return f"{p['rule']}-{target_id}", {"targetId": target_id}


def _topic(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    topic = _name(name, p)
    arn = aws.client("sns", region).create_topic(Name=topic, Tags=_tags(p))["TopicArn"]
    return arn, {"name": topic, "arn": arn}


def _topic_policy(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    aws.client("sns", region).set_topic_attributes(
        TopicArn=p["arn"], AttributeName="Policy", AttributeValue=p["policy"]
    )
    return str(p["arn"]), {}


def _parameter(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    parameter_name = _name(name, p)
    request: dict[str, Any] = {
        "Name": parameter_name,
        "Value": p.get("valueWo") or p.get("value") or p.get("insecureValue"),
        "Type": p.get("type", "String"),
    }
    for source, field_name in (
        ("keyId", "KeyId"),
        ("tier", "Tier"),
        ("description", "Description"),
    ):
        if p.get(source):
            request[field_name] = p[source]
    if p.get("tags"):
        request["Tags"] = _tags(p)
    version = aws.client("ssm", region).put_parameter(**request)["Version"]
    arn = (
        f"arn:{aws.partition}:ssm:{region}:{aws.account_id}:parameter/{parameter_name.lstrip('/')}"
    )
    return parameter_name, {"name": parameter_name, "arn": arn, "version": version}


def _dynamic(
    aws: EmbeddedAws, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    """A Pulumi dynamic resource: its own provider's create, as the dynamic provider host runs
    it (boto3 inside it reaches moto too)."""
    import dill  # noqa: PLC0415 - Pulumi's own serializer for dynamic providers

    provider = dill.loads(base64.b64decode(p["__provider"]))  # noqa: S301 - our own program's
    props = {k: v for k, v in p.items() if k != "__provider"}
    result = provider.create(props)
    return str(result.id), dict(result.outs or {})


HANDLERS: dict[str, Handler] = {
    "aws:kms/key:Key": _kms_key,
    "aws:kms/replicaKey:ReplicaKey": _replica_key,
    "aws:kms/alias:Alias": _alias,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:secretsmanager/secretVersion:SecretVersion": _secret_version,
    "aws:secretsmanager/secretRotation:SecretRotation": _secret_rotation,
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:iam/policy:Policy": _policy,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _attachment,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:lambda/function:Function": _function,
    "aws:lambda/permission:Permission": _permission,
    "aws:cloudwatch/eventRule:EventRule": _event_rule,
    "aws:cloudwatch/eventTarget:EventTarget": _event_target,
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicPolicy:TopicPolicy": _topic_policy,
    "aws:ssm/parameter:Parameter": _parameter,
    "pulumi-python:dynamic/secretkit:ParameterPolicies": _dynamic,
}


# --- updates and deletes (a second deployment into the same embedded account) -------------------

Updater = Callable[[EmbeddedAws, Record, dict[str, Any], str], dict[str, Any]]
Deleter = Callable[[EmbeddedAws, Record], None]


def _no_delete(aws: EmbeddedAws, record: Record) -> None:
    """Nothing to remove in AWS (the resource is configuration of another one)."""


#: Errors meaning the resource is already gone (deleted with what it belonged to).
GONE = ("NotFound", "NoSuchEntity", "ResourceNotFound", "ParameterNotFound")


def _delete(aws: EmbeddedAws, record: Record) -> None:
    """Delete as pulumi-aws does, treating 'already gone' as done (a replaced or deleted parent
    can take its configuration resources with it)."""
    from botocore.exceptions import ClientError  # noqa: PLC0415

    try:
        DELETERS.get(record.type, _no_delete)(aws, record)
    except ClientError as error:
        details = error.response.get("Error", {})
        gone = any(marker in str(details.get("Code", "")) for marker in GONE)
        if not gone and "marked deleted" not in str(details.get("Message", "")):
            raise


def _update_secret(aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    request: dict[str, Any] = {"SecretId": old.id}
    if p.get("kmsKeyId"):
        request["KmsKeyId"] = p["kmsKeyId"]  # re-encrypts in place: same ARN, same versions
    if p.get("description") is not None:
        request["Description"] = p["description"]
    client = aws.client("secretsmanager", region)
    client.update_secret(**request)
    policy = p.get("policy")
    if policy is not None and policy != old.inputs.get("policy"):
        if _sets_policy(policy):
            client.put_resource_policy(SecretId=old.id, ResourcePolicy=policy)
        else:
            client.delete_resource_policy(SecretId=old.id)
    return {}


def _update_role(aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    iam = aws.client("iam")
    iam.update_assume_role_policy(RoleName=old.id, PolicyDocument=p["assumeRolePolicy"])
    if p.get("description") is not None:
        iam.update_role(RoleName=old.id, Description=p["description"])
    if p.get("permissionsBoundary"):
        iam.put_role_permissions_boundary(
            RoleName=old.id, PermissionsBoundary=p["permissionsBoundary"]
        )
    return {}


def _update_role_policy(
    aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    aws.client("iam").put_role_policy(
        RoleName=p["role"], PolicyName=old.outputs["name"], PolicyDocument=p["policy"]
    )
    return {}


def _update_policy(aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    iam = aws.client("iam")
    versions = iam.list_policy_versions(PolicyArn=old.id)["Versions"]
    for version in sorted(versions, key=lambda v: v["CreateDate"])[: max(0, len(versions) - 4)]:
        if not version["IsDefaultVersion"]:
            iam.delete_policy_version(PolicyArn=old.id, VersionId=version["VersionId"])
    iam.create_policy_version(PolicyArn=old.id, PolicyDocument=p["policy"], SetAsDefault=True)
    return {}


def _update_log_group(
    aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    logs = aws.client("logs", region)
    if p.get("retentionInDays"):
        logs.put_retention_policy(logGroupName=old.id, retentionInDays=int(p["retentionInDays"]))
    else:
        logs.delete_retention_policy(logGroupName=old.id)
    return {}


def _update_function(
    aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    client = aws.client("lambda", region)
    if old.inputs.get("code") != _comparable(p.get("code")):
        client.update_function_code(FunctionName=old.id, ZipFile=zip_archive(p.get("code")))
    variables = (p.get("environment") or {}).get("variables") or {}
    client.update_function_configuration(
        FunctionName=old.id,
        Role=p["role"],
        Handler=p["handler"],
        Runtime=p["runtime"],
        Timeout=int(p.get("timeout") or 3),
        MemorySize=int(p.get("memorySize") or 128),
        Environment={"Variables": {k: str(v) for k, v in variables.items()}},
    )
    return {}


def _update_rule(aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    _event_rule(aws, old.name, {**p, "name": old.id}, region)
    return {}


def _update_target(aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    aws.client("events", region).put_targets(
        Rule=p["rule"], Targets=[{"Id": old.outputs["targetId"], "Arn": p["arn"]}]
    )
    return {}


def _update_topic_policy(
    aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    _topic_policy(aws, old.name, p, region)
    return {}


def _update_parameter(
    aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    request: dict[str, Any] = {"Name": old.id, "Type": p.get("type", "String"), "Overwrite": True}
    value = p.get("value") or p.get("insecureValue")
    if p.get("valueWoVersion") != old.inputs.get("valueWoVersion") or value is not None:
        request["Value"] = value if value is not None else p.get("valueWo")
    else:
        ssm = aws.client("ssm", region)
        request["Value"] = ssm.get_parameter(Name=old.id, WithDecryption=True)["Parameter"]["Value"]
    for source, field_name in (
        ("keyId", "KeyId"),
        ("tier", "Tier"),
        ("description", "Description"),
    ):
        if p.get(source):
            request[field_name] = p[source]
    version = aws.client("ssm", region).put_parameter(**request)["Version"]
    return {"version": version}


def _update_rotation(
    aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    return _secret_rotation(aws, old.name, p, region)[1]


def _update_dynamic(
    aws: EmbeddedAws, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    import dill  # noqa: PLC0415

    provider = dill.loads(base64.b64decode(p["__provider"]))  # noqa: S301 - our own program's
    props = {k: v for k, v in p.items() if k != "__provider"}
    return dict(provider.update(old.id, old.outputs, props).outs or {})


UPDATERS: dict[str, Updater] = {
    "aws:secretsmanager/secret:Secret": _update_secret,
    "aws:secretsmanager/secretRotation:SecretRotation": _update_rotation,
    "aws:iam/role:Role": _update_role,
    "aws:iam/rolePolicy:RolePolicy": _update_role_policy,
    "aws:iam/policy:Policy": _update_policy,
    "aws:cloudwatch/logGroup:LogGroup": _update_log_group,
    "aws:lambda/function:Function": _update_function,
    "aws:cloudwatch/eventRule:EventRule": _update_rule,
    "aws:cloudwatch/eventTarget:EventTarget": _update_target,
    "aws:sns/topicPolicy:TopicPolicy": _update_topic_policy,
    "aws:ssm/parameter:Parameter": _update_parameter,
    "pulumi-python:dynamic/secretkit:ParameterPolicies": _update_dynamic,
}
#: Inputs whose change means a new resource (pulumi-aws's ForceNew); types without an updater
#: are always replaced.
REPLACE_ON: dict[str, set[str]] = {
    "aws:secretsmanager/secret:Secret": {"name", "namePrefix", "region", "replicas"},
    "aws:secretsmanager/secretRotation:SecretRotation": {"secretId", "region"},
    "aws:iam/role:Role": {"name", "namePrefix", "path"},
    "aws:iam/rolePolicy:RolePolicy": {"role", "name", "namePrefix"},
    "aws:iam/policy:Policy": {"name", "namePrefix", "path", "description"},
    "aws:cloudwatch/logGroup:LogGroup": {"name", "namePrefix", "region"},
    "aws:lambda/function:Function": {
        "name",
        "region",
        "architectures",
        "loggingConfig",
        "vpcConfig",
    },
    "aws:cloudwatch/eventRule:EventRule": {"name", "namePrefix", "region"},
    "aws:cloudwatch/eventTarget:EventTarget": {"rule", "targetId", "region"},
    "aws:sns/topicPolicy:TopicPolicy": {"arn", "region"},
    "aws:ssm/parameter:Parameter": {"name", "type", "region"},
    "pulumi-python:dynamic/secretkit:ParameterPolicies": {"parameter_name", "region"},
}


def _delete_key(aws: EmbeddedAws, record: Record) -> None:
    aws.client("kms", record.region).schedule_key_deletion(KeyId=record.id, PendingWindowInDays=7)


def _delete_secret(aws: EmbeddedAws, record: Record) -> None:
    client = aws.client("secretsmanager", record.region)
    replicas = [r["region"] for r in record.inputs.get("replicas") or []]
    if replicas:
        client.remove_regions_from_replication(SecretId=record.id, RemoveReplicaRegions=replicas)
    window = int(record.inputs.get("recoveryWindowInDays") or 30)
    if window == 0:
        client.delete_secret(SecretId=record.id, ForceDeleteWithoutRecovery=True)
    else:
        client.delete_secret(SecretId=record.id, RecoveryWindowInDays=window)


DELETERS: dict[str, Deleter] = {
    "aws:kms/key:Key": _delete_key,
    "aws:kms/replicaKey:ReplicaKey": _delete_key,
    "aws:kms/alias:Alias": lambda aws, r: aws.client("kms", r.region).delete_alias(AliasName=r.id),
    "aws:secretsmanager/secret:Secret": _delete_secret,
    "aws:secretsmanager/secretRotation:SecretRotation": lambda aws, r: aws.client(
        "secretsmanager", r.region
    ).cancel_rotate_secret(SecretId=r.id),
    "aws:iam/role:Role": lambda aws, r: aws.client("iam").delete_role(RoleName=r.id),
    "aws:iam/rolePolicy:RolePolicy": lambda aws, r: aws.client("iam").delete_role_policy(
        RoleName=r.inputs["role"], PolicyName=r.outputs["name"]
    ),
    "aws:iam/policy:Policy": lambda aws, r: aws.client("iam").delete_policy(PolicyArn=r.id),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": lambda aws, r: aws.client(
        "iam"
    ).detach_role_policy(RoleName=r.inputs["role"], PolicyArn=r.inputs["policyArn"]),
    "aws:cloudwatch/logGroup:LogGroup": lambda aws, r: aws.client(
        "logs", r.region
    ).delete_log_group(logGroupName=r.id),
    "aws:lambda/function:Function": lambda aws, r: aws.client("lambda", r.region).delete_function(
        FunctionName=r.id
    ),
    "aws:lambda/permission:Permission": lambda aws, r: aws.client(
        "lambda", r.region
    ).remove_permission(FunctionName=r.inputs["function"], StatementId=r.id),
    "aws:cloudwatch/eventRule:EventRule": lambda aws, r: aws.client("events", r.region).delete_rule(
        Name=r.id
    ),
    "aws:cloudwatch/eventTarget:EventTarget": lambda aws, r: aws.client(
        "events", r.region
    ).remove_targets(Rule=r.inputs["rule"], Ids=[r.outputs["targetId"]]),
    "aws:sns/topic:Topic": lambda aws, r: aws.client("sns", r.region).delete_topic(TopicArn=r.id),
    "aws:ssm/parameter:Parameter": lambda aws, r: aws.client("ssm", r.region).delete_parameter(
        Name=r.id
    ),
    "pulumi-python:dynamic/secretkit:ParameterPolicies": lambda aws, r: _delete_dynamic(r),
}


def _delete_dynamic(record: Record) -> None:
    import dill  # noqa: PLC0415

    provider = dill.loads(base64.b64decode(record.inputs["__provider"]))  # noqa: S301
    provider.delete(record.id, record.outputs)
