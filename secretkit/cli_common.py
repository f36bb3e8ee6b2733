"""What every `secretkit` command shares: the one-line error, JSON output, option checks."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any, TextIO


class CliError(Exception):
    """A problem to report in one line, with a non-zero exit."""


def write_json(out: TextIO, document: Any) -> None:
    """``document`` as indented JSON, datetimes in ISO 8601."""

    def encode(value: Any) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not JSON serializable")

    out.write(json.dumps(document, indent=2, default=encode) + "\n")


def only_aws_region(options: argparse.Namespace) -> None:
    """Commands that call no AWS API take --region, but not --profile or --endpoint-url."""
    for flag, value in (("--profile", options.profile), ("--endpoint-url", options.endpoint_url)):
        if value is not None:
            raise CliError(
                f"{flag} {value} does not apply to `secretkit {options.command}`: it calls no AWS "
                "API (only rotate, status and cancel-rotation do)"
            )


def money(amount: float) -> str:
    """$1,234.56"""
    return f"${amount:,.2f}"


def one_line(error: BaseException) -> str:
    """An error's message with its lines joined."""
    return " ".join(line.strip() for line in str(error).splitlines() if line.strip())
