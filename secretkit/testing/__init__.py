"""Unit-testing a stack that uses secretkit: Pulumi mocks that answer what the components ask
of AWS (SecretkitMocks), and the policies and grants the components produced, as plain values.

Light to import: Pulumi only (no moto, no embedded AWS). See docs/testing.md.
"""

from secretkit.testing.aws_answers import ACCOUNT_ID, NEEDED_INVOKES, PARTITION, REGION
from secretkit.testing.mocks import EchoMocks, SecretkitMocks
from secretkit.testing.policies import (
    Document,
    Statement,
    grants_of,
    identity_policies,
    key_policies,
    key_policy,
    resource_policy,
    statements,
)

__all__ = [
    "ACCOUNT_ID",
    "NEEDED_INVOKES",
    "PARTITION",
    "REGION",
    "Document",
    "EchoMocks",
    "SecretkitMocks",
    "Statement",
    "grants_of",
    "identity_policies",
    "key_policies",
    "key_policy",
    "resource_policy",
    "statements",
]
