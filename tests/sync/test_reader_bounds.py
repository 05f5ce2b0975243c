"""Small hostile files that used to hang or eat gigabytes are refused at once, and the
harmless oddities real offices send still read."""

from __future__ import annotations

import io
import re
import resource
import time

import pytest
from openpyxl import Workbook

from desktop.sync import reader
from tests.sync.helpers import rewrite_entry


def _book(path, fill) -> bytes:
    book = Workbook()
    fill(book)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def _refused_quickly(path, word: str) -> None:
    started = time.perf_counter()
    with pytest.raises(reader.FileRejected) as caught:
        reader.read_workbook(path)
    assert word in str(caught.value)
    assert time.perf_counter() - started < 10
    child_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert child_peak_mb < 900  # the reader's child never laid the sheet out


def test_one_far_cell_on_eight_sheets_is_refused(tmp_path):
    def fill(book):
        for index in range(8):
            sheet = book.active if index == 0 else book.create_sheet(f"表{index}")
            sheet["A1"] = "姓名"
            sheet.cell(row=25000, column=1000, value="远处")
    _book(tmp_path / "far.xlsx", fill)
    assert (tmp_path / "far.xlsx").stat().st_size < 40_000
    _refused_quickly(tmp_path / "far.xlsx", "超出上限")


def test_one_cell_in_the_last_row_is_refused(tmp_path):
    def fill(book):
        book.active["A1"] = "姓名"
        book.active["A1048576"] = "底"
    _book(tmp_path / "deep.xlsx", fill)
    _refused_quickly(tmp_path / "deep.xlsx", "超出上限")


def test_thousands_of_long_merges_are_refused(tmp_path):
    def fill(book):
        book.active["A1"] = "姓名"
    data = _book(tmp_path / "plain.xlsx", fill)
    merges = "".join(f'<mergeCell ref="{_col(c)}2:{_col(c)}5000"/>'
                     for c in range(1, 4896))
    data = rewrite_entry(data, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        rb"</sheetData>", f'</sheetData><mergeCells count="4895">{merges}</mergeCells>'.encode(),
        xml))
    (tmp_path / "merges.xlsx").write_bytes(data)
    _refused_quickly(tmp_path / "merges.xlsx", "合并单元格过多")


def test_the_same_merge_twenty_thousand_times_reads_as_one(tmp_path):
    def fill(book):
        book.active["A1"] = "姓名"
        book.active["U2"] = "合并"
    data = _book(tmp_path / "plain.xlsx", fill)
    merges = '<mergeCell ref="U2:U1000"/>' * 20000
    data = rewrite_entry(data, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        rb"</sheetData>", f'</sheetData><mergeCells count="20000">{merges}</mergeCells>'.encode(),
        xml))
    (tmp_path / "same.xlsx").write_bytes(data)
    started = time.perf_counter()
    (sheet,) = reader.read_workbook(tmp_path / "same.xlsx")
    assert len(sheet.merged) == 1
    assert time.perf_counter() - started < 10


def test_a_real_sheet_with_one_repetitive_big_cell_is_not_a_zip_bomb(tmp_path):
    def fill(book):
        book.active["A1"] = "备注"
        book.active["A2"] = "重复" * 500_000  # 1 MB of one character pair
    _book(tmp_path / "big-cell.xlsx", fill)
    (sheet,) = reader.read_workbook(tmp_path / "big-cell.xlsx")
    assert sheet.rows[1][0].startswith("重复重复")  # read, not refused (calamine keeps 32,767)


def test_a_pipe_named_xlsx_is_refused_without_blocking(tmp_path):
    import os

    fifo = tmp_path / "花名册.xlsx"
    os.mkfifo(fifo)
    started = time.perf_counter()
    with pytest.raises(reader.FileRejected, match="不是一个普通文件"):
        reader.read_workbook(fifo)
    assert time.perf_counter() - started < 2


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)
