"""The documentation's Markdown files and what they hold: fenced code blocks with their markers,
links, and headings' anchors as GitHub renders them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import secretkit

ROOT = Path(__file__).resolve().parents[2]

#: Pages other branches write; links to them are allowed before they exist (the lead removes a
#: name here once its page is merged).
PAGES_WRITTEN_ELSEWHERE: frozenset[str] = frozenset()

#: Code blocks the snippet test runs: Python under Pulumi mocks, shell lines as `secretkit`
#: commands. Any other language (json, text, yaml, none) is shown, not run.
PYTHON = frozenset({"python", "py"})
SHELL = frozenset({"sh", "shell", "bash", "console"})

#: An HTML comment on the line(s) before a block, saying why the test does not run it:
#: `<!-- needs-aws: why -->` needs a real account, the Pulumi CLI or the network;
#: `<!-- covered-by: path ... -->` is run by that file (which must exist), e.g. `make demo`;
#: `<!-- excerpt: path ... -->` is an excerpt of that file (which must exist), shown to explain it.
#: And on a block of any language: `<!-- output-of: secretkit ... -->`, the block's lines are
#: lines that command prints (the test runs it from the repository's root and compares).
MARKER = re.compile(
    r"^<!-- (?P<kind>needs-aws|covered-by|excerpt|output-of): ?(?P<detail>.*?) ?-->$"
)
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+)(?P<lang>[\w-]*)\s*$")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\((?P<target>[^)\s]+)\)")


def doc_files() -> list[Path]:
    """README.md, every page under docs/, and benchmarks/README.md (repository-relative)."""
    pages = sorted(p.relative_to(ROOT) for p in (ROOT / "docs").rglob("*.md"))
    return [Path("README.md"), *pages, Path("benchmarks/README.md")]


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    code: str
    marker: str | None  # "needs-aws", "covered-by", "excerpt" or "output-of"
    detail: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def blocks(path: Path, root: Path = ROOT) -> Iterator[Block]:
    """The fenced code blocks of a Markdown file, each with the marker comment before it."""
    lines = (root / path).read_text().splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        code = "\n".join(line[indent:] for line in lines[index + 1 : end]) + "\n"
        before = index - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        marker = MARKER.match(lines[before].strip()) if before >= 0 else None
        yield Block(
            path,
            index + 1,
            opening["lang"].lower(),
            code,
            marker["kind"] if marker else None,
            marker["detail"] if marker else "",
        )
        index = end + 1


def prose(path: Path, root: Path = ROOT) -> str:
    """A Markdown file without its fenced code blocks (links and headings live here)."""
    kept: list[str] = []
    fence: str | None = None
    for line in (root / path).read_text().splitlines():
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening["fence"]
        elif fence is not None and line.strip() == fence:
            fence = None
        elif fence is None:
            kept.append(line)
    return "\n".join(kept)


def anchors(path: Path, root: Path = ROOT) -> set[str]:
    """The anchors GitHub gives a file's headings: lower case, punctuation but `-` and `_`
    dropped, spaces to `-`; a repeated heading gets `-1`, `-2`..."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for line in prose(path, root).splitlines():
        heading = re.match(r"^#{1,6} (.+)$", line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading[1].strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def links(path: Path, root: Path = ROOT) -> Iterator[str]:
    """Every link target in a file's prose (code blocks excluded)."""
    for match in LINK.finditer(prose(path, root)):
        yield match["target"]


def documented_import(code: str) -> str:
    """The documented import is `from secretkit import X`; until the branch that gives the
    `secretkit` package the public names is merged, run it as today's `from components import X`."""
    if hasattr(secretkit, "RotatingSecret"):
        return code
    return re.sub(r"^from secretkit import ", "from components import ", code, flags=re.M)
