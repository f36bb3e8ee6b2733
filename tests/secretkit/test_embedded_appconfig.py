"""A program of raw aws.appconfig resources deploys into the embedded AWS, and a reader role
reads the deployed configuration through the emulated AppConfig Data exactly when its identity
policy grants StartConfigurationSession and GetLatestConfiguration on that configuration.

What moto does and what the embedded AWS adds (secretkit.embedded.appconfig, appconfig_data):
moto keeps the
application, the configuration profile and the hosted versions; environments, deployment
strategies, deployments and the AppConfig Data service (the reads) are emulated, the reads
authorized with the caller's identity policies as IAM evaluates them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pulumi
import pulumi_aws as aws
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from secretkit.embedded import appconfig, appconfig_data, mocks
from secretkit.embedded.accounts import assume
from secretkit.embedded.embedded_aws import EmbeddedAws
from secretkit.embedded.moto_fidelity import is_access_denied

REGION = mocks.REGION
ACCOUNT = mocks.ACCOUNT_ID
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@pytest.fixture
def account(aws_env: None) -> Iterator[EmbeddedAws]:
    with mock_aws():
        yield EmbeddedAws(region=REGION)


def read_policy(arn: str) -> str:
    """The grant a DynamicParameter reader gets: both AppConfig Data actions on exactly one
    configuration."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadConfiguration",
                    "Effect": "Allow",
                    "Action": [
                        "appconfig:StartConfigurationSession",
                        "appconfig:GetLatestConfiguration",
                    ],
                    "Resource": arn,
                }
            ],
        }
    )


def program(content: dict[str, Any], strategy: str | None = None) -> Callable[[], Any]:
    """An application, environment, hosted profile with one content version deployed, and two
    roles: ``reader`` with the read grant on that configuration, ``stranger`` with the same
    grant on another environment."""

    def build() -> Any:
        app = aws.appconfig.Application("app", name="shop", description="shop settings")
        env = aws.appconfig.Environment("prod", name="prod", application_id=app.id)
        other = aws.appconfig.Environment("staging", name="staging", application_id=app.id)
        profile = aws.appconfig.ConfigurationProfile(
            "flags",
            name="flags",
            application_id=app.id,
            location_uri="hosted",
            type="AWS.Freeform",
            validators=[
                {"type": "JSON_SCHEMA", "content": json.dumps({"type": "object"})},
            ],
        )
        version = aws.appconfig.HostedConfigurationVersion(
            "flags-v",
            application_id=app.id,
            configuration_profile_id=profile.configuration_profile_id,
            content=json.dumps(content),
            content_type="application/json",
        )
        strategy_id: Any = strategy
        if strategy is None:
            strategy_id = aws.appconfig.DeploymentStrategy(
                "quick",
                name="quick",
                deployment_duration_in_minutes=0,
                final_bake_time_in_minutes=0,
                growth_factor=100,
                growth_type="LINEAR",
                replicate_to="NONE",
            ).id
        deployment = aws.appconfig.Deployment(
            "flags-deploy",
            application_id=app.id,
            environment_id=env.environment_id,
            configuration_profile_id=profile.configuration_profile_id,
            configuration_version=version.version_number.apply(str),
            deployment_strategy_id=strategy_id,
        )

        def arn(env_id: pulumi.Output[str]) -> pulumi.Output[str]:
            return pulumi.Output.concat(
                f"arn:aws:appconfig:{REGION}:{ACCOUNT}:application/",
                app.id,
                "/environment/",
                env_id,
                "/configuration/",
                profile.configuration_profile_id,
            )

        for role_name, env_id in (
            ("reader", env.environment_id),
            ("stranger", other.environment_id),
        ):
            role = aws.iam.Role(role_name, name=role_name, assume_role_policy=TRUST)
            aws.iam.RolePolicy(
                f"{role_name}-read",
                name=f"{role_name}-read",
                role=role.name,
                policy=arn(env_id).apply(read_policy),
            )
        return pulumi.Output.all(
            app=app.id,
            env=env.environment_id,
            profile=profile.configuration_profile_id,
            number=deployment.deployment_number,
            state=deployment.state,
            version=version.version_number,
        )

    return build


def up(account: EmbeddedAws, build: Callable[[], Any]) -> dict[str, Any]:
    account.begin()
    mocks.install(account)
    result: dict[str, Any] = mocks.run(build)
    account.finish()
    return result


def session_of(role: str) -> boto3.session.Session:
    return assume(f"arn:aws:iam::{ACCOUNT}:role/{role}", f"{role}-session", REGION)


def read(role: str, ids: dict[str, Any]) -> bytes:
    return appconfig_data.read_configuration(
        session_of(role), ids["app"], ids["env"], ids["profile"], REGION
    )


def test_the_program_deploys_with_the_providers_outputs(account: EmbeddedAws) -> None:
    ids = up(account, program({"checkout": True}))
    assert (ids["number"], ids["state"], ids["version"]) == (1, "COMPLETE", 1)
    client = boto3.client("appconfig", region_name=REGION)
    assert client.get_application(ApplicationId=ids["app"])["Name"] == "shop"
    profile = client.get_configuration_profile(
        ApplicationId=ids["app"], ConfigurationProfileId=ids["profile"]
    )
    assert profile["LocationUri"] == "hosted"
    assert profile["Validators"][0]["Type"] == "JSON_SCHEMA"
    records = {
        record.type.split(":")[-1]: record
        for (_, name), record in account.records.items()
        if name in ("app", "prod", "flags", "flags-v", "flags-deploy")
    }
    assert records["Environment"].id == f"{ids['env']}:{ids['app']}"
    assert records["ConfigurationProfile"].id == f"{ids['profile']}:{ids['app']}"
    assert records["HostedConfigurationVersion"].id == f"{ids['app']}/{ids['profile']}/1"
    assert records["Deployment"].id == f"{ids['app']}/{ids['env']}/1"
    assert records["Deployment"].outputs["arn"] == (
        f"arn:aws:appconfig:{REGION}:{ACCOUNT}:application/{ids['app']}"
        f"/environment/{ids['env']}/deployment/1"
    )
    assert records["Environment"].outputs["state"] == "READY_FOR_DEPLOYMENT"


def test_the_reader_role_reads_the_deployed_configuration(account: EmbeddedAws) -> None:
    ids = up(account, program({"checkout": True}))
    assert json.loads(read("reader", ids)) == {"checkout": True}


def test_a_role_granted_another_environment_is_refused(account: EmbeddedAws) -> None:
    ids = up(account, program({"checkout": True}))
    with pytest.raises(ClientError) as refused:
        read("stranger", ids)
    assert is_access_denied(refused.value)
    assert refused.value.operation_name == "StartConfigurationSession"
    assert "appconfig:StartConfigurationSession" in str(refused.value)


def test_a_role_without_the_get_grant_cannot_poll(account: EmbeddedAws) -> None:
    """StartConfigurationSession alone is not enough: GetLatestConfiguration is authorized on
    its own."""
    ids = up(account, program({"checkout": True}))
    arn = appconfig_data.configuration_arn(REGION, ACCOUNT, ids["app"], ids["env"], ids["profile"])
    policy = json.loads(read_policy(arn))
    policy["Statement"][0]["Action"] = ["appconfig:StartConfigurationSession"]
    iam = boto3.client("iam", region_name=REGION)
    iam.put_role_policy(
        RoleName="reader", PolicyName="reader-read", PolicyDocument=json.dumps(policy)
    )
    with pytest.raises(ClientError) as refused:
        read("reader", ids)
    assert is_access_denied(refused.value)
    assert refused.value.operation_name == "GetLatestConfiguration"


def test_a_second_version_deployed_is_what_the_next_read_returns(account: EmbeddedAws) -> None:
    ids = up(account, program({"checkout": True}))
    session = session_of("reader")
    appconfig_data.serve_appconfigdata(session)
    client = session.client("appconfigdata", region_name=REGION)
    token = client.start_configuration_session(
        ApplicationIdentifier=ids["app"],
        EnvironmentIdentifier=ids["env"],
        ConfigurationProfileIdentifier=ids["profile"],
        RequiredMinimumPollIntervalInSeconds=15,
    )["InitialConfigurationToken"]
    first = client.get_latest_configuration(ConfigurationToken=token)
    assert json.loads(first["Configuration"].read()) == {"checkout": True}
    assert first["NextPollIntervalInSeconds"] == 15
    assert first["ContentType"] == "application/json"
    # Nothing new deployed: the poll answers no configuration (a request, not a receipt).
    unchanged = client.get_latest_configuration(
        ConfigurationToken=first["NextPollConfigurationToken"]
    )
    assert unchanged["Configuration"].read() == b""

    second = up(account, program({"checkout": False}))
    assert (second["version"], second["number"]) == (2, 2)
    assert (second["app"], second["env"], second["profile"]) == (
        ids["app"],
        ids["env"],
        ids["profile"],
    )
    polled = client.get_latest_configuration(
        ConfigurationToken=unchanged["NextPollConfigurationToken"]
    )
    assert json.loads(polled["Configuration"].read()) == {"checkout": False}
    assert json.loads(read("reader", second)) == {"checkout": False}


def test_a_token_is_used_once(account: EmbeddedAws) -> None:
    up(account, program({"checkout": True}))
    session = session_of("reader")
    appconfig_data.serve_appconfigdata(session)
    client = session.client("appconfigdata", region_name=REGION)
    token = client.start_configuration_session(
        ApplicationIdentifier="shop",  # names work as well as ids
        EnvironmentIdentifier="prod",
        ConfigurationProfileIdentifier="flags",
    )["InitialConfigurationToken"]
    client.get_latest_configuration(ConfigurationToken=token)
    with pytest.raises(ClientError) as refused:
        client.get_latest_configuration(ConfigurationToken=token)
    assert refused.value.response["Error"]["Code"] == "BadRequestException"


def test_a_predefined_strategy_is_accepted_by_name(account: EmbeddedAws) -> None:
    ids = up(account, program({"checkout": True}, strategy="AppConfig.AllAtOnce"))
    assert ids["state"] == "COMPLETE"
    assert json.loads(read("reader", ids)) == {"checkout": True}


def test_a_deployment_of_a_missing_version_is_refused(account: EmbeddedAws) -> None:
    ids = up(account, program({"checkout": True}))
    with pytest.raises(ClientError) as refused:
        appconfig.start_deployment(
            ACCOUNT,
            REGION,
            application_id=ids["app"],
            environment_id=ids["env"],
            configuration_profile_id=ids["profile"],
            configuration_version="7",
            deployment_strategy_id="AppConfig.AllAtOnce",
        )
    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError):
        appconfig.start_deployment(
            ACCOUNT,
            REGION,
            application_id=ids["app"],
            environment_id=ids["env"],
            configuration_profile_id=ids["profile"],
            configuration_version="1",
            deployment_strategy_id="no-such-strategy",
        )


def test_nothing_deployed_yet_is_not_found(account: EmbeddedAws) -> None:
    client = boto3.client("appconfig", region_name=REGION)
    app = client.create_application(Name="empty")["Id"]
    profile = client.create_configuration_profile(
        ApplicationId=app, Name="p", LocationUri="hosted"
    )["Id"]
    env = appconfig.create_environment(ACCOUNT, REGION, app, "dev")
    with pytest.raises(ClientError) as missing:
        appconfig_data.read_configuration(boto3.session.Session(), app, env.id, profile, REGION)
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
