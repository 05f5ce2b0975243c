"""`baodao print` prints the papers of issue 16: a new or reprinted 签到表, a certificate
(issued, then 补打 by its number) and the register; bad input is named in Chinese."""

from __future__ import annotations

import pytest

from db import activities, members, open_ledger
from desktop.cli import main
from tests.cards.conftest import flat, pdf_text


def test_print_signin_sheet_certificate_and_register(ledger, ids, tmp_path, capsys):
    led = ledger
    wang = members.add_member(led, name="王芳", id_number=ids(), residence_node_id=led.nodes["1单元"])
    act = activities.record_activity(led, members=[(wang, 2)], date="2026-05-10", kind="志愿服务",
                                     title="清扫", node_id=led.nodes["1单元"], verified=True,
                                     verifier="刘书记", start_time="9:00", end_time="11:00")
    path = led.path
    led.close()
    out = tmp_path / "签到表.pdf"
    assert main(["print", "signin-sheet", path, "--activity", str(act), "--grid", "3号楼",
                 "--out", str(out)]) == 0
    assert "丽景社区签到-2026-0001" in capsys.readouterr().out
    assert "王芳" in flat(pdf_text(out)[0])
    assert main(["print", "signin-sheet", path, "--activity", str(act), "--sheet", "1",
                 "--out", str(tmp_path / "重印.pdf")]) == 0
    assert "丽景社区签到-2026-0001" in capsys.readouterr().out  # same sheet, no new number
    assert main(["print", "signin-sheet", path, "--activity", str(act), "--out", str(out)]) == 2
    assert "名单来源" in capsys.readouterr().err
    cert = tmp_path / "证明.pdf"
    assert main(["print", "certificate", path, "--member", str(wang), "--start", "2026-01-01",
                 "--end", "2026-06-30", "--leader", "刘书记", "--handler", "王干事",
                 "--out", str(cert)]) == 0
    assert "丽景社区-2026-0001" in capsys.readouterr().out
    assert main(["print", "certificate", path, "--number", "丽景社区-2026-0001",
                 "--out", str(tmp_path / "补打.pdf")]) == 0
    assert "补打" in capsys.readouterr().out
    assert "（补打）" in flat(pdf_text(tmp_path / "补打.pdf")[0])
    assert main(["print", "certificate", path, "--member", str(wang), "--start", "2026-01-01",
                 "--end", "2026-06-30", "--leader", "刘书记", "--out", str(cert)]) == 2
    assert "经办人" in capsys.readouterr().err
    book = tmp_path / "登记簿.pdf"
    assert main(["print", "certificate-register", path, "--out", str(book)]) == 0
    assert "1 份" in capsys.readouterr().out
    with open_ledger(path, create=False) as again:
        assert again.scalar("SELECT prints FROM certificates") == 2


def test_print_help_names_the_new_kinds(capsys):
    with pytest.raises(SystemExit):
        main(["print", "--help"])
    text = capsys.readouterr().out
    assert "签到表" in text and "志愿服务记录证明" in text and "signin-sheet" in text
