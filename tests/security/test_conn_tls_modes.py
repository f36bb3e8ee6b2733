"""Issue 12, item 2: the secret's ``ssl`` key and the function's TLS_MODE, and what they give.

An unknown ``ssl`` value ("verify-full", "required", "on", 1, ...) used to become the weakest
mode silently; now it is refused. TLS_MODE (from rotation.tls) is a floor the secret can raise
and never lower.

The module's names are used through ``database.`` so that the attack tests (unknown values
accepted) also run, and fail, against the code before the fix.
"""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Any

import pytest

from rotation_handlers import database
from rotation_handlers.database import DbSecret
from rotation_handlers.postgres import PostgresEngine
from rotation_handlers.protocol import StrategyError
from tests.rotation_handlers.tls_certificates import write_certificates

ABSENT = object()
WHERE = "the current value of arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"


def parse(ssl_value: Any = ABSENT) -> DbSecret:
    value = {"host": "db.internal", "username": "app_user_x", "password": "Hidden-Pass-5"}
    if ssl_value is not ABSENT:
        value["ssl"] = ssl_value
    return DbSecret.parse(json.dumps(value), WHERE, 5432)


@pytest.mark.parametrize(
    ("ssl_value", "asks"),
    [
        (ABSENT, "require"),
        (None, "require"),
        (True, "require"),
        ("true", "require"),
        ("True", "require"),
        ("verify", "verify"),
        ("VERIFY", "verify"),
        (False, "plaintext"),
        ("false", "plaintext"),
        ("False", "plaintext"),
    ],
)
def test_accepted_ssl_values(ssl_value: Any, asks: str) -> None:
    assert parse(ssl_value).ssl == asks


@pytest.mark.parametrize(
    "ssl_value",
    [
        "required",
        "require",
        "verify-full",
        "verify-ca",
        "on",
        "off",
        "yes",
        "no",
        "1",
        "0",
        "disable",
        "",
        1,
        0,
        1.0,
        ["verify"],
        {"mode": "verify"},
    ],
)
def test_any_other_ssl_value_is_refused_naming_the_accepted_ones(ssl_value: Any) -> None:
    with pytest.raises(StrategyError) as caught:
        parse(ssl_value)
    message = str(caught.value)
    assert WHERE in message
    assert "true (TLS" in message
    assert "false (plaintext" in message
    assert '"verify"' in message
    assert "Hidden-Pass-5" not in message
    assert "app_user_x" not in message


def effective_mode(tls_mode: str | None, asks: Any, bundle: str | None = None) -> str:
    env = {k: v for k, v in (("TLS_MODE", tls_mode), ("SSL_CA_BUNDLE", bundle)) if v is not None}
    return database.tls_settings(parse(asks), env).mode


@pytest.mark.parametrize(
    ("tls_mode", "asks", "mode"),
    [
        # unset is require: the secret can ask for verify, never for plaintext
        (None, False, "require"),
        (None, ABSENT, "require"),
        (None, "verify", "verify"),
        ("require", False, "require"),
        ("require", True, "require"),
        ("require", "verify", "verify"),
        ("verify", False, "verify"),
        ("verify", True, "verify"),
        ("Verify", ABSENT, "verify"),
        # from-secret puts no floor: plaintext only when the secret says ssl false
        ("from-secret", False, "plaintext"),
        ("from-secret", ABSENT, "require"),
        ("from-secret", "verify", "verify"),
    ],
)
def test_the_stricter_of_tls_mode_and_the_secret_wins(
    tls_mode: str | None, asks: Any, mode: str
) -> None:
    assert effective_mode(tls_mode, asks) == mode


def test_what_each_mode_verifies(tmp_path: Path) -> None:
    bundle = str(write_certificates(tmp_path))
    # require without a bundle: encrypted, any certificate accepted (not authenticated)
    unverified = database.tls_settings(parse(), {}).context
    assert unverified is not None
    assert (unverified.verify_mode, unverified.check_hostname) == (ssl.CERT_NONE, False)
    # require with a bundle, and verify with or without one: chain and host name verified
    verified: tuple[tuple[dict[str, str], Any], ...] = (
        ({"SSL_CA_BUNDLE": bundle}, ABSENT),
        ({}, "verify"),
        ({"TLS_MODE": "verify"}, True),
    )
    for env, asks in verified:
        context = database.tls_settings(parse(asks), env).context
        assert context is not None
        assert (context.verify_mode, context.check_hostname) == (ssl.CERT_REQUIRED, True)
    # the bundle replaces the system's CAs as the trust anchors
    with_bundle = database.tls_settings(parse("verify"), {"SSL_CA_BUNDLE": bundle}).context
    assert with_bundle is not None
    assert [c["subject"] for c in with_bundle.get_ca_certs()] == [
        ((("commonName", "secretkit test CA"),),)
    ]
    assert database.tls_settings(parse(False), {"TLS_MODE": "from-secret"}).context is None


def test_overriding_ssl_false_is_reported() -> None:
    assert database.tls_settings(parse(False), {}).overridden is True
    assert database.tls_settings(parse(False), {"TLS_MODE": "from-secret"}).overridden is False
    assert database.tls_settings(parse(True), {}).overridden is False


@pytest.mark.parametrize("value", ["strict", "off", "none", "plaintext", "verify-full", "true"])
def test_an_invalid_tls_mode_is_refused_before_connecting(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(StrategyError, match="accepted: verify, require, from-secret"):
        database.tls_floor({"TLS_MODE": value})
    monkeypatch.setenv("TLS_MODE", value)
    # Port 1 refuses connections: "cannot connect" would mean the handler tried.
    with pytest.raises(StrategyError, match="TLS_MODE is") as caught:
        PostgresEngine().connect(
            DbSecret.parse(
                json.dumps({"host": "127.0.0.1", "port": 1, "username": "u", "password": "p-w-x"}),
                "t",
                5432,
            )
        )
    assert "cannot connect" not in str(caught.value)


def test_unset_or_empty_tls_mode_means_require() -> None:
    assert database.tls_floor({}) == ("require", "require")
    assert database.tls_floor({"TLS_MODE": ""}) == ("require", "require")
    assert database.tls_floor({"TLS_MODE": " from-secret "}) == ("from-secret", "plaintext")
