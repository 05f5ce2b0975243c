"""The list of rejected rows as a workbook the sender can fix (错误清单)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from db.validate import scrub

from .exchange import Issue
from .xlsx_write import write_table

HEADERS = ("工作表", "行号", "列", "原因", "该行内容（身份证号、手机号已部分隐去）")


def write_errors(path: str | Path, issues: Sequence[Issue], roster: Any = None) -> int:
    """Every rejected row with its place and reason; personal numbers masked (6+4, 3+4)."""
    rows = [(i.sheet, i.row or "", i.column, scrub(i.reason), scrub(i.content)) for i in issues]
    return write_table(path, "错误清单", HEADERS, rows)
