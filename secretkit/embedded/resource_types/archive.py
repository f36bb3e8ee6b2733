"""Lambda code archives: the bytes pulumi-aws uploads, and the form Pulumi compares them in."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import pulumi

from secretkit.embedded.resource_types.base import UnsupportedResource


def zip_archive(code: Any) -> bytes:
    """The bytes pulumi-aws uploads for an AssetArchive of file and string assets."""
    assets = code.assets if isinstance(code, pulumi.AssetArchive) else {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, asset in sorted(assets.items()):
            entry = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))  # same bytes each time
            entry.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(asset, pulumi.FileAsset):
                with open(asset.path, "rb") as handle:
                    archive.writestr(entry, handle.read())
            elif isinstance(asset, pulumi.StringAsset):
                archive.writestr(entry, asset.text)
            else:
                raise UnsupportedResource(f"code asset {path} is neither a file nor a string")
    return buffer.getvalue()


def comparable(value: Any) -> Any:
    """An input as Pulumi diffs it: an archive by the hash of its contents."""
    if isinstance(value, pulumi.Archive | pulumi.Asset):
        return ("content", hashlib.sha256(zip_archive(value)).hexdigest())
    return value
