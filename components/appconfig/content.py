"""A DynamicParameter's content: serialized, parsed by its content type, and checked before
registration (size, JSON Schema, feature-flag format, and no credentials)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema
import yaml

from secretkit.components import limits, validation
from secretkit.components.errors import Redacted

JSON = "application/json"
YAML = "application/x-yaml"
TEXT = "text/plain"
#: The content types secretkit serializes and checks (AppConfig stores any MIME type).
CONTENT_TYPES = (JSON, YAML, TEXT)

FREEFORM = "AWS.Freeform"
FEATURE_FLAGS = "AWS.AppConfig.FeatureFlags"
#: pulumi-aws: "Valid values: `AWS.AppConfig.FeatureFlags` and `AWS.Freeform`".
PROFILE_TYPES = (FREEFORM, FEATURE_FLAGS)

#: What a credential is kept in instead: the message of every refusal says so.
SECRET_REMEDY = (
    "AppConfig configuration is not a secret store (readers of the configuration read every "
    "value, and Pulumi keeps the content in plaintext state): keep credentials in a "
    "SecureParameter (free for static ones) or a RotatingSecret (rotated), and put their name "
    "or ARN here instead"
)
#: Last words of a key that names a credential ('db_password', 'apiKey', 'client-secret').
_CREDENTIAL_WORDS = frozenset(
    {"password", "passwd", "pwd", "passphrase", "secret", "token", "credential", "credentials"}
)
#: Last two words of a key that names a credential.
_CREDENTIAL_PAIRS = frozenset(
    {("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"), ("signing", "key")}
)
#: Whole keys written as one word.
_CREDENTIAL_KEYS = frozenset({"apikey", "privatekey", "accesskey", "secretkey", "secretaccesskey"})
#: Values that are credentials whatever their key: a PEM private key, an AWS access key id.
_CREDENTIAL_VALUES = (
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a PEM private key"),
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key id"),
)
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


@dataclass(frozen=True)
class Content:
    """The content as AppConfig stores it, and what it parses to (None for text/plain)."""

    text: str
    content_type: str
    parsed: Any


def serialize(argument: str, value: Any, content_type: str | None) -> Content:
    """The content given as a dict (JSON, or YAML with content_type application/x-yaml) or as
    a string in ``content_type`` (default application/json), parsed to check it."""
    if content_type is not None and content_type not in CONTENT_TYPES:
        raise validation.fail(
            "content_type", content_type, f"must be one of {', '.join(CONTENT_TYPES)}"
        )
    if isinstance(value, Mapping):
        kind = content_type or JSON
        if kind == TEXT:
            raise validation.fail(
                "content_type", kind, "a dict content is serialized as JSON or YAML, not text"
            )
        document = _plain(argument, value)
        text = (
            json.dumps(document, indent=2)
            if kind == JSON
            else yaml.safe_dump(document, sort_keys=False)
        )
        return Content(text, kind, document)
    if not isinstance(value, str):
        raise validation.fail(
            argument, type(value).__name__, "must be a dict, or a JSON, YAML or text string"
        )
    kind = content_type or JSON
    return Content(value, kind, parse(argument, value, kind))


def _plain(argument: str, value: Any) -> Any:
    """A dict of JSON values (dicts, lists, strings, numbers, booleans, None) as it is, so that
    json.dumps and yaml.safe_dump both take it; anything else refused."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError) as error:
        raise validation.fail(
            argument,
            "<dict>",
            f"must hold only JSON values (dicts, lists, strings, numbers, booleans, None): {error}",
        ) from None


def parse(argument: str, text: str, content_type: str) -> Any:
    """``text`` parsed as ``content_type`` says (None for text/plain)."""
    if content_type == JSON:
        try:
            return json.loads(text)
        except ValueError as error:
            raise validation.fail(
                argument, f"<{len(text)} characters>", f"is not valid JSON ({error})"
            ) from None
    if content_type == YAML:
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            problem = getattr(error, "problem", None) or type(error).__name__
            raise validation.fail(
                argument, f"<{len(text)} characters>", f"is not valid YAML ({problem})"
            ) from None
    return None


def check_size(argument: str, content: Content) -> None:
    """The content within the hosted configuration store's maximum, in UTF-8 bytes."""
    limits.check(
        argument,
        f"<{validation.utf8_size(content.text)} bytes of {content.content_type}>",
        limits.APPCONFIG_HOSTED_CONTENT,
        content.text,
        "the hosted configuration",
    )


def refuse_credentials(argument: str, content: Content) -> None:
    """Refuse a content that holds a credential: a string value under a key that names one
    ('password', 'api_key', 'clientSecret', ...), or a value that is one (a PEM private key,
    an AWS access key id) anywhere. A boolean, number or object under such a key is a setting
    ('require_password': true, 'password': {'min_length': 12}), not a credential."""
    if content.parsed is None:
        _refuse_credential_value(argument, content.text)
        return
    for path, key, value in _leaves(content.parsed):
        if not isinstance(value, str) or not value:
            continue
        where = f"{argument}{path}"
        if key is not None and names_credential(key):
            raise validation.fail(
                where,
                Redacted(validation.utf8_size(value)),
                f"is under the key '{key}', which names a credential; {SECRET_REMEDY}",
            )
        _refuse_credential_value(where, value)


def _refuse_credential_value(argument: str, value: str) -> None:
    for pattern, what in _CREDENTIAL_VALUES:
        if pattern.search(value):
            raise validation.fail(
                argument,
                Redacted(validation.utf8_size(value)),
                f"holds {what}; {SECRET_REMEDY}",
            )


def names_credential(key: str) -> bool:
    """Whether a key names a credential: its last word (snake, kebab, camel or dotted case) is
    one ('db_password', 'authToken'), or its last two ('api_key', 'privateKey')."""
    words = [word.lower() for word in _WORD.findall(key)]
    if not words:
        return False
    if "".join(words) in _CREDENTIAL_KEYS or words[-1] in _CREDENTIAL_WORDS:
        return True
    return len(words) >= 2 and (words[-2], words[-1]) in _CREDENTIAL_PAIRS


def _leaves(value: Any, path: str = "", key: str | None = None) -> Iterator[tuple[str, Any, Any]]:
    """(path such as '.db.password' or '[2]', the key it is under, value) of every value."""
    if isinstance(value, Mapping):
        for name, item in value.items():
            yield from _leaves(item, f"{path}.{name}", str(name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]", key)
    else:
        yield path, key, value


def check_feature_flags(argument: str, content: Content) -> None:
    """The basic shape of AppConfig's AWS.AppConfig.FeatureFlags document, JSON with
    'version': '1', a 'flags' object and a 'values' object whose keys are defined flags, each
    value an object with a boolean 'enabled' ("Type reference for AWS.AppConfig.FeatureFlags",
    AppConfig User Guide). AppConfig validates the rest when it stores the version."""
    if content.content_type != JSON:
        raise validation.fail(
            "content_type", content.content_type, f"a {FEATURE_FLAGS} profile holds JSON"
        )
    document = content.parsed
    if not isinstance(document, Mapping):
        raise validation.fail(argument, "<not an object>", "feature flags are a JSON object")
    if document.get("version") != "1":
        raise validation.fail(
            f"{argument}.version", document.get("version"), "must be the string '1'"
        )
    flags = document.get("flags")
    values = document.get("values")
    for name, part in (("flags", flags), ("values", values)):
        if not isinstance(part, Mapping):
            raise validation.fail(f"{argument}.{name}", part, "must be an object")
    assert isinstance(flags, Mapping)
    assert isinstance(values, Mapping)
    for flag, value in values.items():
        where = f"{argument}.values.{flag}"
        if flag not in flags:
            raise validation.fail(where, flag, "is not a flag defined under 'flags'")
        if not isinstance(value, Mapping) or not isinstance(value.get("enabled"), bool):
            raise validation.fail(where, value, "must be an object with a boolean 'enabled'")


def check_against_schema(argument: str, content: Content, schema: Mapping[str, Any]) -> None:
    """The content valid against ``schema`` (the dialect its '$schema' names; draft-04, the one
    AppConfig's examples use, when it names none), so the deployment's validator would pass."""
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    error = jsonschema.exceptions.best_match(cls(schema).iter_errors(content.parsed))
    if error is not None:
        where = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
        )
        # The content holds no credential by now (refuse_credentials runs first): the value
        # may be shown.
        raise validation.fail(
            f"{argument}{where}", error.instance, f"does not match json_schema: {error.message}"
        )


def parse_schema(value: Any) -> tuple[dict[str, Any], str]:
    """json_schema given as a dict or a JSON string: (the schema, its JSON text as the
    validator's content), checked to be a valid JSON Schema within the validator's size."""
    if isinstance(value, str):
        try:
            schema = json.loads(value)
        except ValueError as error:
            raise validation.fail(
                "json_schema", f"<{len(value)} characters>", f"is not valid JSON ({error})"
            ) from None
        text = value
    elif isinstance(value, Mapping):
        schema = _plain("json_schema", value)
        text = json.dumps(schema)
    else:
        raise validation.fail(
            "json_schema", type(value).__name__, "must be a dict or a JSON string"
        )
    if not isinstance(schema, dict):
        raise validation.fail("json_schema", "<not an object>", "a JSON Schema is an object")
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.exceptions.SchemaError as error:
        raise validation.fail(
            "json_schema", "<schema>", f"is not a valid JSON Schema: {error.message}"
        ) from None
    limits.check(
        "json_schema", f"<{len(text)} characters>", limits.APPCONFIG_VALIDATOR, text,
        "the JSON Schema validator's content",
    )  # fmt: skip
    return schema, text
