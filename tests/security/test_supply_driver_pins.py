"""The database drivers shipped in rotation artifacts are exactly the pinned ones: a modified,
upgraded or unexpected installed copy is refused before anything is registered, and `secretkit
artifacts` says what each artifact holds (distribution, version, hash).

A tampered site-packages is a copy of the installed PyMySQL in a temporary directory put first
on sys.path, where importlib.metadata (and so the artifact builder) finds it first.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from secretkit.cli import main
from secretkit.components import InvalidArgumentError, RotatingSecret
from secretkit.components.rotation import driver_bundle
from secretkit.components.rotation.artifact import rotation_artifact
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor

ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTION = "PyMySQL"


@pytest.fixture(autouse=True)
def fresh_driver_files() -> Iterator[None]:
    """driver_files is cached per process: start from, and leave, what is really installed."""
    driver_bundle.driver_files.cache_clear()
    yield
    driver_bundle.driver_files.cache_clear()


@pytest.fixture
def site_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], Path]:
    """Copy the installed PyMySQL (package and dist-info) into a directory first on sys.path;
    returns that directory."""

    def copy() -> Path:
        installed = metadata.distribution(DISTRIBUTION)
        site = Path(str(installed.locate_file("")))
        target = tmp_path / "site-packages"
        target.mkdir()
        record = next(
            f for f in installed.files or [] if f.as_posix().endswith(".dist-info/RECORD")
        )
        dist_info = Path(str(installed.locate_file(record))).parent
        shutil.copytree(dist_info, target / dist_info.name)
        shutil.copytree(site / "pymysql", target / "pymysql")
        monkeypatch.syspath_prepend(str(target))
        assert Path(str(metadata.distribution(DISTRIBUTION).locate_file(""))) == target
        return target

    return copy


def refusal(strategy: str = "mysql-single-user") -> str:
    with pytest.raises(InvalidArgumentError) as caught:
        rotation_artifact(strategy, None)
    assert caught.value.argument == "rotation.strategy"
    assert caught.value.value == strategy
    return str(caught.value)


def test_a_modified_driver_file_is_refused(site_copy: Callable[[], Path]) -> None:
    site = site_copy()
    with (site / "pymysql" / "connections.py").open("a") as module:
        module.write("\nimport urllib.request  # exfiltrate the password\n")
    message = refusal()
    assert "pymysql/connections.py" in message
    assert f"{DISTRIBUTION} {metadata.version(DISTRIBUTION)}" in message
    assert "modified" in message


def test_an_upgraded_driver_is_refused_naming_both_versions(
    site_copy: Callable[[], Path],
) -> None:
    site = site_copy()
    pinned = metadata.version(DISTRIBUTION)
    dist_info = next(site.glob("*.dist-info"))
    metadata_file = dist_info / "METADATA"
    text = metadata_file.read_text()
    metadata_file.write_text(text.replace(f"Version: {pinned}", "Version: 9.9.9", 1))
    message = refusal("mysql-multi-user")
    assert f"{DISTRIBUTION} 9.9.9 is installed" in message
    assert f"{DISTRIBUTION}=={pinned}" in message


def test_a_file_the_pin_does_not_know_is_refused(site_copy: Callable[[], Path]) -> None:
    site = site_copy()
    (site / "pymysql" / "sitecustom.py").write_text("print('hello')\n")
    record = next(site.glob("*.dist-info")) / "RECORD"
    with record.open("a") as lines:
        lines.write("pymysql/sitecustom.py,,\n")
    assert "pymysql/sitecustom.py" in refusal()


def test_a_component_refuses_before_anything_is_registered(
    site_copy: Callable[[], Path], monitor: RecordingMonitor
) -> None:
    site = site_copy()
    with (site / "pymysql" / "__init__.py").open("a") as module:
        module.write("\n# changed\n")
    args: dict[str, Any] = {
        "secret_name": "prod/orders/db",
        "rotation": {"strategy": "mysql-single-user", "automatically_after_days": 30},
    }
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: RotatingSecret("db", args))  # type: ignore[call-overload]
    assert "pymysql/__init__.py" in str(caught.value)
    assert monitor.registrations == []


def test_an_unpinned_dependency_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from secretkit.components.rotation import driver_pins  # noqa: PLC0415

    pins = {k: v for k, v in driver_pins.PINS.items() if k != "scramp"}
    monkeypatch.setattr(driver_bundle, "PINS", pins)
    assert "scramp 1.5.0 is not pinned" in refusal("postgres-single-user")


def test_the_installed_drivers_are_the_pins() -> None:
    """What `make pins` would write from this environment is what the repository holds."""
    from secretkit.components.rotation.driver_pins import PINS  # noqa: PLC0415
    from secretkit.components.strategies import drivers as strategy_drivers  # noqa: PLC0415

    drivers = strategy_drivers()
    assert driver_bundle.installed_pins(drivers) == PINS
    assert set(PINS) == {"pg8000", "scramp", "asn1crypto", "pymysql"}


def test_requirements_pin_exactly_the_shipped_versions() -> None:
    from secretkit.components.rotation.driver_pins import PINS  # noqa: PLC0415

    requirements = (ROOT / "requirements.txt").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for pin in PINS.values():
        line = f"{pin.name}=={pin.version}"
        assert re.search(rf"^{re.escape(line)}\s", requirements, re.MULTILINE), line
        assert line in project, line


def test_artifacts_lists_what_each_artifact_ships() -> None:
    from secretkit.components.rotation.driver_bundle import files_digest  # noqa: PLC0415
    from secretkit.components.rotation.driver_pins import PINS  # noqa: PLC0415

    out = io.StringIO()
    assert main(["artifacts", "--json"], out) == 0
    rows = {row["strategy"]: row for row in json.loads(out.getvalue())}
    postgres = {c["name"]: c for c in rows["postgres-single-user"]["contents"]}
    for key in ("pg8000", "scramp", "asn1crypto"):
        pin = PINS[key]
        assert postgres[pin.name] == {
            "name": pin.name,
            "version": pin.version,
            "sha256": files_digest(pin.files),
        }
    mysql = [c["name"] for c in rows["mysql-multi-user"]["contents"]]
    assert mysql == ["secretkit (rotation_handlers)", "PyMySQL"]
    assert [c["name"] for c in rows["password"]["contents"]] == ["secretkit (rotation_handlers)"]

    table = io.StringIO()
    assert main(["artifacts"], table) == 0
    pymysql = PINS["pymysql"]
    assert re.search(
        rf"^\s+PyMySQL\s+{re.escape(pymysql.version)}\s+sha256:{files_digest(pymysql.files)}$",
        table.getvalue(),
        re.MULTILINE,
    )


def test_artifacts_fails_on_a_tampered_driver(
    site_copy: Callable[[], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_copy()
    (site / "pymysql" / "cursors.py").write_text("")
    assert main(["artifacts"], io.StringIO()) == 1
    assert "pymysql/cursors.py" in capsys.readouterr().err
