"""Further accounts in the embedded AWS: an administrator's session in any account id, and a role
there, holding exactly a given identity policy, assumed under its own credentials."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import boto3

#: The role moto lets any caller assume in any account while authorization is off.
ADMIN_ROLE = "secretkit-embedded-admin"


def assume(
    role_arn: str, session_name: str, region: str, via: boto3.session.Session | None = None
) -> boto3.session.Session:
    """A session with the credentials of ``role_arn`` (STS AssumeRole, made with ``via``'s
    credentials or the default ones)."""
    sts = (via or boto3.session.Session()).client("sts", region_name=region)
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=session_name[:64])[
        "Credentials"
    ]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )


def account_admin(account_id: str, region: str) -> boto3.session.Session:
    """Administrator credentials in ``account_id``: what this session creates lives in that
    account (moto keeps each account's resources apart). Call while authorization is off."""
    arn = f"arn:aws:iam::{account_id}:role/{ADMIN_ROLE}"
    return assume(arn, f"{ADMIN_ROLE}-{account_id}", region)


def account_root(account_id: str) -> str:
    """The ARN naming every principal of an account in a policy's Principal element."""
    return f"arn:aws:iam::{account_id}:root"


def role_with_policy(
    admin: boto3.session.Session, name: str, identity_policy: Mapping[str, Any] | None
) -> str:
    """A role in ``admin``'s account, trusted by that account's root and holding exactly
    ``identity_policy`` (or no policy); returns its ARN."""
    iam = admin.client("iam")
    account = admin.client("sts").get_caller_identity()["Account"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": account_root(account)},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    if identity_policy is not None:
        iam.put_role_policy(
            RoleName=name, PolicyName=f"{name}-policy", PolicyDocument=json.dumps(identity_policy)
        )
    return str(role["Arn"])


def reader_in(
    account_id: str,
    name: str,
    identity_policy: Mapping[str, Any] | None,
    region: str,
) -> tuple[str, boto3.session.Session]:
    """A role ``name`` in ``account_id`` holding ``identity_policy``, and a session under its
    own assumed-role credentials (its ARN first). Call while authorization is off; make the
    calls under test with authorization on."""
    admin = account_admin(account_id, region)
    arn = role_with_policy(admin, name, identity_policy)
    return arn, assume(arn, f"{name}-session", region, via=admin)
