"""The records an exchange import is made of: the file as read (its 说明 and checked rows),
the preview (counts per sheet, conflicts, duplicates, refused rows) and the outcome."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import schema

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass
class Issue:
    sheet: str
    row: int  # as Excel numbers it
    column: str
    reason: str
    content: str = ""  # the row in short, IDs masked

    def line(self) -> str:
        where = f"“{self.sheet}”第{self.row}行" if self.row else f"“{self.sheet}”"
        return f"{where}{'“' + self.column + '”列' if self.column else ''}：{self.reason}"


@dataclass
class Conflict:
    table: str
    title: str
    uuid: str
    name: str
    headers: list[str]
    mine: list[str]
    theirs: list[str]
    suggested: str  # mine / theirs
    note: str = ""


@dataclass
class SheetCounts:
    title: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflict: int = 0
    invalid: int = 0
    duplicate: int = 0
    deleted: int = 0  # tombstones among new + updated
    same_change: int = 0  # among unchanged: the same edit made at both offices

    def as_dict(self) -> dict[str, int]:
        return {"新增": self.new, "更新": self.updated, "未变": self.unchanged,
                "冲突": self.conflict, "无效": self.invalid, "疑似重复": self.duplicate,
                "删除": self.deleted}


@dataclass
class IncomingTable:
    table: str
    title: str
    columns: list[schema.Column]  # present in the file, in file order
    rows: list[tuple[int, tuple[Any, ...]]]  # (excel row, values by column; refs as uuids)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def values(self, row: tuple[Any, ...]) -> dict[str, Any]:
        return dict(zip(self.names, row, strict=True))


@dataclass
class ExchangeFile:
    path: str
    readme: dict[str, Any]
    tables: dict[str, IncomingTable]
    issues: list[Issue] = field(default_factory=list)

    @property
    def office(self) -> str:
        return str(self.readme.get("来源单位UUID", ""))

    @property
    def office_name(self) -> str:
        return str(self.readme.get("来源单位", ""))

    @property
    def exported_at(self) -> str:
        return str(self.readme.get("导出时间", ""))

    @property
    def format_version(self) -> int:
        return _int(self.readme.get("格式版本"))

    @property
    def from_seq(self) -> int:
        """The sender's tick its file starts after (0: everything it holds)."""
        return _int(self.readme.get("起始序号"))

    @property
    def to_seq(self) -> int:
        """The sender's tick when it wrote the file (0 in a file of format 1)."""
        return _int(self.readme.get("截止序号"))

    @property
    def receiver(self) -> str:
        return str(self.readme.get("接收单位UUID") or "")

    @property
    def whole(self) -> bool:
        """The file holds every row the sender has (not one grid's part only)."""
        return str(self.readme.get("导出范围", "全部")) == "全部"

    @property
    def acks(self) -> dict[str, int]:
        """office -> the highest of that office's ticks the sender holds all changes of."""
        return _acks(self.readme.get("已收到序号"))

    @property
    def community(self) -> str:
        return str(self.readme.get("社区") or "")

    @property
    def audit_points(self) -> list[tuple[int, str]]:
        """The sender's audit chain checkpoints and head (db.audit witnesses)."""
        from db.audit import parse_witness

        return parse_witness(self.readme.get("审计链"))

    def complete_for(self, office: str, received: int) -> bool:
        """Importing this whole file gives `office` all the sender's changes up to to_seq:
        it was written for that office, or it holds everything the sender has, and it starts
        no later than what the office already holds."""
        if not self.to_seq or self.from_seq > received:
            return False
        return self.receiver == office or (self.whole and self.from_seq == 0)


@dataclass
class Preview:
    source: ExchangeFile
    sheets: list[SheetCounts]
    conflicts: list[Conflict]
    duplicates: list[Conflict]
    issues: list[Issue]
    warnings: list[str]
    plan: dict[str, Any] = field(default_factory=dict, repr=False)
    offices: dict[str, str] = field(default_factory=dict)  # office uuid -> name to show
    already: str = ""  # the file was imported before: nothing read past 说明, nothing to do

    def totals(self) -> SheetCounts:
        total = SheetCounts("合计")
        for s in self.sheets:
            for key in ("new", "updated", "unchanged", "conflict", "invalid", "duplicate",
                        "deleted", "same_change"):
                setattr(total, key, getattr(total, key) + getattr(s, key))
        return total

    @property
    def changes(self) -> int:
        t = self.totals()
        return t.new + t.updated


@dataclass
class ApplyResult:
    preview: Preview
    applied: dict[str, SheetCounts]
    backup: str
    kept_after_delete: list[str]
    unresolved: int
    failed: list[Issue]


def _int(value: Any) -> int:
    try:
        return max(int(float(value or 0)), 0)
    except (TypeError, ValueError):
        return 0


def _acks(value: Any) -> dict[str, int]:
    import json

    try:
        data = json.loads(str(value)) if value else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k).lower(): _int(v) for k, v in data.items() if UUID_RE.match(str(k))}
