"""The list of rejected rows as a workbook the sender can fix (错误清单)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .exchange import Issue
from .xlsx_write import write_table

HEADERS = ("工作表", "行号", "列", "原因", "该行内容（身份证号已部分隐去）")


def write_errors(path: str | Path, issues: Sequence[Issue], roster: Any = None) -> int:
    rows = [(i.sheet, i.row or "", i.column, i.reason, i.content) for i in issues]
    return write_table(path, "错误清单", HEADERS, rows)
