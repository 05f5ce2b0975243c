"""Hostile and broken workbooks: none may crash, hang or change the ledger, and every rejected
row names its sheet, row and column."""

from __future__ import annotations

import io
import random
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from db import members
from desktop.sync import roster
from desktop.sync.exchange import parse_exchange, plan
from desktop.sync.export import export_ledger
from desktop.sync.reader import FileRejected
from tests.sync.conftest import snapshot
from tests.sync.helpers import rewrite_entry, wps_roster

pytestmark = pytest.mark.slow  # kills / many files / many offices: README's quick run skips it

LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            b'uniqueCount="1"><si><t>&lol9;</t></si></sst>')
HTML = [b"<html><body><table><tr><td>\xe5\xa7\x93\xe5\x90\x8d</td></tr></table></body></html>",
        b"<!DOCTYPE html><html><head><meta charset='utf-8'></head></html>",
        b"\xef\xbb\xbf<table border=1><tr><td>1</td></tr></table>",
        b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>']


def _book(rows, title="Sheet") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _corpus(good_roster: bytes, good_exchange: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    cases: list[tuple[str, bytes]] = []
    for base, tag in ((good_roster, "roster"), (good_exchange, "exchange")):
        for cut in sorted(rng.sample(range(1, len(base) - 1), 40)):
            cases.append((f"{tag}-truncated-{cut}", base[:cut]))
        for n in range(40):  # flipped bytes inside the compressed streams
            data = bytearray(base)
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(60, len(data) - 30)] = rng.randrange(256)
            cases.append((f"{tag}-flipped-{n}", bytes(data)))
    for n, page in enumerate(HTML):
        cases.append((f"html-{n}", page))
    cases += [("empty", b""), ("text", "姓名,身份证号\n张三,1".encode()),
              ("random", bytes(rng.randrange(256) for _ in range(4000))),
              ("cfb-junk", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(3000)),
              ("zip-empty", b"PK\x05\x06" + bytes(18))]
    for n in range(20):
        cases.append((f"random-zip-{n}", b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(500))))
    # billion laughs in the shared strings and in a sheet
    cases.append(("laughs-sst", rewrite_entry(good_roster, "xl/sharedStrings.xml", lambda _x: LAUGHS)
                  if "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(good_roster)).namelist()
                  else _with_entry(good_roster, "xl/sharedStrings.xml", LAUGHS)))
    cases.append(("laughs-sheet", rewrite_entry(
        good_roster, "xl/worksheets/sheet1.xml",
        lambda x: x.replace(b"<worksheet", LAUGHS.split(b"<sst")[0].split(b"?>", 1)[1] + b"<worksheet", 1))))
    # zip bomb: one entry of zeros, compressed a thousandfold
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", bytes(50 * 2**20))
    cases.append(("zip-bomb", bomb.getvalue()))
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        for i in range(6000):
            z.writestr(f"x/{i}", b"")
    cases.append(("zip-many-entries", many.getvalue()))
    # huge dimensions, far cells
    for n, cell in enumerate(("XFD1048576", "ZZ900000", "XFD1", "A200000")):
        book = openpyxl.Workbook()
        book.active["A1"] = "姓名"
        book.active["B1"] = "身份证号"
        book.active[cell] = "x"
        buffer = io.BytesIO()
        book.save(buffer)
        cases.append((f"far-cell-{n}", buffer.getvalue()))
    cases.append(("dimension-lies", rewrite_entry(
        good_roster, "xl/worksheets/sheet1.xml",
        lambda x: x.replace(b'<dimension ref="A1"/>', b'<dimension ref="A1:XFD1048576"/>'))))
    # formulas, wrong and duplicate headers, odd values
    header = ["姓名", "身份证号", "手机号码", "入党日期"]
    for n in range(50):
        rows = [list(header)]
        if n % 5 == 1:
            rows[0] = ["姓名", "姓名", "身份证号", "身份证号"]
        elif n % 5 == 2:
            rows[0] = [rng.choice(["", "？", "Name", "x" * 300, "=A1", None]) for _ in range(6)]
        elif n % 5 == 3:
            rows[0] = ["身份证号", "姓名"] * 3
        for _ in range(rng.randint(1, 30)):
            rows.append([rng.choice(["=1+1", "=HYPERLINK(\"http://x\",\"y\")", "+1", "-1", "@A1",
                                     "", None, 1.5e17, 3.3e307, -1, "２０２４年", "\u202e反转",
                                     "1" * 18, "张三", "2024-13-45", "x" * 5000])
                         for _ in range(len(rows[0]))])
        cases.append((f"cells-{n}", _book(rows)))
    # exchange files with damaged sync columns and references
    for n in range(60):
        book = openpyxl.load_workbook(io.BytesIO(good_exchange))
        sheet = book[rng.choice(book.sheetnames[1:])]
        for _ in range(rng.randint(1, 8)):
            if sheet.max_row < 1:
                break
            r, c = rng.randint(1, sheet.max_row), rng.randint(1, sheet.max_column)
            sheet.cell(row=r, column=c, value=rng.choice(
                ["", "x", -3, 1e300, "=1+1", "00000000-0000-0000-0000-000000000000", None,
                 "是否", 2.5, "UUID", "版本"]))
        if n % 6 == 0:
            book["说明"]["B3"] = rng.choice(["99", "", "x"])
        buffer = io.BytesIO()
        book.save(buffer)
        cases.append((f"exchange-damaged-{n}", buffer.getvalue()))
    return cases


def _with_entry(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(name, content)
    return out.getvalue()


@pytest.fixture
def goods(ledger, ids, tmp_path):
    members.add_member(ledger, name="张伟", id_number=ids(), mobile="13800138000")
    export_ledger(ledger, tmp_path / "good-exchange.xlsx")
    people = [{"name": f"党员{i}", "id": ids(), "join": "2010.7.1"} for i in range(8)]
    wps_roster(tmp_path / "good-roster.xlsx", people)
    return (tmp_path / "good-roster.xlsx").read_bytes(), (tmp_path / "good-exchange.xlsx").read_bytes()


def test_three_hundred_hostile_workbooks(ledger, goods, tmp_path):
    cases = _corpus(*goods, random.Random(5))
    assert len(cases) >= 300
    before = snapshot(ledger)
    outcomes: dict[str, int] = {}
    for name, data in cases:
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(data)
        started = time.perf_counter()
        for kind in ("roster", "exchange"):
            try:
                if kind == "roster":
                    parsed = roster.read_roster(path)
                    result = roster.preview(ledger, parsed, roster.guess_mapping(parsed.headers))
                    issues = result.issues
                else:
                    xf = parse_exchange(path, ledger=ledger)
                    issues = [i for i in plan(ledger, xf).issues if i.row]
                for issue in issues:
                    assert issue.sheet and issue.row > 0 and issue.column and issue.reason, issue
                outcome = f"{kind}-read"
            except FileRejected as error:
                assert str(error) and not str(error).isascii(), (name, error)
                outcome = f"{kind}-rejected"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        assert time.perf_counter() - started < 60, name
        path.unlink()
    assert snapshot(ledger) == before
    assert outcomes.get("roster-rejected", 0) > 100 and outcomes.get("exchange-rejected", 0) > 100


@pytest.mark.parametrize("page", HTML[:2])
def test_html_renamed_to_xls_is_refused_by_content(tmp_path, page):
    path = tmp_path / "花名册.xls"
    path.write_bytes(page)
    with pytest.raises(FileRejected, match="网页"):
        roster.read_roster(path)


def test_far_cell_is_named(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = "姓名"
    book.active["XFD1048576"] = "x"
    book.save(tmp_path / "far.xlsx")
    with pytest.raises(FileRejected) as caught:
        roster.read_roster(tmp_path / "far.xlsx")
    assert caught.value.cell == "XFD1048576" and "XFD1048576" in str(caught.value)


def test_zip_bomb_is_refused_before_parsing(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", bytes(50 * 2**20))
    started = time.perf_counter()
    with pytest.raises(FileRejected, match="压缩"):
        roster.read_roster(bomb)
    assert time.perf_counter() - started < 5
    assert Path(bomb).stat().st_size < 2**20
