"""Text at Excel's cell limit (32,767 characters) in a workbook being imported.

Excel cuts longer text when it saves, and python-calamine, which reads every workbook here,
also gives at most 32,767 characters of a cell, silently, even when the file holds more. So a
cell that reads back at exactly the limit has most likely lost its end, and one above it (from
another reader) cannot go through an exchange file intact. Either is reported with its sheet,
row and column instead of being taken as it is.

Used by the roster import (desktop.sync.roster). For the exchange parser
(desktop.sync.parse._parse_sheet), per data row, before the row is converted:

    cut = cell_limit.long_cells((col.header, raw[index]) for index, col, _f in plan)
    if cut:
        issues.extend(Issue(lay.title, number, column, reason) for column, reason in cut)
        continue
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

EXCEL_CELL_LIMIT = 32767  # characters Excel holds in one cell (as rowcheck.EXCEL_CELL_LIMIT)


def cut_reason(value: Any) -> str | None:
    """Why a cell's text may not be whole, in Chinese; None for any other value."""
    if not isinstance(value, str) or len(value) < EXCEL_CELL_LIMIT:
        return None
    if len(value) == EXCEL_CELL_LIMIT:
        return (f"内容达到Excel单元格上限{EXCEL_CELL_LIMIT}个字符，可能已被截断，"
                "请核对原表，把过长的内容缩短后再导入")
    return (f"内容超过Excel单元格上限{EXCEL_CELL_LIMIT}个字符（共{len(value)}个），"
            "用Excel打开或交换时会被截断，请缩短后再导入")


def long_cells(cells: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    """(column, reason) for every cell of a row whose text is at or over the limit.

    cells: (column header, cell value) pairs of one row."""
    found = []
    for column, value in cells:
        reason = cut_reason(value)
        if reason is not None:
            found.append((column, reason))
    return found
