"""Pulumi mocks that create every registered resource for real in moto: an embedded AWS.

Each pulumi-aws resource type secretkit uses is translated into the AWS calls pulumi-aws would
make (CreateKey, CreateSecret, PutSecretValue, CreateRole, PutRolePolicy, CreateFunction...),
its outputs come from the responses, and dependencies follow from Pulumi's own ordering (a
resource is registered once its inputs resolve). A type without a translation stops the
deployment with an error naming it. Run inside moto's ``mock_aws()``.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import pulumi

from secretkit import mocks
from secretkit.mocks import unwrap
from secretkit.moto_fidelity import enable_rotation

WRITE_ONLY_INPUTS = ("secretStringWo", "valueWo")


class UnsupportedResource(Exception):
    """The embedded AWS has no translation for this resource type."""


@dataclass
class Created:
    """A resource the embedded AWS created: its type, logical name and physical id."""

    type: str
    name: str
    id: str
    region: str


@dataclass
class EmbeddedAws(mocks.AwsMocks):
    """Creates resources in moto (the caller activates ``mock_aws``)."""

    region: str = mocks.REGION
    account_id: str = mocks.ACCOUNT_ID
    partition: str = mocks.PARTITION
    created: list[Created] = field(default_factory=list)
    on_create: Callable[[Created], None] | None = None

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
        resource_id, outputs = handler(self, args.name, plain, region)
        state = {k: v for k, v in args.inputs.items() if k not in WRITE_ONLY_INPUTS}
        record = Created(args.typ, args.name, resource_id, region)
        self.created.append(record)
        if self.on_create is not None:
            self.on_create(record)
        return resource_id, {**state, **outputs}


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
    created = aws.client("secretsmanager", region).create_secret(**request)
    return created["ARN"], {"arn": created["ARN"], "name": created["Name"]}


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
            if isinstance(asset, pulumi.FileAsset):
                with open(asset.path, "rb") as handle:
                    archive.writestr(path, handle.read())
            elif isinstance(asset, pulumi.StringAsset):
                archive.writestr(path, asset.text)
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
