"""志愿服务记录证明 (民发〔2015〕149号): a numbered certificate of a member's verified service
hours over a period, and the 证明登记簿 of every certificate issued.

A certificate keeps what was certified when it was issued (hours, content, the masked ID),
so a reprint (补打, same number) shows the same figures even if records change later; a
wrong one is voided with its reason, never deleted. Printing and voiding are audited."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from . import activities, audit, members, records, training
from .errors import RuleError, ValidationError
from .ledger import Ledger
from .paper_numbers import community, count_print, next_serial
from .validate import clean, mask_id, normalize_phone, parse_date, required

VALID, VOID = "有效", "作废"
ID_TYPE = "居民身份证"
CONTENT_LIMIT = 300  # characters of 服务内容 on the form


def prefix(ledger: Ledger, year: int) -> str:
    return f"{community(ledger)}-{year}-"


def summary(ledger: Ledger, member_id: int, start: str, end: str) -> dict[str, Any]:
    """What a certificate for the period would say: verified services only."""
    rows = activities.member_services(ledger, member_id, start, end, verified_only=True)
    kinds = Counter(r["kind"] for r in rows)
    titles = list(dict.fromkeys(r["title"] for r in rows))
    content = ""
    if rows:
        content = "参加" + "、".join(f"{k}{n}次" for k, n in kinds.items()) + "，主要有" + \
            "、".join(titles)
        if len(content) > CONTENT_LIMIT:
            content = content[:CONTENT_LIMIT - 1] + "等"
    hours = round(sum(float(r["hours"]) for r in rows), 2)
    return {"times": len(rows), "hours": hours, "content": content, "rows": rows}


def issue(ledger: Ledger, member_id: int, start: Any, end: Any, leader: str, handler: str,
          phone: str = "", issuer: str = "", note: str = "", content: str | None = None,
          issued_date: Any = None, include_records: bool = False) -> int:
    """Register a new certificate and take its number; the caller prints it (printed()).
    With include_records, the member's 培训 and 表彰奖励 of the period are listed on it (the
    lines are kept with the certificate, as its figures are)."""
    start = parse_date(start, "period_start", "服务开始日期", allow_blank=False)
    end = parse_date(end, "period_end", "服务结束日期", allow_blank=False)
    if end < start:
        raise ValidationError("period_end", "服务结束日期", "早于服务开始日期")
    issued = parse_date(issued_date or dt.date.today().isoformat(), "issued_date", "出具日期")
    if issued < start:
        raise ValidationError("issued_date", "出具日期", "早于服务开始日期")
    leader = required(leader, "leader", "负责人")
    handler = required(handler, "handler", "经办人")
    phone = normalize_phone(phone, "phone", "联系电话") if clean(phone) else ""
    with ledger.transaction():
        m = members.get_member(ledger, member_id)
        facts = summary(ledger, member_id, start, min(end, issued))
        if not facts["times"]:
            raise RuleError(f"“{m['name']}”在{start}至{end}没有经社区审核的服务记录，不能出具证明")
        year = int(issued[:4])
        head = prefix(ledger, year)
        serial = next_serial(ledger, "certificates", head)
        ident = ledger.meta("office_name") or ledger.meta("community") or ""
        trains, honours = training.lines(ledger, member_id, start, min(end, issued)) \
            if include_records else ([], [])
        return records.insert(ledger, "certificates", {
            "number": f"{head}{serial:04d}", "community": community(ledger), "year": year,
            "serial": serial, "member_id": member_id, "name": m["name"], "id_type": ID_TYPE,
            "id_masked": mask_id(m["id_number"]) if "*" not in m["id_number"] else m["id_number"],
            "period_start": start, "period_end": end, "times": facts["times"],
            "hours": facts["hours"],
            "content": clean(content) if content is not None else facts["content"],
            "issuer": clean(issuer) or (f"{ident}党组织" if ident else ""), "leader": leader,
            "handler": handler, "phone": phone, "issued_date": issued, "note": clean(note),
            "trainings_text": "\n".join(trains), "awards_text": "\n".join(honours)})


def get(ledger: Ledger, certificate_id: int) -> dict[str, Any]:
    return records.get(ledger, "certificates", certificate_id)


def by_number(ledger: Ledger, number: str) -> dict[str, Any]:
    row = ledger.one("SELECT * FROM certificates WHERE number = ? AND deleted = 0 "
                     "ORDER BY id LIMIT 1", (clean(number),))
    if row is None:
        from .errors import NotFoundError

        raise NotFoundError(f"证明编号：找不到“{number}”")
    return row


def printed(ledger: Ledger, certificate_id: int, file_name: str = "") -> bool:
    """Count one print; True when it is a reprint (补打). Audited either way."""
    with ledger.transaction():
        cert = get(ledger, certificate_id)
        if cert["status"] == VOID:
            raise RuleError(f"证明{cert['number']}已作废（{cert['void_reason']}），不能再打印")
        return count_print(ledger, "certificates", cert, "志愿服务证明",
                           f"{cert['number']} {cert['name']} {cert['hours']:g}小时", file_name)


def void(ledger: Ledger, certificate_id: int, reason: str, date: Any = None) -> None:
    reason = required(reason, "void_reason", "作废原因")
    when = parse_date(date or dt.date.today().isoformat(), "void_date", "作废日期")
    with ledger.transaction():
        cert = get(ledger, certificate_id)
        if cert["status"] == VOID:
            raise RuleError(f"证明{cert['number']}已于{cert['void_date']}作废")
        records.update(ledger, "certificates", certificate_id,
                       {"status": VOID, "void_reason": reason, "void_date": when})
        audit.record(ledger, "作废志愿服务证明", f"{cert['number']} {cert['name']}：{reason}")


def register(ledger: Ledger, year: int | None = None, text: str = "") -> list[dict[str, Any]]:
    """The 证明登记簿: every certificate issued (voided ones too), by number. `duplicate` is
    set when two certificates carry one number (two ledgers of one community issuing apart)."""
    clauses: list[str] = ["deleted = 0"]
    params: list[Any] = []
    if year:
        clauses.append("year = ?")
        params.append(year)
    if text:
        clauses.append("(name LIKE ? OR number LIKE ?)")
        params += [f"%{text}%"] * 2
    rows = ledger.query(
        "SELECT c.*, (SELECT count(*) FROM certificates d WHERE d.number = c.number "
        "AND d.deleted = 0) > 1 AS duplicate FROM certificates c "
        f"WHERE {' AND '.join(clauses)} ORDER BY community, year, serial, id", params)
    return rows
