import sqlite3
import threading
import time

import pytest
from PySide6.QtWidgets import QPushButton

from desktop.ui.worker import run_job


def test_result_arrives_on_gui_thread(qtbot):
    got = []
    main = threading.get_ident()

    def work(progress, cancelled):
        assert threading.get_ident() != main  # really off the GUI thread
        for i in range(5):
            progress(f"第{i}步", i / 5)
            time.sleep(0.01)
        return 42

    job = run_job(None, "测试", work, on_done=lambda r: got.append((r, threading.get_ident())))
    qtbot.waitUntil(lambda: got == [(42, main)], timeout=5000)
    assert not job.worker_thread.isRunning()


def test_cancel_button_stops_the_work(qtbot):
    seen = []

    def work(progress, cancelled):
        while not cancelled():
            time.sleep(0.01)
        return "stopped"

    job = run_job(None, "测试", work, on_done=lambda r: seen.append("done"))
    job.cancelled.connect(lambda: seen.append("cancelled"))
    job.dialog.findChild(QPushButton).click()
    qtbot.waitUntil(lambda: seen == ["cancelled"], timeout=5000)


def test_errors_are_reported_not_lost(qtbot):
    seen = []

    def work(progress, cancelled):
        raise ValueError("坏文件")

    run_job(None, "测试", work, on_error=lambda e, t: seen.append((str(e), "ValueError" in t)))
    qtbot.waitUntil(lambda: seen == [("坏文件", True)], timeout=5000)


def test_ledger_work_gets_its_own_connection_and_it_is_closed_after(qtbot, ledger):
    from db import members
    from desktop.ui.worker import run_ledger_job

    members.add_member(ledger, name="张伟", id_number="11010519491231002X",
                       residence_node_id=ledger.nodes["1单元"])
    main = threading.get_ident()
    seen, got = [], []

    def work(own, progress, cancelled):
        assert threading.get_ident() != main and own is not ledger and own.path == ledger.path
        seen.append(own)
        return [r["name"] for r in own.query("SELECT name FROM members")]

    run_ledger_job(None, "测试", ledger, work, on_done=got.append)
    qtbot.waitUntil(lambda: got == [["张伟"]], timeout=5000)
    with pytest.raises(sqlite3.ProgrammingError):  # the worker's connection was closed
        seen[0].query("SELECT 1")
