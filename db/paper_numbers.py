"""Numbers printed on paper (签到表, 志愿服务记录证明, 回执, 公示): 社区-年份-序号, and the
count of each paper's prints.

The community is part of every number, so two offices never give the same one; the next
序号 is one above every number of that prefix the ledger holds, deleted and voided rows
included (a number once printed is never given again), and rows merged in from another
office of the same community count too."""

from __future__ import annotations

from typing import Any

from . import audit, records
from .ledger import Ledger


def community(ledger: Ledger) -> str:
    """The issuing office as it stands in a number: the community, else the office's name
    (a street ledger), else its short uuid."""
    name = ledger.meta("community") or ledger.meta("office_name") or ledger.meta("street") or ""
    return name.strip().replace("-", "－") or f"单位{ledger.office[:8]}"


def next_serial(ledger: Ledger, table: str, prefix: str) -> int:
    """One above the highest 序号 among numbers of table that start with prefix."""
    last = ledger.scalar(
        f"SELECT max(CAST(substr(number, ?) AS INTEGER)) FROM main.{table} "
        "WHERE substr(number, 1, ?) = ?", (len(prefix) + 1, len(prefix), prefix))
    return int(last or 0) + 1


def count_print(ledger: Ledger, table: str, row: dict[str, Any], paper: str, detail: str,
                file_name: str = "") -> bool:
    """One more print of a numbered paper (inside the caller's transaction), audited as
    打印<paper> or, from the second print on, 补打<paper>; True for a reprint."""
    reprint = row["prints"] > 0
    records.update(ledger, table, row["id"], {"prints": row["prints"] + 1})
    audit.record(ledger, ("补打" if reprint else "打印") + paper,
                 detail + (f"（{file_name}）" if file_name else ""))
    return reprint
