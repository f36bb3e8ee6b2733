"""secretkit installed from its wheel (not editable) into a consumer project that has its own
`components/` folder: the public names import from `secretkit`, the consumer's package stays its
own, and the parameter-policy provider that Pulumi pickles loads in a fresh interpreter there,
as Pulumi's dynamic-provider host loads it, and attaches policies (against moto)."""

from __future__ import annotations

import os
import subprocess
import textwrap
import zipfile
from pathlib import Path


def consumer_project(tmp_path: Path, *folders: str) -> Path:
    """A Pulumi project with folders of its own, each a package saying whose it is."""
    project = tmp_path / "consumer"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: consumer\nruntime: python\n")
    for folder in folders:
        (project / folder).mkdir()
        (project / folder / "__init__.py").write_text('WHOSE = "the consumer\'s"\n')
    return project


def run(python: Path, project: Path, code: str) -> subprocess.CompletedProcess[str]:
    """``python -c code`` in ``project``: its directory comes first on sys.path, as a Pulumi
    program's (and the dynamic-provider host's) does."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    environment.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
    )
    return subprocess.run(  # noqa: S603 - the test's own code
        [str(python), "-c", textwrap.dedent(code)],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_wheel_ships_secretkit_and_the_handlers_and_no_top_level_components(
    wheel: Path,
) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"secretkit", "rotation_handlers"}
    assert "secretkit/components/parameter_policy_provider.py" in names
    assert "secretkit/components/secrets/rotating_secret.py" in names
    assert "rotation_handlers/protocol.py" in names


def test_a_consumer_components_folder_shadows_nothing(
    consumer_python: Path, tmp_path: Path
) -> None:
    python = consumer_python
    project = consumer_project(tmp_path, "components")
    result = run(
        python,
        project,
        """
        import importlib

        import secretkit
        from secretkit import RotatingSecret, SecureParameter
        from secretkit.components.rotation.artifact import artifact_for

        components = importlib.import_module("components")  # the project's own
        assert components.WHOSE == "the consumer's", components
        print(secretkit.__file__)
        print(RotatingSecret.__module__, SecureParameter.__module__)
        print(sorted(artifact_for("password").files)[0])
        """,
    )

    assert result.returncode == 0, result.stderr
    location, modules, first_file = result.stdout.splitlines()
    assert Path(location).is_relative_to(python.parent.parent)
    assert modules == (
        "secretkit.components.secrets.rotating_secret "
        "secretkit.components.parameters.secure_parameter"
    )
    assert first_file.startswith("rotation_handlers/")


def test_the_pickled_provider_loads_and_creates_in_a_consumer_project(
    consumer_python: Path, tmp_path: Path
) -> None:
    python = consumer_python
    project = consumer_project(tmp_path, "components")
    pickled = run(
        python,
        project,
        """
        from pulumi.dynamic.dynamic import serialize_provider
        from secretkit.components.parameter_policy_provider import ParameterPoliciesProvider

        print(serialize_provider(ParameterPoliciesProvider()))
        """,
    )
    assert pickled.returncode == 0, pickled.stderr
    stored = pickled.stdout.strip()

    # A fresh interpreter, as the dynamic-provider host is: it knows only the stored string, and
    # loads it as pulumi.dynamic.__main__.get_provider does (that module serves gRPC on import).
    created = run(
        python,
        project,
        f"""
        import base64
        import json
        import sys

        import boto3
        import dill
        from moto import mock_aws

        with mock_aws():
            ssm = boto3.client("ssm", region_name="us-east-1")
            ssm.put_parameter(
                Name="/consumer/token", Value="v", Type="SecureString", Tier="Advanced"
            )
            policies = json.dumps([{{
                "Type": "NoChangeNotification",
                "Version": "1.0",
                "Attributes": {{"After": "30", "Unit": "Days"}},
            }}])
            props = {{
                "__provider": {stored!r},
                "parameter_name": "/consumer/token",
                "policies": policies,
                "region": "us-east-1",
                "profile": None,
            }}
            provider = dill.loads(base64.b64decode(props["__provider"]))
            provider.create(props)
            attached = json.loads(provider.read("/consumer/token", props).outs["policies"])
            print(type(provider).__module__)
            print(",".join(policy["Type"] for policy in attached))
            print("components" in sys.modules)
        """,
    )

    assert created.returncode == 0, created.stderr
    module, policy_types, consumer_components_loaded = created.stdout.split()
    assert module == "secretkit.components.parameter_policy_provider"
    assert policy_types == "NoChangeNotification"
    assert consumer_components_loaded == "False"


def test_a_consumer_rotation_handlers_folder_is_refused_naming_both(
    consumer_python: Path, tmp_path: Path
) -> None:
    python = consumer_python
    project = consumer_project(tmp_path, "rotation_handlers")
    result = run(python, project, "from secretkit import RotatingSecret")

    assert result.returncode != 0
    assert "ShadowedHandlersError" in result.stderr
    assert f"{project / 'rotation_handlers'} shadows secretkit's rotation_handlers" in (
        result.stderr
    )
