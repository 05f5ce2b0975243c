"""培训 and 表彰奖励 of a member: dated entries with the issuing body (and, for an award, its
level). They print on the 基本信息卡 and, on request, on a 志愿服务记录证明.

Entries are synced records like any other: an edit bumps the revision, a removal is a
tombstone that travels in the exchange file; a 网格员 keeps those of their own grid's members
(db.access)."""

from __future__ import annotations

from typing import Any

from . import members, records
from .errors import ValidationError
from .ledger import Ledger
from .validate import clean, one_of, parse_date, parse_number, required

LEVELS = ("国家级", "省级", "市级", "区级", "街道级", "社区级")
MAX_HOURS = 2000  # 学时 of one training; a year's full-time course stays below this
TEXT_LIMIT = 200

TRAINING_FIELDS = ("date", "title", "issuer", "hours", "note")
AWARD_FIELDS = ("date", "title", "issuer", "level", "note")


def _text(value: Any, field: str, label: str, need: bool = False) -> str:
    text = required(value, field, label) if need else clean(value)
    if len(text) > TEXT_LIMIT:
        raise ValidationError(field, label, f"不能超过{TEXT_LIMIT}个字")
    return text


def clean_training(values: dict[str, Any]) -> dict[str, Any]:
    """The training form's rules; only the fields given are checked (an edit may name one)."""
    out = dict(values)
    if "date" in out:
        out["date"] = parse_date(out["date"], "date", "培训日期", allow_blank=False)
    if "title" in out:
        out["title"] = _text(out["title"], "title", "培训名称", need=True)
    if "issuer" in out:
        out["issuer"] = _text(out["issuer"], "issuer", "主办单位")
    if "hours" in out:
        out["hours"] = parse_number(out["hours"], "hours", "学时", minimum=0,
                                    maximum=MAX_HOURS, default=0)
    if "note" in out:
        out["note"] = _text(out["note"], "note", "备注")
    return out


def clean_award(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "date" in out:
        out["date"] = parse_date(out["date"], "date", "表彰日期", allow_blank=False)
    if "title" in out:
        out["title"] = _text(out["title"], "title", "荣誉名称", need=True)
    if "issuer" in out:
        out["issuer"] = _text(out["issuer"], "issuer", "授予单位")
    if "level" in out:
        out["level"] = one_of(out["level"], LEVELS, "level", "表彰级别", allow_blank=True)
    if "note" in out:
        out["note"] = _text(out["note"], "note", "备注")
    return out


# -- trainings ---------------------------------------------------------------------------------

def add_training(ledger: Ledger, member_id: int, date: Any, title: str, issuer: str = "",
                 hours: Any = 0, note: str = "") -> int:
    row = clean_training({"date": date, "title": title, "issuer": issuer, "hours": hours,
                          "note": note})
    with ledger.transaction():
        members.get_member(ledger, member_id)
        return records.insert(ledger, "trainings", {"member_id": member_id, **row})


def update_training(ledger: Ledger, training_id: int, **changes: Any) -> bool:
    records.only_known(changes, TRAINING_FIELDS)
    with ledger.transaction():
        return records.update(ledger, "trainings", training_id, clean_training(changes))


def delete_training(ledger: Ledger, training_id: int) -> None:
    with ledger.transaction():
        records.tombstone(ledger, "trainings", training_id)


def get_training(ledger: Ledger, training_id: int) -> dict[str, Any]:
    return records.get(ledger, "trainings", training_id)


def member_trainings(ledger: Ledger, member_id: int) -> list[dict[str, Any]]:
    """Newest first, as the card lists them."""
    return ledger.query("SELECT * FROM trainings WHERE member_id = ? AND deleted = 0 "
                        "ORDER BY date DESC, id DESC", (member_id,))


# -- awards ------------------------------------------------------------------------------------

def add_award(ledger: Ledger, member_id: int, date: Any, title: str, issuer: str = "",
              level: str = "", note: str = "") -> int:
    row = clean_award({"date": date, "title": title, "issuer": issuer, "level": level,
                       "note": note})
    with ledger.transaction():
        members.get_member(ledger, member_id)
        return records.insert(ledger, "awards", {"member_id": member_id, **row})


def update_award(ledger: Ledger, award_id: int, **changes: Any) -> bool:
    records.only_known(changes, AWARD_FIELDS)
    with ledger.transaction():
        return records.update(ledger, "awards", award_id, clean_award(changes))


def delete_award(ledger: Ledger, award_id: int) -> None:
    with ledger.transaction():
        records.tombstone(ledger, "awards", award_id)


def get_award(ledger: Ledger, award_id: int) -> dict[str, Any]:
    return records.get(ledger, "awards", award_id)


def member_awards(ledger: Ledger, member_id: int) -> list[dict[str, Any]]:
    return ledger.query("SELECT * FROM awards WHERE member_id = ? AND deleted = 0 "
                        "ORDER BY date DESC, id DESC", (member_id,))


# -- as printed --------------------------------------------------------------------------------

def _hours(value: float) -> str:
    return f"{float(value):g}"


def training_line(row: dict[str, Any]) -> str:
    """2026-03-05 党员志愿服务骨干培训（区委组织部，8学时）"""
    extra = "，".join(x for x in (row["issuer"], f"{_hours(row['hours'])}学时"
                                  if row["hours"] else "") if x)
    return f"{row['date']} {row['title']}" + (f"（{extra}）" if extra else "")


def award_line(row: dict[str, Any]) -> str:
    """2025-07-01 优秀共产党员（区级，中共桃城区委）"""
    extra = "，".join(x for x in (row["level"], row["issuer"]) if x)
    return f"{row['date']} {row['title']}" + (f"（{extra}）" if extra else "")


def lines(ledger: Ledger, member_id: int, start: str = "", end: str = "") -> tuple[list[str],
                                                                                   list[str]]:
    """(training lines, award lines) of the member, oldest first, within start..end if given
    (a certificate lists those of its period)."""
    def inside(row: dict[str, Any]) -> bool:
        return (not start or row["date"] >= start) and (not end or row["date"] <= end)

    trains = [training_line(r) for r in reversed(member_trainings(ledger, member_id)) if inside(r)]
    honours = [award_line(r) for r in reversed(member_awards(ledger, member_id)) if inside(r)]
    return trains, honours
