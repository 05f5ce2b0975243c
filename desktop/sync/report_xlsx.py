"""Reports as .xlsx: the statistics (导出报表), compliance lists, rankings and the emergency
call sheet. Built on xlsx_write: every string a text cell, bold frozen headers, written to a
temporary file and renamed into place."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from db import compliance, emergency
from db import stats as stats_rules

from .xlsx_write import (
    HEADER_FILL,
    HEADER_FONT,
    WRAP,
    WRAP_FROM,
    fit_row_height,
    header_cells,
    print_setup,
    save_atomically,
    text_cell,
)

TITLE_FONT = Font(bold=True, size=14)
TOP = Alignment(vertical="top")


def _titled_sheet(book: Workbook, name: str, title: str, subtitle: str,
                  headers: Sequence[str], rows: Sequence[Sequence[Any]],
                  widths: Sequence[int], formats: dict[int, str] | None = None,
                  landscape: bool | None = None, notes: Sequence[str] = ()) -> Any:
    """A sheet with a title line, a subtitle line, then a table (headers bold, frozen, and
    with the title repeated on every printed page). Wide columns wrap; landscape when the
    columns are wide unless told."""
    sheet = book.create_sheet(title=name[:31])
    # Page setup first: a write-only sheet writes it with its first row.
    print_setup(sheet, widths, title_rows=3, landscape=landscape)
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
    for row_index, row in enumerate(rows, start=4):
        fit_row_height(sheet, row_index, [i[0] if isinstance(i, tuple) else i for i in row],
                       widths)
        out = []
        for index, item in enumerate(row):
            # (value, number format) pairs carry their own format, e.g. a rate as 0.0%.
            value, fmt = item if isinstance(item, tuple) else (item, (formats or {}).get(index))
            cell = text_cell(sheet, value)
            if fmt and isinstance(value, int | float):
                cell.number_format = fmt
            if value == "—":
                cell.alignment = Alignment(horizontal="right")
            elif index < len(widths) and widths[index] >= WRAP_FROM:
                cell.alignment = WRAP
            else:
                cell.alignment = TOP  # level with the first line of a wrapped neighbour
            out.append(cell)
        sheet.append(out)
    if notes:
        sheet.append([])
    for note in notes:
        sheet.append([text_cell(sheet, note)])
    return sheet


MONTH_SERIES = ("activities", "person_times", "orders_completed")  # as the app's chart
NODE_SERIES = ("person_times", "orders_completed")


def _table_sheet(book: Workbook, name: str, columns: Sequence[tuple[str, str]],
                 rows: Sequence[dict[str, Any]], first: tuple[str, str]) -> Any:
    """Header on row 1 (frozen), one row per dict; rates as 0.0%, a missing rate as “—”."""
    sheet = book.create_sheet(title=name)
    sheet.freeze_panes = "A2"
    widths = [22 if first[0] == "name" else 10] + [11] * len(columns)
    # Landscape: the chart beside its table on the same sheet of paper.
    print_setup(sheet, widths, landscape=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(header_cells(sheet, [first[1], *[label for _, label in columns]]))
    for row in rows:
        cells = [text_cell(sheet, row[first[0]])]
        for key, _label in columns:
            value = row[key]
            cell = text_cell(sheet, "—" if value is None else value)
            if key in stats_rules.RATES and value is not None:
                cell.number_format = "0.0%"
            elif value is None:
                cell.alignment = Alignment(horizontal="right")
            cells.append(cell)
        sheet.append(cells)
    return sheet


def _bar_chart(sheet: Any, title: str, columns: Sequence[tuple[str, str]], keys: Sequence[str],
               rows: int, anchor: str, horizontal: bool = False) -> None:
    """A native Excel bar chart over the sheet's own cells (the series are live: a figure
    corrected in the sheet redraws the bar)."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.style = 10
    chart.y_axis.numFmt = "0"
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.legend.position = "t"
    positions = [k for k, _ in columns]
    for key in keys:
        col = positions.index(key) + 2
        chart.add_data(Reference(sheet, min_col=col, min_row=1, max_row=rows + 1),
                       titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first node on top, as in the table
    chart.width = 18
    chart.height = max(9.0, min(24, 2.5 + rows * 0.6)) if horizontal else 8.5
    sheet.add_chart(chart, anchor)


def stats_workbook(result: dict[str, Any], path: str | Path, office: str = "") -> Path:
    """result is db.stats.statistics(...): 主要指标, 按月 and 按网格, each of the last two with
    a native Excel bar chart beside its table (as the PDF has)."""
    book = Workbook(write_only=True)
    scope = result["scope"] or office
    running = "（进行中，数字仍会增加）" if result.get("in_progress") else ""
    subtitle = (f"统计期间：{result['label']}（{result['start']}至{result['end']}）{running}"
                f"　统计范围：{scope}")
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
                  ("指标", "数值", "统计口径"), rows, (26, 14, 70), landscape=True,
                  notes=(f"注：需求办结率＝{stats_rules.COMPLETION_RULE}。{stats_rules.COMPLETION_NOTE}",))
    months = result["months"]
    sheet = _table_sheet(book, "按月", stats_rules.MONTH_TABLE, months, ("month", "月份"))
    if months:
        anchor = get_column_letter(len(stats_rules.MONTH_TABLE) + 3) + "2"
        _bar_chart(sheet, f"{result['label']}按月趋势", stats_rules.MONTH_TABLE, MONTH_SERIES,
                   len(months), anchor)
    nodes = result["by_node"]
    sheet = _table_sheet(book, "按网格", stats_rules.BY_NODE, nodes, ("name", "网格"))
    if nodes:
        anchor = get_column_letter(len(stats_rules.BY_NODE) + 3) + "2"
        _bar_chart(sheet, f"{result['label']}按网格分布", stats_rules.BY_NODE, NODE_SERIES,
                   len(nodes), anchor, horizontal=True)
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
    """One row per member. A 网格单元's leaders and units are written on its first row only:
    repeated on every member's row, their wrapped lists made the printout seven times longer."""
    book = Workbook(write_only=True)
    rows = emergency.rows(sheet)
    lead, units = emergency.HEADERS.index("负责人"), emergency.HEADERS.index("包联单位")
    for before, row in zip(rows, rows[1:], strict=False):
        if row[0] == before[0]:
            row[lead] = row[units] = ""
    _titled_sheet(book, "应急联络表", f"{scope}平急两用应急联络表",
                  "电话已部分隐藏" if masked else "含完整电话，请妥善保管",
                  emergency.HEADERS, rows, (24, 40, 10, 8, 16, 24, 20, 50))
    return save_atomically(book, path)
