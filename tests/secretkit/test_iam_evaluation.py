"""The IAM decision the embedded AWS applies to secrets: Deny wins, an Allow from an identity or
a resource policy grants (both, for a caller of another account), conditions follow IAM's rules
for absent keys, and anything it cannot decide is refused loudly."""

from __future__ import annotations

from typing import Any

import pytest

from secretkit.components.iam.least_privilege import iam_pattern
from secretkit.embedded.iam_evaluation import (
    Request,
    UnsupportedPolicy,
    is_allowed,
    is_allowed_across_accounts,
)

ROLE = "arn:aws:iam::123456789012:role/rotation-1a2b3c4"
SESSION = "arn:aws:sts::123456789012:assumed-role/rotation-1a2b3c4/fn"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app/db-AbCdEf"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:shared-rotation"
KEY = "secretsmanager:resource/AllowRotationLambdaArn"


def request(action: str = "secretsmanager:GetSecretValue", **extra: Any) -> Request:
    return Request(principal_arns=[SESSION, ROLE], action=action, resource=SECRET, **extra)


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(**fields: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": SECRET,
        **fields,
    }


def test_nothing_granted_is_refused() -> None:
    assert not is_allowed(request(), [])


def test_an_identity_allow_grants_and_a_deny_anywhere_wins() -> None:
    assert is_allowed(request(), [policy(allow())])
    deny = {**allow(), "Effect": "Deny"}
    assert not is_allowed(request(), [policy(allow())], [policy({**deny, "Principal": "*"})])
    assert not is_allowed(request(), [policy(allow(), deny)])


def test_a_resource_policy_grants_only_the_principal_it_names() -> None:
    assert is_allowed(request(), [], [policy(allow(Principal={"AWS": ROLE}))])
    assert is_allowed(request(), [], [policy(allow(Principal={"AWS": [SESSION]}))])
    other = "arn:aws:iam::123456789012:role/someone-else"
    assert not is_allowed(request(), [], [policy(allow(Principal={"AWS": other}))])
    # The account's root delegates to identity policies: by itself it grants nobody.
    root = "arn:aws:iam::123456789012:root"
    assert not is_allowed(request(), [], [policy(allow(Principal={"AWS": root}))])
    assert not is_allowed(
        request(), [], [policy(allow(Principal={"Service": "lambda.amazonaws.com"}))]
    )


def test_actions_match_without_case_and_resources_with_iams_wildcards() -> None:
    assert is_allowed(request(), [policy(allow(Action="SecretsManager:getsecretvalue"))])
    pattern = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app/db-??????"
    assert is_allowed(request(), [policy(allow(Resource=[pattern]))])
    longer = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-??????"
    assert not is_allowed(request(), [policy(allow(Resource=longer))])
    assert not is_allowed(request("secretsmanager:PutSecretValue"), [policy(allow())])
    assert iam_pattern("a?c").match("abc")
    assert not iam_pattern("a?c").match("abbc")
    assert not iam_pattern("a.c").match("abc")  # '.' is literal


def test_not_action_and_not_resource() -> None:
    everything_but_put = allow(Action=None, NotAction="secretsmanager:PutSecretValue")
    del everything_but_put["Action"]
    assert is_allowed(request(), [policy(everything_but_put)])
    assert not is_allowed(request("secretsmanager:PutSecretValue"), [policy(everything_but_put)])
    elsewhere = allow(NotResource=SECRET)
    del elsewhere["Resource"]
    assert not is_allowed(request(), [policy(elsewhere)])


def test_the_rotation_function_condition() -> None:
    granted = allow(Principal={"AWS": ROLE}, Condition={"StringEquals": {KEY: FUNCTION}})
    configured = request(context={KEY: FUNCTION})
    assert is_allowed(configured, [], [policy(granted)])
    moved = request(context={KEY: FUNCTION.replace("shared", "other")})
    assert not is_allowed(moved, [], [policy(granted)])
    unconfigured = request(absent=frozenset({KEY}))
    assert not is_allowed(unconfigured, [], [policy(granted)])


def test_absent_keys_match_negated_operators_and_if_exists() -> None:
    deny_elsewhere = {
        **allow(),
        "Effect": "Deny",
        "Condition": {"StringNotEquals": {KEY: FUNCTION}},
    }
    unconfigured = request(absent=frozenset({KEY}))
    assert not is_allowed(unconfigured, [policy(allow(), deny_elsewhere)])
    assert is_allowed(request(context={KEY: FUNCTION}), [policy(allow(), deny_elsewhere)])
    if_exists = allow(Condition={"StringEqualsIfExists": {KEY: FUNCTION}})
    assert is_allowed(unconfigured, [policy(if_exists)])
    like = allow(Condition={"StringLike": {KEY: "arn:aws:lambda:*:function:shared-*"}})
    assert is_allowed(request(context={KEY: FUNCTION}), [policy(like)])


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:PrincipalTag/team": "x"}},
        {"NumericLessThan": {KEY: "3"}},
        {"ForAnyValue:StringEquals": {KEY: FUNCTION}},
    ],
)
def test_what_it_cannot_decide_is_refused_loudly(condition: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedPolicy):
        is_allowed(request(context={KEY: FUNCTION}), [policy(allow(Condition=condition))])


def test_statements_that_do_not_concern_the_call_are_not_evaluated() -> None:
    """A KMS statement's conditions need no Secrets Manager keys."""
    kms = {
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}},
    }
    assert is_allowed(request(), [policy(kms, allow())])


FOREIGN_ROLE = "arn:aws:iam::222222222222:role/reader"
FOREIGN_SESSION = "arn:aws:sts::222222222222:assumed-role/reader/app"


def foreign(*, identity: bool, resource: list[dict[str, Any]]) -> bool:
    """The decision for a reader of account 222222222222 on SECRET (account 123456789012)."""
    call = Request(
        principal_arns=[FOREIGN_SESSION, FOREIGN_ROLE],
        action="secretsmanager:GetSecretValue",
        resource=SECRET,
    )
    identities = [policy(allow())] if identity else []
    return is_allowed_across_accounts(
        call, identities, [policy(*resource)], caller_account="222222222222"
    )


def test_another_accounts_caller_needs_both_its_identity_and_the_resource_policy() -> None:
    named = allow(Principal={"AWS": FOREIGN_ROLE})
    assert foreign(identity=True, resource=[named])
    assert not foreign(identity=False, resource=[named])
    assert not foreign(identity=True, resource=[])
    assert not foreign(identity=True, resource=[allow(Principal={"AWS": ROLE})])
    assert not foreign(identity=True, resource=[named, {**named, "Effect": "Deny"}])


def test_naming_another_account_names_each_of_its_principals() -> None:
    for account in ("arn:aws:iam::222222222222:root", "222222222222"):
        assert foreign(identity=True, resource=[allow(Principal={"AWS": account})])
        assert not foreign(identity=False, resource=[allow(Principal={"AWS": account})])
    third = allow(Principal={"AWS": "arn:aws:iam::333333333333:root"})
    assert not foreign(identity=True, resource=[third])
