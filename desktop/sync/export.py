"""Exporting the ledger (or one grid subtree) to one exchange workbook.

A 说明 sheet (format, version, source office, time, row counts) and one sheet per record kind:
Chinese headers, frozen header row, widths, drop-down lists for coded columns, references as
UUIDs beside a readable name, the sync columns, tombstones included. Written to a temporary
file, read back and checked, only then renamed into place."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db import access, audit, merge, settings
from db.ledger import Ledger, utcnow
from db.validate import birth_year, mask_id, mask_phone

from . import schema
from . import scope as scope_mod
from .scope import Scope, pending_changes, scope_for
from .xlsx_stream import StreamBook
from .xlsx_write import TEXT_FORMAT

Progress = Callable[[str, float], None]
Cancelled = Callable[[], bool]


class ExportCancelled(Exception):
    pass


class ExportVerifyError(Exception):
    """The written file did not read back as written; nothing was put in place."""


@dataclass
class ExportResult:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)  # sheet title -> rows
    masked: bool = False
    encrypted: bool = False
    seconds: float = 0.0
    incremental: bool = False
    receiver: str = ""


def _readme(ledger: Ledger, counts: dict[str, tuple[int, int]], masked: bool,
            scope: Scope, exported_at: str, to_seq: int) -> list[tuple[str, Any]]:
    ident = settings.identity(ledger)
    local = dt.datetime.fromisoformat(exported_at.replace("Z", "+00:00")).astimezone()
    rows: list[tuple[str, Any]] = [
        ("文件格式", schema.FORMAT_NAME),
        ("格式版本", schema.FORMAT_VERSION),
        ("来源单位", ident["office_name"]),
        ("来源单位UUID", ledger.office),
        ("街道", ident["street"]),
        ("社区", ident["community"]),
        ("导出时间", exported_at),
        ("导出时间（本地）", local.strftime("%Y-%m-%d %H:%M:%S")),
        ("导出范围", scope.label),
        ("已隐去身份证号和电话", "是" if masked else "否"),
        ("导出方式", "增量（自对方上次确认以来的变更）" if scope.incremental else "全量"),
        ("接收单位", scope.name),
        ("接收单位UUID", scope.office),
        ("起始序号", scope.since),
        ("截止序号", to_seq),
        ("已收到序号", json.dumps(merge.received(ledger))),
        # the audit chain's checkpoints and head: the receiver keeps them as witnesses
        ("审计链", audit.witness_text(ledger)),
    ]
    for title, (total, deleted) in counts.items():
        rows.append((f"{title}行数", total))
        rows.append((f"{title}已删除行数", deleted))
    rows.append(("提示", "本文件由报到台账导出，用于单位之间交换数据。请勿修改UUID、版本、更新时间、"
                       "修改单位、创建时间等同步列；要修改数据请在报到台账程序中修改后重新导出。"))
    return rows


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _write_table(book: StreamBook, ledger: Ledger, lay: schema.SheetLayout,
                 sel: dict[str, set[int]] | None, scope: Scope, masked: bool, total: int,
                 refs: dict[str, tuple[dict[int, str], dict[int, str]]],
                 tick: Callable[[int], None]) -> int:
    headers = lay.headers
    # One converter per output column: (source index, mode, lookup or mask)
    plan: list[tuple[int, str, Any]] = []
    text_columns: list[int] = []  # IDs, phones and UUIDs: Excel's text format, kept on edit
    validations: list[tuple[int, list[str]]] = []
    for index, col in enumerate(lay.columns):
        if col.kind == "ref":
            plan.append((index, "ref", refs[col.ref_table or ""][1]))
            plan.append((index, "ref", refs[col.ref_table or ""][0]))
            text_columns.append(len(plan) - 1)
            continue
        key = (lay.table, col.name)
        if key in schema.ID_COLUMNS or key in schema.PHONE_COLUMNS:
            mask = mask_id if key in schema.ID_COLUMNS else mask_phone
            plan.append((index, "masked" if masked else "plain", mask))
            text_columns.append(len(plan) - 1)
        elif key == ("members", "birth_date") and masked:
            # the masked digits are the birth date: the year only (validate.birth_year)
            plan.append((index, "masked", birth_year))
        elif col.kind == "bool":
            plan.append((index, "bool", None))
            validations.append((len(plan) - 1, ["是", "否"]))
        else:
            plan.append((index, "plain", None))
            if col.name == "uuid":
                text_columns.append(len(plan) - 1)
        if col.codes:
            validations.append((len(plan) - 1, [c for c in col.codes if c]))

    def convert(row: tuple[Any, ...]) -> list[Any]:
        out: list[Any] = []
        for index, mode, extra in plan:
            value = row[index]
            if mode == "plain" or value is None:
                out.append(value)
            elif mode == "ref":
                out.append(extra.get(value))
            elif mode == "bool":
                out.append("是" if value else "否")
            else:  # masked
                out.append(extra(value) if value else value)
        return out

    where, params = scope_mod.where(sel, lay.table, scope)
    names = ", ".join(c.name for c in lay.columns)
    cursor = ledger.conn.execute(
        f"SELECT {names} FROM {lay.table} WHERE {where} ORDER BY id", params)
    # Widths are measured on the first rows: the columns come before the rows in the file.
    first = [convert(row) for row in cursor.fetchmany(300)]
    widths = [_width(h) for h in headers]
    for converted in first:
        for i, value in enumerate(converted):
            if value is not None:
                widths[i] = max(widths[i], _width(str(value)))
    with book.sheet(lay.title, [min(max(w + 2, 6), 50) for w in widths], total + 1,
                    text_columns, validations) as sheet:
        sheet.header(headers)
        for converted in first:
            sheet.row(converted)
        count = len(first)
        tick(count)
        while chunk := cursor.fetchmany(2000):
            for row in chunk:
                sheet.row(convert(row))
            count += len(chunk)
            tick(len(chunk))
    return count


def _remove_stale_parts(folder: Path, older_than: float = 600.0) -> None:
    """Half-written exports that a pulled USB stick or a killed process left behind."""
    import contextlib
    import time

    now = time.time()
    for part in folder.glob(".~*.xlsx.part"):
        with contextlib.suppress(OSError):
            if now - part.stat().st_mtime > older_than:
                part.unlink()


def _open_back(path: Path, password: str | None) -> Any:
    from python_calamine import CalamineWorkbook

    if not password:
        return CalamineWorkbook.from_path(str(path))
    import msoffcrypto

    plain = io.BytesIO()
    with open(path, "rb") as handle:
        office = msoffcrypto.OfficeFile(handle)
        office.load_key(password=password)
        office.decrypt(plain)
    plain.seek(0)
    return CalamineWorkbook.from_filelike(plain)


def _verify(path: Path, password: str | None, readme: list[tuple[str, Any]],
            expected: dict[str, int], headers: dict[str, list[str]]) -> None:
    """Read the written file back, one sheet at a time: sheets, 说明, headers, row counts."""
    try:
        book = _open_back(path, password)
        names = list(book.sheet_names)
        if names != [schema.README_SHEET, *expected]:
            raise ExportVerifyError("导出文件读回后工作表不完整")
        rows = book.get_sheet_by_name(schema.README_SHEET).to_python()
        got = {str(r[0]): r[1] for r in rows if r}
        if got.get("文件格式") != schema.FORMAT_NAME or \
                got.get("来源单位UUID") != dict(readme)["来源单位UUID"]:
            raise ExportVerifyError("导出文件读回后“说明”页不一致")
        for title, count in expected.items():
            sheet = book.get_sheet_by_name(title)
            first = sheet.to_python(nrows=1)
            if not first or [str(h) for h in first[0]] != headers[title]:
                raise ExportVerifyError(f"导出文件读回后“{title}”表头不一致")
            if sheet.height - 1 != count:
                raise ExportVerifyError(
                    f"导出文件读回后“{title}”应有{count}行，实际{sheet.height - 1}行")
            del sheet
        book.close()
    except ExportVerifyError:
        raise
    except Exception as error:  # any failure to read back means the file is not good
        raise ExportVerifyError(f"导出文件读回失败：{error}") from error


def export_ledger(ledger: Ledger, out: str | Path, *, mask: bool = False,
                  password: str | None = None, grid_node: int | None = None,
                  for_office: str | None = None, full: bool = False,
                  progress: Progress | None = None,
                  cancelled: Cancelled | None = None) -> ExportResult:
    """Write the exchange file. for_office: the office it goes to (uuid, or the name its own
    files give): only what it has not acknowledged, unless `full`."""
    import time

    access.require_secretary(ledger, "导出交换文件")
    started = time.perf_counter()
    out = Path(out)
    progress = progress or (lambda _label, _fraction: None)
    cancelled = cancelled or (lambda: False)
    progress("正在准备导出…", 0.0)
    scope = scope_for(ledger, for_office, full, grid_node)
    if mask:
        scope.since = 0  # a file only to look at: everything in scope
    with ledger.transaction():  # one read snapshot: counts, rows and the tick agree
        result, exported_at, temp = _export(ledger, out, scope, mask, password, progress,
                                            cancelled)
    # Nothing is marked as shared: what the receiver holds is known only from its own files.
    kind = "增量" if scope.incremental else "全量"
    privacy = "已隐去个人信息" if mask else \
        "含完整证件号，已设打开密码" if password else "含完整证件号，未设打开密码"
    try:
        # Audited before the file is put in place: a ledger that cannot record the export
        # (read-only, full disk) gets no file with full IDs either.
        with ledger.transaction():
            merge.log_sync(ledger, "export", out.name, dict(result.counts), scope.office,
                           scope.name, exported_at, note=f"{scope.label}，{kind}（{privacy}）")
        os.replace(temp, out)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    progress("导出完成", 1.0)
    result.seconds = time.perf_counter() - started
    return result


def _export(ledger: Ledger, out: Path, scope: Scope, mask: bool, password: str | None,
            progress: Progress, cancelled: Cancelled) -> tuple[ExportResult, str, Path]:
    """Write and check the file under a temporary name beside `out`; returns it with the
    result (the caller audits, then puts it in place)."""
    sel = scope_mod.selection(ledger, scope)
    to_seq = merge.clock(ledger)
    lays = schema.layouts(ledger)
    counts: dict[str, tuple[int, int]] = {}
    for lay in lays:
        where, params = scope_mod.where(sel, lay.table, scope)
        total, deleted = ledger.conn.execute(
            f"SELECT count(*), coalesce(sum(deleted), 0) FROM {lay.table} WHERE {where}",
            params).fetchone()
        counts[lay.title] = (int(total), int(deleted))
    grand = sum(c[0] for c in counts.values()) or 1
    exported_at = utcnow()
    readme = _readme(ledger, counts, mask, scope, exported_at, to_seq)
    refs: dict[str, tuple[dict[int, str], dict[int, str]]] = {}
    for lay in lays:
        for col in lay.columns:
            if col.kind == "ref" and col.ref_table not in refs:
                refs[col.ref_table or ""] = schema.ref_names(ledger, col.ref_table or "")
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if cancelled():
            raise ExportCancelled("已取消导出")
        progress(f"正在写出 {done[0]}/{grand} 行…", 0.85 * done[0] / grand)

    written: dict[str, int] = {}
    headers: dict[str, list[str]] = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_parts(out.parent)
    handle, temp_name = tempfile.mkstemp(prefix=".~" + out.stem, suffix=".xlsx.part",
                                         dir=out.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        # With a password the plain workbook exists only in memory, never as a file.
        sink: Any = io.BytesIO() if password else open(temp, "wb")  # noqa: SIM115
        with sink:
            book = StreamBook(sink, exported_at)
            try:
                with book.sheet(schema.README_SHEET, [24, 80], len(readme) + 1) as info:
                    info.header(["项目", "内容"])
                    for key, value in readme:
                        info.row([key, value])
                for lay in lays:
                    written[lay.title] = _write_table(book, ledger, lay, sel, scope, mask,
                                                      counts[lay.title][0], refs, tick)
                    headers[lay.title] = lay.headers
                book.close()
            except BaseException:
                book.abort()
                raise
            progress("正在保存文件…", 0.87)
            if password:
                import msoffcrypto.format.ooxml

                sink.seek(0)
                with open(temp, "wb") as encrypted:
                    msoffcrypto.format.ooxml.OOXMLFile(sink).encrypt(password, encrypted)
            else:
                sink.flush()
        with open(temp, "r+b") as handle_:
            os.fsync(handle_.fileno())
        if cancelled():
            raise ExportCancelled("已取消导出")
        progress("正在读回并核对导出文件…", 0.9)
        _verify(temp, password, readme, written, headers)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return ExportResult(out, written, mask, bool(password), 0.0, scope.incremental,
                        scope.name), exported_at, temp


__all__ = ["ExportCancelled", "ExportResult", "ExportVerifyError", "Scope", "TEXT_FORMAT",
           "export_ledger", "pending_changes", "scope_for"]
