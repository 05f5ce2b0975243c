"""Reading untrusted spreadsheets safely.

Before parsing: the format is decided by magic bytes, not by the extension (an HTML page
renamed to .xls is refused), and zip containers are checked for total unzipped size, ratio
and entry count (zip bombs). Parsing itself (python-calamine) runs in a child process with a
time limit and, where the OS allows, a memory limit: calamine aborts the whole process on a
sheet that claims a billion cells, and a child dying must not take the app with it."""

from __future__ import annotations

import io
import os
import pickle
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 200 * 2**20
MAX_UNZIPPED_BYTES = 2 * 2**30
MAX_RATIO = 150  # per entry above RATIO_CHECKED_BYTES; real sheets compress 5-30x
RATIO_CHECKED_BYTES = 16 * 2**20  # a 1 MB cell repeated is harmless; 50 MB of zeros is not
MAX_ENTRIES = 5000
MAX_COLUMNS = 1000
MAX_CELLS = 25_000_000
MIN_CELLS = 200_000  # any sheet may span this many cells, however little it holds
BYTES_PER_CELL = 8  # the least XML a cell with a value takes (<c r="A1"><v>1</v></c> is 20)
MAX_MERGES = 5000
CHILD_MEMORY_BYTES = 3 * 2**30
PARALLEL_BYTES = 4 * 2**20  # smaller files are read by one child

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileRejected(Exception):
    """The file is refused before or while reading; the message is for the user."""

    def __init__(self, message: str, sheet: str = "", cell: str = ""):
        super().__init__(message)
        self.sheet = sheet
        self.cell = cell


class PasswordRequired(FileRejected):
    pass


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1


def sniff(head: bytes) -> str:
    """'zip', 'cfb' or a refusal naming what the file really is."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(CFB_MAGIC):
        return "cfb"
    text = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head")) or \
            b"<html" in text or b"<table" in text:
        raise FileRejected("这个文件其实是网页（HTML），只是扩展名是表格，不能导入。"
                           "请用Excel或WPS打开后“另存为”Excel工作簿（.xlsx）再导入")
    if text.startswith(b"<?xml"):
        raise FileRejected("这个文件是XML文档，不是Excel工作簿，不能导入。"
                           "请用Excel或WPS另存为.xlsx后再导入")
    if head[:4] == b"PK\x05\x06":
        raise FileRejected("文件是空的压缩包，不是Excel工作簿")
    if not head:
        raise FileRejected("文件是空的（0字节），可能复制时出错")
    raise FileRejected("不是Excel、WPS或LibreOffice表格文件（文件内容无法识别），不能导入")


def check_zip(data: io.BytesIO | str | Path) -> str:
    """Size and ratio checks on a zip container before any XML is parsed; returns the kind."""
    try:
        archive = zipfile.ZipFile(data)
    except Exception:  # BadZipFile, NotImplementedError for odd versions, struct errors, ...
        raise FileRejected("文件不完整或已损坏（可能复制到U盘时中断），请让对方重新发送") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise FileRejected(f"文件内部包含{len(infos)}个部件，超出正常表格，已拒绝")
        total = 0
        for info in infos:
            total += info.file_size
            # Judged by the absolute size unpacked: a genuine sheet with one repetitive 1 MB
            # cell compresses 700x and is harmless; a bomb unpacks to tens of MB and more.
            if info.file_size > RATIO_CHECKED_BYTES and \
                    info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise FileRejected(
                    f"文件内部“{info.filename}”压缩比异常（{info.file_size // max(info.compress_size, 1)}"
                    "倍），可能是恶意构造的压缩炸弹，已拒绝")
        if total > MAX_UNZIPPED_BYTES:
            raise FileRejected(f"文件解压后约{total // 2**20} MB，超出上限，已拒绝")
        names = {i.filename for i in infos}
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "mimetype" in names:
            try:
                mime = archive.read("mimetype")[:100]
            except Exception:
                mime = b""
            if b"opendocument.spreadsheet" in mime:
                return "ods"
        if "word/document.xml" in names:
            raise FileRejected("这是Word文档，不是表格，不能导入")
        raise FileRejected("压缩文件中没有工作簿，不是Excel或LibreOffice表格，不能导入")


def decrypt(raw: bytes, password: str | None) -> bytes:
    """An encrypted OOXML (or .xls) file, decrypted in memory."""
    import msoffcrypto

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(raw))
        encrypted = office.is_encrypted()
    except Exception:
        raise FileRejected("文件已损坏，无法识别（旧版.xls结构错误）") from None
    if not encrypted:
        return raw
    if not password:
        raise PasswordRequired("文件设有打开密码，请输入密码")
    out = io.BytesIO()
    try:
        office.load_key(password=password)
        office.decrypt(out)
    except Exception:
        raise PasswordRequired("密码不正确，无法打开文件") from None
    return out.getvalue()


def prepare(path: str | Path, password: str | None = None) -> tuple[Path | bytes, str]:
    """Check a file; returns (what to parse, kind: xlsx/ods/xls). A plain workbook is parsed
    from its own path (nothing copied); an encrypted one as bytes decrypted in memory."""
    path = Path(path)
    try:
        if not path.is_file():
            raise FileRejected("这不是一个普通文件（可能是文件夹、设备或管道），不能导入")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileRejected(f"文件有{size // 2**20} MB，超出上限（{MAX_FILE_BYTES // 2**20} MB）")
        with path.open("rb") as handle:
            head = handle.read(1024)
    except FileRejected:
        raise
    except OSError as error:
        raise FileRejected(f"无法读取文件：{error.strerror or error}") from None
    kind = sniff(head)
    if kind == "cfb":
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise FileRejected(f"无法读取文件：{error.strerror or error}") from None
        plain = decrypt(raw, password)
        if plain is not raw:
            if sniff(plain[:1024]) != "zip":
                raise FileRejected("解密后的内容不是Excel工作簿")
            return plain, check_zip(io.BytesIO(plain))
        return raw, "xls"
    return path, check_zip(path)


_CELL_REF = re.compile(rb'<c[^>]*?\br="([A-Z]{1,4})(\d{1,8})"')


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def diagnose_far_cell(data: bytes) -> tuple[str, str] | None:
    """After a parse failure: the first sheet and cell lying absurdly far out, if any."""
    try:
        return _far_cell(data)
    except Exception:  # a damaged stream: nothing to point at
        return None


def _far_cell(data: bytes) -> tuple[str, str] | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        return None
    with archive:
        sheets = sorted(n for n in archive.namelist()
                        if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        for index, name in enumerate(sheets, start=1):
            with archive.open(name) as handle:
                tail = b""
                while chunk := handle.read(1 << 20):
                    block = tail + chunk
                    for match in _CELL_REF.finditer(block):
                        col, row = _col_number(match.group(1).decode()), int(match.group(2))
                        if col > MAX_COLUMNS or row * min(col, 50) > MAX_CELLS:
                            return (f"第{index}个工作表", f"{match.group(1).decode()}{row}")
                    tail = block[-200:]
    return None


# The child process's whole program: self-contained (python -I, no imports from this app) so
# that it starts in ~30 ms.
_CHILD = r"""
import pickle, sys
in_path, out_path, memory, max_cols, max_cells, max_merges = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
# which sheets: "all", "only:1,4" or "except:1,4,2" (by position)
mode, _, listed = sys.argv[7].partition(":")
chosen = {int(x) for x in listed.split(",") if x}
def wanted(index):
    return mode == "all" or (index in chosen) == (mode == "only")
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
except (ImportError, ValueError, OSError):
    pass
from python_calamine import CalamineWorkbook

def letters(n):
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out

with open(out_path, "wb") as out:
    try:
        book = CalamineWorkbook.from_path(in_path)
        names = list(book.sheet_names)
    except Exception as error:
        pickle.dump(("error", "", "", "无法读取工作簿：%s" % error), out)
        sys.exit(0)
    for index, name in enumerate(names):
        if not wanted(index):
            continue
        try:
            sheet = book.get_sheet_by_name(name)
        except Exception as error:
            pickle.dump(("error", name, "", "工作表无法读取：%s" % error), out)
            sys.exit(0)
        end = sheet.end or (0, 0)
        height, width = end[0] + 1, end[1] + 1
        if width > max_cols or height * width > max_cells:
            cell = "%s%d" % (letters(min(width, 16384)), height)
            pickle.dump(("error", name, cell,
                         "工作表范围达到%s（%d行×%d列），超出上限" % (cell, height, width)), out)
            sys.exit(0)
        try:
            merged = sorted({tuple(int(x) for x in (r[0][0], r[0][1], r[1][0], r[1][1]))
                             for r in (sheet.merged_cell_ranges or [])})
        except Exception:
            merged = []
        area = sum((r1 - r0 + 1) * (c1 - c0 + 1) for r0, c0, r1, c1 in merged)
        if len(merged) > max_merges or area > max_cells:
            pickle.dump(("error", name, "",
                         "合并单元格过多（%d处，共%d格），超出正常表格，已拒绝" % (len(merged), area)), out)
            sys.exit(0)
        pickle.dump(("sheet", name, merged, index), out)
        rows = sheet.to_python(skip_empty_area=False) if sheet.end else []
        for index in range(0, len(rows), 5000):
            pickle.dump(("rows", rows[index:index + 5000]), out)
        del rows
    pickle.dump(("end",), out)
"""


def cell_budget(data: Path | bytes, kind: str, size: int) -> int:
    """How many cells one sheet may span: real sheets are dense, so the area a sheet claims is
    bounded by how much XML it really has; a tiny file claiming a cell at ALL25000 or
    A1048576 (1-2 GB once laid out) is refused before it is laid out."""
    if kind == "xls":
        content = size * 4
    else:
        with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as archive:
            content = sum(i.file_size for i in archive.infolist()
                          if i.filename.startswith("xl/worksheets/")
                          or i.filename == "content.xml")
    return int(min(MAX_CELLS, max(MIN_CELLS, content // BYTES_PER_CELL)))


def _child_timeout(size: int) -> float:
    return 60 + size / 2**20 * 3


def read_workbook(path: str | Path, password: str | None = None,
                  timeout: float | None = None) -> list[Sheet]:
    """Every sheet of a spreadsheet as rows of plain values, or FileRejected."""
    return list(iter_workbook(path, password, timeout))


def _split(data: Path | bytes, kind: str, size: int, workers: int) -> list[str]:
    """Sheet assignments for parallel children, balanced by each sheet's unzipped size.
    The first child also takes every sheet the others do not name."""
    if workers < 2 or kind != "xlsx" or size < PARALLEL_BYTES:
        return ["all"]
    with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as archive:
        sizes = {}
        for info in archive.infolist():
            match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if match:
                sizes[int(match.group(1)) - 1] = info.file_size
    totals = [0] * workers
    groups: list[list[int]] = [[] for _ in range(workers)]
    for index in sorted(sizes, key=lambda i: -sizes[i]):
        lightest = min(range(workers), key=totals.__getitem__)
        totals[lightest] += sizes[index]
        groups[lightest].append(index)
    others = [group for group in groups[1:] if group]
    if not others:
        return ["all"]
    taken = sorted(i for group in others for i in group)
    return ["except:" + ",".join(map(str, taken))] + [
        "only:" + ",".join(map(str, sorted(group))) for group in others]


def iter_workbook(path: str | Path, password: str | None = None,
                  timeout: float | None = None,
                  first_only: bool = False) -> Generator[Sheet, None, None]:
    """The sheets one at a time, so that a big file never sits in memory twice. Big files are
    parsed by several children at once (one per core, up to four). first_only: the first
    sheet alone (an exchange file's 说明, to tell a file already imported at once)."""
    data, kind = prepare(path, password)
    suffix = {"xlsx": ".xlsx", "ods": ".ods", "xls": ".xls"}[kind]
    from desktop import workarea

    # the app's private temp folder: a decrypted file and what is read from it hold personal data
    folder = tempfile.mkdtemp(prefix="read-", dir=workarea.use_private_temp())
    copied = isinstance(data, bytes)
    if isinstance(data, bytes):
        source, size = Path(folder) / ("in" + suffix), len(data)
    else:
        source = data.resolve()
        size = source.stat().st_size
    parts = ["only:0"] if first_only else _split(data, kind, size, min(os.cpu_count() or 1, 4))
    results = [Path(folder) / f"out{n}.pickle" for n in range(len(parts))]
    streams: list[Generator[tuple[int, Sheet], None, None]] = []
    cells = cell_budget(data, kind, size)
    try:
        if isinstance(data, bytes):
            source.write_bytes(data)
        procs = [subprocess.Popen(
            [sys.executable, "-I", "-c", _CHILD, str(source), str(result),
             str(CHILD_MEMORY_BYTES), str(MAX_COLUMNS), str(cells), str(MAX_MERGES), part],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
            for part, result in zip(parts, results, strict=True)]
        failed = False
        try:
            for proc in procs:
                failed |= proc.wait(timeout=timeout or _child_timeout(size)) != 0
        except subprocess.TimeoutExpired:
            raise FileRejected("读取文件超时：文件结构异常或过于复杂，已放弃") from None
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        if failed or not all(r.exists() for r in results):
            far = diagnose_far_cell(data if isinstance(data, bytes) else source.read_bytes()) \
                if kind == "xlsx" else None
            if far:
                raise FileRejected(f"{far[0]}单元格{far[1]}超出合理范围，文件异常，已拒绝",
                                   far[0], far[1])
            raise FileRejected("文件结构异常，无法读取（可能已损坏或被恶意构造）")
        del data
        streams.extend(_stream(r) for r in results)
        heads = [next(st, None) for st in streams]
        while any(h is not None for h in heads):  # merge the children's sheets back in order
            n = min((h[0], k) for k, h in enumerate(heads) if h is not None)[1]
            yield heads[n][1]  # type: ignore[index]
            heads[n] = next(streams[n], None)
    finally:
        # A caller that stops early (only 说明 wanted) leaves the result files open in their
        # streams: close them first, or Windows refuses to delete them.
        for stream in streams:
            stream.close()
        if copied:
            source.unlink(missing_ok=True)
        for result in results:
            result.unlink(missing_ok=True)
        os.rmdir(folder)


def _stream(result: Path) -> Generator[tuple[int, Sheet], None, None]:
    current: tuple[int, Sheet] | None = None
    with open(result, "rb") as handle:
        while True:
            try:
                item = pickle.load(handle)  # written by our own child process
            except EOFError:
                raise FileRejected("文件结构异常，无法读取（读取进程中途退出）") from None
            if item[0] in ("end", "sheet") and current is not None:
                yield current
                current = None
            if item[0] == "end":
                return
            if item[0] == "error":
                _tag, sheet, cell, message = item
                where = f"工作表“{sheet}”" if sheet else ""
                raise FileRejected(f"{where}{'单元格' + cell if cell else ''}"
                                   f"{'：' if where else ''}{message}", sheet, cell)
            if item[0] == "sheet":
                _tag, name, merged, index = item
                current = (index, Sheet(name, [], merged))
            elif item[0] == "rows" and current is not None:
                current[1].rows.extend(item[1])
