import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from db import backup, members, open_ledger
from desktop import paths
from desktop.ui import audit_dialog, backups, idle_lock, ledger_password
from tests.conftest import make_id
from tests.ui.test_main_window import make_window


def test_backup_dialog_backs_up_and_restores(qtbot, answer):
    window = make_window(qtbot)
    dialog = backups.BackupDialog(window)
    qtbot.addWidget(dialog)
    dialog.backup_now()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "手动"
    assert dialog.table.item(0, 2).text() == "57"
    members.add_member(window.ledger, name="新来的", id_number=make_id("19900101", seq=11))
    dialog.table.selectRow(0)
    answer(lambda box: box.button(QMessageBox.StandardButton.Yes).click(),
           lambda box: box.accept())
    dialog.restore()
    assert members.search_members(window.ledger, "新来的") == []
    reasons = sorted(b.reason for b in backup.list_backups(backups.backup_folder(),
                                                           window.ledger.path))
    assert reasons == ["恢复前", "手动"]  # the undone state is kept


def test_damaged_ledger_offers_the_newest_good_backup(qtbot, answer):
    window = make_window(qtbot)
    backup.create(window.ledger, backups.backup_folder(), "手动")
    offered = []

    def decline(box):
        offered.append(box.text())
        box.button(QMessageBox.StandardButton.No).click()

    answer(decline)
    backups.report_damage(window, ["数据库完整性检查：page 7 is never used"])
    assert "page 7" in offered[0] and "最新的完好备份" in offered[0]


def test_health_check_runs_in_background_and_makes_the_daily_backup(qtbot):
    window = make_window(qtbot)
    job = backups.start_health_check(window)
    qtbot.waitUntil(lambda: not job.worker_thread.isRunning(), timeout=10000)
    qtbot.waitUntil(lambda: bool(backup.list_backups(backups.backup_folder(), window.ledger.path)),
                    timeout=5000)


def test_full_check_repairs_and_reports(qtbot, answer):
    window = make_window(qtbot)
    conn = sqlite3.connect(window.ledger.path)
    conn.execute("UPDATE grid_nodes SET deleted = 1 WHERE id = (SELECT residence_node_id "
                 "FROM members LIMIT 1)")
    conn.commit()
    conn.close()
    seen = []
    answer(lambda box: (seen.append(box.text()), box.accept()))
    backups.full_check(window)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert "已修复：居住网格已删除的党员" in seen[0]


def test_usb_ledger_is_copied_to_local_disk(qtbot, answer, tmp_path, monkeypatch):
    usb = tmp_path / "usb"
    source = usb / "台账.db"
    open_ledger(source).close()
    monkeypatch.setattr(backups, "removable_root", lambda path: usb)
    answer(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    local = backups.offer_local_copy(source)
    assert local == paths.data_dir() / "台账.db"
    assert local.exists()
    answer(lambda box: box.button(QMessageBox.StandardButton.No).click())
    assert backups.offer_local_copy(source) is None


def test_audit_log_records_full_id_views_and_exports(qtbot, tmp_path):
    import openpyxl

    window = make_window(qtbot)
    page = window.pages["members"]
    page.full_id.setChecked(True)
    dialog = audit_dialog.AuditDialog(window)
    qtbot.addWidget(dialog)
    actions = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert actions[:2] == ["查看完整证件号", "打开台账"]
    out = tmp_path / "audit.xlsx"
    dialog.export(str(out))
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "时间（UTC）", "用户", "操作")
    assert rows[1][3] == "查看完整证件号"
    assert rows[1][0] == dialog.table.item(0, 0).text()  # local time, as the dialog shows it


def corrupt(window, damage):
    path = window.ledger.path
    backup.create(window.ledger, backups.backup_folder(), "手动")
    window.ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    window.ledger.close()
    data = bytearray(Path(path).read_bytes())
    damage(data)
    Path(path).write_bytes(bytes(data))
    return path


def test_unreadable_ledger_is_restored_from_the_newest_good_backup(qtbot, answer):
    from desktop.ui.app import _open

    window = make_window(qtbot)

    def header(data):
        data[:100] = bytes(100)

    path = corrupt(window, header)
    offered = []
    # A file whose header is gone might be encrypted: the password is asked first.
    answer(lambda dialog: dialog.reject(),
           lambda box: (offered.append(box.text()),
                        box.button(QMessageBox.StandardButton.Yes).click()))
    restored = _open(path)
    assert "已损坏" in offered[0] and "最新的完好备份" in offered[0]
    assert restored.scalar("PRAGMA quick_check") == "ok"
    assert restored.scalar("SELECT count(*) FROM members") == 60
    assert list(paths.data_dir().glob("demo-已损坏-*.db"))  # the damaged file is kept aside
    restored.close()


def test_flipped_bytes_never_crash_opening(qtbot, answer):
    import random

    from db import check
    from desktop.ui.app import _open

    window = make_window(qtbot)
    rng = random.Random(5)

    def flip(data):
        for _ in range(400):
            data[rng.randrange(100, len(data))] ^= 0xFF

    path = corrupt(window, flip)
    offered = []
    answer(lambda box: (offered.append(box.text()),
                        box.button(QMessageBox.StandardButton.Yes).click()))
    ledger = _open(path)  # too damaged to open: the restore is offered, nothing crashes
    assert "已损坏" in offered[0]
    assert ledger.scalar("PRAGMA quick_check") == "ok" and check.problems(ledger) == []
    ledger.close()


def test_set_password_then_idle_lock(qtbot, answer):
    from db import audit
    from db.crypto import password_for, remember

    window = make_window(qtbot)
    dialog = ledger_password.PasswordDialog(window, has_password=False)
    qtbot.addWidget(dialog)
    dialog.new.setText("abc")
    dialog.again.setText("abc")
    dialog.check()
    assert dialog.error.text() == "密码至少6位"
    dialog.new.setText("党建2026秘密")
    dialog.again.setText("党建2026秘密")
    dialog.check()
    answer(lambda box: box.accept())  # the "已加密" notice
    job = ledger_password.set_password(window, dialog)
    qtbot.waitUntil(lambda: password_for(window.ledger.path) == "党建2026秘密", timeout=10000)
    qtbot.waitUntil(lambda: window.centralWidget().isEnabled(), timeout=10000)
    job.wait()
    path = window.ledger.path
    assert "王䶮".encode() not in Path(path).read_bytes()
    assert window.pages["members"].model.rowCount() > 0  # the window works on the new file

    lock = idle_lock.IdleLock(window, minutes=0)

    def wrong(dialog):
        dialog.setTextValue("不对")
        dialog.accept()

    def right(dialog):
        assert not window.centralWidget().isVisible()  # nothing readable while locked
        dialog.setTextValue("党建2026秘密")
        dialog.accept()

    answer(wrong, right)
    lock.tick()
    assert window.centralWidget().isVisible()
    results = [e["result"] for e in audit.entries(window.ledger) if e["action"] == "解锁"]
    assert results == ["成功", "密码错误（第1次）"]
    remember(path, None)


def test_wrong_passwords_wait_longer_each_time():
    assert [idle_lock.wait_seconds(n) for n in range(7)] == [0, 0, 0, 2, 4, 8, 16]
    assert idle_lock.wait_seconds(40) == 300
