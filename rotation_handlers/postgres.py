"""PostgreSQL for the database strategies, through pg8000 (pure Python, shipped in the artifact).

Passwords never travel to the server in plaintext: the handler sends a SCRAM-SHA-256 verifier
(``ALTER ROLE ... PASSWORD 'SCRAM-SHA-256$...'``), so statement logging cannot record them.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import ssl
import struct
from typing import Any

from rotation_handlers import database
from rotation_handlers.database import CONNECT_TIMEOUT_SECONDS, IO_TIMEOUT_SECONDS  # tests shorten
from rotation_handlers.protocol import SecretValues, StrategyError

SCRAM_ITERATIONS = 4096
#: SQLSTATEs of a refused login (invalid_password, invalid_authorization_specification).
LOGIN_REFUSED = frozenset({"28P01", "28000"})
#: AuthenticationCleartextPassword: the server asks for the password itself.
AUTH_CLEARTEXT = 3
#: CREATE ROLE of a role that exists: duplicate_object when it existed before the statement
#: started, unique_violation (on pg_authid's name index) when a concurrent CREATE committed first.
ROLE_EXISTS = frozenset({"42710", "23505"})
#: What a concurrent change of the same catalog row does to an idempotent statement: XX000
#: "tuple concurrently updated" (ALTER ROLE, GRANT), or unique_violation when both inserted the
#: same membership. Running the statement again then finds the other's result.
CONCURRENT_CHANGE = frozenset({"XX000", "23505"})


def quote_ident(name: str) -> str:
    """A PostgreSQL identifier, safely quoted (embedded quotes doubled, NUL refused)."""
    if "\x00" in name:
        raise StrategyError("a user name contains a NUL character")
    return '"' + name.replace('"', '""') + '"'


def scram_verifier(
    password: str, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS
) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802 / 7677).

    Generated passwords are printable ASCII, for which SASLprep changes nothing.
    """
    salt = salt or secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _describe(error: BaseException) -> str:
    """SQLSTATE and message of a pg8000 error (server messages name users, not passwords)."""
    details = error.args[0] if error.args else None
    if isinstance(details, dict):
        return f"{details.get('C', '?')} {details.get('M', '')}".strip()
    return type(error).__name__


@functools.cache
def _guarded_connection() -> type[Any]:
    """pg8000's connection, made safe for rotation (defined on first use: pg8000 loads only
    when a database is used):

    - a server that asks for the cleartext password (AuthenticationCleartextPassword) over an
      unencrypted connection is refused before the password is sent (pg8000 would answer it);
    - once logged in, every read and write waits at most IO_TIMEOUT_SECONDS (pg8000 keeps one
      socket timeout for everything), and a timeout is a DatabaseTimeout naming host:port.
    """
    import pg8000.native  # noqa: PLC0415

    class GuardedConnection(pg8000.native.Connection):  # type: ignore[misc]
        def __init__(self, **kwargs: Any) -> None:
            self.endpoint = f"{kwargs['host']}:{kwargs['port']}"
            super().__init__(**kwargs)
            self._usock.settimeout(IO_TIMEOUT_SECONDS)

        def handle_AUTHENTICATION_REQUEST(self, data: bytes, context: Any) -> None:
            (code,) = struct.unpack_from("!i", data)
            if code == AUTH_CLEARTEXT and not isinstance(self._usock, ssl.SSLSocket):
                raise database.CleartextRefused
            super().handle_AUTHENTICATION_REQUEST(data, context)

        def run(self, sql: str, stream: Any = None, types: Any = None, **params: Any) -> Any:
            try:
                return super().run(sql, stream=stream, types=types, **params)
            except (pg8000.native.InterfaceError, OSError) as error:
                # pg8000 wraps most socket errors in InterfaceError, not the first read of a
                # message (a bare TimeoutError).
                if database.timed_out(error):
                    raise database.DatabaseTimeout.statement("postgres", self.endpoint) from None
                raise

    return GuardedConnection


def _sqlstate(error: BaseException) -> str | None:
    details = error.args[0] if error.args else None
    return str(details.get("C")) if isinstance(details, dict) and details.get("C") else None


class PostgresEngine(database.Engine):
    """PostgreSQL 10 or newer (SCRAM verifiers)."""

    name = "postgres"
    default_port = 5432
    max_username = 63

    def open(self, secret: database.DbSecret, tls: ssl.SSLContext | None) -> Any:
        import pg8000.native  # noqa: PLC0415 - the driver loads only when a database is used

        try:
            return _guarded_connection()(
                user=secret.username,
                password=secret.password,
                host=secret.host,
                port=secret.port,
                database=secret.dbname or "postgres",
                # pg8000 reads None as "TLS if offered"; plaintext must be asked for with False.
                # With a context, a server that answers 'N' to SSLRequest is an InterfaceError
                # ("Server refuses SSL"), never a plaintext session.
                ssl_context=tls if tls is not None else False,
                # The socket's timeout: the TCP connect, TLS and login handshake; the
                # connection lowers its reads and writes to IO_TIMEOUT_SECONDS once logged in.
                timeout=CONNECT_TIMEOUT_SECONDS,
                application_name="secretkit-rotation",
            )
        except pg8000.native.DatabaseError as error:
            if _sqlstate(error) in LOGIN_REFUSED:
                raise database.LoginFailed from None
            failure = _describe(error)
        except (pg8000.native.InterfaceError, OSError, ssl.SSLError) as error:
            if database.timed_out(error):
                raise database.DatabaseTimeout(
                    "postgres",
                    secret.endpoint,
                    "connecting",
                    database.seconds(CONNECT_TIMEOUT_SECONDS),
                ) from None
            if isinstance(error, pg8000.native.InterfaceError):
                if tls is not None and "ssl" in str(error).lower():
                    raise database.TlsUnavailable from None
                failure = f"InterfaceError: {error}"
            else:
                failure = type(error).__name__ + (
                    f": {error.strerror}" if getattr(error, "strerror", None) else ""
                )
        raise StrategyError(
            f"cannot connect to postgres at {secret.host}:{secret.port} as {secret.username}: "
            f"{failure}"
        )

    def _run(self, connection: Any, sql: str, seen: SecretValues, **params: Any) -> Any:
        import pg8000.native  # noqa: PLC0415

        try:
            return connection.run(sql, **params)
        except pg8000.native.DatabaseError as error:
            failure, sqlstate = _describe(error), _sqlstate(error)
        raise database.StatementRefused(
            seen.scrub(f"postgres refused a rotation statement: {failure}"), sqlstate
        )

    def _run_converging(self, connection: Any, sql: str, seen: SecretValues) -> None:
        """Run an idempotent statement; once more if a concurrent invocation changed the same
        catalog row at the same time (see CONCURRENT_CHANGE)."""
        try:
            self._run(connection, sql, seen)
        except database.StatementRefused as refused:
            if refused.code not in CONCURRENT_CHANGE:
                raise
            self._run(connection, sql, seen)

    def check(self, connection: Any) -> None:
        self._run(connection, "SELECT 1", SecretValues())

    def _password_sql(self, role: str, password: str, seen: SecretValues) -> str:
        verifier = scram_verifier(password)
        seen.add(verifier)
        return f"ALTER ROLE {role} PASSWORD '{verifier}'"  # the verifier has no quotes

    def set_own_password(self, connection: Any, password: str, seen: SecretValues) -> None:
        self._run(connection, self._password_sql("CURRENT_USER", password, seen), seen)

    def set_user_password(
        self, connection: Any, username: str, password: str, seen: SecretValues
    ) -> None:
        self._run_converging(
            connection, self._password_sql(quote_ident(username), password, seen), seen
        )

    def _role_exists(self, connection: Any, role: str, seen: SecretValues) -> bool:
        return bool(
            self._run(connection, "SELECT 1 FROM pg_roles WHERE rolname = :name", seen, name=role)
        )

    def ensure_alternate(
        self, connection: Any, source: str, target: str, password: str, seen: SecretValues
    ) -> None:
        """The clone is a member of the original and acts as it (``SET ROLE`` on login): it has
        exactly the original's privileges, including ones granted later, and what it creates
        belongs to the original, so neither user loses access to the other's objects."""
        base = source if not source.endswith(database.CLONE_SUFFIX) else target
        clone = base + database.CLONE_SUFFIX
        if not self._role_exists(connection, clone, seen):
            try:
                self._run(connection, f"CREATE ROLE {quote_ident(clone)} LOGIN", seen)
            except database.StatementRefused as refused:
                # A concurrent invocation for the same token created it after our check: the
                # clone exists, which is all this statement is for (its password is set next).
                if refused.code not in ROLE_EXISTS or not self._role_exists(
                    connection, clone, seen
                ):
                    raise
        # Re-asserted on every rotation: the two users stay in step even if someone edited one.
        self._run_converging(connection, f"GRANT {quote_ident(base)} TO {quote_ident(clone)}", seen)
        self._run_converging(
            connection,
            f"ALTER ROLE {quote_ident(clone)} SET role TO {quote_ident(base)}",
            seen,
        )
