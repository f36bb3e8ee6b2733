"""What AWS would answer a secretkit program under Pulumi mocks: the invokes the components ask
(the account, region and partition) and the attributes AWS computes for each resource type
(ARNs, ids, generated names), deterministic so that assertions and snapshots are stable."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from pulumi.runtime import rpc

from secretkit.components.invoke_answers import CALLER_IDENTITY, GET_PARTITION, GET_REGION

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
PARTITION = "aws"

#: The invokes secretkit's components make, each with the field of the answer they read.
NEEDED_INVOKES: dict[str, str] = {
    CALLER_IDENTITY: "accountId",
    GET_REGION: "region",
    GET_PARTITION: "partition",
}

SECRET_SIG = rpc._special_secret_sig
SIG_KEY = rpc._special_sig_key


class Account(Protocol):
    """Where the mocked resources live (AwsMocks, EmbeddedAws and SecretkitMocks are one)."""

    @property
    def account_id(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def partition(self) -> str: ...


def invoke_answer(account: Account, token: str) -> dict[str, Any] | None:
    """The answer to invoke ``token`` in ``account``, as the AWS provider gives it; None for an
    invoke secretkit does not need."""
    if token == CALLER_IDENTITY:
        return {
            "accountId": account.account_id,
            "arn": f"arn:{account.partition}:iam::{account.account_id}:user/deployer",
            "userId": "AIDAEXAMPLE",
            "id": account.account_id,
        }
    if token == GET_REGION:
        return {
            "region": account.region,
            "name": account.region,
            "id": account.region,
            "endpoint": f"ec2.{account.region}.amazonaws.com",
            "description": account.region,
        }
    if token == GET_PARTITION:
        return {
            "partition": account.partition,
            "dnsSuffix": "amazonaws.com",
            "reverseDnsPrefix": "com.amazonaws",
            "id": account.partition,
        }
    return None


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


def arn(
    account: Account,
    service: str,
    resource: str,
    region: bool = True,
    in_region: str | None = None,
) -> str:
    """arn:<partition>:<service>:<region or ''>:<account>:<resource> (``in_region`` for a
    resource in another region than the account's)."""
    where = (in_region or account.region) if region else ""
    return f"arn:{account.partition}:{service}:{where}:{account.account_id}:{resource}"


StateHandler = Callable[[Account, str, dict[str, Any]], tuple[str, dict[str, Any]]]


def _kms_key(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    key_id = str(uuid.UUID(_digest("kms", name)[:32]))
    if unwrap(inputs.get("multiRegion")):
        key_id = "mrk-" + _digest("kms", name)[:32]
    region = unwrap(inputs.get("region"))
    key_arn = arn(m, "kms", f"key/{key_id}", in_region=region)
    return key_id, {**inputs, "keyId": key_id, "arn": key_arn, "region": region or m.region}


def _replica_key(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A multi-Region replica: the primary's key id, in the replica's region."""
    primary = str(unwrap(inputs.get("primaryKeyArn")))
    key_id = primary.rsplit("/", 1)[-1]
    key_arn = arn(m, "kms", f"key/{key_id}", in_region=unwrap(inputs.get("region")))
    return key_id, {**inputs, "keyId": key_id, "arn": key_arn}


def _secret(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    secret_name = autoname(name, inputs)
    secret_arn = arn(m, "secretsmanager", f"secret:{secret_name}-{_digest('sm', name)[:6]}")
    return secret_arn, {**inputs, "name": secret_name, "arn": secret_arn}


def _secret_version(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    version_id = str(uuid.UUID(_digest("version", name)[:32]))
    secret = unwrap(inputs.get("secretId"))
    state = {**inputs, "versionId": version_id, "arn": secret}
    return f"{secret}|{version_id}", state


def _role(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    role_name = autoname(name, inputs)
    path = unwrap(inputs.get("path")) or "/"
    role_arn = arn(m, "iam", f"role{path}{role_name}", region=False)
    return role_name, {**inputs, "name": role_name, "arn": role_arn, "uniqueId": "AROAEXAMPLE"}


def _role_policy(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    policy_name = autoname(name, inputs)
    return f"{unwrap(inputs.get('role'))}:{policy_name}", {**inputs, "name": policy_name}


def _log_group(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    group = autoname(name, inputs)
    return group, {**inputs, "name": group, "arn": arn(m, "logs", f"log-group:{group}")}


def _function(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    function_name = autoname(name, inputs)
    function_arn = arn(m, "lambda", f"function:{function_name}")
    return function_name, {
        **inputs,
        "name": function_name,
        "arn": function_arn,
        "qualifiedArn": function_arn,
    }


def _parameter(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    parameter_name = autoname(name, inputs)
    parameter_arn = arn(m, "ssm", f"parameter/{parameter_name.lstrip('/')}")
    return parameter_name, {**inputs, "name": parameter_name, "arn": parameter_arn, "version": 1}


def _topic(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    topic = autoname(name, inputs)
    topic_arn = arn(m, "sns", topic)
    return topic_arn, {**inputs, "name": topic, "arn": topic_arn}


def _event_rule(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    rule = autoname(name, inputs)
    return rule, {**inputs, "name": rule, "arn": arn(m, "events", f"rule/{rule}")}


def _db_instance(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """An RDS instance; with manageMasterUserPassword, the master user secret RDS creates (named
    'rds!db-<uuid>', encrypted with masterUserSecretKmsKeyId or the AWS managed key)."""
    identifier = autoname(name, inputs, "identifier")
    state = {**inputs, "identifier": identifier, "arn": arn(m, "rds", f"db:{identifier}")}
    if unwrap(inputs.get("manageMasterUserPassword")):
        secret = f"rds!db-{uuid.UUID(_digest('rds', name)[:32])}-{_digest('rds-sm', name)[:6]}"
        managed_key = arn(m, "kms", f"key/{uuid.UUID(_digest('aws/secretsmanager')[:32])}")
        state["masterUserSecrets"] = [
            {
                "secretArn": arn(m, "secretsmanager", f"secret:{secret}"),
                "kmsKeyId": unwrap(inputs.get("masterUserSecretKmsKeyId")) or managed_key,
                "secretStatus": "active",
            }
        ]
    return identifier, state


def _metric_alarm(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    alarm = autoname(name, inputs)
    return alarm, {**inputs, "name": alarm, "arn": arn(m, "cloudwatch", f"alarm:{alarm}")}


def _user_or_group(kind: str) -> StateHandler:
    """An IAM user or group: its name and ARN (path included), as AWS returns them."""

    def handler(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        identity = autoname(name, inputs)
        path = unwrap(inputs.get("path")) or "/"
        identity_arn = arn(m, "iam", f"{kind}{path}{identity}", region=False)
        return identity, {
            **inputs,
            "name": identity,
            "arn": identity_arn,
            "uniqueId": "AIDAEXAMPLE",
        }

    return handler


def _iam_policy(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    policy_name = autoname(name, inputs)
    path = unwrap(inputs.get("path")) or "/"
    policy_arn = arn(m, "iam", f"policy{path}{policy_name}", region=False)
    return policy_arn, {**inputs, "name": policy_name, "arn": policy_arn}


def _appconfig_id(kind: str, name: str) -> str:
    """An AppConfig id: 7 lowercase letters and digits (botocore appconfig Id, [a-z0-9]{4,7})."""
    return _digest("appconfig", kind, name)[:7]


def _appconfig_application(
    m: Account, name: str, inputs: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    app = _appconfig_id("application", name)
    return app, {**inputs, "arn": arn(m, "appconfig", f"application/{app}")}


def _appconfig_environment(
    m: Account, name: str, inputs: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    # pulumi-aws: the id is '<environment id>:<application id>'.
    app, env = str(unwrap(inputs["applicationId"])), _appconfig_id("environment", name)
    state = {"environmentId": env, "state": "ReadyForDeployment"}
    state["arn"] = arn(m, "appconfig", f"application/{app}/environment/{env}")
    return f"{env}:{app}", {**inputs, **state}


def _appconfig_profile(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # pulumi-aws: the id is '<configuration profile id>:<application id>'.
    app, profile = str(unwrap(inputs["applicationId"])), _appconfig_id("profile", name)
    profile_arn = arn(m, "appconfig", f"application/{app}/configurationprofile/{profile}")
    return f"{profile}:{app}", {
        **inputs,
        "configurationProfileId": profile,
        "arn": profile_arn,
        "type": unwrap(inputs.get("type")) or "AWS.Freeform",
    }


def _appconfig_hosted_version(
    m: Account, name: str, inputs: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    # pulumi-aws: the id is '<application id>/<configuration profile id>/<version number>'; a
    # profile's first version is 1.
    app, profile = unwrap(inputs["applicationId"]), unwrap(inputs["configurationProfileId"])
    resource = f"application/{app}/configurationprofile/{profile}/hostedconfigurationversion/1"
    return f"{app}/{profile}/1", {
        **inputs,
        "versionNumber": 1,
        "arn": arn(m, "appconfig", resource),
    }


def _appconfig_strategy(
    m: Account, name: str, inputs: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    strategy = _appconfig_id("strategy", name)
    return strategy, {
        **inputs,
        "name": autoname(name, inputs),
        "arn": arn(m, "appconfig", f"deploymentstrategy/{strategy}"),
    }


def _appconfig_deployment(
    m: Account, name: str, inputs: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    # pulumi-aws: the id is '<application id>/<environment id>/<deployment number>'.
    app, env = unwrap(inputs["applicationId"]), unwrap(inputs["environmentId"])
    resource = f"application/{app}/environment/{env}/deployment/1"
    return f"{app}/{env}/1", {
        **inputs,
        "deploymentNumber": 1,
        "state": "COMPLETE",
        "arn": arn(m, "appconfig", resource),
    }


def _with_id(suffix: str) -> StateHandler:
    def handler(m: Account, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
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
    "aws:rds/instance:Instance": _db_instance,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:lambda/permission:Permission": _with_id("permission"),
    "aws:secretsmanager/secretRotation:SecretRotation": _with_id("rotation"),
    "aws:appconfig/application:Application": _appconfig_application,
    "aws:appconfig/environment:Environment": _appconfig_environment,
    "aws:appconfig/configurationProfile:ConfigurationProfile": _appconfig_profile,
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": (
        _appconfig_hosted_version
    ),
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": _appconfig_strategy,
    "aws:appconfig/deployment:Deployment": _appconfig_deployment,
}


def resource_answer(
    account: Account, type_: str, name: str, inputs: dict[str, Any]
) -> tuple[str, dict[str, Any]] | None:
    """(id, state) AWS would give resource ``name`` of ``type_`` created in ``account`` from
    ``inputs`` (the inputs plus what AWS computes); None for a type without computed
    attributes secretkit reads."""
    handler = _RESOURCE_STATE.get(type_)
    return None if handler is None else handler(account, name, inputs)
