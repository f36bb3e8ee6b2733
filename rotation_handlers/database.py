"""Database credential rotation on top of the protocol: single user and alternating users.

An ``Engine`` knows one database (how to connect, set a password, clone a user with its
privileges); the strategies here know the rotation flows. Drivers are imported by the engines
when they connect, so this module itself needs only the standard library.
"""

from __future__ import annotations

import json
import os
import ssl
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, replace
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
CONNECT_TIMEOUT_SECONDS = 5
#: Where the function finds the CA bundle that verifies database servers (RotatingSecret sets
#: it when you give rotation.ca_bundle_path; else the system's CAs are used).
CA_BUNDLE_VARIABLE = "SSL_CA_BUNDLE"
#: How much TLS the function insists on, whatever the secret says (RotatingSecret and
#: RotationFunction set it from rotation.tls): the secret's ``ssl`` key may ask for more, never
#: for less. Unset means the default.
TLS_MODE_VARIABLE = "TLS_MODE"
#: verify: TLS, server certificate and host name verified; require: TLS, verified when a CA
#: bundle is configured; from-secret: the secret's ``ssl`` key decides (``false`` allows
#: plaintext).
TLS_MODES = ("verify", "require", "from-secret")
DEFAULT_TLS_MODE = "require"


class LoginFailed(Exception):
    """The server refused these credentials (as opposed to being unreachable)."""


class TlsUnavailable(Exception):
    """The server does not speak TLS on this connection."""


@dataclass(frozen=True)
class DbSecret:
    """A database secret in AWS's JSON shape."""

    engine: str
    host: str
    port: int
    username: str
    password: str
    dbname: str | None
    ssl: bool | None  # None: try TLS, fall back to plaintext (AWS's behaviour)
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
            ssl=_parse_ssl(document.get("ssl")),
            masterarn=str(document["masterarn"]) if document.get("masterarn") else None,
        )


def _parse_ssl(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "require"):
        return True
    if text in ("false", "0", "no", "disable"):
        return False
    return None


def tls_attempts(
    secret: DbSecret, environ: Mapping[str, str] | None = None
) -> list[ssl.SSLContext | None]:
    """The TLS settings to try, in order: a context, or None for plaintext.

    ``ssl: true`` means TLS that verifies the server (against SSL_CA_BUNDLE if set, else the
    system's CAs) and its host name; ``ssl: false`` plaintext; no ``ssl`` key TLS first (verified
    only when a CA bundle is configured), then plaintext if the server offers no TLS.
    """
    env = os.environ if environ is None else environ
    bundle = env.get(CA_BUNDLE_VARIABLE)
    if secret.ssl is False:
        return [None]
    if secret.ssl is True:
        return [ssl.create_default_context(cafile=bundle)]
    if bundle:
        return [ssl.create_default_context(cafile=bundle), None]
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    return [unverified, None]


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
        """A connection, or LoginFailed / TlsUnavailable / StrategyError."""

    @abstractmethod
    def close(self, connection: Any) -> None:
        """Close quietly."""

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
        """Connect honouring the secret's TLS setting; LoginFailed if the password is wrong."""
        attempts = tls_attempts(secret)
        for index, tls in enumerate(attempts):
            try:
                return self.open(secret, tls)
            except TlsUnavailable:
                if index == len(attempts) - 1:
                    raise StrategyError(
                        f"{self.name} at {secret.host}:{secret.port} does not offer TLS, and the "
                        "secret requires it (ssl: true)"
                    ) from None
        raise StrategyError(f"no way to connect to {secret.host}:{secret.port}")

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
    """The user changes its own password: log in with pending (done already), else current,
    else previous, then set the pending password."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.name = f"{engine.name}-single-user"

    def generate(self, current: str, context: RotationContext) -> str:
        self.secret(current, context, "current")  # refuse a malformed secret before writing
        return new_password_value(current)

    def set(self, context: RotationContext) -> None:
        pending = self.secret(context.pending_value(), context, "pending")
        connection = self.engine.try_login(pending)
        if connection is not None:
            self.engine.close(connection)
            logger.info("setSecret: %s already has the pending password", context.arn)
            return
        for label, value in (("current", context.current_value()), ("previous", None)):
            text = value if label == "current" else context.previous_value()
            if not text:
                continue
            known = self.secret(text, context, label)
            # Log in as the pending user with the older password (host and user may differ only
            # if someone edited the secret; the pending connection details win).
            connection = self.engine.try_login(replace(pending, password=known.password))
            if connection is not None:
                try:
                    self.engine.set_own_password(connection, pending.password, context.seen)
                finally:
                    self.engine.close(connection)
                logger.info(
                    "setSecret: changed the password of %s using the %s one",
                    pending.username,
                    label,
                )
                return
        raise StrategyError(
            f"cannot log in as {pending.username} at {pending.host} with the pending, current "
            "or previous password"
        )


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
        # The master connects to the application's database server and database.
        target = replace(
            master, host=pending.host, port=pending.port, dbname=pending.dbname, ssl=pending.ssl
        )
        connection = self.engine.try_login(target)
        if connection is None:
            raise StrategyError(f"the master user {master.username} is refused by {pending.host}")
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
