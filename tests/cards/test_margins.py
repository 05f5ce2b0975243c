"""Every text run of every printed PDF lies at least 10 mm from each paper edge, measured in
the PDF itself (office printers clip closer than that: DESIGN §5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from db import compliance, emergency, rankings, stats
from desktop.cards import PrintJob, print_cards
from desktop.cards.letters import compliance_letters, ranking_letters, write_letters
from desktop.cards.reports import compliance_pdf, stats_pdf, write_callsheet

EDGE = 10 * mm


def text_runs(path: Path) -> list[tuple[int, str, float, float, float, float, float]]:
    """(page, text, x, baseline y, size, page width, page height) of every drawn text run."""
    runs = []
    for number, page in enumerate(PdfReader(path).pages, 1):
        box = page.mediabox
        width, height = float(box.width), float(box.height)

        def visit(text, cm, tm, font, size, number=number, width=width, height=height):
            if not text.strip():
                return
            a, b, c, d, e, f = tm
            x = e * cm[0] + f * cm[2] + cm[4]
            y = e * cm[1] + f * cm[3] + cm[5]
            scale = abs(d * cm[3]) or 1.0
            runs.append((number, text.strip("\n"), x, y, size * scale, width, height))

        page.extract_text(visitor_text=visit)
    return runs


def assert_margins(path: Path, fonts) -> int:
    runs = text_runs(path)
    assert runs, f"no text found in {path}"
    bad = []
    for page, text, x, y, size, width, height in runs:
        right = x + fonts.width(text, size, note=False)
        edges = {"left": x, "right": width - right, "top": height - (y + size),
                 "bottom": y - 0.25 * size}
        for edge, room in edges.items():
            if room < EDGE - 0.05:
                bad.append(f"p{page} {edge} {room / mm:.1f}mm: {text[:30]!r}")
    assert not bad, f"{path.name}: " + "; ".join(bad[:12])
    return len(runs)


CARDS = [("record", "A4", False), ("record", "A5", False), ("feedback", "A4", False),
         ("feedback", "A5", True), ("info", "A4", False), ("info", "A5", False)]


@pytest.mark.parametrize(("kind", "paper", "two_up"), CARDS)
def test_cards_keep_text_10mm_from_every_edge(known, fonts, tmp_path, kind, paper, two_up):
    led = known["ledger"]
    out = tmp_path / f"{kind}-{paper}.pdf"
    job = PrintJob(kind, "2026H1" if kind != "info" else None, paper=paper, two_up=two_up,
                   member_ids=[known["wang"], known["li"]])
    print_cards(led, job, out, fonts=fonts)
    assert assert_margins(out, fonts) > 20


def test_unit_feedback_card_margins(known, fonts, tmp_path):
    out = tmp_path / "unit.pdf"
    print_cards(known["ledger"], PrintJob("feedback", "2026H1", units=True), out, fonts=fonts)
    assert_margins(out, fonts)


def test_letters_keep_text_10mm_from_every_edge(known, fonts, tmp_path):
    led = known["ledger"]
    ranking = rankings.get_ranking(led, "member", "2026-03")
    letters = ranking_letters(led, ranking, 1, 1)
    unit_ranking = rankings.get_ranking(led, "unit", "2026Q1")
    letters += ranking_letters(led, unit_ranking, 1, 1)
    q = compliance.check_lists(led, "2026Q2")
    letters += compliance_letters(led, "2026年第二季度", "idle_members", q["idle_members"])
    out, _ = write_letters(led, letters, tmp_path / "letters.pdf", fonts)
    assert assert_margins(out, fonts) > 10


def test_reports_keep_text_10mm_from_every_edge(known, fonts, tmp_path):
    led = known["ledger"]
    path, _ = stats_pdf(led, stats.statistics(led, "2026"), tmp_path / "stats.pdf", fonts)
    assert_margins(path, fonts)
    lists = compliance.check_lists(led, "2026Q2")
    path, _ = compliance_pdf(led, "2026Q2", lists, tmp_path / "compliance.pdf", fonts=fonts)
    assert_margins(path, fonts)
    root = led.nodes["杨树小区"]
    assert emergency.call_sheet(led, root)
    pdf, _xlsx, _ = write_callsheet(led, root, tmp_path / "call")
    assert_margins(pdf, fonts)
