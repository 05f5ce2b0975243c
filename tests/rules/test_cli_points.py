"""CLI: baodao ranking (view, close, letters, export) and baodao recalc (preview, apply)."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from db import open_ledger, points
from desktop.cli import main

from .conftest import pdf_pages


def test_ranking_close_letters_and_export(scene, tmp_path, capsys):
    path = scene["ledger"].path
    assert main(["ranking", path, "--period", "2026-05", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert not out["frozen"] and [r["name"] for r in out["rows"]] == ["王䶮", "李明", "张华"]
    assert main(["ranking", path, "--period", "2026-05", "--close", "--by", "刘书记",
                 "--letters", str(tmp_path / "l.pdf"), "--top", "1", "--bottom", "1",
                 "--out", str(tmp_path / "r.xlsx")]) == 0
    printed = capsys.readouterr()
    assert "已于" in printed.out and "感谢信1份，提醒函1份" in printed.err
    pages = pdf_pages(tmp_path / "l.pdf")
    assert "王䶮同志" in pages[0] and "张华同志" in pages[1]
    rows = list(load_workbook(tmp_path / "r.xlsx").active.iter_rows(min_row=4, values_only=True))
    assert [r[:2] for r in rows] == [(1, "王䶮"), (2, "李明"), (3, "张华")]
    assert main(["ranking", path, "--period", "2026-05", "--close"]) != 0  # already closed
    assert main(["ranking", path, "--kind", "unit", "--period", "2026H1"]) != 0


def test_recalc_previews_and_applies_only_when_asked(scene, capsys):
    led = scene["ledger"]
    rule = points.rules(led)
    rule["per_hour"] = 2
    points.set_rules(led, rule)
    count = led.scalar("SELECT count(*) FROM points_entries")
    assert main(["recalc", led.path]) == 0
    assert "有5项积分与原记录不同" in capsys.readouterr().out
    with open_ledger(led.path) as other:
        assert other.scalar("SELECT count(*) FROM points_entries") == count
    assert main(["recalc", led.path, "--apply"]) == 0
    assert "已追加5条" in capsys.readouterr().out
    assert led.scalar("SELECT count(*) FROM points_entries") == count + 5
