"""What a failure means for the person at the desk: a full disk, a read-only folder or stick,
a damaged ledger file, said in Chinese with what to do. Shared by the app and the command
line; anything not recognised here is a bug and gets a crash report instead."""

from __future__ import annotations

import errno
import re
import sqlite3

_CJK = re.compile(r"[\u4e00-\u9fff]")

DISK_FULL = ("磁盘空间已满，操作没有完成，台账和原有文件都没有改动。"
             "请清理磁盘（或换一个有空间的U盘）后再试")
READ_ONLY = ("目标位置是只读的或没有写入权限（U盘可能设置了写保护），操作没有完成，"
             "台账没有改动。请换一个位置，或解除写保护后再试")
LEDGER_READ_ONLY = ("台账文件是只读的（可能在只读的U盘或光盘上，或被设置为只读），不能保存修改，"
                    "台账没有改动。请把台账复制到本机硬盘后再打开")
DAMAGED = ("台账文件已损坏，无法读取（数据库结构被破坏）。请用“文件 → 恢复备份”恢复最近的备份，"
           "或用“检查数据库”查看损坏情况")


def explain(error: BaseException) -> str | None:
    """A Chinese sentence for a failure the user can act on, or None."""
    if isinstance(error, OSError):
        name = f"（{error.filename}）" if getattr(error, "filename", None) else ""
        if error.errno == errno.ENOSPC:
            return DISK_FULL + name
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return READ_ONLY + name
        if error.errno == errno.ENOENT:
            return f"找不到文件或文件夹{name}，可能U盘已拔出或文件已被移走"
        if error.errno == errno.EIO:
            return f"读写设备出错{name}（U盘可能已拔出或损坏），操作没有完成，台账没有改动"
        return None
    if isinstance(error, sqlite3.Error):
        text = str(error).lower()
        if "disk is full" in text or "database or disk is full" in text:
            return DISK_FULL
        if "readonly" in text or "read-only" in text:
            return LEDGER_READ_ONLY
        if "malformed" in text or "not a database" in text or "disk i/o error" in text:
            return DAMAGED
    return None


def message(error: BaseException) -> str:
    """What to show for any error: the explanation, else the error's own Chinese message,
    else its type and text (an unexpected fault)."""
    known = explain(error)
    if known:
        return known
    text = str(error)
    if _CJK.search(text):
        return text
    return f"{type(error).__name__}：{text}"
