"""The 概览 page's figures: plain counts over the ledger for today's year and quarter, by the
definitions of db.stats (units and members reported by today, 办结率 = 办结 ÷ 受理)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .ledger import Ledger
from .periods import parse_period, quarter_of
from .stats import rate, reported_counts


def summary(ledger: Ledger, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    year = parse_period(str(today.year))
    quarter = parse_period(quarter_of(today))
    s = ledger.scalar

    def activity_figures(start: str, end: str) -> tuple[int, int, float]:
        row = ledger.conn.execute(
            "SELECT count(DISTINCT a.id), count(p.member_id), "
            "coalesce(sum(CASE WHEN p.member_id IS NOT NULL THEN p.hours END), 0) "
            "FROM activities a LEFT JOIN activity_participants p ON p.activity_id = a.id "
            "AND p.deleted = 0 WHERE a.deleted = 0 AND a.verified = 1 AND a.date BETWEEN ? AND ?",
            (start, end)).fetchone()
        return int(row[0]), int(row[1]), round(float(row[2]), 2)  # members' hours, as 报表

    acts_q = activity_figures(quarter.start, quarter.end)
    acts_y = activity_figures(year.start, year.end)
    reported = reported_counts(ledger, today)
    received = s("SELECT count(*) FROM orders WHERE deleted = 0 AND requested_date "
                 "BETWEEN ? AND ?", (year.start, year.end))
    completed = s("SELECT count(*) FROM orders WHERE deleted = 0 AND state IN "
                  "('已完成', '已评价') AND completed_date BETWEEN ? AND ?", (year.start, year.end))
    return {
        "quarter": quarter.label,
        "year": year.label,
        "today": today.isoformat(),
        "members": reported["members"],
        "units": reported["units"],
        "cells": s("SELECT count(*) FROM grid_nodes WHERE deleted = 0 AND level = 5"),
        "posts": s("SELECT count(*) FROM posts WHERE deleted = 0 AND status = '启用'"),
        "claims": s("SELECT count(*) FROM post_claims WHERE deleted = 0 AND released_date = ''"),
        "activities_quarter": acts_q[0], "person_times_quarter": acts_q[1],
        "hours_quarter": acts_q[2],
        "activities_year": acts_y[0], "person_times_year": acts_y[1], "hours_year": acts_y[2],
        "orders_year": received,
        "orders_done_year": completed,
        "completion_rate_year": rate(completed, received),
        "orders_open": s("SELECT count(*) FROM orders WHERE deleted = 0 AND state IN "
                         "('待派单', '已派单', '已接单')"),
        "orders_overdue": s("SELECT count(*) FROM orders WHERE deleted = 0 AND state IN "
                            "('待派单', '已派单', '已接单') AND due_date != '' AND due_date < ?",
                            (today.isoformat(),)),
        "pending_verification": s("SELECT count(*) FROM activities WHERE deleted = 0 "
                                  "AND verified = 0"),
        "idle_members_quarter": s(
            "SELECT count(*) FROM members WHERE deleted = 0 AND status = '在册' "
            "AND (report_date = '' OR report_date <= ?) AND id NOT IN "
            "(SELECT p.member_id FROM activities a JOIN activity_participants p "
            "ON p.activity_id = a.id WHERE p.member_id IS NOT NULL AND p.deleted = 0 "
            "AND a.deleted = 0 AND a.verified = 1 AND a.date BETWEEN ? AND ?)",
            (quarter.end, quarter.start, quarter.end)),
    }
