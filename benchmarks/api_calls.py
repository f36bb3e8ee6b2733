"""Section 1: AWS API calls one full rotation makes, per strategy, beside AWS's templates."""

from __future__ import annotations

from typing import Any

from benchmarks.databases import LocalDatabases, PgServer
from benchmarks.moto_account import Clients, moto_account
from benchmarks.progress import progress
from benchmarks.rotations import RotationSample
from benchmarks.stats import ratio
from benchmarks.targets import (
    STRATEGIES,
    engine_of,
    password_target,
    postgres_target,
    skipped,
    target_for,
)
from secretkit.components.strategies import (
    MYSQL_SINGLE_USER,
    PASSWORD,
    POSTGRES,
    POSTGRES_SINGLE_USER,
)

#: Most Secrets Manager calls a full rotation may make (the issue's targets).
TARGETS = {PASSWORD.name: 7, POSTGRES_SINGLE_USER.name: 10, MYSQL_SINGLE_USER.name: 10}
GENERIC = "AWS generic rotation template (SecretsManagerRotationTemplate)"
POSTGRES_SINGLE = (
    "AWS PostgreSQL single-user template (SecretsManagerRDSPostgreSQLRotationSingleUser)"
)
#: Which AWS template each strategy is compared with (the issue's baselines).
BASELINE_OF = {
    PASSWORD.name: GENERIC,
    POSTGRES_SINGLE_USER.name: POSTGRES_SINGLE,
    MYSQL_SINGLE_USER.name: POSTGRES_SINGLE,
}


def _sample(sample: RotationSample) -> dict[str, Any]:
    return {"calls": len(sample.calls), "operations": list(sample.calls)}


def measure_baselines(clients: Clients, postgres: PgServer | None) -> dict[str, dict[str, Any]]:
    """AWS's templates' call sequences (re-expressed in tests/rotation_handlers) on the same
    harness: the generic one on a password secret, the PostgreSQL one on a real role."""
    from tests.rotation_handlers.aws_generic_template import template_step  # noqa: PLC0415

    baselines: dict[str, dict[str, Any]] = {}
    progress("api-calls: AWS generic template")
    with password_target(clients, step=template_step) as target:
        baselines[GENERIC] = _sample(target.rotate())
    if postgres is not None:
        from tests.rotation_handlers.test_postgres import AwsTemplateSingleUser  # noqa: PLC0415

        progress("api-calls: AWS PostgreSQL single-user template")
        with postgres_target(
            clients, POSTGRES_SINGLE_USER.name, postgres, step=AwsTemplateSingleUser()
        ) as target:
            baselines[POSTGRES_SINGLE] = _sample(target.rotate())
    return baselines


def measure_strategy(
    strategy: str, clients: Clients, postgres: PgServer | None, baselines: dict[str, Any]
) -> dict[str, Any]:
    """Calls of a first and of a second rotation of one new secret."""
    with target_for(strategy, clients, postgres) as target:
        first, second = target.rotate(), target.rotate()
    row: dict[str, Any] = {
        "strategy": strategy,
        "service": target.service,
        **_sample(first),
        "next_rotation_calls": len(second.calls),
        "target": TARGETS.get(strategy),
    }
    if second.calls != first.calls:
        row["next_rotation_operations"] = list(second.calls)
    if engine_of(strategy) == POSTGRES.name and postgres is not None:
        row["server"] = postgres.label
    baseline = BASELINE_OF.get(strategy)
    if baseline is not None:
        measured = baselines.get(baseline)
        row["baseline"] = baseline
        row["baseline_calls"] = measured["calls"] if measured else None
        row["ratio_to_baseline"] = ratio(len(first.calls), row["baseline_calls"])
    if row["target"] is not None:
        row["meets_target"] = len(first.calls) <= row["target"]
    return row


def run(databases: LocalDatabases) -> dict[str, Any]:
    """Every strategy's calls, with the baselines they are compared with."""
    postgres = databases.postgres[0] if databases.postgres else None
    rows: list[dict[str, Any]] = []
    with moto_account() as clients:
        baselines = measure_baselines(clients, postgres)
        for strategy in STRATEGIES:
            reason = skipped(strategy, databases)
            if reason is not None:
                rows.append({"strategy": strategy, "status": reason})
                continue
            progress(f"api-calls: {strategy}")
            rows.append(measure_strategy(strategy, clients, postgres, baselines))
    return {"strategies": rows, "baselines": baselines}
