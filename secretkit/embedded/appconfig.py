"""AWS AppConfig in the embedded AWS: what moto's AppConfig lacks to deploy a configuration.

moto (5.x) keeps applications, configuration profiles and hosted configuration versions. It has
no environments, deployment strategies or deployments (nor the AppConfig Data service that reads
a deployed configuration: ``secretkit.embedded.appconfig_data``). Here, beside moto's own objects
(kept on moto's AppConfig backend of the account and region, so that they go when moto resets):

- an environment belongs to a moto application (CreateEnvironment refuses an unknown one); its
  monitors are kept, never watched;
- a hosted configuration version's number is never reused, as on AWS (moto numbers a new
  version after the highest one left, so a replaced version's number would come back);
- a deployment strategy is the account's own, or one of AWS's predefined strategies, by id;
- a deployment checks what StartDeployment checks (the application, environment, profile,
  hosted version and strategy exist) and is COMPLETE at once: no deployment duration, no bake
  time, no alarm watched, so no rollback; a profile's validators are kept, not run (the
  component checks the content before it registers it).

AWS AppConfig User Guide, "Using predefined deployment strategies": AppConfig.AllAtOnce "deploys
the configuration to all targets immediately. The system monitors for CloudWatch alarms for 10
minutes."
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

#: AWS's predefined deployment strategies, which a deployment names by id (AWS AppConfig User
#: Guide, "Using predefined deployment strategies").
PREDEFINED_STRATEGIES = frozenset(
    {
        "AppConfig.Linear20PercentEvery6Minutes",
        "AppConfig.Canary10Percent20Minutes",
        "AppConfig.AllAtOnce",
        "AppConfig.Linear50PercentEvery30Seconds",
    }
)


@dataclass
class Environment:
    """An AppConfig environment of an application."""

    id: str
    application_id: str
    name: str
    arn: str
    description: str = ""
    monitors: list[dict[str, Any]] = field(default_factory=list)
    state: str = "READY_FOR_DEPLOYMENT"


@dataclass
class DeploymentStrategy:
    """A deployment strategy the account created."""

    id: str
    name: str
    arn: str
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class Deployment:
    """A configuration version deployed to an environment (always COMPLETE here)."""

    number: int
    application_id: str
    environment_id: str
    configuration_profile_id: str
    configuration_version: str
    deployment_strategy_id: str
    arn: str
    state: str = "COMPLETE"


@dataclass
class AppConfigExtras:
    """What the embedded AWS adds to one account and region's moto AppConfig backend."""

    environments: dict[tuple[str, str], Environment] = field(default_factory=dict)
    strategies: dict[str, DeploymentStrategy] = field(default_factory=dict)
    deployments: dict[tuple[str, str], list[Deployment]] = field(default_factory=dict)
    #: AppConfig Data's sessions by their next token (``appconfig_data.ReadSession``).
    sessions: dict[str, Any] = field(default_factory=dict)
    last_versions: dict[tuple[str, str], int] = field(default_factory=dict)


def refusal(code: str, message: str, operation: str, status: int = 400) -> ClientError:
    """An AppConfig refusal, shaped as botocore raises AWS's (code, message, HTTP status)."""
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, operation)


def backend(account: str, region: str) -> Any:
    """moto's AppConfig backend of the account and region."""
    from moto.appconfig.models import appconfig_backends  # noqa: PLC0415

    return appconfig_backends[account][region]


def extras(account: str, region: str) -> AppConfigExtras:
    """The emulated part of the account and region's AppConfig (created on first use)."""
    moto_backend = backend(account, region)
    found: AppConfigExtras | None = getattr(moto_backend, "secretkit_appconfig", None)
    if found is None:
        found = AppConfigExtras()
        moto_backend.secretkit_appconfig = found
    return found


def _new_id() -> str:
    """An id as AppConfig writes them: 7 lowercase letters and digits."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(7))


def not_found(what: str, operation: str) -> ClientError:
    return refusal("ResourceNotFoundException", f"{what} not found", operation, 404)


def application(account: str, region: str, identifier: str, operation: str) -> Any:
    """moto's application by id or name."""
    for app in backend(account, region).applications.values():
        if identifier in (app.id, app.name):
            return app
    raise not_found(f"Application {identifier}", operation)


def never_reused(
    account: str, region: str, application_id: str, profile_id: str, number: int
) -> int:
    """The number AWS gives the hosted version moto just created as ``number``: one more than
    any version the profile ever had (moto's is one more than the highest left)."""
    store = extras(account, region)
    key = (application_id, profile_id)
    last = store.last_versions.get(key, 0)
    if number > last:
        store.last_versions[key] = number
        return number
    profile = backend(account, region).get_configuration_profile(application_id, profile_id)
    version = profile.config_versions.pop(number)
    version.version = last + 1
    profile.config_versions[last + 1] = version
    store.last_versions[key] = last + 1
    return last + 1


# --- environments --------------------------------------------------------------------------


def create_environment(
    account: str, region: str, application_id: str, name: str, **settings: Any
) -> Environment:
    """CreateEnvironment in an existing application."""
    app = application(account, region, application_id, "CreateEnvironment")
    env_id = _new_id()
    arn = f"arn:aws:appconfig:{region}:{account}:application/{app.id}/environment/{env_id}"
    environment = Environment(env_id, app.id, name, arn, **settings)
    extras(account, region).environments[(app.id, env_id)] = environment
    return environment


def environment(
    account: str, region: str, application_id: str, identifier: str, operation: str
) -> Environment:
    """The application's environment by id or name."""
    for (app_id, _), found in extras(account, region).environments.items():
        if app_id == application_id and identifier in (found.id, found.name):
            return found
    raise not_found(f"Environment {identifier}", operation)


def delete_environment(account: str, region: str, application_id: str, env_id: str) -> None:
    """DeleteEnvironment (its deployments' history goes with it)."""
    store = extras(account, region)
    if store.environments.pop((application_id, env_id), None) is None:
        raise not_found(f"Environment {env_id}", "DeleteEnvironment")
    store.deployments.pop((application_id, env_id), None)


# --- deployment strategies -----------------------------------------------------------------


def create_strategy(account: str, region: str, name: str, settings: dict[str, Any]) -> Any:
    """CreateDeploymentStrategy: the account's own strategy."""
    strategy_id = _new_id()
    arn = f"arn:aws:appconfig:{region}:{account}:deploymentstrategy/{strategy_id}"
    strategy = DeploymentStrategy(strategy_id, name, arn, dict(settings))
    extras(account, region).strategies[strategy_id] = strategy
    return strategy


def update_strategy(account: str, region: str, strategy_id: str, settings: dict[str, Any]) -> None:
    """UpdateDeploymentStrategy (duration, bake time, growth and description)."""
    strategy = extras(account, region).strategies.get(strategy_id)
    if strategy is None:
        raise not_found(f"Deployment strategy {strategy_id}", "UpdateDeploymentStrategy")
    strategy.settings.update(settings)


def delete_strategy(account: str, region: str, strategy_id: str) -> None:
    """DeleteDeploymentStrategy."""
    if extras(account, region).strategies.pop(strategy_id, None) is None:
        raise not_found(f"Deployment strategy {strategy_id}", "DeleteDeploymentStrategy")


def _check_strategy(account: str, region: str, strategy_id: str) -> None:
    if strategy_id in PREDEFINED_STRATEGIES or strategy_id in extras(account, region).strategies:
        return
    raise not_found(f"Deployment strategy {strategy_id}", "StartDeployment")


# --- deployments ---------------------------------------------------------------------------


def start_deployment(
    account: str,
    region: str,
    *,
    application_id: str,
    environment_id: str,
    configuration_profile_id: str,
    configuration_version: str,
    deployment_strategy_id: str,
) -> Deployment:
    """StartDeployment, completed at once: checks what AWS checks before it starts."""
    operation = "StartDeployment"
    app = application(account, region, application_id, operation)
    env = environment(account, region, app.id, environment_id, operation)
    profile = app.config_profiles.get(configuration_profile_id)
    if profile is None:
        raise not_found(f"Configuration profile {configuration_profile_id}", operation)
    version = str(configuration_version)
    hosted = profile.location_uri == "hosted"
    if hosted and (not version.isdigit() or int(version) not in profile.config_versions):
        raise not_found(f"Hosted configuration version {version}", operation)
    _check_strategy(account, region, deployment_strategy_id)
    history = extras(account, region).deployments.setdefault((app.id, env.id), [])
    number = len(history) + 1
    deployment = Deployment(
        number=number,
        application_id=app.id,
        environment_id=env.id,
        configuration_profile_id=profile.id,
        configuration_version=str(configuration_version),
        deployment_strategy_id=deployment_strategy_id,
        arn=f"{env.arn}/deployment/{number}",
    )
    history.append(deployment)
    return deployment


def deployed_content(
    account: str, region: str, application_id: str, environment_id: str, profile_id: str
) -> tuple[int, Any] | None:
    """(deployment number, hosted version) of the latest COMPLETE deployment of the profile to
    the environment, or None when none has been deployed there."""
    history = extras(account, region).deployments.get((application_id, environment_id), [])
    for deployment in reversed(history):
        if deployment.configuration_profile_id == profile_id and deployment.state == "COMPLETE":
            profile = backend(account, region).get_configuration_profile(application_id, profile_id)
            version = profile.config_versions.get(int(deployment.configuration_version))
            return (deployment.number, version) if version is not None else None
    return None
