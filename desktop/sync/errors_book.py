"""The list of rejected rows as a workbook the sender can fix (错误清单).

For a roster the sender gets their own columns back, one row per refused row, with every
reason in a 错误原因 column and the refused cells shaded: they correct the cells and send the
sheet again (its extra columns are not imported). Dates go back as dates, numbers as numbers,
text as text (a cell starting with "=" is never a formula). ID numbers and phones are masked
(6+4, 3+4) as in every file the program writes: the sender has them in their own file, and
the error workbook travels by e-mail and USB stick. The sheet prints landscape, one page wide,
its header repeated on every page.

An exchange file's issues (no roster) keep the plain list: sheet, row, column, reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from db.errors import ValidationError
from db.validate import mask_id, mask_phone, nfkc, normalize_phone, scrub

from .exchange import Issue
from .xlsx_write import HEADER_FILL, HEADER_FONT, TEXT_FORMAT, _width, save_atomically, write_table

HEADERS = ("工作表", "行号", "列", "原因", "该行内容（身份证号、手机号已部分隐去）")
ROW_HEADER, REASON_HEADER = "原表行号", "错误原因"
BAD_FILL = PatternFill("solid", fgColor="FFD7D7")
DATE_FORMAT = "yyyy-mm-dd"
REASON_WIDTH = 42  # characters; a wider column shrinks the whole sheet on the page
EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_FIELDS = {"birth_date", "join_date", "report_date"}
ID_FIELDS = {"id_number"}
PHONE_FIELDS = {"mobile", "household_phone", "leader_phone"}


def write_errors(path: str | Path, issues: Sequence[Issue], roster: Any = None,
                 mapping: dict[str, str | None] | None = None) -> int:
    """Every rejected row; with the roster it came from, in the sender's own columns.
    Returns the number of rows written."""
    if roster is None:
        plain = [(i.sheet, i.row or "", i.column, scrub(i.reason), scrub(i.content))
                 for i in issues]
        return write_table(path, "错误清单", HEADERS, plain)
    from .roster import field_for

    fields = [(mapping or {}).get(h, field_for(h)) if h else None for h in roster.headers]
    sources = {roster.sheet: (roster.raw_headers or roster.headers, roster.headers, fields,
                              dict(roster.rows))}
    if getattr(roster, "grid_sheet", ""):
        grid_rows = list(roster.grid_rows)
        head = [str(v or "") for v in (grid_rows[0] if grid_rows else [])]
        grid_fields = [_grid_field(h) for h in head]
        sources[roster.grid_sheet] = (head, head, grid_fields,
                                      {n: r for n, r in enumerate(grid_rows, start=1) if n > 1})
    book = Workbook()
    book.remove(book.active)
    written = 0
    placed: set[int] = set()
    for sheet_name, (shown, matched, column_fields, rows) in sources.items():
        mine = [(n, i) for n, i in enumerate(issues) if i.sheet == sheet_name and i.row in rows]
        if not mine:
            continue
        title = "错误清单" if sheet_name == roster.sheet else f"错误清单-{sheet_name}"
        written += _sender_sheet(book.create_sheet(title[:31]), shown, matched, column_fields,
                                 rows, [i for _n, i in mine])
        placed.update(n for n, _i in mine)
    others = [i for n, i in enumerate(issues) if n not in placed]
    if others:
        sheet = book.create_sheet("其他问题")
        _header(sheet, HEADERS[:4])
        for index, issue in enumerate(others, start=2):
            for col, value in enumerate((issue.sheet, issue.row or "", issue.column,
                                         scrub(issue.reason)), start=1):
                _put(sheet.cell(row=index, column=col), value)
        _print_setup(sheet, 4)
        written += len(others)
    save_atomically(book, path)
    return written


def _grid_field(header: str) -> str | None:
    from db.gridbatch import _header_field

    return _header_field(header)


def _header(sheet: Worksheet, headers: Sequence[str]) -> None:
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=col)
        _put(cell, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _sender_sheet(sheet: Worksheet, shown: list[str], matched: list[str],
                  fields: list[str | None], rows: dict[int, list[Any]],
                  issues: list[Issue]) -> int:
    by_row: dict[int, list[Issue]] = {}
    for issue in issues:
        by_row.setdefault(issue.row, []).append(issue)
    width = max([len(shown), *(len(rows[n]) for n in by_row)])
    headers = [ROW_HEADER, REASON_HEADER,
               *[shown[i] if i < len(shown) and shown[i] else f"第{i + 1}列"
                 for i in range(width)]]
    _header(sheet, headers)
    widths = [_width(h) for h in headers]
    for out_row, number in enumerate(sorted(by_row), start=2):
        found = by_row[number]
        reasons = "；".join(f"{i.column}：{_for_sender(i.reason)}" if i.column
                           else _for_sender(i.reason) for i in found)
        _put(sheet.cell(row=out_row, column=1), number)
        sheet.cell(row=out_row, column=1).alignment = Alignment(vertical="top")
        reason_cell = sheet.cell(row=out_row, column=2)
        _put(reason_cell, reasons)
        reason_cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Wrapped text gets no taller by itself in every program: size the row for it.
        lines = max(1, -(-_width(reasons) // REASON_WIDTH))
        sheet.row_dimensions[out_row].height = 15 * min(lines, 12)
        bad = {i.column for i in found}
        raw = rows[number]
        for index in range(width):
            value = raw[index] if index < len(raw) else None
            field = fields[index] if index < len(fields) else None
            cell = sheet.cell(row=out_row, column=index + 3)
            _put(cell, _value(value, field))
            cell.alignment = Alignment(vertical="top")
            if index < len(matched) and matched[index] in bad:
                cell.fill = BAD_FILL
            widths[index + 2] = max(widths[index + 2], _width(cell.value))
    widths[1] = REASON_WIDTH - 2
    for col, size in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(max(size + 2, 8),
                                                                    REASON_WIDTH)
    sheet.freeze_panes = "C2"
    _print_setup(sheet, len(headers))
    return len(by_row)


def _for_sender(reason: str) -> str:
    """The reason without what only the importing office can do (tick 新建网格)."""
    from .roster_grid import CREATE_HINT

    return scrub(reason.replace("，" + CREATE_HINT, ""))


def _value(value: Any, field: str | None) -> Any:
    """A cell as the sender typed it: dates as dates, numbers as numbers, IDs and phones as
    (masked) text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if (value.hour, value.minute, value.second) != (0, 0, 0) else value.date()
    if isinstance(value, dt.date | dt.time):
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int):
        number = float(value)
        if field in DATE_FIELDS and 1 <= number < 80000:  # a serial number Excel shows as date
            return EXCEL_EPOCH + dt.timedelta(days=int(number))
        if field in ID_FIELDS or abs(number) >= 1e14:
            digits = str(int(number)) if number.is_integer() else repr(value)
            return mask_id(digits) if len(digits) == 18 else digits[:6] + "…"
        if field in PHONE_FIELDS:
            return _phone(str(int(number)) if number.is_integer() else str(value))
        return int(number) if number.is_integer() and abs(number) < 2**53 else value
    text = str(value)
    compact = nfkc(text).replace(" ", "")
    if field in ID_FIELDS and len(compact) == 18:
        return mask_id(compact.upper())
    if field in PHONE_FIELDS and compact:
        return _phone(text)
    return scrub(text)


def _phone(text: str) -> str:
    """A real phone number masked (3+4); what is not one is the sender's mistake, shown as
    they typed it so they can see it."""
    try:
        return mask_phone(normalize_phone(text))
    except ValidationError:
        return scrub(text)


def _put(cell: Any, value: Any) -> None:
    """Strings are stored as text, never formulas (=, +, - and @ included)."""
    if isinstance(value, str):
        cell._value = value
        cell.data_type = "s"
        cell.number_format = TEXT_FORMAT
        return
    cell.value = value
    if isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT


def _print_setup(sheet: Worksheet, columns: int) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}1"
