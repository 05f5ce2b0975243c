import datetime as dt

import pytest

from db import LedgerError, backup, check, members, open_ledger


def test_backup_is_a_consistent_ledger_copy(ledger, ids, tmp_path):
    members.add_member(ledger, name="李娜", id_number=ids())
    path = backup.create(ledger, tmp_path / "备份", "导入前")
    assert path.name.startswith("ledger-") and path.name.endswith("-导入前.db")
    assert backup.counts(path)["在册党员"] == 1
    with open_ledger(path) as copy:
        assert check.problems(copy) == []
    assert [b.reason for b in backup.list_backups(tmp_path / "备份", ledger.path)] == ["导入前"]


def test_restore_keeps_a_copy_of_the_current_ledger(ledger, ids, tmp_path):
    folder = tmp_path / "备份"
    members.add_member(ledger, name="李娜", id_number=ids())
    saved = backup.create(ledger, folder, "手动", now=dt.datetime(2026, 1, 1, 9, 0))
    members.add_member(ledger, name="王䶮", id_number=ids())
    safety = backup.restore(ledger, saved, folder)
    assert [m["name"] for m in members.list_members(ledger)] == ["李娜"]
    assert backup.counts(safety)["在册党员"] == 2  # nothing lost: the undone state is kept


def test_restore_refuses_a_damaged_backup(ledger, tmp_path):
    bad = tmp_path / "ledger-20260101-090000-手动.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    with pytest.raises(LedgerError, match="已损坏"):
        backup.restore(ledger, bad, tmp_path)
    assert ledger.scalar("SELECT count(*) FROM grid_nodes") == 6


def make_backups(folder, days):
    folder.mkdir(exist_ok=True)
    for day in days:
        (folder / f"ledger-{day:%Y%m%d}-120000-每日.db").write_bytes(b"")


def test_thinning_keeps_7_daily_8_weekly_12_monthly(tmp_path):
    folder = tmp_path / "b"
    start = dt.date(2025, 1, 1)
    days = [start + dt.timedelta(days=i) for i in range(500)]  # a backup every day
    make_backups(folder, days)
    backup.thin(folder, "ledger.db")
    kept = sorted(b.taken.date() for b in backup.list_backups(folder, "ledger.db"))
    newest = days[-1]
    assert kept[-7:] == days[-7:]  # the last seven days
    months = {(d.year, d.month) for d in kept}
    assert len(months) == 12  # one per month for a year
    assert len(kept) <= 7 + 8 + 12
    assert kept[0] >= newest - dt.timedelta(days=366)
    backup.thin(folder, "ledger.db")
    assert sorted(b.taken.date() for b in backup.list_backups(folder, "ledger.db")) == kept


def test_daily_backup_only_when_changed(ledger, ids, tmp_path):
    folder = tmp_path / "b"
    first = backup.daily(ledger, folder, dt.datetime(2026, 3, 1, 8))
    assert first is not None
    assert backup.daily(ledger, folder, dt.datetime(2026, 3, 1, 18)) is None  # same day
    assert backup.daily(ledger, folder, dt.datetime(2026, 3, 2, 8)) is None  # unchanged
    members.add_member(ledger, name="李娜", id_number=ids())
    assert backup.daily(ledger, folder, dt.datetime(2026, 3, 3, 8)) is not None


def test_copy_from_usb_and_newest_good_backup(ledger, ids, tmp_path):
    members.add_member(ledger, name="李娜", id_number=ids())
    folder = tmp_path / "b"
    good = backup.create(ledger, folder, "手动", now=dt.datetime(2026, 1, 1, 9, 0))
    broken = folder / "ledger-20260102-090000-手动.db"
    broken.write_bytes(good.read_bytes()[:5000])  # truncated: a pulled USB stick
    assert backup.newest_good(folder, ledger.path).path == good
    copy = backup.copy_ledger(ledger.path, tmp_path / "本机" / "台账.db")
    assert backup.counts(copy)["在册党员"] == 1
    with pytest.raises(LedgerError, match="已存在"):
        backup.copy_ledger(ledger.path, copy)
