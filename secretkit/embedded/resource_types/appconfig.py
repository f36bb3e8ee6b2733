"""AWS AppConfig applications, environments, configuration profiles, hosted configuration
versions, deployment strategies and deployments in the embedded AWS.

moto creates applications, configuration profiles and hosted configuration versions; the
environments, deployment strategies and deployments moto lacks are emulated by
``secretkit.embedded.appconfig``, which says what it checks and what it does not. Ids are
pulumi-aws's: ``<environment>:<application>``, ``<profile>:<application>``,
``<application>/<profile>/<version>``, ``<application>/<environment>/<deployment number>``.
"""

from __future__ import annotations

from typing import Any

from secretkit.embedded import appconfig
from secretkit.embedded.mocks import autoname
from secretkit.embedded.resource_types.base import Account, Record, ResourceType, given

#: Optional inputs of a configuration profile, as CreateConfigurationProfile names them.
PROFILE_FIELDS = {"description": "Description", "retrievalRoleArn": "RetrievalRoleArn"}
#: The inputs of a deployment strategy its API takes, by API name.
STRATEGY_FIELDS = {
    "description": "Description",
    "deploymentDurationInMinutes": "DeploymentDurationInMinutes",
    "finalBakeTimeInMinutes": "FinalBakeTimeInMinutes",
    "growthFactor": "GrowthFactor",
    "growthType": "GrowthType",
}


def _tags(p: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in (p.get("tags") or {}).items()}


# --- applications (moto) -------------------------------------------------------------------


def _create_application(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    app = aws.client("appconfig", region).create_application(
        Name=autoname(name, p), **given(p, {"description": "Description"}), Tags=_tags(p)
    )
    arn = f"arn:{aws.partition}:appconfig:{region}:{aws.account_id}:application/{app['Id']}"
    return str(app["Id"]), {"name": app["Name"], "arn": arn}


def _update_application(
    aws: Account, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    app = aws.client("appconfig", region).update_application(
        ApplicationId=old.id,
        Name=autoname(old.name, p),
        Description=p.get("description") or "",
    )
    return {"name": app["Name"]}


def _delete_application(aws: Account, record: Record) -> None:
    aws.client("appconfig", record.region).delete_application(ApplicationId=record.id)


# --- environments (emulated) ---------------------------------------------------------------


def _monitors(p: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"AlarmArn": m["alarmArn"], **given(m, {"alarmRoleArn": "AlarmRoleArn"})}
        for m in p.get("monitors") or []
    ]


def _create_environment(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    env = appconfig.create_environment(
        aws.account_id,
        region,
        str(p["applicationId"]),
        autoname(name, p),
        description=p.get("description") or "",
        monitors=_monitors(p),
    )
    outputs = {"environmentId": env.id, "arn": env.arn, "state": env.state, "name": env.name}
    return f"{env.id}:{env.application_id}", outputs


def _update_environment(
    aws: Account, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    env_id, app_id = old.id.split(":", 1)
    env = appconfig.environment(aws.account_id, region, app_id, env_id, "UpdateEnvironment")
    env.name = autoname(old.name, p)
    env.description = p.get("description") or ""
    env.monitors = _monitors(p)
    return {"name": env.name, "state": env.state}


def _delete_environment(aws: Account, record: Record) -> None:
    env_id, app_id = record.id.split(":", 1)
    appconfig.delete_environment(aws.account_id, record.region, app_id, env_id)


# --- configuration profiles (moto) ---------------------------------------------------------


def _validators(p: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"Type": str(v["type"]), "Content": str(v.get("content") or "")}
        for v in p.get("validators") or []
    ]


def _create_profile(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    app_id = str(p["applicationId"])
    profile = aws.client("appconfig", region).create_configuration_profile(
        ApplicationId=app_id,
        Name=autoname(name, p),
        LocationUri=str(p["locationUri"]),
        Validators=_validators(p),
        Type=str(p.get("type") or "AWS.Freeform"),
        Tags=_tags(p),
        **given(p, PROFILE_FIELDS),
    )
    arn = (
        f"arn:{aws.partition}:appconfig:{region}:{aws.account_id}:application/{app_id}"
        f"/configurationprofile/{profile['Id']}"
    )
    outputs = {
        "configurationProfileId": profile["Id"],
        "arn": arn,
        "name": profile["Name"],
        "type": profile["Type"],
    }
    return f"{profile['Id']}:{app_id}", outputs


def _update_profile(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    profile_id, app_id = old.id.split(":", 1)
    profile = aws.client("appconfig", region).update_configuration_profile(
        ApplicationId=app_id,
        ConfigurationProfileId=profile_id,
        Name=autoname(old.name, p),
        Description=p.get("description") or "",
        Validators=_validators(p),
        **given(p, {"retrievalRoleArn": "RetrievalRoleArn"}),
    )
    return {"name": profile["Name"]}


def _delete_profile(aws: Account, record: Record) -> None:
    profile_id, app_id = record.id.split(":", 1)
    aws.client("appconfig", record.region).delete_configuration_profile(
        ApplicationId=app_id, ConfigurationProfileId=profile_id
    )


# --- hosted configuration versions (moto) --------------------------------------------------


def _create_version(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    app_id, profile_id = str(p["applicationId"]), str(p["configurationProfileId"])
    version = aws.client("appconfig", region).create_hosted_configuration_version(
        ApplicationId=app_id,
        ConfigurationProfileId=profile_id,
        Content=str(p["content"]).encode(),
        ContentType=str(p["contentType"]),
        **given(p, {"description": "Description"}),
        # pulumi-aws has no version label input
    )
    number = appconfig.never_reused(
        aws.account_id, region, app_id, profile_id, int(version["VersionNumber"])
    )
    arn = (
        f"arn:{aws.partition}:appconfig:{region}:{aws.account_id}:application/{app_id}"
        f"/configurationprofile/{profile_id}/hostedconfigurationversion/{number}"
    )
    return f"{app_id}/{profile_id}/{number}", {"versionNumber": number, "arn": arn}


def _delete_version(aws: Account, record: Record) -> None:
    app_id, profile_id, number = record.id.split("/")
    aws.client("appconfig", record.region).delete_hosted_configuration_version(
        ApplicationId=app_id, ConfigurationProfileId=profile_id, VersionNumber=int(number)
    )


# --- deployment strategies (emulated) ------------------------------------------------------


def _create_strategy(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    settings = {**given(p, STRATEGY_FIELDS), "ReplicateTo": p.get("replicateTo") or "NONE"}
    strategy = appconfig.create_strategy(aws.account_id, region, autoname(name, p), settings)
    return strategy.id, {"arn": strategy.arn, "name": strategy.name}


def _update_strategy(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    appconfig.update_strategy(aws.account_id, region, old.id, given(p, STRATEGY_FIELDS))
    return {}


def _delete_strategy(aws: Account, record: Record) -> None:
    appconfig.delete_strategy(aws.account_id, record.region, record.id)


# --- deployments (emulated) ----------------------------------------------------------------


def _start_deployment(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    deployment = appconfig.start_deployment(
        aws.account_id,
        region,
        application_id=str(p["applicationId"]),
        environment_id=str(p["environmentId"]),
        configuration_profile_id=str(p["configurationProfileId"]),
        configuration_version=str(p["configurationVersion"]),
        deployment_strategy_id=str(p["deploymentStrategyId"]),
    )
    outputs = {
        "deploymentNumber": deployment.number,
        "arn": deployment.arn,
        "state": deployment.state,
    }
    resource_id = f"{deployment.application_id}/{deployment.environment_id}/{deployment.number}"
    return resource_id, outputs


def _retag_deployment(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    return {}  # only tags change in place, and the emulation keeps no tags on a deployment


TYPES = (
    ResourceType(
        "aws:appconfig/application:Application",
        create=_create_application,
        update=_update_application,
        replace_on=frozenset({"region"}),
        delete=_delete_application,
    ),
    ResourceType(
        "aws:appconfig/environment:Environment",
        create=_create_environment,
        update=_update_environment,
        replace_on=frozenset({"applicationId", "region"}),
        delete=_delete_environment,
    ),
    ResourceType(
        "aws:appconfig/configurationProfile:ConfigurationProfile",
        create=_create_profile,
        update=_update_profile,
        replace_on=frozenset({"applicationId", "locationUri", "type", "region"}),
        delete=_delete_profile,
    ),
    # Every input of a hosted version forces a new one: a version's content never changes.
    ResourceType(
        "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion",
        create=_create_version,
        delete=_delete_version,
    ),
    # UpdateDeploymentStrategy takes neither a name nor ReplicateTo.
    ResourceType(
        "aws:appconfig/deploymentStrategy:DeploymentStrategy",
        create=_create_strategy,
        update=_update_strategy,
        replace_on=frozenset({"name", "replicateTo", "region"}),
        delete=_delete_strategy,
    ),
    # A deployment cannot be deleted: pulumi-aws forgets it, and the configuration stays
    # deployed until the next deployment.
    ResourceType(
        "aws:appconfig/deployment:Deployment",
        create=_start_deployment,
        update=_retag_deployment,
        replace_on=frozenset(
            {
                "applicationId",
                "environmentId",
                "configurationProfileId",
                "configurationVersion",
                "deploymentStrategyId",
                "description",
                "kmsKeyIdentifier",
                "region",
            }
        ),
    ),
)
