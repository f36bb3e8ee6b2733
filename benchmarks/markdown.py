"""Markdown tables whose columns line up, so the same text reads well in a terminal."""

from __future__ import annotations

from collections.abc import Sequence

Cell = str | int | float | bool | None


def cell(value: Cell, digits: int = 1) -> str:
    """A table cell: '-' for nothing, yes/no for booleans, floats to ``digits`` places."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value.replace("|", "\\|").replace("\n", " ")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table, every column padded to its widest cell."""
    widths = [len(header) for header in headers]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} cells for {len(headers)} columns: {row}")
        widths = [max(width, len(text)) for width, text in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = (text.ljust(width) for text, width in zip(cells, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(headers), separator, *(line(row) for row in rows)])


def ratio_cell(value: float | None) -> str:
    """A ratio as '0.70x'."""
    return "-" if value is None else f"{value:.2f}x"
