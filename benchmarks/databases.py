"""The local databases: which are reachable, and throwaway users and databases on them.

PostgreSQL comes in two forms. The shared server on 127.0.0.1:5432 trusts every login, so
any password works there; the private cluster (started from the installed PostgreSQL binaries,
as the tests do) checks scram-sha-256 passwords, as RDS does. MariaDB is the shared server on
127.0.0.1:3306 (root, empty password). Everything created here is uniquely named and dropped.
"""

from __future__ import annotations

import glob
import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

INITIAL_PASSWORD = "Initial-Bench-Pass-1!"
MASTER_PASSWORD = "Master-Bench-Pass-9"
MYSQL_HOST, MYSQL_PORT = "127.0.0.1", 3306


class DatabaseUnavailable(Exception):
    """A database the benchmark needs cannot be used; the message says why."""


def missing(reason: str) -> str:
    """'skipped: <reason>' for the report; under CI=true a missing database is a failure."""
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"CI=true and a database is missing: {reason}")
    return f"skipped: {reason}"


def unique(prefix: str) -> str:
    """``prefix`` + 10 hex digits: a name no earlier or parallel run uses."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


# --- PostgreSQL ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PgServer:
    """Where and how to reach a PostgreSQL server as its superuser."""

    label: str
    host: str
    port: int
    superuser: str
    password: str
    database: str
    checks_passwords: bool


SHARED_POSTGRES = PgServer(
    label="shared 127.0.0.1:5432, trust auth",
    host="127.0.0.1",
    port=5432,
    superuser="postgres",
    password="ignored-by-trust-auth",  # noqa: S106 - a database secret must hold one
    database="test",
    checks_passwords=False,
)


def pg_connect(server: PgServer, user: str, password: str) -> Any:
    """A pg8000 connection (plaintext: these servers are local)."""
    import pg8000.native  # noqa: PLC0415 - the driver loads only when a database is used

    return pg8000.native.Connection(
        user=user,
        password=password,
        host=server.host,
        port=server.port,
        database=server.database,
        ssl_context=False,
        timeout=5,
    )


def check_postgres(server: PgServer) -> None:
    """DatabaseUnavailable unless the server accepts its superuser."""
    try:
        pg_connect(server, server.superuser, server.password).close()
    except Exception as error:
        raise DatabaseUnavailable(
            f"PostgreSQL is not reachable on {server.host}:{server.port} "
            f"({type(error).__name__}: {error})"
        ) from None


@contextmanager
def private_postgres() -> Iterator[PgServer]:
    """A throwaway scram-sha-256 cluster on a free port (the tests' own), stopped afterwards."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        raise DatabaseUnavailable(
            "no PostgreSQL server binaries (initdb) to start a private cluster that checks "
            "passwords: apt-get install postgresql"
        )
    from tests.rotation_handlers.postgres_cluster import (  # noqa: PLC0415
        start_cluster,
        stop_cluster,
    )

    try:
        cluster = start_cluster()
    except Exception as error:
        raise DatabaseUnavailable(
            f"the private PostgreSQL cluster did not start: {error}"
        ) from None
    try:
        yield PgServer(
            label=f"private cluster 127.0.0.1:{cluster.port}, scram-sha-256",
            host=cluster.host,
            port=cluster.port,
            superuser=cluster.superuser,
            password=cluster.password,
            database="postgres",
            checks_passwords=True,
        )
    finally:
        stop_cluster(cluster)


@contextmanager
def postgres_user(server: PgServer) -> Iterator[str]:
    """A login role with INITIAL_PASSWORD owning nothing, granted a table in its own schema;
    the role, its rotation clone and the schema are dropped afterwards."""
    from rotation_handlers.postgres import quote_ident, scram_verifier  # noqa: PLC0415

    admin = pg_connect(server, server.superuser, server.password)
    user, schema = unique("skbench_"), unique("skbench_s_")
    role, namespace = quote_ident(user), quote_ident(schema)
    try:
        admin.run(f"CREATE ROLE {role} LOGIN PASSWORD '{scram_verifier(INITIAL_PASSWORD)}'")
        admin.run(f"CREATE SCHEMA {namespace}")
        admin.run(f"CREATE TABLE {namespace}.orders (id int)")
        admin.run(f"GRANT USAGE ON SCHEMA {namespace} TO {role}")
        admin.run(f"GRANT SELECT, INSERT ON {namespace}.orders TO {role}")
        yield user
    finally:
        admin.run(f"DROP SCHEMA IF EXISTS {namespace} CASCADE")
        for name in (user + "_clone", user):
            if admin.run("SELECT 1 FROM pg_roles WHERE rolname = :name", name=name):
                admin.run(f"DROP OWNED BY {quote_ident(name)}")
                admin.run(f"DROP ROLE {quote_ident(name)}")
        admin.close()


# --- MariaDB / MySQL ----------------------------------------------------------------------------


def mysql_root(database: str | None = "test") -> Any:
    """root on the shared server (empty password)."""
    import pymysql  # noqa: PLC0415

    try:
        return pymysql.connect(
            host=MYSQL_HOST,
            port=MYSQL_PORT,
            user="root",
            password="",
            database=database,
            autocommit=True,
            connect_timeout=5,
        )
    except pymysql.err.MySQLError as error:
        raise DatabaseUnavailable(
            f"MariaDB is not reachable on {MYSQL_HOST}:{MYSQL_PORT} as root ({error})"
        ) from None


@dataclass
class MySqlSandbox:
    """One database with a table, and the users made on it (all dropped by mysql_sandbox)."""

    root: Any
    database: str
    users: list[str] = field(default_factory=list)

    def run(self, sql: str, args: Any = None) -> list[tuple[Any, ...]]:
        with self.root.cursor() as cursor:
            cursor.execute(sql, args)
            return list(cursor.fetchall())

    def user(self) -> str:
        """An application user on host '%' with INITIAL_PASSWORD and rights on the database."""
        from rotation_handlers.mysql_grants import account, quote_ident  # noqa: PLC0415

        user = unique("skb_")
        self.users.append(user)
        self.run("CREATE USER %s@'%%' IDENTIFIED BY %s", (user, INITIAL_PASSWORD))
        grantee, db = account(user, "%"), quote_ident(self.database)
        self.run(f"GRANT SELECT, INSERT ON {db}.* TO {grantee}")
        self.run(f"GRANT UPDATE (id) ON {db}.orders TO {grantee}")
        return user

    def master(self) -> tuple[str, str]:
        """(user, password) of a master with the privileges rotation_handlers.mysql documents
        for alternating users (root cannot be one: its password is empty)."""
        from rotation_handlers.mysql_grants import account, quote_ident  # noqa: PLC0415

        user = unique("skb_master_")
        self.users.append(user)
        grantee = account(user, "%")
        self.run("CREATE USER %s@'%%' IDENTIFIED BY %s", (user, MASTER_PASSWORD))
        self.run(f"GRANT CREATE USER ON *.* TO {grantee}")
        self.run(f"GRANT SELECT ON mysql.* TO {grantee}")
        self.run(
            f"GRANT ALL PRIVILEGES ON {quote_ident(self.database)}.* TO {grantee} WITH GRANT OPTION"
        )
        return user, MASTER_PASSWORD

    def drop(self) -> None:
        from rotation_handlers.mysql_grants import quote_ident  # noqa: PLC0415

        for user in self.users:
            rows = self.run(
                "SELECT User, Host FROM mysql.user WHERE User IN (%s, %s)", (user, user + "_clone")
            )
            for name, host in rows:
                self.run("DROP USER %s@%s", (name, host))
        self.run(f"DROP DATABASE IF EXISTS {quote_ident(self.database)}")


@contextmanager
def mysql_sandbox() -> Iterator[MySqlSandbox]:
    """A uniquely named database on the shared MariaDB, dropped with its users afterwards."""
    from rotation_handlers.mysql_grants import quote_ident  # noqa: PLC0415

    root = mysql_root()
    sandbox = MySqlSandbox(root, unique("skbench_"))
    db = quote_ident(sandbox.database)
    try:
        sandbox.run(f"CREATE DATABASE {db}")
        sandbox.run(f"CREATE TABLE {db}.orders (id int, note varchar(20))")
        yield sandbox
    finally:
        try:
            sandbox.drop()
        finally:
            root.close()


# --- what this machine offers -------------------------------------------------------------------


@dataclass
class LocalDatabases:
    """The servers reachable for this run, and why the others are not."""

    postgres: list[PgServer]
    """The private password-checking cluster first (when it starts), then the shared server."""
    postgres_missing: list[str]
    mysql_missing: str | None

    def postgres_status(self) -> str | None:
        """None when some PostgreSQL is usable, else 'skipped: ...' (a failure under CI)."""
        return None if self.postgres else missing("; ".join(self.postgres_missing))

    def mysql_status(self) -> str | None:
        """None when MariaDB is usable, else 'skipped: ...' (a failure under CI)."""
        return None if self.mysql_missing is None else missing(self.mysql_missing)


@contextmanager
def local_databases() -> Iterator[LocalDatabases]:
    """Start the private PostgreSQL cluster and probe the shared servers; stop it afterwards."""
    with ExitStack() as stack:
        servers: list[PgServer] = []
        reasons: list[str] = []
        try:
            servers.append(stack.enter_context(private_postgres()))
        except DatabaseUnavailable as error:
            reasons.append(str(error))
        try:
            check_postgres(SHARED_POSTGRES)
            servers.append(SHARED_POSTGRES)
        except DatabaseUnavailable as error:
            reasons.append(str(error))
        mysql_missing: str | None = None
        try:
            mysql_root().close()
        except DatabaseUnavailable as error:
            mysql_missing = str(error)
        yield LocalDatabases(servers, reasons, mysql_missing)
