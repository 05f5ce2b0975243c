"""Reporting periods as the street office names them: 2026, 2026H1, 2026Q3, 2026-05."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .errors import ValidationError


@dataclass(frozen=True)
class Period:
    code: str
    start: str  # inclusive ISO date
    end: str  # inclusive ISO date
    label: str  # 2026年上半年

    def contains(self, date: str) -> bool:
        return bool(date) and self.start <= date[:10] <= self.end


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def parse_period(code: str) -> Period:
    text = code.strip().upper()
    if m := re.fullmatch(r"(\d{4})", text):
        y = int(m.group(1))
        return Period(text, f"{y}-01-01", f"{y}-12-31", f"{y}年")
    if m := re.fullmatch(r"(\d{4})H([12])", text):
        y, h = int(m.group(1)), int(m.group(2))
        first, last = (1, 6) if h == 1 else (7, 12)
        return Period(text, f"{y}-{first:02d}-01", f"{y}-{last:02d}-{_last_day(y, last):02d}",
                      f"{y}年{'上' if h == 1 else '下'}半年")
    if m := re.fullmatch(r"(\d{4})Q([1-4])", text):
        y, q = int(m.group(1)), int(m.group(2))
        first, last = 3 * q - 2, 3 * q
        return Period(text, f"{y}-{first:02d}-01", f"{y}-{last:02d}-{_last_day(y, last):02d}",
                      f"{y}年第{'一二三四'[q - 1]}季度")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return Period(f"{y}-{mo:02d}", f"{y}-{mo:02d}-01",
                          f"{y}-{mo:02d}-{_last_day(y, mo):02d}", f"{y}年{mo}月")
    raise ValidationError("period", "期间", f"“{code}”无法识别，应写成 2026、2026H1、2026Q3 或 2026-05")


def half_year_of(date: dt.date) -> str:
    return f"{date.year}H{1 if date.month <= 6 else 2}"


def quarter_of(date: dt.date) -> str:
    return f"{date.year}Q{(date.month - 1) // 3 + 1}"


def recent_periods(today: dt.date | None = None) -> list[tuple[str, Period]]:
    """The choices a period filter offers: this/last month, quarter and year."""
    today = today or dt.date.today()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    this_q = parse_period(quarter_of(today))
    last_q = parse_period(quarter_of(dt.date.fromisoformat(this_q.start) - dt.timedelta(days=1)))
    return [
        ("本月", parse_period(f"{today.year}-{today.month:02d}")),
        ("上月", parse_period(f"{last_month.year}-{last_month.month:02d}")),
        ("本季度", this_q), ("上季度", last_q),
        ("本年", parse_period(str(today.year))), ("去年", parse_period(str(today.year - 1))),
    ]
