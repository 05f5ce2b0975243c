"""`baodao print visits` and `baodao print warnings`: the month's not-visited households of a
grid and the quarter's 预警名单 (with 温馨提示), as PDFs; bad input named in Chinese."""

from __future__ import annotations

from db import members
from desktop.cli import main
from tests.cards.conftest import flat, pdf_text


def test_print_visits_and_warnings(ledger, ids, tmp_path, capsys):
    led = ledger
    members.add_member(led, name="王芳", id_number=ids(), residence_node_id=led.nodes["1单元"],
                       report_date="2026-01-05", household_name="刘奶奶",
                       household_phone="13912345678")
    path = led.path
    led.close()
    out = tmp_path / "走访.pdf"
    assert main(["print", "visits", path, "--month", "2026-11", "--grid", "3号楼",
                 "--out", str(out)]) == 0
    assert "未走访联系户 1 户" in capsys.readouterr().out
    text = flat("".join(pdf_text(out)))
    assert "刘奶奶" in text and "139****5678" in text
    assert main(["print", "visits", path, "--month", "2026Q4", "--out", str(out)]) == 2
    assert "应写成 2026-11" in capsys.readouterr().err
    notes = tmp_path / "提示.pdf"
    assert main(["print", "warnings", path, "--quarter", "2026Q4", "--letters", str(notes),
                 "--out", str(tmp_path / "预警.pdf")]) == 0
    said = capsys.readouterr().out
    assert "尚无服务的党员 1 名" in said and "温馨提示 1 份" in said
    assert "王芳同志" in flat(pdf_text(notes)[0])
