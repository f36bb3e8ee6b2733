"""Entry point the Pulumi CLI runs for ``pulumi preview --policy-pack policy``.

The CLI starts the pack with ``python -m pulumi.policy <engine> <this directory>``, which runs this
file with only ``policy/`` on ``sys.path``. The policies reuse the repository's own checks
(``secretkit`` and its components), so the repository root is put on ``sys.path`` here, found from
this file's location rather than the working directory. That is the robust choice over
installing this repository into the pack's virtualenv: the pack always checks with the same code
as the checkout it previews (no stale installed copy, no build step), and it works from any
working directory. ``requirements.txt`` installs what that code imports (``-r
../requirements.txt``, which pip resolves relative to the requirements file) plus
pulumi-policy. The pack therefore runs from a checkout of this repository; to publish it to
Pulumi Cloud, copy ``components``, ``rotation_handlers`` and ``secretkit`` (whose ``components``
link names the first) into the pack first.

``PolicyPack(...)`` starts the gRPC server the engine talks to and never returns, so nothing
else belongs in this file: the policies are importable (and tested) without it.
"""

import sys
from pathlib import Path

REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from policy.secretkit_policies import POLICIES  # noqa: E402

PolicyPack(
    name="secretkit",
    policies=POLICIES,
    enforcement_level=EnforcementLevel.MANDATORY,
    description="secretkit's house rules for AWS secrets: least-privilege IAM and KMS, rotation "
    "within AWS's bounds, customer managed keys for shared secrets, and cost advice.",
)
