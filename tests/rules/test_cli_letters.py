"""Issue 14 from a terminal: `baodao ranking` without --period takes the last finished period,
ties show as shared ranks, members rank by quarter; `baodao letters` writes a quarter's
感谢信 and 提醒函 in one go."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from db import periods
from desktop.cli import main

from .conftest import pdf_pages


@pytest.fixture
def june_third(monkeypatch):
    """Today is 2026-06-03: June and Q2 have just begun; May and Q1 are finished."""
    monkeypatch.setattr(periods, "today", lambda: dt.date(2026, 6, 3))


def test_ranking_defaults_to_the_last_finished_period(scene, capsys, june_third):
    path = scene["ledger"].path
    assert main(["ranking", path, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == "2026-05"  # not 2026-06, where everyone has 0 points
    assert [(r["name"], r["rank"]) for r in out["rows"]] == [("王䶮", 1), ("李明", 2), ("张华", 3)]
    assert main(["ranking", path, "--kind", "unit", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["period"] == "2026Q1"
    assert main(["ranking", path, "--span", "quarter", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["period"] == "2026Q1"
    # A period still running is said to be so.
    assert main(["ranking", path, "--period", "2026Q2"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("2026年第二季度（进行中）党员季度排行")


def test_ranking_shows_ties_and_counts_letters_honestly(scene, ids, tmp_path, capsys):
    from db import members

    led = scene["ledger"]
    for i in range(4):
        members.add_member(led, name=f"新党员{i}", id_number=ids(), report_date="2025-01-01")
    assert main(["ranking", led.path, "--period", "2026-05", "--letters",
                 str(tmp_path / "l.pdf"), "--top", "1", "--bottom", "2"]) == 0
    printed = capsys.readouterr()
    lines = [x for x in printed.out.splitlines() if "0分" in x]
    assert len(lines) == 5 and all(x.lstrip().startswith("=") and " 3  " in x for x in lines)
    assert "第3名有5名党员并列，一并发送，共5份" in printed.err
    assert "感谢信1份，提醒函5份" in printed.err
    assert len(pdf_pages(tmp_path / "l.pdf")) == 6


def test_letters_writes_the_whole_quarter(scene, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: dt.date(2026, 7, 6))
    path = scene["ledger"].path
    out = tmp_path / "q.pdf"
    assert main(["letters", path, "--out", str(out), "--progress"]) == 0
    err = capsys.readouterr().err
    assert "2026年第二季度：感谢信3份，提醒函2份" in err and "100%" in err
    pages = pdf_pages(out)
    assert len(pages) == 5
    assert sum(p.startswith("感谢信") for p in pages) == 3
    assert main(["letters", path, "--quarter", "2026-05"]) != 0
