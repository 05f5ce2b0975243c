"""What closes a printed list (the 网格员's signature line, a 公示's seal, a 登记簿's
signatures) is never left alone on a page of its own: the table's last row goes over with it."""

from __future__ import annotations

import re

from reportlab.lib.units import mm

from db import members, visits
from desktop.cards.layout import Text
from desktop.cards.report_pdf import Doc
from desktop.cards.visit_list import visit_list_pdf
from tests.cards.conftest import flat, pdf_text
from tests.cards.test_margins import assert_margins
from tests.conftest import make_id

SIGN = "网格员（签字）：__________"
GAP = 15 * mm


def _page_texts(doc: Doc) -> list[str]:
    return ["".join(i.text for i in page.items if isinstance(i, Text)) for page in doc.lay.pages]


def _full_page(fonts, keep: float) -> Doc:
    """A table whose rows exactly fill the first page, then a closing line."""
    probe = Doc(fonts)
    probe.table(("序号", "姓名"), [(i, f"党员{i}") for i in range(200)])
    per_page = sum("党员" in item.text for item in probe.lay.pages[0].items
                   if isinstance(item, Text))
    doc = Doc(fonts)
    doc.table(("序号", "姓名"), [(i, f"党员{i}") for i in range(1, per_page + 1)], keep=keep)
    doc.space(GAP)  # taller than what a full page leaves
    doc.para(SIGN, align="r")
    return doc


def test_the_closing_line_takes_the_last_row_with_it(fonts):
    alone = _full_page(fonts, keep=0)
    assert len(alone.lay.pages) == 2 and "党员" not in _page_texts(alone)[1]  # as it was
    kept = _full_page(fonts, keep=GAP + alone.s.body * 1.6)
    texts = _page_texts(kept)
    assert len(texts) == 2 and SIGN in texts[1]
    assert "序号" in texts[1] and "党员" in texts[1]  # the header repeated over the last row


def test_a_short_table_is_not_broken_for_its_tail(fonts):
    doc = Doc(fonts)
    doc.table(("序号", "姓名"), [(1, "党员1"), (2, "党员2")], keep=doc.s.body * 1.6)
    doc.para(SIGN, align="r")
    assert len(doc.lay.pages) == 1


def test_the_not_visited_list_keeps_its_signatures_with_a_household(ledger, fonts, tmp_path):
    # one more household at a time, past the point where the first page is full
    assert visits.month("2026-11").label == "2026年11月"
    for i in range(24):
        members.add_member(ledger, name=f"党员{i:02d}", residence_node_id=ledger.nodes["1单元"],
                           id_number=make_id("19800101", seq=i), household_name=f"联系户{i:02d}",
                           household_reason="老年", household_address=f"{i}号楼101",
                           household_phone="13912345678", report_date="2026-01-05")
        if i < 8:
            continue
        path, _w, listed = visit_list_pdf(ledger, "2026-11", tmp_path / f"未走访{i}.pdf",
                                          fonts=fonts)
        assert listed == i + 1
        pages = [flat(t) for t in pdf_text(path)]
        assert "网格员（签字）" in pages[-1] and "社区核对人" in pages[-1]
        # a household's row above the signatures, not the signatures (or the note) alone
        assert re.search(r"联系户\d\d", pages[-1].split("网格员（签字）")[0]), i
        assert all("2026年11月一联一帮未走访联系户" in t for t in pages)
    assert len(pages) == 2
    assert_margins(path, fonts)
