"""The policy pack's cross-account-grants-exact rule over what the components emit for readers in
other accounts (role ARNs, account ids, an organization, a replicated secret): no violation; and
exactly one for each hand-broken copy of a component's document."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from pulumi_policy import ResourceValidationArgs

from policy import secretkit_policies as pack
from secretkit.components import CrossRegionReplicatedSecret, RotatingSecret, RotationArgs
from secretkit.embedded import mocks
from secretkit.embedded.mocks import unwrap
from tests.policy.test_policy_pack import Violations, resource_args

RULE = pack.CROSS_ACCOUNT_GRANTS
CONFIG = {"accountId": mocks.ACCOUNT_ID}
FOREIGN_ROLE = "arn:aws:iam::222222222222:role/reader"
FOREIGN_ACCOUNT = "444444444444"
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"
KEY = "aws:kms/key:Key"
Resource = tuple[str, str, dict[str, Any]]


def rotation() -> RotationArgs:
    return {"strategy": "password", "automatically_after_days": 30}


def program() -> None:
    """Every component that takes readers in other accounts, in each shape of reader."""
    RotatingSecret(
        "by-role",
        {"secret_name": "prod/x/by-role", "rotation": rotation(), "readers": [FOREIGN_ROLE]},
    )
    RotatingSecret(
        "by-account",
        {
            "secret_name": "prod/x/by-account",
            "rotation": rotation(),
            "readers": [FOREIGN_ACCOUNT, FOREIGN_ROLE, "local-reader"],
        },
    )
    RotatingSecret(
        "by-organization",
        {
            "secret_name": "prod/x/by-organization",
            "rotation": rotation(),
            "reader_organization_id": "o-abcdef1234",
            "reader_organization_paths": ["o-abcdef1234/r-ab12/ou-ab12-11111111/*"],
        },
    )
    CrossRegionReplicatedSecret(
        "replicated",
        {
            "secret_name": "prod/x/replicated",
            "replica_regions": ["eu-west-1", "us-west-2"],
            "readers": [FOREIGN_ROLE, FOREIGN_ACCOUNT],
        },
    )


@pytest.fixture
def emitted(monitor: mocks.RecordingMonitor) -> list[Resource]:
    """(type, name, properties) of every registration: inputs, and the state (ARNs)."""
    mocks.run(program)
    return [
        (r.type, r.name, {**unwrap(r.state), **unwrap(r.inputs)}) for r in monitor.registrations
    ]


def findings(resources: list[Resource]) -> list[str]:
    found = Violations()
    for type_, name, props in resources:
        args = resource_args(type_, props, name)
        RULE.validate(
            ResourceValidationArgs(
                args.resource_type, args.props, args.urn, args.name, args.opts, None, CONFIG
            ),
            found,
        )
    return found.messages


def statements_with(resources: list[Resource], sid: str) -> list[tuple[int, dict[str, Any]]]:
    """(index of the resource, its statement) for each statement ``sid``."""
    found: list[tuple[int, dict[str, Any]]] = []
    for index, (_, _, props) in enumerate(resources):
        policy = props.get("policy")
        if isinstance(policy, str) and sid in policy:
            found.extend((index, s) for s in json.loads(policy)["Statement"] if s.get("Sid") == sid)
    return found


def test_what_the_components_emit_for_foreign_readers_passes(emitted: list[Resource]) -> None:
    types = [type_ for type_, _, _ in emitted]
    assert types.count(SECRET_POLICY) == 4
    # by-role, by-account (and the replicated secret's three regions) name foreign readers
    assert len(statements_with(emitted, "DecryptForOtherAccounts")) == 5
    assert len(statements_with(emitted, "ReadFromOtherAccounts")) == 3
    assert len(statements_with(emitted, "DecryptForOrganization")) == 1
    assert findings(emitted) == []


def _drop_via_service(statement: dict[str, Any]) -> None:
    del statement["Condition"]["StringEquals"]["kms:ViaService"]


def _every_role_of_the_account(statement: dict[str, Any]) -> None:
    statement["Principal"]["AWS"] = ["arn:aws:iam::222222222222:role/*"]


def _wildcard_read(statement: dict[str, Any]) -> None:
    statement["Action"] = ["secretsmanager:*"]


def _organization_unpinned(statement: dict[str, Any]) -> None:
    del statement["Condition"]["StringEquals"]["aws:PrincipalOrgID"]
    del statement["Condition"]["ForAnyValue:StringLike"]


@pytest.mark.parametrize(
    ("sid", "break_it", "reported"),
    [
        ("DecryptForOtherAccounts", _drop_via_service, "no kms:ViaService"),
        ("ReadFromOtherAccounts", _every_role_of_the_account, "named exactly"),
        ("ReadFromOtherAccounts", _wildcard_read, "wildcard actions secretsmanager:*"),
        ("ReadFromOrganization", _organization_unpinned, "needs a condition on aws:PrincipalOrgID"),
    ],
)
def test_one_hand_broken_statement_is_one_violation(
    emitted: list[Resource], sid: str, break_it: Callable[[dict[str, Any]], None], reported: str
) -> None:
    broken = copy.deepcopy(emitted)
    index, _ = statements_with(broken, sid)[0]
    type_, name, props = broken[index]
    document = json.loads(props["policy"])
    statement = next(s for s in document["Statement"] if s.get("Sid") == sid)
    break_it(statement)
    broken[index] = (type_, name, {**props, "policy": json.dumps(document)})
    found = findings(broken)
    assert len(found) == 1, found
    assert found[0].startswith(f"policy: {sid}: "), found
    assert reported in found[0], found
