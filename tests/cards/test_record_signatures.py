"""纪实卡 with a 本人签名 column in a normal print run (issue 16 item 1): from the print job,
the command line and the print dialog; the column is really there, at the right-hand end of
each row, wide enough to sign in, and all text stays 10 mm from every edge."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from reportlab.lib.units import mm

from db.errors import ValidationError
from desktop.cards import PrintJob, print_cards
from desktop.cards.layout import style_for
from desktop.cli import main
from tests.cards.conftest import flat, pdf_text
from tests.cards.test_margins import assert_margins

WORD = re.compile(r'<page width="([\d.]+)"|<word xMin="([\d.]+)" yMin="[\d.]+" '
                  r'xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def _column(path, word: str = "本人签名") -> tuple[float, float, float]:
    """(left x, right x, page width) of the word on page 1, in points (poppler's word boxes)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is needed to measure the columns")
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    width = 0.0
    for match in WORD.finditer(out):
        if match.group(1):
            width = float(match.group(1))
        elif match.group(4) == word:
            return float(match.group(2)), float(match.group(3)), width
    raise AssertionError(f"{word} not on page 1")


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_print_run_adds_a_signature_column_per_row(known, fonts, tmp_path, paper):
    led = known["ledger"]
    out = tmp_path / f"签名-{paper}.pdf"
    result = print_cards(led, PrintJob("record", "2026H1", paper=paper, signatures=True,
                                       member_ids=[known["wang"]]), out, fonts=fonts)
    assert result.cards == 1
    text = flat(pdf_text(out)[0])
    assert "本人签名" in text and "审核人" in text
    left, right, width = _column(out)
    # the last column, right of 审核人, ending inside the right margin
    assert left > _column(out, "审核人")[1]
    assert width - right >= 10 * mm
    # the heading is centred in its cell, and the cell ends at the right margin: room to sign
    edge = width - style_for(paper).margin_x
    assert 2 * (edge - (left + right) / 2) >= 15 * mm
    assert_margins(out, fonts)
    plain = tmp_path / f"无签名-{paper}.pdf"
    print_cards(led, PrintJob("record", "2026H1", paper=paper, member_ids=[known["wang"]]),
                plain, fonts=fonts)
    assert "本人签名" not in flat(pdf_text(plain)[0])


def test_signature_column_only_on_record_cards(known):
    with pytest.raises(ValidationError, match="只有纪实卡有本人签名栏"):
        PrintJob("feedback", "2026H1", signatures=True).check()


def test_command_line_signatures(known, tmp_path, fonts):
    led = known["ledger"]
    out = tmp_path / "纪实卡.pdf"
    assert main(["print", "record-cards", led.path, "--period", "2026H1", "--grid", "1单元",
                 "--signatures", "--out", str(out)]) == 0
    texts = [flat(t) for t in pdf_text(out)]
    assert "王䶮" in texts[0] and all("本人签名" in t for t in texts)
    assert_margins(out, fonts)


def test_print_dialog_checkbox(qtbot, known):
    from desktop.ui.card_dialogs import PrintOptionsDialog

    dialog = PrintOptionsDialog(None, known["ledger"].path, "record",
                                member_ids=[known["wang"]], period="2026H1")
    qtbot.addWidget(dialog)
    assert dialog.signatures.isEnabled() and not dialog.signatures.isChecked()
    assert not dialog.build_job().signatures
    dialog.signatures.setChecked(True)
    assert dialog.build_job().signatures
    dialog.kind.setCurrentIndex(dialog.kind.findData("feedback"))
    assert not dialog.signatures.isEnabled() and not dialog.build_job().signatures
