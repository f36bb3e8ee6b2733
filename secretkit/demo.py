"""`make demo`: evaluate the reference stack under mocks and print its resources and grants."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from components.least_privilege import violations
from secretkit.mocks import Registration, unwrap
from secretkit.program import PROJECT_DIR, ProgramRun, load_stack_config, run_program

#: Policy-bearing inputs per resource type, and whether the document is a key policy.
POLICY_INPUTS = {
    "aws:iam/rolePolicy:RolePolicy": ("policy", False),
    "aws:iam/policy:Policy": ("policy", False),
    "aws:kms/key:Key": ("policy", True),
    "aws:sns/topicPolicy:TopicPolicy": ("policy", False),
}
#: Demo stand-ins for values that only live encrypted in a real stack's config.
PLACEHOLDER_SECRETS = {"parameterValue": "demo-placeholder-not-a-secret"}


def short_type(type_: str) -> str:
    """aws:secretsmanager/secret:Secret -> secretsmanager.Secret."""
    if type_.startswith("aws:"):
        module, _, kind = type_[4:].partition(":")
        return f"{module.split('/')[0]}.{kind}"
    return type_.rsplit(":", maxsplit=1)[-1] if ":" in type_ else type_


def print_tree(run: ProgramRun, out: TextIO) -> None:
    """Components with their children, indented; top-level resources after."""
    children: dict[str, list[Registration]] = {}
    for reg in run.registrations:
        children.setdefault(reg.parent, []).append(reg)
    urns = {reg.urn for reg in run.registrations}
    roots = [reg for reg in run.registrations if reg.parent not in urns]

    def walk(reg: Registration, depth: int) -> None:
        out.write(f"  {'  ' * depth}{'- ' if depth else ''}{reg.name:<32} {short_type(reg.type)}\n")
        for child in children.get(reg.urn, []):
            walk(child, depth + 1)

    for root in sorted(roots, key=lambda r: (r.custom, r.name)):
        walk(root, 0)


def _describe_statement(stmt: dict[str, Any]) -> list[str]:
    actions = stmt.get("Action", [])
    actions = actions if isinstance(actions, list) else [actions]
    resources = stmt.get("Resource", [])
    resources = resources if isinstance(resources, list) else [resources]
    lines = textwrap.wrap(
        f"{stmt.get('Sid', '?')}: {', '.join(actions)}", width=96, subsequent_indent="      "
    )
    principal = stmt.get("Principal")
    if principal:
        lines.append(f"    principal {json.dumps(principal)}")
    lines.extend(f"    on {resource}" for resource in resources)
    for operator, values in (stmt.get("Condition") or {}).items():
        for key, value in values.items():
            lines.append(f"    if {key} {operator} {value}")
    return lines


def print_grants(run: ProgramRun, out: TextIO) -> list[str]:
    """Every policy document the stack creates; returns least-privilege violations."""
    problems: list[str] = []
    for reg in run.registrations:
        spec = POLICY_INPUTS.get(reg.type)
        if spec is None:
            continue
        key, is_key_policy = spec
        raw = unwrap(reg.inputs.get(key))
        if not raw:
            continue
        document = json.loads(raw)
        target = unwrap(reg.inputs.get("role")) or reg.name
        out.write(f"\n  {short_type(reg.type)} {reg.name} (applies to {target})\n")
        for stmt in document.get("Statement", []):
            for line in _describe_statement(stmt):
                out.write(f"    {line}\n")
        problems.extend(f"{reg.name}: {v}" for v in violations(document, key_policy=is_key_policy))
    return problems


def print_outputs(run: ProgramRun, out: TextIO) -> None:
    """Stack outputs; secret outputs are never shown."""
    width = max((len(k) for k in run.outputs), default=0)
    for key, output in sorted(run.outputs.items()):
        shown = "[secret]" if output.secret else output.value
        out.write(f"  {key:<{width}}  {shown}\n")


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Evaluate the program and print the report; exit 1 if a grant breaks least privilege."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--program", type=Path, default=PROJECT_DIR / "__main__.py")
    parser.add_argument("--stack", default="dev", help="stack whose Pulumi.<stack>.yaml to use")
    options = parser.parse_args(argv)
    project_dir = options.program.resolve().parent
    config = load_stack_config(project_dir, options.stack, secret_overrides=PLACEHOLDER_SECRETS)
    out.write(
        f"secretkit demo: {options.program} (stack {options.stack}) evaluated under Pulumi mocks.\n"
        "No AWS account or Pulumi CLI is used; `pulumi preview` shows the same plan for real.\n\n"
    )
    run = run_program(options.program, config, stack=options.stack)
    out.write(f"Resources ({len(run.registrations)}):\n")
    print_tree(run, out)
    out.write("\nGrants:\n")
    problems = print_grants(run, out)
    out.write("\nStack outputs:\n")
    print_outputs(run, out)
    out.write("\nLeast privilege: ")
    if problems:
        out.write(f"{len(problems)} violation(s)\n")
        for problem in problems:
            out.write(f"  ! {problem}\n")
        return 1
    out.write(
        "no wildcard actions, no Resource '*' beyond key policies, every KMS use "
        "scoped by kms:ViaService.\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
