"""Reading an exchange workbook into checked rows, and the records the preview is made of.

Every cell is converted by its column's type (references stay UUIDs); a bad cell rejects its
row with sheet, row, column and reason. Nothing here touches a ledger's data."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db.errors import ValidationError
from db.ledger import Ledger
from db.validate import mask_id, parse_id_number

from . import cell_limit, schema
from .preview import (
    UUID_RE,
    ExchangeFile,
    IncomingTable,
    Issue,
)
from .reader import FileRejected, Sheet, iter_workbook

SYNC_NAMES = set(schema.SYNC_LABELS)


class NotAnExchangeFile(FileRejected):
    pass


# -- parsing ----------------------------------------------------------------------------------

def _vector(value: Any) -> str:
    """A version vector cell: a JSON object of office UUID -> positive tick, kept canonical."""
    import json

    text = cell_text(value).strip()
    try:
        data = json.loads(text)
    except ValueError:
        raise ValueError("版本向量格式不正确（不要修改同步列）") from None
    if not isinstance(data, dict) or not data or len(data) > 10000:
        raise ValueError("版本向量格式不正确（不要修改同步列）")
    out = {}
    for key, tick in data.items():
        if not UUID_RE.match(str(key)) or not isinstance(tick, int) or isinstance(tick, bool) \
                or not 0 < tick < 10**12:
            raise ValueError("版本向量格式不正确（不要修改同步列）")
        out[str(key).lower()] = tick
    return json.dumps(dict(sorted(out.items())), separators=(",", ":"))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _convert(table: str, col: schema.Column, value: Any) -> Any:
    """A cell to the stored value; raises ValueError with a Chinese reason."""
    blank = value is None or (isinstance(value, str) and value.strip() == "")
    if (table, col.name) in schema.ID_COLUMNS:
        try:
            return parse_id_number(value).number
        except ValidationError as error:
            raise ValueError(error.reason) from None
    if col.kind == "ref":
        if blank:
            if col.notnull:
                raise ValueError("不能为空")
            return None
        text = cell_text(value).strip()
        if not UUID_RE.match(text):
            raise ValueError("不是有效的UUID")
        return text.lower()
    if col.kind == "bool":
        if value in ("是", 1, 1.0, True, "1"):
            return 1
        if blank or value in ("否", 0, 0.0, False, "0"):
            return 0
        raise ValueError(f"应为“是”或“否”，实际为“{cell_text(value)[:20]}”")
    if col.kind in ("int", "real"):
        if blank:
            if col.notnull:
                raise ValueError("不能为空")
            return None
        try:
            number = float(str(value).strip()) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            raise ValueError(f"应为数字，实际为“{cell_text(value)[:20]}”") from None
        if number != number or abs(number) > 1e15:
            raise ValueError("数字不合理")
        if col.kind == "int":
            if not number.is_integer():
                raise ValueError(f"应为整数，实际为{number:g}")
            return int(number)
        return number
    text = cell_text(value)
    if col.codes and text not in col.codes:
        raise ValueError(f"应为 {'、'.join(c for c in col.codes if c)} 之一，实际为“{text[:20]}”")
    if col.name == "vv":
        return _vector(value)
    if col.name in ("uuid",):
        text = text.strip().lower()
        if not UUID_RE.match(text):
            raise ValueError("不是有效的UUID")
    if col.notnull and col.name in ("updated_at", "created_at", "office") and not text:
        raise ValueError("不能为空")
    return text


def _converter(table: str, col: schema.Column) -> Callable[[Any], Any]:
    """_convert for one column, with a fast path for the common, already-right cell."""
    slow = _convert
    lower_uuid = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$").match
    if (table, col.name) in schema.ID_COLUMNS:
        return lambda value: slow(table, col, value)
    if col.kind == "ref" or col.name == "uuid":
        blank_ok = col.kind == "ref" and not col.notnull

        def to_uuid(value: Any) -> Any:
            if value.__class__ is str:
                if lower_uuid(value):
                    return value
                if blank_ok and value == "":
                    return None
            return slow(table, col, value)
        return to_uuid
    if col.kind == "bool":
        known = {"是": 1, "否": 0}
        return lambda value: known[value] if value in known else slow(table, col, value)
    if col.codes:
        codes = {c: c for c in col.codes}  # one shared object per code, not one per cell
        return lambda value: codes[value] if value.__class__ is str and value in codes \
            else slow(table, col, value)
    if col.name == "vv":
        return lambda value: slow(table, col, value)
    if col.name in ("updated_at", "created_at"):
        return lambda value: value if value.__class__ is str and value else slow(table, col, value)
    if col.kind == "text":
        # Every cell arrives as its own string object; sharing repeated values (office ids,
        # dates, unit names) keeps a city-sized file well inside the memory budget.
        seen: dict[str, str] = {}
        must_fill = col.name == "office"

        def to_text(value: Any) -> Any:
            if value.__class__ is not str or (must_fill and not value):
                return slow(table, col, value)
            shared = seen.get(value)
            if shared is not None:
                return shared
            if len(seen) < 20000:
                seen[value] = value
            return value
        return to_text
    if col.kind == "int":
        def to_int(value: Any) -> Any:
            if value.__class__ is float and value.is_integer() and abs(value) < 1e15:
                return int(value)
            return slow(table, col, value)
        return to_int
    def to_real(value: Any) -> Any:
        if value.__class__ is float and abs(value) < 1e15:
            return value
        return slow(table, col, value)
    return to_real


def row_summary(table: str, values: dict[str, Any]) -> str:
    parts = []
    for key in ("name", "title", "date", "period"):
        if values.get(key):
            parts.append(str(values[key]))
    if values.get("id_number"):
        parts.append(mask_id(str(values["id_number"])))
    return " ".join(parts)[:60]


def parse_exchange(path: str | Path, password: str | None = None,
                   ledger: Ledger | None = None) -> ExchangeFile:
    """Read and check an exchange file, one sheet at a time (raw rows are dropped as soon as
    their sheet is parsed)."""
    sheets = iter_workbook(path, password)
    pending: dict[str, Sheet] = {}
    readme: dict[str, Any] | None = None
    xf: ExchangeFile | None = None
    own = ledger or _scratch_ledger()
    layouts = {lay.title: lay for lay in schema.layouts(own)}
    try:
        for sheet in sheets:
            if sheet.name == schema.README_SHEET:
                readme = _readme(sheet)
                xf = ExchangeFile(str(path), readme, {})
                for held in pending.values():
                    _take(xf, layouts, held)
                pending.clear()
            elif xf is None:
                pending[sheet.name] = sheet  # 说明 is first in our files; hold until it comes
            else:
                _take(xf, layouts, sheet)
    finally:
        sheets.close()
        if ledger is None:
            own.close()
    if xf is None:
        _readme(None)
    assert xf is not None
    xf.tables = {t: xf.tables[t] for t in schema.TABLE_LABELS if t in xf.tables}
    return xf


def read_readme(path: str | Path, password: str | None = None) -> ExchangeFile:
    """Only the 说明 sheet (checked as in a full read): what a file is, before reading the rest."""
    sheets = iter_workbook(path, password, first_only=True)
    try:
        first = next(sheets, None)
    finally:
        sheets.close()
    if first is None or first.name != schema.README_SHEET:
        first = None
    return ExchangeFile(str(path), _readme(first), {})


def _take(xf: ExchangeFile, layouts: dict[str, schema.SheetLayout], sheet: Sheet) -> None:
    lay = layouts.get(sheet.name)
    if lay is None:
        xf.issues.append(Issue(sheet.name, 0, "", "不认识的工作表，已忽略"))
        return
    parsed = _parse_sheet(lay, sheet, xf.issues)
    sheet.rows = []
    if parsed is not None:
        xf.tables[lay.table] = parsed


def _readme(sheet: Sheet | None) -> dict[str, Any]:
    readme: dict[str, Any] = {}
    for row in (sheet.rows[1:] if sheet else []):
        if row and isinstance(row[0], str) and len(row) > 1:
            readme[row[0]] = row[1]
    if readme.get("文件格式") != schema.FORMAT_NAME:
        raise NotAnExchangeFile("这不是报到台账导出的交换文件（缺少“说明”页的文件格式标记）。"
                                "如果是单位报来的党员花名册，请用“导入花名册”")
    try:
        version = int(float(readme.get("格式版本") or 0))
    except (TypeError, ValueError):
        version = 0
    if version < 1 or version > schema.FORMAT_VERSION:  # format 1 files still import
        raise NotAnExchangeFile(f"交换文件格式第{readme.get('格式版本')}版，当前程序只支持到第"
                                f"{schema.FORMAT_VERSION}版，请先升级程序")
    if readme.get("已隐去身份证号和电话") == "是":
        raise NotAnExchangeFile("这个文件导出时隐去了身份证号和电话，只能查看，不能导入")
    if not UUID_RE.match(str(readme.get("来源单位UUID", ""))):
        raise NotAnExchangeFile("“说明”页的来源单位UUID缺失或无效，文件可能被改动过")
    return readme


def _scratch_ledger() -> Ledger:
    from db import open_ledger

    return open_ledger(":memory:")


def _parse_sheet(lay: schema.SheetLayout, sheet: Sheet, issues: list[Issue]) -> IncomingTable | None:
    if not sheet.rows:
        issues.append(Issue(lay.title, 1, "", "工作表是空的，缺少表头"))
        return None
    header = [cell_text(h).strip() for h in sheet.rows[0]]
    lookup = lay.by_header()
    readable = {c.header for c in lay.columns if c.kind == "ref"}
    positions: list[tuple[int, schema.Column]] = []
    seen: set[str] = set()
    for index, text in enumerate(header):
        if not text or text in readable and text not in {c.header for c in lay.columns
                                                         if c.kind != "ref"}:
            continue
        col = lookup.get(text)
        if col is None:
            issues.append(Issue(lay.title, 0, text, "不认识的列，已忽略"))
            continue
        if col.name in seen:
            issues.append(Issue(lay.title, 0, text, "列重复，只用第一列"))
            continue
        seen.add(col.name)
        positions.append((index, col))
    missing = [schema.SYNC_LABELS[n] for n in schema.SYNC_ORDER
               if n not in seen and n not in schema.OPTIONAL_SYNC]
    if missing:
        issues.append(Issue(lay.title, 1, "、".join(missing),
                            "缺少同步列，整张工作表不能导入"))
        return None
    rows: list[tuple[int, tuple[Any, ...]]] = []
    uuids: set[str] = set()
    names = [c.name for _i, c in positions]
    plan = [(index, col, _converter(lay.table, col)) for index, col in positions]
    width = max(index for index, _c in positions) + 1
    rev_at, uuid_at = names.index("rev"), names.index("uuid")
    for number, raw in enumerate(sheet.rows[1:], start=2):
        if len(raw) < width:
            raw = list(raw) + [None] * (width - len(raw))
        cut = any(v.__class__ is str and len(v) >= cell_limit.EXCEL_CELL_LIMIT for v in raw) \
            and cell_limit.long_cells((col.header, raw[index]) for index, col, _f in plan)
        if cut:  # the reader keeps 32,767 characters of a longer cell: say so, per cell
            issues.extend(Issue(lay.title, number, column, reason) for column, reason in cut)
            continue
        try:
            values = tuple(convert(raw[index]) for index, _col, convert in plan)
        except ValueError as error:
            if not any(v not in (None, "") for v in raw):
                continue  # a blank row
            for index, col, convert in plan:  # find the cell that failed, to name it
                try:
                    convert(raw[index])
                except ValueError as failed:
                    done = dict(zip(names, (raw[i] for i, _c, _f in plan), strict=True))
                    issues.append(Issue(lay.title, number, col.header, str(failed),
                                        row_summary(lay.table, done)))
                    break
            else:
                issues.append(Issue(lay.title, number, "", str(error)))
            continue
        if values[rev_at] < 1:
            issues.append(Issue(lay.title, number, "版本", "版本应为正整数"))
            continue
        if values[uuid_at] in uuids:
            issues.append(Issue(lay.title, number, "UUID", "与本表前面的行UUID重复"))
            continue
        uuids.add(values[uuid_at])
        rows.append((number, values))
    return IncomingTable(lay.table, lay.title, [c for _i, c in positions], rows)
