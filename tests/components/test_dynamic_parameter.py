"""DynamicParameter under Pulumi mocks: what it registers with pulumi-aws's inputs, the reader's
exact document, the rollback role, its outputs, a deployment per content version, and every
refusal before anything is registered (naming the argument, the value and the rule)."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
import yaml

from secretkit.components import DynamicParameter, InvalidArgumentError, limits
from secretkit.components.appconfig.content import names_credential
from secretkit.components.iam.appconfig_reader import (
    configuration_arn,
    configuration_read_policy,
)
from secretkit.components.iam.appconfig_rollback import (
    rollback_alarms_policy,
    rollback_trust_policy,
)
from secretkit.components.iam.arns import AccountScope
from secretkit.components.iam.least_privilege import violations
from secretkit.embedded import mocks
from secretkit.embedded.iam_evaluation import Request, is_allowed
from secretkit.embedded.mocks import RecordingMonitor
from secretkit.program import PROJECT_DIR, load_stack_config, run_program
from tests.components.helpers import build_component, policy_of, the

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
TOKEN = "secretkit:index:DynamicParameter"
APPLICATION = "aws:appconfig/application:Application"
ENVIRONMENT = "aws:appconfig/environment:Environment"
PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile"
VERSION = "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion"
STRATEGY = "aws:appconfig/deploymentStrategy:DeploymentStrategy"
DEPLOYMENT = "aws:appconfig/deployment:Deployment"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ALARM = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:checkout-5xx"
CONTENT = {"checkout": {"max_items": 50, "new_flow": True}}


def base_args(**changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "application_name": "shop",
        "environment_name": "prod",
        "profile_name": "tunables",
        "content": CONTENT,
    }
    args.update(changes)
    return args


def build(args: dict[str, Any], name: str = "tunables") -> DynamicParameter:
    return build_component(DynamicParameter, name, args, "deployment_number")


def refused(monitor: RecordingMonitor, args: dict[str, Any]) -> InvalidArgumentError:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: DynamicParameter("bad", args))  # type: ignore[call-overload]
    assert str(caught.value).startswith("DynamicParameter 'bad': argument")
    assert monitor.registrations == []
    return caught.value


def resolved(output: pulumi.Output[Any]) -> Any:
    found: list[Any] = []
    mocks.run(lambda: output.apply(found.append))
    return found[0]


# --- what it registers --------------------------------------------------------------------------


def test_registers_the_appconfig_resources_with_pulumi_aws_inputs(
    monitor: RecordingMonitor,
) -> None:
    build(base_args(description="checkout tunables", tags={"team": "shop"}))
    application = the(monitor, APPLICATION).plain_inputs
    assert application == {
        "name": "shop",
        "description": "checkout tunables",
        "tags": {"team": "shop"},
    }
    environment = the(monitor, ENVIRONMENT)
    assert environment.plain_inputs["name"] == "prod"
    assert "monitors" not in environment.plain_inputs
    profile = the(monitor, PROFILE).plain_inputs
    assert profile["locationUri"] == "hosted"
    assert profile["type"] == "AWS.Freeform"
    assert profile["name"] == "tunables"
    assert profile["validators"] == []
    version = the(monitor, VERSION).plain_inputs
    assert json.loads(version["content"]) == CONTENT
    assert version["contentType"] == "application/json"
    assert monitor.by_type(STRATEGY) == []
    deployment = the(monitor, DEPLOYMENT).plain_inputs
    assert deployment["deploymentStrategyId"] == "AppConfig.AllAtOnce"
    assert deployment["applicationId"] == version["applicationId"] == profile["applicationId"]
    assert deployment["environmentId"] == the(monitor, ENVIRONMENT).state["environmentId"]
    assert deployment["configurationProfileId"] == version["configurationProfileId"]


def test_each_content_version_is_deployed(monitor: RecordingMonitor) -> None:
    """The deployment deploys the hosted version's number: pulumi-aws replaces a
    HostedConfigurationVersion on any change (a new version number), so each content gets a
    deployment of its own."""
    build(base_args())
    version = the(monitor, VERSION)
    deployment = the(monitor, DEPLOYMENT)
    assert deployment.plain_inputs["configurationVersion"] == str(version.state["versionNumber"])
    assert version.urn in deployment.dependencies


def test_outputs(monitor: RecordingMonitor) -> None:
    parameter = build(base_args())
    application = the(monitor, APPLICATION).state
    environment = the(monitor, ENVIRONMENT).state
    profile = the(monitor, PROFILE).state
    app_id = the(monitor, ENVIRONMENT).plain_inputs["applicationId"]
    assert resolved(parameter.application_id) == app_id
    assert resolved(parameter.environment_id) == environment["environmentId"]
    assert resolved(parameter.configuration_profile_id) == profile["configurationProfileId"]
    assert resolved(parameter.configuration_profile_arn) == profile["arn"]
    assert resolved(parameter.deployment_number) == 1
    assert resolved(parameter.configuration_version) == 1
    assert resolved(parameter.deployment_strategy_id) == "AppConfig.AllAtOnce"
    assert resolved(parameter.rollback_role_arn) is None
    assert resolved(parameter.configuration_arn) == (
        f"arn:aws:appconfig:{REGION}:{ACCOUNT}:application/{app_id}/environment/"
        f"{environment['environmentId']}/configuration/{profile['configurationProfileId']}"
    )
    assert application["arn"].endswith(f":application/{app_id}")


def test_an_existing_application_is_used_not_created(monitor: RecordingMonitor) -> None:
    args = base_args(application_id="abc1234")
    del args["application_name"]
    parameter = build(args)
    assert monitor.by_type(APPLICATION) == []
    assert the(monitor, ENVIRONMENT).plain_inputs["applicationId"] == "abc1234"
    assert resolved(parameter.application_id) == "abc1234"


def test_yaml_content_and_text_content(monitor: RecordingMonitor) -> None:
    build(base_args(content=CONTENT, content_type="application/x-yaml"), name="yaml-dict")
    build(base_args(content="motd: hello\n", content_type="application/x-yaml"), name="yaml-text")
    build(base_args(content="hello, world", content_type="text/plain"), name="text")
    versions = {reg.name: reg.plain_inputs for reg in monitor.by_type(VERSION)}
    assert yaml.safe_load(versions["yaml-dict-version"]["content"]) == CONTENT
    assert versions["yaml-dict-version"]["contentType"] == "application/x-yaml"
    assert versions["yaml-text-version"]["content"] == "motd: hello\n"
    assert versions["text-version"] == {**versions["text-version"], "contentType": "text/plain"}


def test_validators_json_schema_inline_and_lambda_by_arn(monitor: RecordingMonitor) -> None:
    schema = {
        "type": "object",
        "properties": {"checkout": {"type": "object"}},
        "required": ["checkout"],
    }
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:validate-config"
    build(base_args(json_schema=schema, lambda_validator_arn=function))
    validators = the(monitor, PROFILE).plain_inputs["validators"]
    assert validators == [
        {"type": "JSON_SCHEMA", "content": json.dumps(schema)},
        {"type": "LAMBDA", "content": function},
    ]


def test_feature_flags_profile(monitor: RecordingMonitor) -> None:
    flags = {
        "version": "1",
        "flags": {"new_checkout": {"name": "New checkout"}},
        "values": {"new_checkout": {"enabled": True}},
    }
    build(base_args(content=flags, profile_type="AWS.AppConfig.FeatureFlags"))
    assert the(monitor, PROFILE).plain_inputs["type"] == "AWS.AppConfig.FeatureFlags"
    assert json.loads(the(monitor, VERSION).plain_inputs["content"]) == flags


def test_a_deployment_strategy_of_your_own(monitor: RecordingMonitor) -> None:
    parameter = build(
        base_args(
            deployment_strategy={
                "deployment_duration_in_minutes": 10,
                "growth_factor": 25,
                "growth_type": "EXPONENTIAL",
                "final_bake_time_in_minutes": 5,
            }
        )
    )
    strategy = the(monitor, STRATEGY)
    assert strategy.plain_inputs == {
        "deploymentDurationInMinutes": 10,
        "growthFactor": 25.0,
        "growthType": "EXPONENTIAL",
        "finalBakeTimeInMinutes": 5,
        "replicateTo": "NONE",
    }
    strategy_id = strategy.state["arn"].rsplit("/", 1)[1]
    deployment = the(monitor, DEPLOYMENT).plain_inputs
    assert deployment["deploymentStrategyId"] == strategy_id
    assert resolved(parameter.deployment_strategy_id) == strategy_id


@pytest.mark.parametrize(
    "strategy",
    [
        "AppConfig.AllAtOnce",
        "AppConfig.Linear50PercentEvery30Seconds",
        "AppConfig.Canary10Percent20Minutes",
        "AppConfig.Linear20PercentEvery6Minutes",
    ],
)
def test_predefined_strategies_are_referenced_by_name(
    monitor: RecordingMonitor, strategy: str
) -> None:
    build(base_args(deployment_strategy=strategy))
    assert the(monitor, DEPLOYMENT).plain_inputs["deploymentStrategyId"] == strategy
    assert monitor.by_type(STRATEGY) == []


# --- rollback alarms ----------------------------------------------------------------------------


def test_rollback_alarms_are_watched_with_a_least_privilege_role(
    monitor: RecordingMonitor,
) -> None:
    other = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:checkout-latency"
    parameter = build(base_args(rollback_alarm_arns=[ALARM, other]))
    role = the(monitor, ROLE)
    assert json.loads(role.plain_inputs["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AppConfigAssumesForRollback",
                "Effect": "Allow",
                "Principal": {"Service": "appconfig.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }
    policies = [r for r in monitor.by_type(ROLE_POLICY) if r.name == "tunables-rollback"]
    document = policy_of(policies[0])
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DescribeRollbackAlarms",
                "Effect": "Allow",
                "Action": ["cloudwatch:DescribeAlarms"],
                "Resource": [ALARM, other],
            }
        ],
    }
    assert violations(document) == []
    monitors = the(monitor, ENVIRONMENT).plain_inputs["monitors"]
    assert monitors == [
        {"alarmArn": ALARM, "alarmRoleArn": role.state["arn"]},
        {"alarmArn": other, "alarmRoleArn": role.state["arn"]},
    ]
    assert resolved(parameter.rollback_role_arn) == role.state["arn"]


# --- readers ------------------------------------------------------------------------------------


def expected_reader_document(monitor: RecordingMonitor) -> dict[str, Any]:
    app = the(monitor, ENVIRONMENT).plain_inputs["applicationId"]
    env = the(monitor, ENVIRONMENT).state["environmentId"]
    profile = the(monitor, PROFILE).state["configurationProfileId"]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadConfiguration",
                "Effect": "Allow",
                "Action": [
                    "appconfig:GetLatestConfiguration",
                    "appconfig:StartConfigurationSession",
                ],
                "Resource": [
                    f"arn:aws:appconfig:{REGION}:{ACCOUNT}:application/{app}/environment/{env}"
                    f"/configuration/{profile}"
                ],
            }
        ],
    }


def test_readers_get_exactly_this_configuration(monitor: RecordingMonitor) -> None:
    parameter = build(base_args(readers=["app-role"]))
    grant = the(monitor, ROLE_POLICY)
    assert grant.name == "tunables-read-app-role"
    assert grant.plain_inputs["role"] == "app-role"
    document = policy_of(grant)
    assert document == expected_reader_document(monitor)
    assert violations(document) == []

    def later() -> pulumi.Output[Any]:
        return parameter.grant_read("worker").policy

    mocks.run(later)
    grants = {reg.name: policy_of(reg) for reg in monitor.by_type(ROLE_POLICY)}
    assert grants["tunables-read-worker"] == expected_reader_document(monitor)


def test_the_reader_arn_is_the_service_authorization_references_configuration_type() -> None:
    """AWS's Service Authorization Reference for AWS AppConfig defines the resource type
    `configuration`, the one StartConfigurationSession and GetLatestConfiguration authorize on,
    as 'arn:${Partition}:appconfig:${Region}:${Account}:application/${ApplicationId}/
    environment/${EnvironmentId}/configuration/${ConfigurationProfileId}'."""
    documented = (
        "arn:${Partition}:appconfig:${Region}:${Account}:application/${ApplicationId}"
        "/environment/${EnvironmentId}/configuration/${ConfigurationProfileId}"
    )
    scope = AccountScope("${Partition}", "${Region}", "${Account}")
    built = configuration_arn(
        scope, "${ApplicationId}", "${EnvironmentId}", "${ConfigurationProfileId}"
    )
    assert built == documented
    document = configuration_read_policy(built)
    assert [s["Action"] for s in document["Statement"]] == [
        ["appconfig:GetLatestConfiguration", "appconfig:StartConfigurationSession"]
    ]


def test_the_pure_builders_pass_the_least_privilege_check() -> None:
    for document in (
        configuration_read_policy(
            "arn:aws:appconfig:eu-west-1:123456789012:application/a/environment/e/configuration/p"
        ),
        rollback_alarms_policy([ALARM]),
        rollback_trust_policy(ACCOUNT),
    ):
        assert violations(document) == []


def test_iam_allows_the_reader_this_configuration_and_nothing_else() -> None:
    """The grant, evaluated as IAM evaluates a request: each action on this configuration is
    allowed; another profile, environment or application of the account, and other AppConfig
    actions, are not."""
    prefix = f"arn:aws:appconfig:{REGION}:{ACCOUNT}:application/"
    mine = f"{prefix}abc1234/environment/env5678/configuration/pro9012"
    document = configuration_read_policy(mine)
    role = [f"arn:aws:iam::{ACCOUNT}:role/app"]
    for action in ("appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"):
        assert is_allowed(Request(role, action, mine), [document])
        for other in (
            mine.replace("pro9012", "pro0000"),
            mine.replace("env5678", "env0000"),
            mine.replace("abc1234", "abc0000"),
        ):
            assert not is_allowed(Request(role, action, other), [document])
    assert not is_allowed(Request(role, "appconfig:GetConfigurationProfile", mine), [document])


def test_a_reader_in_another_account_is_refused(monitor: RecordingMonitor) -> None:
    """The deploying account is known at deployment: the check gates every child."""
    with pytest.raises(Exception, match=r"argument 'readers\[0\]'") as caught:
        build(base_args(readers=["arn:aws:iam::999999999999:role/app"]))
    assert "AppConfig has no resource policies" in str(caught.value)
    assert [r.type for r in monitor.registrations if r.type.startswith("aws:appconfig")] == []


def test_an_account_id_reader_is_refused(monitor: RecordingMonitor) -> None:
    error = refused(monitor, base_args(readers=["999999999999"]))
    assert error.argument == "readers[0]"
    assert "AppConfig has no resource policies" in error.rule


# --- refusals before registration ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "argument", "rule"),
    [
        ({"environment_name": "e" * 65}, "environment_name", "1-64 characters"),
        ({"profile_name": "p" * 129}, "profile_name", "1-128 characters"),
        ({"application_name": ""}, "application_name", "non-empty"),
        ({"application_name": "a" * 65}, "application_name", "1-64 characters"),
        ({"application_id": "abc1234"}, "application_name", "exactly one of"),
        ({"description": "d" * 1025}, "description", "at most 1024"),
        ({"description": "réglages"}, "description", "must be ASCII"),
        ({"content_type": "application/xml"}, "content_type", "must be one of"),
        ({"content": "{not json"}, "content", "is not valid JSON"),
        ({"content": "a: [b", "content_type": "application/x-yaml"}, "content", "not valid YAML"),
        ({"content": 42}, "content", "must be a dict"),
        ({"profile_type": "Freeform"}, "profile_type", "must be one of"),
        ({"deployment_strategy": "AppConfig.Fast"}, "deployment_strategy", "predefined"),
        (
            {"deployment_strategy": {"growth_factor": 10}},
            "deployment_strategy.deployment_duration_in_minutes",
            "is required",
        ),
        (
            {"deployment_strategy": {"deployment_duration_in_minutes": 1441, "growth_factor": 10}},
            "deployment_strategy.deployment_duration_in_minutes",
            "1440",
        ),
        (
            {"deployment_strategy": {"deployment_duration_in_minutes": 5, "growth_factor": 0.5}},
            "deployment_strategy.growth_factor",
            "from 1 to 100",
        ),
        (
            {
                "deployment_strategy": {
                    "deployment_duration_in_minutes": 5,
                    "growth_factor": 10,
                    "growth_type": "STEP",
                }
            },
            "deployment_strategy.growth_type",
            "LINEAR",
        ),
        ({"rollback_alarm_arns": ["arn:aws:sns:eu-west-1:1:x"]}, "rollback_alarm_arns[0]", "alarm"),
        (
            {"rollback_alarm_arns": [f"{ALARM}-{i}" for i in range(6)]},
            "rollback_alarm_arns",
            "at most 5",
        ),
        ({"lambda_validator_arn": "validate"}, "lambda_validator_arn", "Lambda function ARN"),
        ({"json_schema": "{"}, "json_schema", "is not valid JSON"),
        ({"json_schema": {"type": "no-such-type"}}, "json_schema", "not a valid JSON Schema"),
        (
            {"content": "plain", "content_type": "text/plain", "json_schema": {"type": "object"}},
            "json_schema",
            "JSON or YAML",
        ),
        ({"contnet": CONTENT}, "contnet", "did you mean 'content'"),
    ],
)
def test_bad_arguments_are_refused_before_registration(
    monitor: RecordingMonitor, changes: dict[str, Any], argument: str, rule: str
) -> None:
    error = refused(monitor, base_args(**changes))
    assert error.argument == argument
    assert rule in str(error)


def test_content_over_the_hosted_maximum_is_refused(monitor: RecordingMonitor) -> None:
    big = "x" * (limits.APPCONFIG_HOSTED_CONTENT.maximum + 1)
    error = refused(monitor, base_args(content=big, content_type="text/plain"))
    assert error.argument == "content"
    assert "1048577 bytes" in error.rule
    assert "1 MB or smaller" in error.rule
    assert big not in str(error)


def test_content_that_breaks_the_json_schema_is_refused(monitor: RecordingMonitor) -> None:
    schema = {
        "type": "object",
        "properties": {"checkout": {"properties": {"max_items": {"type": "integer"}}}},
    }
    error = refused(
        monitor, base_args(content={"checkout": {"max_items": "fifty"}}, json_schema=schema)
    )
    assert error.argument == "content.checkout.max_items"
    assert error.value == "fifty"
    assert "does not match json_schema" in error.rule
    assert "integer" in error.rule


@pytest.mark.parametrize(
    ("flags", "argument"),
    [
        ({"flags": {}, "values": {}}, "content.version"),
        ({"version": "1", "flags": [], "values": {}}, "content.flags"),
        (
            {"version": "1", "flags": {}, "values": {"ghost": {"enabled": True}}},
            "content.values.ghost",
        ),
        (
            {"version": "1", "flags": {"a": {}}, "values": {"a": {"enabled": "yes"}}},
            "content.values.a",
        ),
    ],
)
def test_feature_flags_in_the_wrong_shape_are_refused(
    monitor: RecordingMonitor, flags: dict[str, Any], argument: str
) -> None:
    error = refused(monitor, base_args(content=flags, profile_type="AWS.AppConfig.FeatureFlags"))
    assert error.argument == argument


# --- secrets are refused ------------------------------------------------------------------------

SECRET = "hunter2-s3cr3t-value"


@pytest.mark.parametrize(
    ("content", "argument"),
    [
        ({"db": {"password": SECRET}}, "content.db.password"),
        ({"stripe_api_key": SECRET}, "content.stripe_api_key"),
        ({"clientSecret": SECRET}, "content.clientSecret"),
        ({"auth-token": SECRET}, "content.auth-token"),
        ({"hooks": [{"token": SECRET}]}, "content.hooks[0].token"),
        (json.dumps({"privateKey": SECRET}), "content.privateKey"),
        ({"note": "AKIAIOSFODNN7EXAMPL3"}, "content.note"),
    ],
)
def test_a_credential_in_the_content_is_refused(
    monitor: RecordingMonitor, content: Any, argument: str
) -> None:
    error = refused(monitor, base_args(content=content))
    assert error.argument == argument
    assert "SecureParameter" in error.rule
    assert "RotatingSecret" in error.rule
    assert SECRET not in str(error)
    assert "AKIAIOSFODNN7EXAMPL3" not in str(error)


def test_a_pem_private_key_in_text_content_is_refused(monitor: RecordingMonitor) -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"
    error = refused(monitor, base_args(content=pem, content_type="text/plain"))
    assert error.argument == "content"
    assert "MIIE" not in str(error)


def test_settings_about_credentials_are_not_credentials(monitor: RecordingMonitor) -> None:
    content = {
        "require_password": True,
        "password": {"min_length": 12},
        "max_tokens": 4096,
        "token_ttl_seconds": 300,
        "secret_rotation_enabled": False,
        "password_policy_name": "",
    }
    build(base_args(content=content))
    assert json.loads(the(monitor, VERSION).plain_inputs["content"]) == content


@pytest.mark.parametrize(
    ("key", "credential"),
    [
        ("password", True),
        ("dbPassword", True),
        ("API_KEY", True),
        ("apikey", True),
        ("signing.key", True),
        ("client_secret", True),
        ("max_tokens", False),
        ("keyboard", False),
        ("secret_santa_enabled", False),
        ("primary_key_column", False),
    ],
)
def test_which_keys_name_a_credential(key: str, credential: bool) -> None:
    assert names_credential(key) is credential


def test_a_secret_output_content_is_refused(monitor: RecordingMonitor) -> None:
    with pytest.raises(Exception, match="is a Pulumi secret") as caught:
        build(base_args(content=pulumi.Output.secret(json.dumps({"a": 1}))))
    assert "SecureParameter" in str(caught.value)
    assert monitor.by_type(VERSION) == []


def test_an_output_content_is_checked_once_known(monitor: RecordingMonitor) -> None:
    build(base_args(content=pulumi.Output.from_input(json.dumps({"feature": "on"}))), name="ok")
    assert json.loads(the(monitor, VERSION).plain_inputs["content"]) == {"feature": "on"}
    with pytest.raises(Exception, match="names a credential"):
        build(
            base_args(content=pulumi.Output.from_input(json.dumps({"password": SECRET}))),
            name="late",
        )
    assert [r.name for r in monitor.by_type(VERSION)] == ["ok-version"]
    # Nothing of the refused one is created: every child waits for the content's check.
    assert [r.name for r in monitor.registrations if r.name.startswith("late-")] == []


def test_outputs_inside_a_dict_content_are_resolved_then_checked(monitor: RecordingMonitor) -> None:
    url = pulumi.Output.from_input("https://sqs.example/queue")
    build(base_args(content={"queue": {"url": url}, "batch": 10}), name="nested")
    assert json.loads(the(monitor, VERSION).plain_inputs["content"]) == {
        "queue": {"url": "https://sqs.example/queue"},
        "batch": 10,
    }
    with pytest.raises(Exception, match="is a Pulumi secret"):
        build(base_args(content={"api": pulumi.Output.secret("x")}), name="secret-inside")


def test_the_component_is_registered_with_its_type_token(monitor: RecordingMonitor) -> None:
    build(base_args())
    assert [r.type for r in monitor.registrations if not r.custom] == [TOKEN]
    for reg in monitor.registrations:
        if reg.custom:
            assert reg.parent.endswith(f"{TOKEN}::tunables")


# --- the reference stack ------------------------------------------------------------------------


def test_the_reference_stack_builds_one_when_configured() -> None:
    """Off without an application name (Pulumi.yaml's default ''; the dev stack, which the demo
    deploys, sets one); with a name, the reference program's DynamicParameter validates its
    configured content against its configured schema and the reader role reads it."""

    def registrations(overrides: dict[str, str]) -> list[Any]:
        config = load_stack_config(
            PROJECT_DIR, "dev", overrides, secret_overrides={"parameterValue": "placeholder"}
        )
        return run_program(PROJECT_DIR / "__main__.py", config, stack="dev").registrations

    off = registrations({"secretkit:appConfigApplicationName": ""})
    assert [r for r in off if r.type == TOKEN] == []
    built = registrations({"secretkit:appConfigApplicationName": "secretkit-app"})
    assert [r.name for r in built if r.type == TOKEN] == ["app-tunables"]
    version = next(r for r in built if r.type == VERSION).plain_inputs
    assert json.loads(version["content"]) == {"max_items": 50, "new_checkout": False}
    # The reader's grants of the whole program are one policy (components/iam/role_grants.py).
    reads = [
        statement
        for r in built
        if r.type == "aws:iam/rolePolicy:RolePolicy"
        for statement in policy_of(r)["Statement"]
        if statement["Sid"] == "ReadConfiguration"
    ]
    assert len(reads) == 1
    assert "/environment/" in str(reads[0]["Resource"])
    assert "/configuration/" in str(reads[0]["Resource"])
    with pytest.raises(InvalidArgumentError, match="does not match json_schema"):
        registrations(
            {
                "secretkit:appConfigApplicationName": "secretkit-app",
                "secretkit:appConfigContent": '{"max_items": 0}',
            }
        )
