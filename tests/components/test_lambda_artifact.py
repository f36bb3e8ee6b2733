"""The rotation artifact (secretkit.components.rotation.artifact) without Pulumi: which files a
rotation function ships, and its handler string."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest

import rotation_handlers
from secretkit.components.errors import InvalidArgumentError
from secretkit.components.handlers_package import handlers_directory
from secretkit.components.rotation.artifact import (
    HandlerArtifact,
    artifact_for,
    custom_artifact,
    rotation_artifact,
)

HANDLERS = Path(rotation_handlers.__file__).parent
HANDLER_SOURCE = (
    "from rotation_handlers.parameter_store import ParameterRotation, handler_for\n"
    "lambda_handler = handler_for(ParameterRotation())\n"
)


def package_files() -> dict[str, Path]:
    return {f"rotation_handlers/{p.name}": p for p in HANDLERS.glob("*.py")}


def make_package(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


# --- secretkit's own handlers -------------------------------------------------------------------


def test_handlers_directory_is_the_importable_package() -> None:
    assert handlers_directory() == HANDLERS


def test_password_artifact_ships_every_handler_module_and_nothing_else() -> None:
    artifact = artifact_for("password")
    assert artifact.handler == "rotation_handlers.password.lambda_handler"
    assert artifact.files == package_files()
    assert {"rotation_handlers/__init__.py", "rotation_handlers/protocol.py"} <= set(artifact.files)
    assert all(path.suffix == ".py" and path.is_file() for path in artifact.files.values())


def test_parameter_store_artifact_names_its_handler() -> None:
    artifact = artifact_for("parameter_store")
    assert artifact.handler == "rotation_handlers.parameter_store.lambda_handler"
    assert artifact.files == package_files()


def test_archive_holds_one_file_asset_per_file() -> None:
    artifact = artifact_for("password")
    archive = artifact.archive()
    assert isinstance(archive, pulumi.AssetArchive)
    assert set(archive.assets) == set(artifact.files)
    for name, asset in archive.assets.items():
        assert isinstance(asset, pulumi.FileAsset)
        assert Path(asset.path) == artifact.files[name]


@pytest.mark.parametrize("module", ["oracle_single_user", "no_such_strategy", "protocol_x"])
def test_missing_handler_module_raises_file_not_found(module: str) -> None:
    with pytest.raises(FileNotFoundError, match=f"rotation_handlers/{module}.py"):
        artifact_for(module)


# --- a user's module ----------------------------------------------------------------------------


def test_custom_top_level_module_ships_as_its_single_file(
    tmp_path: Path, unique_module: Callable[[], str]
) -> None:
    module = unique_module()
    (tmp_path / f"{module}.py").write_text(HANDLER_SOURCE)
    (tmp_path / "neighbour.py").write_text("")
    artifact = custom_artifact(module)
    assert artifact.handler == f"{module}.lambda_handler"
    assert artifact.files == {**package_files(), f"{module}.py": tmp_path / f"{module}.py"}


def test_custom_module_in_a_package_ships_the_whole_top_level_package(
    tmp_path: Path, unique_module: Callable[[], str]
) -> None:
    package = unique_module()
    root = tmp_path / package
    make_package(
        root,
        {
            "__init__.py": "",
            "rotator.py": HANDLER_SOURCE,
            "clients/__init__.py": "",
            "clients/vendor.py": "BASE_URL = 'https://vendor.example'\n",
            "README.md": "not code",
            "__pycache__/stale.py": "",
            "clients/__pycache__/vendor.py": "",
        },
    )
    (root / "__pycache__" / "rotator.cpython-311.pyc").write_bytes(b"\0")
    artifact = custom_artifact(f"{package}.rotator")
    assert artifact.handler == f"{package}.rotator.lambda_handler"
    assert artifact.files == {
        **package_files(),
        f"{package}/__init__.py": root / "__init__.py",
        f"{package}/rotator.py": root / "rotator.py",
        f"{package}/clients/__init__.py": root / "clients" / "__init__.py",
        f"{package}/clients/vendor.py": root / "clients" / "vendor.py",
    }


def test_custom_module_deeper_in_a_package_keeps_its_dotted_handler(
    tmp_path: Path, unique_module: Callable[[], str]
) -> None:
    package = unique_module()
    make_package(
        tmp_path / package,
        {"__init__.py": "", "jobs/__init__.py": "", "jobs/rotate.py": HANDLER_SOURCE},
    )
    artifact = custom_artifact(f"{package}.jobs.rotate")
    assert artifact.handler == f"{package}.jobs.rotate.lambda_handler"
    assert f"{package}/jobs/rotate.py" in artifact.files
    assert f"{package}/__init__.py" in artifact.files


def test_custom_top_level_package_ships_as_a_package(
    tmp_path: Path, unique_module: Callable[[], str]
) -> None:
    package = unique_module()
    make_package(tmp_path / package, {"__init__.py": HANDLER_SOURCE, "helpers.py": ""})
    artifact = custom_artifact(package)
    assert artifact.handler == f"{package}.lambda_handler"
    assert artifact.files == {
        **package_files(),
        f"{package}/__init__.py": tmp_path / package / "__init__.py",
        f"{package}/helpers.py": tmp_path / package / "helpers.py",
    }


def test_module_that_is_not_a_python_file_is_not_found() -> None:
    with pytest.raises(FileNotFoundError):
        custom_artifact("sys")  # built in: nothing to ship


def test_missing_custom_module_is_not_found(unique_module: Callable[[], str]) -> None:
    with pytest.raises(FileNotFoundError):
        custom_artifact(unique_module())


# --- rotation_artifact: what components call ----------------------------------------------------


def test_rotation_artifact_for_the_password_strategy() -> None:
    artifact = rotation_artifact("password", None)
    assert artifact == HandlerArtifact(package_files(), "rotation_handlers.password.lambda_handler")


def test_rotation_artifact_for_a_handler_module_name() -> None:
    artifact = rotation_artifact("parameter_store", None, custom=False)
    assert artifact.handler == "rotation_handlers.parameter_store.lambda_handler"


@pytest.mark.parametrize(
    ("strategy", "packages"),
    [
        # pg8000's python-dateutil (and six) come with the Lambda runtime, as botocore's.
        ("postgres-single-user", {"pg8000", "scramp", "asn1crypto"}),
        ("postgres-multi-user", {"pg8000", "scramp", "asn1crypto"}),
        ("mysql-single-user", {"pymysql"}),
        ("mysql-multi-user", {"pymysql"}),
    ],
)
def test_database_strategies_ship_their_driver_and_its_dependencies(
    strategy: str, packages: set[str]
) -> None:
    artifact = rotation_artifact(strategy, None)
    module = strategy.replace("-", "_")
    assert artifact.handler == f"rotation_handlers.{module}.lambda_handler"
    top_level = {name.split("/")[0] for name in artifact.files}
    assert top_level == {"rotation_handlers"} | packages
    provided = ("boto3/", "botocore/", "dateutil/", "six.py", "urllib3/", "jmespath/")
    assert not any(name.startswith(provided) for name in artifact.files)
    assert all(name.endswith(".py") for name in artifact.files)


def test_a_missing_driver_is_refused_naming_rotation_strategy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import replace  # noqa: PLC0415

    from secretkit.components import strategies  # noqa: PLC0415

    entry = strategies.REGISTRY["postgres-single-user"]
    assert entry.engine is not None
    missing = replace(entry, engine=replace(entry.engine, distribution="no-such-driver"))
    monkeypatch.setitem(strategies.REGISTRY, "postgres-single-user", missing)
    with pytest.raises(InvalidArgumentError) as caught:
        rotation_artifact("postgres-single-user", None)
    assert caught.value.argument == "rotation.strategy"
    assert "needs the no-such-driver driver" in str(caught.value)


def test_zipped_size_is_deterministic_and_matches_the_zip() -> None:
    artifact = rotation_artifact("postgres-single-user", None)
    first, second = artifact.zip_bytes(), artifact.zip_bytes()
    assert first == second
    assert artifact.zipped_size() == len(first)
    import io  # noqa: PLC0415
    import zipfile  # noqa: PLC0415

    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert sorted(names) == sorted(artifact.files)


def test_custom_strategy_uses_the_handler_module(
    tmp_path: Path, unique_module: Callable[[], str]
) -> None:
    module = unique_module()
    (tmp_path / f"{module}.py").write_text(HANDLER_SOURCE)
    assert rotation_artifact("custom", module).handler == f"{module}.lambda_handler"
    assert rotation_artifact("parameter_store", module, custom=True).files[f"{module}.py"] == (
        tmp_path / f"{module}.py"
    )


@pytest.mark.parametrize("dotted", [False, True])
def test_unknown_custom_module_is_refused_naming_rotation_handler_module(
    unique_module: Callable[[], str], dotted: bool
) -> None:
    module = f"{unique_module()}.rotator" if dotted else unique_module()
    for strategy, custom in (("custom", None), ("parameter_store", True)):
        with pytest.raises(InvalidArgumentError) as caught:
            rotation_artifact(strategy, module, custom=custom)
        assert caught.value.argument == "rotation.handler_module"
        assert caught.value.value == module
        assert "cannot be found" in str(caught.value)
