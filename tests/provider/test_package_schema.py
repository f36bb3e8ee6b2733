"""The multi-language package (provider/): its schema, built in-process the way `pulumi package
add` gets it from the plugin, and its Construct path, without the Pulumi CLI.

The schema comes from provider/__main__.py's SecretkitProvider (pulumi.provider.experimental's
ComponentProvider, with the descriptions of inherited fields added) over the very list of
components provider/__main__.py hosts, so these tests fail when a component stops being
expressible (a union annotation, a string annotation from ``from __future__ import annotations``)
or its inputs, outputs or descriptions drift.
"""

from __future__ import annotations

import json
import re
import runpy
import select
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypedDict, get_args, get_type_hints, is_typeddict

import pulumi
import pytest
import yaml
from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.output import Unknown
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.runtime import rpc

from secretkit.components import (
    CrossRegionReplicatedSecret,
    DeploymentStrategyArgs,
    DynamicParameter,
    ExistingSecret,
    ProxiedParameterPolicy,
    ReplicaRegionArgs,
    RotatingSecret,
    SecureParameter,
)
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_DIR = ROOT / "provider"
YAML_EXAMPLE = ROOT / "examples" / "yaml-consumer" / "Pulumi.yaml"

ROTATING = "secretkit:index:RotatingSecret"
PARAMETER = "secretkit:index:SecureParameter"
REPLICATED = "secretkit:index:CrossRegionReplicatedSecret"
PROXY = "secretkit:index:ProxiedParameterPolicy"
DYNAMIC = "secretkit:index:DynamicParameter"
EXISTING = "secretkit:index:ExistingSecret"
COMPONENTS = {
    ROTATING: RotatingSecret,
    PARAMETER: SecureParameter,
    REPLICATED: CrossRegionReplicatedSecret,
    PROXY: ProxiedParameterPolicy,
    DYNAMIC: DynamicParameter,
    EXISTING: ExistingSecret,
}

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
ANY = {"$ref": "pulumi.json#/Any"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/types/secretkit:index:{name}"}


def array_of(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def map_of(values: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": values}


def one_of(*types: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": list(types)}


def shape(prop: dict[str, Any]) -> dict[str, Any]:
    """A schema property without description and plain flags: just its type."""
    kept: dict[str, Any] = {
        k: v
        for k, v in prop.items()
        if k in ("type", "$ref", "items", "additionalProperties", "oneOf")
    }
    for key in ("items", "additionalProperties"):
        if key in kept:
            kept[key] = shape(kept[key])
    if "oneOf" in kept:
        kept["oneOf"] = [shape(option) for option in kept["oneOf"]]
    return kept


def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


@pytest.fixture(scope="module")
def hosted() -> dict[str, Any]:
    """provider/__main__.py's globals, loaded without starting the plugin."""
    return runpy.run_path(str(PROVIDER_DIR / "__main__.py"), run_name="secretkit_provider")


@pytest.fixture(scope="module")
def provider(hosted: dict[str, Any]) -> ComponentProvider:
    provider: ComponentProvider = hosted["SecretkitProvider"](
        hosted["COMPONENTS"], hosted["PACKAGE_NAME"], hosted["package_version"]()
    )
    return provider


@pytest.fixture(scope="module")
def field_docstrings(hosted: dict[str, Any]) -> Callable[[type], dict[str, str]]:
    """The docstring written under each annotated field of a class (or of a TypedDict it
    inherits from), as provider/__main__.py reads it."""
    read: Callable[[type], dict[str, str]] = hosted["field_docstrings"]
    return read


@pytest.fixture(scope="module")
def python_only(hosted: dict[str, Any]) -> dict[type, set[str]]:
    """The fields provider/__main__.py leaves out of the schema, by args TypedDict."""
    return {typed_dict: set(fields) for typed_dict, fields in hosted["PYTHON_ONLY"].items()}


@pytest.fixture(scope="module")
def schema(provider: ComponentProvider) -> dict[str, Any]:
    assert provider.schema is not None
    document: dict[str, Any] = json.loads(provider.schema)
    return document


# --- the package ---------------------------------------------------------------------------


def test_the_package_is_secretkit_at_the_librarys_version(schema: dict[str, Any]) -> None:
    assert schema["name"] == "secretkit"
    assert schema["version"] == version("secretkit")
    # Every input type is this package's own: no dependency on another package's schema.
    assert schema["dependencies"] == []


def test_the_package_offers_exactly_the_five_components(schema: dict[str, Any]) -> None:
    assert set(schema["resources"]) == set(COMPONENTS)
    for token, resource in schema["resources"].items():
        assert resource["isComponent"] is True, token
        # The class docstring is the resource's description.
        assert resource["description"].startswith((COMPONENTS[token].__doc__ or "?").strip()[:40])


def test_the_type_tokens_are_the_ones_the_components_register(schema: dict[str, Any]) -> None:
    for token, cls in COMPONENTS.items():
        module = sys.modules[cls.__module__]
        assert token == module.TYPE_TOKEN


# --- inputs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "required"),
    [
        (ROTATING, ["rotation", "secretName"]),
        (PARAMETER, ["parameterName", "value"]),
        (REPLICATED, ["replicaRegions", "secretName"]),
        # secret_name or secret: one of them, which a schema cannot say.
        (PROXY, []),
        # application_name or application_id, likewise.
        (DYNAMIC, ["content", "environmentName", "profileName"]),
        (EXISTING, ["secretArn"]),
    ],
)
def test_required_inputs_are_camel_cased_python_names(
    schema: dict[str, Any], token: str, required: list[str]
) -> None:
    assert schema["resources"][token]["requiredInputs"] == required


INPUT_TYPES = [
    # RotatingSecret (and the secret arguments CrossRegionReplicatedSecret shares)
    (ROTATING, "description", STRING),
    (ROTATING, "kmsKeyArn", STRING),
    (ROTATING, "keyAdministrators", array_of(STRING)),
    (ROTATING, "secretString", STRING),
    (ROTATING, "secretTemplate", map_of(ANY)),
    (ROTATING, "secretStringVersion", INTEGER),
    (ROTATING, "readers", array_of(STRING)),
    (ROTATING, "readerOrganizationId", STRING),
    (ROTATING, "readerOrganizationPaths", array_of(STRING)),
    (ROTATING, "resourcePolicyStatements", array_of(map_of(ANY))),
    (ROTATING, "keyPolicyAllowsForeignReaders", BOOLEAN),
    (ROTATING, "recoveryWindowInDays", INTEGER),
    (ROTATING, "architecture", STRING),
    (ROTATING, "memorySize", INTEGER),
    (ROTATING, "vpcConfig", ref("VpcConfigArgs")),
    (ROTATING, "passwordPolicy", ref("PasswordPolicyArgs")),
    (ROTATING, "logRetentionDays", INTEGER),
    (ROTATING, "tags", map_of(STRING)),
    (ROTATING, "rotation", ref("RotationArgs")),
    # SecureParameter
    (PARAMETER, "value", STRING),
    (PARAMETER, "tier", STRING),
    (PARAMETER, "kmsKeyArn", STRING),
    (PARAMETER, "createKmsKey", BOOLEAN),
    (PARAMETER, "writeOnly", BOOLEAN),
    (PARAMETER, "valueVersion", INTEGER),
    (PARAMETER, "expiresAt", STRING),
    (PARAMETER, "notifyBeforeExpiry", STRING),
    (PARAMETER, "notifyIfUnchangedFor", STRING),
    (PARAMETER, "notificationTopicArn", STRING),
    (PARAMETER, "readers", array_of(STRING)),
    (PARAMETER, "keyPolicyAllowsForeignReaders", BOOLEAN),
    (PARAMETER, "rotation", ref("ParameterRotationArgs")),
    (PARAMETER, "tags", map_of(STRING)),
    # CrossRegionReplicatedSecret
    (REPLICATED, "replicaRegions", array_of(one_of(STRING, ref("ReplicaRegionArgs")))),
    (REPLICATED, "rotation", ref("RotationArgs")),
    (REPLICATED, "forceOverwriteReplicaSecret", BOOLEAN),
    (REPLICATED, "multiRegionKey", BOOLEAN),
    # ProxiedParameterPolicy
    (PROXY, "secretName", STRING),
    (PROXY, "kmsKeyArn", STRING),
    (PROXY, "roles", array_of(STRING)),
    (PROXY, "region", STRING),
    (PROXY, "accountId", STRING),
    (PROXY, "description", STRING),
    # DynamicParameter: content and json_schema are JSON values (a dict, or a string)
    (DYNAMIC, "applicationName", STRING),
    (DYNAMIC, "applicationId", STRING),
    (DYNAMIC, "content", ANY),
    (DYNAMIC, "jsonSchema", ANY),
    (DYNAMIC, "deploymentStrategy", one_of(STRING, ref("DeploymentStrategyArgs"))),
    (DYNAMIC, "rollbackAlarmArns", array_of(STRING)),
    (DYNAMIC, "readers", array_of(STRING)),
    (DYNAMIC, "tags", map_of(STRING)),
    # ExistingSecret
    (EXISTING, "secretArn", STRING),
    (EXISTING, "kmsKeyArn", STRING),
    (EXISTING, "readers", array_of(STRING)),
    (EXISTING, "manageResourcePolicy", BOOLEAN),
    (EXISTING, "resourcePolicyStatements", array_of(map_of(ANY))),
    (EXISTING, "keyPolicyAllowsForeignReaders", BOOLEAN),
    (EXISTING, "rotation", ref("RotationArgs")),
    (EXISTING, "managedBy", STRING),
    (EXISTING, "tags", map_of(STRING)),
    (EXISTING, "alarms", ref("AlarmArgs")),
]


@pytest.mark.parametrize(("token", "name", "expected"), INPUT_TYPES)
def test_input_types(
    schema: dict[str, Any], token: str, name: str, expected: dict[str, Any]
) -> None:
    assert shape(schema["resources"][token]["inputProperties"][name]) == expected


@pytest.mark.parametrize(
    ("token", "accepts_outputs"),
    [
        (ROTATING, {"kmsKeyArn", "secretString"}),
        (PARAMETER, {"kmsKeyArn", "value"}),
        (REPLICATED, {"kmsKeyArn", "secretString"}),
        (PROXY, {"kmsKeyArn", "secretName"}),
        (DYNAMIC, set()),
        (EXISTING, {"kmsKeyArn", "secretArn"}),
    ],
)
def test_only_pulumi_inputs_accept_other_resources_outputs(
    schema: dict[str, Any], token: str, accepts_outputs: set[str]
) -> None:
    """pulumi.Input[...] fields may be Outputs; every other input is plain (known at run time),
    as the components' validation needs it to be."""
    inputs = schema["resources"][token]["inputProperties"]
    assert {name for name, prop in inputs.items() if not prop.get("plain")} == accepts_outputs


def test_every_component_input_is_an_args_field(
    schema: dict[str, Any], python_only: dict[type, set[str]]
) -> None:
    for token, cls in COMPONENTS.items():
        args = get_type_hints(vars(cls)["__init__"])["args"]
        inputs = schema["resources"][token]["inputProperties"]
        given = set(args.__annotations__) - python_only.get(args, set())
        assert set(inputs) == {camel(name) for name in given}, token


@pytest.mark.parametrize("token", list(COMPONENTS))
def test_input_descriptions_are_the_field_docstrings(
    schema: dict[str, Any],
    field_docstrings: Callable[[type], dict[str, str]],
    python_only: dict[type, set[str]],
    token: str,
) -> None:
    args = get_type_hints(vars(COMPONENTS[token])["__init__"])["args"]
    docstrings = field_docstrings(args)
    inputs = schema["resources"][token]["inputProperties"]
    assert set(docstrings) == set(args.__annotations__), "every argument has a docstring"
    for name, docstring in docstrings.items():
        if name not in python_only.get(args, set()):
            assert inputs[camel(name)]["description"] == docstring, name


class _Inherited(TypedDict, total=False):
    first: str
    """Written once, in the base."""


class _Inheriting(_Inherited, total=False):
    second: int
    """The class's own."""
    undocumented: bool


def test_field_docstrings_include_the_inherited_ones(
    field_docstrings: Callable[[type], dict[str, str]],
) -> None:
    assert field_docstrings(_Inheriting) == {
        "first": "Written once, in the base.",
        "second": "The class's own.",
    }


def test_descriptions_read_as_written(schema: dict[str, Any]) -> None:
    rotating = schema["resources"][ROTATING]["inputProperties"]
    assert rotating["secretName"]["description"] == (
        "The secret's name in Secrets Manager, e.g. 'prod/billing/api-key'."
    )
    parameter = schema["resources"][PARAMETER]["inputProperties"]
    assert parameter["value"]["description"] == (
        "The value, ideally a Pulumi secret (config.require_secret)."
    )
    rotation = schema["types"]["secretkit:index:RotationArgs"]["properties"]
    assert rotation["automaticallyAfterDays"]["description"] == (
        "Rotate every N days (1-1000). Give this or schedule_expression."
    )


def test_the_replicated_secret_repeats_rotating_secrets_arguments_exactly(
    schema: dict[str, Any],
) -> None:
    """Both TypedDicts inherit the shared arguments from SecretArgs; the schema describes them
    identically, description included."""
    rotating = schema["resources"][ROTATING]["inputProperties"]
    replicated = schema["resources"][REPLICATED]["inputProperties"]
    shared = set(rotating) - {"rotation", "alarms"}  # alarms: RotatingSecret's own
    assert shared < set(replicated)
    for name in shared:
        assert replicated[name] == rotating[name], name
    assert replicated["rotation"]["$ref"] == rotating["rotation"]["$ref"]


@pytest.mark.parametrize(
    ("type_name", "required", "properties"),
    [
        (
            "RotationArgs",
            ["strategy"],
            {
                "strategy": STRING,
                "scheduleExpression": STRING,
                "automaticallyAfterDays": INTEGER,
                "duration": STRING,
                "rotateImmediately": BOOLEAN,
                "masterSecretArn": STRING,
                "masterSecretKmsKeyArn": STRING,
                "caBundlePath": STRING,
                "tls": STRING,
                "handlerModule": STRING,
                "environment": map_of(STRING),
            },
        ),
        (
            "ParameterRotationArgs",
            ["scheduleExpression"],
            {
                "scheduleExpression": STRING,
                "handlerModule": STRING,
                "environment": map_of(STRING),
                "passwordPolicy": ref("PasswordPolicyArgs"),
                "lambdaRuntime": STRING,
                "architecture": STRING,
                "timeout": INTEGER,
                "memorySize": INTEGER,
                "logRetentionDays": INTEGER,
                "permissionsBoundaryArn": STRING,
            },
        ),
        (
            "VpcConfigArgs",
            ["securityGroupIds", "subnetIds"],
            {"subnetIds": array_of(STRING), "securityGroupIds": array_of(STRING)},
        ),
        (
            "PasswordPolicyArgs",
            None,
            {"length": INTEGER, "excludeCharacters": STRING},
        ),
    ],
)
def test_nested_argument_types(
    schema: dict[str, Any],
    type_name: str,
    required: list[str] | None,
    properties: dict[str, dict[str, Any]],
) -> None:
    declared = schema["types"][f"secretkit:index:{type_name}"]
    assert declared["type"] == "object"
    assert declared.get("required") == required
    assert {name: shape(prop) for name, prop in declared["properties"].items()} == properties
    assert all(prop.get("description") for prop in declared["properties"].values())


# --- what other languages can give -----------------------------------------------------------

SECRET_INPUTS = {ROTATING: {"secretString"}, PARAMETER: {"value"}, REPLICATED: {"secretString"}}
#: The lists of principals (role names or ARNs) of the components with a key and readers.
ROLE_FIELDS = ("readers", "keyAdministrators")


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property in the schema, top-level and nested, with its path."""
    for token, resource in schema["resources"].items():
        for name, prop in resource["inputProperties"].items():
            yield f"{token}.{name}", prop
        for name, prop in resource["properties"].items():
            yield f"{token}.{name} (output)", prop
    for token, declared in schema["types"].items():
        for name, prop in declared["properties"].items():
            yield f"{token}.{name}", prop


def test_inputs_that_carry_a_secret_value_are_marked_secret(schema: dict[str, Any]) -> None:
    """The metaschema's propertySpec.secret flag, on exactly the inputs holding a secret value."""
    marked = {path for path, prop in _properties(schema) if "secret" in prop}
    assert marked == {f"{token}.{name}" for token, names in SECRET_INPUTS.items() for name in names}
    for token, names in SECRET_INPUTS.items():
        for name in names:
            assert schema["resources"][token]["inputProperties"][name]["secret"] is True


@pytest.mark.parametrize(
    ("token", "name"),
    [
        *((token, name) for token in (ROTATING, PARAMETER, REPLICATED) for name in ROLE_FIELDS),
        (PROXY, "roles"),
        (DYNAMIC, "readers"),
    ],
)
def test_role_lists_are_plain_lists_of_input_strings(
    schema: dict[str, Any], token: str, name: str
) -> None:
    """Input<string>[] in TypeScript: the list is known while the program runs (a grant, or a
    statement, per item), each item may be another resource's output (an autonamed role's name
    or ARN)."""
    prop = schema["resources"][token]["inputProperties"][name]
    assert prop["plain"] is True
    assert prop["items"]["type"] == "string"
    assert "plain" not in prop["items"]


def test_a_replica_region_is_a_name_or_an_object(schema: dict[str, Any]) -> None:
    regions = schema["resources"][REPLICATED]["inputProperties"]["replicaRegions"]
    assert regions["plain"] is True
    assert regions["items"] == {
        "oneOf": [
            {"type": "string", "plain": True},
            {"$ref": "#/types/secretkit:index:ReplicaRegionArgs", "plain": True},
        ]
    }
    declared = schema["types"]["secretkit:index:ReplicaRegionArgs"]
    assert declared["required"] == ["region"]
    assert {name: shape(prop) for name, prop in declared["properties"].items()} == {
        "region": STRING,
        "kmsKeyArn": STRING,
    }
    # The region is known while the program runs; the key may be another resource's output.
    assert declared["properties"]["region"]["plain"] is True
    assert "plain" not in declared["properties"]["kmsKeyArn"]


def _typed_dicts(typed_dict: type, found: dict[str, type]) -> dict[str, type]:
    """``typed_dict`` and every TypedDict its fields' annotations name, by class name."""
    found[typed_dict.__name__] = typed_dict
    stack = list(typed_dict.__annotations__.values())  # pulumi.Input's own hints do not resolve
    while stack:
        hint = stack.pop()
        if is_typeddict(hint) and hint.__name__ not in found:
            _typed_dicts(hint, found)
        stack.extend(get_args(hint))
    return found


#: Where the schema keeps Any: values that are any JSON in Python too (the initial secret's
#: object, the resource policy's statements), which every language can write.
JSON_VALUES = {
    *(
        f"{token}.{name}"
        for token in (ROTATING, REPLICATED)
        for name in ("secretTemplate", "resourcePolicyStatements")
    ),
    f"{EXISTING}.resourcePolicyStatements",
    f"{DYNAMIC}.content",
    f"{DYNAMIC}.jsonSchema",
}


def test_the_schema_offers_every_documented_argument_and_no_unusable_any(
    schema: dict[str, Any],
    field_docstrings: Callable[[type], dict[str, str]],
    python_only: dict[type, set[str]],
) -> None:
    """Round trip: each component's args TypedDict, and each TypedDict its fields name, is a
    schema object with one property per documented field (less the Python-only ones, which
    take a Python object), described by the field's docstring; and no property is typed Any
    except JSON values."""
    typed_dicts: dict[str, type] = {}
    objects: dict[str, dict[str, Any]] = {}
    for token, cls in COMPONENTS.items():
        args = get_type_hints(vars(cls)["__init__"])["args"]
        _typed_dicts(args, typed_dicts)
        objects[args.__name__] = schema["resources"][token]["inputProperties"]
    # replica_regions is Sequence[Any] in Python (str | ReplicaRegionArgs, which the analyzer
    # cannot express); the provider declares the object type itself.
    typed_dicts["ReplicaRegionArgs"] = ReplicaRegionArgs
    # deployment_strategy likewise: a predefined name or a DeploymentStrategyArgs.
    typed_dicts["DeploymentStrategyArgs"] = DeploymentStrategyArgs
    for token, declared in schema["types"].items():
        objects[token.rsplit(":", 1)[-1]] = declared["properties"]
    assert set(objects) == set(typed_dicts), "a schema type for each TypedDict, and no other"
    for type_name, typed_dict in typed_dicts.items():
        docstrings = field_docstrings(typed_dict)
        assert set(docstrings) == set(typed_dict.__annotations__), type_name
        offered = set(docstrings) - python_only.get(typed_dict, set())
        assert set(objects[type_name]) == {camel(name) for name in offered}, type_name
        for name in offered:
            assert objects[type_name][camel(name)]["description"] == docstrings[name], name
    typed_any = {
        path
        for path, prop in _properties(schema)
        if ANY["$ref"] in json.dumps({k: v for k, v in prop.items() if k != "description"})
    }
    assert typed_any == JSON_VALUES, (
        "a field typed Any: give it a type the schema can express (provider/__main__.py can "
        "override one), or leave it out with PYTHON_ONLY if it takes a Python object"
    )


def test_python_only_fields_say_what_other_languages_do(
    hosted: dict[str, Any], field_docstrings: Callable[[type], dict[str, str]]
) -> None:
    for typed_dict, fields in hosted["PYTHON_ONLY"].items():
        for field, instead in fields.items():
            assert "Python only" in field_docstrings(typed_dict)[field], field
            assert instead, field


# --- outputs -------------------------------------------------------------------------------

OUTPUTS = {
    ROTATING: {
        "secretArn": (STRING, True),
        "secretName": (STRING, True),
        "kmsKeyArn": (STRING, True),
        "rotationFunctionArn": (STRING, True),
        "rotationRoleArn": (STRING, True),
        "rotationRoleName": (STRING, True),
        "rotationArtifactSize": (INTEGER, True),
        "alarmTopicArn": (STRING, False),
    },
    PARAMETER: {
        "parameterArn": (STRING, True),
        "parameterName": (STRING, True),
        "tier": (STRING, True),
        "kmsKeyArn": (STRING, True),
        "notificationTopicArn": (STRING, False),
        "rotationFunctionArn": (STRING, False),
        "rotationRoleName": (STRING, False),
    },
    REPLICATED: {
        "secretArn": (STRING, True),
        "secretName": (STRING, True),
        "kmsKeyArn": (STRING, True),
        "replicaSecretArns": (map_of(STRING), True),
        "replicaKmsKeyArns": (map_of(STRING), True),
        "rotationFunctionArn": (STRING, False),
        "rotationRoleName": (STRING, False),
    },
    PROXY: {
        "policyJson": (STRING, True),
        "policyArn": (STRING, True),
        "parameterPath": (STRING, True),
        "parameterArn": (STRING, True),
    },
    DYNAMIC: {
        "applicationId": (STRING, True),
        "environmentId": (STRING, True),
        "configurationProfileId": (STRING, True),
        "configurationProfileArn": (STRING, True),
        "configurationVersion": (INTEGER, True),
        "deploymentNumber": (INTEGER, True),
        "deploymentStrategyId": (STRING, True),
        "configurationArn": (STRING, True),
        "rollbackRoleArn": (STRING, False),
    },
    EXISTING: {
        "secretArn": (STRING, True),
        "secretName": (STRING, True),
        "kmsKeyArn": (STRING, True),
        "rotationFunctionArn": (STRING, False),
        "rotationRoleArn": (STRING, False),
        "keyPolicyStatements": (STRING, True),
        "alarmTopicArn": (STRING, False),
    },
}


@pytest.mark.parametrize("token", list(OUTPUTS))
def test_outputs_types_and_which_are_always_set(
    schema: dict[str, Any], field_docstrings: Callable[[type], dict[str, str]], token: str
) -> None:
    resource = schema["resources"][token]
    properties = resource["properties"]
    assert {name: shape(prop) for name, prop in properties.items()} == {
        name: expected for name, (expected, _) in OUTPUTS[token].items()
    }
    assert resource["required"] == sorted(
        name for name, (_, always) in OUTPUTS[token].items() if always
    )
    # Each output's description is the docstring under its annotation in the component class.
    docstrings = field_docstrings(COMPONENTS[token])
    for name, prop in properties.items():
        assert prop["description"] == docstrings[_snake(name)], name


def _snake(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name)


# --- Construct: what the engine sends, mapped back onto the Python arguments ----------------


def construct(
    provider: ComponentProvider, token: str, name: str, inputs: dict[str, Any]
) -> dict[str, Any]:
    """Construct ``token`` as the plugin does for a program in another language; the outputs it
    reports, resolved."""

    def program() -> pulumi.Output[dict[str, Any]]:
        result = provider.construct(name, token, inputs, pulumi.ResourceOptions())
        return pulumi.Output.all(**result.state)

    resolved: dict[str, Any] = mocks.run(program)
    return resolved


def construct_raw(
    provider: ComponentProvider,
    token: str,
    name: str,
    inputs: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """construct(), with the inputs made inside the program (Outputs need its event loop)."""

    def program() -> pulumi.Output[dict[str, Any]]:
        result = provider.construct(name, token, inputs(), pulumi.ResourceOptions())
        return pulumi.Output.all(**result.state)

    resolved: dict[str, Any] = mocks.run(program)
    return resolved


def test_construct_maps_camel_case_and_engine_numbers_onto_rotating_secret(
    monitor: RecordingMonitor, provider: ComponentProvider
) -> None:
    outputs = construct(
        provider,
        ROTATING,
        "app",
        {
            "secretName": "prod/app/api-password",
            "secretTemplate": {"username": "app"},
            # Numbers arrive from the engine as floats.
            "recoveryWindowInDays": 7.0,
            "passwordPolicy": {"length": 40.0},
            "rotation": {
                "strategy": "password",
                "automaticallyAfterDays": 30.0,
                "rotateImmediately": False,
            },
            "readers": ["app-task-role"],
        },
    )
    secret = monitor.by_type("aws:secretsmanager/secret:Secret")[0].plain_inputs
    assert secret["name"] == "prod/app/api-password"
    assert secret["recoveryWindowInDays"] == 7
    rules = monitor.by_type("aws:secretsmanager/secretRotation:SecretRotation")[0].plain_inputs
    assert rules["rotationRules"]["automaticallyAfterDays"] == 30
    assert rules["rotateImmediately"] is False
    assert len(monitor.by_type("aws:iam/rolePolicy:RolePolicy")) == 2  # rotation + the reader
    assert set(outputs) == set(OUTPUTS[ROTATING])
    assert outputs["secretName"] == "prod/app/api-password"


def test_construct_secure_parameter(monitor: RecordingMonitor, provider: ComponentProvider) -> None:
    outputs = construct(
        provider,
        PARAMETER,
        "cfg",
        {
            "parameterName": "/team/app/config",
            "value": pulumi.Output.secret("s3cr3t-value"),
            "valueVersion": 2.0,
            "tier": "auto",
        },
    )
    parameter = monitor.by_type("aws:ssm/parameter:Parameter")[0]
    assert parameter.plain_inputs["valueWoVersion"] == 2
    assert outputs["tier"] == "Standard"
    assert outputs["parameterName"] == "/team/app/config"
    # The optional outputs are reported, empty.
    assert set(outputs) == set(OUTPUTS[PARAMETER])
    assert outputs["notificationTopicArn"] is None
    assert outputs["rotationFunctionArn"] is None


def test_construct_takes_replica_regions_as_python_does(
    monitor: RecordingMonitor, provider: ComponentProvider
) -> None:
    key = f"arn:aws:kms:ap-southeast-2:{mocks.ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    outputs = construct(
        provider,
        REPLICATED,
        "shared",
        {
            "secretName": "prod/app/shared",
            # Typed Any in the schema: names, or objects with the Python (snake_case) keys.
            "replicaRegions": ["eu-west-1", {"region": "ap-southeast-2", "kms_key_arn": key}],
        },
    )
    assert list(outputs["replicaSecretArns"]) == ["eu-west-1", "ap-southeast-2"]
    assert outputs["replicaKmsKeyArns"]["ap-southeast-2"] == key
    secret = monitor.by_type("aws:secretsmanager/secret:Secret")[0].plain_inputs
    assert [r["region"] for r in secret["replicas"]] == ["eu-west-1", "ap-southeast-2"]


def test_construct_proxied_parameter_policy_by_name(
    monitor: RecordingMonitor, provider: ComponentProvider
) -> None:
    outputs = construct(
        provider,
        PROXY,
        "proxy",
        {"secretName": "prod/app/db", "roles": ["app-task-execution"]},
    )
    assert outputs["parameterPath"] == "/aws/reference/secretsmanager/prod/app/db"
    attachment = monitor.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")[0]
    assert attachment.plain_inputs["role"] == "app-task-execution"
    assert json.loads(outputs["policyJson"])["Statement"]


def test_construct_existing_secret_with_readers_and_rotation(
    monitor: RecordingMonitor, provider: ComponentProvider
) -> None:
    arn = MINIMAL_INPUTS[EXISTING]["secretArn"]
    outputs = construct(
        provider,
        EXISTING,
        "theirs",
        {
            "secretArn": arn,
            "readers": ["app"],
            "rotation": {"strategy": "password", "automaticallyAfterDays": 30.0},
        },
    )
    assert outputs["secretName"] == "x"
    schedule = monitor.by_type("aws:secretsmanager/secretRotation:SecretRotation")[0]
    assert schedule.plain_inputs["secretId"] == arn
    assert schedule.plain_inputs["rotationRules"] == {"automaticallyAfterDays": 30}
    grant = monitor.by_name("theirs-read-app")
    assert json.loads(grant.plain_inputs["policy"])["Statement"][0]["Resource"] == [arn]


def test_construct_refuses_a_missing_required_input(provider: ComponentProvider) -> None:
    with pytest.raises(Exception, match="Missing required input 'rotation'"):
        provider.construct("app", ROTATING, {"secretName": "prod/app/x"}, None)


MINIMAL_INPUTS: dict[str, dict[str, Any]] = {
    ROTATING: {
        "secretName": "prod/app/x",
        "rotation": {"strategy": "password", "scheduleExpression": "rate(10 days)"},
    },
    PARAMETER: {"parameterName": "/team/app/x", "value": "s3cr3t-value"},
    REPLICATED: {"secretName": "prod/app/x", "replicaRegions": ["eu-west-1"]},
    PROXY: {"secretName": "prod/app/x"},
    DYNAMIC: {
        "applicationName": "app",
        "environmentName": "prod",
        "profileName": "x",
        "content": {"x": 1},
    },
    EXISTING: {"secretArn": f"arn:aws:secretsmanager:us-east-1:{mocks.ACCOUNT_ID}:secret:x-AbC123"},
}


@pytest.mark.parametrize("token", list(COMPONENTS))
def test_every_schema_output_is_what_the_component_registers(
    monitor: RecordingMonitor, provider: ComponentProvider, schema: dict[str, Any], token: str
) -> None:
    construct(provider, token, "it", MINIMAL_INPUTS[token])
    registered = {camel(name) for name in monitor.component_outputs[monitor.by_type(token)[0].urn]}
    resource = schema["resources"][token]
    # Outputs that resolved to None are not recorded; the optional ones may be missing here.
    assert set(resource["required"]) <= registered <= set(resource["properties"])


def engine_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """``inputs`` as the plugin's gRPC server hands a ConstructRequest's inputs to construct():
    deserialized with unknowns kept (pulumi/provider/server.py, _construct_inputs)."""
    struct = struct_pb2.Struct()
    struct.update(inputs)
    deserialized: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns=True)
    return deserialized


def output_value(value: str | None, *dependencies: str) -> dict[str, Any]:
    """An output value as the engine sends it to a provider that accepts outputs (this one
    does: its Configure answers acceptOutputs=True): no "value" while it is unknown."""
    sent: dict[str, Any] = {
        rpc._special_sig_key: rpc._special_output_value_sig,
        "dependencies": list(dependencies),
    }
    if value is not None:
        sent["value"] = value
    return sent


ROLE_URN = "urn:pulumi:test::consumer::aws:iam/role:Role::app"
ROLE_ARN = f"arn:aws:iam::{mocks.ACCOUNT_ID}:role/app-4f2a9c1"


@pytest.fixture
def preview_monitor(monkeypatch: pytest.MonkeyPatch) -> RecordingMonitor:
    """The recording mocks in a preview, where another resource's outputs may be unknown."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    return mocks.install(preview=True)


def _rotating_inputs(readers: list[Any]) -> dict[str, Any]:
    return engine_inputs({**MINIMAL_INPUTS[ROTATING], "readers": readers})


def test_construct_takes_a_reader_that_is_another_resources_output(
    monitor: RecordingMonitor, provider: ComponentProvider
) -> None:
    """An autonamed role's ARN from a TypeScript or YAML program reaches RotatingSecret as an
    Output, with its dependency: granted as a Python program's Output ARN is."""
    construct_raw(
        provider,
        ROTATING,
        "app",
        lambda: _rotating_inputs(["literal-role", output_value(ROLE_ARN, ROLE_URN)]),
    )
    policy = monitor.by_type("aws:secretsmanager/secretPolicy:SecretPolicy")[0]
    assert ROLE_URN in policy.dependencies
    statement = json.loads(policy.plain_inputs["policy"])["Statement"][0]
    assert statement["Principal"] == {"AWS": [ROLE_ARN]}
    reads = {r.name for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy")}
    assert "app-read-literal-role" in reads


@pytest.mark.parametrize(
    "unknown",
    [output_value(None, ROLE_URN), rpc.UNKNOWN],
    ids=["output value", "bare unknown"],
)
def test_construct_previews_a_reader_not_known_yet(
    preview_monitor: RecordingMonitor, provider: ComponentProvider, unknown: Any
) -> None:
    """In a preview, a role still to be created has no ARN: the component registers with the
    grant left unknown instead of failing."""
    construct_raw(provider, ROTATING, "app", lambda: _rotating_inputs(["literal-role", unknown]))
    policy = preview_monitor.by_type("aws:secretsmanager/secretPolicy:SecretPolicy")[0]
    assert isinstance(policy.plain_inputs["policy"], Unknown)  # until the role exists
    assert {r.name for r in preview_monitor.by_type("aws:iam/rolePolicy:RolePolicy")} == {
        "app-rotation",
        "app-read-literal-role",
    }


def test_construct_refuses_readers_given_as_one_output(provider: ComponentProvider) -> None:
    """The list itself must be known (the schema marks it plain): a grant per item."""
    mocks.install()
    inputs = {**MINIMAL_INPUTS[ROTATING], "readers": pulumi.Output.from_input(["a", "b"])}
    with pytest.raises(Exception, match=r"argument 'readers' .* must be a list"):
        construct(provider, ROTATING, "app", inputs)


def test_construct_makes_secret_inputs_secrets(
    monitor: RecordingMonitor, provider: ComponentProvider
) -> None:
    """A YAML program may pass the value as plain text: every resource taking it gets a Pulumi
    secret. (The components also wrap these values themselves; construct() makes them secrets
    before that, test_prepared_inputs_wrap_secrets_and_unknown_items.)"""
    construct(
        provider,
        PARAMETER,
        "cfg",
        {"parameterName": "/team/app/x", "value": "plain-text-value", "writeOnly": False},
    )
    parameter = monitor.by_type("aws:ssm/parameter:Parameter")[0]
    assert mocks.is_secret(parameter.inputs["value"])
    construct(
        provider,
        ROTATING,
        "app",
        {**MINIMAL_INPUTS[ROTATING], "secretString": "plain-initial-value"},
    )
    version_inputs = monitor.by_type("aws:secretsmanager/secretVersion:SecretVersion")[0].inputs
    assert mocks.is_secret(version_inputs["secretStringWo"])


def test_prepared_inputs_wrap_secrets_and_unknown_items(hosted: dict[str, Any]) -> None:
    prepare = hosted["prepared_inputs"]
    mocks.install()

    def program() -> pulumi.Output[list[Any]]:
        prepared = prepare(
            RotatingSecret,
            {
                "secretString": "x",
                "readers": ["a", Unknown()],
                "keyAdministrators": [Unknown()],
                "other": 1,
            },
        )

        async def inspect() -> list[Any]:
            secret = prepared["secretString"]
            reader, administrator = prepared["readers"][1], prepared["keyAdministrators"][0]
            return [
                await secret.is_secret(),
                await reader.is_known(),
                await administrator.is_known(),
                prepared["readers"][0],
                prepared["other"],
            ]

        return pulumi.Output.from_input(inspect())

    assert mocks.run(program) == [True, False, False, "a", 1]


def test_construct_replica_region_objects_in_either_case(
    monitor: RecordingMonitor, provider: ComponentProvider
) -> None:
    """A replica region object from another language uses the schema's names (kmsKeyArn);
    the Python names given before the schema typed it keep working."""
    key = f"arn:aws:kms:{{}}:{mocks.ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    outputs = construct(
        provider,
        REPLICATED,
        "shared",
        {
            "secretName": "prod/app/shared",
            "replicaRegions": [
                {"region": "ap-southeast-2", "kmsKeyArn": key.format("ap-southeast-2")},
                {"region": "eu-west-1", "kms_key_arn": key.format("eu-west-1")},
                "us-west-2",
            ],
        },
    )
    assert outputs["replicaKmsKeyArns"]["ap-southeast-2"] == key.format("ap-southeast-2")
    assert outputs["replicaKmsKeyArns"]["eu-west-1"] == key.format("eu-west-1")
    assert list(outputs["replicaSecretArns"]) == ["ap-southeast-2", "eu-west-1", "us-west-2"]


def test_construct_refuses_an_unknown_key_of_a_replica_region(provider: ComponentProvider) -> None:
    mocks.install()
    inputs = {"secretName": "prod/app/x", "replicaRegions": [{"region": "eu-west-1", "kms": "k"}]}
    with pytest.raises(Exception, match=r"replica_regions\[0\]"):
        construct(provider, REPLICATED, "shared", inputs)


def test_construct_proxied_parameter_policy_from_outputs(
    monitor: RecordingMonitor, provider: ComponentProvider
) -> None:
    """What other languages do instead of ``secret``: the secret's name and key as outputs,
    and a role that is another resource's output."""
    secret_urn = "urn:pulumi:test::consumer::secretkit:index:RotatingSecret::db"
    key = f"arn:aws:kms:{mocks.REGION}:{mocks.ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    outputs = construct_raw(
        provider,
        PROXY,
        "proxy",
        lambda: engine_inputs(
            {
                "secretName": output_value("prod/app/db", secret_urn),
                "kmsKeyArn": output_value(key, secret_urn),
                "roles": ["task-role", output_value("app-4f2a9c1", ROLE_URN)],
            }
        ),
    )
    assert outputs["parameterPath"] == "/aws/reference/secretsmanager/prod/app/db"
    attachments = {
        r.name: r.plain_inputs["role"]
        for r in monitor.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    }
    assert attachments == {"proxy-task-role": "task-role", "proxy-roles.1": "app-4f2a9c1"}
    assert key in outputs["policyJson"]


def test_python_only_fields_are_not_passed_on(
    monitor: RecordingMonitor, provider: ComponentProvider
) -> None:
    """A field the schema leaves out is not handed to the component, even if a program sends
    it (YAML's type check refuses it before that)."""
    construct(provider, PROXY, "proxy", {"secretName": "prod/app/db", "secret": "not-a-component"})
    assert len(monitor.by_type(PROXY)) == 1


# --- the YAML consumer example --------------------------------------------------------------

EXAMPLE_CONFIG = {"parameterValue": "example-value", "readerRoles": ["app-task-role"]}


def _example() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(YAML_EXAMPLE.read_text())
    return document


#: What the example's aws:iam:Role reports once created (the test registers no AWS resource of
#: its own; the engine would send these as output values).
EXAMPLE_ROLE = {"name": "appTaskRole-4f2a9c1", "arn": f"arn:aws:iam::{mocks.ACCOUNT_ID}:role/x"}


def _filled_in(value: Any, outputs: dict[str, dict[str, Any]]) -> Any:
    """The example's property values with its ${config} references filled in, and its
    ${resource.output} references as Outputs of what ``outputs`` holds for that resource."""
    if isinstance(value, str):
        config = re.fullmatch(r"\$\{(\w+)\}", value)
        if config:
            return EXAMPLE_CONFIG[config.group(1)]
        reference = re.fullmatch(r"\$\{(\w+)\.(\w+)\}", value)
        if reference:
            return pulumi.Output.from_input(outputs[reference.group(1)][reference.group(2)])
        return value
    if isinstance(value, list):
        return [_filled_in(v, outputs) for v in value]
    if isinstance(value, dict):
        return {k: _filled_in(v, outputs) for k, v in value.items()}
    return value


def _secretkit_resources(example: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in example["resources"].items()
        if resource["type"].startswith("secretkit:")
    }


def test_the_yaml_example_points_at_this_package() -> None:
    example = _example()
    assert example["runtime"] == "yaml"
    source = (YAML_EXAMPLE.parent / example["packages"]["secretkit"]).resolve()
    assert source == PROVIDER_DIR
    assert set(example["config"]) == set(EXAMPLE_CONFIG)
    types = {resource["type"] for resource in example["resources"].values()}
    assert types == {ROTATING, PARAMETER, PROXY, "aws:iam:Role"}


def test_the_yaml_examples_properties_and_outputs_exist(schema: dict[str, Any]) -> None:
    example = _example()
    for name, resource in _secretkit_resources(example).items():
        declared = schema["resources"][resource["type"]]
        given = set(resource["properties"])
        assert given <= set(declared["inputProperties"]), name
        assert set(declared["requiredInputs"]) <= given, name
    for output, expression in example["outputs"].items():
        match = re.fullmatch(r"\$\{(\w+)\.(\w+)\}", expression)
        assert match, output
        resource_type = _secretkit_resources(example)[match.group(1)]["type"]
        assert match.group(2) in schema["resources"][resource_type]["properties"], output


def test_the_yaml_example_constructs(
    monitor: RecordingMonitor, provider: ComponentProvider
) -> None:
    """Its inputs pass the components' own validation, as the plugin would receive them, in
    the order of its references (the role and the secret before the policy that names them)."""
    example = _example()
    outputs: dict[str, dict[str, Any]] = {"appTaskRole": EXAMPLE_ROLE}
    for name, resource in _secretkit_resources(example).items():
        properties: dict[str, Any] = resource["properties"]

        def inputs(given: dict[str, Any] = properties) -> dict[str, Any]:
            filled: dict[str, Any] = _filled_in(given, outputs)
            return filled

        outputs[name] = construct_raw(provider, resource["type"], name, inputs)
        assert outputs[name], name
    reads = [
        r
        for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy")
        if r.plain_inputs["role"] == "app-task-role"
    ]
    assert len(reads) == 2  # the secret and the parameter, each granted to the configured role
    attachment = monitor.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")[0]
    assert attachment.plain_inputs["role"] == EXAMPLE_ROLE["name"]
    secret_name = outputs["appSecret"]["secretName"]
    assert outputs["appSecretThroughSsm"]["parameterArn"].endswith(f"secretsmanager/{secret_name}")


# --- the plugin directory ------------------------------------------------------------------


def test_the_plugin_runs_python_and_installs_this_repository() -> None:
    plugin = yaml.safe_load((PROVIDER_DIR / "PulumiPlugin.yaml").read_text())
    assert plugin == {"runtime": "python"}
    lines = [
        line.strip()
        for line in (PROVIDER_DIR / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # pip runs in provider/ (a git source is cloned whole), so `..` is the repository root.
    assert lines == ["-e .."]
    assert (PROVIDER_DIR / ".." / "pyproject.toml").resolve() == ROOT / "pyproject.toml"


@pytest.fixture
def plugin_process() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """provider/ started as Pulumi starts it: `python <plugin dir> <engine address>`; it prints
    the port of its gRPC server. (No engine is listening: serving the schema needs none.)"""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and plugin directory
        [sys.executable, str(PROVIDER_DIR), "127.0.0.1:9"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT.parent,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 120)
        line = process.stdout.readline().decode().strip() if ready else ""
        if not line.isdigit():
            process.kill()
            _, stderr = process.communicate(timeout=30)
            pytest.fail(f"the plugin did not start: {line!r}\n{stderr.decode()[-3000:]}")
        yield process, int(line)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_the_plugin_serves_the_same_schema_over_grpc(
    plugin_process: tuple[subprocess.Popen[bytes], int], schema: dict[str, Any]
) -> None:
    import grpc  # type: ignore[import-untyped]  # noqa: PLC0415 - only this test talks gRPC
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc  # noqa: PLC0415

    _, port = plugin_process
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = provider_pb2_grpc.ResourceProviderStub(channel)
        response = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
    assert json.loads(response.schema) == schema


def test_construct_dynamic_parameter_takes_a_strategy_object_as_python_does(
    monitor: RecordingMonitor, provider: ComponentProvider
) -> None:
    outputs = construct(
        provider,
        DYNAMIC,
        "flags",
        {
            "applicationName": "shop",
            "environmentName": "prod",
            "profileName": "tunables",
            "content": {"maxItems": 50.0, "newFlow": True},
            # An object arrives with the schema's camelCase keys, numbers as floats.
            "deploymentStrategy": {"deploymentDurationInMinutes": 10.0, "growthFactor": 20.0},
            "readers": ["app-task-role"],
        },
    )
    strategy = monitor.by_type("aws:appconfig/deploymentStrategy:DeploymentStrategy")[0]
    assert strategy.plain_inputs["deploymentDurationInMinutes"] == 10
    assert strategy.plain_inputs["growthFactor"] == 20.0
    version = monitor.by_type("aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion")
    # The content is the program's own document: its keys are not renamed.
    assert json.loads(version[0].plain_inputs["content"]) == {"maxItems": 50.0, "newFlow": True}
    assert set(outputs) == set(OUTPUTS[DYNAMIC])
    assert outputs["deploymentNumber"] == 1
    assert outputs["rollbackRoleArn"] is None
