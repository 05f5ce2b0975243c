import openpyxl

from db import demo
from desktop.sync.export import export_ledger


def test_every_exchange_column_has_a_chinese_header(tmp_path):
    with demo.generate(tmp_path / "t.db", "tiny") as ledger:
        export_ledger(ledger, tmp_path / "x.xlsx")
    book = openpyxl.load_workbook(tmp_path / "x.xlsx", read_only=True)
    english = {}
    for sheet in book.worksheets[1:]:
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
        english[sheet.title] = [h for h in header if h and h.isascii() and h != "UUID"]
    assert {k: v for k, v in english.items() if v} == {}
