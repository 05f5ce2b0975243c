from __future__ import annotations

import zipfile

import msoffcrypto
import openpyxl
import pytest

from db import members, merge, open_ledger, settings, units
from db.records import TABLE_LABELS
from desktop.sync import export as export_mod
from desktop.sync.apply import apply, preview_file
from desktop.sync.exchange import NotAnExchangeFile, parse_exchange, plan
from desktop.sync.export import ExportVerifyError, export_ledger
from desktop.sync.reader import PasswordRequired
from tests.sync.conftest import snapshot


def _import(ledger, path, **kwargs):
    preview = preview_file(ledger, path, kwargs.pop("password", None))
    return preview, apply(ledger, preview, backup=False, **kwargs)


def test_export_then_import_into_empty_ledger_gives_identical_data(community_path, make_ledger,
                                                                   tmp_path):
    source = open_ledger(community_path)
    members.delete_member(source, source.scalar("SELECT min(id) FROM members"))
    out = tmp_path / "交换.xlsx"
    result = export_ledger(source, out)
    assert result.counts["在职党员"] == source.scalar("SELECT count(*) FROM members")
    empty = make_ledger("empty", community=None)
    preview, applied = _import(empty, out)
    assert preview.totals().invalid == 0 and not preview.conflicts
    assert sum(c.deleted for c in applied.applied.values()) >= 1
    want, got = snapshot(source), snapshot(empty)
    for table in TABLE_LABELS:
        assert got[table] == want[table], table
    assert sum(len(v) for v in want.values()) > 100
    assert empty.meta("street") == source.meta("street")
    source.close()


def test_same_file_twice_changes_nothing(community_path, make_ledger, tmp_path):
    source = open_ledger(community_path)
    out = tmp_path / "a.xlsx"
    export_ledger(source, out)
    target = make_ledger("b")
    _import(target, out)
    before = snapshot(target)
    # told from the 说明 sheet alone
    preview, applied = _import(target, out)
    assert preview.already.startswith("此文件已于") and preview.already.endswith("导入，无新变化")
    assert not preview.sheets and not applied.applied
    assert snapshot(target) == before
    # and read in full, every row is unchanged
    preview = plan(target, parse_exchange(out, ledger=target))
    totals = preview.totals()
    assert (totals.new, totals.updated, totals.conflict, totals.duplicate) == (0, 0, 0, 0)
    assert totals.unchanged == sum(len(v) for v in snapshot(source).values())  # every row
    apply(target, preview, backup=False)
    assert snapshot(target) == before
    log = merge.sync_log(target)
    assert [row["kind"] for row in log[:2]] == ["import", "import"]
    source.close()


def test_older_file_after_newer_changes_nothing(make_ledger, tmp_path):
    a, b = make_ledger("a"), make_ledger("b", community=None)
    unit = units.add_unit(a, name="衡水市第二人民医院党委", category="事业")
    export_ledger(a, tmp_path / "old.xlsx")
    units.update_unit(a, unit, contact_name="刘医生")
    export_ledger(a, tmp_path / "new.xlsx")
    _import(b, tmp_path / "new.xlsx")
    before = snapshot(b)
    preview, _ = _import(b, tmp_path / "old.xlsx")
    assert "已导入过更新的文件" in preview.already
    preview = plan(b, parse_exchange(tmp_path / "old.xlsx", ledger=b))  # read in full
    totals = preview.totals()
    assert (totals.new, totals.updated, totals.conflict) == (0, 0, 0)
    assert any("更旧" in w for w in preview.warnings)
    apply(b, preview, backup=False)
    assert snapshot(b) == before
    assert b.scalar("SELECT contact_name FROM units") == "刘医生"


def _shared_unit(make_ledger, tmp_path):
    """Office a registers a unit and office b imports it: both hold the same row."""
    a, b = make_ledger("a"), make_ledger("b", community=None)
    unit = units.add_unit(a, name="市财政局党支部", category="机关")
    export_ledger(a, tmp_path / "a1.xlsx")
    _import(b, tmp_path / "a1.xlsx")
    return a, b, unit


def test_conflict_is_reported_side_by_side_and_never_silently_resolved(make_ledger, tmp_path):
    a, b, unit = _shared_unit(make_ledger, tmp_path)
    b_unit = b.scalar("SELECT id FROM units")
    units.update_unit(a, unit, contact_name="甲")
    units.update_unit(b, b_unit, contact_name="乙")
    export_ledger(b, tmp_path / "b1.xlsx")
    preview, result = _import(a, tmp_path / "b1.xlsx")
    assert len(preview.conflicts) == 1
    conflict = preview.conflicts[0]
    column = conflict.headers.index("联系人")
    assert (conflict.mine[column], conflict.theirs[column]) == ("甲", "乙")
    assert result.unresolved == 1
    assert a.scalar("SELECT contact_name FROM units") == "甲"
    # the user picks theirs: a takes 乙, and b, importing a's next export, agrees
    _preview, result = _import(a, tmp_path / "b1.xlsx", choices={conflict.uuid: "theirs"})
    assert a.scalar("SELECT contact_name FROM units") == "乙"
    export_ledger(a, tmp_path / "a2.xlsx")
    again, _ = _import(b, tmp_path / "a2.xlsx")
    assert not again.conflicts
    assert snapshot(a)["units"] == snapshot(b)["units"]


def test_keeping_mine_against_a_newer_version_wins_everywhere(make_ledger, tmp_path):
    a, b, unit = _shared_unit(make_ledger, tmp_path)
    units.update_unit(a, unit, contact_name="甲")
    for name in ("乙", "丙", "丁"):  # b's version ends with a higher revision
        units.update_unit(b, b.scalar("SELECT id FROM units"), contact_name=name)
    export_ledger(b, tmp_path / "b1.xlsx")
    preview, _ = _import(a, tmp_path / "b1.xlsx", default="mine")
    assert preview.conflicts[0].suggested == "theirs"
    assert a.scalar("SELECT contact_name FROM units") == "甲"
    export_ledger(a, tmp_path / "a2.xlsx")
    _import(b, tmp_path / "a2.xlsx")
    assert b.scalar("SELECT contact_name FROM units") == "甲"
    assert snapshot(a)["units"] == snapshot(b)["units"]


def test_tombstone_deletes_and_an_edit_after_deletion_is_kept_and_reported(make_ledger, ids,
                                                                          tmp_path):
    a, b = make_ledger("a"), make_ledger("b", community=None)
    gone = members.add_member(a, name="张伟", id_number=ids())
    edited = members.add_member(a, name="李娜", id_number=ids())
    export_ledger(a, tmp_path / "a1.xlsx")
    _import(b, tmp_path / "a1.xlsx")
    members.delete_member(a, gone)
    members.delete_member(a, edited)
    members.update_member(b, b.scalar("SELECT id FROM members WHERE name = '李娜'"),
                          specialties="法律咨询")
    export_ledger(a, tmp_path / "a2.xlsx")
    preview, result = _import(b, tmp_path / "a2.xlsx", default=None)
    assert b.scalar("SELECT deleted FROM members WHERE name = '张伟'") == 1
    assert [c.suggested for c in preview.conflicts] == ["mine"]
    assert "删除" in preview.conflicts[0].note
    assert b.scalar("SELECT deleted FROM members WHERE name = '李娜'") == 0
    choices = {c.uuid: c.suggested for c in preview.conflicts}
    _preview, result = _import(b, tmp_path / "a2.xlsx", choices=choices)
    assert len(result.kept_after_delete) == 1 and "李娜" in result.kept_after_delete[0]
    export_ledger(b, tmp_path / "b1.xlsx")
    _import(a, tmp_path / "b1.xlsx", default=None)
    li = a.one("SELECT deleted, specialties FROM members WHERE name = '李娜'")
    assert li == {"deleted": 0, "specialties": "法律咨询"}


def test_same_id_number_under_another_uuid_is_a_possible_duplicate(make_ledger, ids, tmp_path):
    a, b = make_ledger("a"), make_ledger("b")
    number = ids()
    members.add_member(a, name="张伟", id_number=number, report_date="2026-01-05")
    members.add_member(b, name="张伟", id_number=number, report_date="2025-03-01")
    export_ledger(a, tmp_path / "a.xlsx")
    preview, result = _import(b, tmp_path / "a.xlsx")
    assert preview.totals().duplicate == 1 and len(preview.duplicates) == 1
    assert number not in preview.duplicates[0].name  # shown masked
    assert b.scalar("SELECT count(*) FROM members") == 1
    assert result.unresolved == 1
    # she keeps the newer (incoming) record: the older one leaves the live roster
    _p, result = _import(b, tmp_path / "a.xlsx", choices={preview.duplicates[0].uuid: "theirs"})
    rows = b.query("SELECT report_date, status FROM members ORDER BY report_date")
    assert rows == [{"report_date": "2025-03-01", "status": "转出"},
                    {"report_date": "2026-01-05", "status": "在册"}]


def test_formula_like_values_reopen_as_text(make_ledger, ids, tmp_path):
    a = make_ledger("a")
    values = ["=1+1", "+86 CMD", "-2+3", "@SUM(A1:A2)", "=HYPERLINK(\"http://x\")"]
    for i, text in enumerate(values):
        units.add_unit(a, name=f"单位{i}", note=text, contact_name=text)
    members.add_member(a, name="张伟", id_number=ids(), note="=cmd|' /C calc'!A0")
    out = tmp_path / "f.xlsx"
    export_ledger(a, out)
    book = openpyxl.load_workbook(out)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert {c.value for c in cells} >= set(values)
    b = make_ledger("b", community=None)
    _import(b, out)
    assert sorted(r["note"] for r in b.query("SELECT note FROM units")) == sorted(values)


def test_ids_and_phones_are_text_cells(make_ledger, ids, tmp_path):
    a = make_ledger("a")
    number = ids()
    members.add_member(a, name="张伟", id_number=number, mobile="13800138000")
    out = tmp_path / "t.xlsx"
    export_ledger(a, out)
    sheet = openpyxl.load_workbook(out)["在职党员"]
    headers = [c.value for c in sheet[1]]
    row = [c for c in sheet[2]]
    id_cell, phone_cell = row[headers.index("身份证号")], row[headers.index("手机号码")]
    assert (id_cell.value, id_cell.data_type, id_cell.number_format) == (number, "s", "@")
    assert (phone_cell.value, phone_cell.data_type) == ("13800138000", "s")
    assert sheet.freeze_panes == "A2"
    id_letter = openpyxl.utils.get_column_letter(headers.index("身份证号") + 1)
    assert sheet.column_dimensions[id_letter].width >= 18  # the whole number shows
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert '"在册,转出,注销"' in lists and '"是,否"' in lists


def test_encrypted_export_opens_only_with_its_password(make_ledger, ids, tmp_path):
    a = make_ledger("a")
    number = ids()
    members.add_member(a, name="张伟", id_number=number)
    out = tmp_path / "locked.xlsx"
    export_ledger(a, out, password="丽景2026")
    with open(out, "rb") as handle:
        assert msoffcrypto.OfficeFile(handle).is_encrypted()
    assert number.encode() not in out.read_bytes()
    with pytest.raises(zipfile.BadZipFile):  # not even a zip without the password
        openpyxl.load_workbook(out)
    b = make_ledger("b", community=None)
    with pytest.raises(PasswordRequired, match="密码"):
        preview_file(b, out)
    with pytest.raises(PasswordRequired, match="密码不正确"):
        preview_file(b, out, "wrong")
    preview, _ = _import(b, out, password="丽景2026")
    assert preview.totals().new >= 3
    assert members.find_by_id_number(b, number)["name"] == "张伟"


def test_masked_export_hides_ids_and_cannot_be_imported(make_ledger, ids, tmp_path):
    a = make_ledger("a")
    number = ids()
    members.add_member(a, name="张伟", id_number=number, mobile="13800138000")
    out = tmp_path / "masked.xlsx"
    export_ledger(a, out, mask=True)
    sheet = openpyxl.load_workbook(out)["在职党员"]
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert number not in text and "13800138000" not in text
    assert number[:6] + "********" + number[-4:] in text and "138****8000" in text
    with pytest.raises(NotAnExchangeFile, match="隐去"):
        preview_file(make_ledger("b", community=None), out)


def test_grid_subtree_export_imports_cleanly(community_path, make_ledger, tmp_path):
    source = open_ledger(community_path)
    node = source.scalar("SELECT id FROM grid_nodes WHERE level = 3 ORDER BY id LIMIT 1")
    result = export_ledger(source, tmp_path / "sub.xlsx", grid_node=node)
    assert 0 < result.counts["在职党员"] < source.scalar("SELECT count(*) FROM members")
    target = make_ledger("t", community=None)
    preview, applied = _import(target, tmp_path / "sub.xlsx")
    assert preview.totals().invalid == 0 and not applied.failed
    residences = target.query(
        "SELECT DISTINCT g.uuid FROM members m JOIN grid_nodes g ON g.id = m.residence_node_id")
    assert residences
    assert target.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    source.close()


def test_failed_verification_leaves_no_file(make_ledger, tmp_path, monkeypatch):
    a = make_ledger("a")
    out = tmp_path / "usb" / "x.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"previous good export")

    def broken(*_args, **_kwargs):
        raise ExportVerifyError("读回不一致")

    monkeypatch.setattr(export_mod, "_verify", broken)
    with pytest.raises(ExportVerifyError):
        export_ledger(a, out)
    assert out.read_bytes() == b"previous good export"
    assert list(out.parent.iterdir()) == [out]


def test_import_takes_a_backup_first(make_ledger, tmp_path, monkeypatch):
    monkeypatch.setenv("BAODAO_HOME", str(tmp_path / "home"))
    a, b = make_ledger("a"), make_ledger("b")
    units.add_unit(a, name="市财政局党支部")
    export_ledger(a, tmp_path / "a.xlsx")
    preview = preview_file(b, tmp_path / "a.xlsx")
    result = apply(b, preview.source)
    with open_ledger(result.backup) as copy:
        assert copy.scalar("SELECT count(*) FROM units") == 0
    assert b.scalar("SELECT count(*) FROM units") == 1


def test_a_stale_preview_is_planned_again_before_applying(make_ledger, tmp_path):
    a, b, unit = _shared_unit(make_ledger, tmp_path)
    units.update_unit(a, unit, contact_name="甲")
    export_ledger(a, tmp_path / "a2.xlsx")
    preview = preview_file(b, tmp_path / "a2.xlsx")
    assert preview.totals().updated == 1 and not preview.conflicts
    # the secretary edits the same unit while the preview dialog is open
    units.update_unit(b, b.scalar("SELECT id FROM units"), contact_name="乙")
    result = apply(b, preview, backup=False)
    assert result.unresolved == 1 and len(result.preview.conflicts) == 1
    assert b.scalar("SELECT contact_name FROM units") == "乙"


def test_street_merges_its_communities_under_one_street_node(make_ledger, ids, tmp_path):
    street = make_ledger("street", community=None)
    settings.initialise(street, "河东街道", None)  # a street office ledger: the root only
    for name in ("丽景社区", "杨树社区"):
        office = make_ledger(name, community=name)
        members.add_member(office, name=f"{name}党员", id_number=ids())
        export_ledger(office, tmp_path / f"{name}.xlsx")
        preview, _ = _import(street, tmp_path / f"{name}.xlsx")
        assert any("视为同一个" in w for w in preview.warnings)
    roots = street.query("SELECT id FROM grid_nodes WHERE level = 1 AND deleted = 0")
    assert len(roots) == 1
    communities = street.query("SELECT name, parent_id FROM grid_nodes WHERE level = 2")
    assert sorted(c["name"] for c in communities) == sorted(["丽景社区", "杨树社区"])
    assert {c["parent_id"] for c in communities} == {roots[0]["id"]}
    assert street.scalar("SELECT count(*) FROM members") == 2
    # and importing the same files again changes nothing
    again, _ = _import(street, tmp_path / "丽景社区.xlsx")
    assert (again.totals().new, again.totals().updated) == (0, 0)


def test_conflict_view_names_references(ledger, make_ledger, tmp_path):
    from db import grid

    b = make_ledger("b", community=None)
    unit = units.add_unit(ledger, name="市财政局党支部")
    export_ledger(ledger, tmp_path / "a1.xlsx")
    _import(b, tmp_path / "a1.xlsx")
    units.update_unit(ledger, unit, paired_node_id=ledger.nodes["杨树小区"])
    node = b.scalar("SELECT id FROM grid_nodes WHERE name = '3号楼'")
    units.update_unit(b, b.scalar("SELECT id FROM units"), contact_name="乙")
    grid.update_node(b, node, leader_name="王五")
    export_ledger(ledger, tmp_path / "a2.xlsx")
    preview, _ = _import(b, tmp_path / "a2.xlsx")
    conflict = next(c for c in preview.conflicts if c.table == "units")
    column = conflict.headers.index("包联小区")
    assert (conflict.mine[column], conflict.theirs[column]) == ("", "杨树小区")


def test_backup_before_import_goes_to_the_app_folder_encrypted_like_the_ledger(
        make_ledger, tmp_path, app_home):
    from db import crypto

    a = make_ledger("a")
    units.add_unit(a, name="市财政局党支部")
    export_ledger(a, tmp_path / "a.xlsx")
    locked = open_ledger(tmp_path / "locked.db", password="丽景2026")
    settings.initialise(locked, "河东街道", "杨树社区")
    preview = preview_file(locked, tmp_path / "a.xlsx")
    result = apply(locked, preview)
    backup = result.backup
    assert backup.startswith(str(app_home / "备份")) and "导入前" in backup
    assert crypto.looks_encrypted(backup)  # never a plain copy of an encrypted ledger
    with open_ledger(backup, create=False, password="丽景2026") as copy:
        assert copy.scalar("SELECT count(*) FROM units") == 0
    assert locked.scalar("SELECT count(*) FROM units") == 1
    locked.close()


def test_a_half_written_export_left_on_the_stick_is_removed_by_the_next(make_ledger, tmp_path):
    import os
    import time

    a = make_ledger("a")
    stick = tmp_path / "usb"
    stick.mkdir()
    old = stick / ".~报到台账abc.xlsx.part"
    old.write_bytes(b"PK\x03\x04half")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    export_ledger(a, stick / "报到台账.xlsx")
    assert sorted(p.name for p in stick.iterdir()) == ["报到台账.xlsx"]
