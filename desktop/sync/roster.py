"""Foreign member rosters (在职党员花名册) made in Excel, WPS or LibreOffice.

Title rows, 填报 lines, merged cells, blank rows and columns in any order: the header row is
found by counting cells that name a known field (by Chinese synonyms), the user can correct
the mapping and it is remembered. Members are matched by 身份证号 only; a blank cell never
erases a value already in the ledger."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db import access, members, merge, settings
from db.errors import DuplicateMemberError, ValidationError
from db.ledger import Ledger
from db.validate import nfkc, parse_id_number

from .cell_limit import long_cells
from .exchange import Issue
from .reader import FileRejected, read_workbook

SETTING_KEY = "roster_column_mapping"
HEADER_SCAN_ROWS = 30

FIELD_LABELS = {
    "name": "姓名", "gender": "性别", "ethnicity": "民族", "id_number": "身份证号",
    "birth_date": "出生日期", "mobile": "手机号码", "work_unit_name": "工作单位",
    "position": "职务", "branch": "所在党支部", "join_date": "入党日期",
    "report_date": "报到日期", "compound": "居住小区", "building": "楼栋", "unit_no": "单元",
    "room": "门牌号", "specialties": "特长", "household_name": "联系户姓名",
    "household_address": "联系户住址", "household_phone": "联系户电话",
    "household_reason": "联系户类别", "note": "备注",
}
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名", "名字", "在职党员姓名"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证",
                  "证件号码", "身份证件号码", "身份号码"),
    "birth_date": ("出生日期", "出生年月", "出生年月日"),
    "mobile": ("联系电话", "手机号码", "手机", "手机号", "电话", "联系方式", "移动电话",
               "电话号码", "本人电话"),
    "work_unit_name": ("工作单位", "单位", "所在单位", "单位名称", "工作单位名称", "报到单位"),
    "position": ("职务", "职务职称", "职位", "职称"),
    "branch": ("所在党支部", "党支部", "所在支部", "所属党支部", "所在党组织", "党组织"),
    "join_date": ("入党日期", "入党时间", "入党年月"),
    "report_date": ("报到日期", "报到时间", "进社区报到时间", "报到日"),
    "compound": ("居住小区", "小区", "小区名称", "所在小区", "居住小区名称"),
    "building": ("楼栋", "楼号", "楼院", "楼栋号", "楼", "栋", "楼宇"),
    "unit_no": ("单元", "单元号"),
    "room": ("门牌号", "房号", "房间号", "室", "户号", "门牌", "房间"),
    "specialties": ("特长", "专长", "个人特长", "技能特长"),
    "household_name": ("联系户", "联系户姓名", "一联一帮对象", "帮扶对象"),
    "household_address": ("联系户住址", "联系户地址"),
    "household_phone": ("联系户电话",),
    "household_reason": ("联系户类别", "帮扶原因", "困难类别", "联系户类型"),
    "note": ("备注",),
}
REQUIRED = ("name", "id_number")
_BY_SYNONYM = {syn: f for f, syns in SYNONYMS.items() for syn in syns}
_NOISE = re.compile(r"[\s*＊:：()（）\[\]【】]|必填|选填")


def normalise_header(value: Any) -> str:
    text = nfkc(str(value or ""))
    text = re.sub(r"（.*?）|\(.*?\)", lambda m: "" if "必填" in m.group(0) or
                  "选填" in m.group(0) or "格式" in m.group(0) else m.group(0), text)
    return _NOISE.sub("", text)


def field_for(header: Any) -> str | None:
    text = normalise_header(header)
    if not text:
        return None
    if text in _BY_SYNONYM:
        return _BY_SYNONYM[text]
    if text in FIELD_LABELS.values():
        return next(f for f, label in FIELD_LABELS.items() if label == text)
    return None


def field_from_text(text: str) -> str | None:
    """A field named by its label, its English name or a synonym; 不导入 means none."""
    if text in ("", "不导入", "none", "-"):
        return None
    if text in FIELD_LABELS:
        return text
    found = field_for(text)
    if found is None:
        raise ValidationError("mapping", "列对应", f"不认识的字段“{text}”")
    return found


@dataclass
class Roster:
    path: str
    sheet: str
    header_row: int  # Excel row number of the (last) header row
    headers: list[str]  # per column, '' where none
    rows: list[tuple[int, list[Any]]]  # (Excel row, cells)
    notes: list[str] = field(default_factory=list)


def _score(row: list[Any]) -> int:
    return len({field_for(v) for v in row if field_for(v)})


def _fill_merged(rows: list[list[Any]], merged: list[tuple[int, int, int, int]],
                 first_data: int) -> None:
    """Cells inside a merged range carry the top-left value (below the header only)."""
    for r0, c0, r1, c1 in merged:
        if r1 < first_data or r0 >= len(rows) or (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(max(r0, first_data), min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value


def read_roster(path: str | Path, password: str | None = None,
                sheet: str | None = None) -> Roster:
    sheets = read_workbook(path, password)
    if sheet:
        sheets = [s for s in sheets if s.name == sheet]
        if not sheets:
            raise FileRejected(f"文件中没有名为“{sheet}”的工作表")
    best = None
    for candidate in sheets:
        for index, row in enumerate(candidate.rows[:HEADER_SCAN_ROWS]):
            score = _score(row)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, candidate, index)
    if best is None:
        # Nothing we recognise: take the first row of several text cells as the header and
        # let the user map its columns.
        for candidate in sheets:
            for index, row in enumerate(candidate.rows[:HEADER_SCAN_ROWS]):
                texts = [v for v in row if isinstance(v, str) and v.strip()]
                if len(texts) >= 2 and len(texts) == len([v for v in row if v not in (None, "")]):
                    best = (0, candidate, index)
                    break
            if best:
                break
    if best is None:
        raise FileRejected("在前30行里没有找到表头（应有“姓名”“身份证号”等列名），"
                           "请检查文件或使用空白模板", sheets[0].name if sheets else "")
    _score_, chosen, index = best
    rows = chosen.rows
    headers = [normalise_header(v) for v in rows[index]]
    header_row = index
    # A two-row header (e.g. 居住地址 over 小区/楼栋/单元): take the sub-headers that name a
    # field where the upper row names none.
    if index + 1 < len(rows):
        below = rows[index + 1]
        if _score(below) >= 1 and not any(isinstance(v, float) for v in below):
            used = False
            for col, value in enumerate(below):
                if field_for(value) and (col >= len(headers) or not field_for(headers[col])):
                    while len(headers) <= col:
                        headers.append("")
                    headers[col] = normalise_header(value)
                    used = True
            if used:
                header_row = index + 1
    _fill_merged(rows, chosen.merged, header_row + 1)
    data = [(n + 1, r) for n, r in enumerate(rows) if n > header_row]
    result = Roster(str(path), chosen.name, header_row + 1, headers, data)
    fields = [field_for(h) for h in headers]
    for need in REQUIRED:
        if need not in fields:
            result.notes.append(f"没有找到“{FIELD_LABELS[need]}”列，请在列对应中指定")
    return result


def remembered(ledger: Ledger) -> dict[str, str | None]:
    value = settings.get_setting(ledger, SETTING_KEY)
    return dict(value) if isinstance(value, dict) else {}


def remember(ledger: Ledger, mapping: dict[str, str | None]) -> None:
    known = remembered(ledger)
    known.update({h: f for h, f in mapping.items() if h})
    settings.set_setting(ledger, SETTING_KEY, known)


def guess_mapping(headers: list[str], known: dict[str, str | None] | None = None
                  ) -> dict[str, str | None]:
    """Header text -> field (or None: not imported). Each field is taken by one column only."""
    known = known or {}
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for header in headers:
        if not header or header in out:
            continue
        target = known[header] if header in known else field_for(header)
        if target in taken:
            target = None
        out[header] = target
        if target:
            taken.add(target)
    return out


def _columns(roster: Roster, mapping: dict[str, str | None]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(roster.headers):
        target = mapping.get(header)
        if target and target not in found:
            found[target] = index
    return found


@dataclass
class RosterPreview:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ready: list[tuple[int, int | None, dict[str, Any]]] = field(default_factory=list)
    backup: str = ""


def _grid_lookup(ledger: Ledger) -> dict[tuple[int | None, str], int]:
    out: dict[tuple[int | None, str], int] = {}
    for row in ledger.conn.execute(
            "SELECT id, parent_id, level, name FROM grid_nodes WHERE deleted = 0 AND level >= 3"):
        node_id, parent, level, name = row
        key = nfkc(name).replace(" ", "")
        out[(parent if level > 3 else None, key)] = node_id
    return out


def _find_child(lookup: dict[tuple[int | None, str], int], parent: int | None,
                text: str, suffixes: tuple[str, ...]) -> int | None:
    text = nfkc(text).replace(" ", "")
    bare = re.sub(r"(号楼|号院|栋|幢|楼|单元)$", "", text)
    for candidate in (text, *(bare + s for s in suffixes)):
        if (parent, candidate) in lookup:
            return lookup[(parent, candidate)]
    return None


def _cell_text(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def preview(ledger: Ledger, roster: Roster, mapping: dict[str, str | None]) -> RosterPreview:
    cols = _columns(roster, mapping)
    out = RosterPreview(notes=list(roster.notes))
    header_of = {f: roster.headers[i] for f, i in cols.items()}
    missing = [FIELD_LABELS[f] for f in REQUIRED if f not in cols]
    if missing:
        out.issues.append(Issue(roster.sheet, roster.header_row, "、".join(missing),
                                "缺少必需的列，整张表不能导入"))
        return out
    grid = _grid_lookup(ledger)
    units = {nfkc(n).replace(" ", ""): i for i, n in ledger.conn.execute(
        "SELECT id, name FROM units WHERE deleted = 0")}
    seen: dict[str, int] = {}
    for number, raw in roster.rows:
        cells = {f: _cell_text(raw[i]) if i < len(raw) else None for f, i in cols.items()}
        if all(v in (None, "") for v in cells.values()):
            continue
        name = cells.get("name")
        if not cells.get("id_number") and (not name or re.match(r"^(合计|总计|填表|审核|制表)", str(name))):
            continue  # footers: 合计, 填表人, 审核人
        cut = long_cells((header_of[f], raw[i]) for f, i in cols.items() if i < len(raw))
        if cut:  # text that lost its end (or would): not taken silently
            out.issues.extend(Issue(roster.sheet, number, column, reason, _row_text(raw))
                              for column, reason in cut)
            continue
        try:
            info = parse_id_number(cells["id_number"])
        except ValidationError as error:
            out.issues.append(Issue(roster.sheet, number, header_of["id_number"], error.reason,
                                    _row_text(raw)))
            continue
        if info.number in seen:
            out.issues.append(Issue(roster.sheet, number, header_of["id_number"],
                                    f"与第{seen[info.number]}行的身份证号重复", _row_text(raw)))
            continue
        seen[info.number] = number
        values = {k: v for k, v in cells.items()
                  if k in members.FIELDS and v not in (None, "")}
        values["id_number"] = info.number
        values.pop("birth_date", None)  # derived from the ID number
        residence, problem = _residence(grid, cells)
        if problem:
            out.issues.append(Issue(roster.sheet, number, header_of.get(problem[0], ""),
                                    problem[1], _row_text(raw)))
            continue
        if residence is not None:
            values["residence_node_id"] = residence
        unit_name = values.get("work_unit_name")
        if unit_name:
            values["work_unit_id"] = None  # free text unless it names a registered unit
        if unit_name and nfkc(str(unit_name)).replace(" ", "") in units:
            values["work_unit_id"] = units[nfkc(str(unit_name)).replace(" ", "")]
        existing = members.find_by_id_number(ledger, info.number)
        try:
            if existing is None:
                checked = members.validate(ledger, values)
                out.new += 1
                out.ready.append((number, None, checked))
            else:
                merged = {k: existing[k] for k in members.FIELDS} | values
                merged["gender"] = values.get("gender", "")
                checked = members.validate(ledger, merged, existing["id"])
                changed = any(checked.get(k) != existing.get(k) for k in members.FIELDS)
                if changed:
                    out.updated += 1
                    out.ready.append((number, existing["id"], checked))
                else:
                    out.unchanged += 1
        except DuplicateMemberError as error:
            out.issues.append(Issue(roster.sheet, number, header_of["id_number"], error.reason,
                                    _row_text(raw)))
        except ValidationError as error:
            column = header_of.get(error.field) or header_of.get(
                {"work_unit_id": "work_unit_name", "residence_node_id": "compound"}.get(
                    error.field, ""), error.label)
            out.issues.append(Issue(roster.sheet, number, column, error.reason, _row_text(raw)))
    return out


def _residence(grid: dict[tuple[int | None, str], int], cells: dict[str, Any]
               ) -> tuple[int | None, tuple[str, str] | None]:
    compound = str(cells.get("compound") or "").strip()
    building = cells.get("building")
    unit_no = cells.get("unit_no")
    if not compound:
        return None, None
    node = _find_child(grid, None, compound, ("小区",))
    if node is None:
        return None, ("compound", f"本台账的网格中没有小区“{compound}”")
    if building in (None, ""):
        return None, ("building", "有小区但没有楼栋，无法确定居住网格（应到楼院或单元）")
    btext = str(int(building)) if isinstance(building, float) and building.is_integer() \
        else str(building)
    b = _find_child(grid, node, btext, ("号楼", "栋", "幢", "号院", ""))
    if b is None:
        return None, ("building", f"小区“{compound}”下没有楼栋“{btext}”")
    if unit_no in (None, ""):
        return b, None
    utext = str(int(unit_no)) if isinstance(unit_no, float) and unit_no.is_integer() \
        else str(unit_no)
    u = _find_child(grid, b, utext, ("单元", ""))
    if u is None:
        return None, ("unit_no", f"楼栋“{btext}”下没有“{utext}”单元")
    return u, None


def _row_text(raw: list[Any]) -> str:
    """The rejected row, for the sender's error workbook: ID numbers masked (6+4)."""
    from db.validate import mask_id

    parts = []
    for value in raw:
        if value in (None, ""):
            continue
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        compact = nfkc(text).replace(" ", "")
        if re.fullmatch(r"\d{17}[\dXx]|\d{15,}", compact) or (
                isinstance(value, float) and abs(value) >= 1e14):
            text = mask_id(compact) if len(compact) == 18 else compact[:6] + "…"
        parts.append(text)
    return " | ".join(parts)[:300]


def apply(ledger: Ledger, roster: Roster, mapping: dict[str, str | None],
          file_name: str = "", backup: bool = True, progress: Any = None,
          cancelled: Any = None) -> RosterPreview:
    """Import the ready rows in one transaction, after a backup; remembers the mapping.
    cancelled() is asked as the rows go in: a cancel rolls everything back (ImportCancelled)."""
    from .apply import ImportCancelled, backup_before_import

    access.require_secretary(ledger, "导入花名册")
    result = preview(ledger, roster, mapping)
    if backup and result.ready:
        result.backup = backup_before_import(ledger, "导入花名册前")
    with ledger.transaction():
        total = max(len(result.ready), 1)
        for done, (_number, member_id, values) in enumerate(result.ready):
            if done % 50 == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled("已取消导入，台账没有任何改动")
                if progress is not None:
                    progress(f"正在导入第{done + 1}/{total}人…", done / total)
            fields = {k: v for k, v in values.items() if k in members.FIELDS}
            if member_id is None:
                members.add_member(ledger, **fields)
            else:
                members.update_member(ledger, member_id, **fields)
        if cancelled is not None and cancelled():
            raise ImportCancelled("已取消导入，台账没有任何改动")
        remember(ledger, mapping)
        merge.log_sync(ledger, "roster", file_name or Path(roster.path).name,
                       {"新增": result.new, "更新": result.updated, "未变": result.unchanged,
                        "无效": len(result.issues)}, backup_path=result.backup)
    return result


def write_template(path: str | Path) -> Path:
    from .xlsx_write import template_workbook

    return template_workbook(path, "在职党员花名册", TEMPLATE_COLUMNS, TEMPLATE_CHOICES,
                             TEMPLATE_TEXT, TEMPLATE_NOTE)


TEMPLATE_COLUMNS = ("序号", "姓名", "性别", "民族", "身份证号", "手机号码", "工作单位", "职务",
                    "所在党支部", "入党日期", "居住小区", "楼栋", "单元", "门牌号", "报到日期",
                    "特长", "联系户姓名", "联系户住址", "联系户电话", "联系户类别", "备注")
TEMPLATE_CHOICES = {"性别": members.GENDERS, "联系户类别": members.HOUSEHOLD_REASONS}
TEMPLATE_TEXT = ("身份证号", "手机号码", "联系户电话", "门牌号", "入党日期", "报到日期")
TEMPLATE_NOTE = ("填写说明：身份证号、电话请按文本填写（本模板已设为文本格式，请勿改为数字）；"
                 "日期写成 2024-05-01 或 2024年5月1日；居住小区、楼栋、单元应与社区网格名称一致。")
