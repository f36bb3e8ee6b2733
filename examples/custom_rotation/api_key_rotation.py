"""Example custom strategy: rotate an API key issued by an external HTTP service.

The secret holds ``{"api_key": ..., "key_id": ...}``. ``generate`` asks the service for a new
key (authenticated with the current one), ``test`` proves the new key is accepted; the
protocol around them (preamble, idempotency, staging labels, log hygiene) is secretkit's.
Deploy it with::

    RotatingSecret("vendor-api-key", {
        "secret_name": "prod/vendor/api-key",
        "secret_string": config.require_secret("vendorApiKeyJson"),
        "rotation": {
            "strategy": "custom",
            "handler_module": "api_key_rotation",      # this file, importable by the program
            "automatically_after_days": 30,
            "environment": {"API_BASE_URL": "https://api.vendor.example"},
        },
    })

Only the standard library is used (urllib), so the module ships as one file next to
rotation_handlers/ in the function's artifact.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

from rotation_handlers.protocol import (
    RotationContext,
    Strategy,
    StrategyError,
    handler_for,
    json_or_none,
)

TIMEOUT_SECONDS = 10


class ApiKeyStrategy(Strategy):
    """Mint, and prove, a new API key at the service named by API_BASE_URL."""

    name = "vendor-api-key"

    def __init__(self, base_url: str | None = None) -> None:
        self._base_url = base_url

    @property
    def base_url(self) -> str:
        url = self._base_url or os.environ.get("API_BASE_URL")
        if not url:
            raise StrategyError("API_BASE_URL is not set in the function's environment")
        return url.rstrip("/")

    def generate(self, current: str, context: RotationContext) -> str:
        document = json_or_none(current)
        if document is None or not document.get("api_key"):
            raise StrategyError(f"secret {context.arn} is not a JSON object with an 'api_key'")
        # createSecret may run more than once for a token (Secrets Manager retries a failed
        # step), so the key is named after the token: the service returns the same key again
        # instead of minting a second one.
        created = self._call(
            "POST", "/keys", document["api_key"], {"name": f"secretkit-{context.token}"}
        )
        return json.dumps({**document, "api_key": created["key"], "key_id": created["id"]})

    def test(self, context: RotationContext) -> None:
        pending = json_or_none(context.pending_value()) or {}
        self._call("GET", "/whoami", str(pending.get("api_key", "")))

    def _call(
        self, method: str, path: str, key: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            self.base_url + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                payload: dict[str, Any] = json.loads(response.read() or b"{}")
                return payload
        except urllib.error.HTTPError as error:
            # The status is safe to report; the body might echo the key, so it is dropped.
            raise StrategyError(f"{method} {path} answered HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError) as error:
            raise StrategyError(f"{method} {path} failed: {type(error).__name__}") from None


lambda_handler = handler_for(ApiKeyStrategy())
