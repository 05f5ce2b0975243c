import subprocess
import sys


def test_core_packages_do_not_load_qt():
    code = (
        "import sys, importlib\n"
        "for name in ('db', 'db.demo', 'desktop.sync', 'desktop.cards', 'desktop.commands.ledger'):\n"
        "    importlib.import_module(name)\n"
        "import db.members, db.orders, db.activities, db.points\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
