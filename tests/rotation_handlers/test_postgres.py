"""PostgreSQL rotation against a real server with scram-sha-256 (a private cluster)."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pg8000.native
import pytest

from rotation_handlers.database import AlternatingUsersStrategy, DbSecret, SingleUserStrategy
from rotation_handlers.postgres import PostgresEngine, quote_ident, scram_verifier
from rotation_handlers.protocol import CURRENT, PENDING, PREVIOUS, STEPS, StrategyError, run_step
from secretkit.embedded.moto_fidelity import enable_rotation
from secretkit.embedded.rotation_emulator import (
    PendingPlaceholder,
    RotationFailed,
    emulate_rotation,
)
from tests.rotation_handlers.conftest import LAMBDA_ARN, rotate, stages, value_at
from tests.rotation_handlers.postgres_cluster import Cluster, start_cluster, stop_cluster
from tests.rotation_handlers.tls_certificates import write_certificates

INITIAL = "Initial-Pass-1!"
SINGLE = SingleUserStrategy(PostgresEngine())
MULTI = AlternatingUsersStrategy(PostgresEngine())


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    started = start_cluster()
    yield started
    stop_cluster(started)


def connect(cluster: Cluster, user: str, password: str) -> Any:
    return pg8000.native.Connection(
        user=user, password=password, host=cluster.host, port=cluster.port, database="postgres"
    )


def can_login(cluster: Cluster, user: str, password: str) -> bool:
    try:
        connect(cluster, user, password).close()
    except pg8000.native.DatabaseError:
        return False
    return True


@pytest.fixture
def admin(cluster: Cluster) -> Iterator[Any]:
    connection = connect(cluster, cluster.superuser, cluster.password)
    yield connection
    connection.close()


@pytest.fixture
def make_user(admin: Any) -> Iterator[Callable[..., str]]:
    """Create a login role (and its table); drop it and its clone afterwards."""
    made: list[str] = []

    def make(name: str | None = None, password: str = INITIAL) -> str:
        user = name or f"app_{uuid.uuid4().hex[:8]}"
        admin.run(f"CREATE ROLE {quote_ident(user)} LOGIN PASSWORD '{scram_verifier(password)}'")
        schema = f"s_{uuid.uuid4().hex[:8]}"
        admin.run(f"CREATE SCHEMA {schema}")
        admin.run(f"CREATE TABLE {schema}.orders (id int)")
        admin.run(f"INSERT INTO {schema}.orders VALUES (1)")
        admin.run(f"GRANT USAGE ON SCHEMA {schema} TO {quote_ident(user)}")
        admin.run(f"GRANT SELECT, INSERT ON {schema}.orders TO {quote_ident(user)}")
        admin.run(f"GRANT CREATE ON SCHEMA {schema} TO {quote_ident(user)}")
        made.append(user)
        made.append(schema)
        return user

    yield make
    for index in range(0, len(made), 2):
        user, schema = made[index], made[index + 1]
        admin.run(f"DROP SCHEMA {schema} CASCADE")
        for role in (user + "_clone", user):
            if admin.run("SELECT 1 FROM pg_roles WHERE rolname = :r", r=role):
                admin.run(f"DROP OWNED BY {quote_ident(role)}")
                admin.run(f"DROP ROLE {quote_ident(role)}")


def schema_of(admin: Any, user: str) -> str:
    rows = admin.run(
        "SELECT n.nspname FROM pg_namespace n WHERE has_schema_privilege(:u, n.oid, 'CREATE') "
        "AND n.nspname LIKE 's\\_%'",
        u=user,
    )
    return str(rows[0][0])


def app_secret(sm: Any, cluster: Cluster, user: str, password: str = INITIAL, **extra: Any) -> str:
    value = {
        "engine": "postgres",
        "host": cluster.host,
        "port": cluster.port,
        "username": user,
        "password": password,
        "dbname": "postgres",
        "ssl": False,
        **extra,
    }
    arn: str = sm.create_secret(Name=f"db/{uuid.uuid4().hex[:8]}", SecretString=json.dumps(value))[
        "ARN"
    ]
    enable_rotation(arn, LAMBDA_ARN)
    return arn


def current(sm: Any, arn: str, stage: str = CURRENT) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(value_at(sm, arn, stage))
    return document


# --- single user --------------------------------------------------------------------------------


def test_single_user_new_password_logs_in_and_the_old_does_not(
    sm: Any, cluster: Cluster, make_user: Callable[..., str]
) -> None:
    user = make_user()
    arn = app_secret(sm, cluster, user)
    rotate(sm, arn, SINGLE)
    new = current(sm, arn)
    assert new["username"] == user
    assert new["password"] != "Initial-Pass-1!"
    assert can_login(cluster, user, new["password"])
    assert not can_login(cluster, user, "Initial-Pass-1!")
    assert current(sm, arn, PREVIOUS)["password"] == "Initial-Pass-1!"


def test_single_user_crash_after_set_then_full_retry(
    sm: Any, cluster: Cluster, make_user: Callable[..., str]
) -> None:
    user = make_user()
    arn = app_secret(sm, cluster, user)
    token = str(uuid.uuid4())
    with PendingPlaceholder(sm, arn, arn, token):
        for step in STEPS[:2]:  # createSecret, setSecret, then the function dies
            run_step(SINGLE, {"SecretId": arn, "ClientRequestToken": token, "Step": step}, sm)
    pending = current(sm, arn, PENDING)["password"]
    assert can_login(cluster, user, pending)  # the database moved, the secret did not yet
    rotate(sm, arn, SINGLE, token=token)  # Secrets Manager retries the whole rotation
    assert current(sm, arn)["password"] == pending
    assert can_login(cluster, user, pending)


@pytest.mark.parametrize("name", ["o'brien", 'app"; DROP TABLE guard; --', 'Mixed Case "q"'])
def test_hostile_user_names_are_quoted(
    sm: Any, cluster: Cluster, admin: Any, make_user: Callable[..., str], name: str
) -> None:
    admin.run("CREATE TABLE IF NOT EXISTS guard (id int)")
    user = make_user(name)
    arn = app_secret(sm, cluster, user)
    rotate(sm, arn, SINGLE)
    assert can_login(cluster, user, current(sm, arn)["password"])
    assert admin.run("SELECT count(*) FROM guard") == [[0]]


def test_password_is_neither_logged_nor_sent_in_plaintext(
    sm: Any, cluster: Cluster, make_user: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = make_user()
    arn = app_secret(sm, cluster, user)
    admin_connection = connect(cluster, cluster.superuser, cluster.password)
    admin_connection.run("ALTER SYSTEM SET log_statement = 'all'")
    admin_connection.run("SELECT pg_reload_conf()")
    try:
        rotate(sm, arn, SINGLE)
    finally:
        admin_connection.run("ALTER SYSTEM RESET log_statement")
        admin_connection.run("SELECT pg_reload_conf()")
        admin_connection.close()
    new = current(sm, arn)["password"]
    server_log = (cluster.directory / "log").read_text(errors="replace")
    assert "ALTER ROLE CURRENT_USER PASSWORD 'SCRAM-SHA-256$" in server_log
    assert new not in server_log
    assert new not in caplog.text
    assert "Initial-Pass-1!" not in caplog.text
    assert "SCRAM-SHA-256$" not in caplog.text


def test_driver_errors_are_reported_without_the_password(
    sm: Any, cluster: Cluster, make_user: Callable[..., str]
) -> None:
    user = make_user()
    arn = app_secret(sm, cluster, user, password="Wrong-Secret-Value-7")
    with pytest.raises(RotationFailed) as caught:
        rotate(sm, arn, SINGLE, max_attempts=1)
    message = str(caught.value)
    assert "cannot log in as" in message
    assert "Wrong-Secret-Value-7" not in message


class CountingSingleUser:
    """Counts Secrets Manager calls of a whole rotation (the handler's, not the emulator's)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, event: dict[str, str], client: Any) -> None:
        def hook(model: Any, **_: Any) -> None:
            self.calls.append(model.name)

        client.meta.events.register("before-call.secrets-manager.*", hook)
        try:
            self.step(event, client)
        finally:
            client.meta.events.unregister("before-call.secrets-manager.*", hook)

    def step(self, event: dict[str, str], client: Any) -> None:
        run_step(SINGLE, event, client=client)


class AwsTemplateSingleUser(CountingSingleUser):
    """The Secrets Manager call sequence of AWS's PostgreSQL single-user rotation template
    (SecretsManagerRDSPostgreSQLRotationSingleUser), doing the same database work."""

    def step(self, event: dict[str, str], client: Any) -> None:
        arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
        versions = client.describe_secret(SecretId=arn)["VersionIdsToStages"]
        if CURRENT in versions[token]:
            return

        def get(stage: str, version: str | None = None) -> dict[str, Any] | None:
            selector = {"VersionStage": stage, **({"VersionId": version} if version else {})}
            try:
                text = client.get_secret_value(SecretId=arn, **selector)["SecretString"]
            except client.exceptions.ResourceNotFoundException:
                return None
            document: dict[str, Any] = json.loads(text)
            return document

        engine = PostgresEngine()
        if step == "createSecret":
            current_value = get(CURRENT)
            assert current_value is not None
            if get(PENDING, token) is None:
                current_value["password"] = client.get_random_password(ExcludeCharacters="/@\"'\\")[
                    "RandomPassword"
                ]
                client.put_secret_value(
                    SecretId=arn,
                    ClientRequestToken=token,
                    SecretString=json.dumps(current_value),
                    VersionStages=[PENDING],
                )
        elif step == "setSecret":
            get(PREVIOUS)
            current_value, pending_value = get(CURRENT), get(PENDING, token)
            assert current_value is not None
            assert pending_value is not None
            connection = engine.connect(DbSecret.parse(json.dumps(current_value), "c", 5432))
            from rotation_handlers.protocol import SecretValues  # noqa: PLC0415

            engine.set_own_password(connection, pending_value["password"], SecretValues())
            engine.close(connection)
        elif step == "testSecret":
            get(PENDING, token)
        elif step == "finishSecret":
            described = client.describe_secret(SecretId=arn)["VersionIdsToStages"]
            current_version = next(v for v, s in described.items() if CURRENT in s)
            client.update_secret_version_stage(
                SecretId=arn,
                VersionStage=CURRENT,
                MoveToVersionId=token,
                RemoveFromVersionId=current_version,
            )


def test_single_user_makes_at_most_ten_calls_where_aws_makes_fourteen(
    sm: Any, cluster: Cluster, make_user: Callable[..., str]
) -> None:
    ours, theirs = CountingSingleUser(), AwsTemplateSingleUser()
    emulate_rotation(sm, app_secret(sm, cluster, make_user()), ours, first_delay=0)
    emulate_rotation(sm, app_secret(sm, cluster, make_user()), theirs, first_delay=0)
    assert len(ours.calls) == 10
    assert len(theirs.calls) == 14


# --- TLS ----------------------------------------------------------------------------------------


def ssl_in_use(connection: Any) -> bool:
    return bool(connection.run("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0][0])


def secret_for(cluster: Cluster, user: str, ssl: Any) -> DbSecret:
    document: dict[str, Any] = {
        "host": cluster.host,
        "port": cluster.port,
        "username": user,
        "password": "Initial-Pass-1!",
    }
    if ssl is not None:
        document["ssl"] = ssl
    return DbSecret.parse(json.dumps(document), "test", 5432)


@pytest.mark.parametrize(
    "case",
    [
        (None, None, True),
        (None, False, True),  # unset TLS_MODE is require: ssl false cannot weaken it
        ("require", "false", True),
        ("from-secret", None, True),
        ("from-secret", False, False),
        ("from-secret", "false", False),
    ],
)
def test_tls_follows_the_secret_within_the_functions_tls_mode(
    cluster: Cluster,
    make_user: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str | None, Any, bool],
) -> None:
    tls_mode, ssl, expect_tls = case
    monkeypatch.delenv("SSL_CA_BUNDLE", raising=False)
    if tls_mode is None:
        monkeypatch.delenv("TLS_MODE", raising=False)
    else:
        monkeypatch.setenv("TLS_MODE", tls_mode)
    connection = PostgresEngine().connect(secret_for(cluster, make_user(), ssl))
    assert ssl_in_use(connection) is expect_tls
    connection.close()


def test_verified_tls_checks_the_server_against_the_bundle(
    cluster: Cluster,
    make_user: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    user = make_user()
    monkeypatch.delenv("TLS_MODE", raising=False)
    monkeypatch.delenv("SSL_CA_BUNDLE", raising=False)
    # ssl "verify" without a bundle: the system's CAs, which do not know this cluster's CA
    with pytest.raises(StrategyError, match="cannot connect to postgres"):
        PostgresEngine().connect(secret_for(cluster, user, "verify"))
    # ssl true without a bundle: encrypted, certificate not checked
    connection = PostgresEngine().connect(secret_for(cluster, user, True))
    assert ssl_in_use(connection)
    connection.close()
    # with a bundle, require verifies too: another CA's bundle is refused, the right one works
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("SSL_CA_BUNDLE", str(write_certificates(other)))
    for ssl in (True, "verify"):
        with pytest.raises(StrategyError, match=r"cannot connect to postgres"):
            PostgresEngine().connect(secret_for(cluster, user, ssl))
    monkeypatch.setenv("SSL_CA_BUNDLE", str(cluster.ca_file))
    for ssl in (True, "verify"):
        connection = PostgresEngine().connect(secret_for(cluster, user, ssl))
        assert ssl_in_use(connection)
        connection.close()


def test_rotation_over_verified_tls(
    sm: Any, cluster: Cluster, make_user: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CA_BUNDLE", str(cluster.ca_file))
    user = make_user()
    arn = app_secret(sm, cluster, user, ssl=True)
    rotate(sm, arn, SINGLE)
    assert can_login(cluster, user, current(sm, arn)["password"])


# --- alternating users --------------------------------------------------------------------------


def master_secret(sm: Any, cluster: Cluster) -> str:
    value = {
        "engine": "postgres",
        "host": cluster.host,
        "port": cluster.port,
        "username": cluster.superuser,
        "password": cluster.password,
    }
    arn: str = sm.create_secret(
        Name=f"db/master-{uuid.uuid4().hex[:8]}", SecretString=json.dumps(value)
    )["ARN"]
    return arn


def reads_orders(cluster: Cluster, secret: dict[str, Any], schema: str) -> bool:
    try:
        connection = connect(cluster, secret["username"], secret["password"])
    except pg8000.native.DatabaseError:
        return False
    try:
        return bool(connection.run(f"SELECT count(*) FROM {schema}.orders")[0][0] >= 1)
    finally:
        connection.close()


def test_alternating_users_never_lose_access_over_three_rotations(
    sm: Any, cluster: Cluster, admin: Any, make_user: Callable[..., str]
) -> None:
    user = make_user()
    schema = schema_of(admin, user)
    arn = app_secret(sm, cluster, user, masterarn=master_secret(sm, cluster))
    checks: list[bool] = []

    def application_then_step(event: dict[str, str], client: Any) -> None:
        checks.append(reads_orders(cluster, current(sm, arn), schema))
        run_step(MULTI, event, client=client)

    users = []
    for _ in range(3):
        emulate_rotation(sm, arn, application_then_step, first_delay=0)
        users.append(current(sm, arn)["username"])
        checks.append(reads_orders(cluster, current(sm, arn), schema))
        checks.append(reads_orders(cluster, current(sm, arn, PREVIOUS), schema))
    assert all(checks)
    assert len(checks) == 3 * (4 + 2)
    assert users == [f"{user}_clone", user, f"{user}_clone"]


def test_alternating_users_old_credentials_stop_working_after_two_rotations(
    sm: Any, cluster: Cluster, make_user: Callable[..., str]
) -> None:
    user = make_user()
    arn = app_secret(sm, cluster, user, masterarn=master_secret(sm, cluster))
    rotate(sm, arn, MULTI)
    assert can_login(cluster, user, "Initial-Pass-1!")  # the previous user is untouched
    rotate(sm, arn, MULTI)
    assert not can_login(cluster, user, "Initial-Pass-1!")
    for stage in (CURRENT, PREVIOUS):
        secret = current(sm, arn, stage)
        assert can_login(cluster, secret["username"], secret["password"])


PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")


def privileges(admin: Any, role: str, schema: str) -> dict[str, bool]:
    found = {
        p: bool(
            admin.run(f"SELECT has_table_privilege(:r, '{schema}.orders', :p)", r=role, p=p)[0][0]
        )
        for p in PRIVILEGES
    }
    found["CREATE"] = bool(
        admin.run("SELECT has_schema_privilege(:r, :s, 'CREATE')", r=role, s=schema)[0][0]
    )
    return found


def test_clone_has_the_originals_privileges_and_shares_its_objects(
    sm: Any, cluster: Cluster, admin: Any, make_user: Callable[..., str]
) -> None:
    user = make_user()
    schema = schema_of(admin, user)
    arn = app_secret(sm, cluster, user, masterarn=master_secret(sm, cluster))
    rotate(sm, arn, MULTI)
    clone = current(sm, arn)
    assert clone["username"] == f"{user}_clone"
    assert privileges(admin, clone["username"], schema) == privileges(admin, user, schema)
    # A grant made to the original later reaches the clone too.
    admin.run(f"GRANT UPDATE ON {schema}.orders TO {quote_ident(user)}")
    assert privileges(admin, clone["username"], schema)["UPDATE"] is True
    # What the clone creates belongs to the original, so the original can use it.
    as_clone = connect(cluster, clone["username"], clone["password"])
    as_clone.run(f"CREATE TABLE {schema}.made_by_clone (id int)")
    as_clone.close()
    owner = admin.run(
        "SELECT tableowner FROM pg_tables WHERE schemaname = :s AND tablename = 'made_by_clone'",
        s=schema,
    )
    assert owner == [[user]]
    as_original = connect(cluster, user, "Initial-Pass-1!")
    assert as_original.run(f"SELECT count(*) FROM {schema}.made_by_clone") == [[0]]
    as_original.close()


def test_alternating_users_crash_after_set_then_retry(
    sm: Any, cluster: Cluster, make_user: Callable[..., str]
) -> None:
    user = make_user()
    arn = app_secret(sm, cluster, user, masterarn=master_secret(sm, cluster))
    token = str(uuid.uuid4())
    with PendingPlaceholder(sm, arn, arn, token):
        for step in STEPS[:2]:
            run_step(MULTI, {"SecretId": arn, "ClientRequestToken": token, "Step": step}, sm)
    rotate(sm, arn, MULTI, token=token)
    secret = current(sm, arn)
    assert CURRENT in stages(sm, arn)[token]
    assert can_login(cluster, secret["username"], secret["password"])


def test_hostile_name_gets_a_quoted_clone(
    sm: Any, cluster: Cluster, make_user: Callable[..., str]
) -> None:
    user = make_user("o're\"il; --ly")
    arn = app_secret(sm, cluster, user, masterarn=master_secret(sm, cluster))
    rotate(sm, arn, MULTI)
    secret = current(sm, arn)
    assert secret["username"] == user + "_clone"
    assert can_login(cluster, secret["username"], secret["password"])


def test_master_secret_must_match_the_configured_one(
    sm: Any, cluster: Cluster, make_user: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    arn = app_secret(sm, cluster, make_user(), masterarn=master_secret(sm, cluster))
    monkeypatch.setenv(
        "MASTER_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:x"
    )
    with pytest.raises(RotationFailed, match="but the function is configured for"):
        rotate(sm, arn, MULTI, max_attempts=1)
