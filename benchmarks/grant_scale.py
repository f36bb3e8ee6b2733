"""Section 6: how many secrets one role can be granted, and what each one more costs in policy
characters, with consolidated grants (components/iam/consolidated.py) against the physical
bound of IAM's limits."""

from __future__ import annotations

from typing import Any

from benchmarks.stats import ratio

#: An ordinary secret's ARN length: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:' (53)
#: and a 20-character name with Secrets Manager's '-' and six characters.
ARN_LENGTH = 80
#: Characters one ARN takes in a statement's list: its two quotes and a comma.
IN_A_LIST = 3
#: The issue's target: at least 90 % of the physical bound.
TARGET = 0.9
REGION = "us-east-1"
ACCOUNT = "123456789012"
PREFIX = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"
#: Scenarios: (description, the key of secret i).
KEYS = {
    "one key": lambda index: 0,
    "8 keys": lambda index: index % 8,
    "a key per secret": lambda index: index,
}


def secret_arn(index: int) -> str:
    name = f"app/s{index:05d}-".ljust(ARN_LENGTH - len(PREFIX) - 7, "x")
    return f"{PREFIX}{name}-AbCdEf"


def key_arn(index: int) -> str:
    return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{index:08d}-1111-2222-3333-444455556666"


def physical_bound(quota: int) -> int:
    """(10,240 + quota x 6,144) / the characters one ARN takes in a statement."""
    from secretkit.components import limits  # noqa: PLC0415 - loads Pulumi

    room = limits.IAM_INLINE_POLICIES.maximum + quota * limits.IAM_MANAGED_POLICY.maximum
    return room // (ARN_LENGTH + IN_A_LIST)


def most_granted(key_of: Any, quota: int) -> tuple[int, int]:
    """(secrets granted before a grant fits no policy, the policies they take)."""
    from secretkit.components import limits  # noqa: PLC0415 - loads Pulumi
    from secretkit.components.iam.consolidated import Packing, PackingFull  # noqa: PLC0415
    from secretkit.components.iam.reader import secret_read_policy  # noqa: PLC0415

    packing = Packing(limits.IAM_INLINE_POLICIES, limits.IAM_MANAGED_POLICY, quota)
    granted = 0
    while True:
        grant = secret_read_policy(secret_arn(granted), key_arn(key_of(granted)), REGION)
        try:
            packing.place(grant)
        except PackingFull:
            return granted, len(packing.policies)
        granted += 1


def per_additional_secret(count: int) -> int:
    """The characters (IAM's count) the ``count``-th secret on one key adds to one document."""
    from secretkit.components import limits  # noqa: PLC0415 - loads Pulumi
    from secretkit.components.iam.consolidated import merged  # noqa: PLC0415
    from secretkit.components.iam.reader import secret_read_policy  # noqa: PLC0415

    def size(n: int) -> int:
        grants = [secret_read_policy(secret_arn(i), key_arn(0), REGION) for i in range(n)]
        return limits.size(limits.IAM_INLINE_POLICIES, merged(grants))

    return size(count) - size(count - 1)


def unconsolidated() -> int:
    """How many secrets one role took before: one inline policy of one grant per secret."""
    from secretkit.components import limits  # noqa: PLC0415 - loads Pulumi
    from secretkit.components.iam.reader import secret_read_policy  # noqa: PLC0415

    one = secret_read_policy(secret_arn(0), key_arn(0), REGION)
    return limits.IAM_INLINE_POLICIES.maximum // limits.size(limits.IAM_INLINE_POLICIES, one)


def run() -> dict[str, Any]:
    """Characters per additional secret, and the most secrets one role takes per scenario and
    managed-policy quota, against the physical bound."""
    from secretkit.components.iam.consolidated import EXACT_CONTEXT_VALUES  # noqa: PLC0415

    rows = []
    for quota in (10, 20):
        bound = physical_bound(quota)
        for description, key_of in KEYS.items():
            granted, policies = most_granted(key_of, quota)
            share = ratio(granted, bound) or 0.0
            rows.append(
                {
                    "keys": description,
                    "managed_policy_quota": quota,
                    "most_secrets": granted,
                    "policies": policies,
                    "physical_bound": bound,
                    "ratio_to_bound": share,
                    "target": TARGET if description == "one key" else None,
                    "meets_target": share >= TARGET if description == "one key" else None,
                }
            )
    return {
        "arn_length": ARN_LENGTH,
        "exact_context_values": EXACT_CONTEXT_VALUES,
        "per_additional_secret_exact": per_additional_secret(EXACT_CONTEXT_VALUES),
        "per_additional_secret_prefixed": per_additional_secret(EXACT_CONTEXT_VALUES + 20),
        "unconsolidated_most_secrets": unconsolidated(),
        "rows": rows,
    }
