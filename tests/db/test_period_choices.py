"""Period boxes show labels (2026年11月, 2026年12月（进行中）) that read back as periods, and
open on the last finished period of their length."""

from __future__ import annotations

import datetime as dt

import pytest

from db import periods
from db.errors import ValidationError

DAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize(("granularity", "running", "finished"), [
    ("month", "2026年12月（进行中）", "2026-11"),
    ("quarter", "2026年第四季度（进行中）", "2026Q3"),
    ("half", "2026年下半年（进行中）", "2026H1"),
    ("year", "2026年（进行中）", "2025"),
])
def test_choices_start_with_the_running_period_and_default_to_the_finished_one(
        granularity, running, finished):
    labels = periods.choices(granularity, 4, DAY)
    assert labels[0] == running and len(labels) == 5
    assert periods.parse_period(labels[1]).code == finished
    assert periods.last_finished(granularity, DAY).code == finished
    assert not any("进行中" in x for x in labels[1:])


def test_first_days_and_year_ends():
    assert periods.last_finished("month", dt.date(2027, 1, 1)).code == "2026-12"
    assert periods.last_finished("quarter", dt.date(2027, 1, 1)).code == "2026Q4"
    assert periods.last_finished("quarter", dt.date(2026, 3, 31)).code == "2025Q4"
    assert periods.choices("month", 2, dt.date(2026, 1, 15)) == [
        "2026年1月（进行中）", "2025年12月", "2025年11月"]


def test_labels_read_back_as_periods():
    for code in ("2026-05", "2026-12", "2026Q1", "2026Q4", "2026H1", "2026H2", "2026"):
        period = periods.parse_period(code)
        assert periods.parse_period(period.label) == period
        assert periods.parse_period(period.label + "（进行中）") == period
    with pytest.raises(ValidationError, match="无法识别"):
        periods.parse_period("2026年第五季度")


def test_is_finished_is_about_the_end_date():
    nov = periods.parse_period("2026-11")
    assert periods.is_finished(nov, DAY)
    assert not periods.is_finished(nov, dt.date(2026, 11, 30))
    assert periods.label(nov, dt.date(2026, 11, 30)) == "2026年11月（进行中）"
