"""A reader in another account reads a SecureParameter of account A in the embedded AWS exactly
when AWS would let it: ssm.get_parameter(Name=<the parameter's ARN>, WithDecryption=True) under
the reader role's own assumed-role credentials succeeds with the RAM share naming its account,
the key statement naming it and its own identity policy; without any of them, or from a third
account, it is refused.

What moto does and what the embedded AWS adds (secretkit.embedded.ram,
secretkit.embedded.shared_parameters): moto stores the parameter, its tier and its key id,
creates and deletes the resource share, and evaluates the reader's identity policy with IAM
authorization on. It cannot join a parameter or a principal to a share (no
AssociateResourceShare), does not route a parameter ARN of another account to its owner, and
enforces neither RAM's grant nor a KMS key policy (it never calls KMS for a SecureString). The
embedded AWS emulates the association (with AWS's documented prerequisites: Advanced tier, a
customer managed key), routes the call to the owner, and decides it with the reader's identity
policy, the share as a resource policy (its accounts, its permission's actions) and the key
policy document, evaluated with secretkit.embedded.iam_evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pulumi
import pulumi_aws as aws
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from secretkit.components import SecureParameter
from secretkit.components.iam.documents import document
from secretkit.components.iam.key_policy import key_policy
from secretkit.components.iam.shared_parameter import (
    parameter_reader_identity_policy,
    shared_parameter_decrypt_statement,
)
from secretkit.components.parameters.parameter_share import READ_ONLY_PERMISSION
from secretkit.embedded import mocks
from secretkit.embedded.accounts import account_root, reader_in
from secretkit.embedded.embedded_aws import EmbeddedAws
from secretkit.embedded.moto_fidelity import aws_like_versions, is_access_denied
from tests.secretkit.test_cross_account_reads import authorized

OWNER = mocks.ACCOUNT_ID
PRIMARY = mocks.REGION
READER_ACCOUNT = "222222222222"
ACCOUNT_READER = "444444444444"
THIRD_ACCOUNT = "333333333333"
ROLE = "reader"
ROLE_ARN = f"arn:aws:iam::{READER_ACCOUNT}:role/{ROLE}"
NAME = "/team/shared/token"
VALUE = "shared-parameter-VALUE"
PERMISSION = f"arn:aws:ram::aws:permission/{READ_ONLY_PERMISSION}"


@pytest.fixture
def accounts(aws_env: None) -> Iterator[None]:
    """moto with several accounts (authorization off until a read turns it on)."""
    with mock_aws(), aws_like_versions():
        yield


def read_or_refused(
    session: boto3.session.Session, arn: str, *, decrypt: bool = True
) -> dict[str, Any] | None:
    """GetParameter by ARN under authorization, or None when refused (AccessDenied)."""
    with authorized():
        try:
            answer: dict[str, Any] = session.client("ssm", region_name=PRIMARY).get_parameter(
                Name=arn, WithDecryption=decrypt
            )
        except ClientError as error:
            if not is_access_denied(error):
                raise
            return None
    return dict(answer["Parameter"])


def reads(session: boto3.session.Session, arn: str) -> bool:
    """Whether the session reads the decrypted value (True) or is refused (False)."""
    parameter = read_or_refused(session, arn)
    if parameter is None:
        return False
    assert parameter["ARN"] == arn
    assert parameter["Value"] == VALUE
    return True


# --- hand-built deployments: each half present or not -----------------------------------------


@dataclass
class Deployed:
    parameter_arn: str
    key_arn: str
    created: list[str]

    def identity_policy(self) -> dict[str, Any]:
        """The reader's own half, from the component's builder."""
        return parameter_reader_identity_policy(self.parameter_arn, self.key_arn, PRIMARY)


def deploy(
    *,
    principal: str = ROLE_ARN,
    share: bool = True,
    key_statement: bool = True,
    managed_key: bool = False,
    tier: str = "Advanced",
    permission: str = PERMISSION,
) -> Deployed:
    """Account A deploys, through the embedded AWS, a SecureString parameter, its key with the
    DecryptSharedParameter statement for ``principal`` (a role ARN or an account root) and a
    RAM share with ``principal``'s account, each part optional."""
    arn = f"arn:aws:ssm:{PRIMARY}:{OWNER}:parameter{NAME}"
    account = principal.split(":")[4]

    def program() -> None:
        grants = [shared_parameter_decrypt_statement([principal], arn, PRIMARY)]
        key = aws.kms.Key(
            "key",
            description="shared parameter",
            policy=json.dumps(key_policy("aws", OWNER, extra=grants if key_statement else [])),
        )
        parameter = aws.ssm.Parameter(
            "parameter",
            name=NAME,
            type="SecureString",
            value=VALUE,
            tier=tier,
            key_id=None if managed_key else key.arn,
        )
        if share:
            resource_share = aws.ram.ResourceShare(
                "share",
                name="parameter-share",
                allow_external_principals=True,
                permission_arns=[permission],
            )
            aws.ram.ResourceAssociation(
                "share-parameter",
                resource_arn=parameter.arn,
                resource_share_arn=resource_share.arn,
            )
            aws.ram.PrincipalAssociation(
                "share-account", principal=account, resource_share_arn=resource_share.arn
            )

    embedded = EmbeddedAws(region=PRIMARY)
    monitor = mocks.install(embedded)
    mocks.run(program)
    key_arn = str(monitor.by_type("aws:kms/key:Key")[0].state["arn"])
    deployed_arn = str(monitor.by_type("aws:ssm/parameter:Parameter")[0].state["arn"])
    assert deployed_arn == arn
    return Deployed(arn, key_arn, [record.type for record in embedded.created])


def test_the_embedded_aws_deploys_the_ram_share(accounts: None) -> None:
    deployed = deploy()
    assert deployed.created.count("aws:ram/resourceShare:ResourceShare") == 1
    ram = boto3.client("ram", region_name=PRIMARY)
    (share,) = ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
    assert share["name"] == "parameter-share"
    resources = ram.get_resource_share_associations(associationType="RESOURCE")
    principals = ram.get_resource_share_associations(associationType="PRINCIPAL")
    assert [a["associatedEntity"] for a in resources["resourceShareAssociations"]] == [
        deployed.parameter_arn
    ]
    assert [a["associatedEntity"] for a in principals["resourceShareAssociations"]] == [
        READER_ACCOUNT
    ]


def test_a_role_of_the_reader_account_reads_the_shared_parameter_by_its_arn(
    accounts: None,
) -> None:
    deployed = deploy()
    _, session = reader_in(READER_ACCOUNT, ROLE, deployed.identity_policy(), PRIMARY)
    assert reads(session, deployed.parameter_arn)


def test_refused_without_the_share(accounts: None) -> None:
    deployed = deploy(share=False)
    _, session = reader_in(READER_ACCOUNT, ROLE, deployed.identity_policy(), PRIMARY)
    assert not reads(session, deployed.parameter_arn)
    assert read_or_refused(session, deployed.parameter_arn, decrypt=False) is None


def test_refused_without_the_key_statement(accounts: None) -> None:
    """The share alone lets the reader see the parameter, not decrypt it."""
    deployed = deploy(key_statement=False)
    _, session = reader_in(READER_ACCOUNT, ROLE, deployed.identity_policy(), PRIMARY)
    assert not reads(session, deployed.parameter_arn)
    undecrypted = read_or_refused(session, deployed.parameter_arn, decrypt=False)
    assert undecrypted is not None
    assert undecrypted["Value"] != VALUE


def test_refused_from_a_third_account(accounts: None) -> None:
    deployed = deploy()
    _, intruder = reader_in(THIRD_ACCOUNT, ROLE, deployed.identity_policy(), PRIMARY)
    assert not reads(intruder, deployed.parameter_arn)
    assert read_or_refused(intruder, deployed.parameter_arn, decrypt=False) is None


def test_refused_without_the_readers_identity_policy(accounts: None) -> None:
    deployed = deploy()
    _, session = reader_in(READER_ACCOUNT, ROLE, None, PRIMARY)
    assert not reads(session, deployed.parameter_arn)


def test_the_key_statement_naming_a_role_refuses_another_role_of_its_account(
    accounts: None,
) -> None:
    """RAM shares with the whole account; the key statement narrows the decryption to the
    named role."""
    deployed = deploy()
    _, other = reader_in(READER_ACCOUNT, "other", deployed.identity_policy(), PRIMARY)
    assert not reads(other, deployed.parameter_arn)


def test_naming_the_account_admits_its_roles_whose_own_policy_allows(accounts: None) -> None:
    deployed = deploy(principal=account_root(READER_ACCOUNT))
    _, allowed = reader_in(READER_ACCOUNT, "any-role", deployed.identity_policy(), PRIMARY)
    _, bystander = reader_in(READER_ACCOUNT, "bystander", None, PRIMARY)
    assert reads(allowed, deployed.parameter_arn)
    assert not reads(bystander, deployed.parameter_arn)


def test_the_share_grants_reads_only(accounts: None) -> None:
    """AWSRAMDefaultPermissionSSMParameterReadOnly: even an identity policy allowing every
    write on the parameter cannot overwrite it."""
    deployed = deploy()
    writer = document(
        {"Effect": "Allow", "Action": ["ssm:PutParameter"], "Resource": deployed.parameter_arn}
    )
    _, session = reader_in(READER_ACCOUNT, "writer", writer, PRIMARY)
    with authorized(), pytest.raises(ClientError) as refused:
        session.client("ssm", region_name=PRIMARY).put_parameter(
            Name=deployed.parameter_arn, Value="overwritten", Type="SecureString", Overwrite=True
        )
    assert is_access_denied(refused.value)


def test_get_parameters_reads_only_what_is_shared(accounts: None) -> None:
    """The call reaches the owner's account: every name in it must be a shared parameter's ARN
    the caller may read, or the whole call is refused (an unshared parameter of the owner, by
    ARN or by a name that would resolve there)."""
    deployed = deploy()
    boto3.client("ssm", region_name=PRIMARY).put_parameter(
        Name="/team/private", Value="private-VALUE", Type="String", Tier="Advanced"
    )
    unshared = f"arn:aws:ssm:{PRIMARY}:{OWNER}:parameter/team/private"
    _, session = reader_in(READER_ACCOUNT, ROLE, deployed.identity_policy(), PRIMARY)
    ssm = session.client("ssm", region_name=PRIMARY)
    with authorized():
        found = ssm.get_parameters(Names=[deployed.parameter_arn], WithDecryption=True)
    assert [p["Value"] for p in found["Parameters"]] == [VALUE]
    for names in ([deployed.parameter_arn, unshared], [deployed.parameter_arn, "/team/private"]):
        with authorized(), pytest.raises(ClientError) as refused:
            ssm.get_parameters(Names=names, WithDecryption=True)
        assert is_access_denied(refused.value), names


def test_a_standard_parameter_cannot_be_shared(accounts: None) -> None:
    with pytest.raises(Exception, match="only advanced parameters can be shared"):
        deploy(tier="Standard")


def test_a_parameter_under_the_aws_managed_key_cannot_be_shared(accounts: None) -> None:
    with pytest.raises(Exception, match="must be encrypted with a customer managed key"):
        deploy(managed_key=True)


def test_a_permission_the_embedded_aws_does_not_know_stops_the_deployment(
    accounts: None,
) -> None:
    """Rather than granting a guess: only the two Parameter Store permissions are modelled."""
    other = "arn:aws:ram::aws:permission/AWSRAMDefaultPermissionGlueDatabase"
    with pytest.raises(Exception, match="knows only the Parameter Store RAM permissions"):
        deploy(permission=other)
    assert (
        boto3.client("ram", region_name=PRIMARY).get_resource_shares(resourceOwner="SELF")[
            "resourceShares"
        ]
        == []
    )


def test_a_foreign_arn_is_not_found_while_authorization_is_off(accounts: None) -> None:
    """Routing to the owner happens only while every such call is decided."""
    deployed = deploy()
    _, session = reader_in(READER_ACCOUNT, ROLE, deployed.identity_policy(), PRIMARY)
    with pytest.raises(ClientError) as missing:
        session.client("ssm", region_name=PRIMARY).get_parameter(
            Name=deployed.parameter_arn, WithDecryption=True
        )
    assert missing.value.response["Error"]["Code"] == "ParameterNotFound"


# --- the SecureParameter component, end to end --------------------------------------------------


@dataclass
class Components:
    by_role: tuple[str, dict[str, Any]]
    by_account: tuple[str, dict[str, Any]]


def component_program() -> pulumi.Output[Any]:
    by_role = SecureParameter(
        "by-role", {"parameter_name": "/team/shared/by-role", "value": VALUE, "readers": [ROLE_ARN]}
    )
    by_account = SecureParameter(
        "by-account",
        {"parameter_name": "/team/shared/by-account", "value": VALUE, "readers": [ACCOUNT_READER]},
    )
    return pulumi.Output.all(
        by_role.parameter_arn,
        by_role.reader_identity_policy(),
        by_account.parameter_arn,
        by_account.reader_identity_policy(),
    )


@pytest.fixture
def deployed_components(accounts: None) -> Components:
    mocks.install(EmbeddedAws(region=PRIMARY))
    role_arn, role_policy, account_arn, account_policy = mocks.run(component_program)
    return Components(
        (str(role_arn), json.loads(role_policy)), (str(account_arn), json.loads(account_policy))
    )


def test_a_foreign_role_reads_the_components_parameter(deployed_components: Components) -> None:
    arn, policy = deployed_components.by_role
    _, session = reader_in(READER_ACCOUNT, ROLE, policy, PRIMARY)
    assert reads(session, arn)
    _, other = reader_in(READER_ACCOUNT, "other", policy, PRIMARY)
    assert not reads(other, arn)


def test_a_role_of_a_reader_account_reads_the_components_parameter(
    deployed_components: Components,
) -> None:
    arn, policy = deployed_components.by_account
    _, session = reader_in(ACCOUNT_READER, "any-role", policy, PRIMARY)
    assert reads(session, arn)
    _, bystander = reader_in(ACCOUNT_READER, "bystander", None, PRIMARY)
    assert not reads(bystander, arn)


def test_the_components_parameter_is_refused_to_a_third_account(
    deployed_components: Components,
) -> None:
    for name, (arn, policy) in zip(
        ("reader-1", "reader-2"),
        (deployed_components.by_role, deployed_components.by_account),
        strict=True,
    ):
        _, intruder = reader_in(THIRD_ACCOUNT, name, policy, PRIMARY)
        assert not reads(intruder, arn)


def test_the_components_parameter_is_refused_to_the_other_components_reader(
    deployed_components: Components,
) -> None:
    """Each share and key statement names its own readers: B's role, holding the identity
    policy of the parameter shared with account 444..., is refused it."""
    arn, policy = deployed_components.by_account
    _, session = reader_in(READER_ACCOUNT, ROLE, policy, PRIMARY)
    assert not reads(session, arn)
