"""The policy documents a secretkit component produced, and the grants a role received, as plain
dicts and lists (Outputs resolved), for assertions in a consumer's unit tests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pulumi

ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
MANAGED_POLICY = "aws:iam/policy:Policy"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"
KEYS = ("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey")

Document = dict[str, Any]
"""An IAM policy document, parsed: {"Version": ..., "Statement": [...]}."""
Statement = dict[str, Any]
"""One statement of a document, with "Action" and "Resource" always lists."""


def descendants(component: pulumi.Resource) -> list[pulumi.Resource]:
    """Every resource registered with ``component`` as its parent, or as a parent's parent, in
    a stable order (by type, then name)."""
    found: list[pulumi.Resource] = []
    # Pulumi's Resource keeps the resources whose parent it is in _childResources, which the SDK
    # offers no public accessor for (pulumi/resource.py, Resource.__init__: "Add this resource
    # to its parent's set of child resources. opts.parent._childResources.add(self)").
    # tests/secretkit/test_testing.py fails if a Pulumi upgrade changes it.
    pending = list(component._childResources)
    while pending:
        resource = pending.pop()
        found.append(resource)
        pending.extend(resource._childResources)
    return sorted(found, key=lambda r: (r.pulumi_resource_type, r.pulumi_resource_name))


def _of_type(components: Iterable[pulumi.Resource], *types: str) -> list[pulumi.Resource]:
    return [r for c in components for r in descendants(c) if r.pulumi_resource_type in types]


def _shown(resource: pulumi.Resource) -> str:
    return f"{resource.pulumi_resource_type.rsplit(':', 1)[-1]} '{resource.pulumi_resource_name}'"


def _output(resource: pulumi.Resource, attribute: str) -> pulumi.Output[Any]:
    value = getattr(resource, attribute, None)
    if not isinstance(value, pulumi.Output):
        raise TypeError(f"{_shown(resource)} has no output {attribute!r}")
    return value


def _parsed(resource: pulumi.Resource, text: Any) -> Document:
    """A policy attribute's value (JSON text) as a dict."""
    document = json.loads(text) if isinstance(text, str) else text
    if not isinstance(document, dict):
        raise TypeError(f"{_shown(resource)}'s policy is not a JSON object: {text!r}")
    return document


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def statements(document: Document) -> list[Statement]:
    """The document's statements, with "Action", "NotAction", "Resource" and "NotResource"
    made lists where present (IAM allows a single string)."""
    found = []
    for statement in _listed(document.get("Statement", [])):
        normal = dict(statement)
        for key in ("Action", "NotAction", "Resource", "NotResource"):
            if key in normal:
                normal[key] = _listed(normal[key])
        found.append(normal)
    return found


def _role_name(role: str) -> str:
    """A role's name from its name or ARN (arn:aws:iam::<account>:role/<path>/<name>)."""
    return role.rsplit("/", 1)[-1] if role.startswith("arn:") else role


def identity_policies(*components: pulumi.Resource) -> pulumi.Output[dict[str, list[Document]]]:
    """Role name -> the identity policy documents ``components`` gave that role: their inline
    policies (aws.iam.RolePolicy: the rotation function's own, each reader's grant) and the
    managed policies they created and attached (aws.iam.Policy + RolePolicyAttachment)."""
    inline = [_role_and_document(p, "role") for p in _of_type(components, ROLE_POLICY)]
    managed = [_role_and_document(p, "arn") for p in _of_type(components, MANAGED_POLICY)]
    attached = [
        pulumi.Output.all(_output(a, "role"), _output(a, "policy_arn"))
        for a in _of_type(components, ROLE_POLICY_ATTACHMENT)
    ]
    everything = pulumi.Output.all(
        pulumi.Output.all(*inline),
        pulumi.Output.all(*managed),
        pulumi.Output.all(*attached),
    )
    return everything.apply(lambda parts: _by_role(*parts))


def _role_and_document(
    resource: pulumi.Resource, attribute: str
) -> pulumi.Output[tuple[str, Document]]:
    """(the resource's ``attribute``, its policy document), once both are known."""

    def row(values: list[Any]) -> tuple[str, Document]:
        return str(values[0]), _parsed(resource, values[1])

    return pulumi.Output.all(_output(resource, attribute), _output(resource, "policy")).apply(row)


def _by_role(
    inline: list[tuple[str, Document]],
    managed: list[tuple[str, Document]],
    attached: list[list[str]],
) -> dict[str, list[Document]]:
    by_arn = dict(managed)
    result: dict[str, list[Document]] = {}
    for role, document in inline:
        result.setdefault(_role_name(role), []).append(document)
    for role, policy_arn in attached:
        if policy_arn in by_arn:  # a policy the components did not create is not theirs
            result.setdefault(_role_name(str(role)), []).append(by_arn[policy_arn])
    return result


def grants_of(
    role: pulumi.Input[str] | pulumi.Resource, *components: pulumi.Resource
) -> pulumi.Output[list[Statement]]:
    """The statements ``components`` granted ``role`` (its name, ARN, or the aws.iam.Role),
    through the identity policies they attached to it (identity_policies), in one list.

    Only the resources of ``components`` are searched (a program's resources cannot all be
    listed: the SDK records a resource's children, not the stack's), and ``role`` is matched
    there by name.
    """
    if not components:
        raise TypeError("grants_of needs the components whose grants to list")
    name: pulumi.Input[str] = _output(role, "name") if isinstance(role, pulumi.Resource) else role
    return pulumi.Output.all(name, identity_policies(*components)).apply(
        lambda parts: [
            statement
            for document in parts[1].get(_role_name(str(parts[0])), [])
            for statement in statements(document)
        ]
    )


def resource_policy(component: pulumi.Resource) -> pulumi.Output[Document | None]:
    """The resource policy ``component`` gave its secret (an aws.secretsmanager.SecretPolicy,
    or the policy set on the secret itself); None when it gave none."""
    found = _of_type([component], SECRET_POLICY)
    if len(found) > 1:
        raise ValueError(f"{_shown(component)} registered {len(found)} secret policies")
    if found:
        policy = found[0]
        return _output(policy, "policy").apply(lambda text: _parsed(policy, text))
    secrets = _of_type([component], SECRET)
    if len(secrets) > 1:
        raise ValueError(f"{_shown(component)} registered {len(secrets)} secrets")
    if not secrets:
        return pulumi.Output.from_input(None)
    secret = secrets[0]
    return _output(secret, "policy").apply(lambda text: _parsed(secret, text) if text else None)


def key_policies(component: pulumi.Resource) -> pulumi.Output[dict[str, Document]]:
    """Resource name -> key policy of each KMS key ``component`` created (aws.kms.Key and, for
    replicas in other regions, aws.kms.ReplicaKey); empty when it uses a given key."""
    keys = _of_type([component], *KEYS)
    rows = [_name_and_document(key) for key in keys]
    return pulumi.Output.all(*rows).apply(dict)


def _name_and_document(resource: pulumi.Resource) -> pulumi.Output[tuple[str, Document]]:
    def row(text: Any) -> tuple[str, Document]:
        return resource.pulumi_resource_name, _parsed(resource, text)

    return _output(resource, "policy").apply(row)


def key_policy(component: pulumi.Resource) -> pulumi.Output[Document]:
    """The key policy of the one KMS key ``component`` created; raises ValueError when it
    created none (it uses a given key) or several (key_policies lists them)."""
    keys = _of_type([component], *KEYS)
    if len(keys) != 1:
        names = [key.pulumi_resource_name for key in keys]
        raise ValueError(
            f"{_shown(component)} created {len(keys)} KMS keys {names}, not one: use key_policies"
        )
    key = keys[0]
    return _output(key, "policy").apply(lambda text: _parsed(key, text))
