"""AWS AppConfig Data in the embedded AWS: an application's reads of a deployed configuration
(StartConfigurationSession, GetLatestConfiguration), which moto lacks.

A boto3 ``appconfigdata`` client of a session on which ``serve_appconfigdata`` is installed is
answered here (botocore's before-call event, as the rotation emulator serves its placeholder):
each call is authorized with the caller's identity policies (moto's IAM, evaluated by
``iam_evaluation``) on the configuration's ARN, and answers the content of the latest *deployed*
version (``appconfig.deployed_content``), once per session until another deployment, with a new
one-use token. Not emulated: the minimum poll interval (a poll made sooner is answered), token
expiry after 24 hours, AppConfig's agent and Lambda extension.

AWS AppConfig API reference, "GetLatestConfiguration": "NextPollConfigurationToken: The latest
token describing the current state of the configuration session. This must be provided to the
next call to GetLatestConfiguration."; "Configuration: The data of the configuration. This may be
empty if the client already has the latest version of configuration." Service Authorization
Reference, AWS AppConfig: StartConfigurationSession and GetLatestConfiguration on the resource
type configuration, arn:${Partition}:appconfig:${Region}:${Account}:application/
${ApplicationId}/environment/${EnvironmentId}/configuration/${ConfigurationProfileId}.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError
from botocore.response import StreamingBody

from secretkit.embedded.appconfig import (
    application,
    deployed_content,
    environment,
    extras,
    not_found,
    refusal,
)
from secretkit.embedded.iam_evaluation import Request, is_allowed

#: The service id botocore's events name AppConfig Data by.
_EVENT_SERVICE = "appconfigdata"
#: How long a reader should wait between polls when it asks for no minimum.
DEFAULT_POLL_SECONDS = 60


@dataclass
class ReadSession:
    """A configuration session: what it reads and the deployment it last received."""

    application_id: str
    environment_id: str
    configuration_profile_id: str
    poll_seconds: int
    received: int | None = None


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
    app = application(caller.account, region, params["ApplicationIdentifier"], operation)
    env = environment(caller.account, region, app.id, params["EnvironmentIdentifier"], operation)
    wanted = params["ConfigurationProfileIdentifier"]
    profile = next(
        (p for p in app.config_profiles.values() if wanted in (p.id, p.name)),
        None,
    )
    if profile is None:
        raise not_found(f"Configuration profile {wanted}", operation)
    arn = configuration_arn(region, caller.account, app.id, env.id, profile.id)
    _authorize(caller, "appconfig:StartConfigurationSession", arn, operation)
    poll = int(params.get("RequiredMinimumPollIntervalInSeconds") or DEFAULT_POLL_SECONDS)
    token = secrets.token_urlsafe(24)
    extras(caller.account, region).sessions[token] = ReadSession(app.id, env.id, profile.id, poll)
    return {"InitialConfigurationToken": token}


def get_latest_configuration(caller: Caller, region: str, params: dict[str, Any]) -> dict[str, Any]:
    """GetLatestConfiguration: the token used up, the caller authorized, and the deployed
    content when the session has not received it yet (empty otherwise)."""
    operation = "GetLatestConfiguration"
    store = extras(caller.account, region)
    session = store.sessions.pop(params["ConfigurationToken"], None)
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
        raise not_found("Deployed configuration", operation)
    number, version = deployed
    content = b""
    if session.received != number:
        raw = version.content
        content = raw if isinstance(raw, bytes) else str(raw).encode()
        session.received = number
    token = secrets.token_urlsafe(24)
    store.sessions[token] = session
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
