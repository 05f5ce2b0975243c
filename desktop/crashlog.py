"""Error reports and the app log, with personal data scrubbed: an 18-digit ID number or an
11-digit mobile number never reaches a file in plain text."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from db.validate import scrub


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        return True


def log_folder() -> Path:
    from desktop import paths

    folder = paths.data_dir() / "日志"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def setup_logging() -> Path:
    """The app log (one file a month) with the scrubbing filter on every record."""
    path = log_folder() / f"报到台账-{dt.date.today():%Y-%m}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ScrubFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def _now() -> dt.datetime:
    return dt.datetime.now()


def write_report(kind: type[BaseException], error: BaseException,
                 trace: TracebackType | None) -> Path:
    """A new file for every report: 错误报告-20261201-093000.txt, then -2, -3 … within the
    same second. Each name is taken by exclusive create, so no report (from this or another
    thread or program) ever overwrites another."""
    text = scrub("".join(traceback.format_exception(kind, error, trace)))
    folder = log_folder()
    stem = f"错误报告-{_now():%Y%m%d-%H%M%S}"
    for count in range(1, 1000):
        path = folder / (f"{stem}.txt" if count == 1 else f"{stem}-{count}.txt")
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            continue
        return path
    path = folder / f"{stem}-{os.getpid()}-{secrets.token_hex(4)}.txt"
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path


def install(show: Callable[[str, Path], None] | None = None) -> None:
    """Unhandled errors are written (scrubbed) to a report and shown, never lost silently."""

    def hook(kind: type[BaseException], error: BaseException,
             trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        path = write_report(kind, error, trace)
        logging.getLogger("baodao").error("unhandled %s: %s", kind.__name__, error)
        if show is not None:
            show(scrub(f"{kind.__name__}：{error}"), path)

    sys.excepthook = hook
