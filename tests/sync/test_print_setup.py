"""Output workbooks print as an office expects: A4, wide sheets landscape, one page across,
the header rows again on every page, wide columns wrapped. The call sheet of a whole community
is also printed through LibreOffice to count its pages and see every column on each page."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from db import demo, emergency, grid, open_ledger
from desktop.cards.reports import write_callsheet
from desktop.sync.report_xlsx import ranking_workbook
from desktop.sync.xlsx_write import write_table

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
MM = 1 / 25.4


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    path = tmp_path_factory.mktemp("print") / "community.db"
    demo.generate(path, "community").close()
    led = open_ledger(path, create=False)
    yield led
    led.close()


def root_id(led) -> int:
    return grid.children(led, None)[0]["id"]


def assert_prints_across(sheet, title_rows: str, orientation: str) -> None:
    setup = sheet.page_setup
    assert setup.orientation == orientation
    assert setup.paperSize in ("9", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == title_rows  # as "$1:$3"
    margins = sheet.page_margins
    assert min(margins.left, margins.right, margins.top, margins.bottom) >= 10 * MM - 1e-6
    assert margins.footer >= 10 * MM - 1e-6  # the page number, too, clear of the edge


def test_call_sheet_workbook_prints_landscape_one_page_across(community, tmp_path):
    _pdf, xlsx, _w = write_callsheet(community, root_id(community), tmp_path / "应急")
    sheet = load_workbook(xlsx).active
    assert_prints_across(sheet, "$1:$3", "landscape")
    assert [c.value for c in sheet[3]] == list(emergency.HEADERS)
    # The leaders and units columns hold long lists: they wrap instead of being cut off.
    for header in ("负责人", "包联单位"):
        assert sheet.cell(row=4, column=emergency.HEADERS.index(header) + 1).alignment.wrap_text
    assert not sheet.cell(row=4, column=emergency.HEADERS.index("电话") + 1).alignment.wrap_text


def test_ranking_and_lists_print_with_headers_on_every_page(tmp_path):
    rows = [{"rank": i, "name": f"党员{i}", "org": "市第一中学党支部", "points": 10, "services": 1,
             "hours": 2.0} for i in range(1, 200)]
    ranking = load_workbook(ranking_workbook("排行", "2026年11月", rows, tmp_path / "r.xlsx")).active
    assert_prints_across(ranking, "$1:$3", "landscape")
    narrow = tmp_path / "list.xlsx"
    write_table(narrow, "报到单位", ["名称", "类别"], [["市第一中学", "事业"]] * 50)
    assert_prints_across(load_workbook(narrow).active, "$1:$1", "portrait")


@pytest.mark.slow
def test_call_sheet_through_libreoffice_every_column_on_each_page(community, tmp_path):
    if not SOFFICE:
        pytest.skip("LibreOffice is not installed")
    _pdf, xlsx, _w = write_callsheet(community, root_id(community), tmp_path / "应急")
    rows = load_workbook(xlsx).active.max_row
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(xlsx)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "pdf" / "应急.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    width, height = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert width > height and abs(width - 842) < 3  # A4 landscape
    texts = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                           text=True).stdout.split("\f")
    texts = [t for t in texts if t.strip()]
    assert len(texts) == pages
    # Every page is one page across: the first and last header on each page, and the page
    # number footer.
    for number, text in enumerate(texts, start=1):
        assert "网格单元" in text and "包联单位" in text, number
        assert f"第 {number} 页" in text
    print(f"\ncall sheet: {rows} rows → {pages} landscape pages")
    shutil.copyfile(pdf, "/tmp/baodao-shots/callsheet-xlsx.pdf")
