"""`make demo`: deploy the reference stack into an embedded AWS (moto), rotate every rotating
secret with its deployed handler under its own role, read every secret as its readers, and
report resources, grants, results and monthly cost."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from secretkit.components.iam.least_privilege import violations
from secretkit.costs.pricing import Inventory, prices_for
from secretkit.demo_alarms import alarm_on_failed_rotation
from secretkit.embedded.mocks import Registration, unwrap
from secretkit.program import PROJECT_DIR, ProgramRun, load_stack_config, run_program
from secretkit.project import Project, ProjectError, add_stack_argument, locate

#: Policy-bearing inputs per resource type, and whether the document is a key policy.
POLICY_INPUTS = {
    "aws:iam/rolePolicy:RolePolicy": ("policy", False),
    "aws:iam/policy:Policy": ("policy", False),
    "aws:kms/key:Key": ("policy", True),
    "aws:kms/replicaKey:ReplicaKey": ("policy", True),
    "aws:sns/topicPolicy:TopicPolicy": ("policy", False),
    "aws:secretsmanager/secretPolicy:SecretPolicy": ("policy", False),
}
#: Demo stand-ins for values that only live encrypted in a real stack's config.
PLACEHOLDER_SECRETS = {"parameterValue": "demo-placeholder-not-a-secret"}
#: The demo's reader of the rotating secret and the parameter in a second account (config
#: crossAccountReaders), and a third account whose role holds the same identity policies but is
#: named nowhere.
READER_ACCOUNT = "222222222222"
THIRD_ACCOUNT = "333333333333"
CROSS_ACCOUNT_ROLE = "partner-reader"
CROSS_ACCOUNT_READERS_KEY = "crossAccountReaders"
SECRET_COMPONENTS = (
    "secretkit:index:RotatingSecret",
    "secretkit:index:CrossRegionReplicatedSecret",
)


@dataclass
class Check:
    """One thing the demo proved (or failed to)."""

    what: str
    ok: bool
    detail: str


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


def inventory(run: ProgramRun) -> Inventory:
    """What the deployed stack pays a monthly fee for."""
    secrets = [r for r in run.registrations if r.type == "aws:secretsmanager/secret:Secret"]
    parameters = [r for r in run.registrations if r.type == "aws:ssm/parameter:Parameter"]
    keys = [
        r
        for r in run.registrations
        if r.type in ("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey")
    ]
    advanced = [p for p in parameters if unwrap(p.inputs.get("tier")) == "Advanced"]
    return Inventory(
        secrets=len(secrets),
        replicas=sum(len(unwrap(s.inputs.get("replicas")) or []) for s in secrets),
        kms_keys=len(keys),
        standard_parameters=len(parameters) - len(advanced),
        advanced_parameters=len(advanced),
        alarms=len(
            [r for r in run.registrations if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm"]
        ),
    )


def print_cost(run: ProgramRun, out: TextIO, region: str | None = None) -> None:
    items = inventory(run)
    regional = prices_for(region)
    out.write(
        f"\nMonthly cost at {regional.note}, before API traffic "
        f"({items.secrets} secrets, {items.replicas} replicas, {items.kms_keys} CMKs, "
        f"{items.standard_parameters} standard + {items.advanced_parameters} advanced "
        f"parameters, {items.alarms} alarms):\n"
    )
    for line, amount in items.monthly(regional.prices).items():
        out.write(f"  {line:<38} ${amount:,.2f}\n")


# --- the embedded deployment --------------------------------------------------------------------


@contextmanager
def authorization_on() -> Iterator[None]:
    """moto evaluates every call against the caller's IAM policies, per resource."""
    from moto.core import enable_iam_authentication  # noqa: PLC0415

    from secretkit.embedded.moto_fidelity import resource_level_authorization  # noqa: PLC0415

    with enable_iam_authentication(), resource_level_authorization():
        yield


def children_of(run: ProgramRun, parent: Registration, type_: str) -> list[Registration]:
    return [r for r in run.registrations if r.parent == parent.urn and r.type == type_]


def invoke_under_role(function: Any, session: Any) -> Callable[[dict[str, str], Any], None]:
    """A step runner: the deployed handler, IAM enforced, failing on refused logs too."""

    def invoke(event: dict[str, str], _client: Any) -> None:
        with authorization_on():
            result = function.invoke(event, session)
        if result.log_error:
            raise RuntimeError(f"logs refused ({result.log_error})")
        if not result.ok:
            raise RuntimeError(result.error)

    return invoke


def rotate_secrets(run: ProgramRun, region: str, progress: Callable[[str], None]) -> list[Check]:
    """Each rotating secret, rotated once by its deployed function under its own role."""
    checks = []
    for component in run.registrations:
        if component.type not in SECRET_COMPONENTS:
            continue
        functions = children_of(run, component, "aws:lambda/function:Function")
        secrets = children_of(run, component, "aws:secretsmanager/secret:Secret")
        if functions and secrets:
            logging_config = functions[0].plain_inputs.get("loggingConfig") or {}
            checks.append(
                rotate_one(
                    component.name,
                    str(secrets[0].state["arn"]),
                    str(functions[0].state["name"]),
                    region,
                    progress,
                    log_group=logging_config.get("logGroup"),
                )
            )
    return checks


def rotate_one(
    label: str,
    secret_arn: str,
    function_name: str,
    region: str,
    progress: Callable[[str], None],
    *,
    log_group: str | None = None,
    emit: Callable[[dict[str, Any]], object] | None = None,
) -> Check:
    """One rotation: Secrets Manager's orchestration emulated, the handler as deployed;
    ``emit`` receives the outcome's EventBridge event (rotation_emulator.emulate_rotation)."""
    import boto3  # noqa: PLC0415

    from secretkit.embedded.lambda_runner import DeployedFunction  # noqa: PLC0415
    from secretkit.embedded.rotation_emulator import RotationFailed, emulate_rotation  # noqa: PLC0415

    function = DeployedFunction(function_name, region, log_group=log_group)
    session = function.role_session()
    calls: list[str] = []
    session.events.register(
        "before-call.secrets-manager.*", lambda model, **_: calls.append(model.name)
    )
    admin = boto3.client("secretsmanager", region_name=region)
    progress(f"  rotating {label} with {function.handler} as {function.role_arn}")
    try:
        # Secrets Manager's own calls (the emulator's) are not the role's: only the handler's
        # invocations run with IAM enforced.
        rotation = emulate_rotation(
            admin,
            secret_arn,
            invoke_under_role(function, session),
            first_delay=0,
            max_attempts=2,
            handler_session=session,
            emit=emit,
        )
    except RotationFailed as failure:
        return Check(f"rotate {label}", False, str(failure))
    stages = admin.describe_secret(SecretId=secret_arn)["VersionIdsToStages"]
    return Check(
        f"rotate {label}",
        "AWSCURRENT" in stages.get(rotation.token, []),
        f"version {rotation.token[:8]} is AWSCURRENT after {len(rotation.attempts)} steps, "
        f"{len(calls)} Secrets Manager calls, logs written to {function.log_group}",
    )


def _reads(run: ProgramRun, region: str) -> dict[str, list[tuple[str, str, str]]]:
    """Role name -> what its read policies grant, read from their documents (the inline policy
    and the managed policies holding a role's merged grants): (kind, region, target)."""
    granted: dict[str, list[tuple[str, str, str]]] = {}
    components = {r.urn: r for r in run.registrations if not r.custom}
    managed = {
        r.name: r
        for r in run.registrations
        if r.type == "aws:iam/policy:Policy" and "-read-" in r.name
    }
    for reg in run.registrations:
        parent = components.get(reg.parent)
        if parent is None:
            continue
        if reg.type == "aws:iam/rolePolicy:RolePolicy" and "-read-" in reg.name:
            role = str(reg.plain_inputs["role"])
            granted.setdefault(role, []).extend(_granted(reg.plain_inputs["policy"], region))
        if reg.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            role = str(reg.plain_inputs["role"])
            policy = managed.get(reg.name)  # a read policy is attached under its own name
            if policy is not None:
                granted.setdefault(role, []).extend(_granted(policy.plain_inputs["policy"], region))
                continue
            outputs = run.component_outputs.get(parent.urn, {})
            granted.setdefault(role, []).append(("proxy", "", str(outputs["parameter_path"])))
    return granted


def _granted(policy: str, region: str) -> list[tuple[str, str, str]]:
    """The secrets (with their region, when not ``region``), parameters and AppConfig
    configurations a read policy's ReadSecret, ReadParameter and ReadConfiguration statements
    name."""
    found = []
    for stmt in json.loads(policy)["Statement"]:
        resources = stmt["Resource"] if isinstance(stmt["Resource"], list) else [stmt["Resource"]]
        for arn in resources:
            if stmt["Sid"] == "ReadSecret":
                where = arn.split(":")[3]
                found.append(("secret", "" if where == region else where, arn))
            elif stmt["Sid"] == "ReadParameter":
                found.append(("parameter", "", "/" + arn.split(":parameter/", 1)[1]))
            elif stmt["Sid"] == "ReadConfiguration":
                found.append(("configuration", "", arn))
    return found


def read_as_readers(run: ProgramRun, region: str, progress: Callable[[str], None]) -> list[Check]:
    """Every reader reads what it was granted, directly and through the proxy path, and is
    refused a write."""
    import boto3  # noqa: PLC0415

    from secretkit.embedded.accounts import assume  # noqa: PLC0415
    from secretkit.embedded.moto_fidelity import is_access_denied  # noqa: PLC0415

    checks = []
    account = boto3.client("sts", region_name=region).get_caller_identity()["Account"]
    for role, targets in _reads(run, region).items():
        role_arn = f"arn:aws:iam::{account}:role/{role}"
        session = assume(role_arn, "secretkit-demo-reader", region)
        progress(f"  reading as {role}")
        with authorization_on():
            for kind, target_region, target in targets:
                where = target_region or region
                label = f"{role} reads {kind} {target}" + (f" in {where}" if target_region else "")
                try:
                    value = _read_shared(session, kind, target, where)
                    checks.append(Check(label, True, f"{len(value)} characters (value not shown)"))
                except Exception as error:
                    checks.append(Check(label, False, type(error).__name__))
            secret = next((t for k, r, t in targets if k == "secret" and not r), None)
            if secret is not None:
                try:
                    session.client("secretsmanager", region_name=region).put_secret_value(
                        SecretId=secret, SecretString="not-allowed"
                    )
                    checks.append(Check(f"{role} cannot write {secret}", False, "write allowed"))
                except Exception as error:
                    checks.append(
                        Check(
                            f"{role} cannot write {secret}", is_access_denied(error), "AccessDenied"
                        )
                    )
    return checks


def with_cross_account_reader(values: dict[str, str]) -> None:
    """Name the second account's role as the rotating secret's and the parameter's reader, when
    the program's config declares crossAccountReaders (the reference stack does;
    Pulumi.dev.yaml leaves it empty)."""
    for key in values:
        if key.partition(":")[2] == CROSS_ACCOUNT_READERS_KEY:
            values[key] = json.dumps([f"arn:aws:iam::{READER_ACCOUNT}:role/{CROSS_ACCOUNT_ROLE}"])


def read_across_accounts(
    run: ProgramRun, region: str, progress: Callable[[str], None]
) -> list[Check]:
    """The role in the second account, holding the stack's reader identity policies, reads the
    secret and the parameter shared through AWS RAM (by its ARN) under its own credentials; the
    same role in a third account is refused both."""
    from botocore.exceptions import ClientError  # noqa: PLC0415

    from secretkit.embedded.accounts import reader_in  # noqa: PLC0415
    from secretkit.embedded.moto_fidelity import is_access_denied  # noqa: PLC0415

    shared = [
        (kind, str(run.outputs[target].value), json.loads(str(run.outputs[policy].value)))
        for kind, target, policy in (
            ("secret", "secretArn", "crossAccountReaderPolicy"),
            ("parameter", "parameterArn", "crossAccountParameterReaderPolicy"),
        )
        if policy in run.outputs and target in run.outputs
    ]
    if not shared:
        return []
    identity_policy = {
        "Version": "2012-10-17",
        "Statement": [stmt for _, _, policy in shared for stmt in policy["Statement"]],
    }
    checks = []
    for account, allowed in ((READER_ACCOUNT, True), (THIRD_ACCOUNT, False)):
        role, session = reader_in(account, CROSS_ACCOUNT_ROLE, identity_policy, region)
        progress(f"  reading across accounts as {role}")
        verb = "reads" if allowed else "is refused"
        for kind, target, _ in shared:
            label = f"{CROSS_ACCOUNT_ROLE} in account {account} {verb} {kind} {target}"
            with authorization_on():
                try:
                    value = _read_shared(session, kind, target, region)
                    checks.append(
                        Check(label, allowed, f"{len(value)} characters (value not shown)")
                    )
                except ClientError as error:
                    denied = is_access_denied(error)
                    detail = "AccessDenied" if denied else error.response["Error"]["Code"]
                    checks.append(Check(label, denied and not allowed, detail))
    return checks


def _read_shared(session: Any, kind: str, target: str, region: str) -> str:
    """A secret's value, a parameter's decrypted value (by name or ARN), or the deployed content
    of an AppConfig configuration (by its configuration ARN, through AppConfig Data's
    StartConfigurationSession and GetLatestConfiguration)."""
    if kind == "configuration":
        from secretkit.embedded.appconfig_data import read_configuration  # noqa: PLC0415

        # arn:aws:appconfig:<region>:<account>:application/<a>/environment/<e>/configuration/<p>
        _, application, _, environment, _, profile = target.split(":", 5)[5].split("/")
        content = read_configuration(session, application, environment, profile, region)
        return content.decode()
    if kind == "secret":
        client = session.client("secretsmanager", region_name=region)
        return str(client.get_secret_value(SecretId=target)["SecretString"])
    client = session.client("ssm", region_name=region)
    return str(client.get_parameter(Name=target, WithDecryption=True)["Parameter"]["Value"])


def first_line(error: BaseException) -> str:
    """The innermost cause of a deployment error, on one line."""
    seen = {id(error)}
    while error.__cause__ is not None and id(error.__cause__) not in seen:
        error = error.__cause__
        seen.add(id(error))
    text = str(error).strip().splitlines()
    return text[-1] if text else type(error).__name__


PROGRAM_HELP = (
    "a Pulumi project's directory, its Pulumi.yaml or its program file (default: secretkit's "
    "reference stack)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--program and --stack, shared by `secretkit demo` and `python -m secretkit.demo`."""
    parser.add_argument("--program", type=Path, help=PROGRAM_HELP)
    add_stack_argument(parser)


def locate_program(program: Path | None, stack: str | None) -> Project:
    """The project to deploy: ``program``, else secretkit's reference stack (ProjectError with
    a one-line message when it is not a Python Pulumi project)."""
    return locate(program if program is not None else PROJECT_DIR, stack)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    """`python -m secretkit.demo [--program PATH] [--stack NAME]`."""
    parser = argparse.ArgumentParser(prog="python -m secretkit.demo", description=__doc__)
    add_arguments(parser)
    options = parser.parse_args(argv)
    try:
        project = locate_program(options.program, options.stack)
    except ProjectError as error:
        sys.stderr.write(f"secretkit demo: {error}\n")
        return 1
    return run_demo(project, out)


def run_demo(project: Project, out: TextIO, *, region: str | None = None) -> int:
    """Deploy, rotate, read, report; exit 1 if anything failed or a grant is too broad.
    ``region`` overrides the stack's aws:region."""
    started = time.monotonic()

    def progress(message: str) -> None:
        out.write(f"[{time.monotonic() - started:5.1f}s] {message}\n")
        out.flush()

    overrides = {"aws:region": region} if region else None
    config = load_stack_config(
        project.directory,
        project.stack,
        overrides=overrides,
        secret_overrides=PLACEHOLDER_SECRETS,
    )
    with_cross_account_reader(config.values)
    region = config.values.get("aws:region", "us-east-1")
    out.write(
        f"secretkit demo: {project.program} (stack {project.stack}) deployed into an embedded AWS\n"
        "(moto, in this process: no AWS account, no Pulumi CLI). `pulumi up` deploys the same\n"
        "program to a real account.\n\n"
    )
    from secretkit.embedded.account import throwaway_account  # noqa: PLC0415
    from secretkit.embedded.embedded_aws import EmbeddedAws  # noqa: PLC0415

    with throwaway_account():
        embedded = EmbeddedAws(region=region)
        progress("deploying")
        try:
            run = run_program(
                project.program,
                config,
                stack=project.stack,
                project=project.name,
                aws_mocks=embedded,
            )
        except Exception as error:
            out.write(f"\nFAILED: the deployment stopped: {first_line(error)}\n")
            return 1
        progress(f"deployed {len(embedded.created)} AWS resources")
        checks = rotate_secrets(run, region, progress)
        checks += read_as_readers(run, region, progress)
        checks += read_across_accounts(run, region, progress)
        checks += [
            Check(label, ok, detail)
            for label, ok, detail in alarm_on_failed_rotation(run, region, progress, rotate_one)
        ]

    out.write(f"\nResources ({len(run.registrations)}):\n")
    print_tree(run, out)
    out.write("\nGrants:\n")
    problems = print_grants(run, out)
    out.write("\nStack outputs:\n")
    print_outputs(run, out)
    out.write(
        "\nRotations and reads (under each role's own credentials, IAM enforced; across "
        "accounts,\nthe reader's identity policy, the secret's resource policy or the "
        "parameter's RAM share,\nand the key policy decide):\n"
    )
    for check in checks:
        out.write(f"  {'ok  ' if check.ok else 'FAIL'} {check.what}: {check.detail}\n")
    print_cost(run, out, region)
    out.write("\nLeast privilege: ")
    if problems:
        out.write(f"{len(problems)} violation(s)\n")
        for problem in problems:
            out.write(f"  ! {problem}\n")
    else:
        out.write(
            "no wildcard actions, no Resource '*' beyond key policies, every KMS use scoped by "
            "kms:ViaService.\n"
        )
    failed = [c for c in checks if not c.ok]
    out.write(
        f"\n{'FAILED' if failed or problems else 'OK'}: {len(checks) - len(failed)}/{len(checks)} "
        f"checks passed in {time.monotonic() - started:.1f}s\n"
    )
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
