"""`secretkit compare` and `secretkit cost`: monthly prices of secrets, at a region's list
prices, as a table or as JSON."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from secretkit.cli_common import CliError, money, one_line, only_aws_region, write_json
from secretkit.costs.pricing import RegionalPrices

if TYPE_CHECKING:
    from secretkit.costs.cost import Rates
    from secretkit.program import ProgramRun, StackConfig
    from secretkit.project import Project


def prices_document(regional: RegionalPrices) -> dict[str, Any]:
    """The "prices" member of the --json documents of cost and compare."""
    from secretkit.costs.pricing import AS_OF, LIST_PRICE_REGION  # noqa: PLC0415

    return {
        "region": regional.region,
        "known": regional.known,
        "prices_of": regional.region if regional.known else LIST_PRICE_REGION,
        "as_of": AS_OF,
        "note": regional.note,
    }


def non_negative(*flags: tuple[str, float | None]) -> None:
    """Refuse a negative count or rate, naming its option."""
    for flag, value in flags:
        if value is not None and value < 0:
            raise CliError(f"{flag} {value:g} is invalid: it must be 0 or more")


def at_most_reads(received: float | None, reads: float, reads_flag: str) -> None:
    """Refuse more configurations received than reads (each is the answer to one read)."""
    if received is not None and received > reads:
        raise CliError(
            f"--configurations-received {received:g} is invalid: it must be at most the reads "
            f"({reads_flag} {reads:g}); each configuration received answers one read"
        )


def cmd_compare(options: argparse.Namespace, out: TextIO) -> int:
    """The same values in Parameter Store, Secrets Manager and AppConfig, side by side."""
    from secretkit.costs.cost import compare  # noqa: PLC0415
    from secretkit.costs.pricing import SOURCES, prices_for  # noqa: PLC0415

    only_aws_region(options)
    non_negative(
        ("--count", options.count),
        ("--secret-requests", options.requests),
        ("--configurations-received", options.received),
    )
    at_most_reads(options.received, options.requests, "--secret-requests")
    regional = prices_for(options.region or "us-east-1")
    total_requests = options.count * options.requests
    received = None if options.received is None else options.count * options.received
    result = compare(options.count, total_requests, regional.prices, received)
    if options.json:
        write_json(
            out,
            {
                "count": options.count,
                "secret_requests": options.requests,
                "total_requests": total_requests,
                "configurations_received": result.received,
                "prices": prices_document(regional),
                "monthly": {
                    "parameter_store_standard": result.parameter_store,
                    "parameter_store_advanced": result.parameter_store_advanced,
                    "secrets_manager": result.secrets_manager,
                    "appconfig": result.appconfig,
                },
            },
        )
        return 0
    out.write(f"{'Service':<16} {'Count':>6} {'Reads/item':>13} {'Reads':>12} {'Price':>9}\n")
    for service, price in (
        ("Parameter Store", result.parameter_store),
        ("Secrets Manager", result.secrets_manager),
        ("AppConfig", result.appconfig),
    ):
        out.write(
            f"{service:<16} {options.count:>6} {options.requests:>13,.0f} "
            f"{total_requests:>12,.0f} {money(price):>9}\n"
        )
    prices = regional.prices
    every = (
        "every read receives it (a new session per read, the most AppConfig bills)"
        if options.received is None
        else f"{result.received:,.0f} of the reads receive it"
    )
    out.write(
        f"\nMonthly, {regional.note}; sources: {', '.join(SOURCES.values())}.\n"
        "Standard parameters and their API calls at standard throughput are free (advanced "
        f"parameters: {money(result.parameter_store_advanced)} here); Secrets Manager pays off "
        "when a secret is rotated, replicated or shared across accounts.\n"
        f"AppConfig bills ${prices.appconfig_request:.7f} per request and "
        f"${prices.appconfig_received:.4f} per configuration received; here {every}. A "
        "client polling one session receives it only after a deployment "
        "(--configurations-received N per item). AppConfig pays off for non-secret values that "
        "change at run time (validation, staged rollout, rollback): DynamicParameter.\n"
    )
    return 0


@dataclass(frozen=True)
class LocatedRun:
    """A project's program, run under the mocks with its stack's settings."""

    project: Project
    config: StackConfig
    shown: Path
    """The program as messages show it (relative to the working directory when inside it)."""
    run: ProgramRun


def run_located_program(
    options: argparse.Namespace,
    *,
    fill_missing_secrets: str,
    overrides: dict[str, str] | None = None,
) -> LocatedRun:
    """Locate the project and stack ``options.program`` and ``options.stack`` name, load the
    stack's settings (``overrides`` on top; a secret setting without a value gets
    ``fill_missing_secrets``) and run the program under the mocks: what `cost` and `rotations`
    both need. Every failure, the program's own included, is a one-line CliError."""
    from secretkit.program import load_stack_config, run_program  # noqa: PLC0415
    from secretkit.project import ProjectError, locate  # noqa: PLC0415

    try:
        project = locate(options.program, options.stack)
    except ProjectError as error:
        raise CliError(str(error)) from None
    config = load_stack_config(
        project.directory,
        project.stack,
        overrides=overrides,
        fill_missing_secrets=fill_missing_secrets,
    )
    shown = project.program.resolve()
    if shown.is_relative_to(Path.cwd()):
        shown = shown.relative_to(Path.cwd())
    try:
        run = run_program(project.program, config, stack=project.stack, project=project.name)
    except Exception as error:  # the program's own error, or a component refusing its input
        raise CliError(f"{shown} stopped: {type(error).__name__}: {one_line(error)}") from None
    return LocatedRun(project, config, shown, run)


def stack_region(options: argparse.Namespace, config_region: str | None) -> str | None:
    """--region, else the stack's aws:region, else the environment's (as pulumi-aws reads it)."""
    return (
        options.region
        or config_region
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
    )


def appconfig_rates(rates: Rates) -> str:
    """The AppConfig reads in cost's first line, when any were given."""
    if not rates.configuration_requests:
        return ""
    return (
        f", {rates.configuration_requests:,.0f} per configuration profile "
        f"({rates.received:,.0f} receiving it)"
    )


def cmd_cost(options: argparse.Namespace, out: TextIO) -> int:
    """Each component's monthly cost in a program, the total, and the advisor's findings."""
    from secretkit.costs.advisor import ValueChanges, advise  # noqa: PLC0415
    from secretkit.costs.cost import Rates, stack_cost  # noqa: PLC0415
    from secretkit.costs.pricing import prices_for  # noqa: PLC0415
    from secretkit.embedded.mocks import ACCOUNT_ID  # noqa: PLC0415
    from secretkit.resources import from_registrations  # noqa: PLC0415

    only_aws_region(options)
    non_negative(
        ("--secret-requests", options.secret_requests),
        ("--parameter-requests", options.parameter_requests),
        ("--configuration-requests", options.configuration_requests),
        ("--configurations-received", options.configurations_received),
        ("--changes-per-month", options.changes_per_month),
    )
    at_most_reads(
        options.configurations_received, options.configuration_requests, "--configuration-requests"
    )
    located = run_located_program(
        options,
        fill_missing_secrets="cost-placeholder",
        overrides={"aws:region": options.region} if options.region else None,
    )
    project, config, shown, run = located.project, located.config, located.shown, located.run
    regional = prices_for(stack_region(options, config.values.get("aws:region")))
    resources = from_registrations(run.registrations)
    rates = Rates(
        options.secret_requests,
        options.parameter_requests,
        options.configuration_requests,
        options.configurations_received,
    )
    cost = stack_cost(resources, rates, regional.prices)
    changes = ValueChanges(rates.configuration_requests, rates.received, options.changes_per_month)
    findings = advise(resources, ACCOUNT_ID, rates.secret_requests, regional.prices, changes)
    if options.json:
        write_json(
            out,
            {
                "program": str(shown),
                "project": project.name,
                "stack": project.stack,
                "stack_file": str(project.stack_file) if project.stack_file else None,
                "prices": prices_document(regional),
                "rates": {
                    "secret_requests": rates.secret_requests,
                    "parameter_requests": rates.parameter_requests,
                    "configuration_requests": rates.configuration_requests,
                    "configurations_received": rates.received,
                    "changes_per_month": options.changes_per_month,
                },
                "components": [
                    {"name": c.name, "type": c.type, "total": c.total, "lines": c.lines}
                    for c in cost.components
                ],
                "kms_request_cost": cost.kms_request_cost,
                "total": cost.total,
                "findings": [
                    {
                        "rule": f.rule,
                        "resource": f.resource,
                        "message": f.message,
                        "monthly_saving": f.monthly_saving,
                    }
                    for f in findings
                ],
                "possible_saving": sum(f.monthly_saving for f in findings),
            },
        )
        return 0
    settings = "" if project.stack_file else f", no Pulumi.{project.stack}.yaml: defaults only"
    out.write(
        f"Monthly cost of {shown} (stack {project.stack}{settings}) at "
        f"{rates.secret_requests:,.0f} reads per secret and {rates.parameter_requests:,.0f} per "
        f"parameter{appconfig_rates(rates)}, {regional.note}:\n"
    )
    for component in cost.components:
        label = f"{component.name} ({component.type})" if component.type else component.name
        out.write(f"  {label:<52} ${component.total:>8,.2f}\n")
        for line, amount in component.lines.items():
            if amount:
                out.write(f"      {line:<48} ${amount:>8,.2f}\n")
    if cost.kms_request_cost:
        out.write(f"  {'KMS requests beyond the free tier':<52} ${cost.kms_request_cost:>8,.2f}\n")
    out.write(f"  {'total':<52} ${cost.total:>8,.2f}\n")
    out.write(f"\nAdvisor: {len(findings)} finding(s)\n")
    for finding in findings:
        out.write(f"  [{finding.rule}] {finding.resource}: {finding.message}\n")
    if findings:
        saving = sum(f.monthly_saving for f in findings)
        out.write(f"  possible saving: ${saving:,.2f}/month\n")
    return 0
