"""Chinese for SQLite's refusal of a row that reached the ledger despite the checks (a
constraint between rows, such as two live claims of one post by one member, which no single
row shows). The import names the row's sheet and row; this names the column and the reason,
never in SQLite's English ("CHECK constraint failed: level BETWEEN 1 AND 5")."""

from __future__ import annotations

import re

Problem = tuple[str, str]

_CHECKS = (
    ("level BETWEEN 1 AND 5", "level", "层级应为1到5之间的整数（1街道党工委……5单元）"),
    ("(member_id IS NULL) <> (unit_id IS NULL)", "member_id", "党员和单位应填且只填一个"),
    ("price > 0", "price", "所需积分应大于0"),
    ("kind IN ('资源', '需求', '项目')", "kind", "应为 资源、需求、项目 之一"),
)
_UNIQUE = {
    ("post_claims", "member_id"): ("member_id", "该党员已认领这个岗位（重复认岗）"),
    ("evaluations", "member_id"): ("period", "这一评价周期已有该党员的评价"),
    ("evaluations", "unit_id"): ("period", "这一评价周期已有该单位的评价"),
    ("members", "id_number"): ("id_number", "该身份证号已登记为在册党员，不能重复报到"),
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def integrity_reason(error: BaseException) -> Problem:
    """(column, Chinese reason) for an sqlite3.IntegrityError raised writing one row; never
    SQLite's English. Column "" when the message names none."""
    text = str(error)
    if _CJK.search(text) and "constraint failed" not in text:
        return "", text  # a trigger's own message (db.access scopes), already Chinese
    if text.startswith("CHECK constraint failed: "):
        expression = text.split(": ", 1)[1]
        for known, column, reason in _CHECKS:
            if expression.startswith(known):
                return column, reason
        match = re.match(r"\(*\s*(\w+)", expression)
        return (match.group(1) if match else ""), "不符合台账的规则，未能导入"
    if text.startswith(("NOT NULL constraint failed: ", "UNIQUE constraint failed: ")):
        names = [part.strip().split(".")[-1] for part in text.split(": ", 1)[1].split(",")]
        table = text.split(": ", 1)[1].split(".")[0].strip()
        if text.startswith("NOT NULL"):
            return names[-1], "不能为空"
        if names == ["uuid"]:
            return "uuid", "与台账中已有的另一条记录UUID相同"
        return _UNIQUE.get((table, names[-1]), (names[-1], "与台账中已有的记录重复"))
    if text.startswith("FOREIGN KEY constraint failed"):
        return "", "引用的记录在本台账中不存在（可能已被删除）"
    return "", "与台账中已有的数据冲突，未能导入"
