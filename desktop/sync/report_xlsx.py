"""Reports as .xlsx: the statistics (导出报表), compliance lists, rankings and the emergency
call sheet. Built on xlsx_write: every string a text cell, bold frozen headers, written to a
temporary file and renamed into place."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from db import compliance, emergency
from db import stats as stats_rules

from .xlsx_write import HEADER_FILL, HEADER_FONT, save_atomically, text_cell, write_sheet

TITLE_FONT = Font(bold=True, size=14)


def _titled_sheet(book: Workbook, name: str, title: str, subtitle: str,
                  headers: Sequence[str], rows: Sequence[Sequence[Any]],
                  widths: Sequence[int], formats: dict[int, str] | None = None) -> None:
    """A sheet with a title line, a subtitle line, then a table (headers bold, frozen)."""
    sheet = book.create_sheet(title=name[:31])
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    head = text_cell(sheet, title)
    head.font = TITLE_FONT
    sheet.append([head])
    sheet.append([text_cell(sheet, subtitle)])
    cells = []
    for header in headers:
        cell = text_cell(sheet, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        cells.append(cell)
    sheet.append(cells)
    sheet.freeze_panes = "A4"
    for row in rows:
        out = []
        for index, item in enumerate(row):
            # (value, number format) pairs carry their own format, e.g. a rate as 0.0%.
            value, fmt = item if isinstance(item, tuple) else (item, (formats or {}).get(index))
            cell = text_cell(sheet, value)
            if fmt and isinstance(value, int | float):
                cell.number_format = fmt
            out.append(cell)
        sheet.append(out)


def stats_workbook(result: dict[str, Any], path: str | Path, office: str = "") -> Path:
    """result is db.stats.statistics(...): 主要指标, 按月, 按网格."""
    book = Workbook(write_only=True)
    scope = result["scope"] or office
    subtitle = f"统计期间：{result['label']}（{result['start']}至{result['end']}）　统计范围：{scope}"
    f = result["figures"]
    rows = []
    for key, label, note in stats_rules.FIGURES:
        value = f[key]
        if value is None:
            value = "—"
        elif key in stats_rules.RATES:
            value = (value, "0.0%")
        rows.append((label, value, note))
    _titled_sheet(book, "主要指标", f"{scope}双报到工作统计报表", subtitle,
                  ("指标", "数值", "统计口径"), rows, (26, 14, 40))
    write_sheet(book, "按月", ("月份", *[n for _, n in stats_rules.TREND]),
                [(m["month"], *[m[k] for k, _ in stats_rules.TREND]) for m in result["months"]])
    write_sheet(book, "按网格", ("网格", *[n for _, n in stats_rules.BY_NODE]),
                [(n["name"], *[n[k] for k, _ in stats_rules.BY_NODE]) for n in result["by_node"]])
    return save_atomically(book, path)


def compliance_workbook(quarter_label: str, lists: dict[str, list[dict[str, Any]]],
                        path: str | Path, keys: list[str] | None = None) -> Path:
    book = Workbook(write_only=True)
    for check in compliance.CHECKS:
        if keys and check.key not in keys:
            continue
        rows = compliance.table(check, lists[check.key])
        _titled_sheet(book, check.title.replace("本季度", ""), f"{quarter_label}{check.title}",
                      f"共{len(rows)}条", check.headers, rows,
                      [max(10, min(40, len(h) * 2 + 6)) for h in check.headers])
    return save_atomically(book, path)


def ranking_workbook(title: str, status: str, rows: list[dict[str, Any]], path: str | Path,
                     unit: bool = False) -> Path:
    book = Workbook(write_only=True)
    headers = ("名次", "单位名称" if unit else "姓名", "类别" if unit else "工作单位", "积分",
               "实事（件）" if unit else "服务次数", "服务时长（小时）")
    _titled_sheet(book, "排行", title, status, headers,
                  [(r["rank"], r["name"], r["org"], r["points"], r["services"], r["hours"])
                   for r in rows], (8, 30, 34, 10, 12, 16))
    return save_atomically(book, path)


def callsheet_workbook(scope: str, sheet: list[emergency.CallCell], path: str | Path,
                       masked: bool = True) -> Path:
    book = Workbook(write_only=True)
    _titled_sheet(book, "应急联络表", f"{scope}平急两用应急联络表",
                  "电话已部分隐藏" if masked else "含完整电话，请妥善保管",
                  emergency.HEADERS, emergency.rows(sheet), (24, 40, 10, 8, 16, 24, 20, 50))
    return save_atomically(book, path)
