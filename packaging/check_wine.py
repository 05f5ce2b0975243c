"""Install the Windows installer into a fresh Wine prefix and check what Wine can check.

    python packaging/check_wine.py dist/usb/报到台账-安装程序-X.Y.Z.exe

Steps: silent install (/S); the program files, the Start-menu and desktop shortcuts and the
uninstall entry exist; the installed interpreter imports each native module; the command line
runs `demo`, `check` and `print record-cards` on real data and its results equal the Linux
run's (same counts, a PDF with the same number of pages); silent uninstall removes the program
and keeps the data folder. What Wine 8 cannot load is listed by name as a WINE LIMIT, with the
Windows system DLL that Wine lacks; it is never skipped silently. Exit 1 on any other failure."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import pe_check  # noqa: E402

NATIVE_MODULES = ("sqlite3", "sqlcipher3", "_rl_accel", "PIL._imaging", "python_calamine", "cryptography.hazmat.bindings._rust",
                  "PySide6.QtCore", "PySide6.QtWidgets", "PySide6.QtPdf")
PERIOD = "2026H1"


class Checker:
    def __init__(self, installer: Path, prefix: Path):
        self.installer = installer.resolve()
        self.prefix = prefix
        self.failures: list[str] = []
        self.limits: list[str] = []
        self.env = dict(os.environ, WINEPREFIX=str(prefix), WINEARCH="win64", WINEDEBUG="-all",
                        WINEDLLOVERRIDES="mscoree,mshtml=", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        self.env.pop("DISPLAY", None)
        self.users = prefix / "drive_c" / "users" / os.environ.get("USER", "root")
        self.install_dir = self.users / "AppData" / "Local" / "Programs" / "Baodao"
        self.data_dir = self.users / "AppData" / "Local" / "Baodao"

    def ok(self, condition: bool, what: str) -> bool:
        print(("ok    " if condition else "FAIL  ") + what, flush=True)
        if not condition:
            self.failures.append(what)
        return condition

    def wine(self, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(["wine", *args], env=self.env, text=True, capture_output=True,
                                timeout=timeout, encoding="utf-8", errors="replace")
        subprocess.run(["wineserver", "-w"], env=self.env, timeout=timeout)
        return result

    def python(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.wine(str(self.install_dir / "python" / "python.exe"), *args)

    def winpath(self, path: Path) -> str:
        rel = path.relative_to(self.prefix / "drive_c")
        return "C:\\" + str(rel).replace("/", "\\")

    # -- the steps ---------------------------------------------------------------------------
    def fresh_prefix(self) -> None:
        if self.prefix.exists():
            shutil.rmtree(self.prefix)
        with common.Timer("wineboot"):
            subprocess.run(["wineboot", "--init"], env=self.env, capture_output=True, timeout=600)
            subprocess.run(["wineserver", "-w"], env=self.env, timeout=600)
        version = subprocess.run(["wine", "--version"], capture_output=True, text=True).stdout
        print(f"Wine {version.strip()}, fresh prefix {self.prefix}")

    def install(self) -> bool:
        with common.Timer("silent install"):
            result = self.wine(str(self.installer), "/S")
        if not self.ok((self.install_dir / "python" / "python.exe").is_file(),
                       "installed under %LOCALAPPDATA%\\Programs\\Baodao"):
            print(result.stdout[-2000:], result.stderr[-2000:])
            return False
        start = self.users / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs"
        if self.ok((start / "报到台账.lnk").is_file(), "Start-menu shortcut 报到台账.lnk"):
            self.ok(shortcut_targets(start / "报到台账.lnk"),
                    "Start-menu shortcut starts pythonw.exe with start_baodao.pyw and the app's icon")
        self.ok((start / "报到台账（演示）.lnk").is_file() and (start / "报到台账 使用手册.lnk").is_file(),
                "Start-menu shortcuts for the demo ledger and the manual")
        desktop = [self.users / "Desktop" / "报到台账.lnk"]
        self.ok(any(p.is_file() for p in desktop), "desktop shortcut 报到台账.lnk")
        self.ok((self.install_dir / "uninstall.exe").is_file(), "uninstall.exe")
        reg = (self.prefix / "user.reg").read_text(encoding="utf-8", errors="replace")
        entry = re.search(r"\[Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Uninstall\\\\Baodao\][^\[]*", reg)
        self.ok(bool(entry) and "DisplayName" in entry.group(0), "uninstall entry in HKCU (apps list)")
        self.ok(bool(entry) and f'"DisplayVersion"="{common.version()}"' in entry.group(0),
                f"uninstall entry shows version {common.version()}")
        return True

    def wine_lacks(self) -> list[str]:
        """System DLLs the bundle imports that this Wine prefix does not have."""
        report = pe_check.check_bundle(str(self.install_dir))
        system32 = {p.name.lower() for p in (self.prefix / "drive_c/windows/system32").iterdir()}
        return sorted(n for n in pe_check.system_dlls_needed(report) if n not in system32)

    def needs(self, module: str, lacking: list[str]) -> list[str]:
        """The Wine-lacking system DLLs the module's extension needs, through the bundle."""
        site = self.install_dir / "python" / "Lib" / "site-packages"
        top = site / module.split(".")[0]
        start = [p for p in (top.rglob("*.pyd") if top.is_dir() else site.glob(f"{top.name}*.pyd"))]
        if module.startswith("PySide6."):
            start = [site / "PySide6" / f"{module.split('.')[1]}.pyd"]
        by_name = {p.name.lower(): p for p in self.install_dir.rglob("*")
                   if p.suffix.lower() in (".dll", ".pyd")}
        seen: set[str] = set()
        found: set[str] = set()
        todo = list(start)
        while todo:
            path = todo.pop()
            if path.name.lower() in seen or not path.is_file():
                continue
            seen.add(path.name.lower())
            pe = pe_check.read_pe(path.name, path.read_bytes())
            for dll in (d.lower() for d in pe.imports + pe.delayed):
                if dll in lacking:
                    found.add(dll)
                elif dll in by_name:
                    todo.append(by_name[dll])
        return sorted(found)

    def imports(self) -> set[str]:
        lacking = self.wine_lacks()
        print(f"Windows 10 DLLs the bundle imports that Wine's system32 lacks: {', '.join(lacking) or 'none'}")
        failed: set[str] = set()
        for module in NATIVE_MODULES:
            result = self.python("-c", f"import {module}")
            if result.returncode == 0:
                print(f"ok    import {module}")
                continue
            failed.add(module)
            last = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
            needs = self.needs(module, lacking)
            if "DLL load failed" in last and needs:
                self.limits.append(f"{module}: needs {', '.join(needs)}, which Wine 8 lacks")
                print(f"WINE LIMIT  import {module}: {last[:120]} (needs {', '.join(needs)})")
            else:  # not explained by Wine: a real fault of the bundle
                self.ok(False, f"import {module}: {last[:160]}")
        return failed

    def command_line(self) -> None:
        work = Path(tempfile.mkdtemp(prefix="baodao-wine-"))
        linux_db, linux_pdf = work / "linux.db", work / "linux.pdf"
        venv = common.ROOT / ".venv" / "bin" / "baodao"
        env = dict(os.environ, BAODAO_HOME=str(work / "home"))
        for args in (["demo", "--profile", "community", "--out", str(linux_db), "--quiet"],):
            subprocess.run([str(venv), *args], env=env, check=True, capture_output=True)
        linux_check = subprocess.run([str(venv), "check", str(linux_db)], env=env, text=True,
                                     capture_output=True)
        subprocess.run([str(venv), "print", "record-cards", str(linux_db), "--period", PERIOD,
                        "--out", str(linux_pdf)], env=env, check=True, capture_output=True)
        # The ledger goes into the user data folder, so the uninstall step can show it is kept.
        self.data_dir.mkdir(parents=True, exist_ok=True)
        ledger = self.data_dir / "台账.baodao.db"
        pdf = self.data_dir / "纪实卡.pdf"
        with common.Timer("wine: demo"):
            made = self.python("-m", "desktop.cli", "demo", "--profile", "community", "--out",
                               self.winpath(ledger), "--quiet")
        if not self.ok(made.returncode == 0 and ledger.is_file(), "wine: baodao demo --profile community"):
            print(made.stdout[-2000:], made.stderr[-2000:])
            return
        via_cmd = self.wine("cmd", "/c", self.winpath(self.install_dir / "baodao.cmd"), "--help")
        self.ok(via_cmd.returncode == 0 and "baodao" in via_cmd.stdout,
                "wine: baodao.cmd (the command line for a terminal) runs")
        with common.Timer("wine: check"):
            checked = self.python("-m", "desktop.cli", "check", self.winpath(ledger))
        self.ok(checked.returncode == 0, "wine: baodao check passes")
        self.ok(counts(checked.stdout) == counts(linux_check.stdout) and counts(checked.stdout) != [],
                f"wine: check counts equal the Linux run's ({len(counts(linux_check.stdout))} figures)")
        with common.Timer("wine: print record-cards"):
            printed = self.python("-m", "desktop.cli", "print", "record-cards", self.winpath(ledger),
                                  "--period", PERIOD, "--out", self.winpath(pdf))
        if self.ok(printed.returncode == 0 and pdf.is_file(), "wine: baodao print record-cards"):
            from pypdf import PdfReader

            wine_doc, linux_doc = PdfReader(pdf), PdfReader(linux_pdf)
            pages, linux_pages = len(wine_doc.pages), len(linux_doc.pages)
            self.ok(pages == linux_pages and pages > 0,
                    f"wine: valid PDF with {pages} pages (Linux: {linux_pages})")
            sample = range(0, min(pages, linux_pages), 10)
            differ = [i + 1 for i in sample if same_text(wine_doc.pages[i]) != same_text(linux_doc.pages[i])]
            self.ok(not differ, f"wine: the text of {len(sample)} sampled cards equals the Linux run's"
                    + (f" (differs on pages {differ[:5]})" if differ else ""))
            fonts = sorted({str(f["/BaseFont"]).split("+")[-1]
                            for f in wine_doc.pages[0]["/Resources"]["/Font"].values()})
            print(f"note  fonts in the Wine run's cards: {', '.join(fonts)} (a fresh Wine prefix has no "
                  "Chinese fonts; Windows has 微软雅黑/宋体, which the cards use there)")
        else:
            print(printed.stdout[-2000:], printed.stderr[-2000:])
        shutil.rmtree(work, ignore_errors=True)

    def backup(self) -> None:
        """A backup of the ledger, as the app takes before every import, restore and upgrade
        and once a day: db.backup.create run by the installed Windows interpreter."""
        code = ("import sys\nfrom pathlib import Path\nfrom db import backup, open_ledger\n"
                f"with open_ledger(r'{self.winpath(self.data_dir / '台账.baodao.db')}', create=False) as led:\n"
                f"    made = backup.create(led, Path(r'{self.winpath(self.data_dir / '备份')}'), 'check')\n"
                "print(made.stat().st_size)\n")
        made = self.python("-c", code)
        if not self.ok(made.returncode == 0, "wine: the app backs up the ledger (db.backup.create)"):
            print(explain(made.stderr))

    def install_shims(self) -> list[Path]:
        """Build the test-only icuuc.dll and bcryptprimitives.dll (packaging/wine/) into this
        throwaway prefix, with a Chinese font as Windows has; they are not in the installer."""
        if shutil.which("x86_64-w64-mingw32-gcc") is None:
            self.ok(False, "shim: x86_64-w64-mingw32-gcc (gcc-mingw-w64-x86-64-win32) is missing")
            return []
        source = Path(__file__).resolve().parent / "wine"
        system32 = self.prefix / "drive_c" / "windows" / "system32"
        made = []
        for name in ("bcryptprimitives", "icuuc"):
            target = system32 / f"{name}.dll"
            common.run("x86_64-w64-mingw32-gcc", "-O2", "-shared", "-s", "-o", target,
                       source / f"{name}_shim.c", source / f"{name}_shim.def", "-ladvapi32",
                       capture=True)
            made.append(target)
        font = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
        if font.is_file():
            made.append(self.prefix / "drive_c" / "windows" / "Fonts" / font.name)
            shutil.copy2(font, made[-1])
        print("note  test-only shims put into the Wine prefix (not part of the installer): "
              "bcryptprimitives.dll (ProcessPrng via RtlGenRandom), icuuc.dll (ucnv_* report "
              "every ICU converter unavailable), and a Chinese font")
        return made

    def window(self) -> None:
        """The Start-menu shortcut's command under Xvfb: the real window, from the Windows
        build of Qt, with the demo ledger; a screenshot to look at."""
        shots = common.BUILD / "wine-shots"
        shots.mkdir(parents=True, exist_ok=True)
        xvfb = subprocess.Popen(["Xvfb", ":93", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(2)
            env = dict(self.env, DISPLAY=":93")
            app = subprocess.Popen(["wine", str(self.install_dir / "python" / "pythonw.exe"),
                                    self.winpath(self.install_dir / "app" / "start_baodao.pyw"),
                                    "--demo"], env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # The first start under Wine compiles the bundle's modules and may build the demo
            # ledger: wait for the main window (up to 180 s) rather than a fixed time, then let
            # it draw its first page.
            started = time.monotonic()
            tree = ""
            while time.monotonic() - started < 180 and app.poll() is None:
                time.sleep(5)
                tree = subprocess.run(["xwininfo", "-root", "-tree", "-display", ":93"],
                                      capture_output=True, text=True).stdout
                if '"报到台账 — ' in tree or time.monotonic() - started >= 175:
                    break
            time.sleep(15)
            print(f"[wine: main window after {time.monotonic() - started:.0f} s]")
            alive = app.poll() is None
            shot = shots / "wine-main.png"
            subprocess.run(f"xwd -root -silent -display :93 | convert xwd:- {shot}", shell=True)
            tree = subprocess.run(["xwininfo", "-root", "-tree", "-display", ":93"],
                                  capture_output=True, text=True).stdout
            titles = [title for title in re.findall(r'"([^"]+)": \("pythonw\.exe"', tree)
                      if title not in ("_q_titlebar", "Default IME")]
            subprocess.run(["wineserver", "-k"], env=self.env)
            app.wait(timeout=60)
        finally:
            xvfb.kill()
        self.ok(alive, "shim: the app (pythonw.exe start_baodao.pyw --demo) is still running")
        others = [title for title in titles if not title.startswith("报到台账")]
        self.ok(any(title.startswith("报到台账") for title in titles) and not others,
                f"shim: only the main window is open ({'; '.join(titles) or 'no window'})")
        colours = 0
        if shot.is_file():
            from PIL import Image

            colours = len(Image.open(shot).convert("RGB").getcolors(1 << 24) or [])
        self.ok(colours > 50, f"shim: the main window is drawn (screenshot {shot}, {colours} colours)")
        leftovers = sorted(p.name for p in (self.data_dir / "备份").glob("*.part"))
        if leftovers:
            print(f"note  backups left unfinished in %LOCALAPPDATA%\\Baodao\\备份: {len(leftovers)} "
                  "(the os.fsync fault above)")

    def exchange_with_shim(self) -> None:
        """Excel exchange on the Windows wheels: with a TEST-ONLY bcryptprimitives.dll (see
        packaging/wine/) in this throwaway prefix, python-calamine and cryptography load under
        Wine 8; the Wine copy writes a password-protected exchange file that the Linux copy
        previews, and previews the one Linux wrote; both previews must agree."""
        shims = self.install_shims()
        if not shims:
            return
        try:
            probe = self.python("-c", "import python_calamine, msoffcrypto, "
                                "cryptography.hazmat.bindings._rust")
            if not self.ok(probe.returncode == 0, "shim: python-calamine and cryptography load"):
                print(probe.stderr[-1500:])
                return
            work = Path(tempfile.mkdtemp(prefix="baodao-wine-x-"))
            venv = str(common.ROOT / ".venv" / "bin" / "baodao")
            env = dict(os.environ, BAODAO_HOME=str(work / "home"))
            ledger = self.data_dir / "台账.baodao.db"
            linux_db = work / "linux.db"
            shutil.copy2(ledger, linux_db)
            wine_file = self.data_dir / "wine-交换.xlsx"
            linux_file = work / "linux-exchange.xlsx"
            made = self.python("-m", "desktop.cli", "export", self.winpath(ledger), "--out",
                               self.winpath(wine_file), "--password", "1234", "--quiet")
            if not self.ok(made.returncode == 0 and wine_file.is_file(),
                           "shim: wine exports a password-protected exchange file"):
                print(explain(made.stderr))
            subprocess.run([venv, "export", str(linux_db), "--out", str(linux_file), "--password",
                            "1234", "--quiet"], env=env, check=True, capture_output=True)
            shutil.copy2(linux_file, self.data_dir / "linux-交换.xlsx")
            linux_reads = subprocess.run([venv, "import", str(linux_db), str(wine_file),
                                          "--dry-run", "--password", "1234"], env=env,
                                         capture_output=True, text=True)
            wine_reads = self.python("-m", "desktop.cli", "import", self.winpath(ledger),
                                     self.winpath(self.data_dir / "linux-交换.xlsx"),
                                     "--dry-run", "--password", "1234")
            self.ok(linux_reads.returncode == 0, "shim: Linux previews the file Wine wrote")
            self.ok(wine_reads.returncode == 0, "shim: Wine previews the file Linux wrote")
            a, b = preview_table(wine_reads.stdout), preview_table(linux_reads.stdout)
            self.ok(a == b and len(a) > 5, f"shim: both previews agree ({len(a)} sheets: "
                    "new, updated, unchanged, conflicts, invalid, duplicates, deleted)")
            shutil.rmtree(work, ignore_errors=True)
            self.window()
        finally:
            for path in shims:
                path.unlink(missing_ok=True)

    def upgrade(self) -> None:
        """Install again over the installed copy: the program folders are replaced whole (a
        module left from the old version is gone) and the data folder is untouched."""
        ledger = self.data_dir / "台账.baodao.db"
        if not ledger.is_file():
            self.ok(False, "upgrade: no ledger in the data folder to keep")
            return
        before = common.sha256(ledger)
        stale = self.install_dir / "app" / "desktop" / "left_from_old_version.py"
        stale.write_text("raise SystemExit('stale')\n", encoding="utf-8")
        with common.Timer("upgrade install"):
            self.wine(str(self.installer), "/S")
        self.ok(not stale.exists(), "upgrade: old program files replaced")
        self.ok(ledger.is_file() and common.sha256(ledger) == before, "upgrade: ledger kept unchanged")
        checked = self.python("-m", "desktop.cli", "check", self.winpath(ledger))
        self.ok(checked.returncode == 0, "upgrade: baodao check passes on the kept ledger")

    def uninstall(self) -> None:
        with common.Timer("silent uninstall"):
            self.wine(str(self.install_dir / "uninstall.exe"), "/S")
        self.ok(not (self.install_dir / "python").exists(), "uninstall removed the program")
        self.ok((self.data_dir / "台账.baodao.db").is_file(), "uninstall kept the ledger in %LOCALAPPDATA%\\Baodao")
        reg = (self.prefix / "user.reg").read_text(encoding="utf-8", errors="replace")
        self.ok("Uninstall\\\\Baodao]" not in reg, "uninstall removed its apps-list entry")


def shortcut_targets(link: Path) -> bool:
    """A .lnk names its target, arguments and icon in UTF-16 (or the ANSI code page)."""
    data = link.read_bytes()
    return all(word.encode("utf-16-le") in data or word.encode("ascii") in data
               for word in ("pythonw.exe", "start_baodao.pyw", "baodao.ico"))


def explain(stderr: str) -> str:
    """The end of a traceback; names the known Windows fault of fsync on a read-only handle."""
    tail = "\n".join(stderr.strip().splitlines()[-6:])
    if "os.fsync" in tail and "Permission denied" in tail:
        tail += ("\n      APP BUG (Windows, not Wine): os.fsync() on a file opened \"rb\" fails on "
                 "Windows (FlushFileBuffers needs write access); open it \"r+b\" to flush it")
    return tail


def same_text(page) -> str:  # type: ignore[no-untyped-def]
    """A card's text without line breaks and spaces: fonts differ, so lines wrap differently."""
    return re.sub(r"\s+", "", page.extract_text())


def preview_table(text: str) -> list[tuple[str, ...]]:
    """The rows of `baodao import --dry-run`'s table: a sheet name and its counts."""
    rows = [line.split() for line in text.splitlines()]
    return [tuple(row) for row in rows if len(row) >= 6 and all(c.isdigit() for c in row[1:])]


def counts(text: str) -> list[str]:
    """The figures `baodao check` prints (labels and numbers), in order."""
    return re.findall(r"(\S+?)[：:]\s*([0-9]+)", text)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    checker = Checker(Path(argv[0]), common.BUILD / "wine-prefix")
    with common.Timer("Wine check"):
        checker.fresh_prefix()
        if checker.install():
            checker.imports()
            checker.command_line()
            checker.upgrade()
            checker.backup()
            checker.exchange_with_shim()
            checker.uninstall()
    print("\nWine limits (would load on Windows 10, cannot under this Wine):")
    for limit in checker.limits or ["none"]:
        print(f"  WINE LIMIT  {limit}")
    print(f"Wine check: {len(checker.failures)} failed" + (": " + "; ".join(checker.failures)
                                                          if checker.failures else ", passed"))
    return 1 if checker.failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
