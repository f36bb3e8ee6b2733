"""The installed Python files of a database driver and its dependencies, for a Lambda artifact.

Built offline from what pip installed into the program's environment: no download at deploy
time. Packages the Lambda Python runtime already provides (boto3 and its dependencies) are not
shipped again. Every distribution shipped is pinned (components/rotation/driver_pins.py): its exact
version and the sha256 of each file; an installed copy that differs is refused, so an upgraded
or tampered site-packages never reaches Lambda. `make pins` (main, below) writes the pins from
the installed drivers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from secretkit.components import strategies
from secretkit.components.rotation.driver_pins import PINS, DriverPin

#: Distributions every Lambda Python runtime already has: boto3 and its dependencies, including
#: botocore's python-dateutil (and its six), which pg8000 also requires. Shipping a second copy
#: would shadow the runtime's precompiled one: without bytecode in the read-only artifact it is
#: compiled again at every cold start, boto3's own import included (~25 ms measured).
PROVIDED_BY_LAMBDA = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "python-dateutil", "six"}
)


class DriverMissing(Exception):
    """The driver (or one of its dependencies) is not installed where Pulumi runs."""


class DriverMismatch(Exception):
    """An installed driver is not the pinned one: another version, or different files."""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _required(distribution: metadata.Distribution) -> list[str]:
    """Names of the unconditional requirements (extras and markers left out)."""
    names = []
    for requirement in distribution.requires or []:
        if ";" in requirement:
            continue  # an extra or an environment marker: optional for the driver's core
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        if match:
            names.append(match.group(1))
    return names


def closure(name: str) -> list[str]:
    """``name`` and everything it requires, minus what Lambda provides, in a stable order."""
    seen: dict[str, None] = {}
    pending = [name]
    while pending:
        current = pending.pop(0)
        key = _canonical(current)
        if key in seen or key in PROVIDED_BY_LAMBDA:
            continue
        try:
            distribution = metadata.distribution(current)
        except metadata.PackageNotFoundError:
            raise DriverMissing(current) from None
        seen[key] = None
        pending.extend(_required(distribution))
    return list(seen)


def file_hash(path: Path) -> str:
    """sha256 of a file as a wheel's RECORD writes it: urlsafe base64 without padding."""
    digest = hashlib.sha256(path.read_bytes()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _shipped_files(distribution: metadata.Distribution) -> dict[str, Path]:
    """Archive path -> installed file for the .py files of one distribution."""
    files: dict[str, Path] = {}
    for entry in distribution.files or []:
        relative = entry.as_posix()
        if not relative.endswith(".py") or "__pycache__" in relative:
            continue
        if relative.startswith(("..", "/")) or ".dist-info/" in relative:
            continue  # scripts outside site-packages, metadata
        files[relative] = Path(str(distribution.locate_file(entry))).resolve()
    return files


def check_pin(name: str, version: str, files: dict[str, Path]) -> None:
    """DriverMismatch unless ``files`` of distribution ``name`` ``version`` are its pin."""
    pin = PINS.get(_canonical(name))
    if pin is None:
        raise DriverMismatch(
            f"{name} {version} is not pinned in components/rotation/driver_pins.py: only pinned "
            "distributions are shipped (run `make pins` after reviewing a new dependency)"
        )
    if version != pin.version:
        raise DriverMismatch(
            f"{pin.name} {version} is installed where Pulumi runs, but secretkit pins "
            f"{pin.name}=={pin.version}: install the pinned version "
            "(pip install -r requirements.txt), or update the pins (make pins)"
        )
    unexpected = sorted(set(files) - set(pin.files))
    missing = sorted(set(pin.files) - set(files))
    if unexpected or missing:
        raise DriverMismatch(
            f"{pin.name} {version} installed where Pulumi runs does not hold the pinned files "
            f"(not pinned: {', '.join(unexpected) or 'none'}; missing: "
            f"{', '.join(missing) or 'none'}): reinstall it "
            f"(pip install --force-reinstall {pin.name}=={pin.version})"
        )
    for relative, path in sorted(files.items()):
        found = file_hash(path)
        if found != pin.files[relative]:
            raise DriverMismatch(
                f"{relative} of {pin.name} {version} installed where Pulumi runs differs from "
                f"the pinned file (sha256 {found}, pinned {pin.files[relative]}): the installed "
                f"copy was modified; reinstall it (pip install --force-reinstall "
                f"{pin.name}=={pin.version})"
            )


@cache
def driver_files(name: str) -> dict[str, Path]:
    """Archive path -> installed file for the .py files of ``name`` and its requirements, each
    distribution checked against its pin (DriverMismatch)."""
    files: dict[str, Path] = {}
    for distribution_name in closure(name):
        distribution = metadata.distribution(distribution_name)
        shipped = _shipped_files(distribution)
        check_pin(distribution.metadata["Name"], distribution.version, shipped)
        files.update(shipped)
    return dict(sorted(files.items()))


@dataclass(frozen=True)
class ShippedDistribution:
    """What an artifact holds of one distribution."""

    name: str
    version: str
    sha256: str
    """Digest of its shipped files: sha256 over the sorted 'path record-hash' lines."""


def files_digest(hashes: dict[str, str]) -> str:
    """One hex sha256 for a set of files, from their RECORD-style hashes."""
    lines = "".join(f"{path} {hashes[path]}\n" for path in sorted(hashes))
    return hashlib.sha256(lines.encode()).hexdigest()


def shipped_distributions(name: str) -> list[ShippedDistribution]:
    """The distributions the artifact of driver ``name`` ships, as pinned (and checked)."""
    driver_files(name)  # refuses anything that is not exactly the pin
    pins = [PINS[_canonical(n)] for n in closure(name)]
    return [ShippedDistribution(p.name, p.version, files_digest(p.files)) for p in pins]


def installed_pins(drivers: list[str]) -> dict[str, DriverPin]:
    """Pins for the installed ``drivers`` and their requirements (what `make pins` writes)."""
    pins: dict[str, DriverPin] = {}
    for driver in drivers:
        for distribution_name in closure(driver):
            distribution = metadata.distribution(distribution_name)
            name = distribution.metadata["Name"]
            record = {f.as_posix(): f.hash for f in distribution.files or []}
            files = {}
            for relative, path in sorted(_shipped_files(distribution).items()):
                files[relative] = file_hash(path)
                recorded = record.get(relative)
                if recorded is None or recorded.value != files[relative]:
                    # pip wrote RECORD from the wheel it verified: a file that differs was
                    # changed after installation, and must not become a pin.
                    raise DriverMismatch(
                        f"{relative} of {name} {distribution.version} differs from its RECORD: "
                        f"reinstall it (pip install --force-reinstall {name}=="
                        f"{distribution.version}) before writing pins"
                    )
            pins[_canonical(name)] = DriverPin(name, distribution.version, files)
    return dict(sorted(pins.items()))


def pins_source(pins: dict[str, DriverPin], header: str) -> str:
    """The text of components/rotation/driver_pins.py holding ``pins`` after ``header`` (the
    file's text up to and including PINS_START)."""
    lines = [header]
    for key, pin in pins.items():
        lines.append(f"    {json.dumps(key)}: DriverPin(\n")
        lines.append(f"        name={json.dumps(pin.name)},\n")
        lines.append(f"        version={json.dumps(pin.version)},\n")
        lines.append("        files={\n")
        lines.extend(
            f"            {json.dumps(path)}: {json.dumps(digest)},\n"
            for path, digest in pin.files.items()
        )
        lines.append("        },\n    ),\n")
    lines.append("}\n")
    return "".join(lines)


#: The line of driver_pins.py after which `make pins` rewrites the table; what precedes it (the
#: docstring and the DriverPin type) is kept as it is.
PINS_START = "PINS: dict[str, DriverPin] = {\n"


def main() -> int:
    """Write components/rotation/driver_pins.py from the drivers installed here (`make pins`)."""
    target = Path(__file__).with_name("driver_pins.py")
    pins = installed_pins(strategies.drivers())
    current = target.read_text()
    header = current[: current.index(PINS_START) + len(PINS_START)]
    target.write_text(pins_source(pins, header))
    for pin in pins.values():
        sys.stdout.write(f"{pin.name}=={pin.version}  {len(pin.files)} files\n")
    sys.stdout.write(f"wrote {target}: review the diff, and pin these versions in requirements\n")
    return 0
