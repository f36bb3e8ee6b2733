"""The `secretkit` command: rotate, cancel a rotation, inspect a secret, run the demo."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TextIO

from rotation_handlers.protocol import (
    CURRENT,
    PENDING,
    PREVIOUS,
    STRATEGY_TAG,
    Strategy,
    run_step,
    version_entries,
)
from secretkit.components import strategies
from secretkit.embedded.rotation_emulator import RotationFailed, StepAttempt, emulate_rotation


class CliError(Exception):
    """A problem to report in one line, with a non-zero exit."""


def secretsmanager_client(options: argparse.Namespace) -> Any:
    """A Secrets Manager client for the configured profile, region and endpoint."""
    import boto3  # noqa: PLC0415 - only commands that talk to AWS pay for the import

    session = boto3.session.Session(profile_name=options.profile, region_name=options.region)
    return session.client("secretsmanager", endpoint_url=options.endpoint_url)


def load_strategy(module_name: str) -> Strategy:
    """The Strategy behind a handler module's lambda_handler (see protocol.handler_for)."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        raise CliError(f"cannot import handler module {module_name!r}: {error}") from None
    strategy = getattr(getattr(module, "lambda_handler", None), "strategy", None)
    if not isinstance(strategy, Strategy):
        raise CliError(
            f"{module_name}.lambda_handler was not made with rotation_handlers.protocol."
            "handler_for(...), so its strategy cannot be run in-process"
        )
    return strategy


def strategy_module(options: argparse.Namespace, described: dict[str, Any]) -> str:
    """--handler, else --strategy, else the secret's secretkit:strategy tag."""
    if options.handler:
        return str(options.handler)
    name: str | None = options.strategy
    if name is None:
        name = strategy_tag(described)
        if name is None:
            raise CliError(
                f"{described['ARN']} has no {STRATEGY_TAG} tag; name the strategy with "
                "--strategy or the module with --handler"
            )
        if name.startswith(strategies.CUSTOM_TAG_PREFIX):
            return name.removeprefix(strategies.CUSTOM_TAG_PREFIX)
    if name not in strategies.SECRET_STRATEGIES:
        known = ", ".join(strategies.SECRET_STRATEGIES)
        raise CliError(f"unknown strategy {name!r}; known: {known}")
    return strategies.REGISTRY[name].import_path


def cmd_rotate(options: argparse.Namespace, out: TextIO) -> int:
    client = secretsmanager_client(options)
    described = client.describe_secret(SecretId=options.secret)
    if options.aws:
        return follow_aws_rotation(client, described, options, out)
    module = strategy_module(options, described)
    strategy = load_strategy(module)
    out.write(f"Rotating {described['ARN']} in-process with {module} (emulated orchestration)\n")

    def run(event: dict[str, str], step_client: Any) -> None:
        run_step(strategy, event, client=step_client)

    def report(attempt: StepAttempt) -> None:
        status = "ok" if attempt.error is None else f"failed: {attempt.error}"
        out.write(f"  {attempt.step:<13} attempt {attempt.attempt}  {status}\n")

    try:
        rotation = emulate_rotation(
            client,
            described["ARN"],
            run,
            max_attempts=options.max_attempts,
            first_delay=options.first_delay,
            on_attempt=report,
        )
    except RotationFailed as failure:
        raise CliError(f"rotation failed: {failure}") from None
    out.write(f"Version {rotation.token} is now AWSCURRENT\n")
    return 0


def follow_aws_rotation(
    client: Any,
    described: dict[str, Any],
    options: argparse.Namespace,
    out: TextIO,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """RotateSecret, then watch the new version until it is AWSCURRENT or time runs out."""
    arn = described["ARN"]
    if not described.get("RotationEnabled") and not described.get("RotationLambdaARN"):
        raise CliError(f"{arn} has no rotation configured; deploy its RotatingSecret first")
    token = client.rotate_secret(SecretId=arn)["VersionId"]
    out.write(f"RotateSecret started version {token} of {arn}; following...\n")
    deadline = clock() + options.timeout
    seen: list[str] | None = None
    while True:
        stages = client.describe_secret(SecretId=arn)["VersionIdsToStages"].get(token, [])
        if stages != seen:
            out.write(f"  {token}: {', '.join(stages) or '(no stage)'}\n")
            seen = stages
        if CURRENT in stages:
            out.write(f"Version {token} is now AWSCURRENT\n")
            return 0
        if clock() >= deadline:
            raise CliError(
                f"rotation did not finish within {options.timeout:g}s: version {token} is "
                f"{'/'.join(stages) or 'gone'}; read the rotation function's logs, then "
                f"`secretkit cancel-rotation {options.secret}` if it is stuck"
            )
        time.sleep(options.interval)


def strategy_tag(described: dict[str, Any]) -> str | None:
    """The secret's secretkit:strategy tag, if any."""
    tags: dict[str, str] = {tag["Key"]: tag["Value"] for tag in described.get("Tags", [])}
    return tags.get(STRATEGY_TAG)


def version_dates(client: Any, arn: str) -> dict[str, Any]:
    """Every version that holds a value, deprecated ones included, with its creation date."""
    return {entry["VersionId"]: entry.get("CreatedDate") for entry in version_entries(client, arn)}


def cmd_cancel(options: argparse.Namespace, out: TextIO) -> int:
    client = secretsmanager_client(options)
    described = client.describe_secret(SecretId=options.secret)
    arn = described["ARN"]
    pending = [
        version
        for version, stages in described.get("VersionIdsToStages", {}).items()
        if PENDING in stages and CURRENT not in stages
    ]
    strategy = strategy_tag(described)
    # A version listed by ListSecretVersionIds has a value: createSecret ran, so setSecret may
    # have put its password on the database already.
    valued: list[str] = []
    if pending:
        with_values = version_dates(client, arn)
        valued = [v for v in pending if v in with_values]
    if valued and strategies.sets_credential_in_use(strategy) and not options.force:
        raise CliError(
            f"version {valued[0]} of {arn} is the pending version of a {strategy} rotation, "
            "whose setSecret may already have changed the database password to it; cancelling "
            "would leave the database on a password only a deprecated version holds while "
            "applications read AWSCURRENT. Let the rotation finish (fix the cause, then "
            f"`secretkit rotate --aws {options.secret}`), or pass --force: the next rotation "
            "finds the password in force in the deprecated version"
        )
    client.cancel_rotate_secret(SecretId=arn)
    for version in pending:
        client.update_secret_version_stage(
            SecretId=arn, VersionStage=PENDING, RemoveFromVersionId=version
        )
        out.write(f"Removed AWSPENDING from version {version}\n")
    if not pending:
        out.write("No rotation was in progress (no AWSPENDING outside AWSCURRENT)\n")
    for version in valued:
        out.write(
            f"Version {version} keeps its value as a deprecated version (no staging label): if "
            "the rotation had reached setSecret, the database uses its password now, and "
            "applications reading AWSCURRENT may fail to log in until the next rotation, which "
            "finds it (`secretkit status` shows it as ABANDONED).\n"
        )
    out.write(
        f"Cancelled rotation of {arn}.\n"
        "WARNING: automatic rotation is now DISABLED for this secret. Re-enable it with "
        f"`secretkit rotate --aws {options.secret}` (RotateSecret turns it on and rotates now) or "
        "`pulumi up` (the RotatingSecret's SecretRotation) once the cause is fixed.\n"
    )
    return 0


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    return "-" if value in (None, "") else str(value)


def cmd_status(options: argparse.Namespace, out: TextIO) -> int:
    client = secretsmanager_client(options)
    described = client.describe_secret(SecretId=options.secret)
    arn = described["ARN"]
    versions: dict[str, list[str]] = described.get("VersionIdsToStages", {})
    created = version_dates(client, arn)
    rules = described.get("RotationRules") or {}
    schedule = rules.get("ScheduleExpression") or (
        f"every {rules['AutomaticallyAfterDays']} days"
        if rules.get("AutomaticallyAfterDays")
        else "-"
    )
    out.write(f"Secret     {described.get('Name')}\nARN        {arn}\n")
    out.write(f"Rotation   {'enabled' if described.get('RotationEnabled') else 'disabled'}")
    out.write(f"  schedule: {schedule}\n")
    out.write(f"Function   {described.get('RotationLambdaARN') or '-'}\n")
    out.write(f"Last       {_when(described.get('LastRotatedDate'))}\n")
    out.write(f"Next       {_when(described.get('NextRotationDate'))}\n")
    out.write("Versions\n")
    order = {CURRENT: 0, PENDING: 1, PREVIOUS: 2}
    for version, stages in sorted(
        versions.items(), key=lambda item: min((order.get(s, 3) for s in item[1]), default=4)
    ):
        out.write(
            f"  {version}  {', '.join(stages) or '-':<24} created {_when(created.get(version))}\n"
        )
    stuck = [v for v, s in versions.items() if PENDING in s and CURRENT not in s]
    abandoned = abandoned_versions(versions, created)
    for version in abandoned:
        out.write(f"  {version}  {'- (deprecated)':<24} created {_when(created.get(version))}\n")
    if stuck:
        out.write(
            f"STUCK      version {stuck[0]} carries AWSPENDING but is not AWSCURRENT: a rotation "
            "started and did not finish. Read the function's logs, then retry "
            f"(`secretkit rotate --aws {options.secret}`) or `secretkit cancel-rotation`.\n"
        )
    if abandoned:
        out.write(abandoned_advice(abandoned[0], described, options.secret))
    if not stuck and not abandoned:
        out.write("State      ok (no rotation in progress)\n")
    return 0


def abandoned_versions(versions: dict[str, list[str]], created: dict[str, Any]) -> list[str]:
    """Deprecated versions (a value, no staging label) created after AWSCURRENT, newest first:
    the pending values of rotations cancelled or abandoned before finishSecret."""
    current = next((v for v, stages in versions.items() if CURRENT in stages), None)
    since = created.get(current) if current else None
    if since is None:
        return []
    newer = [
        (when, version)
        for version, when in created.items()
        if version not in versions and when is not None and when > since
    ]
    return [version for _, version in sorted(newer, reverse=True)]


def abandoned_advice(version: str, described: dict[str, Any], secret: str) -> str:
    """What an abandoned rotation means for this secret's strategy, and what to do."""
    strategy = strategy_tag(described)
    head = (
        f"ABANDONED  version {version} was created after AWSCURRENT and lost AWSPENDING "
        "without becoming AWSCURRENT: a rotation was cancelled or abandoned after createSecret."
    )
    if strategies.sets_credential_in_use(strategy):
        return (
            f"{head} With {strategy}, its setSecret may have changed the database password to "
            "that version's: AWSCURRENT may no longer log in. The next rotation finds the "
            f"password in force and completes: `secretkit rotate --aws {secret}` (also turns "
            "rotation back on). If you know the database uses it and need AWSCURRENT to work "
            "before that, move AWSCURRENT to it: `aws secretsmanager update-secret-version-stage "
            f"--secret-id {secret} --version-stage AWSCURRENT --move-to-version-id {version} "
            "--remove-from-version-id <the AWSCURRENT version>`.\n"
        )
    return (
        f"{head} The {strategy or 'untagged'} strategy does not change the credential "
        "applications use before finishSecret, so AWSCURRENT still works; the next rotation "
        "starts afresh.\n"
    )


def cmd_artifacts(options: argparse.Namespace, out: TextIO) -> int:
    """Each strategy's Lambda artifact as RotatingSecret/SecureParameter would ship it: size,
    and what it holds (distribution, version, sha256 of its shipped files)."""
    import json  # noqa: PLC0415

    # Loads Pulumi; refuses (InvalidArgumentError) a driver that differs from its pin.
    from secretkit.components.rotation.artifact import artifact_contents, rotation_artifact  # noqa: PLC0415

    rows: list[dict[str, Any]] = []
    for strategy in strategies.REGISTRY:
        artifact = rotation_artifact(strategy, None)
        rows.append(
            {
                "strategy": strategy,
                "handler": artifact.handler,
                "files": len(artifact.files),
                "zipped_bytes": artifact.zipped_size(),
                "contents": [
                    {"name": c.name, "version": c.version, "sha256": c.sha256}
                    for c in artifact_contents(strategy)
                ],
            }
        )
    if options.json:
        out.write(json.dumps(rows, indent=2) + "\n")
        return 0
    out.write(f"{'strategy':<22} {'files':>5} {'zipped bytes':>13}  contents\n")
    for row in rows:
        out.write(f"{row['strategy']:<22} {row['files']:>5} {row['zipped_bytes']:>13,}\n")
        for content in row["contents"]:
            out.write(
                f"    {content['name']:<30} {content['version']:<10} sha256:{content['sha256']}\n"
            )
    return 0


def money(amount: float) -> str:
    """$1,234.56"""
    return f"${amount:,.2f}"


def cmd_compare(options: argparse.Namespace, out: TextIO) -> int:
    """The same secrets in Parameter Store and in Secrets Manager, side by side."""
    from secretkit.costs.cost import compare  # noqa: PLC0415
    from secretkit.costs.pricing import AS_OF, SOURCES  # noqa: PLC0415

    for flag, value in (("--count", options.count), ("--requests", options.requests)):
        if value < 0:
            raise CliError(f"{flag} {value:g} is invalid: it must be 0 or more")
    result = compare(options.count, options.requests)
    out.write(f"{'Service':<16} {'Count':>6} {'Requests':>10} {'Price':>9}\n")
    for service, price in (
        ("Parameter Store", result.parameter_store),
        ("Secrets Manager", result.secrets_manager),
    ):
        out.write(
            f"{service:<16} {options.count:>6} {options.requests:>10,.0f} {money(price):>9}\n"
        )
    out.write(
        f"\nMonthly, us-east-1 list prices as of {AS_OF} ({', '.join(SOURCES.values())}).\n"
        "Standard parameters and their API calls at standard throughput are free (advanced "
        f"parameters: {money(result.parameter_store_advanced)} here); Secrets Manager pays off "
        "when a secret is rotated, replicated or shared across accounts.\n"
    )
    return 0


def cmd_cost(options: argparse.Namespace, out: TextIO) -> int:
    """Each component's monthly cost in a program, the total, and the advisor's findings."""
    from pathlib import Path  # noqa: PLC0415

    from secretkit.costs.advisor import advise  # noqa: PLC0415
    from secretkit.costs.cost import Rates, stack_cost  # noqa: PLC0415
    from secretkit.embedded.mocks import ACCOUNT_ID  # noqa: PLC0415
    from secretkit.program import PROJECT_DIR, load_stack_config, run_program  # noqa: PLC0415
    from secretkit.resources import from_registrations  # noqa: PLC0415

    program = Path(options.program) if options.program else PROJECT_DIR / "__main__.py"
    if program.is_dir():
        program = program / "__main__.py"
    if not program.is_file():
        raise CliError(f"no Pulumi program at {program}")
    config = load_stack_config(
        program.resolve().parent, options.stack, fill_missing_secrets="cost-placeholder"
    )
    run = run_program(program, config, stack=options.stack)
    resources = from_registrations(run.registrations)
    rates = Rates(options.secret_requests, options.parameter_requests)
    cost = stack_cost(resources, rates)
    shown = program.resolve()
    if shown.is_relative_to(Path.cwd()):
        shown = shown.relative_to(Path.cwd())
    out.write(
        f"Monthly cost of {shown} (stack {options.stack}) at {rates.secret_requests:,.0f} "
        f"reads per secret and {rates.parameter_requests:,.0f} per parameter:\n"
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
    findings = advise(resources, ACCOUNT_ID, rates.secret_requests)
    out.write(f"\nAdvisor: {len(findings)} finding(s)\n")
    for finding in findings:
        out.write(f"  [{finding.rule}] {finding.resource}: {finding.message}\n")
    if findings:
        saving = sum(f.monthly_saving for f in findings)
        out.write(f"  possible saving: ${saving:,.2f}/month\n")
    return 0


def cmd_demo(options: argparse.Namespace, out: TextIO) -> int:
    from secretkit import demo  # noqa: PLC0415 - pulls in Pulumi; only the demo needs it

    return demo.main(options.demo_args, out=out)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="secretkit", description="Operate secretkit secrets: rotate, cancel, inspect."
    )
    parser.add_argument("--region", help="AWS region (default: your AWS configuration)")
    parser.add_argument("--profile", help="AWS profile (default: your AWS configuration)")
    parser.add_argument("--endpoint-url", help="Secrets Manager endpoint (moto, LocalStack)")
    commands = parser.add_subparsers(dest="command", required=True)

    rotate = commands.add_parser(
        "rotate",
        help="rotate a secret now",
        description="Rotate now. By default the rotation handler runs in this process, with "
        "Secrets Manager's orchestration emulated (placeholder AWSPENDING version, steps in "
        "order, retries with backoff and the same token). --aws calls RotateSecret instead "
        "and follows the new version until it is AWSCURRENT.",
    )
    rotate.add_argument("secret", help="secret name or ARN")
    rotate.add_argument("--aws", action="store_true", help="let Secrets Manager run it")
    rotate.add_argument("--strategy", help=f"one of {', '.join(strategies.SECRET_STRATEGIES)}")
    rotate.add_argument("--handler", help="module whose lambda_handler to run (custom)")
    rotate.add_argument("--max-attempts", type=int, default=5, help="tries per step (5)")
    rotate.add_argument("--first-delay", type=float, default=1.0, help="first retry wait (1s)")
    rotate.add_argument("--timeout", type=float, default=300.0, help="--aws: give up after (300s)")
    rotate.add_argument("--interval", type=float, default=2.0, help="--aws: poll every (2s)")
    rotate.set_defaults(func=cmd_rotate)

    cancel = commands.add_parser(
        "cancel-rotation",
        help="cancel a rotation in progress (disables automatic rotation)",
        description="CancelRotateSecret, then remove AWSPENDING from the unfinished version. "
        "Refused for a single-user database secret whose pending version has a value (its "
        "setSecret may have changed the database password already) unless --force.",
    )
    cancel.add_argument("secret", help="secret name or ARN")
    cancel.add_argument(
        "--force",
        action="store_true",
        help="cancel a single-user rotation that may have set its password already (the next "
        "rotation recovers it from the deprecated version)",
    )
    cancel.set_defaults(func=cmd_cancel)

    status = commands.add_parser(
        "status", help="versions, stages, schedule, and whether a rotation is stuck"
    )
    status.add_argument("secret", help="secret name or ARN")
    status.set_defaults(func=cmd_status)

    comparison = commands.add_parser(
        "compare", help="Parameter Store vs Secrets Manager for N secrets and R reads a month"
    )
    comparison.add_argument("--count", type=int, default=25, help="number of secrets (25)")
    comparison.add_argument("--requests", type=float, default=10_000, help="reads a month (10000)")
    comparison.set_defaults(func=cmd_compare)

    cost = commands.add_parser(
        "cost", help="monthly cost of a Pulumi program per component, with the advisor's findings"
    )
    cost.add_argument("program", nargs="?", help="program file or directory (this project's)")
    cost.add_argument("--stack", default="dev", help="stack whose settings to use (dev)")
    cost.add_argument("--secret-requests", type=float, default=0, help="reads/month per secret")
    cost.add_argument(
        "--parameter-requests", type=float, default=0, help="reads/month per parameter"
    )
    cost.set_defaults(func=cmd_cost)

    artifacts = commands.add_parser(
        "artifacts",
        help="each strategy's Lambda artifact: size, and the pinned distributions it ships",
    )
    artifacts.add_argument("--json", action="store_true", help="print JSON instead of a table")
    artifacts.set_defaults(func=cmd_artifacts)

    demo = commands.add_parser("demo", help="the reference stack under mocks (as `make demo`)")
    demo.add_argument("demo_args", nargs=argparse.REMAINDER, help="--program, --stack")
    demo.set_defaults(func=cmd_demo)
    return parser


def describe_failure(error: BaseException) -> str:
    """One line for an error from AWS, the network or this tool."""
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        details = response["Error"]
        return f"{details.get('Code', 'Error')}: {details.get('Message', '')}".strip()
    name = type(error).__name__
    if name == "NoCredentialsError":
        return "no AWS credentials found (set AWS_PROFILE, or run `aws configure`)"
    if name == "NoRegionError":
        return "no AWS region configured (pass --region or set AWS_REGION)"
    return str(error) or name


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Entry point of the `secretkit` console script."""
    parser = build_parser()
    options = parser.parse_args(argv)
    try:
        result: int = options.func(options, out)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # one readable line instead of a traceback
        sys.stderr.write(f"secretkit: {describe_failure(error)}\n")
        return 1
    return result


if __name__ == "__main__":
    sys.exit(main())
