"""The custom-strategy example end to end: a fake key service, moto as AWS, and the component."""

from __future__ import annotations

import json
import secrets
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pulumi
import pytest
from botocore.exceptions import ClientError

from rotation_handlers.protocol import CURRENT, PREVIOUS
from secretkit.components import RotatingSecret
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor
from secretkit.embedded.rotation_emulator import RotationFailed
from tests.rotation_handlers.conftest import json_value, make_secret, rotate, stages

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "custom_rotation"
sys.path.insert(0, str(EXAMPLE_DIR))

from api_key_rotation import ApiKeyStrategy  # noqa: E402


class KeyService:
    """A vendor API: keys named by the caller, minted only for a caller with a valid key."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, str]] = {}  # key -> {"id", "name"}
        self.requests: list[str] = []
        self.fail_next_whoami = False

    def add(self, name: str) -> str:
        key = secrets.token_hex(16)
        self.keys[key] = {"id": f"key-{len(self.keys) + 1}", "name": name}
        return key


@pytest.fixture
def service() -> Iterator[tuple[KeyService, str]]:
    state = KeyService()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def _caller(self) -> dict[str, str] | None:
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            return state.keys.get(key)

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            state.requests.append(f"POST {self.path}")
            if self._caller() is None:
                self._reply(401, {"error": "bad key"})
                return
            name = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["name"]
            for key, info in state.keys.items():
                if info["name"] == name:  # idempotent by name
                    self._reply(200, {"id": info["id"], "key": key})
                    return
            key = state.add(name)
            self._reply(201, {"id": state.keys[key]["id"], "key": key})

        def do_GET(self) -> None:
            state.requests.append(f"GET {self.path}")
            caller = self._caller()
            if caller is None or state.fail_next_whoami:
                state.fail_next_whoami = False
                self._reply(403, {"error": "nope"})
                return
            self._reply(200, caller)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_rotation_mints_and_proves_a_new_key(sm: Any, service: tuple[KeyService, str]) -> None:
    state, url = service
    old_key = state.add("bootstrap")
    arn = make_secret(sm, json.dumps({"api_key": old_key, "key_id": "key-1", "owner": "team"}))
    rotation = rotate(sm, arn, ApiKeyStrategy(url))
    new = json_value(sm, arn, CURRENT)
    assert new["api_key"] != old_key
    assert new["api_key"] in state.keys
    assert new["owner"] == "team"
    assert json_value(sm, arn, PREVIOUS)["api_key"] == old_key
    assert CURRENT in stages(sm, arn)[rotation.token]
    assert state.requests == ["POST /keys", "GET /whoami"]


def test_retried_create_does_not_mint_a_second_key(
    sm: Any, service: tuple[KeyService, str]
) -> None:
    state, url = service
    arn = make_secret(sm, json.dumps({"api_key": state.add("bootstrap")}))
    failed: list[str] = []

    def fail_first_put(model: Any, **_: Any) -> None:
        if not failed:
            failed.append(model.name)
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "x"}}, "Put")

    sm.meta.events.register("before-call.secrets-manager.PutSecretValue", fail_first_put)
    rotate(sm, arn, ApiKeyStrategy(url))
    assert failed == ["PutSecretValue"]
    assert len(state.keys) == 2  # bootstrap + one rotation key, although POST /keys ran twice
    assert state.requests.count("POST /keys") == 2


def test_a_rejected_key_stops_before_finish(sm: Any, service: tuple[KeyService, str]) -> None:
    state, url = service
    old = json.dumps({"api_key": state.add("bootstrap")})
    arn = make_secret(sm, old)
    state.fail_next_whoami = True
    rotation = rotate(sm, arn, ApiKeyStrategy(url))  # testSecret fails once, is retried
    assert [a.step for a in rotation.attempts] == [
        "createSecret",
        "setSecret",
        "testSecret",
        "testSecret",
        "finishSecret",
    ]
    assert rotation.attempts[2].error is not None
    assert "HTTP 403" in rotation.attempts[2].error
    assert json_value(sm, arn, CURRENT)["api_key"] in state.keys


def test_service_errors_never_carry_the_key(sm: Any, service: tuple[KeyService, str]) -> None:
    _, url = service
    leaked = "not-a-valid-key-0123456789"
    arn = make_secret(sm, json.dumps({"api_key": leaked}))
    with pytest.raises(RotationFailed) as caught:
        rotate(sm, arn, ApiKeyStrategy(url), max_attempts=1)
    assert "HTTP 401" in str(caught.value)
    assert leaked not in str(caught.value)


def test_rotating_secret_deploys_the_custom_module(
    monitor: RecordingMonitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLE_DIR))

    def program() -> pulumi.Output[str]:
        secret = RotatingSecret(
            "vendor",
            {
                "secret_name": "prod/vendor/api-key",
                "secret_string": pulumi.Output.secret('{"api_key": "k"}'),
                "rotation": {
                    "strategy": "custom",
                    "handler_module": "api_key_rotation",
                    "automatically_after_days": 30,
                    "environment": {"API_BASE_URL": "https://api.vendor.example"},
                },
            },
        )
        return secret.secret_arn

    mocks.run(program)
    function = monitor.by_type("aws:lambda/function:Function")[0]
    assert function.plain_inputs["handler"] == "api_key_rotation.lambda_handler"
    assert function.plain_inputs["environment"]["variables"]["API_BASE_URL"] == (
        "https://api.vendor.example"
    )
    assets = function.inputs["code"].assets
    assert "api_key_rotation.py" in assets
    assert "rotation_handlers/protocol.py" in assets
