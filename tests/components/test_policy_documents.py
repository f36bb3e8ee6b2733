"""The pure policy builders: exact documents, least privilege as measured, parameter policies.

Every builder returns plain dicts when given plain strings, so the documents are compared whole.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from secretkit.components import parameter_policies
from secretkit.components.iam import least_privilege
from secretkit.components.iam.arns import AccountScope
from secretkit.components.iam.documents import document, service_assume_role_policy, statement
from secretkit.components.iam.key_policy import key_policy
from secretkit.components.iam.kms import SECRETS_MANAGER
from secretkit.components.iam.reader import parameter_read_policy, secret_read_policy
from secretkit.components.iam.rotation_role import rotation_role_policy
from secretkit.components.iam.topic_policy import events_publish_policy, events_publish_statement
from secretkit.components.iam.vpc import VpcScope, eni_statements

Document = dict[str, Any]

PARTITION = "aws"
REGION = "eu-west-1"
ACCOUNT = "123456789012"
SCOPE = AccountScope(PARTITION, REGION, ACCOUNT)
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/billing/api-key-AbCdEf"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
LOG_GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/billing-rotation"
PARAMETER_ARN = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/team/app/api-key"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:parameter-events"
RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/parameter-policy-events"
ADMIN_ARN = f"arn:aws:iam::{ACCOUNT}:role/key-admin"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
SUBNETS = ("subnet-0123456789abcdef0", "subnet-0fedcba9876543210")
GROUPS = ("sg-0123456789abcdef0",)
VPC = VpcScope(subnet_ids=list(SUBNETS), security_group_ids=list(GROUPS))

SECRETSMANAGER_VIA = f"secretsmanager.{REGION}.amazonaws.com"
SSM_VIA = f"ssm.{REGION}.amazonaws.com"
EC2_DESCRIBE = {"ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"}

#: What key administrators get (the account root is delegated these and every other key operation).
KEY_ADMIN_ACTIONS = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
]
#: Only the account root (so the account's IAM) may edit the key policy, unless asked for.
KEY_POLICY_EDIT_ACTIONS = ["kms:PutKeyPolicy"]
KEY_USE_ACTIONS = [
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ListGrants",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:RetireGrant",
    "kms:RevokeGrant",
]


def statements(doc: Document) -> list[dict[str, Any]]:
    result = doc["Statement"]
    assert isinstance(result, list)
    return result


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def every_string(value: Any) -> list[Any]:
    """Every leaf of a document, to prove it holds only plain JSON values."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in every_string(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in every_string(item)]
    return [value]


# --- iam_documents ----------------------------------------------------------------------------


def test_statement_sorts_actions_and_orders_keys() -> None:
    result = statement(
        "Read",
        ("ssm:GetParameters", "ssm:GetParameter"),
        ("arn:one", "arn:two"),
        condition={"StringEquals": {"k": "v"}},
        principal={"Service": "events.amazonaws.com"},
    )
    assert result == {
        "Sid": "Read",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": ["ssm:GetParameter", "ssm:GetParameters"],
        "Resource": ["arn:one", "arn:two"],
        "Condition": {"StringEquals": {"k": "v"}},
    }
    assert list(result) == ["Sid", "Effect", "Principal", "Action", "Resource", "Condition"]


def test_statement_without_condition_or_principal_omits_them() -> None:
    assert statement("S", ["b:B", "a:A"], "*") == {
        "Sid": "S",
        "Effect": "Allow",
        "Action": ["a:A", "b:B"],
        "Resource": "*",
    }
    assert "Condition" not in statement("S", ["a:A"], ["arn:x"], condition={})


def test_statement_copies_its_inputs() -> None:
    values = {"k": "v"}
    resources = ["arn:x"]
    principal = {"AWS": "arn:aws:iam::123456789012:root"}
    result = statement(
        "S", ["a:A"], resources, condition={"StringEquals": values}, principal=principal
    )
    values["k"] = "changed"
    resources.append("arn:y")
    principal["AWS"] = "changed"
    assert result["Condition"] == {"StringEquals": {"k": "v"}}
    assert result["Resource"] == ["arn:x"]
    assert result["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}


def test_document_wraps_statements() -> None:
    one = statement("One", ["a:A"], ["arn:x"])
    two = statement("Two", ["b:B"], ["arn:y"])
    assert document(one, two) == {"Version": "2012-10-17", "Statement": [one, two]}
    assert document() == {"Version": "2012-10-17", "Statement": []}


@pytest.mark.parametrize(
    ("service", "sid"),
    [("lambda.amazonaws.com", "AssumedByLambda"), ("events.amazonaws.com", "AssumedByEvents")],
)
def test_service_assume_role_policy(service: str, sid: str) -> None:
    assert service_assume_role_policy(service) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
            }
        ],
    }


# --- kms_key_policy ---------------------------------------------------------------------------


def test_key_policy_delegates_to_account_root_only() -> None:
    assert key_policy(PARTITION, ACCOUNT) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DelegateToAccountIam",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": sorted(KEY_USE_ACTIONS + KEY_ADMIN_ACTIONS + KEY_POLICY_EDIT_ACTIONS),
                "Resource": "*",
            }
        ],
    }


def test_key_policy_administrators_manage_but_never_use_the_key() -> None:
    doc = key_policy(PARTITION, ACCOUNT, [ADMIN_ARN, USER_ARN])
    root, admins = statements(doc)
    assert root["Sid"] == "DelegateToAccountIam"
    assert admins == {
        "Sid": "KeyAdministrators",
        "Effect": "Allow",
        "Principal": {"AWS": [ADMIN_ARN, USER_ARN]},
        "Action": KEY_ADMIN_ACTIONS,
        "Resource": "*",
    }
    cryptographic = {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"}
    assert not cryptographic & set(admins["Action"])
    assert "kms:CreateGrant" not in admins["Action"]
    assert "kms:PutKeyPolicy" not in admins["Action"]


def test_key_policy_uses_the_partition() -> None:
    doc = key_policy("aws-cn", ACCOUNT)
    assert statements(doc)[0]["Principal"] == {"AWS": f"arn:aws-cn:iam::{ACCOUNT}:root"}


def test_key_policy_without_administrators_has_one_statement() -> None:
    assert len(statements(key_policy(PARTITION, ACCOUNT, []))) == 1
    assert len(statements(key_policy(PARTITION, ACCOUNT, ()))) == 1


# --- rotation_role_policy ---------------------------------------------------------------------

ROTATION_STATEMENTS = [
    {
        "Sid": "RotateThisSecret",
        "Effect": "Allow",
        "Action": [
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:ListSecretVersionIds",
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage",
        ],
        "Resource": [SECRET_ARN],
    },
    {
        "Sid": "UseKeyForThisSecret",
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": [KEY_ARN],
        "Condition": {
            "StringEquals": {
                "kms:ViaService": SECRETSMANAGER_VIA,
                "kms:EncryptionContext:SecretARN": SECRET_ARN,
            }
        },
    },
    {
        "Sid": "WriteOwnLogs",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [f"{LOG_GROUP_ARN}:*"],
    },
]

ENI_ARN = f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/*"
SUBNET_ARNS = [
    f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-0123456789abcdef0",
    f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-0fedcba9876543210",
]
LAMBDA_ONLY = {"Null": {"lambda:SourceFunctionArn": "true"}}
ENI_STATEMENTS = [
    {
        "Sid": "CreateEniInFunctionSubnets",
        "Effect": "Allow",
        "Action": ["ec2:CreateNetworkInterface"],
        "Resource": [
            ENI_ARN,
            *SUBNET_ARNS,
            f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0123456789abcdef0",
        ],
        "Condition": LAMBDA_ONLY,
    },
    {
        "Sid": "ManageFunctionEnis",
        "Effect": "Allow",
        "Action": [
            "ec2:AssignPrivateIpAddresses",
            "ec2:DeleteNetworkInterface",
            "ec2:UnassignPrivateIpAddresses",
        ],
        "Resource": [ENI_ARN],
        "Condition": {"ArnEqualsIfExists": {"ec2:Subnet": SUBNET_ARNS}, **LAMBDA_ONLY},
    },
    {
        "Sid": "DescribeNetworkInterfaces",
        "Effect": "Allow",
        "Action": ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        "Resource": ["*"],
        "Condition": LAMBDA_ONLY,
    },
]


def test_rotation_role_policy_without_vpc() -> None:
    doc = rotation_role_policy(SECRET_ARN, KEY_ARN, LOG_GROUP_ARN, SCOPE)
    assert doc == {"Version": "2012-10-17", "Statement": ROTATION_STATEMENTS}
    assert not [a for s in statements(doc) for a in s["Action"] if a.startswith("ec2:")]


def test_rotation_role_policy_with_vpc_adds_scoped_eni_statements() -> None:
    doc = rotation_role_policy(SECRET_ARN, KEY_ARN, LOG_GROUP_ARN, SCOPE, vpc=VPC)
    assert doc == {"Version": "2012-10-17", "Statement": ROTATION_STATEMENTS + ENI_STATEMENTS}


def test_rotation_role_has_no_password_generation_or_other_secrets() -> None:
    doc = rotation_role_policy(SECRET_ARN, KEY_ARN, LOG_GROUP_ARN, SCOPE, vpc=VPC)
    actions = {a for s in statements(doc) for a in s["Action"]}
    assert "secretsmanager:GetRandomPassword" not in actions
    assert "logs:CreateLogGroup" not in actions
    for stmt in statements(doc):
        if any(a.startswith("secretsmanager:") for a in stmt["Action"]):
            assert stmt["Resource"] == [SECRET_ARN]


def test_eni_statements_scope_each_subnet_and_group() -> None:
    scope = AccountScope("aws-us-gov", "us-gov-west-1", "210987654321")
    vpc = VpcScope(
        subnet_ids=["subnet-aaaaaaaa"], security_group_ids=["sg-bbbbbbbb", "sg-cccccccc"]
    )
    create, manage, describe = eni_statements(scope, vpc)
    prefix = "arn:aws-us-gov:ec2:us-gov-west-1:210987654321"
    assert create["Resource"] == [
        f"{prefix}:network-interface/*",
        f"{prefix}:subnet/subnet-aaaaaaaa",
        f"{prefix}:security-group/sg-bbbbbbbb",
        f"{prefix}:security-group/sg-cccccccc",
    ]
    assert manage["Resource"] == [f"{prefix}:network-interface/*"]
    assert describe["Resource"] == ["*"]


def test_secret_kms_statement() -> None:
    condition = SECRETS_MANAGER.for_resource(SECRET_ARN, "ap-southeast-2")
    assert statement("S", ("kms:Decrypt",), [KEY_ARN], condition=condition) == {
        "Sid": "S",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": [KEY_ARN],
        "Condition": {
            "StringEquals": {
                "kms:ViaService": "secretsmanager.ap-southeast-2.amazonaws.com",
                "kms:EncryptionContext:SecretARN": SECRET_ARN,
            }
        },
    }


# --- read_policies ----------------------------------------------------------------------------


def test_secret_read_policy() -> None:
    assert secret_read_policy(SECRET_ARN, KEY_ARN, REGION) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadSecret",
                "Effect": "Allow",
                "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                "Resource": [SECRET_ARN],
            },
            {
                "Sid": "DecryptSecret",
                "Effect": "Allow",
                "Action": ["kms:Decrypt"],
                "Resource": [KEY_ARN],
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": SECRETSMANAGER_VIA,
                        "kms:EncryptionContext:SecretARN": SECRET_ARN,
                    }
                },
            },
        ],
    }


def test_parameter_read_policy_with_cmk() -> None:
    assert parameter_read_policy(PARAMETER_ARN, KEY_ARN, REGION) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadParameter",
                "Effect": "Allow",
                "Action": ["ssm:GetParameter", "ssm:GetParameters"],
                "Resource": [PARAMETER_ARN],
            },
            {
                "Sid": "DecryptParameter",
                "Effect": "Allow",
                "Action": ["kms:Decrypt"],
                "Resource": [KEY_ARN],
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": SSM_VIA,
                        "kms:EncryptionContext:PARAMETER_ARN": PARAMETER_ARN,
                    }
                },
            },
        ],
    }


def test_parameter_read_policy_with_aws_managed_key_has_no_kms_statement() -> None:
    doc = parameter_read_policy(PARAMETER_ARN, None, REGION)
    assert doc == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadParameter",
                "Effect": "Allow",
                "Action": ["ssm:GetParameter", "ssm:GetParameters"],
                "Resource": [PARAMETER_ARN],
            }
        ],
    }
    assert "kms:" not in json.dumps(doc)


def test_read_policies_grant_no_listing_or_history() -> None:
    for doc in (
        secret_read_policy(SECRET_ARN, KEY_ARN, REGION),
        parameter_read_policy(PARAMETER_ARN, KEY_ARN, REGION),
    ):
        actions = {a for s in statements(doc) for a in s["Action"]}
        assert not actions & {
            "secretsmanager:ListSecrets",
            "secretsmanager:ListSecretVersionIds",
            "ssm:GetParametersByPath",
            "ssm:GetParameterHistory",
            "ssm:DescribeParameters",
            "kms:GenerateDataKey",
            "kms:Encrypt",
        }


# --- topic_policy -----------------------------------------------------------------------------


def test_events_publish_policy() -> None:
    expected_statement = {
        "Sid": "PublishFromParameterPolicyRule",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": ["sns:Publish"],
        "Resource": [TOPIC_ARN],
        "Condition": {"ArnEquals": {"aws:SourceArn": RULE_ARN}},
    }
    assert events_publish_statement(TOPIC_ARN, RULE_ARN) == expected_statement
    assert events_publish_policy(TOPIC_ARN, RULE_ARN) == {
        "Version": "2012-10-17",
        "Statement": [expected_statement],
    }


# --- properties every builder's document has ------------------------------------------------------

BUILT = [
    pytest.param(key_policy(PARTITION, ACCOUNT), True, id="key-policy"),
    pytest.param(key_policy(PARTITION, ACCOUNT, [ADMIN_ARN]), True, id="key-policy-admins"),
    pytest.param(rotation_role_policy(SECRET_ARN, KEY_ARN, LOG_GROUP_ARN, SCOPE), False, id="rot"),
    pytest.param(
        rotation_role_policy(SECRET_ARN, KEY_ARN, LOG_GROUP_ARN, SCOPE, vpc=VPC),
        False,
        id="rot-vpc",
    ),
    pytest.param(secret_read_policy(SECRET_ARN, KEY_ARN, REGION), False, id="secret-read"),
    pytest.param(parameter_read_policy(PARAMETER_ARN, KEY_ARN, REGION), False, id="param-read"),
    pytest.param(parameter_read_policy(PARAMETER_ARN, None, REGION), False, id="param-read-aws"),
    pytest.param(events_publish_policy(TOPIC_ARN, RULE_ARN), False, id="topic"),
    pytest.param(service_assume_role_policy("lambda.amazonaws.com"), False, id="trust"),
]


@pytest.mark.parametrize(("doc", "is_key_policy"), BUILT)
def test_builders_pass_least_privilege(doc: Document, is_key_policy: bool) -> None:
    assert least_privilege.violations(doc, key_policy=is_key_policy) == []


@pytest.mark.parametrize(("doc", "is_key_policy"), BUILT)
def test_builders_return_plain_json(doc: Document, is_key_policy: bool) -> None:
    assert all(isinstance(leaf, str) for leaf in every_string(doc))
    assert json.loads(json.dumps(doc)) == doc
    assert doc["Version"] == "2012-10-17"


@pytest.mark.parametrize(("doc", "is_key_policy"), BUILT)
def test_no_wildcard_actions_and_star_resource_only_where_unavoidable(
    doc: Document, is_key_policy: bool
) -> None:
    for stmt in statements(doc):
        assert stmt["Effect"] == "Allow"
        assert "NotAction" not in stmt
        assert "NotResource" not in stmt
        actions = as_list(stmt["Action"])
        assert actions
        for action in actions:
            assert "*" not in action
            assert "?" not in action
        resources = as_list(stmt.get("Resource", []))
        if "*" in resources:
            assert resources == ["*"]
            assert is_key_policy or set(actions) <= EC2_DESCRIBE, stmt["Sid"]


@pytest.mark.parametrize(("doc", "is_key_policy"), BUILT)
def test_every_identity_kms_grant_is_scoped_to_service_and_resource(
    doc: Document, is_key_policy: bool
) -> None:
    if is_key_policy:
        return
    for stmt in statements(doc):
        if not any(a.startswith("kms:") for a in stmt["Action"]):
            continue
        assert stmt["Resource"] == [KEY_ARN]
        equals = stmt["Condition"]["StringEquals"]
        assert equals["kms:ViaService"] in (SECRETSMANAGER_VIA, SSM_VIA)
        context = {k: v for k, v in equals.items() if k.startswith("kms:EncryptionContext:")}
        assert context in (
            {"kms:EncryptionContext:SecretARN": SECRET_ARN},
            {"kms:EncryptionContext:PARAMETER_ARN": PARAMETER_ARN},
        )


@pytest.mark.parametrize("region", ["us-east-1", "ap-southeast-7", "us-gov-west-1", "cn-north-1"])
def test_via_service_follows_the_region(region: str) -> None:
    scope = AccountScope(PARTITION, region, ACCOUNT)
    rotation = statements(rotation_role_policy(SECRET_ARN, KEY_ARN, LOG_GROUP_ARN, scope))[1]
    read_secret = statements(secret_read_policy(SECRET_ARN, KEY_ARN, region))[1]
    read_parameter = statements(parameter_read_policy(PARAMETER_ARN, KEY_ARN, region))[1]
    secrets_via = f"secretsmanager.{region}.amazonaws.com"
    assert rotation["Condition"]["StringEquals"]["kms:ViaService"] == secrets_via
    assert read_secret["Condition"]["StringEquals"]["kms:ViaService"] == secrets_via
    assert read_parameter["Condition"]["StringEquals"]["kms:ViaService"] == (
        f"ssm.{region}.amazonaws.com"
    )


# --- least_privilege --------------------------------------------------------------------------


def one(stmt: dict[str, Any]) -> Document:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **stmt}]}


VIA = {"StringEquals": {"kms:ViaService": SECRETSMANAGER_VIA}}

VIOLATIONS = [
    pytest.param(
        one({"Sid": "All", "Action": "*", "Resource": KEY_ARN}),
        ["All: wildcard action '*'"],
        id="star-action",
    ),
    pytest.param(
        one({"Sid": "Kms", "Action": ["kms:*"], "Resource": [KEY_ARN], "Condition": VIA}),
        ["Kms: wildcard action 'kms:*'"],
        id="service-wildcard",
    ),
    pytest.param(
        one({"Sid": "Get", "Action": ["ssm:Get*"], "Resource": [PARAMETER_ARN]}),
        ["Get: wildcard action 'ssm:Get*'"],
        id="partial-wildcard",
    ),
    pytest.param(
        one({"Sid": "Read", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}),
        ["Read: Resource '*' for secretsmanager:GetSecretValue"],
        id="star-resource-string",
    ),
    pytest.param(
        one(
            {
                "Sid": "Read",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": [SECRET_ARN, "*"],
            }
        ),
        ["Read: Resource '*' for secretsmanager:DescribeSecret, secretsmanager:GetSecretValue"],
        id="star-resource-in-list",
    ),
    pytest.param(
        one(
            {
                "Sid": "Eni",
                "Action": ["ec2:DescribeSubnets", "ec2:CreateNetworkInterface"],
                "Resource": "*",
            }
        ),
        ["Eni: Resource '*' for ec2:CreateNetworkInterface"],
        id="star-resource-mixed-with-describe",
    ),
    pytest.param(
        one({"Sid": "Decrypt", "Action": ["kms:Decrypt"], "Resource": [KEY_ARN]}),
        ["Decrypt: kms:Decrypt without a kms:ViaService condition"],
        id="kms-without-condition",
    ),
    pytest.param(
        one(
            {
                "Sid": "Decrypt",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": [KEY_ARN],
                "Condition": {"StringEquals": {"kms:EncryptionContext:SecretARN": SECRET_ARN}},
            }
        ),
        ["Decrypt: kms:Decrypt, kms:GenerateDataKey without a kms:ViaService condition"],
        id="kms-with-context-but-no-via-service",
    ),
    pytest.param(
        one({"Sid": "Not", "NotAction": ["iam:*"], "Resource": [SECRET_ARN]}),
        ["Not: NotAction/NotResource grant everything else"],
        id="not-action",
    ),
    pytest.param(
        one({"Sid": "Not", "Action": ["ssm:GetParameter"], "NotResource": [PARAMETER_ARN]}),
        ["Not: NotAction/NotResource grant everything else"],
        id="not-resource",
    ),
    pytest.param(
        one({"Action": ["kms:*"], "Resource": "*"}),
        [
            "statement 0: wildcard action 'kms:*'",
            "statement 0: Resource '*' for kms:*",
            "statement 0: kms:* without a kms:ViaService condition",
        ],
        id="everything-wrong-without-sid",
    ),
    pytest.param(
        {"Statement": {"Effect": "Allow", "Sid": "Single", "Action": "s3:*", "Resource": "*"}},
        ["Single: wildcard action 's3:*'", "Single: Resource '*' for s3:*"],
        id="single-statement-object",
    ),
]


@pytest.mark.parametrize(("doc", "expected"), VIOLATIONS)
def test_violations_are_flagged(doc: Document, expected: list[str]) -> None:
    assert least_privilege.violations(doc) == expected


PASSING = [
    pytest.param(
        one({"Action": ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"], "Resource": "*"}),
        id="ec2-describe-on-star",
    ),
    pytest.param(
        one({"Action": ["kms:Decrypt"], "Resource": [KEY_ARN], "Condition": VIA}),
        id="kms-via-service",
    ),
    pytest.param(
        one(
            {
                "Action": ["kms:Decrypt"],
                "Resource": [KEY_ARN],
                "Condition": {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}},
            }
        ),
        id="kms-via-service-string-like",
    ),
    pytest.param(
        {"Statement": [{"Effect": "Deny", "Action": "*", "NotResource": "*", "Resource": "*"}]},
        id="deny-is-not-a-grant",
    ),
    pytest.param({"Version": "2012-10-17", "Statement": []}, id="empty"),
    pytest.param({"Version": "2012-10-17"}, id="no-statements"),
]


@pytest.mark.parametrize("doc", PASSING)
def test_compliant_documents_pass(doc: Document) -> None:
    assert least_privilege.violations(doc) == []


def test_key_policy_mode_allows_star_resource_and_unconditioned_kms() -> None:
    doc = one({"Sid": "Root", "Action": ["kms:Decrypt", "kms:PutKeyPolicy"], "Resource": "*"})
    assert least_privilege.violations(doc, key_policy=True) == []
    assert least_privilege.violations(doc) == [
        "Root: Resource '*' for kms:Decrypt, kms:PutKeyPolicy",
        "Root: kms:Decrypt, kms:PutKeyPolicy without a kms:ViaService condition",
    ]


def test_key_policy_mode_still_rejects_wildcard_actions() -> None:
    doc = one({"Sid": "Root", "Action": "kms:*", "Resource": "*"})
    assert least_privilege.violations(doc, key_policy=True) == ["Root: wildcard action 'kms:*'"]


def test_kms_rule_ignores_action_case() -> None:
    doc = one({"Sid": "Decrypt", "Action": ["KMS:Decrypt"], "Resource": [KEY_ARN]})
    assert least_privilege.violations(doc) == [
        "Decrypt: KMS:Decrypt without a kms:ViaService condition"
    ]


def test_question_mark_is_a_wildcard_action() -> None:
    doc = one({"Sid": "Get", "Action": ["ssm:GetParameter?"], "Resource": [PARAMETER_ARN]})
    assert least_privilege.violations(doc) == ["Get: wildcard action 'ssm:GetParameter?'"]


# --- parameter_policies -----------------------------------------------------------------------

EXPIRES = datetime(2027, 1, 31, 0, 0, tzinfo=UTC)
EXPIRATION = {
    "Type": "Expiration",
    "Version": "1.0",
    "Attributes": {"Timestamp": "2027-01-31T00:00:00.000Z"},
}
EXPIRATION_NOTIFICATION = {
    "Type": "ExpirationNotification",
    "Version": "1.0",
    "Attributes": {"Before": "15", "Unit": "Days"},
}
NO_CHANGE_NOTIFICATION = {
    "Type": "NoChangeNotification",
    "Version": "1.0",
    "Attributes": {"After": "12", "Unit": "Hours"},
}
EXPIRATION_JSON = (
    '{"Attributes":{"Timestamp":"2027-01-31T00:00:00.000Z"},"Type":"Expiration","Version":"1.0"}'
)
EXPIRATION_NOTIFICATION_JSON = (
    '{"Attributes":{"Before":"15","Unit":"Days"},"Type":"ExpirationNotification","Version":"1.0"}'
)
NO_CHANGE_NOTIFICATION_JSON = (
    '{"Attributes":{"After":"12","Unit":"Hours"},"Type":"NoChangeNotification","Version":"1.0"}'
)
ALL_JSON = f"[{EXPIRATION_JSON},{EXPIRATION_NOTIFICATION_JSON},{NO_CHANGE_NOTIFICATION_JSON}]"


def test_expiration_policy() -> None:
    assert parameter_policies.expiration(EXPIRES) == EXPIRATION
    assert parameter_policies.canonical([EXPIRATION]) == f"[{EXPIRATION_JSON}]"


def test_expiration_keeps_seconds_and_drops_microseconds() -> None:
    at = datetime(2027, 1, 31, 23, 59, 58, 123456, tzinfo=UTC)
    assert parameter_policies.expiration(at)["Attributes"] == {
        "Timestamp": "2027-01-31T23:59:58.000Z"
    }


def test_expiration_converts_aware_datetimes_to_utc() -> None:
    at = datetime(2027, 1, 31, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    assert parameter_policies.expiration(at) == EXPIRATION


def test_expiration_notification_policy() -> None:
    assert parameter_policies.expiration_notification(15, "Days") == EXPIRATION_NOTIFICATION
    assert parameter_policies.canonical([EXPIRATION_NOTIFICATION]) == (
        f"[{EXPIRATION_NOTIFICATION_JSON}]"
    )


def test_no_change_notification_policy() -> None:
    assert parameter_policies.no_change_notification(12, "Hours") == NO_CHANGE_NOTIFICATION
    assert parameter_policies.canonical([NO_CHANGE_NOTIFICATION]) == (
        f"[{NO_CHANGE_NOTIFICATION_JSON}]"
    )


def test_canonical_of_nothing() -> None:
    assert parameter_policies.canonical([]) == "[]"


@pytest.mark.parametrize(
    "order",
    list(itertools.permutations([EXPIRATION, EXPIRATION_NOTIFICATION, NO_CHANGE_NOTIFICATION])),
)
def test_canonical_is_independent_of_order(order: tuple[dict[str, Any], ...]) -> None:
    assert parameter_policies.canonical(order) == ALL_JSON


def test_canonical_is_independent_of_key_order() -> None:
    shuffled = {
        "Attributes": {"Unit": "Days", "Before": "15"},
        "Version": "1.0",
        "Type": "ExpirationNotification",
    }
    assert parameter_policies.canonical([shuffled]) == f"[{EXPIRATION_NOTIFICATION_JSON}]"


def test_canonical_distinguishes_different_policies() -> None:
    other = parameter_policies.expiration_notification(14, "Days")
    assert parameter_policies.canonical([other]) != parameter_policies.canonical(
        [EXPIRATION_NOTIFICATION]
    )


def test_canonical_does_not_modify_its_input() -> None:
    policies = [NO_CHANGE_NOTIFICATION, EXPIRATION]
    parameter_policies.canonical(policies)
    assert policies == [NO_CHANGE_NOTIFICATION, EXPIRATION]


def described(*texts: Any) -> list[dict[str, Any]]:
    """DescribeParameters' Policies list for the given PolicyText values."""
    return [
        {"PolicyText": text, "PolicyType": "Expiration", "PolicyStatus": "Pending"}
        for text in texts
    ]


def test_from_described_parses_aws_json_policy_text() -> None:
    # AWS returns each PolicyText as the JSON the caller sent, spacing and key order included.
    texts = described(
        json.dumps(NO_CHANGE_NOTIFICATION),
        json.dumps(EXPIRATION, indent=2),
        '{"Version":"1.0","Attributes":{"Unit":"Days","Before":"15"},'
        '"Type":"ExpirationNotification"}',
    )
    assert parameter_policies.from_described(texts) == ALL_JSON


def test_from_described_parses_moto_python_repr() -> None:
    texts = described(repr(EXPIRATION), str(EXPIRATION_NOTIFICATION), repr(NO_CHANGE_NOTIFICATION))
    assert "'Type'" in texts[0]["PolicyText"]
    assert parameter_policies.from_described(texts) == ALL_JSON


def test_from_described_accepts_already_parsed_policy_text() -> None:
    assert parameter_policies.from_described(described(EXPIRATION)) == f"[{EXPIRATION_JSON}]"


@pytest.mark.parametrize("placeholder", ["{}", "{ }", {}])
def test_from_described_drops_the_empty_placeholder(placeholder: Any) -> None:
    assert parameter_policies.from_described(described(placeholder)) == "[]"
    assert parameter_policies.from_described(described(placeholder, json.dumps(EXPIRATION))) == (
        f"[{EXPIRATION_JSON}]"
    )


def test_from_described_skips_items_without_policy_text() -> None:
    assert parameter_policies.from_described([{"PolicyType": "Expiration"}]) == "[]"
    assert parameter_policies.from_described([]) == "[]"


def test_from_described_round_trips_with_canonical() -> None:
    built = [
        parameter_policies.no_change_notification(90, "Days"),
        parameter_policies.expiration(EXPIRES),
    ]
    sent = json.dumps(built)  # what SecureParameter sends as Policies
    texts = described(*(json.dumps(p) for p in json.loads(sent)))
    assert parameter_policies.from_described(texts) == parameter_policies.canonical(built)


@pytest.mark.parametrize(
    ("requested", "size", "has_policies", "tier"),
    [
        ("auto", 1, False, "Standard"),
        ("auto", 4096, False, "Standard"),
        ("auto", 4097, False, "Advanced"),
        ("auto", 8192, False, "Advanced"),
        ("auto", 10, True, "Advanced"),
        ("auto", None, False, "Standard"),
        ("auto", None, True, "Advanced"),
        ("Standard", 10, False, "Standard"),
        ("Standard", None, False, "Standard"),
        ("Advanced", 10, False, "Advanced"),
        ("Advanced", None, False, "Advanced"),
    ],
)
def test_resolve_tier(requested: str, size: int | None, has_policies: bool, tier: str) -> None:
    assert parameter_policies.resolve_tier(requested, size, has_policies) == tier
