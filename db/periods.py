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


ONGOING = "（进行中）"
_LABEL_NOTE = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")  # 2026年12月（进行中）
_HALVES = {"上": 1, "下": 2}
_QUARTERS = {c: i + 1 for i, c in enumerate("一二三四")} | {str(i): i for i in range(1, 5)}


def _from_label(text: str) -> str:
    """2026年12月 → 2026-12, 2026年第四季度 → 2026Q4, 2026年上半年 → 2026H1, 2026年 → 2026:
    a box may show a period by its label (with a note such as （进行中）) and still be read."""
    text = _LABEL_NOTE.sub("", text)
    if m := re.fullmatch(r"(\d{4})年(\d{1,2})月", text):
        return f"{m.group(1)}-{m.group(2)}"
    if m := re.fullmatch(r"(\d{4})年第([一二三四1-4])季度", text):
        return f"{m.group(1)}Q{_QUARTERS[m.group(2)]}"
    if m := re.fullmatch(r"(\d{4})年([上下])半年", text):
        return f"{m.group(1)}H{_HALVES[m.group(2)]}"
    if m := re.fullmatch(r"(\d{4})年", text):
        return m.group(1)
    return text


def parse_period(code: str) -> Period:
    text = _from_label(code.strip()).upper()
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


GRANULARITIES = {"month": "按月", "quarter": "按季度", "half": "按半年", "year": "按年"}


def granularity_of(period: Period) -> str:
    code = period.code
    return ("month" if "-" in code else "quarter" if "Q" in code else
            "half" if "H" in code else "year")


def _code_of(granularity: str, day: dt.date) -> str:
    return {"month": f"{day.year}-{day.month:02d}", "quarter": quarter_of(day),
            "half": half_year_of(day), "year": str(day.year)}[granularity]


def previous(period: Period) -> Period:
    day = dt.date.fromisoformat(period.start) - dt.timedelta(days=1)
    return parse_period(_code_of(granularity_of(period), day))


def today() -> dt.date:
    """The date the period choices are made for (one place for tests to set it)."""
    return dt.date.today()


def is_finished(period: Period, on: dt.date | None = None) -> bool:
    return period.end < (on or today()).isoformat()


def last_finished(granularity: str, on: dt.date | None = None) -> Period:
    """The newest period of that length that has ended: on 2026-12-02, 2026-11 / 2026Q3 /
    2026H1 / 2025. Rankings, checks and evaluations open on it, not on the one just begun."""
    return previous(parse_period(_code_of(granularity, on or today())))


def label(period: Period, on: dt.date | None = None) -> str:
    """The label a period box shows: 2026年11月, or 2026年12月（进行中） while it runs."""
    on = on or today()
    return period.label + (ONGOING if period.start <= on.isoformat() <= period.end else "")


def choices(granularity: str, count: int, on: dt.date | None = None) -> list[str]:
    """The labels a period box offers, newest first: the running period (marked 进行中) and
    then count finished ones. The default choice is the second, the last finished period."""
    on = on or today()
    current = parse_period(_code_of(granularity, on))
    out = [label(current, on)]
    for _ in range(count):
        current = previous(current)
        out.append(current.label)
    return out
