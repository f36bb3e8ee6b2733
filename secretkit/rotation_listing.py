"""`secretkit rotations`: every rotating secret of a program (found by running it under the
mocks, as `cost` does) with its rotation state in AWS; non-zero exit when any needs attention."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from secretkit.cli_common import write_json
from secretkit.resources import SECRET, SECRET_ROTATION, ResourceView, component_of

#: The exit code when a secret is overdue, stuck or missing (1 stays "the command failed").
NEEDS_ATTENTION = 3
#: The states that make the exit code NEEDS_ATTENTION.
BAD_STATES = ("overdue", "stuck", "missing")


@dataclass(frozen=True)
class RotatedSecret:
    """A secret the program rotates: its AWS name (None when Pulumi auto-names it, so the
    deployed name cannot be known from the program) and the component it belongs to."""

    logical: str
    name: str | None
    component: str | None
    component_type: str | None


def rotated_secrets(
    resources: list[ResourceView], given_names: dict[str, str]
) -> list[RotatedSecret]:
    """The secrets a SecretRotation of the program points at, by name (a secret the program did
    not create, by the ARN it gives). ``given_names``: URN -> the name the program gave (the
    mocks answer an auto-name for the others, which the deployment would not share)."""
    by_urn = {view.urn: view for view in resources}
    secrets = {
        key: view
        for view in resources
        if view.type == SECRET
        for key in (view.prop("arn"), view.prop("id"), view.prop("name"))
        if key
    }
    found: dict[str, RotatedSecret] = {}
    for rotation in resources:
        if rotation.type != SECRET_ROTATION:
            continue
        secret_id = rotation.prop("secretId")
        secret = secrets.get(secret_id)
        if secret is None and isinstance(secret_id, str) and ":secret:" in secret_id:
            # A secret created elsewhere (ExistingSecret): the program names it by its ARN.
            component = component_of(rotation, by_urn)
            found[secret_id] = RotatedSecret(
                logical=rotation.name,
                name=secret_id,
                component=component.name if component else None,
                component_type=component.type.rsplit(":", 1)[-1] if component else None,
            )
            continue
        if secret is None or secret.urn in found:
            continue
        component = component_of(secret, by_urn)
        found[secret.urn] = RotatedSecret(
            logical=secret.name,
            name=given_names.get(secret.urn),
            component=component.name if component else None,
            component_type=component.type.rsplit(":", 1)[-1] if component else None,
        )
    return sorted(found.values(), key=lambda secret: (secret.name or "~", secret.logical))


@dataclass(frozen=True)
class StatusTools:
    """What the listing borrows from `secretkit status` (secretkit.cli passes them in, so that
    this module does not import the CLI back)."""

    client: Callable[[argparse.Namespace], Any]
    report: Callable[[Any, dict[str, Any]], dict[str, Any]]
    when: Callable[[Any], str]


def list_rotations(options: argparse.Namespace, out: TextIO, tools: StatusTools) -> int:
    """List the program's rotating secrets with their state in AWS."""
    from secretkit.cost_commands import run_located_program, stack_region  # noqa: PLC0415
    from secretkit.resources import from_registrations  # noqa: PLC0415

    located = run_located_program(options, fill_missing_secrets="rotations-placeholder")
    project, config, shown, run = located.project, located.config, located.shown, located.run
    region = stack_region(options, config.values.get("aws:region"))
    client = tools.client(argparse.Namespace(**{**vars(options), "region": region}))
    given = {r.urn: str(r.plain_inputs["name"]) for r in run.registrations if r.inputs.get("name")}
    secrets = rotated_secrets(from_registrations(run.registrations), given)
    rows = [row_of(client, secret, tools.report) for secret in secrets]
    bad = [row for row in rows if row["state"] in BAD_STATES]
    if options.json:
        write_json(
            out,
            {
                "program": str(shown),
                "project": project.name,
                "stack": project.stack,
                "region": region,
                "secrets": rows,
                "needs_attention": len(bad),
            },
        )
    else:
        write_table(out, shown, project.stack, rows, tools.when)
    return NEEDS_ATTENTION if bad else 0


def row_of(
    client: Any, secret: RotatedSecret, status_report: Callable[[Any, dict[str, Any]], Any]
) -> dict[str, Any]:
    """One secret's line: its state, and the status document when it exists in AWS."""
    row: dict[str, Any] = {
        "name": secret.name,
        "logical_name": secret.logical,
        "component": secret.component,
        "component_type": secret.component_type,
        "state": "unknown name",
        "status": None,
    }
    if secret.name is None:
        return row
    try:
        described = client.describe_secret(SecretId=secret.name)
    except Exception as error:
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        if code != "ResourceNotFoundException":
            raise
        return {**row, "state": "missing"}
    report = status_report(client, described)
    return {**row, "state": report["state"], "status": report}


def write_table(
    out: TextIO, shown: Path, stack: str, rows: list[dict[str, Any]], when: Callable[[Any], str]
) -> None:
    """The text form: one line per secret."""
    bad = len([row for row in rows if row["state"] in BAD_STATES])
    out.write(f"Rotating secrets of {shown} (stack {stack}): {len(rows)}\n")
    out.write(f"  {'secret':<36} {'state':<13} {'age (days)':>10}  {'due by':<24} component\n")
    for row in rows:
        status = row["status"] or {}
        rotation = status.get("rotation", {})
        age = status.get("current_age_days")
        component = f"{row['component']} ({row['component_type']})" if row["component"] else "-"
        out.write(
            f"  {row['name'] or row['logical_name']:<36} {row['state']:<13} "
            f"{'-' if age is None else f'{age:g}':>10}  {when(rotation.get('due_by')):<24} "
            f"{component}\n"
        )
    out.write(f"{bad} need attention (overdue, stuck or missing)\n" if bad else "All on schedule\n")
