from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from db import open_ledger, settings
from db.records import TABLE_LABELS


def snapshot(ledger) -> dict[str, dict[str, dict[str, Any]]]:
    """Every synced table keyed by uuid, references as uuids, local ids and local bookkeeping
    (change sequence, via) left out, version vectors as dicts."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    uuids = {t: dict(ledger.conn.execute(f"SELECT id, uuid FROM {t}").fetchall())
             for t in TABLE_LABELS}
    for table in TABLE_LABELS:
        refs = {r[3]: r[2] for r in ledger.conn.execute(f"PRAGMA foreign_key_list({table})")}
        rows = {}
        for row in ledger.query(f"SELECT * FROM {table}"):
            row.pop("id")
            row.pop("seq", None)
            row.pop("via", None)
            if row.get("vv"):
                row["vv"] = json.loads(row["vv"])
            for column, target in refs.items():
                if row[column] is not None:
                    row[column] = uuids[target][row[column]]
            rows[row["uuid"]] = row
        out[table] = rows
    return out


@pytest.fixture
def community_path(tmp_path_factory) -> Path:
    """A small generated community ledger (built once per test module run)."""
    from db import demo

    path = tmp_path_factory.mktemp("demo") / "tiny.db"
    demo.generate(path, "tiny").close()
    return path


@pytest.fixture
def make_ledger(tmp_path):
    opened = []

    def make(name: str, community: str | None = "丽景社区"):
        led = open_ledger(tmp_path / f"{name}.db")
        if community is not None:
            settings.initialise(led, "河东街道", community)
        opened.append(led)
        return led

    yield make
    for led in opened:
        led.close()


@pytest.fixture(autouse=True)
def app_home(tmp_path, monkeypatch):
    """Backups taken before imports go to the app's data folder: keep it inside the test."""
    home = tmp_path / "home"
    monkeypatch.setenv("BAODAO_HOME", str(home))
    return home
