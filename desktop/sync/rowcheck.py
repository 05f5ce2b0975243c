"""One row of an exchange file checked as the form for that record would check it.

`check_row` returns every problem of the row as (column, reason): the column as the DB schema
names it (the caller shows its Chinese header), the reason in Chinese. The record modules' own
validators do the checking. A validator stops at its first bad field, so the row is checked
again with that field set to a harmless value until the validator passes: that lists every
field a form would refuse, not only the first. On top come what only a file can carry: sync
columns (uuid, timestamps, rev), characters a workbook cannot hold, dates not in the stored
YYYY-MM-DD form, numbers out of any sane range.

`grid_problems` checks the grid as a whole (cycles, levels), which no single row can show.
No Qt, and nothing here writes to a ledger."""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

from db import (
    activities,
    evaluations,
    gridcheck,
    meetings,
    members,
    notices,
    orders,
    posts,
    receipts,
    redeem,
    training,
    units,
    visits,
)
from db import grid as grid_rules
from db.errors import ValidationError
from db.ledger import Ledger
from db.settings import GRADE_SCHEMES
from db.validate import (
    id_checksum_char,
    one_of,
    parse_date,
    parse_number,
    required,
)

Problem = tuple[str, str]

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# db.ledger.utcnow writes 2026-05-01T08:00:00.000000Z; the fraction is optional.
STAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z")
ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
FUTURE_SLACK = dt.timedelta(days=1)
MAX_REV = 10**9  # 10亿
MAX_NUMBER = 10**9  # no count, capacity or sort order in a ledger comes near this
MAX_POINTS = 100_000  # one entry; the 积分商品 form's highest price
EXCEL_CELL_LIMIT = 32767  # characters Excel holds in one cell
# C0 controls but tab, newline and carriage return (openpyxl's ILLEGAL_CHARACTERS_RE: the
# workbook cannot be saved with them), DEL and C1, bidi embeddings/overrides/isolates,
# surrogates and the two XML non-characters.
BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                      "\ud800-\udfff\ufffe\uffff]")
EXCEL_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")

POINT_SOURCES = ("activity", "order", "rating", "manual", "redeem", "noshow", "deduction")
ALL_GRADES = tuple(dict.fromkeys(g for scheme in GRADE_SCHEMES.values() for g in scheme))
OLD_DAY = "1900-01-01"  # a stand-in for a required date: never later than a date it is compared to
# A valid ID number born on OLD_DAY, the stand-in for a bad one.
_ID17 = "11010119000101001"
SAFE_ID = _ID17 + id_checksum_char(_ID17)

DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("report_date", "agreement_signed_date", "agreement_start", "agreement_end"),
    "unit_items": ("done_date",),
    "members": ("birth_date", "join_date", "report_date"),
    "post_claims": ("claimed_date", "released_date"),
    "orders": ("requested_date", "due_date", "dispatched_date", "accepted_date",
               "completed_date", "rated_date"),
    "activities": ("date", "verified_date"),
    "meetings": ("date",),
    "points_entries": ("date",),
    "evaluations": ("evaluated_date",),
    "trainings": ("date",),
    "awards": ("date",),
    "household_visits": ("date",),
    "receipts": ("printed_date", "returned_date"),
    "notices": ("start_date", "end_date"),
    "notice_objections": ("raised_date", "resolved_date"),
}
BOOL_COLUMNS = {"deleted", "verified"}
# Number columns of the records; a column the schema gains later is not judged here.
NUMBER_COLUMNS = {"level", "sort_order", "member_count", "capacity", "hours", "delta", "price",
                  "stock"}


# -- validators for the records whose form has no function of its own -------------------------

def _one_subject(row: dict[str, Any]) -> None:
    if (row.get("member_id") is None) == (row.get("unit_id") is None):
        raise ValidationError("member_id", "党员", "党员和单位应填且只填一个")


def _claim(row: dict[str, Any]) -> None:
    claimed = parse_date(row.get("claimed_date"), "claimed_date", "认领日期", allow_blank=False)
    released = parse_date(row.get("released_date"), "released_date", "退出日期")
    if released and released < claimed:  # posts.release_claim refuses this
        raise ValidationError("released_date", "退出日期", "早于认领日期")


def _participant(row: dict[str, Any]) -> None:
    activities._hours(row.get("hours"))
    _one_subject(row)


def _points(row: dict[str, Any]) -> None:
    parse_date(row.get("date"), "date", "日期", allow_blank=False)
    delta = parse_number(row.get("delta"), "delta", "分值", minimum=-MAX_POINTS,
                         maximum=MAX_POINTS, allow_blank=False)
    if not delta:  # points.adjust refuses 0, and no rule writes one
        raise ValidationError("delta", "分值", "不能为0")
    required(row.get("reason"), "reason", "事由")
    one_of(row.get("source_kind"), POINT_SOURCES, "source_kind", "来源类型")
    _one_subject(row)


def _evaluation(row: dict[str, Any]) -> None:
    period = row.get("period")
    code = evaluations._period(str(period or ""))
    if code != period:  # evaluations are looked up by the code as stored
        raise ValidationError("period", "评价周期", f"应写成{code}")
    one_of(row.get("grade"), ALL_GRADES, "grade", "评定等次")  # either office's scheme
    parse_date(row.get("evaluated_date"), "evaluated_date", "评价日期", allow_blank=False)
    _one_subject(row)


# -- the forms' own validators -----------------------------------------------------------------

_scratch = threading.local()


def _empty_ledger() -> Ledger:
    """An empty ledger for validators that look things up (duplicate names and ID numbers):
    in an empty ledger nothing clashes. Uniqueness against the real ledger is the merge's."""
    ledger = getattr(_scratch, "ledger", None)
    if ledger is None:
        from db import open_ledger

        ledger = _scratch.ledger = open_ledger(":memory:")
    return ledger


def _member(row: dict[str, Any]) -> dict[str, Any]:
    # References are uuids here; whether they resolve is the merge's to say.
    return members.validate(_empty_ledger(),
                            {**row, "work_unit_id": None, "residence_node_id": None})


def _unit(row: dict[str, Any]) -> dict[str, Any]:
    return units.validate(_empty_ledger(), {**row, "paired_node_id": None})


FORMS: dict[str, Callable[[dict[str, Any]], object]] = {
    "grid_nodes": grid_rules._clean,
    "units": _unit,
    "unit_items": units._clean_item,
    "members": _member,
    "posts": posts._clean,
    "post_claims": _claim,
    "orders": orders._clean,
    "activities": activities._clean,
    "activity_participants": _participant,
    "meetings": meetings._clean,
    "points_entries": _points,
    "evaluations": _evaluation,
    "reward_items": redeem._clean_item,
    "trainings": training.clean_training,
    "awards": training.clean_award,
    "household_visits": visits.clean_visit,
    "receipts": receipts.clean_row,
    "notices": notices.clean_notice,
    "notice_objections": notices.clean_objection,
}
# What a field is set to after its validator refused it, so that the next run goes past it;
# also what a column missing from the file stands for. Anything else stands in as "".
STAND_INS: dict[str, dict[str, Any]] = {
    "grid_nodes": {"name": "某"},
    "units": {"name": "某", "category": "机关", "status": "在册", "member_count": 0},
    "unit_items": {"kind": "资源", "title": "某"},
    "members": {"name": "某", "id_number": SAFE_ID, "status": "在册"},
    "posts": {"name": "某", "category": "自定义", "capacity": 0, "status": "启用"},
    "post_claims": {"claimed_date": OLD_DAY},
    "orders": {"kind": "群众点单", "title": "某", "requested_date": OLD_DAY},
    "activities": {"date": OLD_DAY, "kind": "志愿服务", "title": "某", "verifier": "某",
                   "verified": 0},
    "activity_participants": {"hours": 0, "member_id": "stand-in", "unit_id": None},
    "meetings": {"date": OLD_DAY, "title": "某"},
    "points_entries": {"date": OLD_DAY, "delta": 1, "reason": "某", "source_kind": "manual",
                       "member_id": "stand-in", "unit_id": None},
    "evaluations": {"period": "2026H1", "grade": ALL_GRADES[0], "evaluated_date": OLD_DAY,
                    "member_id": "stand-in", "unit_id": None},
    "reward_items": {"name": "某", "price": 1, "stock": None, "status": "上架"},
    "trainings": {"date": OLD_DAY, "title": "某", "hours": 0},
    "awards": {"date": OLD_DAY, "title": "某", "level": ""},
    "household_visits": {"date": OLD_DAY, "way": "上门"},
    "receipts": {"kind": "报到单", "number": "某", "period": "2026H1", "printed_date": OLD_DAY,
                 "member_id": "stand-in", "unit_id": None},
    "notices": {"number": "某", "year": 2026, "quarter": 1, "start_date": OLD_DAY,
                "end_date": OLD_DAY},
    "notice_objections": {"raised_date": OLD_DAY, "raised_by": "某", "content": "某",
                          "member_id": "stand-in", "unit_id": None},
}
# A stand-in for one field makes another meaningless: re-derive it instead.
DERIVED = {("members", "id_number"): ("gender", "birth_date")}
SUBJECT = ("member_id", "unit_id")


def _form_problems(table: str, values: dict[str, Any]) -> tuple[list[Problem], dict[str, Any]]:
    """The form's refusals, and what it made of the fields it did not refuse (derived ones
    included: a member's birth date from the ID number)."""
    form = FORMS.get(table)
    if form is None:
        return [], {}
    stand_ins = STAND_INS.get(table, {})
    row = {**stand_ins, **values}
    if any(k in values for k in SUBJECT) and table in ("activity_participants",
                                                       "points_entries", "evaluations",
                                                       "receipts", "notice_objections"):
        row["member_id"], row["unit_id"] = values.get("member_id"), values.get("unit_id")
    for (of, field), derived in DERIVED.items():
        if of == table and field not in values:
            row.update(dict.fromkeys(derived, ""))  # re-derived from the stand-in
    found: list[Problem] = []
    replaced: set[str] = set()
    made: dict[str, Any] = {}
    for _attempt in range(len(row) + 2):
        try:
            out = form(row)
            made = dict(out) if isinstance(out, dict) else {}
            break
        except ValidationError as error:
            # A rule about no single column (none so far) is the row's: column "".
            found.append((error.field if error.field in row else "", error.reason))
            if error.field in replaced or error.field not in row:
                break
            replaced.add(error.field)
            if error.field in SUBJECT:
                row["member_id"], row["unit_id"] = "stand-in", None
            row[error.field] = stand_ins.get(error.field, "")
            for other in DERIVED.get((table, error.field), ()):
                row[other] = ""
        except (TypeError, ValueError, ArithmeticError):
            found.append(("", "内容无法识别，请核对这一行"))
            break
    for (of, field), derived in DERIVED.items():  # what a stand-in made means nothing
        if of == table and (field in replaced or field not in values):
            for key in (field, *derived):
                made.pop(key, None)
    for key in replaced:
        made.pop(key, None)
    return found, made


# -- checks every row gets ---------------------------------------------------------------------

def text_reason(text: str) -> str | None:
    """Why a text cannot go into the ledger as it is, or None."""
    if len(text) > EXCEL_CELL_LIMIT:
        return f"超过{EXCEL_CELL_LIMIT}个字，Excel的单元格放不下"
    if not BAD_TEXT.search(text):
        return None
    bad = BAD_TEXT.findall(text)
    codes = "、".join(f"U+{ord(c):04X}" for c in dict.fromkeys(bad))
    if any(EXCEL_ILLEGAL.match(c) for c in bad):
        return f"含有不可见的控制字符（{codes}），Excel无法保存"
    if all(BIDI.match(c) for c in bad):
        return f"含有改变文字方向的不可见字符（{codes}），会让内容显示错乱"
    return f"含有不可见的控制字符或无效字符（{codes}），导出的表格会出错"


def stamp_reason(value: Any, now: dt.datetime | None = None) -> str | None:
    """Why a created_at / updated_at value is not a UTC timestamp as the ledger writes it."""
    return _stamp_reason(value, _latest(now))


_latest_cache: list[Any] = [None, ""]  # (minute of the real clock, its latest)


def _latest(now: dt.datetime | None) -> str:
    """The latest acceptable timestamp, in the stamps' own fixed-width form."""
    if now is not None:
        return (now + FUTURE_SLACK).strftime("%Y-%m-%dT%H:%M:%S")
    now = dt.datetime.now(dt.UTC)
    minute = now.replace(second=0, microsecond=0)
    if _latest_cache[0] != minute:  # a row takes microseconds: format the clock once a minute
        _latest_cache[:] = [minute, (minute + FUTURE_SLACK).strftime("%Y-%m-%dT%H:%M:%S")]
    return str(_latest_cache[1])


def _stamp_reason(value: Any, latest: str) -> str | None:
    if value.__class__ is not str or not value:
        return "不能为空，应为 2026-05-01T08:00:00Z 这样的UTC时间"
    try:
        if not STAMP_RE.fullmatch(value):
            raise ValueError
        dt.datetime.fromisoformat(value[:19])  # a real day and time of day
    except ValueError:
        return f"“{value[:30]}”不是有效的时间，应为 2026-05-01T08:00:00Z 这样的UTC时间"
    if value[:19] > latest:  # same fixed-width form: text order is time order
        return (f"“{value[:30]}”比现在晚了一天以上（发出文件的电脑时钟可能不准），"
                "这样的记录会在比较新旧时永远胜出")
    return None


def _sync_problems(values: dict[str, Any], now: dt.datetime | None) -> list[Problem]:
    found: list[Problem] = []
    latest = _latest(now)
    if "uuid" in values and (values["uuid"].__class__ is not str
                             or not UUID_RE.fullmatch(values["uuid"])):
        found.append(("uuid", "不是有效的UUID"))
    for key in ("created_at", "updated_at"):
        if key in values:
            reason = _stamp_reason(values[key], latest)
            if reason:
                found.append((key, reason))
    if "rev" in values:
        rev = values["rev"]
        if rev.__class__ is not int or not 1 <= rev < MAX_REV:
            found.append(("rev", f"版本应为小于10亿的正整数，实际为{rev}"))
    if "office" in values:
        office = values["office"]
        if office.__class__ is not str or not office.strip():
            found.append(("office", "不能为空"))
        elif len(office) > 64:
            found.append(("office", "过长，不是有效的单位标识"))
    return found


def _date_problems(table: str, values: dict[str, Any]) -> list[Problem]:
    found: list[Problem] = []
    for key in DATE_COLUMNS.get(table, ()):
        value = values.get(key)
        if value is None or value == "":
            continue  # required dates are the validators'
        if value.__class__ is str and ISO_DATE_RE.fullmatch(value) \
                and "1900" <= value <= "2100-12-31":
            try:
                dt.date.fromisoformat(value)
                continue  # the common case, without parse_date's many forms
            except ValueError:
                pass
        try:
            day = parse_date(value, key, key)
        except ValidationError as error:
            found.append((key, error.reason))
            continue
        if value.__class__ is not str or not ISO_DATE_RE.fullmatch(value) or day != value:
            found.append((key, f"应写成 {day} 这样的日期，实际为“{str(value)[:20]}”"))
    return found


def _number_problems(values: dict[str, Any], already: set[str]) -> list[Problem]:
    found: list[Problem] = []
    for key, value in values.items():
        if key in already or value.__class__ not in (int, float):
            continue
        if key in BOOL_COLUMNS:
            if value not in (0, 1):
                found.append((key, f"应为“是”或“否”，实际为{value}"))
        elif key not in NUMBER_COLUMNS:
            continue
        elif not math.isfinite(value):
            found.append((key, "不是有效的数字"))
        elif abs(value) >= MAX_NUMBER:
            found.append((key, f"数字不合理（{value:g}）"))
    return found


def _iso(values: dict[str, Any], key: str) -> str:
    """The column's date when it is a real one ("2026-02-30" is not: it is reported on its own
    column, and nothing else is compared with it)."""
    value = values.get(key)
    if value.__class__ is not str or not ISO_DATE_RE.fullmatch(value):
        return ""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return ""
    return value


def _table_problems(table: str, values: dict[str, Any], made: dict[str, Any],
                    levels: Mapping[str, int] | None) -> list[Problem]:
    """The rules a form keeps outside its validator function (state steps, derived fields,
    the grid levels a reference must have)."""
    found: list[Problem] = []
    if table == "grid_nodes":
        level = values.get("level", 1)
        if level.__class__ is not int or level not in grid_rules.LEVEL_NAMES:
            found.append(("level", gridcheck.level_reason(level, None, False) or ""))
        if values.get("parent_id") is not None and values.get("parent_id") == values.get("uuid"):
            found.append(("parent_id", gridcheck.SELF_PARENT))
    elif table == "members":
        birth, derived = _iso(values, "birth_date"), made.get("birth_date")
        if birth and derived and birth != derived:  # the form derives it from the ID number
            found.append(("birth_date", f"与身份证号不符（身份证号显示为{derived}）"))
        node = values.get("residence_node_id")
        level = levels.get(node) if levels is not None and node is not None else None
        if level is not None and level < 4:
            found.append(("residence_node_id", "应选到楼院或单元，所选网格是"
                          f"{grid_rules.LEVEL_NAMES.get(level, f'第{level}级')}"))
    elif table == "units":
        node = values.get("paired_node_id")
        level = levels.get(node) if levels is not None and node is not None else None
        if level is not None and level != 3:
            found.append(("paired_node_id", "应选择一个小区，所选网格是"
                          f"{grid_rules.LEVEL_NAMES.get(level, f'第{level}级')}"))
    elif table == "orders":
        for key, choices in (("state", orders.STATES), ("rating", orders.RATINGS)):
            if key in values:
                try:
                    one_of(values[key], choices, key, key, allow_blank=key == "rating")
                except ValidationError as error:
                    found.append((key, error.reason))
        if values.get("assignee_member_id") is not None and \
                values.get("assignee_unit_id") is not None:
            found.append(("assignee_unit_id", "接单党员和接单单位只能有一个"))
        steps = ("requested_date", "dispatched_date", "accepted_date", "completed_date",
                 "rated_date")
        for before, after in zip(steps, steps[1:], strict=False):
            first, then = _iso(values, before), _iso(values, after)
            if first and then and then < first:  # orders._day refuses this step
                found.append((after, f"不能早于{first}"))
    return found


def check_row(table: str, values: dict[str, Any], levels: Mapping[str, int] | None = None,
              now: dt.datetime | None = None) -> list[Problem]:
    """Every problem of one row of a synced table as parsed from an exchange file, as
    (column, Chinese reason); empty when the row is sound.

    values: column -> value as desktop.sync.parse gives it (references as lowercase uuids).
    Columns absent from values are not checked. levels: grid node uuid -> level (local and
    incoming nodes), for the level a member's residence or a unit's 包联小区 must have; those
    two checks are skipped without it. now: the clock to judge future timestamps by."""
    found = _sync_problems(values, now)
    search = BAD_TEXT.search
    for key, value in values.items():
        if value.__class__ is str and (search(value) or len(value) > EXCEL_CELL_LIMIT):
            found.append((key, text_reason(value) or ""))
    found += _date_problems(table, values)
    form_found, made = _form_problems(table, values)
    found += form_found
    found += _table_problems(table, values, made, levels)
    found += _number_problems(values, {key for key, _r in found})
    if not found:
        return found
    order = {key: index for index, key in enumerate(values)}
    unique = [p for p in dict.fromkeys(found) if p[0] in values or p[0] == ""]
    return sorted(unique, key=lambda p: order.get(p[0], len(order)))


def grid_problems(nodes: dict[str, tuple[str | None, int]]) -> dict[str, str]:
    """uuid -> Chinese reason for every grid node in a cycle of parent links (a node that is
    its own parent included), below such a cycle, or whose level is not its parent's plus one
    (a root: level 1, no parent). nodes: uuid -> (parent uuid, level) for the union of the
    local grid and the incoming rows (incoming rows replacing local ones). Linear time."""
    return gridcheck.problems(nodes)

