"""Issue 3 targets on the city ledger (44,000 members): launch to a usable main window
< 2 s; search keystroke to updated member table median < 50 ms, worst < 150 ms; scrolling the
full member list; peak memory < 400 MB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import json, os, resource, statistics, sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop.ui.app import build_window, load_style, ui_settings
from db import open_ledger
load_style(app)
window = build_window(open_ledger(sys.argv[1], create=False), ui_settings())
window.resize(1400, 900)
window.show()
app.processEvents()
window.nav.setCurrentRow(3)
app.processEvents()
page = window.pages["members"]
page.table.viewport().repaint()
print("READY", flush=True)

def timed(action):
    started = time.perf_counter()
    action()
    app.processEvents()
    page.table.viewport().repaint()
    return (time.perf_counter() - started) * 1000

names = [r["name"] for r in page.ledger.query(
    "SELECT name, name_initials FROM members ORDER BY id LIMIT 60 OFFSET 500")]
queries = []
for name in names[:20]:
    queries += [name[:1], name[:2], name]          # typing a name character by character
queries += ["z", "zy", "zyr", "w", "wj", "1234", "12345", "9876"]
keystrokes = [timed(lambda q=q: page.search.setText(q)) for q in queries]
timed(lambda: page.search.setText(""))
bar = page.table.verticalScrollBar()
steps = []
position = 0
while position < bar.maximum():
    position = min(bar.maximum(), position + bar.pageStep())
    steps.append(timed(lambda p=position: bar.setValue(p)))
print(json.dumps({
    "keystroke_median": statistics.median(keystrokes), "keystroke_worst": max(keystrokes),
    "scroll_pages": len(steps), "scroll_total_s": sum(steps) / 1000,
    "scroll_median": statistics.median(steps), "scroll_worst": max(steps),
    "rows": page.model.rowCount(),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}), flush=True)
"""


def test_ui_on_city_ledger(city_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               BAODAO_HOME=tempfile.mkdtemp(prefix="baodao-ui-"))
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(city_path)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "READY"
    launch = time.perf_counter() - started
    figures = json.loads(child.stdout.readline())
    child.wait(timeout=300)
    print(f"\n[bench] launch to usable window: {launch:.2f} s (target < 2)")
    print(f"[bench] search keystroke → table: median {figures['keystroke_median']:.1f} ms, "
          f"worst {figures['keystroke_worst']:.1f} ms (targets 50 / 150)")
    print(f"[bench] scroll {figures['rows']} rows in {figures['scroll_pages']} pages: "
          f"{figures['scroll_total_s']:.1f} s, median {figures['scroll_median']:.1f} ms, "
          f"worst {figures['scroll_worst']:.1f} ms per page")
    print(f"[bench] peak memory: {figures['peak_mb']:.0f} MB (target < 400)")
