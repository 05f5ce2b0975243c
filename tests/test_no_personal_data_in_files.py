"""Issue 7.6: run import → export → error report on the demo ledger through the CLI, then
search every file written (outputs, logs, error reports, backups of a passworded ledger) for
any full ID number or phone of the ledger."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import openpyxl

from db import demo
from desktop.cli import main


def texts_of(path: Path) -> list[str]:
    """What a person could read out of the file: raw bytes, and for .xlsx the cell texts."""
    out = [path.read_bytes().decode("utf-8", errors="ignore")]
    if path.suffix == ".xlsx" and zipfile.is_zipfile(path):
        book = openpyxl.load_workbook(path, read_only=True)
        for sheet in book.worksheets:
            sheet.reset_dimensions()
            out += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
    return out


def test_no_full_id_or_phone_in_written_files(tmp_path, monkeypatch):
    monkeypatch.setenv("BAODAO_HOME", str(tmp_path / "home"))
    ledger_path = tmp_path / "ledger.db"
    demo.generate(ledger_path, "tiny").close()
    conn = sqlite3.connect(ledger_path)
    secrets = {v for row in conn.execute(
        "SELECT id_number, mobile, household_phone FROM members") for v in row if v}
    secrets |= {v for (v,) in conn.execute("SELECT contact_phone FROM units") if v}
    conn.close()
    out = tmp_path / "out"
    out.mkdir()
    # the office set a ledger password: the ledger and every backup are encrypted
    from db.crypto import change_password, remember

    change_password(ledger_path, None, "台账密码2026")
    remember(ledger_path, None)
    monkeypatch.setenv("BAODAO_LEDGER_PASSWORD", "台账密码2026")
    # a roster whose rows carry real IDs and phones, some of them bad: its error report
    roster = openpyxl.Workbook()
    sheet = roster.active
    sheet.append(["姓名", "身份证号", "手机号码"])
    for index, number in enumerate(sorted(s for s in secrets if len(s) == 18)[:20]):
        sheet.append([f"党员{index}", number[:-1] + ("0" if index % 2 else number[-1]),
                      "13912345678" if index % 3 else "123"])
    roster.save(out / "花名册.xlsx")
    secrets.add("13912345678")

    assert main(["export", str(ledger_path), "--out", str(out / "交换-加密.xlsx"),
                 "--password", "交换密码", "--quiet"]) == 0
    assert main(["export", str(ledger_path), "--out", str(out / "查看.xlsx"), "--mask",
                 "--quiet"]) == 0
    main(["import-roster", str(ledger_path), str(out / "花名册.xlsx"),
          "--errors", str(out / "错误清单.xlsx")])
    assert (out / "错误清单.xlsx").exists()
    from desktop import crashlog

    crashlog.setup_logging()
    try:
        raise ValueError(f"坏数据 {sorted(secrets)[0]}")
    except ValueError as error:
        crashlog.write_report(type(error), error, error.__traceback__)

    written = [p for p in out.rglob("*") if p.is_file() and p.name != "花名册.xlsx"]
    written += [p for p in (tmp_path / "home").rglob("*") if p.is_file()]
    assert any("错误报告" in p.name for p in written)
    for path in written:
        for text in texts_of(path):
            leaked = [s for s in secrets if s in text]
            assert not leaked, f"{path.name} contains {len(leaked)} full numbers"
    assert any(p.suffix == ".db" for p in written)  # the backup before the roster import
    remember(ledger_path, None)
