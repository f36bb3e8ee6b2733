"""secretkit's components as a Pulumi package, for programs in any Pulumi language.

Pulumi runs this directory as a Python plugin (PulumiPlugin.yaml): `python provider/ ENGINE ...`.
pulumi's ComponentProvider infers the package schema from each component's annotations (the args
TypedDict and its field docstrings for inputs, the annotated Output attributes for outputs) and
serves Construct requests by calling the component's constructor with the inputs renamed from
camelCase back to the Python names; SecretkitProvider adds the descriptions pulumi leaves out,
those of the fields an args TypedDict inherits. The repository is installed into the plugin's
virtualenv (requirements.txt), which is how `secretkit.components` is importable here.

What other languages can pass is not always what Python can: SecretkitProvider also marks the
inputs that carry a secret value as secret, leaves out the fields that take a Python object
(PYTHON_ONLY), lets each item of a list of roles be another resource's output (ROLE_LISTS), and
types a replica region as a name or a {region, kmsKeyArn} object; construct() turns what the
engine sends into the arguments a Python program would give (docs/other-languages.md).

It lives here rather than in the repository root because the root __main__.py is the reference
stack (Pulumi.yaml).
"""

import ast
import inspect
import json
import sys
import textwrap
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any, is_typeddict

import pulumi
from pulumi.output import UNKNOWN, Unknown
from pulumi.provider import ConstructResult, main
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.schema import generate_schema
from pulumi.provider.experimental.util import camel_case

from secretkit.components import (
    CrossRegionReplicatedSecret,
    DeploymentStrategyArgs,
    DynamicParameter,
    ExistingSecret,
    ProxiedParameterPolicy,
    ProxiedParameterPolicyArgs,
    ReplicaRegionArgs,
    RotatingSecret,
    RotationArgs,
    SecureParameter,
)

#: The package name: the first part of every type token (secretkit:index:<ClassName>).
PACKAGE_NAME = "secretkit"
#: The components the package offers; tests/provider builds the schema from this same list.
COMPONENTS: list[type[pulumi.ComponentResource]] = [
    RotatingSecret,
    SecureParameter,
    CrossRegionReplicatedSecret,
    ProxiedParameterPolicy,
    DynamicParameter,
    ExistingSecret,
]

#: The inputs that carry a secret value. The schema marks each ``"secret": true`` (Pulumi's
#: package metaschema, pkg/codegen/schema/pulumi.json, propertySpec.secret: "Specifies whether
#: the property is secret (default false)"), and construct() makes each a Pulumi secret whatever
#: the program sent, so a value given as plain text is handled as the secret it is.
SECRET_INPUTS: dict[type[pulumi.ComponentResource], tuple[str, ...]] = {
    RotatingSecret: ("secret_string",),
    SecureParameter: ("value",),
    CrossRegionReplicatedSecret: ("secret_string",),
}

#: Fields only a Python program can give, because their value is a Python object: left out of
#: the schema (an args TypedDict -> field -> what other languages do instead). The provider
#: cannot turn a reference from another language into that object: a RotationFunction or a
#: secret component constructed by another Construct call is, in this process, a bare
#: reference without the settings the Python object carries.
PYTHON_ONLY: dict[type, dict[str, str]] = {
    RotationArgs: {
        "function": "each secret gets a rotation function of its own (a shared RotationFunction "
        "is Python only)",
    },
    ProxiedParameterPolicyArgs: {
        "secret": "give secretName and kmsKeyArn, from the secret component's outputs",
    },
}

#: Lists of IAM principals: role names or ARNs (readers, roles), role or user ARNs (key
#: administrators). The list itself stays plain (the component registers a grant or writes a
#: statement per item, so it needs their number while the program runs), each item is an
#: Input<string>
#: (the schema's "plain" flag, typeSpec.plain: "Indicates that when used as an input, this type
#: does not accept eventual values", is set on the array only), so a program can pass an
#: autonamed role's ARN. An item that is another resource's output reaches the component as a
#: pulumi.Output, as in a Python program.
ROLE_LISTS: dict[type[pulumi.ComponentResource], tuple[str, ...]] = {
    RotatingSecret: ("readers", "key_administrators"),
    SecureParameter: ("readers", "key_administrators"),
    CrossRegionReplicatedSecret: ("readers", "key_administrators"),
    ProxiedParameterPolicy: ("roles",),
    DynamicParameter: ("readers",),
    ExistingSecret: ("readers",),
}

#: CrossRegionReplicatedSecret's replica_regions: each a region name or a ReplicaRegionArgs
#: object, a union the package schema writes as oneOf (typeSpec "Union Type").
REPLICA_REGIONS = (CrossRegionReplicatedSecret, "replica_regions")
#: DynamicParameter's deployment_strategy: a predefined strategy's name or a
#: DeploymentStrategyArgs object, the same kind of union (oneOf) as a replica region.
DEPLOYMENT_STRATEGY = (DynamicParameter, "deployment_strategy")


def package_version() -> str:
    """The installed secretkit's version, so generated SDKs carry the library's version."""
    try:
        return version("secretkit")
    except PackageNotFoundError:  # run from a checkout that was never pip-installed
        return "0.0.0"


def field_docstrings(cls: type) -> dict[str, str]:
    """The docstring written under each annotated field of ``cls``, and of the TypedDicts it
    inherits from (its own win).

    Python keeps neither attribute docstrings nor, before 3.12, a TypedDict's bases at run time:
    both are read from the source, a base by its name in the class's module.
    """
    definition = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
    assert isinstance(definition, ast.ClassDef)
    namespace = vars(sys.modules[cls.__module__])
    docs: dict[str, str] = {}
    for base in definition.bases:
        if isinstance(base, ast.Name) and is_typeddict(namespace.get(base.id)):
            docs.update(field_docstrings(namespace[base.id]))
    for field, after in zip(definition.body, definition.body[1:], strict=False):
        if (
            isinstance(field, ast.AnnAssign)
            and isinstance(field.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[field.target.id] = after.value.value
    return docs


def described(prop: dict[str, Any], docstring: str) -> dict[str, Any]:
    """Schema property ``prop`` described as pulumi describes a field it reads from the class's
    own body: the description first, on the property and on its items or values."""
    return {
        "description": docstring,
        **{
            key: described(value, docstring) if key in ("items", "additionalProperties") else value
            for key, value in prop.items()
        },
    }


def token(name: str, type_name: str) -> str:
    """A reference to a type of this package in the schema."""
    return f"#/types/{name}:index:{type_name}"


class SecretkitProvider(ComponentProvider):
    """pulumi's ComponentProvider, with the schema other languages need.

    - Every component input described: pulumi takes a field's description from the args
      TypedDict's own body only, so a field it inherits (SecretArgs, FunctionArgs) would reach
      other languages undocumented.
    - SECRET_INPUTS marked secret, PYTHON_ONLY left out, ROLE_LISTS' items Input<string>,
      replica regions a union of a name and a ReplicaRegionArgs object.
    """

    def __init__(
        self, components: list[type[pulumi.ComponentResource]], name: str, version: str
    ) -> None:
        super().__init__(components, name, version=version)
        self._leave_out_python_only(components)
        # ReplicaRegionArgs is typed Any in replica_regions' annotation (Python has the union,
        # the analyzer has none): analyzed here, so that the schema declares it.
        self.analyzer.analyze_property(
            ReplicaRegionArgs,
            REPLICA_REGIONS[0],
            REPLICA_REGIONS[1],
            can_be_plain=True,
            is_component_output=False,
        )
        self.analyzer.analyze_property(
            DeploymentStrategyArgs,
            DEPLOYMENT_STRATEGY[0],
            DEPLOYMENT_STRATEGY[1],
            can_be_plain=True,
            is_component_output=False,
        )
        schema = generate_schema(
            name, version, None, self._component_defs, self._type_defs, self._dependencies
        ).to_json()
        for component in components:
            args = inspect.get_annotations(component.__init__)["args"]
            inputs = schema["resources"][f"{name}:index:{component.__name__}"]["inputProperties"]
            for field, docstring in field_docstrings(args).items():
                if camel_case(field) in inputs:
                    inputs[camel_case(field)] = described(inputs[camel_case(field)], docstring)
            for field in SECRET_INPUTS.get(component, ()):
                inputs[camel_case(field)]["secret"] = True
            for field in ROLE_LISTS.get(component, ()):
                inputs[camel_case(field)] = role_list(inputs[camel_case(field)])
            if component is REPLICA_REGIONS[0]:
                regions = inputs[camel_case(REPLICA_REGIONS[1])]
                regions["items"] = {
                    "oneOf": [
                        {"type": "string", "plain": True},
                        {"$ref": token(name, ReplicaRegionArgs.__name__), "plain": True},
                    ],
                }
            if component is DEPLOYMENT_STRATEGY[0]:
                strategy = inputs[camel_case(DEPLOYMENT_STRATEGY[1])]
                inputs[camel_case(DEPLOYMENT_STRATEGY[1])] = {
                    key: value for key, value in strategy.items() if key not in ("$ref", "type")
                } | {
                    "oneOf": [
                        {"type": "string", "plain": True},
                        {"$ref": token(name, DeploymentStrategyArgs.__name__), "plain": True},
                    ],
                }
        self.schema = json.dumps(schema)

    def _leave_out_python_only(self, components: list[type[pulumi.ComponentResource]]) -> None:
        """Drop PYTHON_ONLY's fields from what the schema and construct() know of."""
        component_args = {
            inspect.get_annotations(c.__init__)["args"]: c.__name__ for c in components
        }
        for typed_dict, fields in PYTHON_ONLY.items():
            if typed_dict in component_args:
                definition = self._component_defs[component_args[typed_dict]]
                properties, mapping = definition.inputs, definition.inputs_mapping
            else:
                type_definition = self._type_defs[typed_dict.__name__]
                properties = type_definition.properties
                mapping = type_definition.properties_mapping
            for field in fields:
                del properties[camel_case(field)]
                del mapping[camel_case(field)]

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: pulumi.ResourceOptions | None = None,
    ) -> ConstructResult:
        """Construct the component from the inputs as a Python program would give them."""
        component = self._components.get(resource_type.rsplit(":", maxsplit=1)[-1])
        if component is not None:
            inputs = prepared_inputs(component, inputs)
        return super().construct(name, resource_type, inputs, options)


def role_list(prop: dict[str, Any]) -> dict[str, Any]:
    """A list of role names/ARNs: the list plain, each item an Input<string>."""
    described_items = {k: v for k, v in prop.get("items", {}).items() if k == "description"}
    return {**prop, "type": "array", "plain": True, "items": {**described_items, "type": "string"}}


def prepared_inputs(
    component: type[pulumi.ComponentResource], inputs: Mapping[str, Any]
) -> dict[str, Any]:
    """The inputs the engine sent (schema names), as a Python program gives them: secret inputs
    as secrets, an unknown item of a role list as an unknown Output (the engine sends an
    unknown value without dependencies as a bare marker), a replica region's object with its
    Python keys. Anything else is left for the component's own checks to judge."""
    prepared = dict(inputs)
    for field in SECRET_INPUTS.get(component, ()):
        key = camel_case(field)
        if prepared.get(key) is not None:
            prepared[key] = pulumi.Output.secret(prepared[key])
    for field in ROLE_LISTS.get(component, ()):
        key = camel_case(field)
        if isinstance(prepared.get(key), list):
            prepared[key] = [
                pulumi.Output.from_input(UNKNOWN) if isinstance(item, Unknown) else item
                for item in prepared[key]
            ]
    if component is REPLICA_REGIONS[0]:
        key = camel_case(REPLICA_REGIONS[1])
        if isinstance(prepared.get(key), list):
            prepared[key] = [python_keys(item, ReplicaRegionArgs) for item in prepared[key]]
    if component is DEPLOYMENT_STRATEGY[0]:
        key = camel_case(DEPLOYMENT_STRATEGY[1])
        if key in prepared:
            prepared[key] = python_keys(prepared[key], DeploymentStrategyArgs)
    return prepared


def python_keys(value: Any, typed_dict: type) -> Any:
    """An object from another language with its keys renamed to ``typed_dict``'s fields
    (kmsKeyArn -> kms_key_arn); other values, and keys of no field, as they are."""
    if not isinstance(value, Mapping):
        return value
    fields = {camel_case(field): field for field in typed_dict.__annotations__}
    return {fields.get(key, key): item for key, item in value.items()}


if __name__ == "__main__":
    main(SecretkitProvider(COMPONENTS, PACKAGE_NAME, package_version()), sys.argv[1:])
