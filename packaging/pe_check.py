"""Static check of a Windows bundle: every .exe/.dll/.pyd is a 64-bit PE, and every DLL it
imports (normal and delay-loaded) resolves to a file in the bundle or to a DLL that Windows 10
ships. Files the app needs but nothing imports (the Qt platform plugin, the Chinese
translation) are checked by name. Exit 1 when anything is unresolved or missing.

    python packaging/pe_check.py BUNDLE_DIR

The search for a DLL imported by file F follows what the loader does in this bundle: F's own
folder, the interpreter's folder (the application directory), the folders Python packages add
with os.add_dll_directory (PySide6, shiboken6, delvewheel's *.libs), then Windows itself."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

AMD64 = 0x8664
PE_SUFFIXES = (".exe", ".dll", ".pyd")

# DLLs in C:\Windows\System32 of a stock Windows 10 (1809 or later) that Qt, CPython and the
# wheels import. Not here on purpose: vcruntime140*.dll, msvcp140*.dll, concrt140.dll (the VC++
# runtime, not part of Windows: the bundle must carry them).
WINDOWS10_DLLS = frozenset(name.lower() for name in ["advapi32.dll", "authz.dll", "avrt.dll", "bcrypt.dll", "bcryptprimitives.dll", "cabinet.dll", "cfgmgr32.dll", "combase.dll", "comctl32.dll", "comdlg32.dll", "crypt32.dll", "cryptbase.dll", "cryptnet.dll", "cryptui.dll", "d2d1.dll", "d3d9.dll", "d3d11.dll", "d3d12.dll", "d3dcompiler_47.dll", "dbghelp.dll", "dcomp.dll", "dnsapi.dll", "dwmapi.dll", "dwrite.dll", "dxgi.dll", "dxva2.dll", "evr.dll", "gdi32.dll", "gdiplus.dll", "glu32.dll", "hid.dll", "icu.dll", "icuin.dll", "icuuc.dll", "imm32.dll", "iphlpapi.dll", "kernel32.dll", "kernelbase.dll", "ksuser.dll", "mf.dll", "mfplat.dll", "mfreadwrite.dll", "mpr.dll", "msimg32.dll", "mscms.dll", "msvcrt.dll", "ncrypt.dll", "netapi32.dll", "normaliz.dll", "ntdll.dll", "ole32.dll", "oleacc.dll", "oleaut32.dll", "opengl32.dll", "powrprof.dll", "propsys.dll", "psapi.dll", "rpcrt4.dll", "secur32.dll", "setupapi.dll", "shcore.dll", "shell32.dll", "shlwapi.dll", "sspicli.dll", "ucrtbase.dll", "uiautomationcore.dll", "urlmon.dll", "user32.dll", "userenv.dll", "usp10.dll", "uxtheme.dll", "version.dll", "wevtapi.dll", "winhttp.dll", "wininet.dll", "winmm.dll", "winspool.drv", "wintrust.dll", "wldap32.dll", "ws2_32.dll", "wsock32.dll", "wtsapi32.dll"])
API_SET_PREFIXES = ("api-ms-win-", "ext-ms-win-")  # resolved by the loader's API set schema

# Loaded by name at run time, so no import table names them.
REQUIRED = (
    "python/python.exe", "python/pythonw.exe", "python/python313.dll", "python/python313._pth",
    "python/vcruntime140.dll", "python/vcruntime140_1.dll",
    "python/Lib/site-packages/PySide6/plugins/platforms/qwindows.dll",
    "python/Lib/site-packages/PySide6/plugins/styles/qmodernwindowsstyle.dll",
    "python/Lib/site-packages/PySide6/plugins/imageformats/qsvg.dll",
    "python/Lib/site-packages/PySide6/plugins/iconengines/qsvgicon.dll",
    "python/Lib/site-packages/PySide6/translations/qtbase_zh_CN.qm",
    "app/start_baodao.pyw", "app/desktop/cli.py", "app/resources/icons/baodao.ico",
    "app/docs/使用手册.pdf",
)
DLL_DIRECTORY_PACKAGES = ("PySide6", "shiboken6")  # each calls os.add_dll_directory


@dataclass
class PeFile:
    path: str  # bundle-relative, forward slashes
    machine: int
    imports: list[str]
    delayed: list[str] = field(default_factory=list)


@dataclass
class Report:
    checked: int = 0
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (file, dll)
    wrong_machine: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    system_used: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not (self.unresolved or self.wrong_machine or self.missing)


def search_dirs(path: str, files: Iterable[str]) -> list[str]:
    """Where the loader looks for a DLL that `path` imports: its own folder and the
    interpreter's (the application directory) always; then the folders that the module's own
    package has added with os.add_dll_directory before its extensions load (PySide6 adds
    itself and shiboken6; delvewheel's <dist>.libs). python313.dll, loaded before any package,
    sees only the application directory and Windows."""
    own = str(PurePosixPath(path).parent)
    dirs = [own, "python"]
    parts = PurePosixPath(path).parts
    if "site-packages" in parts[:-1]:
        i = parts.index("site-packages")
        site = "/".join(parts[: i + 1])
        package = parts[i + 1] if len(parts) > i + 2 else ""
        if package == "PySide6":
            dirs += [f"{site}/PySide6", f"{site}/shiboken6"]
        elif package in DLL_DIRECTORY_PACKAGES:
            dirs.append(f"{site}/{package}")
        if package:
            dirs += sorted({"/".join(PurePosixPath(f).parts[: i + 2]) for f in files
                            if len(PurePosixPath(f).parts) > i + 2
                            and PurePosixPath(f).parts[i + 1].endswith(".libs")
                            and PurePosixPath(f).parts[i + 1].lower().startswith(package.lower()[:4])})
    return dirs


def resolve(pe_files: Iterable[PeFile], all_files: Iterable[str],
            system: frozenset[str] = WINDOWS10_DLLS,
            required: Iterable[str] = REQUIRED) -> Report:
    files = list(all_files)
    present: dict[str, set[str]] = {}  # folder -> lower-case names in it
    for path in files:
        p = PurePosixPath(path)
        present.setdefault(str(p.parent).lower(), set()).add(p.name.lower())
    report = Report()
    for pe in pe_files:
        report.checked += 1
        if pe.machine != AMD64:
            report.wrong_machine.append(pe.path)
        folders = [d.lower() for d in search_dirs(pe.path, files)]
        for dll in dict.fromkeys(pe.imports + pe.delayed):
            name = dll.lower()
            if any(name in present.get(folder, ()) for folder in folders):
                continue
            if name.startswith(API_SET_PREFIXES) or name in system:
                report.system_used.add(name)
                continue
            report.unresolved.append((pe.path, dll))
    lower = {f.lower() for f in files}
    report.missing = [r for r in required if r.lower() not in lower]
    return report


def read_pe(path: str, data: bytes) -> PeFile:
    import pefile

    pe = pefile.PE(data=data, fast_load=True)
    pe.parse_data_directories(directories=[
        pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"],
        pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT"]])
    imports = [e.dll.decode("ascii", "replace") for e in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])]
    delayed = [e.dll.decode("ascii", "replace")
               for e in getattr(pe, "DIRECTORY_ENTRY_DELAY_IMPORT", [])]
    machine = pe.FILE_HEADER.Machine
    pe.close()
    return PeFile(path, machine, imports, delayed)


def check_bundle(root: str) -> Report:
    from pathlib import Path

    base = Path(root)
    files = sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())
    pes = [read_pe(f, (base / f).read_bytes()) for f in files if f.lower().endswith(PE_SUFFIXES)]
    return resolve(pes, files)


def describe(report: Report) -> str:
    lines = [f"PE files checked: {report.checked}",
             f"Windows DLLs used: {len(report.system_used)} ({', '.join(sorted(report.system_used)[:12])}…)",
             f"unresolved imports: {len(report.unresolved)}"]
    lines += [f"  UNRESOLVED {dll} (imported by {path})" for path, dll in report.unresolved]
    lines += [f"  NOT 64-BIT {path}" for path in report.wrong_machine]
    lines += [f"  MISSING {path}" for path in report.missing]
    lines.append("PE check: " + ("passed" if report.ok else "FAILED"))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    report = check_bundle(argv[0])
    print(describe(report))
    return 0 if report.ok else 1


def system_dlls_needed(report: Report, mapping: Mapping[str, str] | None = None) -> list[str]:
    return sorted(n for n in report.system_used if not n.startswith(API_SET_PREFIXES))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
