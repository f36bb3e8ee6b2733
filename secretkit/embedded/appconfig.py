"""AWS AppConfig in the embedded AWS: what moto's AppConfig lacks to deploy a configuration and
to read it as an application does.

moto (5.x) keeps applications, configuration profiles and hosted configuration versions. It has
no environments, deployment strategies or deployments, and no AppConfig Data service (the data
plane: StartConfigurationSession, GetLatestConfiguration). Here, beside moto's own objects (kept
on moto's AppConfig backend of the account and region, so that they go when moto resets):

- an environment belongs to a moto application (CreateEnvironment refuses an unknown one); its
  monitors are kept, never watched;
- a hosted configuration version's number is never reused, as on AWS (moto numbers a new
  version after the highest one left, so a replaced version's number would come back);
- a deployment strategy is the account's own, or one of AWS's predefined strategies, by id;
- a deployment checks what StartDeployment checks (the application, environment, profile,
  hosted version and strategy exist) and is COMPLETE at once: no deployment duration, no bake
  time, no alarm watched, so no rollback; a profile's validators are kept, not run (the
  component checks the content before it registers it);
- AppConfig Data answers a boto3 ``appconfigdata`` client of a session on which
  ``serve_appconfigdata`` is installed (botocore's before-call event, as the rotation emulator
  serves its placeholder): StartConfigurationSession and GetLatestConfiguration are each
  authorized with the caller's identity policies (moto's IAM, evaluated by
  ``iam_evaluation``) on the configuration's ARN, and answer the content of the latest
  *deployed* version, once per session until another deployment, with a new one-use token.

AWS AppConfig API reference, "StartConfigurationSession", "GetLatestConfiguration":
"NextPollConfigurationToken: The latest token describing the current state of the configuration
session. This must be provided to the next call to GetLatestConfiguration."; "Configuration: The
data of the configuration. This may be empty if the client already has the latest version of
configuration." Service Authorization Reference, AWS AppConfig: StartConfigurationSession and
GetLatestConfiguration on the resource type configuration,
arn:${Partition}:appconfig:${Region}:${Account}:application/${ApplicationId}/environment/
${EnvironmentId}/configuration/${ConfigurationProfileId}.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError
from botocore.response import StreamingBody

from secretkit.embedded.iam_evaluation import Request, is_allowed

#: AWS's predefined deployment strategies (AWS AppConfig User Guide, "Using predefined
#: deployment strategies"): id -> (duration, final bake time in minutes, growth, growth type).
PREDEFINED_STRATEGIES: dict[str, tuple[int, int, float, str]] = {
    "AppConfig.Linear20PercentEvery6Minutes": (30, 30, 20.0, "LINEAR"),
    "AppConfig.Canary10Percent20Minutes": (20, 10, 10.0, "EXPONENTIAL"),
    "AppConfig.AllAtOnce": (0, 10, 100.0, "LINEAR"),
    "AppConfig.Linear50PercentEvery30Seconds": (1, 1, 50.0, "LINEAR"),
}
#: The service id botocore's events name AppConfig Data by.
_EVENT_SERVICE = "appconfigdata"
#: How long a reader should wait between polls when it asks for no minimum (AWS's default).
DEFAULT_POLL_SECONDS = 60


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
class ReadSession:
    """A configuration session: what it reads and the deployment it last received."""

    application_id: str
    environment_id: str
    configuration_profile_id: str
    poll_seconds: int
    received: int | None = None


@dataclass
class AppConfigExtras:
    """What the embedded AWS adds to one account and region's moto AppConfig backend."""

    environments: dict[tuple[str, str], Environment] = field(default_factory=dict)
    strategies: dict[str, DeploymentStrategy] = field(default_factory=dict)
    deployments: dict[tuple[str, str], list[Deployment]] = field(default_factory=dict)
    tokens: dict[str, ReadSession] = field(default_factory=dict)
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


def _not_found(what: str, operation: str) -> ClientError:
    return refusal("ResourceNotFoundException", f"{what} not found", operation, 404)


def _application(account: str, region: str, identifier: str, operation: str) -> Any:
    """moto's application by id or name."""
    for app in backend(account, region).applications.values():
        if identifier in (app.id, app.name):
            return app
    raise _not_found(f"Application {identifier}", operation)


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
    app = _application(account, region, application_id, "CreateEnvironment")
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
    raise _not_found(f"Environment {identifier}", operation)


def delete_environment(account: str, region: str, application_id: str, env_id: str) -> None:
    """DeleteEnvironment (its deployments' history goes with it)."""
    store = extras(account, region)
    if store.environments.pop((application_id, env_id), None) is None:
        raise _not_found(f"Environment {env_id}", "DeleteEnvironment")
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
        raise _not_found(f"Deployment strategy {strategy_id}", "UpdateDeploymentStrategy")
    strategy.settings.update(settings)


def delete_strategy(account: str, region: str, strategy_id: str) -> None:
    """DeleteDeploymentStrategy."""
    if extras(account, region).strategies.pop(strategy_id, None) is None:
        raise _not_found(f"Deployment strategy {strategy_id}", "DeleteDeploymentStrategy")


def _check_strategy(account: str, region: str, strategy_id: str) -> None:
    if strategy_id in PREDEFINED_STRATEGIES or strategy_id in extras(account, region).strategies:
        return
    raise _not_found(f"Deployment strategy {strategy_id}", "StartDeployment")


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
    app = _application(account, region, application_id, operation)
    env = environment(account, region, app.id, environment_id, operation)
    profile = app.config_profiles.get(configuration_profile_id)
    if profile is None:
        raise _not_found(f"Configuration profile {configuration_profile_id}", operation)
    version = str(configuration_version)
    hosted = profile.location_uri == "hosted"
    if hosted and (not version.isdigit() or int(version) not in profile.config_versions):
        raise _not_found(f"Hosted configuration version {version}", operation)
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


# --- AppConfig Data ------------------------------------------------------------------------


def configuration_arn(
    region: str, account: str, application_id: str, environment_id: str, profile_id: str
) -> str:
    """The ARN IAM authorizes a configuration read on."""
    return (
        f"arn:aws:appconfig:{region}:{account}:application/{application_id}"
        f"/environment/{environment_id}/configuration/{profile_id}"
    )


@dataclass(frozen=True)
class Caller:
    """Who a session's calls come from: its account, how policies name it, and its identity
    policies (None: the account's root, moto's default credentials, allowed everything)."""

    account: str
    principal_arns: list[str]
    identity_policies: list[Any] | None


def caller_of(session: boto3.session.Session, region: str) -> Caller:
    """The caller behind ``session``'s credentials, as moto's IAM knows it."""
    from moto.iam.access_control import (  # noqa: PLC0415
        CreateAccessKeyFailure,
        IAMPolicy,
        create_access_key,
    )

    from secretkit.embedded.moto_fidelity import principal_arns  # noqa: PLC0415

    identity = session.client("sts", region_name=region).get_caller_identity()
    account = str(identity["Account"])
    credentials = session.get_credentials()
    headers = {"X-Amz-Security-Token": credentials.token} if credentials.token else {}
    try:
        key = create_access_key(account, "aws", credentials.access_key, headers)
    except CreateAccessKeyFailure:
        return Caller(account, [str(identity["Arn"])], None)
    policies = [IAMPolicy(p)._policy_json for p in key.collect_policies()]
    return Caller(account, principal_arns(key), policies)


def _authorize(caller: Caller, action: str, resource: str, operation: str) -> None:
    if caller.identity_policies is None:
        return
    request = Request(principal_arns=caller.principal_arns, action=action, resource=resource)
    if not is_allowed(request, caller.identity_policies):
        raise refusal(
            "AccessDeniedException",
            f"User: {caller.principal_arns[0]} is not authorized to perform: {action} on "
            f"resource: {resource} because no identity-based policy allows the {action} action",
            operation,
            403,
        )


def start_configuration_session(
    caller: Caller, region: str, params: dict[str, Any]
) -> dict[str, Any]:
    """StartConfigurationSession: the identifiers (ids or names) resolved, the caller
    authorized on the configuration, and the session's first token."""
    operation = "StartConfigurationSession"
    app = _application(caller.account, region, params["ApplicationIdentifier"], operation)
    env = environment(caller.account, region, app.id, params["EnvironmentIdentifier"], operation)
    wanted = params["ConfigurationProfileIdentifier"]
    profile = next(
        (p for p in app.config_profiles.values() if wanted in (p.id, p.name)),
        None,
    )
    if profile is None:
        raise _not_found(f"Configuration profile {wanted}", operation)
    arn = configuration_arn(region, caller.account, app.id, env.id, profile.id)
    _authorize(caller, "appconfig:StartConfigurationSession", arn, operation)
    poll = int(params.get("RequiredMinimumPollIntervalInSeconds") or DEFAULT_POLL_SECONDS)
    token = secrets.token_urlsafe(24)
    extras(caller.account, region).tokens[token] = ReadSession(app.id, env.id, profile.id, poll)
    return {"InitialConfigurationToken": token}


def get_latest_configuration(caller: Caller, region: str, params: dict[str, Any]) -> dict[str, Any]:
    """GetLatestConfiguration: the token used up, the caller authorized, and the deployed
    content when the session has not received it yet (empty otherwise)."""
    operation = "GetLatestConfiguration"
    store = extras(caller.account, region)
    session = store.tokens.pop(params["ConfigurationToken"], None)
    if session is None:
        raise refusal(
            "BadRequestException",
            "Request contains an invalid or expired configuration token (each token is used once)",
            operation,
        )
    arn = configuration_arn(
        region,
        caller.account,
        session.application_id,
        session.environment_id,
        session.configuration_profile_id,
    )
    _authorize(caller, "appconfig:GetLatestConfiguration", arn, operation)
    deployed = deployed_content(
        caller.account,
        region,
        session.application_id,
        session.environment_id,
        session.configuration_profile_id,
    )
    if deployed is None:
        raise _not_found("Deployed configuration", operation)
    number, version = deployed
    content = b""
    if session.received != number:
        raw = version.content
        content = raw if isinstance(raw, bytes) else str(raw).encode()
        session.received = number
    token = secrets.token_urlsafe(24)
    store.tokens[token] = session
    return {
        "NextPollConfigurationToken": token,
        "NextPollIntervalInSeconds": session.poll_seconds,
        "ContentType": version.content_type,
        "VersionLabel": version.version_label or "",
        "Configuration": StreamingBody(io.BytesIO(content), len(content)),
    }


class _Http:
    """The HTTP answer botocore expects from a before-call handler."""

    def __init__(self, status: int) -> None:
        self.status_code = status
        self.headers: dict[str, str] = {}


_OPERATIONS = {
    "StartConfigurationSession": start_configuration_session,
    "GetLatestConfiguration": get_latest_configuration,
}
#: Where the call's own parameters wait between botocore's two events.
_PARAMS = "secretkit_appconfigdata_params"


def _keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """before-parameter-build: keep the call's parameters (before-call sees them serialized)."""
    context[_PARAMS] = dict(params)


def serve_appconfigdata(session: boto3.session.Session) -> None:
    """Answer the AppConfig Data calls of every ``appconfigdata`` client of ``session`` (made
    after this call) from the embedded AWS, as the session's caller, in the client's region."""

    def answer(
        model: Any, context: dict[str, Any], request_signer: Any, **_: Any
    ) -> tuple[_Http, dict[str, Any]]:
        region = str(request_signer.region_name)
        try:
            caller = caller_of(session, region)
            parsed = _OPERATIONS[model.name](caller, region, context.pop(_PARAMS, {}))
        except ClientError as error:
            status = int(error.response["ResponseMetadata"]["HTTPStatusCode"])
            return _Http(status), dict(error.response)
        status = 201 if model.name == "StartConfigurationSession" else 200
        return _Http(status), {**parsed, "ResponseMetadata": {"HTTPStatusCode": status}}

    for operation in _OPERATIONS:
        session.events.register(
            f"before-parameter-build.{_EVENT_SERVICE}.{operation}",
            _keep_params,
            unique_id=f"secretkit-appconfigdata-params-{operation}",
        )
        session.events.register(
            f"before-call.{_EVENT_SERVICE}.{operation}",
            answer,
            unique_id=f"secretkit-appconfigdata-{operation}",
        )


def read_configuration(
    session: boto3.session.Session,
    application_id: str,
    environment_id: str,
    profile_id: str,
    region: str,
) -> bytes:
    """The deployed configuration, read as an application reads it: StartConfigurationSession
    then GetLatestConfiguration, with ``session``'s credentials (AccessDeniedException when its
    identity policies do not allow both on the configuration)."""
    serve_appconfigdata(session)
    client = session.client("appconfigdata", region_name=region)
    token = client.start_configuration_session(
        ApplicationIdentifier=application_id,
        EnvironmentIdentifier=environment_id,
        ConfigurationProfileIdentifier=profile_id,
    )["InitialConfigurationToken"]
    answer = client.get_latest_configuration(ConfigurationToken=token)
    return bytes(answer["Configuration"].read())
