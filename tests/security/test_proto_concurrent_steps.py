"""Issue 12, item 7: two invocations of the same step with the same token (Secrets Manager
retries while a slow invocation still runs) both succeed, where AWS allows it.

Each race is made deterministic: the other invocation runs to its end at the exact point where
it hurts (a hook in the engine or on the client), or a second session holds the same catalog
row until the handler's statement waits on it. Before the fix the losing invocation failed:
finishSecret with InvalidParameterException, MySQL's CREATE USER with 1396, PostgreSQL's CREATE
ROLE with 42710 and a concurrent catalog change with XX000/23505, and single-user setSecret with
"cannot log in".
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from rotation_handlers.database import AlternatingUsersStrategy, DbSecret, SingleUserStrategy
from rotation_handlers.mysql import MySqlEngine
from rotation_handlers.password import PasswordStrategy
from rotation_handlers.postgres import PostgresEngine, quote_ident
from rotation_handlers.protocol import CURRENT, PREVIOUS, STEPS, SecretValues, Strategy
from secretkit.embedded.rotation_emulator import PendingPlaceholder
from tests.rotation_handlers import test_mysql as mysql_tests
from tests.rotation_handlers import test_postgres as pg_tests
from tests.rotation_handlers.conftest import make_secret, stages
from tests.rotation_handlers.postgres_cluster import Cluster
from tests.rotation_handlers.test_mysql import Sandbox
from tests.rotation_handlers.test_mysql import can_login as mysql_can_login
from tests.rotation_handlers.test_mysql import master_secret as mysql_master_secret
from tests.rotation_handlers.test_postgres import INITIAL, can_login, connect
from tests.rotation_handlers.test_postgres import master_secret as pg_master_secret
from tests.security.proto_support import db_secret, password_of, step

REGION = "us-east-1"

# Database fixtures of tests/rotation_handlers: the private PostgreSQL cluster
# (scram-sha-256) and sandboxes on the shared MariaDB.
sandbox = mysql_tests.sandbox
server = mysql_tests.server
admin = pg_tests.admin
cluster = pg_tests.cluster
make_user = pg_tests.make_user


@pytest.fixture(autouse=True)
def tls_from_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local servers without TLS: the secrets opt out of it (ssl: false)."""
    monkeypatch.setenv("TLS_MODE", "from-secret")


def before_statement(
    monkeypatch: pytest.MonkeyPatch, engine: Any, prefix: str, race: Callable[[], None]
) -> list[str]:
    """Run ``race`` once, just before the engine's first statement starting with ``prefix``;
    returns the statements' first words as they ran (no values)."""
    original = engine._run
    ran: list[str] = []

    def hooked(connection: Any, sql: str, seen: SecretValues, *args: Any, **kwargs: Any) -> Any:
        if sql.startswith(prefix) and not ran.count("race"):
            ran.append("race")
            race()
        ran.append(" ".join(sql.split()[:2]))
        return original(connection, sql, seen, *args, **kwargs)

    monkeypatch.setattr(engine, "_run", hooked)
    return ran


def created(strategy: Strategy, sm: Any, arn: str) -> str:
    """A rotation's token after createSecret (the placeholder has its value then)."""
    token = str(uuid.uuid4())
    with PendingPlaceholder(sm, arn, arn, token):
        step(strategy, sm, arn, token, STEPS[0])
    return token


# --- finishSecret, on moto ----------------------------------------------------------------------


def test_concurrent_finish_secret_both_succeed(sm: Any) -> None:
    arn = make_secret(sm, '{"username": "app", "password": "old-Password-1!"}')
    old = next(v for v, s in stages(sm, arn).items() if CURRENT in s)
    token = str(uuid.uuid4())
    strategy = PasswordStrategy()
    with PendingPlaceholder(sm, arn, arn, token):
        for name in STEPS[:3]:
            step(strategy, sm, arn, token, name)
    other = boto3.client("secretsmanager", region_name=REGION)
    fired: list[bool] = []

    def winner_finishes_first(**_: Any) -> None:
        # The loser has read the stages (AWSCURRENT on the old version); the winner now moves
        # AWSCURRENT before the loser's UpdateSecretVersionStage reaches AWS.
        if not fired:
            fired.append(True)
            step(strategy, other, arn, token, "finishSecret")

    sm.meta.events.register(
        "before-call.secrets-manager.UpdateSecretVersionStage", winner_finishes_first
    )
    step(strategy, sm, arn, token, "finishSecret")  # the loser: must succeed too
    assert fired
    versions = stages(sm, arn)
    assert CURRENT in versions[token]
    assert versions[old] == [PREVIOUS]


def test_a_finish_that_fails_for_another_reason_still_fails(sm: Any) -> None:
    """The stage move fails, and the token did not become AWSCURRENT: the error stands."""
    arn = make_secret(sm, '{"username": "app", "password": "old-Password-1!"}')
    token = str(uuid.uuid4())
    strategy = PasswordStrategy()
    with PendingPlaceholder(sm, arn, arn, token):
        for name in STEPS[:3]:
            step(strategy, sm, arn, token, name)
    other = boto3.client("secretsmanager", region_name=REGION)
    third = str(uuid.uuid4())

    def someone_else_moves_current(**_: Any) -> None:
        if third not in stages(other, arn):
            other.put_secret_value(SecretId=arn, ClientRequestToken=third, SecretString="x")

    sm.meta.events.register(
        "before-call.secrets-manager.UpdateSecretVersionStage", someone_else_moves_current
    )
    with pytest.raises(Exception, match="InvalidParameterException"):
        step(strategy, sm, arn, token, "finishSecret")
    assert CURRENT in stages(sm, arn)[third]


# --- single-user setSecret: the other invocation changed the password meanwhile ----------------


def racing_logins(
    monkeypatch: pytest.MonkeyPatch, engine: Any, at: int, race: Callable[[], None]
) -> None:
    """Run ``race`` just before the engine's ``at``-th login attempt (1-based)."""
    original = engine.try_login
    count = [0]

    def hooked(secret: DbSecret) -> Any:
        count[0] += 1
        if count[0] == at:
            race()
        return original(secret)

    monkeypatch.setattr(engine, "try_login", hooked)


def test_postgres_single_user_set_secret_twice_at_once(
    sm: Any, cluster: Cluster, make_user: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user()
    arn = db_secret(sm, cluster.host, cluster.port, user, INITIAL, dbname="postgres")
    plain = SingleUserStrategy(PostgresEngine())
    token = created(plain, sm, arn)
    loser = SingleUserStrategy(PostgresEngine())
    # The loser tried the pending password (refused: not set yet); before it tries the current
    # one, the winner logs in with it and sets the pending password.
    racing_logins(monkeypatch, loser.engine, 2, lambda: step(plain, sm, arn, token, "setSecret"))
    step(loser, sm, arn, token, "setSecret")
    pending = password_of(sm, arn, version=token)
    assert can_login(cluster, user, pending)
    assert not can_login(cluster, user, INITIAL)


def test_mariadb_single_user_set_secret_twice_at_once(
    sm: Any, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = sandbox.user()
    arn = db_secret(sm, "127.0.0.1", 3306, user, INITIAL, engine="mariadb", dbname=sandbox.database)
    plain = SingleUserStrategy(MySqlEngine())
    token = created(plain, sm, arn)
    loser = SingleUserStrategy(MySqlEngine())
    racing_logins(monkeypatch, loser.engine, 2, lambda: step(plain, sm, arn, token, "setSecret"))
    step(loser, sm, arn, token, "setSecret")
    assert mysql_can_login(user, password_of(sm, arn, version=token))
    assert not mysql_can_login(user, INITIAL)


# --- alternating users: creating the clone twice at once ----------------------------------------


def test_mariadb_create_user_of_the_clone_twice_at_once(
    sm: Any, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = sandbox.user()
    master = mysql_master_secret(sm, sandbox.master())
    arn = db_secret(
        sm,
        "127.0.0.1",
        3306,
        user,
        INITIAL,
        engine="mariadb",
        dbname=sandbox.database,
        masterarn=master,
    )
    plain = AlternatingUsersStrategy(MySqlEngine())
    token = created(plain, sm, arn)
    loser = AlternatingUsersStrategy(MySqlEngine())
    # The loser found no clone; the winner creates it (and sets its password) before the
    # loser's CREATE USER.
    ran = before_statement(
        monkeypatch, loser.engine, "CREATE USER", lambda: step(plain, sm, arn, token, "setSecret")
    )
    step(loser, sm, arn, token, "setSecret")
    assert "race" in ran
    assert mysql_can_login(user + "_clone", password_of(sm, arn, version=token))
    step(loser, sm, arn, token, "testSecret")


def test_postgres_create_role_of_the_clone_twice_at_once(
    sm: Any, cluster: Cluster, make_user: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user()
    arn = db_secret(
        sm,
        cluster.host,
        cluster.port,
        user,
        INITIAL,
        dbname="postgres",
        masterarn=pg_master_secret(sm, cluster),
    )
    plain = AlternatingUsersStrategy(PostgresEngine())
    token = created(plain, sm, arn)
    loser = AlternatingUsersStrategy(PostgresEngine())
    ran = before_statement(
        monkeypatch, loser.engine, "CREATE ROLE", lambda: step(plain, sm, arn, token, "setSecret")
    )
    step(loser, sm, arn, token, "setSecret")
    assert "race" in ran
    assert can_login(cluster, user + "_clone", password_of(sm, arn, version=token))


# --- PostgreSQL: the same catalog row changed by two sessions at once ---------------------------


class HeldRow:
    """A second session that changes a catalog row inside an open transaction, and commits
    only once the handler's statement waits for that row (so the handler's statement finds a
    row changed under it: XX000 "tuple concurrently updated", or 23505 for an insert)."""

    def __init__(self, cluster: Cluster, sql: str, waiting_query: str) -> None:
        self.cluster = cluster
        self.sql = sql
        self.waiting_query = waiting_query
        self.saw_wait = False
        self.thread: threading.Thread | None = None

    def __call__(self) -> None:
        holder = connect(self.cluster, self.cluster.superuser, self.cluster.password)
        holder.run("BEGIN")
        holder.run(self.sql)
        self.thread = threading.Thread(target=self._commit_when_waited_on, args=(holder,))
        self.thread.start()

    def _commit_when_waited_on(self, holder: Any) -> None:
        watcher = connect(self.cluster, self.cluster.superuser, self.cluster.password)
        try:
            deadline = time.monotonic() + 60  # a safety net only: the wait comes at once
            while time.monotonic() < deadline:
                rows = watcher.run(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE :q",
                    q=self.waiting_query + "%",
                )
                if rows[0][0]:
                    self.saw_wait = True
                    break
                time.sleep(0.02)
        finally:
            holder.run("COMMIT")
            holder.close()
            watcher.close()


@dataclass(frozen=True)
class MultiUser:
    """An alternating-users secret on the private cluster, after createSecret."""

    cluster: Cluster
    user: str
    arn: str
    token: str


@pytest.fixture
def multi_user_pg(sm: Any, cluster: Cluster, make_user: Callable[..., str]) -> MultiUser:
    user = make_user()
    arn = db_secret(
        sm,
        cluster.host,
        cluster.port,
        user,
        INITIAL,
        dbname="postgres",
        masterarn=pg_master_secret(sm, cluster),
    )
    return MultiUser(
        cluster, user, arn, created(AlternatingUsersStrategy(PostgresEngine()), sm, arn)
    )


@pytest.mark.parametrize("statement", ["GRANT", "ALTER ROLE SET", "ALTER ROLE PASSWORD"])
def test_postgres_catalog_row_changed_by_a_concurrent_invocation(
    sm: Any,
    admin: Any,
    multi_user_pg: MultiUser,
    monkeypatch: pytest.MonkeyPatch,
    statement: str,
) -> None:
    cluster, user, arn, token = (
        multi_user_pg.cluster,
        multi_user_pg.user,
        multi_user_pg.arn,
        multi_user_pg.token,
    )
    clone = quote_ident(user + "_clone")
    if statement != "GRANT":
        # The clone and its settings exist already (a retried rotation): ALTER ROLE updates
        # rows, which a concurrent update turns into XX000.
        admin.run(f"CREATE ROLE {clone} LOGIN")
        admin.run(f"GRANT {quote_ident(user)} TO {clone}")
        admin.run(f"ALTER ROLE {clone} SET role TO {quote_ident(user)}")
    concurrent = {
        "GRANT": (f"GRANT {quote_ident(user)} TO {clone}", f"GRANT {quote_ident(user)}"),
        "ALTER ROLE SET": (
            f"ALTER ROLE {clone} SET role TO {quote_ident(user)}",
            f"ALTER ROLE {clone} SET",
        ),
        "ALTER ROLE PASSWORD": (
            f"ALTER ROLE {clone} PASSWORD 'Concurrent-Other-1'",
            f"ALTER ROLE {clone} PASSWORD",
        ),
    }
    sql, prefix = concurrent[statement]
    held = HeldRow(cluster, sql, prefix)
    strategy = AlternatingUsersStrategy(PostgresEngine())
    before_statement(monkeypatch, strategy.engine, prefix, held)
    try:
        step(strategy, sm, arn, token, "setSecret")
    finally:
        if held.thread is not None:
            held.thread.join()
    assert held.saw_wait, "the handler's statement never waited for the held row"
    assert can_login(cluster, user + "_clone", password_of(sm, arn, version=token))
    step(strategy, sm, arn, token, "testSecret")


def test_a_real_statement_error_is_not_retried(
    sm: Any, multi_user_pg: MultiUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the concurrent-change codes are retried: anything else fails at once."""
    arn, token = multi_user_pg.arn, multi_user_pg.token
    engine = PostgresEngine()
    strategy = AlternatingUsersStrategy(engine)
    original = engine._run
    grants: list[str] = []

    def refuse_grant(connection: Any, sql: str, seen: SecretValues, **params: Any) -> Any:
        if sql.startswith("GRANT"):
            grants.append(sql)
            sql = "GRANT no_such_role_x TO no_such_role_y"  # 42704 undefined_object
        return original(connection, sql, seen, **params)

    monkeypatch.setattr(engine, "_run", refuse_grant)
    with pytest.raises(Exception, match="42704"):
        step(strategy, sm, arn, token, "setSecret")
    assert len(grants) == 1
