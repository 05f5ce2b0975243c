"""Writing .xlsx files that Excel and WPS open as people expect: every string is a text cell
(an ID or a phone never becomes a number, `=1+1` never becomes a formula), headers bold and
frozen, sensible widths, a print setup (A4, one page wide, headers repeated on every page),
written to a temporary file and renamed into place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TEXT_FORMAT = "@"
WRAP = Alignment(wrap_text=True, vertical="top")
WRAP_FROM = 20  # columns at least this wide wrap their text instead of being cut at the edge
LINE_HEIGHT = 15.0  # points per line of 11 pt Chinese text
# Portrait holds about this many characters of column width on A4 before shrinking hurts.
PORTRAIT_UP_TO = 100
MM = 1 / 25.4  # openpyxl margins are in inches


def print_setup(sheet: Any, widths: Sequence[float], title_rows: int = 1,
                landscape: bool | None = None) -> None:
    """How the sheet prints: A4, landscape when the columns are wide, scaled to one page
    across (as many pages down as it takes), the header rows repeated on every page, margins
    and a page-number footer kept 10 mm or more from the paper's edges (office printers clip
    closer than that). Call it before the first row of a write-only sheet."""
    setup = sheet.page_setup
    setup.paperSize = "9"  # A4
    if landscape is None:
        landscape = sum(widths) > PORTRAIT_UP_TO
    setup.orientation = "landscape" if landscape else "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    setup.fitToWidth, setup.fitToHeight = 1, 0  # 0: as many pages down as needed
    if title_rows:
        sheet.print_title_rows = f"1:{title_rows}"
    sheet.page_margins = PageMargins(left=12 * MM, right=12 * MM, top=15 * MM, bottom=18 * MM,
                                     header=10 * MM, footer=10 * MM)
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.oddFooter.center.size = 9


def wrapped(cell: WriteOnlyCell, width: float) -> WriteOnlyCell:
    """A long column's cell wraps (a name list or an address is never cut off in print)."""
    if width >= WRAP_FROM:
        cell.alignment = WRAP
    return cell


def fit_row_height(sheet: Any, row_index: int, values: Sequence[Any],
                   widths: Sequence[float]) -> None:
    """Make the row tall enough for its wrapped cells, set before the row is written (Excel
    and LibreOffice keep a stored height, and a write-only sheet has none unless told: the
    wrapped lines would print over the next row)."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if width >= WRAP_FROM and value is not None:
            lines = max(lines, -(-_width(value) // max(int(width) - 1, 1)))
    if lines > 1:
        sheet.row_dimensions[row_index].height = LINE_HEIGHT * min(lines, 20)


def text_cell(sheet: Worksheet, value: Any) -> WriteOnlyCell:
    """A cell that Excel shows exactly as given. Strings are forced to text (never formulas)."""
    cell = WriteOnlyCell(sheet)
    if value is None:
        cell.value = None
    elif isinstance(value, bool):
        cell.value = "是" if value else "否"
    elif isinstance(value, int | float):
        cell.value = value
    else:
        text = str(value)
        # Assigning .value would turn "=..." into a formula; set the stored value and type
        # directly so it is written as a plain string.
        cell._value = text
        cell.data_type = "s"
        cell.number_format = TEXT_FORMAT
    return cell


def header_cells(sheet: Worksheet, headers: Iterable[str]) -> list[WriteOnlyCell]:
    """A bold, shaded, centred header row of text cells."""
    cells = []
    for header in headers:
        cell = text_cell(sheet, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cells.append(cell)
    return cells


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def write_sheet(book: Workbook, title: str, headers: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> int:
    """Append one sheet to a write-only workbook; returns the number of data rows."""
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    rows = list(rows)
    widths = [max([_width(h)] + [_width(r[i]) for r in rows[:500]]) for i, h in enumerate(headers)]
    widths = [min(max(width + 2, 6), 60) for width in widths]
    print_setup(sheet, widths)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(header_cells(sheet, headers))
    for index, row in enumerate(rows, start=2):
        fit_row_height(sheet, index, row, widths)
        sheet.append([wrapped(text_cell(sheet, v), widths[i] if i < len(widths) else 0)
                      for i, v in enumerate(row)])
    return len(rows)


def save_atomically(book: Workbook, path: str | Path) -> Path:
    """Write to a temporary file beside the target, then rename: a pulled USB stick leaves
    either the old file or the new one, never a half-written file under the real name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".~" + path.stem, suffix=".xlsx.part", dir=path.parent)
    os.close(handle)
    try:
        book.save(temp)
        with open(temp, "r+b") as written:
            os.fsync(written.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def write_table(path: str | Path, title: str, headers: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> int:
    """One sheet holding exactly these headers and rows (导出当前列表)."""
    book = Workbook(write_only=True)
    count = write_sheet(book, title, headers, rows)
    save_atomically(book, path)
    return count


def template_workbook(path: str | Path, title: str, columns: Sequence[str],
                      choices: Mapping[str, Sequence[str]], text_columns: Sequence[str],
                      note: str, rows: int = 1000) -> Path:
    """A blank form to fill in Excel or WPS: bold frozen headers, drop-down lists, and the
    columns that must stay text (IDs, phones) formatted as text before anyone types."""
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.freeze_panes = "A2"
    for index, header in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = get_column_letter(index)
        wide = header in text_columns and "身份证" in header
        sheet.column_dimensions[letter].width = 22 if wide else max(_width(header) + 4, 10)
        if header in text_columns:
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
            for row in range(2, rows + 2):
                sheet.cell(row=row, column=index).number_format = TEXT_FORMAT
        if header in choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(choices[header]) + '"',
                                allow_blank=True)
            dv.error = f"请从下拉列表中选择{header}"
            dv.add(f"{letter}2:{letter}{rows + 1}")
            sheet.add_data_validation(dv)
    notes = book.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    for index, line in enumerate(note.split("；"), start=1):
        notes.cell(row=index, column=1, value=line.strip("；"))
    return save_atomically(book, path)
