"""benchmarks.markdown: aligned tables that are valid Markdown."""

from __future__ import annotations

import pytest

from benchmarks.markdown import cell, ratio_cell, table


def test_cells() -> None:
    assert cell(None) == "-"
    assert cell(True) == "yes"
    assert cell(False) == "**no**"
    assert cell(1234) == "1,234"
    assert cell(3.14159) == "3.1"
    assert cell(3.14159, 2) == "3.14"
    assert cell("a|b\nc") == "a\\|b c"
    assert ratio_cell(0.7) == "0.70x"
    assert ratio_cell(None) == "-"


def test_table_pads_columns_to_the_widest_cell() -> None:
    text = table(["A", "Long header"], [["wide cell", "1"], ["x", "22"]])
    lines = text.splitlines()
    assert lines == [
        "| A         | Long header |",
        "|-----------|-------------|",
        "| wide cell | 1           |",
        "| x         | 22          |",
    ]
    assert len({len(line) for line in lines}) == 1


def test_table_refuses_ragged_rows() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        table(["a", "b", "c"], [["1", "2"]])
