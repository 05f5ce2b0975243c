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
from db.grid import LEVEL_NAMES
from db.gridbatch import GridPlan, PlanItem, plan_rows
from db.gridbatch import create as create_nodes
from db.ledger import Ledger
from db.validate import id_checksum_char, nfkc, parse_id_number

from .cell_limit import long_cells
from .exchange import Issue
from .reader import FileRejected, read_workbook
from .roster_grid import Residences

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
_ID17 = "11010119000101001"
SAFE_ID = _ID17 + id_checksum_char(_ID17)  # stands in for a refused number while checking
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
    raw_headers: list[str] = field(default_factory=list)  # as the sender wrote them
    grid_sheet: str = ""  # a 网格 sheet (级别/名称/上级/负责人/电话) beside the roster
    grid_rows: list[list[Any]] = field(default_factory=list)  # from its row 1


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
    grid_sheet = next((s for s in sheets if _is_grid_sheet(s.name, s.rows)), None)
    if sheet:
        sheets = [s for s in sheets if s.name == sheet]
        if not sheets:
            raise FileRejected(f"文件中没有名为“{sheet}”的工作表")
    elif grid_sheet is not None:
        sheets = [s for s in sheets if s is not grid_sheet] or sheets
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
    raw_headers = [str(v or "").strip() for v in rows[index]]
    if header_row > index:
        below = rows[header_row]
        raw_headers += [""] * (len(headers) - len(raw_headers))
        for col, header in enumerate(headers):
            if col < len(below) and header == normalise_header(below[col]) and below[col]:
                raw_headers[col] = str(below[col]).strip()
    result = Roster(str(path), chosen.name, header_row + 1, headers, data,
                    raw_headers=raw_headers)
    if grid_sheet is not None and grid_sheet is not chosen:
        result.grid_sheet, result.grid_rows = grid_sheet.name, grid_sheet.rows
    fields = [field_for(h) for h in headers]
    for need in REQUIRED:
        if need not in fields:
            result.notes.append(f"没有找到“{FIELD_LABELS[need]}”列，请在列对应中指定")
    return result


def _is_grid_sheet(name: str, rows: list[list[Any]]) -> bool:
    from db.gridbatch import GRID_SHEET, HEADER_WORDS

    if name.strip() == GRID_SHEET:
        return True
    first = next((r for r in rows[:5] if any(v not in (None, "") for v in r)), [])
    texts = {normalise_header(v) for v in first}
    return bool(texts & set(HEADER_WORDS["level"])) and bool(texts & set(HEADER_WORDS["name"])) \
        and _score(first) < 2  # a roster with a 类型 column stays a roster


def remembered(ledger: Ledger) -> dict[str, str | None]:
    value = settings.get_setting(ledger, SETTING_KEY)
    return dict(value) if isinstance(value, dict) else {}


def remember(ledger: Ledger, mapping: dict[str, str | None]) -> None:
    """Keep the columns the user named a field for. A recognised column set to 不导入 is a
    choice for this file (often to get past rows it refused), never carried to the next."""
    known = remembered(ledger)
    for header, target in mapping.items():
        if not header:
            continue
        if target is None and field_for(header) is not None:
            known.pop(header, None)
        elif target != field_for(header) or header in known:
            known[header] = target
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
        target = known[header] if known.get(header) or (
            header in known and field_for(header) is None) else field_for(header)
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
    # (Excel row, member id or None, values, residence: a plan index when the node is new)
    ready: list[tuple[int, int | None, dict[str, Any]]] = field(default_factory=list)
    backup: str = ""
    plan: GridPlan = field(default_factory=GridPlan)  # grid nodes created with the import
    new_nodes: list[tuple[str, str, int]] = field(default_factory=list)  # level, path, rows
    missing_nodes: int = 0  # rows refused only because their 小区/楼栋/单元 is not in the grid
    planned_residence: dict[int, int] = field(default_factory=dict)  # Excel row -> plan index

    @property
    def rejected_rows(self) -> int:
        return len({(i.sheet, i.row) for i in self.issues if i.row})

    @property
    def grid_writes(self) -> int:
        return self.plan.writes


def _cell_text(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


STAND_INS = {"name": "某", "id_number": SAFE_ID}
MASKED_REASON = "号码中有*，是错误清单中隐去了部分数字的号码，请填写完整号码"
OWN_FIELD = {"work_unit_id": "work_unit_name", "residence_node_id": "compound"}


def _check(ledger: Ledger, values: dict[str, Any], member_id: int | None
           ) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The member form's verdict on every field, not only the first it refuses: a refused
    field is set to a harmless stand-in and the record checked again."""
    problems: list[tuple[str, str]] = []
    row = dict(values)
    for _attempt in range(len(members.FIELDS) + 2):
        try:
            checked = members.validate(ledger, row, member_id)
            return (None if problems else checked), problems
        except DuplicateMemberError as error:
            problems.append(("id_number", error.reason))
            return None, problems
        except ValidationError as error:
            problems.append((OWN_FIELD.get(error.field, error.field), error.reason))
            if error.field not in members.FIELDS or \
                    row.get(error.field) == STAND_INS.get(error.field, ""):
                return None, problems
            row[error.field] = STAND_INS.get(error.field, "")
            if error.field == "id_number":
                row["gender"] = ""
    return None, problems


def preview(ledger: Ledger, roster: Roster, mapping: dict[str, str | None],
            create_missing: bool = False) -> RosterPreview:
    """What an import would do, row by row; every reason a row is refused. create_missing:
    the 小区/楼院/单元 rows name that the grid lacks are planned for creation (listed in
    new_nodes) instead of refusing those rows."""
    cols = _columns(roster, mapping)
    out = RosterPreview(notes=list(roster.notes))
    header_of = {f: roster.headers[i] for f, i in cols.items()}
    missing = [FIELD_LABELS[f] for f in REQUIRED if f not in cols]
    if missing:
        out.issues.append(Issue(roster.sheet, roster.header_row, "、".join(missing),
                                "缺少必需的列，整张表不能导入"))
        return out
    if roster.grid_sheet:
        out.plan = plan_rows(ledger, roster.grid_rows, roster.grid_sheet)
        out.issues.extend(Issue(i.sheet, i.row, i.column, i.reason) for i in out.plan.issues)
    places = Residences(ledger, out.plan, create_missing)
    strict = Residences(ledger, out.plan, False)
    probe = places if create_missing else Residences(
        ledger, GridPlan(items=list(out.plan.items)), True)
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
        problems: list[tuple[str, str]] = []
        cut = long_cells((header_of[f], raw[i]) for f, i in cols.items() if i < len(raw))
        by_header = {h: f for f, h in header_of.items()}
        problems += [(by_header.get(column, column), reason) for column, reason in cut]
        cut_fields = {by_header.get(column) for column, _reason in cut}
        masked = [f for f in ("id_number", "mobile", "household_phone")
                  if "*" in str(cells.get(f) or "") and f not in cut_fields]
        problems += [(f, MASKED_REASON) for f in masked]
        cut_fields.update(masked)
        number_ok = False
        try:
            info = parse_id_number(cells["id_number"])
            number_ok = True
        except ValidationError as error:
            if "id_number" not in cut_fields:
                problems.append(("id_number", error.reason))
        if number_ok and info.number in seen:
            problems.append(("id_number", f"与第{seen[info.number]}行的身份证号重复"))
            number_ok = False
        elif number_ok:
            seen[info.number] = number
        values = {k: v for k, v in cells.items()
                  if k in members.FIELDS and v not in (None, "") and k not in cut_fields}
        values.update({k: STAND_INS[k] for k in cut_fields if k in STAND_INS})
        values["id_number"] = info.number if number_ok else SAFE_ID
        if not number_ok:
            values.pop("gender", None)  # it would be checked against the stand-in
        values.pop("birth_date", None)  # derived from the ID number
        residence, where = strict.resolve(cells)
        if where:
            found, probed = probe.resolve(cells)
            out.missing_nodes += not probed
            if create_missing:
                residence, where = found, probed
        problems += where
        planned = residence if isinstance(residence, tuple) else None
        values["residence_node_id"] = residence if isinstance(residence, int) else None
        unit_name = values.get("work_unit_name")
        if unit_name:
            values["work_unit_id"] = None  # free text unless it names a registered unit
        if unit_name and nfkc(str(unit_name)).replace(" ", "") in units:
            values["work_unit_id"] = units[nfkc(str(unit_name)).replace(" ", "")]
        existing = members.find_by_id_number(ledger, info.number) if number_ok else None
        if existing is not None:
            values = {k: existing[k] for k in members.FIELDS} | values
            values["gender"] = cells.get("gender") or ""
            if residence is None and not where:  # a blank never erases
                values["residence_node_id"] = existing["residence_node_id"]
        checked, refused = _check(ledger, values, existing["id"] if existing else None)
        problems += [p for p in refused if not (p[0] == "id_number" and not number_ok)]
        if problems:
            problems.sort(key=lambda p: cols.get(p[0], len(roster.headers)))
            for key, reason in problems:
                column = header_of.get(key) or (FIELD_LABELS.get(key, key) if key else "")
                out.issues.append(Issue(roster.sheet, number, column, reason, _row_text(raw)))
            continue
        assert checked is not None
        if planned is not None:
            out.planned_residence[number] = planned[1]
        if existing is None:
            out.new += 1
            out.ready.append((number, None, checked))
        elif planned is not None or any(checked.get(k) != existing.get(k)
                                        for k in members.FIELDS):
            out.updated += 1
            out.ready.append((number, existing["id"], checked))
        else:
            out.unchanged += 1
    _drop_unused(out, places)
    return out


def _drop_unused(out: RosterPreview, places: Residences) -> None:
    """Nodes planned for rows that were then refused for another reason are not created;
    the rest are listed with how many rows live in each (or below it)."""
    users: dict[int, int] = {}
    for index in out.planned_residence.values():
        current: int | None = index
        while current is not None:
            users[current] = users.get(current, 0) + 1
            current = out.plan.items[current].parent_ref
    created = set(places.created)
    out.new_nodes = [(LEVEL_NAMES[out.plan.items[i].level], out.plan.items[i].path, users[i])
                     for i in places.created if i in users]
    renumber: dict[int, int] = {}
    items: list[PlanItem] = []
    for index, item in enumerate(out.plan.items):
        if index in created and index not in users:
            continue
        renumber[index] = len(items)
        if item.parent_ref is not None:
            item.parent_ref = renumber[item.parent_ref]
        items.append(item)
    out.plan.items = items
    out.planned_residence = {row: renumber[i] for row, i in out.planned_residence.items()}


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
          cancelled: Any = None, create_missing: bool = False) -> RosterPreview:
    """Import the ready rows in one transaction, after a backup, with the grid nodes the
    preview planned (a 网格 sheet's, and with create_missing the ones the rows name); remembers
    the mapping. cancelled() is asked as the rows go in: a cancel rolls everything back."""
    from .apply import ImportCancelled, backup_before_import

    access.require_secretary(ledger, "导入花名册")
    result = preview(ledger, roster, mapping, create_missing)
    if backup and (result.ready or result.grid_writes):
        result.backup = backup_before_import(ledger, "导入花名册前")
    with ledger.transaction():
        node_ids = create_nodes(ledger, result.plan)
        total = max(len(result.ready), 1)
        for done, (number, member_id, values) in enumerate(result.ready):
            if done % 50 == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled("已取消导入，台账没有任何改动")
                if progress is not None:
                    progress(f"正在导入第{done + 1}/{total}人…", done / total)
            fields = {k: v for k, v in values.items() if k in members.FIELDS}
            if number in result.planned_residence:
                fields["residence_node_id"] = node_ids[result.planned_residence[number]]
            if member_id is None:
                members.add_member(ledger, **fields)
            else:
                members.update_member(ledger, member_id, **fields)
        if cancelled is not None and cancelled():
            raise ImportCancelled("已取消导入，台账没有任何改动")
        remember(ledger, mapping)
        merge.log_sync(ledger, "roster", file_name or Path(roster.path).name,
                       {"新增": result.new, "更新": result.updated, "未变": result.unchanged,
                        "无效": result.rejected_rows, "新建网格": result.plan.count("新建")},
                       backup_path=result.backup)
    return result


def write_template(path: str | Path) -> Path:
    """The blank 花名册 with a 网格 sheet beside it: a new community can send its grid
    (小区/楼院/单元 with their leaders) in the same file, imported with the same dry run."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.datavalidation import DataValidation

    from db.gridbatch import GRID_HEADERS, GRID_SHEET

    from .xlsx_write import (
        HEADER_FILL,
        HEADER_FONT,
        TEXT_FORMAT,
        save_atomically,
        template_workbook,
    )

    written = template_workbook(path, "在职党员花名册", TEMPLATE_COLUMNS, TEMPLATE_CHOICES,
                                TEMPLATE_TEXT, TEMPLATE_NOTE)
    book = load_workbook(written)
    sheet = book.create_sheet(GRID_SHEET, 1)
    sheet.freeze_panes = "A2"
    for index, (header, width) in enumerate(zip(GRID_HEADERS, (10, 20, 24, 12, 16),
                                                strict=True), start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    for row in range(2, 1002):  # 电话 stays text as it is typed
        sheet.cell(row=row, column=5).number_format = TEXT_FORMAT
    levels = DataValidation(type="list", formula1='"小区,楼院,单元"', allow_blank=True)
    levels.error = "请从下拉列表中选择级别"
    levels.add("A2:A1001")
    sheet.add_data_validation(levels)
    return save_atomically(book, written)


TEMPLATE_COLUMNS = ("序号", "姓名", "性别", "民族", "身份证号", "手机号码", "工作单位", "职务",
                    "所在党支部", "入党日期", "居住小区", "楼栋", "单元", "门牌号", "报到日期",
                    "特长", "联系户姓名", "联系户住址", "联系户电话", "联系户类别", "备注")
TEMPLATE_CHOICES = {"性别": members.GENDERS, "联系户类别": members.HOUSEHOLD_REASONS}
TEMPLATE_TEXT = ("身份证号", "手机号码", "联系户电话", "门牌号", "入党日期", "报到日期")
TEMPLATE_NOTE = ("填写说明：身份证号、电话请按文本填写（本模板已设为文本格式，请勿改为数字）；"
                 "日期写成 2024-05-01 或 2024年5月1日；居住小区、楼栋、单元应与社区网格名称一致；"
                 "“网格”表可填写社区的小区、楼院、单元及负责人（每行一个：级别、名称、上级、"
                 "负责人、电话），与花名册一同导入；上级留空时，小区属于本社区，"
                 "楼院、单元属于它上面最近的一行小区或楼院。")
