"""恢复密钥 sheet: the ledger's recovery key on paper, for the 书记 to keep locked away.

Printed when the first 书记 is created (and again from 用户管理 by a logged-in 书记): with it, a
书记 who forgot the password sets a new one (`baodao recover-password`, or 使用恢复密钥 at the
login), and a ledger whose keyring file was lost opens again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from db import keys, settings
from db.ledger import Ledger

from .fonts import FontSet
from .report_pdf import Doc


def recovery_pdf(ledger: Ledger, out: str | Path,
                 fonts: FontSet | None = None) -> tuple[Path, list[str]]:
    held = keys.held(ledger.path)
    if held is None or not held.secretary:
        raise keys.KeyringError("只有登录的书记可以打印恢复密钥")
    ident = settings.identity(ledger)
    text = keys.recovery_text(held)
    groups = text.split("-")
    doc = Doc(fonts)
    doc.title("报到台账　恢复密钥")
    doc.para(f"{ident['office_name']}　台账文件：{Path(ledger.path).name}", align="c")
    doc.para(f"打印时间：{dt.datetime.now():%Y-%m-%d %H:%M}", doc.s.small, align="c")
    doc.space(6)
    doc.heading("恢复密钥（13组，每组4个字母或数字）")
    for start in (0, 5, 10):
        doc.para("　".join(groups[start:start + 5]), doc.s.title * 0.9, align="c")
        doc.space(2)
    doc.space(6)
    doc.heading("什么时候用")
    for line in (
            "1. 所有书记都忘记了登录密码：在登录窗口点“使用恢复密钥”，输入上面的恢复密钥，"
            "为书记设置新密码。",
            "2. 台账旁边的钥匙文件（台账文件名后加 .keys）丢失或损坏：同样用恢复密钥重建，"
            "网格员的密码需要书记重新设置。",
            "3. 命令行：baodao recover-password 台账文件 --user 书记用户名。"):
        doc.para(line)
    doc.space(4)
    doc.heading("请注意")
    for line in (
            "• 恢复密钥能打开台账里的全部数据，包括完整身份证号，相当于书记的密码。"
            "请把这张纸锁在保险柜或档案柜里，不要拍照、不要存在电脑或手机上。",
            "• 如果书记密码忘记了，这张纸也丢了，台账里的完整身份证号将无法再读出，"
            "任何人（包括程序开发者）都无法找回。",
            "• 恢复密钥不会因为改密码而改变；如果怀疑它被别人看到了，请联系技术人员。"):
        doc.para(line)
    doc.space(10)
    doc.para("保管人签字：____________　　　　日期：______年____月____日")
    path = doc.save(out, "报到台账恢复密钥", ident["office_name"])
    return path, doc.fonts.warnings
