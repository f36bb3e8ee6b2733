"""secretkit's components as a Pulumi package, for programs in any Pulumi language.

Pulumi runs this directory as a Python plugin (PulumiPlugin.yaml): `python provider/ ENGINE ...`.
component_provider_host infers the package schema from each component's annotations (the args
TypedDict and its field docstrings for inputs, the annotated Output attributes for outputs) and
serves Construct requests by calling the component's constructor with the inputs renamed from
camelCase back to the Python names. The repository is installed into the plugin's virtualenv
(requirements.txt), which is how `components` is importable here.

It lives here rather than in the repository root because the root __main__.py is the reference
stack (Pulumi.yaml).
"""

from importlib.metadata import PackageNotFoundError, version

import pulumi
from pulumi.provider.experimental import component_provider_host

from components import (
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


if __name__ == "__main__":
    component_provider_host(COMPONENTS, PACKAGE_NAME, version=package_version())
