"""Every relative link in README.md, docs/ and benchmarks/README.md leads to a file of the
repository, and every `#anchor` to a heading of the page it names."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest

from tests.docs.markdown_blocks import PAGES_WRITTEN_ELSEWHERE, ROOT, anchors, doc_files, links


def broken_links(
    page: Path, root: Path = ROOT, elsewhere: frozenset[str] = PAGES_WRITTEN_ELSEWHERE
) -> list[str]:
    """The links of a page that lead nowhere, each with the reason; a link to a page in
    ``elsewhere`` that does not exist yet is allowed."""
    broken = []
    for target in links(page, root):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        location, _, anchor = target.partition("#")
        resolved = (
            Path(posixpath.normpath(posixpath.join(page.parent.as_posix(), location)))
            if location
            else page
        )
        if resolved.as_posix() in elsewhere and not (root / resolved).exists():
            continue
        if not (root / resolved).exists():
            broken.append(f"{target}: no file {resolved}")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved, root):
            broken.append(f"{target}: no heading #{anchor} in {resolved}")
    return broken


@pytest.mark.parametrize("page", doc_files(), ids=str)
def test_every_link_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_a_broken_link_and_a_broken_anchor_are_found(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "security.md").write_text("# Security\n")
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "errors.py").write_text("")
    page = Path("docs") / "example.md"
    (tmp_path / page).write_text(
        "# Title\n\n[ok](#title) [gone](missing.md) [bad anchor](security.md#no-such-heading)\n"
        "[elsewhere](cli.md#anything) [code](../components/errors.py)\n"
        "```sh\n[not a link](nowhere.md)\n```\n"
    )
    assert broken_links(page, tmp_path, frozenset({"docs/cli.md"})) == [
        "missing.md: no file docs/missing.md",
        "security.md#no-such-heading: no heading #no-such-heading in docs/security.md",
    ]


def test_headings_get_githubs_anchors(tmp_path: Path) -> None:
    page = Path("example.md")
    (tmp_path / page).write_text(
        "# Many secrets, one function: RotationFunction\n## A whole organization: "
        "`reader_organization_id`\n## Notes\n## Notes\n"
    )
    assert anchors(page, tmp_path) == {
        "many-secrets-one-function-rotationfunction",
        "a-whole-organization-reader_organization_id",
        "notes",
        "notes-1",
    }
