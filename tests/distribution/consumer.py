"""A consumer's program, type-checked by test_typed_package.py with mypy --strict against the
installed wheel: every public component, by keyword and by dict."""

import pulumi
import pulumi_aws as aws

from secretkit import (
    CrossRegionReplicatedSecret,
    CrossRegionReplicatedSecretArgs,
    InvalidArgumentError,
    ProxiedParameterPolicy,
    ProxiedParameterPolicyArgs,
    RotatingSecret,
    RotatingSecretArgs,
    RotationFunction,
    RotationFunctionArgs,
    SecureParameter,
    SecureParameterArgs,
    reader_identity_policy,
)

opts = pulumi.ResourceOptions(protect=True)
role = aws.iam.Role("reader", assume_role_policy="{}")

secret = RotatingSecret(
    "db",
    secret_name="prod/app/db",
    rotation={"strategy": "password", "automatically_after_days": 30},
    readers=["app"],
    opts=opts,
)
secret_args: RotatingSecretArgs = {
    "secret_name": "prod/app/api",
    "rotation": {"strategy": "password", "schedule_expression": "rate(30 days)"},
}
by_dict = RotatingSecret("api", secret_args, opts)
grant = secret.grant_read(role)

parameter = SecureParameter("cfg", parameter_name="/app/cfg", value=pulumi.Output.secret("v"))
parameter_args: SecureParameterArgs = {"parameter_name": "/app/other", "value": "v"}
SecureParameter("other", parameter_args)

shared = RotationFunction("shared", strategy="password", secret_names=["prod/app/member"])
function_args: RotationFunctionArgs = {"strategy": "password"}
RotationFunction("other-function", function_args, opts=opts)
member = RotatingSecret(
    "member",
    secret_name="prod/app/member",
    rotation={"strategy": "password", "function": shared, "automatically_after_days": 7},
)

replicated = CrossRegionReplicatedSecret(
    "token", secret_name="team/token", replica_regions=["eu-west-1"], multi_region_key=True
)
replicated_args: CrossRegionReplicatedSecretArgs = {
    "secret_name": "team/other",
    "replica_regions": [{"region": "eu-west-1"}],
}
CrossRegionReplicatedSecret("other-token", replicated_args)

proxy = ProxiedParameterPolicy("proxy", secret=secret, roles=[role])
proxy_args: ProxiedParameterPolicyArgs = {"secret_name": "prod/app/db", "roles": ["app"]}
ProxiedParameterPolicy("other-proxy", proxy_args)

arns: list[pulumi.Output[str]] = [
    secret.secret_arn,
    by_dict.rotation_function_arn,
    member.secret_arn,
    parameter.parameter_arn,
    replicated.secret_arn,
    proxy.policy_json,
    shared.function_arn,
]
size: pulumi.Output[int] = secret.rotation_artifact_size
policy = reader_identity_policy
error: type[ValueError] = InvalidArgumentError
pulumi.export("arns", arns)
