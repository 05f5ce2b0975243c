"""Start 报到台账 from the Start-menu shortcut (pythonw.exe: no console, so no stdout)."""

import os
import sys

for name in ("stdout", "stderr"):
    if getattr(sys, name) is None:
        setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

from desktop.cli import main  # noqa: E402

raise SystemExit(main(sys.argv[1:]))
