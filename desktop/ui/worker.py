"""Running slow work off the GUI thread with a cancellable progress dialog.

The work is a plain function `fn(progress, cancelled)` that knows nothing of Qt:
`progress(label, fraction)` reports, `cancelled()` says whether the user pressed 取消. Work on
the ledger goes through `run_ledger_job`: its function gets the worker thread's own connection
(one sqlite connection per thread, never the GUI's), opened with the same password and login
as the window's (db.opening.reopen)."""

from __future__ import annotations

import atexit
import contextlib
import gc
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from db.ledger import Ledger
from db.opening import reopen as worker_ledger

Progress = Callable[[str, float], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], Any]
LedgerWork = Callable[[Ledger, Progress, Cancelled], Any]

__all__ = ["Cancelled", "Job", "JobCancelled", "LedgerWork", "Progress", "run_job", "run_ledger_job", "wait_for_all",
           "worker_ledger"]


class JobCancelled(Exception):
    """Raised by work that stops because the user cancelled."""


class _Runner(QObject):
    progressed = Signal(str, float)
    succeeded = Signal(object)
    failed = Signal(object, str)

    def __init__(self, fn: Work):
        super().__init__()
        self.fn = fn
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            result = self.fn(lambda label, fraction: self.progressed.emit(label, fraction),
                             self.stop.is_set)
        except BaseException as error:  # shown to the user, never lost
            self.failed.emit(error, traceback.format_exc())
        else:
            self.succeeded.emit(result)


class Job(QObject):
    """One background run. Keep a reference until `done` or `error` fires."""

    done = Signal(object)
    error = Signal(object, str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None, title: str, fn: Work, delay_ms: int = 300):
        # Owned by the application, not the page: a job outlives a page closed while it runs,
        # and Qt (never Python's garbage collector, which may run on a worker thread) frees it.
        super().__init__(QCoreApplication.instance())
        self.owner = parent
        self.worker_thread = QThread(self)
        self.runner = _Runner(fn)
        self.runner.moveToThread(self.worker_thread)
        self.dialog = QProgressDialog(title, "取消", 0, 1000, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(delay_ms)  # quick jobs never flash a dialog
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self._cancel)
        self.worker_thread.started.connect(self.runner.run)
        self.worker_thread.finished.connect(self.runner.deleteLater)
        self.runner.progressed.connect(self._progress)
        self.runner.succeeded.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.result: Any = None
        self.was_cancelled = False

    def start(self) -> Job:
        _gc_pause()
        self.dialog.setValue(0)
        self.worker_thread.start()
        return self

    def _cancel(self) -> None:
        self.was_cancelled = True
        self.runner.stop.set()
        self.dialog.setLabelText("正在取消…")

    def _progress(self, label: str, fraction: float) -> None:
        with contextlib.suppress(RuntimeError):  # the dialog's window may have closed
            if not self.was_cancelled:
                self.dialog.setLabelText(label)
            self.dialog.setValue(int(max(0.0, min(1.0, fraction)) * 1000))

    def _end(self) -> None:
        self.worker_thread.quit()
        self.worker_thread.wait()
        _gc_resume()
        # QProgressDialog emits canceled() when closed: the job is over, so stop listening.
        # The dialog is gone already when its parent window was closed meanwhile.
        with contextlib.suppress(RuntimeError):
            self.dialog.canceled.disconnect(self._cancel)
            self.dialog.close()
            self.dialog.deleteLater()

    def _owner_gone(self) -> bool:
        """The window that asked for the work was closed meanwhile: nobody to tell."""
        return self.owner is not None and not shiboken6.isValid(self.owner)

    def _finished(self, result: Any) -> None:
        self._end()
        self.result = result
        if self._owner_gone() or self.was_cancelled:
            self.cancelled.emit()
        else:
            self.done.emit(result)

    def _failed(self, error: BaseException, trace: str) -> None:
        self._end()
        if self.was_cancelled or isinstance(error, JobCancelled) or self._owner_gone():
            self.cancelled.emit()
        else:
            self.error.emit(error, trace)

    def wait(self, timeout_ms: int = 60000) -> bool:
        """For tests and for closing the app: block until the thread ends."""
        return self.worker_thread.wait(timeout_ms)


_RUNNING: set[Job] = set()
_PAUSES = [0]


def _gc_pause() -> None:
    """No automatic garbage collection while work runs on another thread: a collection started
    there could destroy unreachable Qt widgets off the GUI thread, which crashes Qt. Cycles are
    collected on the GUI thread when the last job ends."""
    if _PAUSES[0] == 0:
        gc.disable()
    _PAUSES[0] += 1


def _gc_resume() -> None:
    _PAUSES[0] = max(0, _PAUSES[0] - 1)
    if _PAUSES[0] == 0:
        gc.enable()
        gc.collect()


def wait_for_all(timeout_ms: int = 10000) -> None:
    """On quitting: ask running jobs to stop and let their threads end (a QThread destroyed
    while running takes the whole process down)."""
    for job in list(_RUNNING):
        job.runner.stop.set()
        job.worker_thread.quit()
        job.worker_thread.wait(timeout_ms)


atexit.register(wait_for_all)


def run_job(parent: QWidget | None, title: str, fn: Work,
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException, str], None] | None = None) -> Job:
    """Start fn in the background; errors go to on_error or a message box naming them."""
    job = Job(parent, title, fn)
    if on_done:
        job.done.connect(on_done)
    job.error.connect(on_error or (lambda e, _t: _show_error(parent, title, e)))
    _RUNNING.add(job)  # keep it alive while it runs
    for signal in (job.done, job.error, job.cancelled):
        signal.connect(lambda *_args, j=job: _RUNNING.discard(j))
    return job.start()


def run_ledger_job(parent: QWidget | None, title: str, source: Ledger | str | Path,
                   fn: LedgerWork, on_done: Callable[[Any], None] | None = None,
                   on_error: Callable[[BaseException, str], None] | None = None) -> Job:
    """run_job for work on a ledger: `fn(ledger, progress, cancelled)` runs in the worker thread
    on that thread's own connection to `source`'s file (a Ledger, or its path), entered with
    the same password and login as the window's, and closed when fn returns."""
    path = source.path if isinstance(source, Ledger) else str(source)

    def work(progress: Progress, cancelled: Cancelled) -> Any:
        with worker_ledger(path) as ledger:
            return fn(ledger, progress, cancelled)

    return run_job(parent, title, work, on_done, on_error)


def _show_error(parent: QWidget | None, title: str, error: BaseException) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop.faults import message

    QMessageBox.critical(parent, title, f"{title}没有完成：\n{message(error)}")
