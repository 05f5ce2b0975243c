"""Fonts: embedded TrueType subsets, per-character fallback for rare name characters, a box
and a warning naming the member when no font has a glyph, STSong-Light only as a last resort."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from db import members
from desktop.cards import PrintJob, print_cards
from desktop.cards.fonts import FontSet, default_candidates

from .conftest import WQY_MICRO, WQY_ZEN, flat, pdf_text


def _fonts_of(path: Path) -> dict[str, dict]:
    """BaseFont → font dictionary, for every font used on any page."""
    found = {}
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def test_system_cjk_font_is_found_and_embedded_as_subset(known, fonts, tmp_path):
    assert any(p.is_file() for p in default_candidates())  # fonts-wqy-* are installed here
    out = tmp_path / "info.pdf"
    result = print_cards(known["ledger"], PrintJob("info", member_ids=[known["wang"]]), out,
                         fonts=FontSet.discover())
    assert result.embedded and result.warnings == []
    used = _fonts_of(out)
    assert used
    for name, font in used.items():
        assert font["/Subtype"] == "/TrueType", name
        assert "+" in name, name  # a subset tag such as AAAAAA+WenQuanYiMicroHei
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), name


def test_rare_character_falls_back_to_a_font_that_has_it(known, tmp_path):
    # 文泉驿微米黑 lacks 䶮 (U+4DAE); 文泉驿正黑 has it.
    fonts = FontSet.discover([WQY_MICRO, WQY_ZEN])
    assert fonts.primary_label.startswith("WenQuanYiMicroHei")
    assert not fonts.has_glyph("䶮") or fonts.used_fallback("䶮")
    assert fonts.used_fallback("䶮") is not None and "zenhei" in fonts.used_fallback("䶮")
    out = tmp_path / "record.pdf"
    result = print_cards(known["ledger"], PrintJob("record", "2026H1", member_ids=[known["wang"]]),
                         out, fonts=fonts)
    assert result.warnings == []
    assert "王䶮" in flat(pdf_text(out)[0])
    names = set(_fonts_of(out))
    assert any("MicroHei" in n for n in names) and any("ZenHei" in n for n in names)


def test_missing_glyph_warns_naming_the_member(known, ids, tmp_path):
    led = known["ledger"]
    member = members.add_member(led, name="王𠮷", id_number=ids(),
                                residence_node_id=led.nodes["1单元"])
    fonts = FontSet.discover([WQY_MICRO, WQY_ZEN])
    out = tmp_path / "info.pdf"
    result = print_cards(led, PrintJob("info", member_ids=[known["wang"], member]), out,
                         fonts=fonts)
    assert len(result.warnings) == 1
    (warning,) = result.warnings
    assert "王𠮷" in warning and f"编号{member}" in warning and "U+20BB7" in warning
    assert "王䶮" not in warning
    # The rest of the name still prints; the missing character is a ruled box, not a blank.
    assert "王" in flat(pdf_text(out)[1])


def test_stsong_only_as_last_resort_with_a_warning(known, tmp_path):
    fonts = FontSet.discover([tmp_path / "nothing-here.ttf"])
    assert fonts.cid
    out = tmp_path / "record.pdf"
    result = print_cards(known["ledger"], PrintJob("record", "2026H1", member_ids=[known["wang"]]),
                         out, fonts=fonts)
    assert not result.embedded
    assert result.warnings and "STSong-Light" in result.warnings[0]
    assert "resources/fonts" in result.warnings[0]
    assert set(_fonts_of(out)) == {"/STSong-Light-UniGB-UCS2-H"} or all(
        "STSong" in n for n in _fonts_of(out))


def test_opentype_cff_font_is_skipped(tmp_path):
    cff = tmp_path / "NotoSansCJK.otf"
    cff.write_bytes(b"OTTO" + b"\0" * 64)
    fonts = FontSet.discover([cff, WQY_MICRO])
    assert fonts.primary_label.startswith("WenQuanYiMicroHei")


def test_deployer_font_in_resources_comes_first(monkeypatch, tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    (folder / "deployer.ttc").symlink_to(WQY_ZEN)
    monkeypatch.setattr("desktop.cards.fonts.resources_fonts_dir", lambda: folder)
    candidates = default_candidates()
    assert candidates[0] == folder / "deployer.ttc"
    assert FontSet.discover().primary_label.startswith("WenQuanYiZenHei")
