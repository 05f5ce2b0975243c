"""Printing many cards into one PDF: who is printed, in which order, with progress and cancel.

`print_cards(ledger, job, out)` is the one entry point the CLI and the app use. The PDF is
written to a temporary file beside `out` and renamed into place only when complete, so a
cancelled or failed run never leaves a half-written file under the requested name.

反馈卡 carry their 回执's number on the tear-off part: the receipts (db.receipts) are numbered
before the first card is drawn, counted as printed once the PDF is in place, and those this
run numbered are removed again when it is cancelled or fails."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportlab import rl_config

from db import members, receipts
from db.errors import ValidationError
from db.ledger import Ledger
from db.periods import parse_period

from . import data
from .draw import Painter, new_canvas
from .feedback import layout_feedback
from .fonts import FontSet
from .info import layout_info
from .layout import Layout, Page, style_for
from .record import layout_record

Progress = Callable[[str, float], None]
Cancelled = Callable[[], bool]

KINDS = {"record": "纪实卡", "feedback": "反馈卡", "info": "基本信息卡"}
DOC_TITLES = {"record": "在职党员进社区情况纪实卡", "feedback": "在职党员进社区反馈卡",
              "info": "在职党员基本信息卡", "unit-feedback": "报到单位党组织进社区反馈卡"}


class PrintCancelled(Exception):
    """The user stopped the batch; nothing was written."""


@dataclass
class PrintJob:
    kind: str  # record, feedback, info
    period: str | None = None
    paper: str = "A4"  # A4 or A5
    two_up: bool = False  # two A5 cards side by side on one A4 sheet
    full_id: bool = False  # info cards: the whole ID number instead of 6 + 4 digits
    units: bool = False  # feedback cards for reporting units instead of members
    member_ids: list[int] | None = None  # hand-picked, printed in this order
    node_id: int | None = None  # everyone living in this grid subtree
    unit_id: int | None = None  # members of this work unit (or, with units=True, this unit)
    signatures: bool = False  # 纪实卡: a 本人签名 column, each member signing their own rows

    def check(self) -> None:
        if self.kind not in KINDS:
            raise ValidationError("kind", "卡片类型", f"应为 {'、'.join(KINDS)} 之一")
        if self.kind != "info" and not self.period:
            raise ValidationError("period", "期间", "打印纪实卡和反馈卡须指定期间，如 2026H1")
        if self.paper not in ("A4", "A5"):
            raise ValidationError("paper", "纸张", "应为 A4 或 A5")
        if self.two_up:
            self.paper = "A5"
        if self.units and self.kind != "feedback":
            raise ValidationError("units", "打印对象", "只有反馈卡有报到单位版")
        if self.signatures and self.kind != "record":
            raise ValidationError("signatures", "本人签名栏", "只有纪实卡有本人签名栏")


@dataclass
class PrintResult:
    path: Path
    cards: int
    pages: int  # physical PDF pages (sheets when two-up)
    font: str
    embedded: bool
    warnings: list[str] = field(default_factory=list)  # fonts: show prominently
    notes: list[str] = field(default_factory=list)  # e.g. cards without an evaluation


def member_ids(ledger: Ledger, job: PrintJob) -> list[int]:
    """The members to print, in a stable order: hand-picked ones as given; otherwise by name
    (pinyin), feedback cards grouped by work unit so each unit's cards come out together.
    Cards of a period leave out whoever reported after it ended (late_reporters)."""
    if job.member_ids is not None:
        seen: dict[int, None] = {}
        for mid in job.member_ids:
            seen.setdefault(int(mid), None)
        ids = list(seen)
    else:
        cte, where, params = members.filter_clause(node_id=job.node_id, unit_id=job.unit_id)
        order = "m.name_pinyin, m.id"
        if job.kind == "feedback":  # by the unit's pinyin, then its name when not registered
            order = "coalesce(u.name_initials, ''), m.work_unit_name, " + order
        rows = ledger.conn.execute(
            f"{cte}SELECT m.id FROM members m LEFT JOIN units u ON u.id = m.work_unit_id "
            f"WHERE {where} ORDER BY {order}", params).fetchall()
        ids = [r[0] for r in rows]
    late = {i for i, _name in late_reporters(ledger, job, ids)}
    return [i for i in ids if i not in late] if late else ids


def unit_ids(ledger: Ledger, job: PrintJob) -> list[int]:
    if job.unit_id is not None:
        ids = [job.unit_id]
    else:
        from db.units import list_units

        ids = [u["id"] for u in list_units(ledger, node_id=job.node_id)]
    late = {i for i, _name in late_reporters(ledger, job, ids)}
    return [i for i in ids if i not in late] if late else ids


def late_reporters(ledger: Ledger, job: PrintJob, ids: list[int]) -> list[tuple[int, str]]:
    """(id, name) of the members (or units) among ids that reported after the period's end:
    a 2026H1 反馈卡 or 纪实卡 would report on a half-year they were not yet part of."""
    if job.kind not in ("feedback", "record") or not job.period:
        return []
    end = parse_period(job.period).end
    table = "units" if job.units else "members"
    out: list[tuple[int, str]] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out += ledger.conn.execute(
            f"SELECT id, name FROM {table} WHERE id IN ({', '.join('?' * len(chunk))}) "
            "AND report_date > ? ORDER BY report_date, id", (*chunk, end)).fetchall()
    return [(int(r[0]), str(r[1])) for r in out]


def _late_note(ledger: Ledger, job: PrintJob) -> str:
    """Who was left out for reporting late, for the result's notes."""
    if job.kind not in ("feedback", "record") or not job.period:
        return ""
    if job.units:
        from db.units import list_units

        every = [job.unit_id] if job.unit_id is not None else \
            [u["id"] for u in list_units(ledger, node_id=job.node_id)]
    elif job.member_ids is not None:
        every = [int(m) for m in job.member_ids]
    else:
        cte, where, params = members.filter_clause(node_id=job.node_id, unit_id=job.unit_id)
        every = [r[0] for r in ledger.conn.execute(f"{cte}SELECT m.id FROM members m WHERE {where}",
                                                   params)]
    late = late_reporters(ledger, job, every)
    if not late:
        return ""
    period = parse_period(job.period)
    names = "、".join(name for _i, name in late[:10]) + ("等" if len(late) > 10 else "")
    who = "个单位" if job.units else "名党员"
    return (f"{len(late)}{who}在{period.label}结束（{period.end}）以后才报到，"
            f"不打印本期{KINDS[job.kind]}：{names}")


def print_cards(ledger: Ledger, job: PrintJob, out: str | Path,
                progress: Progress | None = None, cancelled: Cancelled | None = None,
                fonts: FontSet | None = None, today: str | None = None) -> PrintResult:
    job.check()
    out = Path(out)
    progress = progress or (lambda _label, _fraction: None)
    cancelled = cancelled or (lambda: False)
    period = parse_period(job.period) if job.period else None
    base = data.common(ledger, period)
    progress("正在准备字体…", 0.0)
    fonts = fonts or FontSet.discover()
    ids = unit_ids(ledger, job) if job.units else member_ids(ledger, job)
    late_note = _late_note(ledger, job)
    if not ids:
        raise ValidationError("selection", "打印范围", late_note or "所选范围内没有可打印的党员或单位")
    style = style_for(job.paper)
    doc_kind = "unit-feedback" if job.units else job.kind
    title = DOC_TITLES[doc_kind] + (f"（{period.label}）" if period else "")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    # Binary (not ASCII85) streams: a third smaller and much faster to write.
    saved_a85, rl_config.useA85 = rl_config.useA85, 0
    canvas = new_canvas(str(tmp), title, f"{base.office}党组织",
                        f"{len(ids)}张，{base.street}{base.community}", fonts.primary)
    painter = Painter(canvas, fonts)
    pending: list[Page] = []
    sheets = 0
    notes: list[str] = []  # subjects not yet evaluated
    layout_notes: list[str] = []
    numbers: dict[int, str] = {}  # 反馈卡: subject id -> its 回执's number
    numbered: list[dict] = []
    if job.kind == "feedback" and period is not None:
        progress("正在登记回执编号…", 0.0)
        found = receipts.feedback_receipts(ledger, period.code, [] if job.units else ids,
                                           ids if job.units else [], today)
        numbered = list(found.values())
        numbers = {(u if job.units else m) or 0: str(r["number"]) for (m, u), r in found.items()}
    printed = False
    try:
        for done, subject_id in enumerate(ids):
            if cancelled():
                raise PrintCancelled()
            pages, name = _layout_one(ledger, job, subject_id, base, fonts, style, notes,
                                      layout_notes, today, numbers.get(subject_id, ""))
            if done % 10 == 0 or done == len(ids) - 1:
                progress(f"正在生成{KINDS[job.kind]}：{done + 1}/{len(ids)}（{name}）",
                         (done + 1) / (len(ids) + 1))
            if not job.two_up:
                for page in pages:
                    painter.page(page)
                    sheets += 1
                continue
            pending += pages
            while len(pending) >= 2:
                painter.sheet(pending[:2])
                pending = pending[2:]
                sheets += 1
        if pending:
            painter.sheet([pending[0], None])
            sheets += 1
        progress("正在写入PDF文件…", len(ids) / (len(ids) + 1))
        canvas.save()
        os.replace(tmp, out)
        printed = True
    finally:
        rl_config.useA85 = saved_a85
        tmp.unlink(missing_ok=True)
        if numbered and not printed:
            receipts.discard_unprinted(ledger, numbered)
    if numbered:  # each card's 回执, ticked off in 回执登记 when it comes back
        receipts.track_feedback(ledger, period.code if period else "",
                                [] if job.units else ids, ids if job.units else [], today)
    if job.kind == "info" and job.full_id and not job.units:
        from db import audit
        from db.access import is_secretary

        audit.record(ledger, "打印完整证件号", f"基本信息卡{len(ids)}张（{out.name}）",
                     "成功" if is_secretary(ledger) else "非书记用户，证件号仍打码")
    progress("完成", 1.0)
    summary = []
    if notes and period is not None:
        shown = "、".join(notes[:10]) + ("等" if len(notes) > 10 else "")
        summary.append(f"{len(notes)}张反馈卡的对象{period.label}尚未评价，评价等次留空：{shown}")
    if late_note:
        summary.append(late_note)
    return PrintResult(out, len(ids), sheets, fonts.primary_label, fonts.embedded,
                       fonts.warnings, summary + layout_notes)


def _layout_one(ledger: Ledger, job: PrintJob, subject_id: int, base: data.Common,
                fonts: FontSet, style, notes: list[str], layout_notes: list[str],
                today: str | None, receipt_number: str = "") -> tuple[list[Page], str]:
    lay = Layout(fonts, style)
    pages, name = _lay_out(lay, ledger, job, subject_id, base, fonts, notes, today,
                           receipt_number)
    layout_notes += lay.notes
    return pages, name


def _lay_out(lay: Layout, ledger: Ledger, job: PrintJob, subject_id: int, base: data.Common,
             fonts: FontSet, notes: list[str], today: str | None,
             receipt_number: str = "") -> tuple[list[Page], str]:
    if job.units:
        card = data.unit_feedback(ledger, subject_id, base)
        card.receipt_number = receipt_number
        fonts.context = f"报到单位“{card.subject}”（编号{subject_id}）"
        notes += card.notes
        return layout_feedback(lay, card, base), card.subject
    if job.kind == "record":
        assert base.period is not None
        record = data.record_card(ledger, subject_id, base.period)
        name = record.member["name"]
        fonts.context = f"党员“{name}”（编号{subject_id}）"
        return layout_record(lay, record, base, job.signatures), name
    if job.kind == "feedback":
        card = data.member_feedback(ledger, subject_id, base)
        card.receipt_number = receipt_number
        fonts.context = f"党员“{card.subject}”（编号{subject_id}）"
        notes += card.notes
        return layout_feedback(lay, card, base), card.subject
    info = data.info_card(ledger, subject_id, job.full_id)
    name = info.member["name"]
    fonts.context = f"党员“{name}”（编号{subject_id}）"
    return layout_info(lay, info, base, today), name
