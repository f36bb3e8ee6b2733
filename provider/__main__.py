"""secretkit's components as a Pulumi package, for programs in any Pulumi language.

Pulumi runs this directory as a Python plugin (PulumiPlugin.yaml): `python provider/ ENGINE ...`.
pulumi's ComponentProvider infers the package schema from each component's annotations (the args
TypedDict and its field docstrings for inputs, the annotated Output attributes for outputs) and
serves Construct requests by calling the component's constructor with the inputs renamed from
camelCase back to the Python names; SecretkitProvider adds the descriptions pulumi leaves out,
those of the fields an args TypedDict inherits. The repository is installed into the plugin's
virtualenv (requirements.txt), which is how `components` is importable here.

It lives here rather than in the repository root because the root __main__.py is the reference
stack (Pulumi.yaml).
"""

import ast
import inspect
import json
import sys
import textwrap
from importlib.metadata import PackageNotFoundError, version
from typing import Any, is_typeddict

import pulumi
from pulumi.provider import main
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.util import camel_case

from secretkit.components import (
    CrossRegionReplicatedSecret,
    ProxiedParameterPolicy,
    RotatingSecret,
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
]


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


class SecretkitProvider(ComponentProvider):
    """pulumi's ComponentProvider, with every component input described: pulumi takes a field's
    description from the args TypedDict's own body only, so a field it inherits (SecretArgs,
    FunctionArgs) would reach other languages undocumented."""

    def __init__(
        self, components: list[type[pulumi.ComponentResource]], name: str, version: str
    ) -> None:
        super().__init__(components, name, version=version)
        assert self.schema is not None
        schema = json.loads(self.schema)
        for component in components:
            args = inspect.get_annotations(component.__init__)["args"]
            inputs = schema["resources"][f"{name}:index:{component.__name__}"]["inputProperties"]
            for field, docstring in field_docstrings(args).items():
                inputs[camel_case(field)] = described(inputs[camel_case(field)], docstring)
        self.schema = json.dumps(schema)


if __name__ == "__main__":
    main(SecretkitProvider(COMPONENTS, PACKAGE_NAME, package_version()), sys.argv[1:])
