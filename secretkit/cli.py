"""The `secretkit` command: rotate, cancel a rotation, inspect a secret, list the rotation
artifacts, run the demo; its parser (compare and cost live in cost_commands)."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
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
from secretkit.cli_common import CliError, one_line, only_aws_region, write_json
from secretkit.components import strategies
from secretkit.cost_commands import cmd_compare, cmd_cost
from secretkit.embedded.rotation_emulator import RotationFailed, StepAttempt, emulate_rotation
from secretkit.key_usage import key_usage
from secretkit.project import add_stack_argument
from secretkit.rotation_due import Due, rotation_due, utc
from secretkit.rotation_listing import StatusTools, list_rotations


def version() -> str:
    """The installed distribution's version."""
    from importlib.metadata import PackageNotFoundError  # noqa: PLC0415
    from importlib.metadata import version as installed_version  # noqa: PLC0415

    try:
        return installed_version("secretkit")
    except PackageNotFoundError:
        return "unknown (not installed: run from a checkout)"


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
    if not described.get("RotationEnabled"):
        raise CliError(rotation_off(described, options.secret))
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
        raise CliError(rotation_off(described, options.secret))
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


def rotation_off(described: dict[str, Any], secret: str) -> str:
    """Why a secret cannot be rotated now, and what to do."""
    arn = described["ARN"]
    if described.get("RotationLambdaARN"):
        return (
            f"rotation of {arn} is disabled (cancel-rotation disables it): "
            f"`secretkit rotate --aws {secret}` turns it back on and rotates, or `pulumi up` "
            "re-enables it"
        )
    return (
        f"{arn} has no rotation configured (no rotation function): deploy it as a "
        "RotatingSecret (or give it a rotation function) before rotating it"
    )


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


def status_report(
    client: Any, described: dict[str, Any], now: datetime | None = None
) -> dict[str, Any]:
    """What `secretkit status` shows of a described secret, as data (the --json document;
    dates are datetimes). ``now`` (default: the clock) judges whether rotation is overdue."""
    arn = described["ARN"]
    versions: dict[str, list[str]] = described.get("VersionIdsToStages", {})
    created = version_dates(client, arn)
    rules = described.get("RotationRules") or {}
    schedule = rules.get("ScheduleExpression") or (
        f"every {rules['AutomaticallyAfterDays']} days"
        if rules.get("AutomaticallyAfterDays")
        else None
    )
    order = {CURRENT: 0, PENDING: 1, PREVIOUS: 2}
    labelled = sorted(
        versions.items(), key=lambda item: min((order.get(s, 3) for s in item[1]), default=4)
    )
    stuck = [v for v, s in versions.items() if PENDING in s and CURRENT not in s]
    abandoned = abandoned_versions(versions, created)
    moment = utc(now or datetime.now(UTC))
    assert moment is not None
    current = next((v for v, s in versions.items() if CURRENT in s), None)
    current_created = utc(created.get(current)) if current else None
    # A new AWSCURRENT version is a valid rotation (PutSecretValue counts: rotation_due's
    # docstring quotes AWS); LastRotatedDate only when the version's date is unknown.
    last_valid = current_created or utc(described.get("LastRotatedDate"))
    enabled = bool(described.get("RotationEnabled"))
    due = (
        rotation_due(rules, last_valid, moment, described.get("NextRotationDate"))
        if enabled
        else Due(None, None, "rotation is not enabled")
    )
    age = (moment - current_created).total_seconds() / 86400 if current_created else None
    state = "stuck" if stuck else "overdue" if due.overdue else "abandoned" if abandoned else "ok"
    return {
        "name": described.get("Name"),
        "arn": arn,
        "rotation": {
            "enabled": enabled,
            "schedule": schedule,
            "window": rules.get("Duration") or None,
            "function": described.get("RotationLambdaARN") or None,
            "last_rotated": described.get("LastRotatedDate"),
            "next_rotation": described.get("NextRotationDate"),
            "due_by": due.due_by,
            "overdue": due.overdue,
            "due_reason": due.reason,
        },
        "current_age_days": None if age is None else round(age, 2),
        "versions": [
            {"id": version, "stages": stages, "created": created.get(version)}
            for version, stages in labelled
        ]
        + [{"id": version, "stages": [], "created": created.get(version)} for version in abandoned],
        "stuck": stuck,
        "abandoned": abandoned,
        "state": state,
        "strategy": strategy_tag(described),
    }


def cmd_status(options: argparse.Namespace, out: TextIO) -> int:
    client = secretsmanager_client(options)
    described = client.describe_secret(SecretId=options.secret)
    report = status_report(client, described)
    if options.json:
        write_json(out, report)
        return 0
    rotation = report["rotation"]
    out.write(f"Secret     {report['name']}\nARN        {report['arn']}\n")
    out.write(f"Rotation   {'enabled' if rotation['enabled'] else 'disabled'}")
    out.write(f"  schedule: {rotation['schedule'] or '-'}\n")
    out.write(f"Function   {rotation['function'] or '-'}\n")
    out.write(f"Last       {_when(rotation['last_rotated'])}\n")
    out.write(f"Next       {_when(rotation['next_rotation'])}\n")
    out.write(f"Due by     {_when(rotation['due_by'])}  ({rotation['due_reason']})\n")
    age = report["current_age_days"]
    out.write(f"Current    {'-' if age is None else f'{age:g} days old'}\n")
    out.write("Versions\n")
    for version in report["versions"]:
        stages = ", ".join(version["stages"]) or "- (deprecated)"
        out.write(f"  {version['id']}  {stages:<24} created {_when(version['created'])}\n")
    stuck, abandoned = report["stuck"], report["abandoned"]
    if stuck:
        out.write(
            f"STUCK      version {stuck[0]} carries AWSPENDING but is not AWSCURRENT: a rotation "
            "started and did not finish. Read the function's logs, then retry "
            f"(`secretkit rotate --aws {options.secret}`) or `secretkit cancel-rotation`.\n"
        )
    if rotation["overdue"]:
        out.write(
            f"OVERDUE    the rotation due by {_when(rotation['due_by'])} has not happened: "
            "AWSCURRENT is older than the schedule plus its window. Read the rotation "
            f"function's logs, then `secretkit rotate --aws {options.secret}`.\n"
        )
    if abandoned:
        out.write(abandoned_advice(abandoned[0], described, options.secret))
    if not stuck and not abandoned and not rotation["overdue"]:
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


def cmd_rotations(options: argparse.Namespace, out: TextIO) -> int:
    """Every rotating secret of a program with its state (secretkit.rotation_listing)."""
    return list_rotations(options, out, StatusTools(secretsmanager_client, status_report, _when))


def cmd_key_usage(options: argparse.Namespace, out: TextIO) -> int:
    def client_in(region: str | None) -> Any:
        if region is None:
            return secretsmanager_client(options)
        return secretsmanager_client(argparse.Namespace(**{**vars(options), "region": region}))

    return key_usage(options, out, client_in)


def cmd_artifacts(options: argparse.Namespace, out: TextIO) -> int:
    """Each strategy's Lambda artifact as RotatingSecret/SecureParameter would ship it: size,
    and what it holds (distribution, version, sha256 of its shipped files)."""
    only_aws_region(options)
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
        write_json(out, rows)
        return 0
    out.write(f"{'strategy':<22} {'files':>5} {'zipped bytes':>13}  contents\n")
    for row in rows:
        out.write(f"{row['strategy']:<22} {row['files']:>5} {row['zipped_bytes']:>13,}\n")
        for content in row["contents"]:
            out.write(
                f"    {content['name']:<30} {content['version']:<10} sha256:{content['sha256']}\n"
            )
    return 0


def cmd_demo(options: argparse.Namespace, out: TextIO) -> int:
    from secretkit import demo  # noqa: PLC0415 - pulls in Pulumi; only the demo needs it
    from secretkit.project import ProjectError  # noqa: PLC0415

    only_aws_region(options)
    try:
        project = demo.locate_program(options.program, options.stack)
    except ProjectError as error:
        raise CliError(str(error)) from None
    return demo.run_demo(project, out, region=options.region)


def aws_options(default: Any) -> argparse.ArgumentParser:
    """--region, --profile and --endpoint-url: on the main parser (default None) and on every
    command (default SUPPRESS, so that a value given before the command is kept)."""
    options = argparse.ArgumentParser(add_help=False)
    group = options.add_argument_group("AWS options (before or after the command)")
    group.add_argument(
        "--region",
        default=default,
        help="AWS region (default: your AWS configuration; cost and demo: the stack's "
        "aws:region; compare: us-east-1); cost and compare use its list prices",
    )
    group.add_argument(
        "--profile",
        default=default,
        help="AWS profile (rotate, status, rotations, cancel-rotation, key-usage)",
    )
    group.add_argument(
        "--endpoint-url",
        default=default,
        help="Secrets Manager endpoint: moto, LocalStack (rotate, status, rotations, "
        "cancel-rotation, key-usage)",
    )
    return options


def json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document (shape: docs/cli.md)"
    )


def add_key_usage(commands: Any, common: list[argparse.ArgumentParser]) -> None:
    """The key-usage command's parser."""
    usage = commands.add_parser(
        "key-usage",
        parents=common,
        help="which KMS keys encrypt each version of a secret and its replicas; exit code 3 "
        "while a key being retired is still needed",
        description="ListSecretVersionIds (KmsKeyIds) for the secret and each replica. A key "
        "is still needed while a labelled version opens with it and with no key its copy uses "
        "now. Without --retiring, judges every such key found. Exit code 3 while one is still "
        "needed, 0 otherwise (docs/key-replacement.md).",
    )
    usage.add_argument("secret", help="secret name or ARN (its primary region)")
    usage.add_argument(
        "--retiring",
        action="append",
        metavar="KEY_ARN",
        help="a key the secret is moving away from (repeat for several)",
    )
    json_option(usage)
    usage.set_defaults(func=cmd_key_usage)


def add_cost_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: list[argparse.ArgumentParser],
) -> None:
    """The `compare` and `cost` subcommands."""
    comparison = commands.add_parser(
        "compare",
        parents=common,
        help="Parameter Store vs Secrets Manager vs AppConfig for N values, each read R times a "
        "month",
    )
    comparison.add_argument(
        "--count", type=int, default=25, help="number of secrets or values (25)"
    )
    comparison.add_argument(
        "--secret-requests",
        "--requests",
        dest="requests",
        metavar="N",
        type=float,
        default=10_000,
        help="reads a month PER SECRET, as in `cost` (10000); --requests is the same option "
        "(it used to be a total over all secrets)",
    )
    comparison.add_argument(
        "--configurations-received",
        dest="received",
        metavar="N",
        type=float,
        default=None,
        help="AppConfig: how many of each value's reads a month receive the configuration "
        "(default: every read, a new session each; a client polling one session receives it "
        "only after a deployment)",
    )
    json_option(comparison)
    comparison.set_defaults(func=cmd_compare)

    cost = commands.add_parser(
        "cost",
        parents=common,
        help="monthly cost of a Pulumi program per component, with the advisor's findings",
    )
    cost.add_argument(
        "program",
        nargs="?",
        help="the project's directory, its Pulumi.yaml or its program file (default: the "
        "current directory)",
    )
    add_stack_argument(cost)
    cost.add_argument(
        "--secret-requests", metavar="N", type=float, default=0, help="reads a month PER SECRET (0)"
    )
    cost.add_argument(
        "--parameter-requests",
        metavar="N",
        type=float,
        default=0,
        help="reads a month PER PARAMETER (0)",
    )
    cost.add_argument(
        "--configuration-requests",
        metavar="N",
        type=float,
        default=0,
        help="AppConfig reads a month PER CONFIGURATION PROFILE (0)",
    )
    cost.add_argument(
        "--configurations-received",
        metavar="N",
        type=float,
        default=None,
        help="how many of those receive the configuration (default: every one)",
    )
    cost.add_argument(
        "--changes-per-month",
        metavar="N",
        type=float,
        default=None,
        help="how often each non-secret value changes, for the advisor: at least 4 suggests "
        "DynamicParameter for a parameter, under 1 SecureParameter for a configuration profile "
        "(default: not known)",
    )
    json_option(cost)
    cost.set_defaults(func=cmd_cost)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="secretkit",
        description="Operate secretkit secrets: rotate, cancel, inspect; price a stack.",
        parents=[aws_options(None)],
    )
    parser.add_argument("--version", action="version", version=f"secretkit {version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    common = [aws_options(argparse.SUPPRESS)]

    rotate = commands.add_parser(
        "rotate",
        parents=common,
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
        parents=common,
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
        "status",
        parents=common,
        help="versions, stages, schedule, and whether a rotation is stuck",
    )
    status.add_argument("secret", help="secret name or ARN")
    json_option(status)
    status.set_defaults(func=cmd_status)

    rotations = commands.add_parser(
        "rotations",
        parents=common,
        help="every rotating secret of a Pulumi program with its state in AWS (overdue, stuck, "
        "missing: exit code 3)",
        description="Run the program under secretkit's mocks (as `cost` does) to find the "
        "secrets it rotates, then DescribeSecret each in AWS (--region, else the stack's "
        "aws:region). Exit code 3 when any is overdue, stuck or missing, 0 otherwise.",
    )
    rotations.add_argument(
        "program",
        nargs="?",
        help="the project's directory, its Pulumi.yaml or its program file (default: the "
        "current directory)",
    )
    add_stack_argument(rotations)
    json_option(rotations)
    rotations.set_defaults(func=cmd_rotations)

    add_key_usage(commands, common)

    add_cost_commands(commands, common)

    artifacts = commands.add_parser(
        "artifacts",
        parents=common,
        help="each strategy's Lambda artifact: size, and the pinned distributions it ships",
    )
    json_option(artifacts)
    artifacts.set_defaults(func=cmd_artifacts)

    demo = commands.add_parser(
        "demo",
        parents=common,
        help="a program deployed into an embedded AWS (moto), rotated and read (as `make demo`)",
    )
    demo.add_argument(
        "--program",
        help="a Pulumi project's directory, its Pulumi.yaml or its program file (default: "
        "secretkit's reference stack)",
    )
    add_stack_argument(demo)
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
    return one_line(error) or name


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
