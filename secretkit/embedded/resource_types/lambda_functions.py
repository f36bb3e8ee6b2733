"""Lambda functions and their resource-policy permissions in the embedded AWS."""

from __future__ import annotations

from typing import Any

from secretkit.embedded.mocks import autoname
from secretkit.embedded.resource_types.archive import comparable, zip_archive
from secretkit.embedded.resource_types.base import Account, Record, ResourceType, given


def _variables(p: dict[str, Any]) -> dict[str, str]:
    """The function's environment variables, as strings."""
    variables = (p.get("environment") or {}).get("variables") or {}
    return {k: str(v) for k, v in variables.items()}


def _create_function(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    request: dict[str, Any] = {
        "FunctionName": autoname(name, p),
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
    variables = _variables(p)
    if variables:
        request["Environment"] = {"Variables": variables}
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


def _update_function(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    client = aws.client("lambda", region)
    if old.inputs.get("code") != comparable(p.get("code")):
        client.update_function_code(FunctionName=old.id, ZipFile=zip_archive(p.get("code")))
    client.update_function_configuration(
        FunctionName=old.id,
        Role=p["role"],
        Handler=p["handler"],
        Runtime=p["runtime"],
        Timeout=int(p.get("timeout") or 3),
        MemorySize=int(p.get("memorySize") or 128),
        Environment={"Variables": _variables(p)},
    )
    return {}


def _delete_function(aws: Account, record: Record) -> None:
    aws.client("lambda", record.region).delete_function(FunctionName=record.id)


def _create_permission(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    statement_id = p.get("statementId") or autoname(name, p, "statementId")
    request: dict[str, Any] = {
        "FunctionName": p["function"],
        "StatementId": statement_id,
        "Action": p["action"],
        "Principal": p["principal"],
        **given(p, {"sourceAccount": "SourceAccount", "sourceArn": "SourceArn"}),
    }
    aws.client("lambda", region).add_permission(**request)
    return statement_id, {"statementId": statement_id}


def _delete_permission(aws: Account, record: Record) -> None:
    aws.client("lambda", record.region).remove_permission(
        FunctionName=record.inputs["function"], StatementId=record.id
    )


TYPES = (
    ResourceType(
        "aws:lambda/function:Function",
        create=_create_function,
        update=_update_function,
        replace_on=frozenset({"name", "region", "architectures", "loggingConfig", "vpcConfig"}),
        delete=_delete_function,
    ),
    ResourceType(
        "aws:lambda/permission:Permission",
        create=_create_permission,
        delete=_delete_permission,
    ),
)
