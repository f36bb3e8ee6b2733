"""Database credential rotation on top of the protocol: single user and alternating users.

An ``Engine`` knows one database (how to connect, set a password, clone a user with its
privileges); the strategies here know the rotation flows. Drivers are imported by the engines
when they connect, so this module itself needs only the standard library.
"""

from __future__ import annotations

import contextlib
import json
import os
import ssl
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rotation_handlers.password import new_password_value
from rotation_handlers.protocol import (
    RotationContext,
    SecretValues,
    Strategy,
    StrategyError,
    json_or_none,
    logger,
)

CLONE_SUFFIX = "_clone"
#: Every database network operation is bounded, well below the rotation function's default
#: timeout of 30 s, so a server that accepts the connection and then stays silent fails the step
#: with a clear error (naming host:port) instead of Lambda killing the function mid-step.
#: CONNECT: establishing the TCP connection (and, for PostgreSQL, the TLS and login handshake).
CONNECT_TIMEOUT_SECONDS = 5.0
#: IO: each read or write once connected (for MySQL also the greeting and login handshake).
IO_TIMEOUT_SECONDS = 10.0
#: Where the function finds the CA bundle that verifies database servers (RotatingSecret sets
#: it when you give rotation.ca_bundle_path; else the system's CAs are used). RDS's server
#: certificates chain to RDS's own CAs, which are not in the system's trust store: for RDS give
#: AWS's bundle, https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem ("Certificate
#: bundles for all AWS Regions" in AWS's "Using SSL/TLS to encrypt a connection to a DB
#: instance or cluster").
CA_BUNDLE_VARIABLE = "SSL_CA_BUNDLE"
#: How much TLS the function insists on, whatever the secret says (RotatingSecret and
#: RotationFunction set it from rotation.tls): the secret's ``ssl`` key may ask for more, never
#: for less. Unset means the default.
TLS_MODE_VARIABLE = "TLS_MODE"
#: What a connection gets, weakest first: no TLS; TLS (verified only when a CA bundle is
#: configured); TLS with the chain and host name verified (against the bundle, else the
#: system's CAs).
PLAINTEXT, REQUIRE, VERIFY = "plaintext", "require", "verify"
STRICTNESS = (PLAINTEXT, REQUIRE, VERIFY)
#: The TLS modes and the least a connection gets under each: verify: TLS, server certificate
#: and host name verified; require: TLS, verified when a CA bundle is configured; from-secret:
#: the secret's ``ssl`` key decides (``false`` allows plaintext).
TLS_FLOORS = {"verify": VERIFY, "require": REQUIRE, "from-secret": PLAINTEXT}
TLS_MODES = tuple(TLS_FLOORS)
DEFAULT_TLS_MODE = "require"
#: What the secret's ``ssl`` key may say (strings compared case-insensitively), and what it
#: asks for. Anything else is refused: a typo must never become the weakest mode.
SSL_VALUES = {"true": REQUIRE, "false": PLAINTEXT, "verify": VERIFY}


class LoginFailed(Exception):
    """The server refused these credentials (as opposed to being unreachable)."""


class TlsUnavailable(Exception):
    """The server does not speak TLS on this connection."""


class CleartextRefused(Exception):
    """The server asked for the password in cleartext over an unencrypted connection; the
    engine stopped before sending it."""


@dataclass(frozen=True)
class DbSecret:
    """A database secret in AWS's JSON shape."""

    engine: str
    host: str
    port: int
    username: str
    password: str
    dbname: str | None
    ssl: str  # what the secret asks for: PLAINTEXT, REQUIRE (no key, or true) or VERIFY
    masterarn: str | None

    @classmethod
    def parse(cls, text: str, where: str, default_port: int) -> DbSecret:
        document = json_or_none(text)
        if document is None:
            raise StrategyError(f"{where} is not a JSON object in AWS's database secret shape")
        missing = [k for k in ("host", "username", "password") if not document.get(k)]
        if missing:
            raise StrategyError(f"{where} lacks {', '.join(missing)}")
        try:
            port = int(document.get("port") or default_port)
        except (TypeError, ValueError):
            raise StrategyError(f"{where} has a port that is not a number") from None
        return cls(
            engine=str(document.get("engine", "")),
            host=str(document["host"]),
            port=port,
            username=str(document["username"]),
            password=str(document["password"]),
            dbname=str(document["dbname"]) if document.get("dbname") else None,
            ssl=_parse_ssl(document.get("ssl"), where),
            masterarn=str(document["masterarn"]) if document.get("masterarn") else None,
        )

    @property
    def endpoint(self) -> str:
        """``host:port``, for messages."""
        return f"{self.host}:{self.port}"


def _parse_ssl(value: Any, where: str) -> str:
    """The TLS the secret asks for: no key (AWS's shape) or true: REQUIRE; "verify": VERIFY;
    false: PLAINTEXT. Anything else is refused, naming the accepted values."""
    if value is None or value is True:
        return REQUIRE
    if value is False:
        return PLAINTEXT
    if isinstance(value, str) and value.strip().lower() in SSL_VALUES:
        return SSL_VALUES[value.strip().lower()]
    shown = (
        repr(value)
        if isinstance(value, int | float) or (isinstance(value, str) and len(value) <= 20)
        else f"a {type(value).__name__}"
    )
    raise StrategyError(
        f"{where} has ssl {shown}; accepted: true (TLS, the default when the key is absent), "
        'false (plaintext, only where rotation.tls is "from-secret") or "verify" (TLS with the '
        "server certificate and host name verified)"
    )


def tls_floor(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(TLS_MODE as configured, the least TLS it allows): StrategyError if it is not one of
    TLS_MODES."""
    env = os.environ if environ is None else environ
    configured = (env.get(TLS_MODE_VARIABLE) or DEFAULT_TLS_MODE).strip().lower()
    if configured not in TLS_FLOORS:
        raise StrategyError(
            f"the function's {TLS_MODE_VARIABLE} is {env.get(TLS_MODE_VARIABLE)!r}; accepted: "
            f"{', '.join(TLS_MODES)} (set from rotation.tls; unset means {DEFAULT_TLS_MODE})"
        )
    return configured, TLS_FLOORS[configured]


@dataclass(frozen=True)
class TlsSettings:
    """How one connection uses TLS: the effective mode, the context (None for plaintext) and
    whether the function's TLS_MODE overrode the secret's ``ssl: false``."""

    mode: str
    context: ssl.SSLContext | None
    configured: str
    overridden: bool


def tls_settings(secret: DbSecret, environ: Mapping[str, str] | None = None) -> TlsSettings:
    """The stricter of the function's TLS_MODE and the secret's ``ssl``, as an SSL context.

    VERIFY: the chain and host name are verified against SSL_CA_BUNDLE if set, else against the
    system's CAs. REQUIRE: verified the same way when SSL_CA_BUNDLE is set, else encrypted but
    not authenticated (any certificate is accepted). PLAINTEXT: no TLS. There is never a
    plaintext retry: a server without TLS fails the connection.
    """
    env = os.environ if environ is None else environ
    configured, floor = tls_floor(env)
    mode = max(floor, secret.ssl, key=STRICTNESS.index)
    bundle = env.get(CA_BUNDLE_VARIABLE) or None
    context: ssl.SSLContext | None = None
    if mode == VERIFY or (mode == REQUIRE and bundle):
        context = ssl.create_default_context(cafile=bundle)
    elif mode == REQUIRE:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return TlsSettings(mode, context, configured, secret.ssl == PLAINTEXT and mode != PLAINTEXT)


def timed_out(error: BaseException) -> bool:
    """Whether ``error`` is, or was caused by, a socket timeout (drivers wrap them)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, TimeoutError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


class DatabaseTimeout(StrategyError):
    """The database server did not answer within the handler's bounds."""

    def __init__(self, engine: str, endpoint: str, doing: str, bound: str) -> None:
        super().__init__(
            f"{engine} at {endpoint} did not answer within {bound} while {doing} (timed out; "
            "the handler bounds every database connect, read and write)"
        )

    @classmethod
    def statement(cls, engine: str, endpoint: str) -> DatabaseTimeout:
        """A statement's read or write waited longer than IO_TIMEOUT_SECONDS."""
        return cls(engine, endpoint, "running a statement", seconds(IO_TIMEOUT_SECONDS))


class StatementRefused(StrategyError):
    """The server refused a statement; ``code`` is its error code (MySQL's error number,
    PostgreSQL's SQLSTATE). The message is scrubbed."""

    def __init__(self, message: str, code: int | str | None) -> None:
        super().__init__(message)
        self.code = code


def seconds(value: float) -> str:
    """``5 s``: a timeout for messages."""
    return f"{value:g} s"


def same_endpoint(one: DbSecret, other: DbSecret) -> bool:
    """Whether two secrets name the same server: host names compared case-insensitively and
    without a trailing dot, ports as numbers."""

    def host(secret: DbSecret) -> str:
        return secret.host.strip().rstrip(".").lower()

    return host(one) == host(other) and one.port == other.port


class Engine(ABC):
    """One database engine: connections and the SQL rotation needs."""

    name = "database"
    default_port = 0
    #: Longest user name the engine accepts.
    max_username = 63

    def username_limit(self, secret: DbSecret) -> int:
        """The longest user name for this secret's server, known before connecting (checked in
        createSecret, so a too-long clone name never leaves a pending version behind)."""
        return self.max_username

    @abstractmethod
    def open(self, secret: DbSecret, tls: ssl.SSLContext | None) -> Any:
        """A connection (TLS with ``tls``, plaintext with None), or LoginFailed /
        TlsUnavailable / CleartextRefused / StrategyError; every network operation bounded."""

    def close(self, connection: Any) -> None:
        """Close quietly: closing is best effort."""
        with contextlib.suppress(Exception):
            connection.close()

    @abstractmethod
    def check(self, connection: Any) -> None:
        """Run a trivial query (proves the session works)."""

    @abstractmethod
    def set_own_password(self, connection: Any, password: str, seen: SecretValues) -> None:
        """Change the logged-in user's password."""

    @abstractmethod
    def set_user_password(
        self, connection: Any, username: str, password: str, seen: SecretValues
    ) -> None:
        """Change another user's password (the connection is the master's)."""

    @abstractmethod
    def ensure_alternate(
        self, connection: Any, source: str, target: str, password: str, seen: SecretValues
    ) -> None:
        """Make the alternate user ``target`` exist with the privileges of the *original* user
        (the one of ``source``/``target`` without the _clone suffix), re-synchronised on every
        rotation; ``source`` is the current user."""

    def connect(self, secret: DbSecret) -> Any:
        """Connect with the TLS the function's TLS_MODE and the secret's ``ssl`` call for (never
        retrying in plaintext); LoginFailed if the password is wrong."""
        tls = tls_settings(secret)
        if tls.overridden:
            logger.info(
                "%s at %s: the secret asks for plaintext (ssl: false), but %s=%s requires TLS; "
                "connecting with TLS",
                self.name,
                secret.endpoint,
                TLS_MODE_VARIABLE,
                tls.configured,
            )
        try:
            return self.open(secret, tls.context)
        except TlsUnavailable:
            if tls.overridden:
                reason = (
                    f"the secret asks for plaintext (ssl: false), but rotation.tls "
                    f"({TLS_MODE_VARIABLE}={tls.configured}) requires TLS; to allow plaintext "
                    'for this secret, set rotation.tls to "from-secret"'
                )
            else:
                asked = 'ssl: "verify"' if secret.ssl == VERIFY else "ssl: true, or no ssl key"
                reason = (
                    f"TLS is required (the secret has {asked}; rotation.tls is "
                    f"{tls.configured}); plaintext needs ssl: false in the secret and "
                    'rotation.tls "from-secret"'
                )
            raise StrategyError(
                f"{self.name} at {secret.endpoint} does not offer TLS, and {reason}. The "
                "handler never falls back to plaintext"
            ) from None
        except CleartextRefused:
            raise StrategyError(
                f"{self.name} at {secret.endpoint} asked for the password in cleartext over an "
                "unencrypted connection; refused before sending it (use TLS)"
            ) from None

    def try_login(self, secret: DbSecret) -> Any | None:
        """A connection, or None when these credentials are refused."""
        try:
            return self.connect(secret)
        except LoginFailed:
            return None


class DatabaseStrategy(Strategy):
    """What both database strategies share: parsing, connecting, testing, closing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def secret(self, text: str, context: RotationContext, label: str) -> DbSecret:
        return DbSecret.parse(text, f"the {label} value of {context.arn}", self.engine.default_port)

    def test(self, context: RotationContext) -> None:
        pending = self.secret(context.pending_value(), context, "pending")
        connection = self.engine.try_login(pending)
        if connection is None:
            raise StrategyError(
                f"the pending password of {pending.username} is refused by {pending.host}"
            )
        try:
            self.engine.check(connection)
        finally:
            self.engine.close(connection)


class SingleUserStrategy(DatabaseStrategy):
    """The user changes its own password: log in with pending (done already), else with an
    older password -- current, previous, then the newest deprecated versions (the pending value
    of a rotation cancelled or abandoned after setSecret may be the one the database uses) --
    and set the pending password.

    An older password is only ever sent to the host and port, and as the user, that its own
    version names, and only when those are the pending version's: whoever can write the
    secret's value cannot have an older, still valid, password sent to a listener of theirs.
    """

    #: How many deprecated versions setSecret tries, newest first, when neither the pending,
    #: current nor previous password logs in (each costs a GetSecretValue and a login).
    DEPRECATED_VERSIONS_TRIED = 3

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.name = f"{engine.name}-single-user"

    def generate(self, current: str, context: RotationContext) -> str:
        self.secret(current, context, "current")  # refuse a malformed secret before writing
        return new_password_value(current)

    def set(self, context: RotationContext) -> None:
        pending = self.secret(context.pending_value(), context, "pending")
        if self._logs_in(pending):
            logger.info("setSecret: %s already has the pending password", context.arn)
            return
        current = self.secret(context.current_value(), context, "current")
        if self._set_with("current", current, context, pending):
            return
        previous = context.previous_value()
        if previous and self._set_with(
            "previous", self.secret(previous, context, "previous"), context, pending
        ):
            return
        # A concurrent invocation for the same token (Secrets Manager retries while a slow one
        # still runs) may have set the pending password after our first try: the older ones
        # fail from then on, and the pending one works. Tried again after the deprecated
        # versions too (an invocation recovering from them may finish meanwhile).
        if self._set_concurrently(context, pending):
            return
        # Listed only now, so a normal rotation makes no extra call.
        if self._set_with_deprecated(context, pending) or self._set_concurrently(context, pending):
            return
        raise StrategyError(
            f"cannot log in as {pending.username} at {pending.host} with the pending, current, "
            "previous or a deprecated password"
        )

    def _logs_in(self, secret: DbSecret) -> bool:
        connection = self.engine.try_login(secret)
        if connection is None:
            return False
        self.engine.close(connection)
        return True

    def _set_concurrently(self, context: RotationContext, pending: DbSecret) -> bool:
        if not self._logs_in(pending):
            return False
        logger.info(
            "setSecret: %s has the pending password (set by a concurrent invocation)", context.arn
        )
        return True

    def _set_with(
        self, label: str, known: DbSecret, context: RotationContext, pending: DbSecret
    ) -> bool:
        """Log in with an older version's own credentials and set the pending password; False
        when they are refused, or name another host, port or user than the pending version
        (then the password is not sent at all: logged without values)."""
        if not same_endpoint(known, pending) or known.username != pending.username:
            logger.warning(
                "setSecret: the %s value of %s names %s or another user, not the pending "
                "version's %s and user; its password is not sent there",
                label,
                context.arn,
                known.endpoint,
                pending.endpoint,
            )
            return False
        connection = self.engine.try_login(known)
        if connection is None:
            return False
        try:
            self.engine.set_own_password(connection, pending.password, context.seen)
        finally:
            self.engine.close(connection)
        logger.info(
            "setSecret: changed the password of %s using the %s password", pending.username, label
        )
        return True

    def _set_with_deprecated(self, context: RotationContext, pending: DbSecret) -> bool:
        """Try the newest deprecated versions (see RotationContext.deprecated_versions)."""
        deprecated = context.deprecated_versions(self.DEPRECATED_VERSIONS_TRIED)
        if deprecated:
            logger.warning(
                "setSecret: neither the pending, current nor previous password of %s logs in; "
                "trying %d deprecated version(s), newest first (a cancelled or abandoned "
                "rotation may have set one)",
                context.arn,
                len(deprecated),
            )
        for version_id in deprecated:
            label = f"deprecated version {version_id}"
            try:
                text = context.version_value(version_id)
            except Exception as error:  # best effort: e.g. a version under an older key
                code = getattr(error, "response", {}).get("Error", {}).get("Code")
                logger.warning(
                    "setSecret: %s of %s cannot be read (%s); skipped",
                    label,
                    context.arn,
                    code or type(error).__name__,
                )
                continue
            try:
                known = self.secret(text or "", context, label)
            except StrategyError:
                logger.warning(
                    "setSecret: %s of %s is not a database secret; skipped", label, context.arn
                )
                continue
            if self._set_with(label, known, context, pending):
                return True
        return False


class AlternatingUsersStrategy(DatabaseStrategy):
    """Two users take turns: ``<user>`` and ``<user>_clone``. The master secret's user creates
    the clone on first use, re-synchronises its privileges on every rotation and sets the
    pending user's password, so the current user keeps working throughout."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.name = f"{engine.name}-multi-user"

    def alternate(self, secret: DbSecret) -> str:
        username = secret.username
        if username.endswith(CLONE_SUFFIX):
            return username[: -len(CLONE_SUFFIX)]
        clone = username + CLONE_SUFFIX
        limit = self.engine.username_limit(secret)
        if len(clone) > limit:
            raise StrategyError(
                f"user name {username} is too long for a {CLONE_SUFFIX} twin on "
                f"{secret.engine or self.engine.name} (at most {limit - len(CLONE_SUFFIX)} "
                "characters)"
            )
        return clone

    def generate(self, current: str, context: RotationContext) -> str:
        secret = self.secret(current, context, "current")
        document = json.loads(new_password_value(current))
        document["username"] = self.alternate(secret)
        return json.dumps(document)

    def master_secret(self, pending: DbSecret, context: RotationContext) -> DbSecret:
        configured = os.environ.get("MASTER_SECRET_ARN")
        arn = pending.masterarn or configured
        if not arn:
            raise StrategyError(f"{context.arn} has no masterarn and MASTER_SECRET_ARN is unset")
        if configured and pending.masterarn and pending.masterarn != configured:
            raise StrategyError(
                f"{context.arn} names master secret {pending.masterarn}, but the function is "
                f"configured for {configured}"
            )
        text = context.client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")[
            "SecretString"
        ]
        context.seen.add(text)
        return DbSecret.parse(text, f"master secret {arn}", self.engine.default_port)

    def set(self, context: RotationContext) -> None:
        pending = self.secret(context.pending_value(), context, "pending")
        current = self.secret(context.current_value(), context, "current")
        master = self.master_secret(pending, context)
        # The master's credentials go only where the master secret points (its host, port,
        # database and ssl): whoever can write the application secret must not be able to send
        # the master password to a server of their choosing.
        for label, application in (("pending", pending), ("current", current)):
            if not same_endpoint(application, master):
                raise StrategyError(
                    f"the {label} value of {context.arn} names the server "
                    f"{application.endpoint}, but its master secret names {master.endpoint}; "
                    "the master user logs in only where the master secret points"
                )
        connection = self.engine.try_login(master)
        if connection is None:
            raise StrategyError(
                f"the master user {master.username} is refused by {master.endpoint}"
            )
        try:
            if pending.username != current.username:
                self.engine.ensure_alternate(
                    connection, current.username, pending.username, pending.password, context.seen
                )
            self.engine.set_user_password(
                connection, pending.username, pending.password, context.seen
            )
        finally:
            self.engine.close(connection)
        logger.info(
            "setSecret: %s is ready as the pending user of %s", pending.username, context.arn
        )
