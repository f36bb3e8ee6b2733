"""Section 2: wall time of full rotations per strategy, on moto and the local databases."""

from __future__ import annotations

from typing import Any

from benchmarks.databases import MYSQL_HOST, MYSQL_PORT, LocalDatabases, PgServer
from benchmarks.moto_account import Clients, moto_account
from benchmarks.progress import progress
from benchmarks.stats import ratio, summary
from benchmarks.targets import STRATEGIES, engine_of, skipped, target_for
from secretkit.components.strategies import MYSQL, PASSWORD, POSTGRES

MILLISECONDS = 1000.0


def time_rotations(
    strategy: str, clients: Clients, rotations: int, postgres: PgServer | None = None
) -> dict[str, Any]:
    """One untimed warm-up rotation (first-use costs: the driver import, moto's first call),
    then ``rotations`` timed ones, all of the same secret."""
    with target_for(strategy, clients, postgres) as target:
        warm_up = target.rotate()
        samples = [target.rotate().seconds * MILLISECONDS for _ in range(rotations)]
    figures = summary(samples)
    return {
        "rotations": rotations,
        "median_ms": figures["median"],
        "p90_ms": figures["p90"],
        "min_ms": figures["min"],
        "max_ms": figures["max"],
        "warm_up_ms": warm_up.seconds * MILLISECONDS,
        "samples_ms": samples,
    }


def servers_for(strategy: str, databases: LocalDatabases) -> list[tuple[str, PgServer | None]]:
    """(label, PostgreSQL server) for each place the strategy can run."""
    engine = engine_of(strategy)
    if engine == POSTGRES.name:
        return [(server.label, server) for server in databases.postgres]
    if engine == MYSQL.name:
        return [(f"shared {MYSQL_HOST}:{MYSQL_PORT} MariaDB", None)]
    return [("moto only", None)]


def run(databases: LocalDatabases, rotations: int) -> dict[str, Any]:
    """Each strategy on each server it can run on; 'skipped: ...' where none is reachable."""
    rows: list[dict[str, Any]] = []
    with moto_account() as clients:
        for strategy in STRATEGIES:
            reason = skipped(strategy, databases)
            if reason is not None:
                rows.append({"strategy": strategy, "status": reason})
                continue
            for label, postgres in servers_for(strategy, databases):
                progress(f"latency: {strategy} on {label}, {rotations} rotations")
                timed = time_rotations(strategy, clients, rotations, postgres)
                rows.append({"strategy": strategy, "server": label, **timed})
            if engine_of(strategy) == POSTGRES.name:  # one server may be missing, not both
                rows.extend(
                    {"strategy": strategy, "status": f"skipped: {reason}"}
                    for reason in databases.postgres_missing
                )
    password = next((r["median_ms"] for r in rows if r["strategy"] == PASSWORD.name), None)
    for row in rows:
        if "median_ms" in row:
            row["ratio_to_password"] = ratio(row["median_ms"], password)
    return {"strategies": rows}
