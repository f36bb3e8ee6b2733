"""MySQL/MariaDB rotation against the real server on 127.0.0.1:3306 (root, empty password).

Every test makes its own database, users and master user (uuid-suffixed) and drops them
afterwards, so tests run in any order. The master is not root itself (root's password is
empty, and a database secret must hold a password): it is a user holding exactly the
privileges the mysql module's docstring lists, which this way are tested too.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
import ssl
import string
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymysql
import pytest

from rotation_handlers import mysql as mysql_module
from rotation_handlers import mysql_multi_user, mysql_single_user
from rotation_handlers.database import AlternatingUsersStrategy, DbSecret, TlsUnavailable
from rotation_handlers.mysql import MySqlEngine, username_limit
from rotation_handlers.mysql_grants import account, quote_ident, rewrite_grant, role_revocation
from rotation_handlers.protocol import (
    CURRENT,
    PENDING,
    PREVIOUS,
    STEPS,
    SecretValues,
    StrategyError,
    run_step,
)
from secretkit.embedded.moto_fidelity import enable_rotation
from secretkit.embedded.rotation_emulator import (
    PendingPlaceholder,
    RotationFailed,
    emulate_rotation,
)
from tests.rotation_handlers.conftest import (
    LAMBDA_ARN,
    count_calls,
    rotate,
    runner,
    stages,
    value_at,
)
from tests.rotation_handlers.tls_certificates import write_certificates

HOST = "127.0.0.1"
PORT = 3306
INITIAL = "Initial-Pass-1!"
MASTER_PASSWORD = "Master-Secret-Pass-9"
START_HINT = (
    "start MariaDB with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"
)
SINGLE = mysql_single_user.lambda_handler.strategy
MULTI = mysql_multi_user.lambda_handler.strategy


def unavailable(message: str) -> None:
    """Fail under CI (a missing server is a broken environment), skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _plaintext_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared MariaDB has no TLS (have_ssl=DISABLED): its secrets say ssl false, and the
    function allows that (rotation.tls "from-secret"). TLS tests set their own mode."""
    monkeypatch.setenv("TLS_MODE", "from-secret")


def root_connection(database: str | None = "test") -> Any:
    return pymysql.connect(
        host=HOST, port=PORT, user="root", password="", database=database, autocommit=True
    )


@pytest.fixture(scope="module")
def server() -> str:
    """The server's version string; skips (or fails under CI) when nobody listens."""
    try:
        connection = root_connection()
    except pymysql.err.MySQLError as error:
        unavailable(f"MariaDB is not reachable on {HOST}:{PORT} ({error}); {START_HINT}")
        raise  # unreachable: unavailable() raises
    version = str(connection.get_server_info())
    connection.close()
    return version


def run(connection: Any, sql: str, args: Any = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return list(cursor.fetchall())


@dataclass
class Sandbox:
    """One test's database, users and roles on the shared server (dropped afterwards)."""

    root: Any
    database: str
    users: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    def user(
        self,
        prefix: str = "app_",
        hosts: tuple[str, ...] = ("%",),
        password: str = INITIAL,
    ) -> str:
        """A user named ``prefix`` + 8 hex digits, with a spread of grants on the sandbox
        database, on every host given."""
        user = prefix + uuid.uuid4().hex[:8]
        self.users.append(user)
        for host in hosts:
            run(self.root, "CREATE USER %s@%s IDENTIFIED BY %s", (user, host, password))
            grantee = account(user, host)
            db = quote_ident(self.database)
            run(self.root, f"GRANT SELECT, INSERT ON {db}.* TO {grantee}")
            run(self.root, f"GRANT UPDATE (id) ON {db}.orders TO {grantee}")
            run(self.root, f"GRANT DELETE ON {db}.orders TO {grantee} WITH GRANT OPTION")
        return user

    def role(self) -> str:
        role = f"role_{uuid.uuid4().hex[:8]}"
        run(self.root, f"CREATE ROLE {quote_ident(role)}")
        self.roles.append(role)
        return role

    def master(self, *extra_grants: str) -> tuple[str, str]:
        """(user, password) of a master with the documented privileges, on host '%'."""
        user = f"master_{uuid.uuid4().hex[:8]}"
        self.users.append(user)
        grantee = account(user, "%")
        run(self.root, "CREATE USER %s@'%%' IDENTIFIED BY %s", (user, MASTER_PASSWORD))
        run(self.root, f"GRANT CREATE USER ON *.* TO {grantee}")
        run(self.root, f"GRANT SELECT ON mysql.* TO {grantee}")
        run(
            self.root,
            f"GRANT ALL PRIVILEGES ON {quote_ident(self.database)}.* TO {grantee} "
            "WITH GRANT OPTION",
        )
        for statement in extra_grants:
            run(self.root, statement.format(master=grantee))
        return user, MASTER_PASSWORD

    def drop(self) -> None:
        for user in self.users:
            rows = run(
                self.root,
                "SELECT User, Host FROM mysql.user WHERE User IN (%s, %s)",
                (user, user + "_clone"),
            )
            for name, host in rows:
                run(self.root, "DROP USER %s@%s", (name, host))
        for role in self.roles:
            run(self.root, f"DROP ROLE IF EXISTS {quote_ident(role)}")
        run(self.root, f"DROP DATABASE IF EXISTS {quote_ident(self.database)}")
        self.root.close()


@pytest.fixture
def sandbox(server: str) -> Iterator[Sandbox]:
    root = root_connection()
    box = Sandbox(root, f"sk_{uuid.uuid4().hex[:10]}")
    db = quote_ident(box.database)
    run(root, f"CREATE DATABASE {db}")
    run(root, f"CREATE TABLE {db}.orders (id int, note varchar(20))")
    run(root, f"INSERT INTO {db}.orders VALUES (1, 'first')")
    run(root, f"CREATE TABLE {db}.x (id int)")  # the table hostile names try to drop
    try:
        yield box
    finally:
        box.drop()


def connect(user: str, password: str, database: str | None = None) -> Any:
    return pymysql.connect(
        host=HOST, port=PORT, user=user, password=password, database=database, autocommit=True
    )


def can_login(user: str, password: str) -> bool:
    try:
        connect(user, password).close()
    except pymysql.err.OperationalError as error:
        if error.args[0] == 1045:
            return False
        raise
    return True


def reads_orders(secret: dict[str, Any]) -> bool:
    try:
        connection = connect(secret["username"], secret["password"], secret["dbname"])
    except pymysql.err.OperationalError:
        return False
    try:
        return bool(run(connection, "SELECT count(*) FROM orders")[0][0] >= 1)
    finally:
        connection.close()


def table_exists(sandbox: Sandbox, table: str) -> bool:
    rows = run(
        sandbox.root,
        "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
        (sandbox.database, table),
    )
    return bool(rows)


def app_secret(
    sm: Any,
    sandbox: Sandbox,
    user: str,
    password: str = INITIAL,
    engine: str = "mariadb",
    **extra: Any,
) -> str:
    value = {
        "engine": engine,
        "host": HOST,
        "port": PORT,
        "username": user,
        "password": password,
        "dbname": sandbox.database,
        "ssl": False,
        **extra,
    }
    arn: str = sm.create_secret(Name=f"db/{uuid.uuid4().hex[:8]}", SecretString=json.dumps(value))[
        "ARN"
    ]
    enable_rotation(arn, LAMBDA_ARN)
    return arn


def master_secret(sm: Any, credentials: tuple[str, str]) -> str:
    user, password = credentials
    value = {
        "engine": "mysql",
        "host": HOST,
        "port": PORT,
        "username": user,
        "password": password,
        "ssl": False,
    }
    arn: str = sm.create_secret(
        Name=f"db/master-{uuid.uuid4().hex[:8]}", SecretString=json.dumps(value)
    )["ARN"]
    return arn


def multi_user_secret(sm: Any, sandbox: Sandbox, user: str, *master_grants: str) -> str:
    master = master_secret(sm, sandbox.master(*master_grants))
    return app_secret(sm, sandbox, user, masterarn=master)


def secret_at(sm: Any, arn: str, stage: str = CURRENT) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(value_at(sm, arn, stage))
    return document


def hosts_of(sandbox: Sandbox, user: str) -> list[str]:
    rows = run(sandbox.root, "SELECT Host FROM mysql.user WHERE User = %s ORDER BY Host", (user,))
    return [str(row[0]) for row in rows]


def normalised_grants(sandbox: Sandbox, user: str, host: str) -> set[str]:
    """SHOW GRANTS with the grantee replaced and the password hash removed (independently of
    the module's parser, so the comparison checks it)."""
    grantee = f"{quote_ident(user)}@{quote_ident(host)}"
    lines = set()
    for (shown,) in run(sandbox.root, "SHOW GRANTS FOR %s@%s", (user, host)):
        line = re.sub(r" IDENTIFIED BY PASSWORD '[^']*'", "", str(shown))
        line = re.sub(  # column lists come in no fixed order
            r"\(([^()]*)\)", lambda m: "(" + ", ".join(sorted(m.group(1).split(", "))) + ")", line
        )
        assert line.count(grantee) == 1, line
        lines.add(line.replace(grantee, "<grantee>"))
    return lines


def access(sandbox: Sandbox, secret: dict[str, Any]) -> dict[str, bool]:
    """What the user can actually do to the sandbox's orders table."""
    connection = connect(secret["username"], secret["password"], sandbox.database)
    statements = {
        "select": "SELECT count(*) FROM orders",
        "insert": "INSERT INTO orders (id) VALUES (2)",
        "update id": "UPDATE orders SET id = id WHERE id = 1",
        "update note": "UPDATE orders SET note = note WHERE id = 1",
        "delete": "DELETE FROM orders WHERE id = 2",
        "drop": "DROP TABLE IF EXISTS no_such_table_here",
    }
    result = {}
    for name, sql in statements.items():
        try:
            run(connection, sql)
        except pymysql.err.MySQLError:
            result[name] = False
        else:
            result[name] = True
    connection.close()
    return result


# --- SHOW GRANTS parsing (no server needed) -----------------------------------------------------

TARGET = account("app_clone", "10.0.%")


@pytest.mark.parametrize(
    ("line", "user", "host", "expected"),
    [
        (
            "GRANT USAGE ON *.* TO `app`@`10.0.%` IDENTIFIED BY PASSWORD '*2B60229' "
            "REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 5",
            "app",
            "10.0.%",
            f"ALTER USER {TARGET} REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 5",
        ),
        (
            "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED VIA unix_socket OR "
            "mysql_native_password USING 'WITH x' WITH GRANT OPTION",
            "root",
            "localhost",
            f"GRANT ALL PRIVILEGES ON *.* TO {TARGET} WITH GRANT OPTION",
        ),
        (
            "GRANT SELECT, INSERT ON `db`.* TO 'o''b\\'r`n'@'%' WITH GRANT OPTION",
            "o'b'r`n",
            "%",
            f"GRANT SELECT, INSERT ON `db`.* TO {TARGET} WITH GRANT OPTION",
        ),
        (
            "GRANT UPDATE (`id`) ON `d`.`t` TO `o'b``r\"n; DROP TABLE x; --`@`h`",
            "o'b`r\"n; DROP TABLE x; --",
            "h",
            f"GRANT UPDATE (`id`) ON `d`.`t` TO {TARGET}",
        ),
        (  # the grantee, not an identical name earlier in the line, is replaced
            "GRANT SELECT ON `app`.`app` TO `app`@`%`",
            "app",
            "%",
            f"GRANT SELECT ON `app`.`app` TO {TARGET}",
        ),
        ("SET DEFAULT ROLE `r` FOR `app`@`%`", "app", "%", f"SET DEFAULT ROLE `r` FOR {TARGET}"),
        (
            "REVOKE INSERT ON `mysql`.* FROM `app`@`%`",
            "app",
            "%",
            f"REVOKE INSERT ON `mysql`.* FROM {TARGET}",
        ),
    ],
)
def test_grant_lines_are_rewritten_for_the_clone(
    line: str, user: str, host: str, expected: str
) -> None:
    rewritten = rewrite_grant(line, user, host, TARGET)
    assert rewritten is not None
    assert rewritten.sql == expected
    assert "PASSWORD" not in rewritten.sql


def test_the_global_usage_line_needs_no_global_grant_option() -> None:
    usage = rewrite_grant(
        "GRANT USAGE ON *.* TO 'app'@'%' IDENTIFIED BY PASSWORD '*AB'", "app", "%", TARGET
    )
    assert usage is not None
    assert usage.kind == "usage"  # nothing to run: the account exists
    limits = rewrite_grant(
        "GRANT USAGE ON *.* TO `app`@`%` WITH MAX_STATEMENT_TIME 3.000000", "app", "%", TARGET
    )
    assert limits is not None
    assert (limits.kind, limits.sql) == (
        "account",
        f"ALTER USER {TARGET} WITH MAX_STATEMENT_TIME 3.000000",
    )
    option = rewrite_grant("GRANT USAGE ON *.* TO `app`@`%` WITH GRANT OPTION", "app", "%", TARGET)
    assert option is not None
    assert (option.kind, option.sql) == (
        "privileges",
        f"GRANT USAGE ON *.* TO {TARGET} WITH GRANT OPTION",
    )


def test_column_order_does_not_make_grants_differ() -> None:
    one = rewrite_grant(
        "GRANT SELECT (`a`), UPDATE (`b`, `c`) ON `d`.`t` TO `u`@`%`", "u", "%", "x"
    )
    two = rewrite_grant(
        "GRANT SELECT (`a`), UPDATE (`c`, `b`) ON `d`.`t` TO `u`@`%`", "u", "%", "x"
    )
    other = rewrite_grant("GRANT SELECT (`a`), UPDATE (`b`) ON `d`.`t` TO `u`@`%`", "u", "%", "x")
    assert one is not None
    assert two is not None
    assert other is not None
    assert one.key == two.key
    assert one.key != other.key


def test_role_grants_and_proxy_grants() -> None:
    role = rewrite_grant("GRANT `r``1`,`r2`@`%` TO `app`@`%` WITH ADMIN OPTION", "app", "%", TARGET)
    assert role is not None
    assert role.kind == "role"
    assert role.sql == f"GRANT `r``1`,`r2`@`%` TO {TARGET} WITH ADMIN OPTION"
    assert role_revocation(role, TARGET) == f"REVOKE `r``1`,`r2`@`%` FROM {TARGET}"
    assert (
        rewrite_grant("GRANT PROXY ON ``@`%` TO `app`@`%` WITH GRANT OPTION", "app", "%", "x")
        is None
    )
    assert rewrite_grant("GRANT PROXY ON ''@'%' TO 'app'@'%'", "app", "%", TARGET) is None


def test_a_line_for_another_grantee_is_refused() -> None:
    with pytest.raises(StrategyError, match="cannot find the grantee"):
        rewrite_grant("GRANT SELECT ON *.* TO `other`@`%`", "app", "%", TARGET)
    with pytest.raises(StrategyError, match="unterminated quote"):
        rewrite_grant("GRANT SELECT ON *.* TO `app@`%`", "app", "%", TARGET)


def test_identifiers_and_name_limits() -> None:
    assert quote_ident("a`b") == "`a``b`"
    assert account("o'b", "%") == "`o'b`@`%`"
    with pytest.raises(StrategyError, match="NUL"):
        quote_ident("a\x00b")
    assert username_limit("5.5.5-10.11.19-MariaDB-0+deb12u1") == 80
    assert username_limit("8.0.36") == 32
    assert username_limit("5.7.44-log") == 32
    assert username_limit("5.6.51") == 16


# --- single user --------------------------------------------------------------------------------


def test_single_user_new_password_logs_in_and_the_old_does_not(sm: Any, sandbox: Sandbox) -> None:
    user = sandbox.user()
    arn = app_secret(sm, sandbox, user)
    assert rotate(sm, arn, SINGLE).succeeded
    new = secret_at(sm, arn)
    assert new["username"] == user
    assert new["password"] != INITIAL
    assert can_login(user, new["password"])
    assert not can_login(user, INITIAL)
    assert secret_at(sm, arn, PREVIOUS)["password"] == INITIAL
    assert reads_orders(new)


def test_single_user_crash_after_set_then_full_retry(sm: Any, sandbox: Sandbox) -> None:
    user = sandbox.user()
    arn = app_secret(sm, sandbox, user, engine="mysql")
    token = str(uuid.uuid4())
    with PendingPlaceholder(sm, arn, arn, token):
        for step in STEPS[:2]:  # createSecret, setSecret, then the function dies
            run_step(SINGLE, {"SecretId": arn, "ClientRequestToken": token, "Step": step}, sm)
    pending = secret_at(sm, arn, PENDING)["password"]
    assert can_login(user, pending)  # the database moved, the secret did not yet
    assert not can_login(user, secret_at(sm, arn)["password"])
    rotation = rotate(sm, arn, SINGLE, token=token)  # Secrets Manager retries everything
    assert [a.step for a in rotation.attempts] == list(STEPS)
    assert CURRENT in stages(sm, arn)[token]
    assert secret_at(sm, arn)["password"] == pending
    assert reads_orders(secret_at(sm, arn))


def test_single_user_rotation_recovers_from_the_previous_password(
    sm: Any, sandbox: Sandbox
) -> None:
    """Someone restored the old password after a rotation: the next one logs in with it."""
    user = sandbox.user()
    arn = app_secret(sm, sandbox, user)
    rotate(sm, arn, SINGLE)
    run(sandbox.root, "ALTER USER %s@'%%' IDENTIFIED BY %s", (user, INITIAL))
    rotate(sm, arn, SINGLE)
    assert can_login(user, secret_at(sm, arn)["password"])
    assert not can_login(user, INITIAL)


HOSTILE = ["o'brien", "back`tick", 'dq"; DROP TABLE x; --', "a'; DROP TABLE x; --`\\"]


@pytest.mark.parametrize("name", HOSTILE)
def test_single_user_hostile_names_are_handled_safely(sm: Any, sandbox: Sandbox, name: str) -> None:
    user = sandbox.user(name)
    arn = app_secret(sm, sandbox, user)
    rotate(sm, arn, SINGLE)
    assert can_login(user, secret_at(sm, arn)["password"])
    assert not can_login(user, INITIAL)
    assert table_exists(sandbox, "x")


def test_single_user_rotation_makes_at_most_ten_secrets_manager_calls(
    sm: Any, sandbox: Sandbox
) -> None:
    calls = count_calls(sm, app_secret(sm, sandbox, sandbox.user()), runner(SINGLE))
    assert len(calls) <= 10, calls
    assert calls == [
        "DescribeSecret",  # createSecret
        "GetSecretValue",
        "PutSecretValue",
        "DescribeSecret",  # setSecret: pending (refused), then current
        "GetSecretValue",
        "GetSecretValue",
        "DescribeSecret",  # testSecret
        "GetSecretValue",
        "DescribeSecret",  # finishSecret
        "UpdateSecretVersionStage",
    ]


def test_single_user_logs_hold_no_password(
    sm: Any, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = sandbox.user()
    arn = app_secret(sm, sandbox, user)
    rotate(sm, arn, SINGLE)
    new = secret_at(sm, arn)["password"]
    assert arn in caplog.text
    assert new not in caplog.text
    assert INITIAL not in caplog.text


def test_failure_messages_hold_no_password(
    sm: Any, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = sandbox.user()
    arn = app_secret(sm, sandbox, user, password="Wrong-Secret-Value-7")
    with pytest.raises(RotationFailed) as caught:
        rotate(sm, arn, SINGLE, max_attempts=1)
    assert "cannot log in as" in str(caught.value)
    assert "Wrong-Secret-Value-7" not in str(caught.value)
    pending = secret_at(sm, arn, PENDING)["password"]
    for text in (str(caught.value), caplog.text):
        assert "Wrong-Secret-Value-7" not in text
        assert pending not in text


def test_a_refused_statement_never_quotes_the_password(sandbox: Sandbox) -> None:
    """MariaDB quotes the statement near a syntax error, cut at 80 characters: the excerpt
    could end mid-password, where scrubbing the whole value cannot find it."""
    engine = MySqlEngine()
    connection = root_connection()
    password = "P" + "q" * 60 + "'\\-tail-of-the-Password"
    seen = SecretValues()
    with pytest.raises(StrategyError) as caught:
        engine._run(connection, "ALTER USERR x IDENTIFIED BY %s", seen, (password,), password)
    message = str(caught.value)
    assert "1064" in message
    assert "qqqqqqqqqq" not in message
    assert "tail-of" not in message
    connection.close()


# --- TLS: a private MariaDB with a certificate from a throwaway CA ------------------------------


@dataclass(frozen=True)
class TlsServer:
    port: int
    ca_file: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def tls_server() -> Iterator[TlsServer]:
    """A throwaway mariadbd with TLS on a free port (the shared one has have_ssl=DISABLED)."""
    daemon = shutil.which("mariadbd", path="/usr/sbin:/usr/bin:/usr/local/sbin")
    install = shutil.which("mariadb-install-db")
    if daemon is None or install is None:
        unavailable(
            "mariadbd / mariadb-install-db are not installed: apt-get install mariadb-server"
        )
    assert daemon is not None
    assert install is not None
    as_root = os.geteuid() == 0
    owner = ["--user=mysql"] if as_root else []
    root = Path(tempfile.mkdtemp(prefix="secretkit-mariadb-"))
    ca_file = write_certificates(root)
    if as_root:
        for path in [root, *root.iterdir()]:
            shutil.chown(path, "mysql")
    port = free_port()
    process = None
    try:
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                install,
                "--no-defaults",
                f"--datadir={root / 'data'}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *owner,
            ],
            check=True,
            capture_output=True,
        )
        process = subprocess.Popen(  # noqa: S603
            [
                daemon,
                "--no-defaults",
                f"--datadir={root / 'data'}",
                f"--port={port}",
                f"--bind-address={HOST}",
                f"--socket={root / 'sock'}",
                f"--pid-file={root / 'pid'}",
                f"--log-error={root / 'error.log'}",
                f"--ssl-cert={root / 'server.crt'}",
                f"--ssl-key={root / 'server.key'}",
                f"--ssl-ca={ca_file}",
                "--skip-name-resolve",
                *owner,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                pymysql.connect(host=HOST, port=port, user="root", password="").close()
                break
            except pymysql.err.OperationalError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (root / "error.log").read_text(errors="replace")[-2000:]
                    unavailable(f"the private TLS MariaDB did not start: {log}")
                time.sleep(0.2)
        yield TlsServer(port, ca_file)
    except subprocess.CalledProcessError as error:
        unavailable(f"mariadb-install-db failed: {error.stderr.decode(errors='replace')[-2000:]}")
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(root, ignore_errors=True)


def tls_user(server: TlsServer) -> str:
    """A user on the private server (which lives only as long as the module's tests)."""
    user = f"tls_{uuid.uuid4().hex[:8]}"
    connection = pymysql.connect(host=HOST, port=server.port, user="root", password="")
    run(connection, "CREATE USER %s@'%%' IDENTIFIED BY %s", (user, INITIAL))
    connection.close()
    return user


def tls_secret(server: TlsServer, user: str, ssl_setting: Any) -> DbSecret:
    document: dict[str, Any] = {
        "host": HOST,
        "port": server.port,
        "username": user,
        "password": INITIAL,
    }
    if ssl_setting is not None:
        document["ssl"] = ssl_setting
    return DbSecret.parse(json.dumps(document), "test", 3306)


def cipher(connection: Any) -> str:
    return str(run(connection, "SHOW SESSION STATUS LIKE 'Ssl_cipher'")[0][1])


@pytest.mark.parametrize(
    "case",
    [
        (None, None, True),
        (None, False, True),  # unset TLS_MODE is require: ssl false cannot weaken it
        ("from-secret", None, True),
        ("from-secret", False, False),
    ],
)
def test_tls_follows_the_secret_within_the_functions_tls_mode(
    tls_server: TlsServer, monkeypatch: pytest.MonkeyPatch, case: tuple[str | None, Any, bool]
) -> None:
    tls_mode, ssl_setting, encrypted = case
    monkeypatch.delenv("SSL_CA_BUNDLE", raising=False)
    if tls_mode is None:
        monkeypatch.delenv("TLS_MODE", raising=False)
    else:
        monkeypatch.setenv("TLS_MODE", tls_mode)
    connection = MySqlEngine().connect(tls_secret(tls_server, tls_user(tls_server), ssl_setting))
    assert bool(cipher(connection)) is encrypted
    connection.close()


def test_verified_tls_checks_the_server(
    tls_server: TlsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tls_user(tls_server)
    monkeypatch.delenv("TLS_MODE", raising=False)
    monkeypatch.delenv("SSL_CA_BUNDLE", raising=False)
    with pytest.raises(StrategyError, match="cannot connect to mysql") as caught:
        MySqlEngine().connect(tls_secret(tls_server, user, "verify"))  # not a trusted CA
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    connection = MySqlEngine().connect(tls_secret(tls_server, user, True))  # encrypted only
    assert cipher(connection)
    connection.close()
    monkeypatch.setenv("SSL_CA_BUNDLE", str(tls_server.ca_file))
    for ssl_setting in (True, "verify"):
        connection = MySqlEngine().connect(tls_secret(tls_server, user, ssl_setting))
        assert cipher(connection)
        connection.close()


def test_single_user_rotation_over_verified_tls(
    sm: Any, tls_server: TlsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CA_BUNDLE", str(tls_server.ca_file))
    monkeypatch.setenv("TLS_MODE", "verify")
    user = tls_user(tls_server)
    value = {"engine": "mariadb", "host": HOST, "port": tls_server.port, "username": user}
    arn: str = sm.create_secret(
        Name=f"db/{uuid.uuid4().hex[:8]}",
        SecretString=json.dumps({**value, "password": INITIAL, "ssl": True}),
    )["ARN"]
    enable_rotation(arn, LAMBDA_ARN)
    assert rotate(sm, arn, SINGLE).succeeded
    new = secret_at(sm, arn)["password"]
    connection = pymysql.connect(host=HOST, port=tls_server.port, user=user, password=new)
    connection.close()


def test_a_driver_that_drops_tls_silently_is_caught(
    tls_server: TlsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyMySQL before 2.2 continued in plaintext when TLS could not be had; the engine checks
    the session's cipher rather than trusting the driver."""
    guarded = mysql_module._guarded_connection()

    class DropsTls(guarded):  # type: ignore[misc, valid-type]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**{**kwargs, "ssl": None, "ssl_disabled": True})

    monkeypatch.setattr(mysql_module, "_guarded_connection", lambda: DropsTls)
    context = ssl.create_default_context(cafile=str(tls_server.ca_file))
    with pytest.raises(TlsUnavailable):
        MySqlEngine().open(tls_secret(tls_server, tls_user(tls_server), True), context)


# --- TLS refused: the shared server has have_ssl = DISABLED --------------------------------------


def tls_status(sandbox: Sandbox) -> str:
    return str(run(sandbox.root, "SHOW VARIABLES LIKE 'have_ssl'")[0][1])


def test_a_server_without_tls_is_told_apart_from_other_failures(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    if tls_status(sandbox) == "YES":
        pytest.skip("this MariaDB offers TLS")
    user = sandbox.user()
    document = {"host": HOST, "port": PORT, "username": user, "password": INITIAL}
    secret = DbSecret.parse(json.dumps(document), "test", 3306)
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    with pytest.raises(TlsUnavailable):
        MySqlEngine().open(secret, unverified)
    # No "ssl" key: TLS only, never a plaintext retry.
    monkeypatch.delenv("TLS_MODE")
    with pytest.raises(StrategyError, match="does not offer TLS, and TLS is required"):
        MySqlEngine().connect(secret)
    # Plaintext only when the secret says so and the function allows it.
    monkeypatch.setenv("TLS_MODE", "from-secret")
    plaintext = DbSecret.parse(json.dumps({**document, "ssl": False}), "test", 3306)
    connection = MySqlEngine().connect(plaintext)
    assert run(connection, "SHOW SESSION STATUS LIKE 'Ssl_cipher'")[0][1] == ""
    connection.close()


@pytest.mark.parametrize(("tls_mode", "ssl_setting"), [("from-secret", True), (None, False)])
def test_required_tls_fails_the_rotation_clearly(
    sm: Any,
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    tls_mode: str | None,
    ssl_setting: bool,
) -> None:
    if tls_status(sandbox) == "YES":
        pytest.skip("this MariaDB offers TLS")
    if tls_mode is None:
        monkeypatch.delenv("TLS_MODE")
    user = sandbox.user()
    arn = app_secret(sm, sandbox, user, ssl=ssl_setting)
    with pytest.raises(RotationFailed, match="does not offer TLS") as caught:
        rotate(sm, arn, SINGLE, max_attempts=1)
    if ssl_setting is False:
        assert 'set rotation.tls to "from-secret"' in str(caught.value)
    assert can_login(user, INITIAL)


def test_unreachable_server_is_a_strategy_error_without_the_password() -> None:
    secret = DbSecret.parse(
        json.dumps(
            {"host": HOST, "port": 1, "username": "nobody", "password": "Never-Shown-Pass-3"}
        ),
        "test",
        3306,
    )
    with pytest.raises(StrategyError, match=r"cannot connect to mysql at 127\.0\.0\.1:1") as caught:
        MySqlEngine().connect(secret)
    assert "Never-Shown-Pass-3" not in str(caught.value)


# --- alternating users --------------------------------------------------------------------------


def test_alternating_users_first_credentials_stop_after_two_rotations(
    sm: Any, sandbox: Sandbox
) -> None:
    user = sandbox.user()
    arn = multi_user_secret(sm, sandbox, user)
    rotate(sm, arn, MULTI)
    assert secret_at(sm, arn)["username"] == f"{user}_clone"
    assert can_login(user, INITIAL)  # the previous user is untouched
    rotate(sm, arn, MULTI)
    assert secret_at(sm, arn)["username"] == user
    assert not can_login(user, INITIAL)
    for stage in (CURRENT, PREVIOUS):
        secret = secret_at(sm, arn, stage)
        assert can_login(secret["username"], secret["password"])
        assert reads_orders(secret)


def test_alternating_users_crash_after_set_then_full_retry(sm: Any, sandbox: Sandbox) -> None:
    user = sandbox.user()
    arn = multi_user_secret(sm, sandbox, user)
    token = str(uuid.uuid4())
    with PendingPlaceholder(sm, arn, arn, token):
        for step in STEPS[:2]:
            run_step(MULTI, {"SecretId": arn, "ClientRequestToken": token, "Step": step}, sm)
    assert reads_orders(secret_at(sm, arn))  # still the original, untouched
    rotate(sm, arn, MULTI, token=token)
    secret = secret_at(sm, arn)
    assert CURRENT in stages(sm, arn)[token]
    assert secret["username"] == f"{user}_clone"
    assert reads_orders(secret)


def test_application_never_loses_access_over_three_rotations(sm: Any, sandbox: Sandbox) -> None:
    user = sandbox.user()
    arn = multi_user_secret(sm, sandbox, user)
    checks: list[bool] = []

    def application_then_step(event: dict[str, str], client: Any) -> None:
        checks.append(reads_orders(secret_at(sm, arn)))  # the app reads AWSCURRENT each time
        run_step(MULTI, event, client=client)
        checks.append(reads_orders(secret_at(sm, arn)))

    users = []
    for _ in range(3):
        assert emulate_rotation(sm, arn, application_then_step, first_delay=0).succeeded
        users.append(secret_at(sm, arn)["username"])
        checks.append(reads_orders(secret_at(sm, arn, PREVIOUS)))
    assert users == [f"{user}_clone", user, f"{user}_clone"]
    assert len(checks) == 3 * (2 * 4 + 1)
    assert all(checks)


def test_clone_grants_follow_the_original(sm: Any, sandbox: Sandbox) -> None:
    user = sandbox.user()
    clone = f"{user}_clone"
    db = quote_ident(sandbox.database)
    run(sandbox.root, f"ALTER USER {account(user, '%')} WITH MAX_QUERIES_PER_HOUR 1000")
    arn = multi_user_secret(sm, sandbox, user)

    rotate(sm, arn, MULTI)  # the clone is created and is AWSCURRENT
    assert normalised_grants(sandbox, clone, "%") == normalised_grants(sandbox, user, "%")
    assert any("MAX_QUERIES_PER_HOUR 1000" in g for g in normalised_grants(sandbox, clone, "%"))
    assert access(sandbox, secret_at(sm, arn)) == access(sandbox, secret_at(sm, arn, PREVIOUS))
    assert access(sandbox, secret_at(sm, arn)) == {
        "select": True,
        "insert": True,
        "update id": True,
        "update note": False,
        "delete": True,
        "drop": False,
    }

    # A grant to the original while the clone is in use reaches the clone at the next rotation.
    run(sandbox.root, f"GRANT UPDATE (note) ON {db}.orders TO {account(user, '%')}")
    assert access(sandbox, secret_at(sm, arn))["update note"] is False
    rotate(sm, arn, MULTI)  # the original is pending; the clone gains, loses nothing
    assert secret_at(sm, arn)["username"] == user
    assert access(sandbox, secret_at(sm, arn, PREVIOUS))["update note"] is True
    assert normalised_grants(sandbox, clone, "%") == normalised_grants(sandbox, user, "%")

    # A privilege taken from the original is taken from the clone when it is next pending.
    run(sandbox.root, f"REVOKE DELETE ON {db}.orders FROM {account(user, '%')}")
    rotate(sm, arn, MULTI)
    assert secret_at(sm, arn)["username"] == clone
    assert normalised_grants(sandbox, clone, "%") == normalised_grants(sandbox, user, "%")
    assert access(sandbox, secret_at(sm, arn)) == access(sandbox, secret_at(sm, arn, PREVIOUS))
    assert access(sandbox, secret_at(sm, arn))["delete"] is False


def test_clone_gets_roles_and_the_default_role(sm: Any, sandbox: Sandbox) -> None:
    role = sandbox.role()
    user = sandbox.user()
    db = quote_ident(sandbox.database)
    run(sandbox.root, f"GRANT SELECT ON {db}.x TO {quote_ident(role)}")
    run(sandbox.root, f"GRANT {quote_ident(role)} TO {account(user, '%')}")
    run(sandbox.root, f"SET DEFAULT ROLE {quote_ident(role)} FOR {account(user, '%')}")
    arn = multi_user_secret(
        sm,
        sandbox,
        user,
        f"GRANT {quote_ident(role)} TO {{master}} WITH ADMIN OPTION",
        "GRANT UPDATE ON mysql.* TO {master}",  # SET DEFAULT ROLE ... FOR another user
    )
    rotate(sm, arn, MULTI)
    clone = f"{user}_clone"
    assert normalised_grants(sandbox, clone, "%") == normalised_grants(sandbox, user, "%")
    secret = secret_at(sm, arn)
    connection = connect(secret["username"], secret["password"], sandbox.database)
    assert run(connection, "SELECT count(*) FROM x") == [(0,)]  # through the default role
    connection.close()


def test_clone_keeps_the_hosts_of_the_original(sm: Any, sandbox: Sandbox) -> None:
    user = sandbox.user(hosts=("127.0.0.1", "10.1.%"))
    arn = multi_user_secret(sm, sandbox, user)
    rotate(sm, arn, MULTI)
    clone = f"{user}_clone"
    assert hosts_of(sandbox, clone) == ["10.1.%", "127.0.0.1"]
    for host in ("127.0.0.1", "10.1.%"):
        assert normalised_grants(sandbox, clone, host) == normalised_grants(sandbox, user, host)
    secret = secret_at(sm, arn)
    assert secret["username"] == clone
    assert reads_orders(secret)
    rotate(sm, arn, MULTI)  # back to the original: its password changes on both hosts
    new_password = secret_at(sm, arn)["password"]
    assert reads_orders(secret_at(sm, arn))
    for host in ("127.0.0.1", "10.1.%"):
        (line,) = run(
            sandbox.root,
            "SELECT authentication_string = PASSWORD(%s) FROM mysql.user "
            "WHERE User = %s AND Host = %s",
            (new_password, user, host),
        )
        assert line == (1,)


@pytest.mark.parametrize("name", HOSTILE)
def test_alternating_users_hostile_names_are_handled_safely(
    sm: Any, sandbox: Sandbox, name: str
) -> None:
    user = sandbox.user(name)
    arn = multi_user_secret(sm, sandbox, user)
    rotate(sm, arn, MULTI)
    rotate(sm, arn, MULTI)
    rotate(sm, arn, MULTI)
    secret = secret_at(sm, arn)
    assert secret["username"] == user + "_clone"
    assert reads_orders(secret)
    assert normalised_grants(sandbox, user + "_clone", "%") == normalised_grants(sandbox, user, "%")
    assert table_exists(sandbox, "x")


def test_grants_on_dropped_tables_are_skipped(
    sm: Any, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    user = sandbox.user()
    db = quote_ident(sandbox.database)
    run(sandbox.root, f"CREATE TABLE {db}.gone (id int)")
    run(sandbox.root, f"GRANT SELECT ON {db}.gone TO {account(user, '%')}")
    run(sandbox.root, f"DROP TABLE {db}.gone")  # the grant stays behind
    arn = multi_user_secret(sm, sandbox, user)
    assert rotate(sm, arn, MULTI).succeeded
    assert reads_orders(secret_at(sm, arn))
    assert "no longer exists" in caplog.text


def test_alternating_users_logs_hold_no_password(
    sm: Any, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = sandbox.user()
    arn = multi_user_secret(sm, sandbox, user)
    rotate(sm, arn, MULTI)
    rotate(sm, arn, MULTI)
    for password in (
        INITIAL,
        MASTER_PASSWORD,
        secret_at(sm, arn)["password"],
        secret_at(sm, arn, PREVIOUS)["password"],
    ):
        assert password not in caplog.text
    assert "IDENTIFIED" not in caplog.text  # no statement (or password hash) is logged


def test_master_without_grant_option_fails_without_leaking(
    sm: Any, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = sandbox.user()
    db = quote_ident(sandbox.database)
    arn = multi_user_secret(sm, sandbox, user, f"REVOKE GRANT OPTION ON {db}.* FROM {{master}}")
    with pytest.raises(RotationFailed, match="MySQL refused a rotation statement: 1044") as caught:
        rotate(sm, arn, MULTI, max_attempts=1)
    pending = secret_at(sm, arn, PENDING)["password"]
    for text in (str(caught.value), caplog.text):
        assert pending not in text
        assert MASTER_PASSWORD not in text
    assert reads_orders(secret_at(sm, arn))  # the application is unaffected


def test_clone_name_too_long_for_mysql_is_refused(sandbox: Sandbox) -> None:
    engine = MySqlEngine()
    connection = root_connection()
    connection.get_server_info = lambda: "8.0.36"  # MySQL 8: user names up to 32 characters
    user = sandbox.user("u" * 19)  # 27 characters
    with pytest.raises(StrategyError, match="at most 26 characters"):
        engine.ensure_alternate(connection, user, user + "_clone", INITIAL, SecretValues())
    assert hosts_of(sandbox, user + "_clone") == []
    connection.close()


@pytest.mark.parametrize(
    ("engine", "length", "limit"), [("mariadb", 75, 74), ("mysql", 27, 26), ("MariaDB", 74, None)]
)
def test_clone_name_length_is_checked_before_anything_is_written(
    engine: str, length: int, limit: int | None
) -> None:
    secret = DbSecret(engine, "h", 3306, "u" * length, "pw-long", None, "require", None)
    strategy = AlternatingUsersStrategy(MySqlEngine())
    if limit is None:
        assert strategy.alternate(secret) == "u" * length + "_clone"
        return
    with pytest.raises(StrategyError, match=f"at most {limit} characters"):
        strategy.alternate(secret)


def test_strategies_are_named_after_the_engine() -> None:
    assert SINGLE.name == "mysql-single-user"
    assert MULTI.name == "mysql-multi-user"
    assert isinstance(MULTI, AlternatingUsersStrategy)


def test_grants_already_in_step_are_left_alone(
    sm: Any, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing is revoked and replayed when the clone already matches (no needless window
    without privileges for sessions of the user being re-synchronised)."""
    user = sandbox.user()
    arn = multi_user_secret(sm, sandbox, user)
    rotate(sm, arn, MULTI)
    assert "copied the grants of" in caplog.text
    caplog.clear()
    rotate(sm, arn, MULTI)
    rotate(sm, arn, MULTI)
    assert "the grants of" not in caplog.text
    assert normalised_grants(sandbox, user + "_clone", "%") == normalised_grants(sandbox, user, "%")


@pytest.mark.parametrize("strategy", [SINGLE, MULTI], ids=["single", "multi"])
def test_passwords_of_quotes_and_backslashes_are_bound_safely(
    sm: Any, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, strategy: Any
) -> None:
    hostile = "'\"\\%`;"
    monkeypatch.setenv(
        "EXCLUDE_CHARACTERS",
        (string.ascii_letters + string.digits + string.punctuation).translate(
            {ord(c): None for c in hostile}
        ),
    )
    user = sandbox.user()
    arn = (
        multi_user_secret(sm, sandbox, user) if strategy is MULTI else app_secret(sm, sandbox, user)
    )
    for _ in range(2):
        rotate(sm, arn, strategy)
        secret = secret_at(sm, arn)
        assert set(secret["password"]) <= set(hostile)
        assert reads_orders(secret)
    assert table_exists(sandbox, "x")
