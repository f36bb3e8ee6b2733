"""benchmarks/README.md discusses the run whose figures benchmarks/results.md holds: after a new
`make bench`, the discussion must be rewritten for it (its figures are that run's)."""

from __future__ import annotations

import re

from tests.docs.markdown_blocks import ROOT


def test_the_discussed_run_is_the_recorded_one() -> None:
    page = (ROOT / "benchmarks" / "README.md").read_text()
    results = (ROOT / "benchmarks" / "results.md").read_text()
    discussed = re.search(r"^## The run of (\d{4}-\d\d-\d\d) \(commit (\w+)\)$", page, re.M)
    recorded = re.search(
        r"Produced by `make bench` on (\d{4}-\d\d-\d\d)T.*?commit (\w+)\.", results
    )
    assert discussed, "benchmarks/README.md has no '## The run of <date> (commit <sha>)'"
    assert recorded
    assert discussed.groups() == recorded.groups()
