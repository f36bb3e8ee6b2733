"""The rotation strategies secretkit ships: one entry each, read by every module that needs one.

Validation, the artifact builder, the CLI and the benchmarks all take the names, handler
modules, drivers and engines from here. Adding a strategy is one entry below plus its module in
rotation_handlers/ (and, for a new database driver, its pin: `make pins`).
"""

from __future__ import annotations

from dataclasses import dataclass

from secretkit.components.handlers_package import PACKAGE

#: What a strategy rotates: a Secrets Manager secret, or a Parameter Store parameter.
SECRETS_MANAGER, PARAMETER_STORE_SERVICE = "secretsmanager", "ssm"


@dataclass(frozen=True)
class Engine:
    """A database a strategy changes users on, and the driver its handlers connect with."""

    #: As rotation_handlers' engines name themselves ('postgres' in 'postgres-single-user').
    name: str
    #: The distribution the artifact ships (pinned in components/rotation/driver_pins.py).
    distribution: str
    #: The module a handler imports at its first connection.
    driver_module: str


POSTGRES = Engine("postgres", "pg8000", "pg8000.native")
MYSQL = Engine("mysql", "PyMySQL", "pymysql")


@dataclass(frozen=True)
class RotationStrategy:
    """One strategy: its name, the handler module deployed for it, and what that module needs."""

    #: As users write it (``rotation.strategy``), and as tags and reports show it.
    name: str
    #: The rotation_handlers module whose lambda_handler the function runs.
    module: str
    #: The database it changes a user on, or None (no driver shipped, no connection).
    engine: Engine | None = None
    #: Alternates two users, logging in with a master secret to change the other's password.
    multi_user: bool = False
    #: What it rotates (SECRETS_MANAGER, or PARAMETER_STORE_SERVICE for SecureParameter).
    service: str = SECRETS_MANAGER

    @property
    def import_path(self) -> str:
        """The handler module's dotted name (``rotation_handlers.<module>``)."""
        return f"{PACKAGE}.{self.module}"

    @property
    def driver(self) -> str | None:
        """The driver distribution the artifact ships, or None."""
        return self.engine.distribution if self.engine else None

    @property
    def sets_credential_in_use(self) -> bool:
        """Its setSecret changes the password of the user applications log in as (single-user
        database strategies): a rotation stopped after it leaves the database on the pending
        password."""
        return self.engine is not None and not self.multi_user


PASSWORD = RotationStrategy("password", "password")
POSTGRES_SINGLE_USER = RotationStrategy("postgres-single-user", "postgres_single_user", POSTGRES)
POSTGRES_MULTI_USER = RotationStrategy(
    "postgres-multi-user", "postgres_multi_user", POSTGRES, multi_user=True
)
MYSQL_SINGLE_USER = RotationStrategy("mysql-single-user", "mysql_single_user", MYSQL)
MYSQL_MULTI_USER = RotationStrategy("mysql-multi-user", "mysql_multi_user", MYSQL, multi_user=True)
#: SecureParameter's rotation (an EventBridge schedule, not Secrets Manager, invokes it).
PARAMETER_STORE = RotationStrategy(
    "parameter_store", "parameter_store", service=PARAMETER_STORE_SERVICE
)
#: Your own Strategy subclass, deployed from ``rotation.handler_module``: no module of ours.
CUSTOM = "custom"
#: A custom strategy's secretkit:strategy tag is this prefix, then its handler module.
CUSTOM_TAG_PREFIX = f"{CUSTOM}:"

#: Every strategy by name: RotatingSecret's, in the order messages list them, then
#: SecureParameter's.
REGISTRY: dict[str, RotationStrategy] = {
    strategy.name: strategy
    for strategy in (
        PASSWORD,
        POSTGRES_SINGLE_USER,
        POSTGRES_MULTI_USER,
        MYSQL_SINGLE_USER,
        MYSQL_MULTI_USER,
        PARAMETER_STORE,
    )
}
#: The strategies RotatingSecret and RotationFunction accept (besides CUSTOM), in that order.
SECRET_STRATEGIES = tuple(
    name for name, strategy in REGISTRY.items() if strategy.service == SECRETS_MANAGER
)


def lookup(name: str | None) -> RotationStrategy | None:
    """The registered strategy called ``name``; None for CUSTOM, None or an unknown name."""
    return REGISTRY.get(name) if name is not None else None


def of_module(module: str) -> RotationStrategy | None:
    """The registered strategy whose handler is rotation_handlers.<module>, if any."""
    return next((s for s in REGISTRY.values() if s.module == module), None)


def driver_of(name: str) -> str | None:
    """The driver distribution ``name``'s artifact ships, or None (none, or not registered)."""
    strategy = lookup(name)
    return strategy.driver if strategy else None


def connects_to_database(name: str) -> bool:
    """``name`` is a database strategy: it ships a driver and connects over TLS."""
    strategy = lookup(name)
    return strategy is not None and strategy.engine is not None


def alternates_users(name: str) -> bool:
    """``name`` is a multi-user strategy, which needs a master secret."""
    strategy = lookup(name)
    return strategy is not None and strategy.multi_user


def sets_credential_in_use(name: str | None) -> bool:
    """``name`` (a secretkit:strategy tag value, perhaps None) is a single-user database
    strategy: see RotationStrategy.sets_credential_in_use."""
    strategy = lookup(name)
    return strategy is not None and strategy.sets_credential_in_use


def drivers() -> list[str]:
    """The driver distributions the strategies ship, each once, sorted (what `make pins` pins)."""
    return sorted({s.driver for s in REGISTRY.values() if s.driver is not None})
