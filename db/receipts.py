"""回执: the tear-off slips that go out on paper and should come back.

Two kinds. A 报到单 receipt belongs to the 报到登记表 printed when a unit or a member reports:
the form keeps the community's 接收意见, and its tear-off 回执 (with the receipt's number)
goes to the unit or member. A 反馈卡 receipt is made for each 反馈卡 printed (one per subject
and evaluation period, numbered before the card is drawn so that its tear-off 回执 prints the
number; a reprint counts on the same row and keeps it), so that the 回执 the work unit
signs and sends back can be ticked off by number (printed_date stays the day of the first
print). Each is numbered 社区回执-年份-序号 once and for all;
`mark_returned` records the day it came back, and `listing(outstanding=True)` is what is
still out. Printing and returns are audited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from . import audit, records
from .errors import NotFoundError, RuleError, ValidationError
from .ledger import Ledger
from .paper_numbers import community, count_print, next_serial
from .periods import parse_period
from .validate import clean, nfkc, parse_date

REPORT, FEEDBACK = "报到单", "反馈卡"
KINDS = (REPORT, FEEDBACK)
OPINION_LIMIT = 200  # characters of 接收意见 the form's box holds
DEFAULT_OPINION = "经审核，同意接收报到。"


def prefix(ledger: Ledger, year: int) -> str:
    return f"{community(ledger)}回执-{year}-"


def _today(today: Any) -> str:
    return parse_date(today or dt.date.today().isoformat(), "printed_date", "打印日期",
                      allow_blank=False)


def _subject(ledger: Ledger, member_id: int | None, unit_id: int | None) -> str:
    if (member_id is None) == (unit_id is None):
        raise ValidationError("member_id", "回执对象", "党员和单位应填且只填一个")
    if member_id is not None:
        return str(records.get(ledger, "members", member_id)["name"])
    return str(records.get(ledger, "units", unit_id or 0)["name"])


def _new(ledger: Ledger, kind: str, member_id: int | None, unit_id: int | None,
         day: str, **values: Any) -> int:
    head = prefix(ledger, int(day[:4]))
    number = f"{head}{next_serial(ledger, 'receipts', head):04d}"
    return records.insert(ledger, "receipts", {
        "kind": kind, "number": number, "member_id": member_id, "unit_id": unit_id,
        "printed_date": day, **values})


def report_receipt(ledger: Ledger, member_id: int | None = None, unit_id: int | None = None,
                   opinion: str | None = None, today: Any = None) -> int:
    """The 报到登记表's receipt of a member or unit: the existing one (its 接收意见 updated
    when given), else a new numbered one. Printing is counted by `printed`."""
    text = clean(opinion) if opinion is not None else None
    if text is not None and len(text) > OPINION_LIMIT:
        raise ValidationError("opinion", "社区接收意见", f"不能超过{OPINION_LIMIT}字")
    with ledger.transaction():
        _subject(ledger, member_id, unit_id)
        row = _find(ledger, REPORT, member_id, unit_id, "")
        if row is not None:
            if text is not None:
                records.update(ledger, "receipts", row["id"], {"opinion": text})
            return int(row["id"])
        return _new(ledger, REPORT, member_id, unit_id, _today(today),
                    opinion=DEFAULT_OPINION if text is None else text)


def _find(ledger: Ledger, kind: str, member_id: int | None, unit_id: int | None,
          period: str) -> dict[str, Any] | None:
    return ledger.one("SELECT * FROM receipts WHERE deleted = 0 AND kind = ? AND member_id IS ? "
                      "AND unit_id IS ? AND period = ? ORDER BY id LIMIT 1",
                      (kind, member_id, unit_id, period))


def get(ledger: Ledger, receipt_id: int) -> dict[str, Any]:
    return records.get(ledger, "receipts", receipt_id)


def by_number(ledger: Ledger, number: str) -> dict[str, Any]:
    row = ledger.one("SELECT * FROM receipts WHERE number = ? AND deleted = 0 ORDER BY id LIMIT 1",
                     (clean(number),))
    if row is None:
        raise NotFoundError(f"回执编号：找不到“{number}”")
    return row


def printed(ledger: Ledger, receipt_id: int, file_name: str = "") -> bool:
    """Count one print of a 报到登记表; True when it is a reprint (补打). Audited."""
    with ledger.transaction():
        row = get(ledger, receipt_id)
        who = _subject(ledger, row["member_id"], row["unit_id"])
        return count_print(ledger, "receipts", row, "报到登记表", f"{row['number']} {who}",
                           file_name)


def feedback_receipts(ledger: Ledger, period: str, member_ids: Iterable[int] = (),
                      unit_ids: Iterable[int] = (),
                      today: Any = None) -> dict[tuple[int | None, int | None], dict[str, Any]]:
    """The 反馈卡 回执 of each subject for the period, {(member_id, unit_id): row}, numbered now
    when there is none yet (prints 0 until `track_feedback` counts the print): a card's
    tear-off part prints its number, so the row exists before the PDF is drawn, and a reprint
    keeps it. One transaction; a few queries whatever the number of subjects."""
    day = _today(today)
    if not clean(period):
        raise ValidationError("period", "反馈期间", "不能为空")
    code = parse_period(clean(period)).code  # 2026年上半年 and 2026h1 alike: 2026H1
    subjects = list(dict.fromkeys([(int(m), None) for m in member_ids]
                                  + [(None, int(u)) for u in unit_ids]))
    out: dict[tuple[int | None, int | None], dict[str, Any]] = {}
    with ledger.transaction():
        for row in ledger.query("SELECT * FROM receipts WHERE deleted = 0 AND kind = ? "
                                "AND period = ? ORDER BY id", (FEEDBACK, code)):
            out.setdefault((row["member_id"], row["unit_id"]), row)
        missing = [s for s in subjects if s not in out]
        if missing:
            head = prefix(ledger, int(day[:4]))
            serial = next_serial(ledger, "receipts", head)
            for member_id, unit_id in missing:
                _subject(ledger, member_id, unit_id)
                number = f"{head}{serial:04d}"
                serial += 1
                values: dict[str, Any] = {
                    "kind": FEEDBACK, "number": number, "member_id": member_id,
                    "unit_id": unit_id, "printed_date": day, "period": code, "prints": 0}
                values["id"] = records.insert(ledger, "receipts", dict(values))
                out[(member_id, unit_id)] = values
    return {s: out[s] for s in subjects}


def discard_unprinted(ledger: Ledger, rows: Iterable[dict[str, Any]]) -> int:
    """A print that failed or was cancelled: the receipts it numbered and never printed
    (prints still 0) are removed again (their numbers are not given again)."""
    ids = [int(r["id"]) for r in rows if not r["prints"]]
    with ledger.transaction():
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            records.tombstone_where(ledger, "receipts", f"prints = 0 AND id IN "
                                    f"({', '.join('?' * len(chunk))})", tuple(chunk))
    return len(ids)


def track_feedback(ledger: Ledger, period: str, member_ids: Iterable[int] = (),
                   unit_ids: Iterable[int] = (), today: Any = None) -> int:
    """Count a print of each subject's 反馈卡 (its 回执 numbered if it was not yet): returns
    how many 回执 were printed for the first time. Audited."""
    with ledger.transaction():
        rows = feedback_receipts(ledger, period, member_ids, unit_ids, today)
        made = sum(1 for row in rows.values() if not row["prints"])
        for row in rows.values():
            records.update(ledger, "receipts", row["id"], {"prints": row["prints"] + 1})
        if rows:
            code = parse_period(clean(period)).code
            audit.record(ledger, "打印反馈卡", f"{code} {len(rows)}份（新登记回执{made}份）")
    return made


def find(ledger: Ledger, text: str) -> dict[str, Any]:
    """A receipt by its number as typed or scanned: the whole number, or its year and 序号
    (2026-0007, 2026-7); full-width digits and dashes are read as ASCII."""
    typed = clean(text).replace(" ", "")
    if not typed:
        raise ValidationError("number", "回执编号", "不能为空")
    rows = ledger.query("SELECT * FROM receipts WHERE deleted = 0 AND number = ?", (typed,))
    tail = re.search(r"(\d{4})[-－—_/](\d{1,6})$", nfkc(typed).replace("—", "-"))
    if not rows and tail:
        wanted = f"回执-{tail.group(1)}-{int(tail.group(2)):04d}"
        rows = ledger.query("SELECT * FROM receipts WHERE deleted = 0 AND substr(number, ?) = ? "
                            "ORDER BY id", (-len(wanted), wanted))
        if len(rows) > 1:  # rows merged in from other offices of the same year and 序号
            own = prefix(ledger, int(tail.group(1)))
            rows = [r for r in rows if r["number"].startswith(own)] or rows
    if not rows:
        raise NotFoundError(f"回执编号：找不到“{typed}”（可写完整编号，或年份和序号，如 2026-0007）")
    return rows[0]


def mark_returned(ledger: Ledger, receipt_id: int, date: Any = None, returned_by: str = "",
                  note: str | None = None) -> None:
    """登记收回: the 回执 came back on `date` (default today)."""
    day = parse_date(date or dt.date.today().isoformat(), "returned_date", "收回日期",
                     allow_blank=False)
    with ledger.transaction():
        row = get(ledger, receipt_id)
        if row["returned_date"]:
            raise RuleError(f"回执{row['number']}已于{row['returned_date']}登记收回")
        if row["printed_date"] and day < row["printed_date"]:
            raise ValidationError("returned_date", "收回日期",
                                  f"早于打印日期{row['printed_date']}")
        if day > dt.date.today().isoformat():
            raise ValidationError("returned_date", "收回日期", "不能晚于今天")
        values: dict[str, Any] = {"returned_date": day, "returned_by": clean(returned_by)}
        if note is not None:
            values["note"] = clean(note)
        records.update(ledger, "receipts", receipt_id, values)
        audit.record(ledger, "登记回执收回", f"{row['number']}（{row['kind']}）{day}")


def undo_returned(ledger: Ledger, receipt_id: int) -> None:
    """A return entered by mistake: the 回执 is outstanding again (audited)."""
    with ledger.transaction():
        row = get(ledger, receipt_id)
        if not row["returned_date"]:
            raise RuleError(f"回执{row['number']}尚未登记收回")
        records.update(ledger, "receipts", receipt_id, {"returned_date": "", "returned_by": ""})
        audit.record(ledger, "撤销回执收回", f"{row['number']}（原登记{row['returned_date']}）")


def listing(ledger: Ledger, kind: str | None = None, outstanding: bool = False,
            text: str = "", today: dt.date | None = None) -> list[dict[str, Any]]:
    """The 回执 register: subject, the unit the paper went to, and days out for those not
    back yet; oldest first."""
    clauses, params = ["r.deleted = 0"], []  # type: list[str], list[Any]
    if kind:
        clauses.append("r.kind = ?")
        params.append(kind)
    if outstanding:
        clauses.append("r.returned_date = ''")
    if text:
        clauses.append("(r.number LIKE ? OR m.name LIKE ? OR u.name LIKE ?)")
        params += [f"%{text}%"] * 3
    rows = ledger.query(
        "SELECT r.*, coalesce(m.name, u.name, '') AS subject, "
        "CASE WHEN r.member_id IS NOT NULL THEN '党员' ELSE '单位' END AS subject_kind, "
        "CASE WHEN r.member_id IS NOT NULL THEN coalesce(w.name, nullif(m.work_unit_name, ''), '') "
        "ELSE u.name END AS addressee "
        "FROM receipts r LEFT JOIN members m ON m.id = r.member_id "
        "LEFT JOIN units u ON u.id = r.unit_id LEFT JOIN units w ON w.id = m.work_unit_id "
        f"WHERE {' AND '.join(clauses)} ORDER BY r.printed_date, r.number, r.id", params)
    day = today or dt.date.today()
    for row in rows:
        row["days_out"] = None
        if not row["returned_date"] and row["printed_date"]:
            row["days_out"] = (day - dt.date.fromisoformat(row["printed_date"])).days
    return rows


def clean_row(row: dict[str, Any]) -> dict[str, Any]:
    """A receipt row as this module writes it (an exchange file's rows are checked by it)."""
    out = dict(row)
    if out.get("kind") not in KINDS:
        raise ValidationError("kind", "回执类型", f"应为 {'、'.join(KINDS)} 之一")
    if not clean(out.get("number")):
        raise ValidationError("number", "回执编号", "不能为空")
    if (out.get("member_id") is None) == (out.get("unit_id") is None):
        raise ValidationError("member_id", "回执对象", "党员和单位应填且只填一个")
    if out["kind"] == FEEDBACK and not clean(out.get("period")):
        raise ValidationError("period", "反馈期间", "反馈卡回执须写明期间，如 2026H1")
    printed_day = parse_date(out.get("printed_date"), "printed_date", "打印日期")
    back = parse_date(out.get("returned_date"), "returned_date", "收回日期")
    if back and printed_day and back < printed_day:
        raise ValidationError("returned_date", "收回日期", f"早于打印日期{printed_day}")
    return out
