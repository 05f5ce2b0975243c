"""Counts and health checks of a ledger (`baodao check`)."""

from __future__ import annotations

import re

from . import gridcheck
from .ledger import Ledger
from .members import LABELS as MEMBER_LABELS
from .records import SYNCED_TABLES, TABLE_LABELS

# What openpyxl refuses to write (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE): one such character
# in any cell makes every export fail. db does not import openpyxl; a test keeps the two equal.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
MAX_LINES = 50  # of each kind: a damaged ledger is not described cell by cell
# Column names as the secretary knows them (desktop.sync.schema has the full list; db cannot
# import it). Columns not listed are shown by their name.
COLUMN_LABELS = {
    "name": "名称", "title": "标题", "content": "内容", "detail": "内容", "note": "备注",
    "code": "编码", "leader_name": "负责人", "leader_phone": "负责人电话",
    "branch_name": "临时党支部", "contact_name": "联系人", "contact_phone": "联系电话",
    "agreement_content": "协议内容", "requirement": "技能要求", "description": "岗位说明",
    "requester_name": "点单人", "requester_phone": "点单人电话", "requester_address": "点单人住址",
    "result": "办理结果", "rating_comment": "评价意见", "cancel_reason": "取消原因",
    "place": "地点", "verifier": "审核人", "topics": "议题", "minutes": "会议纪要",
    "attendee_name": "参会人", "reason": "事由", "comment": "评语", "evaluator": "评价人",
    "suggested_reason": "建议依据", "office": "修改单位", "updated_at": "更新时间",
    "created_at": "创建时间",
}


def counts(ledger: Ledger) -> dict[str, int]:
    """Live rows per record kind, keyed by the Chinese label."""
    out = {}
    for table, label in TABLE_LABELS.items():
        out[label] = int(ledger.scalar(f"SELECT count(*) FROM {table} WHERE deleted = 0"))
    out["在册党员"] = int(ledger.scalar(
        "SELECT count(*) FROM members WHERE deleted = 0 AND status = '在册'"))
    return out


def problems(ledger: Ledger, full: bool = True) -> list[str]:
    """Empty when the file is sound; otherwise one Chinese line per problem found.

    Both checks look at the file and at what would hang the program (a grid whose parent
    links go round in a circle). The full one also looks at grid levels and at every text
    cell for characters no workbook can hold (~0.7 s on a city ledger): the quick one runs at
    every opening, where a problem found means "the file may be damaged, restore a backup?"
    and no daily backup, which a stray character in one note should not cause."""
    found: list[str] = []
    pragma = "integrity_check" if full else "quick_check"
    rows = [r[0] for r in ledger.conn.execute(f"PRAGMA {pragma}").fetchall()]
    if rows != ["ok"]:
        found += [f"数据库完整性检查：{r}" for r in rows[:20]]
    for table, rowid, parent, _fk in ledger.conn.execute("PRAGMA foreign_key_check").fetchall()[:50]:
        label = TABLE_LABELS.get(table, table)
        found.append(f"{label}（行号{rowid}）引用的{TABLE_LABELS.get(parent, parent)}不存在")
    if not rows or rows == ["ok"]:
        from .audit import verify

        found += verify(ledger)
        found += _user_problems(ledger)
        found += grid_problems(ledger, levels=full)
        if full:
            found += unwritable_text(ledger)
    return found


def _user_problems(ledger: Ledger) -> list[str]:
    """Users whose role, grid or state was edited in the file (checked with the 书记 key)."""
    from . import access, keys, vault

    held = keys.held(ledger.path)
    if held is None or not access.is_secretary(ledger) or not vault.is_root(ledger, held):
        return []
    return [f"用户“{name}”的角色、负责网格或状态在台账文件中被改动过（不是书记在程序里改的），"
            "请核对后重新设置该用户" for name in vault.tampered_users(ledger, held)]


def grid_problems(ledger: Ledger, levels: bool = True) -> list[str]:
    """Cycles in the grid's parent links (deleted nodes too: a path is built through them),
    and (with levels) live nodes whose level is not their parent's plus one."""
    nodes = {row[0]: row[1:] for row in ledger.conn.execute(
        "SELECT id, parent_id, level, name, deleted FROM main.grid_nodes")}
    parents = {node: parent for node, (parent, *_rest) in nodes.items()}
    found: list[str] = []
    cycles = gridcheck.cycles(parents)
    for cycle in cycles[:MAX_LINES]:
        names = [f"“{nodes[n][2]}”（编号{n}）" for n in cycle]
        if len(cycle) == 1:
            what = f"网格{names[0]}的上级是它自己"
        else:
            what = "网格的上级关系绕成了循环：" + " → ".join([*names, names[0]])
        found.append(f"{what}，打印名片、通知单和统计达标时会卡住，请在网格管理中重新指定上级")
    in_cycle = {n for cycle in cycles for n in cycle} | gridcheck.below_cycles(parents, cycles)
    wrong = 0
    for node, (parent, level, name, deleted) in nodes.items():
        if not levels or deleted or node in in_cycle:
            continue
        parent_level = nodes[parent][1] if parent in nodes else None
        reason = gridcheck.level_reason(level, parent_level, parent is not None)
        if reason:
            wrong += 1
            if wrong <= MAX_LINES:
                found.append(f"网格“{name}”（编号{node}）的层级不对：{reason}")
    if wrong > MAX_LINES:
        found.append(f"另有{wrong - MAX_LINES}个网格的层级不对")
    return found


def _text_columns(ledger: Ledger, table: str) -> list[tuple[str, bool]]:
    """(name, may be NULL) of each column declared neither INTEGER nor REAL."""
    return [(row[1], not row[3]) for row in ledger.conn.execute(
        f"PRAGMA main.table_info({table})")
        if "INT" not in (row[2] or "").upper() and "REAL" not in (row[2] or "").upper()]


def _unwritable(text: object) -> bool:
    return isinstance(text, str) and ILLEGAL_CHARACTERS_RE.search(text) is not None


def unwritable_text(ledger: Ledger) -> list[str]:
    """Text cells no workbook can hold, by table, row and column: while one is in the ledger,
    every export stops with an error. One pass over each synced table; only the rows holding
    such a character come back to be looked at column by column."""
    found: list[str] = []
    extra = 0
    # One call per row on all its text joined: the regex runs in C, and faster than GLOB.
    ledger.conn.create_function("baodao_unwritable", 1, _unwritable)
    for table in SYNCED_TABLES:
        text = _text_columns(ledger, table)
        if not text:
            continue
        columns = [name for name, _nullable in text]
        # One string per row (coalesce: one NULL would make the whole of it NULL).
        joined = " || ".join(f"coalesce([{c}], '')" if nullable else f"[{c}]" for c, nullable in text)
        sql = (f"SELECT id, {', '.join(f'[{c}]' for c in columns)} FROM main.{table} "
               f"WHERE baodao_unwritable({joined})")
        label = TABLE_LABELS[table]
        for row_id, *values in ledger.conn.execute(sql):
            for column, value in zip(columns, values, strict=True):
                bad = ILLEGAL_CHARACTERS_RE.findall(value) if isinstance(value, str) else []
                if not bad:
                    continue
                if len(found) >= MAX_LINES:
                    extra += 1
                    continue
                codes = "、".join(f"U+{ord(c):04X}" for c in dict.fromkeys(bad))
                header = (MEMBER_LABELS if table == "members" else {}).get(column) \
                    or COLUMN_LABELS.get(column, column)
                found.append(f"{label}（编号{row_id}）的“{header}”含有不可见的控制字符"
                             f"（{codes}），Excel无法保存，导出会失败，请修改这一项")
    for key, value in ledger.conn.execute("SELECT key, value FROM main.meta"):
        bad = ILLEGAL_CHARACTERS_RE.findall(value) if isinstance(value, str) else []
        if bad:  # the office's names go into every exported file too
            codes = "、".join(f"U+{ord(c):04X}" for c in dict.fromkeys(bad))
            found.append(f"台账信息“{key}”含有不可见的控制字符（{codes}），Excel无法保存，导出会失败")
    if extra:
        found.append(f"另有{extra}处文字含有Excel无法保存的控制字符")
    return found

