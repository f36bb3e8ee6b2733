"""MySQL and MariaDB for the database strategies, through PyMySQL (pure Python, in the artifact).

Passwords are bound as statement parameters (PyMySQL escapes them on the client, honouring
NO_BACKSLASH_ESCAPES); identifiers the handler writes into SQL are backtick-quoted with
embedded backticks doubled. Error text from the server is scrubbed of every secret value, and
the ``near '...'`` excerpt a syntax error quotes is dropped from statements that carry one.

Single user: the user changes its own password, which needs no privilege
(``SET PASSWORD = PASSWORD(...)`` on MariaDB; ``SET PASSWORD = ...`` on MySQL 5.7.6+). Only the
account the login matched (user@host) changes.

Alternating users: ``<user>`` (the original) and ``<user>_clone`` take turns. The original is
the source of truth for privileges: grant to it, never to the clone. For every host the
original has an account on (``'app'@'10.0.%'``, ``'app'@'%'``, ...), the clone gets an account
on the same host, and on every rotation its grants are compared with the original's
(``SHOW GRANTS``, password hashes and PROXY grants left out):

- when the clone is the pending user (nobody logs in with it until finishSecret), it is made
  an exact copy: its roles and privileges are revoked (on MariaDB also REQUIRE, resource limits
  and default role are reset) and the original's grants replayed;
- when the original is the pending user, the clone is the one applications use, so it only
  gains what the original gained; a privilege taken from the original is taken from the clone
  at the next rotation, when the clone is pending again.

Nothing is done when the two already agree. Grants on a table or routine that no longer exists
(MySQL keeps table grants after DROP TABLE) cannot be replayed and are skipped with a warning.

Privileges the master user (``masterarn``) needs for alternating users:

- ``CREATE USER`` on ``*.*`` (create the clone, ALTER USER ... IDENTIFIED BY, REVOKE ALL);
- ``SELECT`` on ``mysql.*``: reading ``mysql.user`` and ``SHOW GRANTS FOR`` another account
  both need it (``SELECT`` on ``mysql.user`` alone is not enough for SHOW GRANTS);
- every privilege the original user holds, ``WITH GRANT OPTION`` at the same level or above
  (e.g. ``GRANT SELECT, INSERT ON app.* TO master WITH GRANT OPTION``); the global
  ``GRANT USAGE ON *.*`` line is applied as ``ALTER USER`` (its REQUIRE and limits), so a
  global GRANT OPTION is needed only when the original holds global privileges;
- roles granted to the original: ``WITH ADMIN OPTION`` on each role (MariaDB) or
  ``ROLE_ADMIN`` (MySQL 8); a default role (MariaDB ``SET DEFAULT ROLE ... FOR``) also needs
  ``UPDATE`` on ``mysql.*``;
- ``REQUIRE``/resource limits are copied on MariaDB only (MySQL 8's SHOW GRANTS omits them,
  as it omits default roles, which are not copied either).

RDS's master user normally has all of these. Note that on MariaDB ``ALTER USER ...
IDENTIFIED BY`` makes the account use mysql_native_password (an ed25519 or unix_socket
account is switched to it).
"""

from __future__ import annotations

import functools
import re
import ssl
from typing import TYPE_CHECKING, Any

from rotation_handlers import database
from rotation_handlers.database import CONNECT_TIMEOUT_SECONDS, IO_TIMEOUT_SECONDS  # tests shorten
from rotation_handlers.protocol import SecretValues, StrategyError, logger

if TYPE_CHECKING:
    from rotation_handlers.mysql_grants import GrantLine

#: Server error codes of a refused login (ER_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_NO_PASSWORD).
LOGIN_REFUSED = frozenset({1045, 1698})
#: PyMySQL's "SSL is required but the server doesn't support it" (CR_SSL_CONNECTION_ERROR).
TLS_NOT_OFFERED = 2026
#: Client authentication plugins that send the password itself: mysql_clear_password sends it
#: with a NUL, dialog (PAM) answers the "Password: " prompt with it. Refused over plaintext.
CLEARTEXT_PLUGINS = frozenset({b"mysql_clear_password", b"dialog"})
#: A grant names a table (ER_NO_SUCH_TABLE) or routine (ER_SP_DOES_NOT_EXIST) that is gone.
GRANT_TARGET_GONE = frozenset({1146, 1305})
#: ER_CANNOT_USER: "Operation CREATE USER failed for ..." (among others, the account exists).
CANNOT_CREATE_USER = 1396
#: Longest user names: MariaDB 10.0+ (10.6+ accepts 128; 80 is the portable bound), MySQL 5.7.8+,
#: older MySQL.
MARIADB_MAX_USERNAME = 80
MYSQL_MAX_USERNAME = 32
OLD_MYSQL_MAX_USERNAME = 16
#: What ``REVOKE ALL`` leaves behind on MariaDB, reset before an exact copy.
MARIADB_ACCOUNT_RESET = (
    "REQUIRE NONE WITH MAX_QUERIES_PER_HOUR 0 MAX_UPDATES_PER_HOUR 0 "
    "MAX_CONNECTIONS_PER_HOUR 0 MAX_USER_CONNECTIONS 0 MAX_STATEMENT_TIME 0"
)


# --- the engine ---------------------------------------------------------------------------------


@functools.cache
def _guarded_connection() -> type[Any]:
    """PyMySQL's connection, made safe for rotation (defined on first use: PyMySQL loads only
    when a database is used):

    - a server that switches the login to a plugin that sends the password itself
      (CLEARTEXT_PLUGINS) over an unencrypted connection is refused before the password is
      sent (PyMySQL would send it);
    - a statement whose read or write times out (IO_TIMEOUT_SECONDS) is a DatabaseTimeout
      naming host:port, not a "refused statement".
    """
    import pymysql  # noqa: PLC0415

    class GuardedConnection(pymysql.connections.Connection):  # type: ignore[misc]
        def _process_auth(self, plugin_name: Any, auth_packet: Any, handler: Any = None) -> Any:
            if not self._secure and plugin_name in CLEARTEXT_PLUGINS:
                raise database.CleartextRefused
            return super()._process_auth(plugin_name, auth_packet, handler)

        def query(self, sql: Any, unbuffered: bool = False) -> Any:
            try:
                return super().query(sql, unbuffered)
            except pymysql.err.OperationalError as error:
                if database.timed_out(error):
                    raise database.DatabaseTimeout.statement(
                        "mysql", f"{self.host}:{self.port}"
                    ) from None
                raise

    return GuardedConnection


def _code_and_message(error: BaseException) -> tuple[int | None, str]:
    args = error.args
    if len(args) >= 2 and isinstance(args[0], int):
        return args[0], str(args[1])
    return None, type(error).__name__


def _describe(error: BaseException, carries_password: bool = False) -> str:
    """Error code and message of a PyMySQL error; the statement excerpt of a syntax error is
    dropped when the statement carried a password (it may be cut mid-password)."""
    code, message = _code_and_message(error)
    if carries_password and " near " in message:
        message = message.split(" near ", 1)[0] + " (statement excerpt withheld)"
    return f"{code} {message}" if code is not None else message


def username_limit(server_version: str) -> int:
    """The longest user name the server accepts, from its version string."""
    if "mariadb" in server_version.lower():
        return MARIADB_MAX_USERNAME
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", server_version)
    numbers = tuple(int(n) for n in match.groups()) if match else (0, 0, 0)
    return MYSQL_MAX_USERNAME if numbers >= (5, 7, 8) else OLD_MYSQL_MAX_USERNAME


def is_mariadb(connection: Any) -> bool:
    return "mariadb" in str(connection.get_server_info()).lower()


class MySqlEngine(database.Engine):
    """MySQL 5.7.8+ / 8.x and MariaDB 10.x+."""

    name = "mysql"
    default_port = 3306
    max_username = MARIADB_MAX_USERNAME

    def username_limit(self, secret: database.DbSecret) -> int:
        """MariaDB (engine 'mariadb') allows 80 characters; MySQL 5.7.8+ allows 32."""
        if "mariadb" in secret.engine.lower():
            return MARIADB_MAX_USERNAME
        return MYSQL_MAX_USERNAME

    def open(self, secret: database.DbSecret, tls: ssl.SSLContext | None) -> Any:
        import pymysql  # noqa: PLC0415 - the driver loads only when a database is used

        seen = SecretValues()
        seen.add(secret.password)
        try:
            connection = _guarded_connection()(
                host=secret.host,
                port=secret.port,
                user=secret.username,
                password=secret.password,
                database=secret.dbname or None,
                # connect_timeout bounds only the TCP connect; without read and write timeouts
                # PyMySQL waits for ever on a server that accepts and stays silent (the greeting,
                # the login and every statement are reads and writes).
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                read_timeout=IO_TIMEOUT_SECONDS,
                write_timeout=IO_TIMEOUT_SECONDS,
                # With a context PyMySQL requires TLS (error 2026 when the server lacks it).
                ssl=tls,
                # Without a context, plaintext as asked (PyMySQL 2.2 would otherwise try
                # unverified TLS on its own).
                ssl_disabled=tls is None,
                autocommit=True,
                charset="utf8mb4",
            )
        except pymysql.err.MySQLError as error:
            code, _ = _code_and_message(error)
            if database.timed_out(error):
                bound = (
                    f"{database.seconds(CONNECT_TIMEOUT_SECONDS)} (connect) or "
                    f"{database.seconds(IO_TIMEOUT_SECONDS)} (each read or write)"
                )
                raise database.DatabaseTimeout(
                    "mysql", secret.endpoint, "connecting", bound
                ) from None
            if code in LOGIN_REFUSED:
                raise database.LoginFailed from None
            if tls is not None and code == TLS_NOT_OFFERED:
                raise database.TlsUnavailable from None
            failure = _describe(error)
        except RuntimeError as error:
            # MySQL 8's caching_sha2_password over plaintext needs RSA from the `cryptography`
            # package, which the artifact does not ship; over TLS it is not needed.
            failure = f"RuntimeError: {error}" + (
                " (use TLS: MySQL 8's caching_sha2_password needs it for a full login)"
                if "cryptography" in str(error)
                else ""
            )
        else:
            if tls is not None and not self._encrypted(connection):
                # PyMySQL before 2.2 silently continued in plaintext; refuse that the same way.
                self.close(connection)
                raise database.TlsUnavailable
            return connection
        raise StrategyError(
            seen.scrub(
                f"cannot connect to mysql at {secret.host}:{secret.port} as {secret.username}: "
                f"{failure}"
            )
        )

    def _encrypted(self, connection: Any) -> bool:
        rows = self._run(connection, "SHOW SESSION STATUS LIKE 'Ssl_cipher'", SecretValues())
        return bool(rows and rows[0][1])

    def _run(
        self,
        connection: Any,
        sql: str,
        seen: SecretValues,
        args: tuple[Any, ...] | None = None,
        password: str | None = None,
    ) -> tuple[tuple[Any, ...], ...]:
        """Run one statement; ``args`` bound by PyMySQL (``%s``); ``password`` marks the one
        among them to keep out of error text in every form the server might quote it."""
        import pymysql  # noqa: PLC0415

        if password is not None:
            seen.add(password)
            seen.add(str(connection.escape(password))[1:-1])
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, args)
                rows: tuple[tuple[Any, ...], ...] = tuple(cursor.fetchall())
                return rows
        except pymysql.err.MySQLError as error:
            code, _ = _code_and_message(error)
            failure = _describe(error, carries_password=password is not None)
        raise database.StatementRefused(
            seen.scrub(f"MySQL refused a rotation statement: {failure}"), code
        )

    def check(self, connection: Any) -> None:
        self._run(connection, "SELECT 1", SecretValues())

    def set_own_password(self, connection: Any, password: str, seen: SecretValues) -> None:
        # ALTER USER CURRENT_USER() needs CREATE USER on MariaDB; SET PASSWORD needs nothing.
        sql = "SET PASSWORD = PASSWORD(%s)" if is_mariadb(connection) else "SET PASSWORD = %s"
        self._run(connection, sql, seen, (password,), password=password)

    def hosts(self, connection: Any, user: str, seen: SecretValues) -> list[str]:
        """The hosts ``user`` has an account on."""
        rows = self._run(
            connection, "SELECT Host FROM mysql.user WHERE User = %s ORDER BY Host", seen, (user,)
        )
        return [str(row[0]) for row in rows]

    def set_user_password(
        self, connection: Any, username: str, password: str, seen: SecretValues
    ) -> None:
        hosts = self.hosts(connection, username, seen)
        if not hosts:
            raise StrategyError(seen.scrub(f"MySQL has no account for user {username}"))
        for host in hosts:
            self._run(
                connection,
                "ALTER USER %s@%s IDENTIFIED BY %s",
                seen,
                (username, host, password),
                password=password,
            )

    def grants(
        self, connection: Any, user: str, host: str, new_account: str, seen: SecretValues
    ) -> list[GrantLine]:
        """``SHOW GRANTS FOR user@host`` rewritten for ``new_account`` (PROXY left out)."""
        # Imported here: only alternating users copy grants (a single-user cold start skips it).
        from rotation_handlers.mysql_grants import rewrite_grant  # noqa: PLC0415

        rows = self._run(connection, "SHOW GRANTS FOR %s@%s", seen, (user, host))
        lines = [rewrite_grant(str(row[0]), user, host, new_account) for row in rows]
        return [line for line in lines if line is not None]

    def ensure_alternate(
        self, connection: Any, source: str, target: str, password: str, seen: SecretValues
    ) -> None:
        """The clone on every host of the original, with the original's grants (see the module
        docstring for when the copy is exact and when it only adds)."""
        original = target if source.endswith(database.CLONE_SUFFIX) else source
        clone = original + database.CLONE_SUFFIX
        clone_is_pending = target == clone
        limit = username_limit(str(connection.get_server_info()))
        if len(clone) > limit:
            raise StrategyError(
                seen.scrub(
                    f"user name {original} is too long for a {database.CLONE_SUFFIX} twin on this "
                    f"server (at most {limit - len(database.CLONE_SUFFIX)} characters)"
                )
            )
        hosts = self.hosts(connection, original, seen)
        if not hosts:
            raise StrategyError(seen.scrub(f"MySQL has no account for user {original}"))
        existing = set(self.hosts(connection, clone, seen))
        mariadb = is_mariadb(connection)
        for host in hosts:
            if host not in existing:
                if not clone_is_pending:
                    logger.warning(
                        "setSecret: %s has no account on a host the original has; it is "
                        "created when it is next the pending user",
                        clone,
                    )
                    continue
                self._create_clone(connection, clone, host, password, seen)
            self._synchronise(
                connection,
                original=original,
                clone=clone,
                host=host,
                exact=clone_is_pending,
                mariadb=mariadb,
                seen=seen,
            )

    def _create_clone(
        self, connection: Any, clone: str, host: str, password: str, seen: SecretValues
    ) -> None:
        """CREATE USER for the clone on one host. A concurrent invocation for the same token
        may create it between our look at mysql.user and this statement (error 1396): an
        account that exists now is as good as created here, since its password is set anyway
        (set_user_password) and its grants are synchronised next."""
        try:
            self._run(
                connection,
                "CREATE USER %s@%s IDENTIFIED BY %s",
                seen,
                (clone, host, password),
                password=password,
            )
        except database.StatementRefused as refused:
            if refused.code != CANNOT_CREATE_USER or host not in self.hosts(
                connection, clone, seen
            ):
                raise
            logger.info(
                "setSecret: %s was created on one host by a concurrent invocation; kept", clone
            )

    def _synchronise(
        self,
        connection: Any,
        *,
        original: str,
        clone: str,
        host: str,
        exact: bool,
        mariadb: bool,
        seen: SecretValues,
    ) -> None:
        # Imported here: only alternating users copy grants (a single-user cold start skips it).
        from rotation_handlers.mysql_grants import account, role_revocation  # noqa: PLC0415

        target = account(clone, host)
        wanted = self.grants(connection, original, host, target, seen)
        present = self.grants(connection, clone, host, target, seen)
        have = {line.key for line in present}
        if {line.key for line in wanted} == have:
            return
        if exact:
            for line in present:
                if line.kind == "role":
                    self._run(connection, role_revocation(line, target), seen)
            self._run(connection, f"REVOKE ALL PRIVILEGES, GRANT OPTION FROM {target}", seen)
            if mariadb:
                self._run(connection, f"ALTER USER {target} {MARIADB_ACCOUNT_RESET}", seen)
                if any(line.kind == "default-role" for line in present):
                    self._run(connection, f"SET DEFAULT ROLE NONE FOR {target}", seen)
            replay = [line for line in wanted if line.kind != "usage"]
        else:
            # Only what adds access: no revokes, no REQUIRE or resource limits.
            replay = [
                line
                for line in wanted
                if line.kind in ("privileges", "role") and line.key not in have
            ]
        skipped = 0
        for line in replay:
            try:
                self._run(connection, line.sql, seen)
            except database.StatementRefused as refused:
                if refused.code not in GRANT_TARGET_GONE:
                    raise
                skipped += 1
        if skipped:
            logger.warning(
                "setSecret: %d grant(s) of %s name a table or routine that no longer exists; "
                "not copied to %s",
                skipped,
                original,
                clone,
            )
        logger.info(
            "setSecret: %s %s the grants of %s on one host (%d statements)",
            clone,
            "copied" if exact else "gained",
            original,
            len(replay),
        )
