"""The public package stays light to import: the operator CLI, the cost model and the testing kit
consumers' unit tests import do not load moto (the demo's dependency), and the cost model loads
neither the embedded AWS nor Pulumi."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def loaded_after(module: str) -> set[str]:
    """The modules a new interpreter has loaded after importing ``module``."""
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [
            sys.executable,
            "-c",
            f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return set(json.loads(result.stdout))


@pytest.mark.parametrize(
    "module",
    [
        "secretkit",
        "secretkit.cli",
        "secretkit.cost_commands",
        "secretkit.project",
        "secretkit.costs.cost",
        "secretkit.costs.advisor",
        "secretkit.testing",
    ],
)
def test_importing_does_not_load_moto(module: str) -> None:
    assert not {name for name in loaded_after(module) if name.split(".")[0] == "moto"}


@pytest.mark.parametrize("module", ["secretkit.costs.cost", "secretkit.costs.advisor"])
def test_the_cost_model_loads_neither_the_embedded_aws_nor_pulumi(module: str) -> None:
    loaded = loaded_after(module)
    assert not {n for n in loaded if n.startswith("secretkit.embedded") or n == "pulumi"}


@pytest.mark.parametrize("module", ["secretkit.components.strategies", "secretkit.cli"])
def test_the_strategy_registry_does_not_load_pulumi_or_the_components(module: str) -> None:
    """components/__init__.py loads its public names on first use."""
    loaded = loaded_after(module)
    assert "pulumi" not in loaded
    assert "secretkit.components.secrets.rotating_secret" not in loaded


def test_the_testing_kit_loads_no_embedded_aws() -> None:
    """What a consumer's tests import: Pulumi and the components' answers, not the deployer."""
    loaded = loaded_after("secretkit.testing")
    assert not {n for n in loaded if n.startswith("secretkit.embedded")}
    assert "pulumi" in loaded
