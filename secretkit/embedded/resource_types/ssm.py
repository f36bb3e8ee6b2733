"""SSM Parameter Store parameters in the embedded AWS."""

from __future__ import annotations

from typing import Any

from secretkit.embedded.mocks import autoname
from secretkit.embedded.resource_types.base import Account, Record, ResourceType, given, tagged

#: Optional inputs both PutParameter calls (create and update) pass on.
PARAMETER_FIELDS = {"keyId": "KeyId", "tier": "Tier", "description": "Description"}


def _create_parameter(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    parameter_name = autoname(name, p)
    request: dict[str, Any] = {
        "Name": parameter_name,
        "Value": p.get("valueWo") or p.get("value") or p.get("insecureValue"),
        "Type": p.get("type", "String"),
        **given(p, PARAMETER_FIELDS),
        **tagged(p),
    }
    version = aws.client("ssm", region).put_parameter(**request)["Version"]
    arn = (
        f"arn:{aws.partition}:ssm:{region}:{aws.account_id}:parameter/{parameter_name.lstrip('/')}"
    )
    return parameter_name, {"name": parameter_name, "arn": arn, "version": version}


def _update_parameter(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    ssm = aws.client("ssm", region)
    request: dict[str, Any] = {"Name": old.id, "Type": p.get("type", "String"), "Overwrite": True}
    value = p.get("value") or p.get("insecureValue")
    if p.get("valueWoVersion") != old.inputs.get("valueWoVersion") or value is not None:
        request["Value"] = value if value is not None else p.get("valueWo")
    else:
        request["Value"] = ssm.get_parameter(Name=old.id, WithDecryption=True)["Parameter"]["Value"]
    request.update(given(p, PARAMETER_FIELDS))
    return {"version": ssm.put_parameter(**request)["Version"]}


def _delete_parameter(aws: Account, record: Record) -> None:
    aws.client("ssm", record.region).delete_parameter(Name=record.id)


TYPES = (
    ResourceType(
        "aws:ssm/parameter:Parameter",
        create=_create_parameter,
        update=_update_parameter,
        replace_on=frozenset({"name", "type", "region"}),
        delete=_delete_parameter,
    ),
)
