"""Per-office versions: a change both offices made since they last saw each other's is always
a conflict; files for an office carry only what it has not acknowledged; lost files, replays
and a late office never lose an edit."""

from __future__ import annotations

import itertools
import random

import openpyxl
import pytest

from db import grid, members, merge, open_ledger, settings, units
from db.errors import LedgerError, NotFoundError
from desktop.sync.apply import apply, preview_file
from desktop.sync.export import export_ledger, pending_changes, scope_for
from tests.conftest import make_id
from tests.sync.conftest import snapshot


def _import(ledger, path, default=None):
    preview = preview_file(ledger, path)
    return preview, apply(ledger, preview, default=default, backup=False)


def _rows(path, sheet):
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return sum(1 for _ in book[sheet].iter_rows(min_row=2, values_only=True))
    finally:
        book.close()


def _member_office(tmp_path, name):
    led = open_ledger(tmp_path / f"{name}.db")
    settings.initialise(led, "河东街道", "丽景社区")
    return led


def _sharing_a_unit(tmp_path, name="市财政局党支部"):
    """Office a registers a unit, office b imports a's first file: both hold the same row."""
    a = _member_office(tmp_path, "a")
    b = open_ledger(tmp_path / "b.db")
    unit = units.add_unit(a, name=name)
    export_ledger(a, tmp_path / "a0.xlsx")
    _import(b, tmp_path / "a0.xlsx")
    return a, b, unit


def _edit_reaches_as_update(a, b, unit, contact, path):
    """A changes the unit's contact; its next file reaches B as one update, no conflict."""
    units.update_unit(a, unit, contact_name=contact)
    export_ledger(a, path)
    preview, _ = _import(b, path)
    assert (preview.totals().updated, preview.totals().conflict) == (1, 0)
    assert b.scalar("SELECT contact_name FROM units") == contact


def test_both_offices_editing_one_member_is_a_conflict_at_both(tmp_path):
    """The minimal case: A exports to B; both change 职务 of one member; each exports. Each
    import shows the conflict side by side; neither edit is gone."""
    a = _member_office(tmp_path, "a")
    b = open_ledger(tmp_path / "b.db")
    member = members.add_member(a, name="王芳", id_number=make_id(), position="原职务")
    export_ledger(a, tmp_path / "a0.xlsx")
    _import(b, tmp_path / "a0.xlsx")
    b_id = b.scalar("SELECT id FROM members")
    members.update_member(a, member, position="A改")
    members.update_member(b, b_id, position="B改")
    export_ledger(a, tmp_path / "a1.xlsx")
    export_ledger(b, tmp_path / "b1.xlsx")

    preview_a, result_a = _import(a, tmp_path / "b1.xlsx")
    preview_b, result_b = _import(b, tmp_path / "a1.xlsx")
    for preview, mine, theirs in ((preview_a, "A改", "B改"), (preview_b, "B改", "A改")):
        totals = preview.totals()
        assert (totals.conflict, totals.updated) == (1, 0)
        (conflict,) = preview.conflicts
        at = conflict.headers.index("职务")
        assert (conflict.mine[at], conflict.theirs[at]) == (mine, theirs)
    # unresolved: each office keeps its own edit, and says so
    assert result_a.unresolved == result_b.unresolved == 1
    assert a.scalar("SELECT position FROM members") == "A改"
    assert b.scalar("SELECT position FROM members") == "B改"

    # A keeps B's edit; B takes A's settled version quietly, not as a new conflict
    apply(a, preview_file(a, tmp_path / "b1.xlsx"), choices={conflict.uuid: "theirs"},
          backup=False)
    export_ledger(a, tmp_path / "a2.xlsx", for_office=b.office)
    preview, _ = _import(b, tmp_path / "a2.xlsx")
    assert (preview.totals().updated, preview.totals().conflict) == (0, 0)
    assert b.scalar("SELECT vv FROM members") == a.scalar("SELECT vv FROM members")
    assert a.scalar("SELECT position FROM members") == b.scalar("SELECT position FROM members") \
        == "B改"
    a.close()
    b.close()


def test_a_later_edit_after_an_exchange_is_an_update_not_a_conflict(tmp_path):
    a, b, unit = _sharing_a_unit(tmp_path, "市财政局党支部")
    units.update_unit(b, b.scalar("SELECT id FROM units"), contact_name="B的联系人")
    export_ledger(b, tmp_path / "b1.xlsx")
    _import(a, tmp_path / "b1.xlsx")  # A now has B's edit ...
    # ... and edits after it
    _edit_reaches_as_update(a, b, unit, "A在看到B之后改", tmp_path / "a1.xlsx")
    a.close()
    b.close()


def test_the_same_edit_at_both_offices_is_not_a_conflict(tmp_path):
    a, b, _unit = _sharing_a_unit(tmp_path, "市财政局党支部")
    units.update_unit(a, a.scalar("SELECT id FROM units"), contact_name="同一个人")
    units.update_unit(b, b.scalar("SELECT id FROM units"), contact_name="同一个人")
    export_ledger(a, tmp_path / "a1.xlsx")
    preview, _ = _import(b, tmp_path / "a1.xlsx")
    assert (preview.totals().conflict, preview.totals().same_change) == (0, 1)
    export_ledger(b, tmp_path / "b1.xlsx")
    preview, _ = _import(a, tmp_path / "b1.xlsx")
    assert preview.totals().conflict == 0
    assert snapshot(a)["units"] == snapshot(b)["units"]
    a.close()
    b.close()


def test_files_for_an_office_carry_only_what_it_has_not_acknowledged(tmp_path):
    a = _member_office(tmp_path, "a")
    b = open_ledger(tmp_path / "b.db")
    for i in range(30):
        units.add_unit(a, name=f"单位{i}")
    export_ledger(a, tmp_path / "a0.xlsx")
    _import(b, tmp_path / "a0.xlsx")
    # B has not said anything yet: A knows nothing of B, so a file "for B" is refused by name
    with pytest.raises(NotFoundError, match="还没有导入过它的文件"):
        scope_for(a, "不存在的社区")
    # B's own file acknowledges what it holds of A
    export_ledger(b, tmp_path / "b0.xlsx")
    _import(a, tmp_path / "b0.xlsx")
    assert merge.peer(a, b.office)["acked_seq"] == merge.clock(a)

    ids = [r[0] for r in a.conn.execute("SELECT id FROM units ORDER BY id")]
    for unit in ids[:3]:
        units.update_unit(a, unit, contact_name="改过")
    scope = scope_for(a, b.office)
    assert scope.incremental and pending_changes(a, scope) == 3
    export_ledger(a, tmp_path / "lost.xlsx", for_office=b.office)
    assert _rows(tmp_path / "lost.xlsx", "报到单位") == 3
    # that file is lost; A changes two more; the next file carries all five
    for unit in ids[3:5]:
        units.update_unit(a, unit, contact_name="又改")
    result = export_ledger(a, tmp_path / "a2.xlsx", for_office=b.office)
    assert result.incremental and result.counts["报到单位"] == 5
    preview, _ = _import(b, tmp_path / "a2.xlsx")
    assert preview.totals().updated == 5
    assert snapshot(a)["units"] == snapshot(b)["units"]
    # the lost file turning up later changes nothing
    before = snapshot(b)
    preview, _ = _import(b, tmp_path / "lost.xlsx")
    assert preview.already
    assert snapshot(b) == before
    # B acknowledges: the next file for B is empty, and one asked for in full has everything
    export_ledger(b, tmp_path / "b1.xlsx")
    _import(a, tmp_path / "b1.xlsx")
    assert pending_changes(a, scope_for(a, b.office)) == 0
    full = export_ledger(a, tmp_path / "full.xlsx", for_office=b.office, full=True)
    assert not full.incremental and full.counts["报到单位"] == 30
    a.close()
    b.close()


def test_what_came_from_an_office_is_not_sent_back_to_it(tmp_path):
    a, b, _unit = _sharing_a_unit(tmp_path, "甲单位")
    export_ledger(b, tmp_path / "b0.xlsx")
    _import(a, tmp_path / "b0.xlsx")
    units.add_unit(b, name="乙单位")
    export_ledger(b, tmp_path / "b1.xlsx", for_office=a.office)
    _import(a, tmp_path / "b1.xlsx")
    # A's file for B holds neither B's unit (B has it) nor A's own old one (B acknowledged it)
    result = export_ledger(a, tmp_path / "a1.xlsx", for_office=b.office)
    assert result.counts["报到单位"] == 0
    a.close()
    b.close()


def test_a_street_file_for_a_community_holds_that_community_only(tmp_path, ids):
    offices = []
    for name, compound in (("丽景社区", "杨树小区"), ("杨树社区", "柳树小区")):
        led = open_ledger(tmp_path / f"{name}.db")
        community = settings.initialise(led, "河东街道", name)
        node = grid.add_node(led, community, compound)
        building = grid.add_node(led, node, "1号楼")
        for i in range(3):
            members.add_member(led, name=f"{name}党员{i}", id_number=ids(),
                               residence_node_id=building)
        offices.append(led)
    street = open_ledger(tmp_path / "street.db")
    settings.initialise(street, "河东街道", None)
    for led in offices:
        export_ledger(led, tmp_path / f"{led.office}.xlsx")
        _import(street, tmp_path / f"{led.office}.xlsx")
    assert street.scalar("SELECT count(*) FROM members") == 6
    # meanwhile 丽景社区 goes on working
    lijing = offices[0]
    first = lijing.scalar("SELECT id FROM members ORDER BY id LIMIT 1")
    members.update_member(lijing, first, position="社区里刚改的职务")
    result = export_ledger(street, tmp_path / "for-lijing.xlsx", for_office="丽景社区")
    assert result.counts["在职党员"] == 3
    book = openpyxl.load_workbook(tmp_path / "for-lijing.xlsx", read_only=True)
    names = {row[0] for row in book["在职党员"].iter_rows(min_row=2, values_only=True)}
    readme = {r[0]: r[1] for r in book["说明"].iter_rows(min_row=2, values_only=True)}
    book.close()
    assert all("丽景社区" in str(n) for n in names) and names
    assert readme["导出范围"] == "社区“丽景社区”的部分"
    # the community imports it without learning anything of the other community, and what it
    # entered meanwhile is kept
    preview, result = _import(lijing, tmp_path / "for-lijing.xlsx")
    assert lijing.scalar("SELECT position FROM members WHERE id = ?", (first,)) == "社区里刚改的职务"
    assert preview.totals().conflict == 0
    assert lijing.scalar("SELECT count(*) FROM members WHERE name LIKE '杨树社区%'") == 0
    assert result.unresolved == 0 and preview.totals().invalid == 0
    for led in [*offices, street]:
        led.close()


# -- many offices, random orders, lost files, replays, a late office ---------------------------

def _state(office, uuid):
    row = office.one("SELECT contact_name, deleted FROM units WHERE uuid = ?", (uuid,))
    if row is None:
        return None
    return f"DEL({row['contact_name']})" if row["deleted"] else row["contact_name"]


def _shown_tokens(preview):
    shown = set()
    for conflict in preview.conflicts:
        name_at = conflict.headers.index("联系人")
        deleted_at = conflict.headers.index("已删除")
        for side in (conflict.mine, conflict.theirs):
            shown.add(f"DEL({side[name_at]})" if side[deleted_at] == "是" else side[name_at])
    return shown


@pytest.mark.parametrize("seed", range(6))
def test_four_offices_lose_no_edit_and_converge(tmp_path, seed):
    rng = random.Random(seed)
    counter = itertools.count()
    offices = [open_ledger(tmp_path / f"o{i}.db") for i in range(4)]
    settings.initialise(offices[0], "河东街道", "丽景社区")
    joined = [True, True, True, False]  # the fourth office joins late
    files: list = []  # every file written: (office index, path)
    parent: dict[str, set] = {}  # edit token -> the values its editors saw before it
    shown: set[str] = set()
    same_changes = conflicts = 0

    def export(i, j, full=False):
        path = tmp_path / f"f{next(counter)}.xlsx"
        known = merge.peer(offices[i], offices[j].office) is not None
        export_ledger(offices[i], path, for_office=offices[j].office if known else None,
                      full=full)
        files.append((i, path))
        return path

    def receive(j, path):
        nonlocal same_changes, conflicts
        preview = preview_file(offices[j], path)
        shown.update(_shown_tokens(preview))
        conflicts += len(preview.conflicts)
        same_changes += preview.totals().same_change
        apply(offices[j], preview, default="suggested", backup=False)

    for i in range(5):
        units.add_unit(offices[0], name=f"单位{i}", contact_name=f"初始{i}")
    for j in (1, 2):
        receive(j, export(0, j))
    for step in range(40):
        if step == 20:
            joined[3] = True
            receive(3, export(rng.choice([0, 1, 2]), 3, full=True))
        active = [i for i in range(4) if joined[i]]
        who = rng.choice(active)
        office = offices[who]
        live = [r[0] for r in office.conn.execute(
            "SELECT uuid FROM units WHERE deleted = 0 ORDER BY uuid")]
        roll = rng.random()
        try:
            if roll < 0.45 and live:
                uuid = rng.choice(live)
                before = _state(office, uuid)
                # now and then the very value another office may also type
                token = rng.choice(["同一值", f"{who}-{next(counter)}", f"{who}-{next(counter)}"])
                parent.setdefault(token, set()).add(before)
                units.update_unit(office, office.scalar(
                    "SELECT id FROM units WHERE uuid = ?", (uuid,)), contact_name=token)
            elif roll < 0.52 and live:
                uuid = rng.choice(live)
                before = _state(office, uuid)
                units.delete_unit(office, office.scalar("SELECT id FROM units WHERE uuid = ?",
                                                        (uuid,)))
                parent.setdefault(f"DEL({before})", set()).add(before)
            elif roll < 0.85:
                target = rng.choice([i for i in active if i != who])
                receive(target, export(who, target))
            elif roll < 0.93:
                export(who, rng.choice([i for i in active if i != who]))  # lost on the way
            elif files:
                source, path = rng.choice(files)  # an old file turns up again
                target = rng.choice([i for i in active if i != source])
                receive(target, path)
        except LedgerError:
            pass  # refused by the ledger (a name clash): the edit did not happen
    for _round in range(3):  # at last everyone gets everyone's files
        for i in range(4):
            for j in range(4):
                if i != j:
                    receive(j, export(i, j))
    views = [snapshot(o)["units"] for o in offices]
    assert views[0] == views[1] == views[2] == views[3] and views[0]
    # every edit is still there, or was seen by the edit that replaced it, or was shown in a
    # conflict: none was settled silently
    explained: set[str] = set()
    todo = [_state(offices[0], u) for u in views[0]] + list(shown)
    while todo:
        token = todo.pop()
        if token is None or token in explained:
            continue
        explained.add(token)
        todo.extend(parent.get(token, ()))
    lost = [t for t in parent if t not in explained]
    assert not lost, f"edits lost silently: {lost}"
    print(f"seed {seed}: {len(parent)} edits, {conflicts} conflicts shown, "
          f"{same_changes} identical on both sides, {len(files)} files")
    for office in offices:
        office.close()


def test_a_cancelled_import_writes_nothing(community_path, tmp_path):
    from desktop.sync.apply import ImportCancelled

    source = open_ledger(community_path)
    export_ledger(source, tmp_path / "a.xlsx")
    source.close()
    target = open_ledger(tmp_path / "t.db")
    preview = preview_file(target, tmp_path / "a.xlsx")
    asked = itertools.count()
    with pytest.raises(ImportCancelled):
        apply(target, preview, backup=False, cancelled=lambda: next(asked) > 3)
    assert target.scalar("SELECT count(*) FROM members") == 0
    assert target.scalar("SELECT count(*) FROM grid_nodes") == 0
    assert target.scalar("SELECT count(*) FROM sync_log") == 0
    assert target.scalar("SELECT count(*) FROM sync_peers") == 0
    target.close()


def _as_format_1(path):
    """The same file as the previous version wrote it: no vectors, no sequence numbers."""
    book = openpyxl.load_workbook(path)
    readme = book["说明"]
    for row in range(readme.max_row, 1, -1):
        key = readme.cell(row=row, column=1).value
        if key == "格式版本":
            readme.cell(row=row, column=2).value = 1
        elif key in ("导出方式", "接收单位", "接收单位UUID", "起始序号", "截止序号", "已收到序号"):
            readme.delete_rows(row)
    for sheet in book.worksheets[1:]:
        headers = [c.value for c in sheet[1]]
        sheet.delete_cols(headers.index("版本向量") + 1)
    book.save(path)


def test_a_file_from_the_previous_version_still_imports(tmp_path):
    a = _member_office(tmp_path, "a")
    b = open_ledger(tmp_path / "b.db")
    unit = units.add_unit(a, name="市财政局党支部")
    members.add_member(a, name="王芳", id_number=make_id())
    export_ledger(a, tmp_path / "old.xlsx")
    _as_format_1(tmp_path / "old.xlsx")
    preview, result = _import(b, tmp_path / "old.xlsx")
    assert preview.totals().invalid == 0 and preview.totals().new > 0 and not result.failed
    assert any("旧版程序" in w for w in preview.warnings)
    assert b.scalar("SELECT count(*) FROM members") == 1
    # a later edit at A then reaches B as an update, as from any file of the new version
    _edit_reaches_as_update(a, b, unit, "刘", tmp_path / "new.xlsx")
    a.close()
    b.close()
