"""`baodao print report-form|notice` and `baodao receipts`: the 报到登记表 carries its 回执
number, the 公示 its rows and 公示期, both as embedded-font PDFs a viewer can search; the
`print` help line names every paper it prints."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from db import activities, members, open_ledger, units
from desktop.cli import main
from tests.cards.conftest import flat, pdf_text


def _embedded(path) -> bool:
    fonts = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object().get("/DescendantFonts")
            target = descendant[0].get_object() if descendant else font.get_object()
            descriptor = target.get("/FontDescriptor")
            fonts.add(bool(descriptor and any(k in descriptor.get_object() for k in
                                              ("/FontFile2", "/FontFile", "/FontFile3"))))
    return fonts == {True}


def _words(path) -> tuple[float, list[tuple[float, float, str]]]:
    """(page width, [(xMin, yMin, word)]) of page 1, in points (poppler's word boxes)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is needed to place the words")
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    return width, [(float(x), float(y), w) for x, y, w in
                   re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', out)]


def test_report_form_notice_and_receipts(ledger, ids, tmp_path, capsys):
    led = ledger
    unit = units.add_unit(led, name="衡水市第二人民医院党委", paired_node_id=led.nodes["杨树小区"],
                          report_date="2026-03-01", contact_name="赵敏")
    wang = members.add_member(led, name="王芳", id_number=ids("19850312"), work_unit_id=unit,
                              residence_node_id=led.nodes["1单元"], report_date="2026-03-05",
                              mobile="13912345678", room="301", household_name="刘奶奶",
                              household_reason="老年")
    activities.record_activity(led, members=[(wang, 2.5)], date="2026-08-10", kind="志愿服务",
                               title="清扫", node_id=led.nodes["1单元"], verified=True,
                               verifier="刘书记")
    path = led.path
    led.close()
    form = tmp_path / "报到登记表.pdf"
    assert main(["print", "report-form", path, "--member", str(wang), "--out", str(form)]) == 0
    assert "丽景社区回执-2026-0001" in capsys.readouterr().out
    text = flat(pdf_text(form)[0])
    assert "在职党员进社区报到登记表" in text and "王芳" in text and "回执" in text
    assert "衡水市第二人民医院党委：" in text and "丽景社区回执-2026-0001" in text
    assert "19850312" not in text  # the ID is masked, its birth date not beside it
    assert "139****5678" in text and "13912345678" not in text  # as on the 基本信息卡
    # dates in the table as the 回执 writes them; the household with its reason in brackets
    assert "报到日期2026年3月5日" in text and "刘奶奶（老年）" in text and "1单元301" in text
    # the seal's place over the issuer and the date at the right, as on the certificate
    width, words = _words(form)
    issuer = min((w for w in words if w[2].startswith("丽景社区党组织（盖章）")), key=lambda w: w[1])
    seal = next(w for w in words if w[2] == "（公章）")
    assert issuer[0] > width / 2 and seal[0] > width / 2 and seal[1] < issuer[1]
    assert _embedded(form)
    assert "补打" not in text
    again = tmp_path / "补打.pdf"
    assert main(["print", "report-form", path, "--member", str(wang), "--out", str(again)]) == 0
    capsys.readouterr()
    assert flat(pdf_text(again)[0]).count("丽景社区回执-2026-0001（补打）") == 2  # form and 回执
    assert main(["print", "report-form", path, "--unit", str(unit), "--out",
                 str(tmp_path / "单位.pdf")]) == 0
    assert "丽景社区回执-2026-0002" in capsys.readouterr().out
    assert main(["print", "report-form", path, "--out", str(form)]) == 2
    assert "报到对象" in capsys.readouterr().err
    board = tmp_path / "公示.pdf"
    assert main(["print", "notice", path, "--grid", "杨树小区", "--quarter", "2026Q3",
                 "--start", "2026-10-09", "--contact", "周强 13800138000", "--out", str(board)]) == 0
    out = capsys.readouterr().out
    assert "丽景社区公示-2026-0001" in out and "2026-10-13" in out
    page = flat(pdf_text(board)[0])
    assert "杨树小区2026年第三季度" in page and "王芳" in page and "周强13800138000" in page
    # the 公示期 written as the date under the seal is (2026年10月9日), on every page's top too
    assert page.count("公示期：2026年10月9日至2026年10月13日") == 2 and _embedded(board)
    # the same node and quarter again: the same notice, reprinted, not a second one
    assert main(["print", "notice", path, "--grid", "杨树小区", "--quarter", "2026Q3",
                 "--out", str(board)]) == 0
    assert "丽景社区公示-2026-0001" in capsys.readouterr().out
    assert main(["receipts", path]) == 0
    listed = capsys.readouterr().out
    assert "丽景社区回执-2026-0001" in listed and "未收回" in listed
    assert main(["receipts", path, "--returned", "丽景社区回执-2026-0001"]) == 0
    capsys.readouterr()
    assert main(["receipts", path]) == 0
    assert "丽景社区回执-2026-0001" not in capsys.readouterr().out
    with open_ledger(path, create=False) as again:
        assert again.scalar("SELECT count(*) FROM audit_log WHERE action = '打印公示'") == 1
        assert again.scalar("SELECT count(*) FROM audit_log WHERE action = '补打公示'") == 1


def test_print_help_names_every_paper(capsys):
    assert main(["--help"]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.strip().startswith("print"))
    for paper in ("签到表", "志愿服务记录证明", "报到单", "公示"):
        assert paper in line


def test_printing_feedback_cards_registers_their_receipts(ledger, ids, tmp_path, capsys):
    led = ledger
    members.add_member(led, name="王芳", id_number=ids(), residence_node_id=led.nodes["1单元"],
                       report_date="2026-01-05")
    path = led.path
    led.close()
    for _ in range(2):
        assert main(["print", "feedback-cards", path, "--period", "2026H1", "--out",
                     str(tmp_path / "反馈卡.pdf")]) == 0
    assert main(["receipts", path, "--kind", "反馈卡"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len([ln for ln in listed if "王芳" in ln and "2026H1" in ln]) == 1  # a reprint: same row


def test_a_long_report_form_puts_its_receipt_on_a_page_of_its_own(ledger, tmp_path):
    from desktop.cards.fonts import FontSet
    from desktop.cards.report_form import report_form_pdf
    from tests.cards.test_margins import assert_margins

    unit = units.add_unit(ledger, name="衡水市第二人民医院党委办公室第一党支部", category="事业",
                          contact_name="赵敏", contact_phone="0318-2012345",
                          report_date="2026-03-01", paired_node_id=ledger.nodes["杨树小区"],
                          agreement_content="义诊、健康讲座、结对帮扶、应急演练，" * 8)
    for kind in ("资源", "需求", "项目"):
        for i in range(12):
            units.add_item(ledger, unit, kind, f"{kind}第{i + 1}项：社区健康服务与应急处置")
    fonts = FontSet.discover()
    path, _w, _r = report_form_pdf(ledger, tmp_path / "长.pdf", unit_id=unit, fonts=fonts)
    pages = [flat(t) for t in pdf_text(path)]
    # the form on the first page, the whole 回执 on the second, nothing off the paper
    assert len(pages) == 2 and "社区接收意见" in pages[0] and "回执" not in pages[0][-200:]
    assert "回执" in pages[1] and "签收单位（盖章）" in pages[1]
    assert "0318-2012345" in pages[0]  # an office's fixed line is not masked like a mobile
    assert_margins(path, fonts)
