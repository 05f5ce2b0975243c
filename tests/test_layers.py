"""The layer rules of DESIGN.md section 3, checked on every module: the ledger, the Excel and
the PDF code load no Qt, and imports point one way (ui -> sync/cards -> db)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ("db", "desktop.sync", "desktop.cards")


def test_every_core_module_imports_without_qt():
    code = (
        "import importlib, pkgutil, sys\n"
        f"names = []\n"
        f"for top in {CORE!r}:\n"
        "    package = importlib.import_module(top)\n"
        "    names.append(top)\n"
        "    for info in pkgutil.walk_packages(package.__path__, top + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "        names.append(info.name)\n"
        "print(len(names))\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    count, qt = result.stdout.strip().splitlines()
    on_disk = sum(1 for top in CORE for _ in (ROOT / top.replace(".", "/")).rglob("*.py"))
    assert int(count) == on_disk  # every module was imported, none skipped
    assert qt == "[]"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, relative imports made absolute."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                out.append(f"{path.relative_to(ROOT)} imports {name}")
    return out


def test_imports_point_one_way():
    problems = (_violations("db", ("desktop", "PySide6"))
                + _violations("desktop/sync", ("desktop.ui", "desktop.commands", "PySide6"))
                + _violations("desktop/cards", ("desktop.ui", "desktop.commands", "PySide6"))
                + _violations("desktop/ui", ("desktop.commands",)))
    assert problems == []


def test_the_rule_checker_sees_relative_imports():
    # desktop/sync/export.py says "from . import schema": it must count as desktop.sync.schema
    assert "desktop.sync.schema" in _imports(ROOT / "desktop" / "sync" / "export.py")


def _module_graph(folders: tuple[str, ...]) -> dict[str, set[str]]:
    """module -> the project modules it imports (at any depth of the file: an import inside a
    function ties two modules as much as one at the top)."""
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for folder in folders for p in (ROOT / folder).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for name in _imports(path):
            while name and name not in modules:  # "db.access.Actor" -> "db.access"
                name = name.rpartition(".")[0]
            if name and name != module and modules[name].name != "__init__.py":
                targets.add(name)
        graph[module] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    """The lowest modules know nothing of those above them: opening a ledger (db.opening)
    sits above the connection, the keys, the sessions and the backups; the 积分 tabs know
    their page by an interface (desktop.ui.points_host), not by its class."""
    assert _cycles(_module_graph(("db", "desktop"))) == []


def test_the_cycle_finder_finds_one():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_a_ledger_without_users_needs_no_cryptography(tmp_path):
    """The key slots' primitives load at first use: opening, backing up and exporting a
    ledger without users never imports `cryptography` (whose Rust core cannot load under Wine
    8, where the packaging check runs the CLI before any shim)."""
    code = (
        "import sys\n"
        "from db import backup, demo, open_ledger\n"
        f"path = {str(tmp_path / 'l.db')!r}\n"
        "demo.generate(path, 'tiny').close()\n"
        "with open_ledger(path) as ledger:\n"
        f"    backup.create(ledger, {str(tmp_path / 'b')!r})\n"
        "print(sorted(m for m in sys.modules if m.startswith('cryptography')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.strip()
    assert out == "[]"


UI = ROOT / "desktop" / "ui"
UI_MAX_LINES = 420


def test_ui_modules_stay_small():
    """The UI is grouped by feature, one feature a module of at most ~400 lines: a longer one
    holds two features (split it, as sync_dialogs.py became sync_export, sync_conflicts and
    sync_import)."""
    lengths = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in UI.glob("*.py")}
    too_long = {name: n for name, n in lengths.items() if n > UI_MAX_LINES}
    assert too_long == {}


def test_the_main_window_knows_its_pages_by_the_page_protocol():
    """desktop/ui/page_protocol.py is the contract: the window neither probes a page for what
    it happens to have (hasattr/getattr) nor silences the type checker about it, and loads
    the pages and menus that always exist with plain imports."""
    source = (UI / "main_window.py").read_text(encoding="utf-8")
    calls = {node.func.id for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not calls & {"hasattr", "getattr", "__import__"}
    assert "type: ignore" not in source and "importlib" not in source
