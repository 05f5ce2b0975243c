"""联席会议: dated meetings of the community with its reporting units."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import records
from .ledger import Ledger
from .validate import clean, parse_date, required

FIELDS = ("date", "title", "place", "topics", "minutes")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in FIELDS}
    out["date"] = parse_date(out["date"], "date", "会议日期", allow_blank=False)
    out["title"] = required(out["title"], "title", "会议名称")
    for key in ("place", "topics", "minutes"):
        out[key] = clean(out[key])
    return out


def _set_attendees(ledger: Ledger, meeting_id: int, unit_ids: Iterable[int]) -> None:
    wanted = list(dict.fromkeys(unit_ids))
    current = {r["unit_id"]: r["id"] for r in ledger.query(
        "SELECT id, unit_id FROM meeting_attendees WHERE meeting_id = ? AND deleted = 0",
        (meeting_id,))}
    for unit_id, row_id in current.items():
        if unit_id not in wanted:
            records.tombstone(ledger, "meeting_attendees", row_id)
    for unit_id in wanted:
        if unit_id not in current:
            records.get(ledger, "units", unit_id)
            records.insert(ledger, "meeting_attendees",
                           {"meeting_id": meeting_id, "unit_id": unit_id})


def add_meeting(ledger: Ledger, unit_ids: Iterable[int] = (), **values: Any) -> int:
    records.only_known(values, FIELDS)
    with ledger.transaction():
        meeting_id = records.insert(ledger, "meetings", _clean(values))
        _set_attendees(ledger, meeting_id, unit_ids)
        return meeting_id


def update_meeting(ledger: Ledger, meeting_id: int, unit_ids: Iterable[int] | None = None,
                   **changes: Any) -> None:
    records.only_known(changes, FIELDS)
    with ledger.transaction():
        current = records.get(ledger, "meetings", meeting_id)
        records.update(ledger, "meetings", meeting_id,
                       _clean({k: current[k] for k in FIELDS} | changes))
        if unit_ids is not None:
            _set_attendees(ledger, meeting_id, unit_ids)


def list_meetings(ledger: Ledger, start: str = "", end: str = "9999") -> list[dict[str, Any]]:
    return ledger.query(
        "SELECT mt.*, (SELECT count(*) FROM meeting_attendees a WHERE a.meeting_id = mt.id "
        "AND a.deleted = 0) AS unit_count FROM meetings mt WHERE mt.deleted = 0 "
        "AND mt.date BETWEEN ? AND ? ORDER BY mt.date DESC, mt.id DESC", (start, end))


def attendees(ledger: Ledger, meeting_id: int) -> list[dict[str, Any]]:
    return ledger.query(
        "SELECT a.*, u.name AS unit_name FROM meeting_attendees a JOIN units u ON u.id = a.unit_id "
        "WHERE a.meeting_id = ? AND a.deleted = 0 ORDER BY u.name_initials", (meeting_id,))
