"""Runs a deployed function's handler in this process the way Lambda would: under the function's
own role (STS AssumeRole), with its environment variables, and with its log lines shipped to
its log group using that role."""

from __future__ import annotations

import contextlib
import importlib
import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3

from secretkit.embedded.accounts import assume
from secretkit.embedded.environment import environment


@dataclass
class Invocation:
    """The outcome of one invocation."""

    error: str | None = None
    result: Any = None
    log_lines: list[str] = field(default_factory=list)
    log_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class LambdaContext:
    """The attributes of Lambda's context object that handlers commonly read."""

    function_name: str
    aws_request_id: str
    invoked_function_arn: str


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("[%(levelname)s] %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextlib.contextmanager
def _default_session(session: boto3.session.Session) -> Iterator[None]:
    """Clients the handler creates (boto3.client(...)) use ``session``, as in Lambda, where the
    SDK finds the role's credentials in the environment."""
    from rotation_handlers import protocol  # noqa: PLC0415

    saved = boto3.DEFAULT_SESSION
    boto3.DEFAULT_SESSION = session
    protocol._clients.clear()  # a warm container's cached clients belong to another identity
    try:
        yield
    finally:
        boto3.DEFAULT_SESSION = saved
        protocol._clients.clear()


class DeployedFunction:
    """A function as deployed (read back from the Lambda API), runnable in-process."""

    def __init__(
        self,
        function_name: str,
        region: str,
        admin: boto3.session.Session | None = None,
        log_group: str | None = None,
    ):
        self.admin = admin or boto3.session.Session(region_name=region)
        self.region = region
        config = self.admin.client("lambda", region_name=region).get_function_configuration(
            FunctionName=function_name
        )
        self.name: str = config["FunctionName"]
        self.arn: str = config["FunctionArn"]
        self.role_arn: str = config["Role"]
        self.handler: str = config["Handler"]
        self.environment: dict[str, str] = dict(
            (config.get("Environment") or {}).get("Variables") or {}
        )
        # moto does not keep LoggingConfig; the deployment knows it, so callers may pass it.
        self.log_group: str = (
            log_group
            or (config.get("LoggingConfig") or {}).get("LogGroup")
            or f"/aws/lambda/{self.name}"
        )

    def role_session(self) -> boto3.session.Session:
        """A session with the function's role credentials (AssumeRole, as Lambda does)."""
        return assume(self.role_arn, self.name, self.region, via=self.admin)

    def invoke(self, event: Any, session: boto3.session.Session) -> Invocation:
        """Call the handler with ``event``; errors are captured, not raised."""
        module_name, attribute = self.handler.rsplit(".", 1)
        handler = getattr(importlib.import_module(module_name), attribute)
        capture = _Capture()
        root = logging.getLogger()
        root.addHandler(capture)
        outcome = Invocation()
        variables = {
            **self.environment,
            "AWS_LAMBDA_FUNCTION_NAME": self.name,
            "AWS_REGION": self.region,
        }
        context = LambdaContext(self.name, str(uuid.uuid4()), self.arn)
        try:
            with environment(variables), _default_session(session):
                try:
                    outcome.result = handler(event, context)
                except Exception as error:
                    outcome.error = str(error) or type(error).__name__
        finally:
            root.removeHandler(capture)
        outcome.log_lines = capture.lines
        outcome.log_error = self._ship_logs(session, context, capture.lines)
        return outcome

    def _ship_logs(
        self, session: boto3.session.Session, context: LambdaContext, lines: list[str]
    ) -> str | None:
        """Write the invocation's log lines to the log group with the function's role, as the
        Lambda service does. Returns the error if the role may not (the invocation itself
        still stands: Lambda drops logs it cannot write)."""
        logs = session.client("logs", region_name=self.region)
        stream = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{context.aws_request_id.replace('-', '')}"
        try:
            logs.create_log_stream(logGroupName=self.log_group, logStreamName=stream)
            if lines:
                now = int(time.time() * 1000)
                logs.put_log_events(
                    logGroupName=self.log_group,
                    logStreamName=stream,
                    logEvents=[{"timestamp": now, "message": line} for line in lines],
                )
        except Exception as error:
            response = getattr(error, "response", {}) or {}
            return str(response.get("Error", {}).get("Code") or type(error).__name__)
        return None
