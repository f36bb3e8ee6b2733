"""A secret (or parameter) to rotate for each strategy, on moto and the local databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks.databases import (
    INITIAL_PASSWORD,
    MYSQL_HOST,
    MYSQL_PORT,
    LocalDatabases,
    PgServer,
    mysql_sandbox,
    postgres_user,
    unique,
)
from benchmarks.moto_account import Clients
from benchmarks.rotations import ParameterRotation, Rotatable, SecretRotation, StepRunner
from benchmarks.rotations import strategy_step as step_of
from secretkit.cli import load_strategy
from secretkit.components.strategies import (
    MYSQL,
    PARAMETER_STORE,
    PASSWORD,
    POSTGRES,
    REGISTRY,
)
from secretkit.embedded.mocks import ACCOUNT_ID, REGION
from secretkit.embedded.moto_fidelity import enable_rotation

#: Every strategy, in report order: those without a database first, then the registry's order.
STRATEGIES = tuple(sorted(REGISTRY, key=lambda name: REGISTRY[name].engine is not None))
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:bench-rotation"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def engine_of(strategy: str) -> str | None:
    """The strategy's engine's name (POSTGRES.name, MYSQL.name) or None (no database)."""
    engine = REGISTRY[strategy].engine
    return engine.name if engine else None


def strategy_step(strategy: str) -> StepRunner:
    """The shipped handler module's strategy (rotation_handlers.<module>.lambda_handler)."""
    return step_of(load_strategy(REGISTRY[strategy].import_path))


def rotating_secret(clients: Clients, value: dict[str, Any], strategy: str) -> str:
    """A new secret holding ``value``, configured for rotation (as RotateSecret leaves it)."""
    client = clients.secretsmanager
    arn: str = client.create_secret(
        Name=unique(f"bench/{strategy}/"), SecretString=json.dumps(value)
    )["ARN"]
    enable_rotation(arn, FUNCTION_ARN, account_id=ACCOUNT_ID, region=REGION)
    return arn


def plain_secret(clients: Clients, value: dict[str, Any]) -> str:
    """A secret that is not rotated (a master secret)."""
    arn: str = clients.secretsmanager.create_secret(
        Name=unique("bench/master/"), SecretString=json.dumps(value)
    )["ARN"]
    return arn


@contextmanager
def password_target(clients: Clients, step: StepRunner | None = None) -> Iterator[Rotatable]:
    """A JSON secret {username, password} rotated by ``step`` (default: the password handler)."""
    value = {"username": "app", "password": INITIAL_PASSWORD, "host": "app.internal"}
    arn = rotating_secret(clients, value, PASSWORD.name)
    yield SecretRotation(clients.secretsmanager, arn, step or strategy_step(PASSWORD.name))


@contextmanager
def parameter_target(clients: Clients) -> Iterator[Rotatable]:
    """A SecureString under a CMK, rotated by rotation_handlers.parameter_store."""
    name = unique("/bench/parameter-")
    clients.ssm.put_parameter(
        Name=name, Value=INITIAL_PASSWORD, Type="SecureString", KeyId=KEY_ARN, Tier="Standard"
    )
    environ = {"PARAMETER_NAME": name, "KEY_ID": KEY_ARN, "TIER": "Standard"}
    yield ParameterRotation(clients.ssm, environ)


@contextmanager
def postgres_target(
    clients: Clients, strategy: str, server: PgServer, step: StepRunner | None = None
) -> Iterator[Rotatable]:
    """A new role on ``server`` and its secret; multi-user with the superuser as master."""
    with postgres_user(server) as user:
        value: dict[str, Any] = {
            "engine": "postgres",
            "host": server.host,
            "port": server.port,
            "username": user,
            "password": INITIAL_PASSWORD,
            "dbname": server.database,
            "ssl": False,
        }
        if REGISTRY[strategy].multi_user:
            master = {**value, "username": server.superuser, "password": server.password}
            value["masterarn"] = plain_secret(clients, master)
        arn = rotating_secret(clients, value, strategy)
        yield SecretRotation(clients.secretsmanager, arn, step or strategy_step(strategy))


@contextmanager
def mysql_target(clients: Clients, strategy: str) -> Iterator[Rotatable]:
    """A new database and user on the shared MariaDB and their secret; multi-user with a master
    holding exactly the documented privileges."""
    with mysql_sandbox() as sandbox:
        value: dict[str, Any] = {
            "engine": "mariadb",
            "host": MYSQL_HOST,
            "port": MYSQL_PORT,
            "username": sandbox.user(),
            "password": INITIAL_PASSWORD,
            "dbname": sandbox.database,
            "ssl": False,
        }
        if REGISTRY[strategy].multi_user:
            master_user, master_password = sandbox.master()
            master = {**value, "username": master_user, "password": master_password}
            value["masterarn"] = plain_secret(clients, master)
        arn = rotating_secret(clients, value, strategy)
        yield SecretRotation(clients.secretsmanager, arn, strategy_step(strategy))


@contextmanager
def target_for(
    strategy: str, clients: Clients, postgres: PgServer | None = None
) -> Iterator[Rotatable]:
    """The Rotatable for ``strategy`` (a PostgreSQL strategy needs ``postgres``)."""
    if strategy == PASSWORD.name:
        with password_target(clients) as target:
            yield target
    elif strategy == PARAMETER_STORE.name:
        with parameter_target(clients) as target:
            yield target
    elif engine_of(strategy) == POSTGRES.name:
        if postgres is None:
            raise ValueError(f"{strategy} needs a PostgreSQL server")
        with postgres_target(clients, strategy, postgres) as target:
            yield target
    elif engine_of(strategy) == MYSQL.name:
        with mysql_target(clients, strategy) as target:
            yield target
    else:
        raise ValueError(f"unknown strategy {strategy!r}")


def skipped(strategy: str, databases: LocalDatabases) -> str | None:
    """'skipped: <reason>' when the strategy's database is missing (a failure under CI=true),
    else None."""
    engine = engine_of(strategy)
    if engine == POSTGRES.name:
        return databases.postgres_status()
    if engine == MYSQL.name:
        return databases.mysql_status()
    return None
