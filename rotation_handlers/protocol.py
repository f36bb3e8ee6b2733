"""Secrets Manager's four-step rotation protocol, implemented once; strategies plug into it."""

from __future__ import annotations

import json
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config  # boto3 imports it already: no cost at a cold start

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
CURRENT = "AWSCURRENT"
PENDING = "AWSPENDING"
PREVIOUS = "AWSPREVIOUS"
#: Tag RotatingSecret puts on its secret: the strategy (or custom:<module>) that rotates it.
STRATEGY_TAG = "secretkit:strategy"

logger = logging.getLogger("secretkit.rotation")
logger.setLevel(logging.INFO)
# botocore logs request and response bodies, secret values included, at DEBUG. Whatever level
# the function's logging is set to, the SDK's own loggers stay at WARNING.
for _sdk_logger in ("botocore", "boto3", "urllib3"):
    logging.getLogger(_sdk_logger).setLevel(logging.WARNING)


class RotationError(Exception):
    """A rotation step cannot proceed. Messages name ARNs, version ids and steps, never values."""


class StrategyError(RotationError):
    """Raised by a strategy with a message it vouches is free of secret values."""


@dataclass(frozen=True)
class RotationEvent:
    """What Secrets Manager sends for each step."""

    secret_id: str
    token: str
    step: str


def parse_event(event: Any) -> RotationEvent:
    """Read SecretId, ClientRequestToken and Step, refusing anything else clearly."""
    if not isinstance(event, Mapping):
        raise RotationError(f"the event must be a JSON object, got {type(event).__name__}")
    missing = [key for key in ("SecretId", "ClientRequestToken", "Step") if not event.get(key)]
    if missing:
        raise RotationError(f"the event lacks {', '.join(missing)}")
    step = event["Step"]
    if step not in STEPS:
        raise RotationError(f"unknown step {step!r}; Secrets Manager sends {', '.join(STEPS)}")
    return RotationEvent(str(event["SecretId"]), str(event["ClientRequestToken"]), str(step))


class SecretValues:
    """Every secret value a step has touched, so error text can be scrubbed of them.

    A JSON secret contributes its whole text and its secret-looking fields (password, key,
    token, secret), since an error may quote just those; host, user and database names stay
    readable in messages.
    """

    MIN_LENGTH = 4  # shorter strings are not worth hiding and would match too much
    SECRET_FIELD = re.compile(r"pass|secret|token|key", re.IGNORECASE)

    def __init__(self) -> None:
        self._values: set[str] = set()

    def add(self, value: str | None) -> None:
        if not value:
            return
        self._values.add(value)
        document = json_or_none(value)
        if document is not None:
            self._values.update(
                item
                for name, item in document.items()
                if isinstance(item, str) and item and self.SECRET_FIELD.search(name)
            )

    def scrub(self, text: str) -> str:
        """``text`` with every known value replaced by <redacted>, longest first."""
        for value in sorted(self._values, key=len, reverse=True):
            if len(value) >= self.MIN_LENGTH:
                text = text.replace(value, "<redacted>")
        return text


@dataclass
class RotationContext:
    """One step's view of the secret: its metadata (from the preamble) and lazy value reads.

    Values are read by version id or stage, never "whatever GetSecretValue returns by default".
    """

    client: Any
    arn: str
    token: str
    step: str
    metadata: Mapping[str, Any]
    seen: SecretValues = field(default_factory=SecretValues)
    _cache: dict[str, str | None] = field(default_factory=dict)

    @property
    def versions(self) -> Mapping[str, list[str]]:
        """VersionIdsToStages as DescribeSecret reported it."""
        versions: Mapping[str, list[str]] = self.metadata.get("VersionIdsToStages", {})
        return versions

    def version_with(self, stage: str) -> str | None:
        """The version id carrying ``stage``, if any."""
        for version_id, stages in self.versions.items():
            if stage in stages:
                return version_id
        return None

    def current_value(self) -> str:
        """The AWSCURRENT value (one GetSecretValue, cached for the step)."""
        value = self._read("current", VersionStage=CURRENT)
        if value is None:
            raise RotationError(f"secret {self.arn} has no AWSCURRENT value")
        return value

    def pending_value(self) -> str:
        """The value created for this rotation's token."""
        value = self._read("pending", VersionId=self.token, VersionStage=PENDING)
        if value is None:
            raise RotationError(f"version {self.token} of secret {self.arn} has no value yet")
        return value

    def previous_value(self) -> str | None:
        """The AWSPREVIOUS value, or None when there is none (first rotation)."""
        if self.version_with(PREVIOUS) is None:
            return None
        return self._read("previous", VersionStage=PREVIOUS)

    def deprecated_versions(self, limit: int) -> list[str]:
        """Up to ``limit`` deprecated versions of the secret, newest first: versions that hold
        a value but no staging label any more, such as the AWSPENDING version of a rotation
        that was cancelled or abandoned. Secrets Manager keeps them (it removes outdated
        versions only beyond 100, and never ones younger than 24 hours; PutSecretValue API
        reference), and DescribeSecret does not show them: ListSecretVersionIds with
        IncludeDeprecated does. Costs one ListSecretVersionIds per page of 100 versions."""
        found: list[tuple[Any, str]] = []
        for entry in version_entries(self.client, self.arn):
            version_id = str(entry.get("VersionId", ""))
            if version_id and version_id != self.token and not entry.get("VersionStages"):
                found.append((entry.get("CreatedDate"), version_id))
        # Newest first; a version without a date sorts last. The listing's order breaks ties
        # (reversed, so a later entry counts as newer).
        found.reverse()
        dated = [item for item in found if item[0] is not None]
        undated = [item for item in found if item[0] is None]
        dated.sort(key=lambda item: item[0], reverse=True)
        return [version_id for _, version_id in (*dated, *undated)][:limit]

    def version_value(self, version_id: str) -> str | None:
        """The value of one version by its id (any version, labelled or not), or None."""
        return self._read(f"version {version_id}", VersionId=version_id)

    def _read(self, key: str, **selector: str) -> str | None:
        if key not in self._cache:
            try:
                response = self.client.get_secret_value(SecretId=self.arn, **selector)
            except self.client.exceptions.ResourceNotFoundException:
                self._cache[key] = None
            else:
                self._cache[key] = response.get("SecretString")
                self.seen.add(self._cache[key])
        return self._cache[key]


def version_entries(client: Any, secret_id: str) -> Iterator[Mapping[str, Any]]:
    """Every version of a secret that holds a value, deprecated ones included (what
    ListSecretVersionIds with IncludeDeprecated lists, every page)."""
    request: dict[str, Any] = {"SecretId": secret_id, "IncludeDeprecated": True, "MaxResults": 100}
    while True:
        page = client.list_secret_version_ids(**request)
        yield from page.get("Versions", [])
        if not page.get("NextToken"):
            return
        request["NextToken"] = page["NextToken"]


class Strategy(ABC):
    """What differs between rotations: how to make, apply and prove a new credential.

    ``generate`` returns the whole new secret string (JSON secrets keep their other keys);
    ``set`` applies the pending value to the system it unlocks; ``test`` proves it works. The
    protocol around them (preamble, idempotency, stage moves, logging) is not a strategy's job.
    """

    name = "custom"

    @abstractmethod
    def generate(self, current: str, context: RotationContext) -> str:
        """The new secret string, derived from the current one."""

    def set(self, context: RotationContext) -> None:  # noqa: B027 - optional hook
        """Apply ``context.pending_value()`` to the target system (default: nothing to do)."""

    def test(self, context: RotationContext) -> None:  # noqa: B027 - optional hook
        """Prove the pending value works (default: nothing to test)."""


class Rotator:
    """Runs one step of the protocol for a strategy."""

    def __init__(self, strategy: Strategy, client: Any) -> None:
        self.strategy = strategy
        self.client = client
        self.seen = SecretValues()

    def run(self, event: RotationEvent) -> None:
        """Preamble, then the step. Every step is safe to repeat."""
        arn, token, step = event.secret_id, event.token, event.step
        metadata = self.client.describe_secret(SecretId=arn)
        if not metadata.get("RotationEnabled"):
            raise RotationError(f"rotation is not enabled for secret {arn}")
        stages = metadata.get("VersionIdsToStages", {}).get(token)
        if stages is None:
            raise RotationError(f"version {token} is not a version of secret {arn}")
        if CURRENT in stages:
            logger.info(
                "%s: version %s of %s is already AWSCURRENT; nothing to do", step, token, arn
            )
            return
        if PENDING not in stages:
            raise RotationError(f"version {token} of secret {arn} is not AWSPENDING")
        context = RotationContext(
            self.client, metadata.get("ARN", arn), token, step, metadata, self.seen
        )
        getattr(self, f"_{step}")(context)

    def _createSecret(self, context: RotationContext) -> None:
        new_value = self.strategy.generate(context.current_value(), context)
        context.seen.add(new_value)
        try:
            # No "does the pending value exist?" read first: PutSecretValue on a token that
            # already holds a different value fails with ResourceExistsException, which is
            # exactly the already-created case. One call saved on every rotation.
            self.client.put_secret_value(
                SecretId=context.arn,
                ClientRequestToken=context.token,
                SecretString=new_value,
                VersionStages=[PENDING],
            )
        except self.client.exceptions.ResourceExistsException:
            logger.info(
                "createSecret: version %s of %s already has its value; kept",
                context.token,
                context.arn,
            )
            return
        logger.info("createSecret: created version %s of %s", context.token, context.arn)

    def _setSecret(self, context: RotationContext) -> None:
        self.strategy.set(context)
        logger.info("setSecret: applied version %s of %s", context.token, context.arn)

    def _testSecret(self, context: RotationContext) -> None:
        self.strategy.test(context)
        logger.info("testSecret: version %s of %s works", context.token, context.arn)

    def _finishSecret(self, context: RotationContext) -> None:
        current = context.version_with(CURRENT)
        move: dict[str, str] = {"MoveToVersionId": context.token}
        if current is not None:
            move["RemoveFromVersionId"] = current
        try:
            self.client.update_secret_version_stage(
                SecretId=context.arn, VersionStage=CURRENT, **move
            )
        except self.client.exceptions.InvalidParameterException:
            # A concurrent invocation of finishSecret for the same token (Secrets Manager
            # retries while a slow one still runs) moved AWSCURRENT after our DescribeSecret:
            # RemoveFromVersionId no longer names the version carrying it, which AWS refuses
            # with InvalidParameterException. Done if the token is AWSCURRENT now.
            if not self._became_current(context):
                raise
            logger.info(
                "finishSecret: version %s of %s was made AWSCURRENT by a concurrent invocation",
                context.token,
                context.arn,
            )
            return
        logger.info(
            "finishSecret: version %s of %s is AWSCURRENT (was %s)",
            context.token,
            context.arn,
            current,
        )

    def _became_current(self, context: RotationContext) -> bool:
        """Whether the token carries AWSCURRENT now (a fresh DescribeSecret)."""
        described = self.client.describe_secret(SecretId=context.arn)
        stages = described.get("VersionIdsToStages", {}).get(context.token, [])
        return CURRENT in stages


def safe_failure(error: BaseException, seen: SecretValues | None = None) -> str:
    """A description of an error that cannot carry a secret value.

    AWS errors keep their code and message, and StrategyErrors their message (the strategy
    vouches for it), both scrubbed of every value the step read or generated; anything else
    (a driver's exception may quote a password) is reduced to its type.
    """
    seen = seen or SecretValues()
    if isinstance(error, RotationError):
        return seen.scrub(str(error))
    response = getattr(error, "response", None)
    if isinstance(response, Mapping) and "Error" in response:
        details = response["Error"]
        return seen.scrub(f"{details.get('Code', 'Error')}: {details.get('Message', '')}".strip())
    return type(error).__name__


def run_step(strategy: Strategy, event: Any, client: Any | None = None) -> None:
    """Handle one rotation event; failures are logged and re-raised without secret values."""
    failure: str | None = None
    parsed = parse_event(event)
    rotator = Rotator(strategy, client or default_client("secretsmanager"))
    try:
        rotator.run(parsed)
    except Exception as error:
        failure = safe_failure(error, rotator.seen)
    if failure is not None:
        logger.error(
            "%s failed for %s version %s: %s", parsed.step, parsed.secret_id, parsed.token, failure
        )
        # Raised outside the except block so the original exception (and any value a driver
        # put in its message) is not attached to what Lambda logs.
        raise RotationError(f"{parsed.step} failed for {parsed.secret_id}: {failure}")


_clients: dict[str, Any] = {}
#: Bounds on every AWS call the handlers make, well below the rotation function's default
#: timeout of 30 s: 2 s to connect, 5 s for each read, at most 2 attempts (one retry, in the
#: standard retry mode, which retries throttling and transient errors with backoff). A call
#: that cannot complete fails the step within ~15 s; Secrets Manager then retries the whole
#: step (it retries failed rotation steps with backoff), so one retry in the SDK is enough.
AWS_CONNECT_TIMEOUT_SECONDS = 2
AWS_READ_TIMEOUT_SECONDS = 5
AWS_MAX_ATTEMPTS = 2


def client_config() -> Config:
    """The botocore configuration of every client the handlers create."""
    # botocore's "max_attempts" counts retries after the first attempt; "total_max_attempts"
    # counts every attempt (botocore.config.Config's documentation).
    return Config(
        connect_timeout=AWS_CONNECT_TIMEOUT_SECONDS,
        read_timeout=AWS_READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "max_attempts": AWS_MAX_ATTEMPTS - 1},
    )


def default_client(service: str) -> Any:
    """One boto3 client per service and Lambda container, created on first use, with bounded
    connect and read timeouts and the standard retry mode (client_config)."""
    if service not in _clients:
        _clients[service] = boto3.client(service, config=client_config())
    return _clients[service]


class LambdaHandler:
    """A Lambda entry point for a strategy; ``strategy`` lets tools run it in-process."""

    def __init__(self, strategy: Strategy) -> None:
        self.strategy = strategy
        self.__doc__ = f"Rotation Lambda entry point for the {strategy.name} strategy."

    def __call__(self, event: Any, context: Any) -> None:
        run_step(self.strategy, event)


def handler_for(strategy: Strategy) -> LambdaHandler:
    """The ``lambda_handler`` of a strategy module: ``lambda_handler = handler_for(Mine())``."""
    return LambdaHandler(strategy)


def json_or_none(text: str) -> dict[str, Any] | None:
    """The secret as a JSON object, or None when it is a plain string (or other JSON)."""
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
