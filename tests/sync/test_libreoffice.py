"""The exchange file as an office opens it: LibreOffice Calc (here in place of WPS and Excel)
reads it and saves it again; IDs are still text, the drop-downs are still there, no cell became
a formula, and the re-saved file imports back with no change."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest

from db import members, units
from desktop.sync.apply import apply, preview_file
from desktop.sync.exchange import parse_exchange, plan
from desktop.sync.export import export_ledger
from tests.conftest import make_id

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
def test_calc_opens_and_resaves_the_exchange_file(make_ledger, tmp_path):
    assert SOFFICE, "LibreOffice Calc is installed by scripts/bootstrap.sh --test"
    a, b = make_ledger("a"), make_ledger("b", community=None)
    units.add_unit(a, name="=HYPERLINK(\"http://x\")党支部", category="事业")
    number = make_id("19840813", "370102", 918)
    members.add_member(a, name="王芳", id_number=number, mobile="13800138000")
    out = tmp_path / "交换.xlsx"
    export_ledger(a, out)
    apply(b, preview_file(b, out), backup=False)
    resaved = tmp_path / "calc"
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xlsx", "--outdir", str(resaved), str(out)],
                   check=True, capture_output=True, timeout=180)
    again = resaved / out.name
    book = openpyxl.load_workbook(again)
    sheet = book["在职党员"]
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("身份证号") + 1)
    assert cell.value == number and cell.data_type == "s"
    phone = sheet.cell(row=2, column=headers.index("手机号码") + 1)
    assert phone.value == "13800138000" and phone.data_type == "s"
    assert sheet.data_validations.dataValidation  # the drop-downs survived
    formulas = [c.coordinate for ws in book.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    assert book["报到单位"].cell(row=2, column=1).value.startswith("=HYPERLINK")
    preview = plan(b, parse_exchange(again, ledger=b))
    totals = preview.totals()
    assert (totals.new, totals.updated, totals.conflict, totals.invalid) == (0, 0, 0, 0), \
        [i.line() for i in preview.issues]
    a.close()
    b.close()
