"""使用手册.pdf: the secretaries' manual, A4, with screenshots taken from the real app by
manual_shots.py every time it is built (so the pictures are never stale).

    python packaging/manual.py OUT.pdf [--shots DIR]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# (title, paragraphs, screenshots with captions). Text for a secretary, not a programmer.
SECTIONS: list[tuple[str, list[str], list[tuple[str, str]]]] = [
    ("一、安装", [
        "从U盘上双击“报到台账-安装程序-{version}.exe”，按提示点“下一步”。安装只用于当前Windows用户，"
        "不需要管理员密码，也不需要联网。安装完成后，开始菜单和桌面上会出现“报到台账”。",
        "升级时直接运行新版本的安装程序即可，原有台账、备份和设置都会保留。",
        "卸载：在 Windows“设置 → 应用”中找到“报到台账”，点“卸载”。卸载默认只删除程序，"
        "台账、备份和设置仍保存在数据文件夹（%LOCALAPPDATA%\\Baodao）中；只有在卸载时勾选"
        "“同时删除台账、备份和设置”才会删除它们。",
        "统信UOS、银河麒麟等电脑：把“baodao_{version}_amd64.deb”复制到电脑上，在文件所在文件夹打开终端，"
        "运行 sudo apt install ./baodao_{version}_amd64.deb，之后在应用菜单中打开“报到台账”。",
    ], []),
    ("二、第一次启动", [
        "第一次打开时，程序请您填写本台账所属的街道和社区名称，然后点“创建台账”。台账是一个文件，"
        "保存在本机的数据文件夹中，不会上传到任何地方。",
        "想先熟悉程序，可以从开始菜单打开“报到台账（演示）”（统信UOS、银河麒麟：右键点菜单中的“报到台账”，选“打开演示台账”）。演示台账是程序生成的虚构社区，人名、电话都是编造的，在里面怎么试都不影响自己的台账。",
    ], [("setup", "第一次启动：填写街道和社区")]),
    ("三、概览", [
        "打开台账后先看到“概览”：在册党员、报到单位、岗位认领、本季度活动和服务时长等数字，"
        "按月的趋势图，以及“待办事项”（超期的群众需求、等待审核的活动、本季度还没有服务记录的党员）。"
        "点待办事项可以直接跳到对应的名单。",
    ], [("page-overview", "概览页")]),
    ("四、网格", [
        "“网格”页是五级网格：街道党工委、社区党组织、小区、楼院、单元。可以新增、改名、调整顺序，"
        "并为每一格填写负责人和电话。选中某一格后，其他名单只显示这一格里的单位和党员。",
    ], [("page-grid", "网格页")]),
    ("五、登记报到单位和在职党员", [
        "“报到单位”页登记机关企事业单位党组织：名称、类别、联系人、报到日期、包联小区、共建协议、"
        "资源清单和需求清单。“在职党员”页登记党员的基本信息、工作单位、居住网格、特长和联系户。",
        "双击一行即可修改，点“新增”登记新的。身份证号会自动校验；同一身份证号不能重复报到，"
        "程序会给出明确提示。名单上的身份证号和手机号默认隐去中间几位。",
        "已有Excel花名册时，用“文件 → 导入党员花名册”，程序先显示预览，确认后才写入。",
    ], [("page-units", "报到单位名单"), ("unit-dialog", "修改报到单位"),
        ("page-members", "在职党员名单"), ("member-dialog", "修改党员信息")]),
    ("六、服务岗位和群众需求", [
        "“服务岗位”页列出“7+X”岗位及认领情况。“群众需求”页记录群众点单、微心愿和社区需求："
        "点单 → 派单 → 接单 → 完成 → 群众评价，每一步都有日期，超期的会在概览中提醒。",
    ], [("page-posts", "服务岗位"), ("page-orders", "群众需求")]),
    ("七、活动纪实", [
        "每次集中服务日、志愿服务、主题党日、联席会议等活动只需登记一次：日期、类型、内容、"
        "参加的党员或单位、每人时长，再由社区审核。纪实卡、统计、积分和排名都从这里取数。",
    ], [("page-activities", "活动纪实名单"), ("activity-dialog", "登记一次活动")]),
    ("八、打印卡片", [
        "“打印”菜单可以打印纪实卡、反馈卡（党员版、单位版）和基本信息卡：选择期间、纸张（A4或A5）、"
        "范围，先预览再打印，也可以另存为PDF。卡片上的文字可以搜索、复制，打印时四周留足边距。",
    ], [("print-dialog", "打印卡片")]),
    ("九、积分和评价", [
        "“积分”页显示每名党员和单位的积分、每一笔加减分的原因，以及月度、季度排名；封存后的排名不再变化。"
        "“评价”页每半年为党员和单位评定等次：程序按积分和参与情况给出建议，由书记确定最终等次并填写评语，"
        "结果会填进反馈卡。“报表”页提供统计表和达标情况，可导出Excel或PDF。",
    ], [("page-points", "积分"), ("page-evaluation", "评价"), ("page-stats", "报表")]),
    ("十、用U盘交换数据", [
        "与街道或其他社区交换数据时，用“文件 → 导出到U盘”，选择U盘和范围；交换文件默认设置打开密码，"
        "请把密码另行告诉对方。收到对方的文件后，用“文件 → 导入交换文件”：程序先列出新增、更新、"
        "冲突和有问题的行，确认后才写入，写入前自动备份。同一个文件导入两次不会重复。",
    ], [("export-dialog", "导出到U盘")]),
    ("十一、备份和用户", [
        "程序在每次导入、恢复和升级前自动备份，平时每天最多备份一次，并保留最近的每日、每周和每月备份。"
        "“文件 → 备份与恢复”可以立即备份，或从某个备份恢复。",
        "“用户 → 用户管理”可以为网格员建立账号：网格员只能看到和修改自己负责的网格，身份证号隐去中间几位。"
        "设置用户后，打开台账需要登录；离开电脑超过设定时间会自动锁定。",
    ], [("backup-dialog", "备份与恢复"), ("users-dialog", "用户管理")]),
    ("十二、遇到问题", [
        "程序出错时会显示一段说明，并把错误报告（已隐去个人信息）保存在数据文件夹的“日志”中，"
        "可把这个文件交给技术人员。帮助 → 关于报到台账 显示程序版本和数据文件夹的位置。",
    ], []),
]


def build(out: Path, shots: Path, version: str) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
    )

    from desktop.cards.fonts import FontSet

    fonts = FontSet.discover()
    if not fonts.embedded:
        raise SystemExit("no TrueType Chinese font: the manual would print blank (install "
                         "fonts-wqy-microhei)")
    font = fonts.primary
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK",
                          spaceAfter=6, firstLineIndent=22)
    heading = ParagraphStyle("h", fontName=font, fontSize=16, leading=22, spaceBefore=10,
                             spaceAfter=8, textColor=colors.HexColor("#a50e0e"))
    caption = ParagraphStyle("c", fontName=font, fontSize=9, leading=12, alignment=TA_CENTER,
                             textColor=colors.HexColor("#555555"), spaceAfter=10)
    title = ParagraphStyle("t", fontName=font, fontSize=28, leading=40, alignment=TA_CENTER,
                           textColor=colors.HexColor("#a50e0e"))
    sub = ParagraphStyle("s", parent=caption, fontSize=12, leading=20)
    width = A4[0] - 40 * mm
    story: list = [Spacer(1, 50 * mm)]
    icon = ROOT / "build" / "packaging" / "icons" / "baodao-256.png"
    if icon.exists():
        story += [Image(str(icon), 40 * mm, 40 * mm), Spacer(1, 10 * mm)]
    story += [Paragraph("报到台账 使用手册", title), Spacer(1, 6 * mm),
              Paragraph(f"社区“双报到”一账三卡管理 · 版本 {version}", sub),
              Paragraph("本手册中的截图取自程序本身，使用虚构的演示社区数据。", sub), PageBreak()]
    for name, paragraphs, pictures in SECTIONS:
        block = [Paragraph(name, heading)]
        block += [Paragraph(p.format(version=version), body) for p in paragraphs]
        from reportlab.lib.utils import ImageReader

        for i, (shot, text) in enumerate(pictures):
            path = shots / f"{shot}.png"
            if not path.exists():
                raise SystemExit(f"missing screenshot {path}")
            w, h = ImageReader(str(path)).getSize()
            scale = min(width / max(w, 1000), 125 * mm / h)  # small dialogs stay readable
            figure = [Spacer(1, 2 * mm), Image(str(path), w * scale, h * scale),
                      Paragraph(f"图：{text}", caption)]
            if i == 0:  # the heading never stands alone at the foot of a page
                block += figure
            else:
                story.append(KeepTogether(figure))
            if i == 0:
                story.append(KeepTogether(block))
        if not pictures:
            story.append(KeepTogether(block))

    def footer(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.setFillColor(colors.HexColor("#777777"))
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"报到台账 使用手册 · 第 {doc.page} 页")
        canvas.restoreState()

    out.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=18 * mm, bottomMargin=22 * mm, title="报到台账 使用手册",
                            author="报到台账", subject=f"版本 {version}")
    doc.build(story, onFirstPage=lambda c, d: None, onLaterPages=footer)
    return out


def main() -> None:
    import common

    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--shots", type=Path, default=common.BUILD / "shots")
    parser.add_argument("--reuse-shots", action="store_true")
    args = parser.parse_args()
    if not args.reuse_shots:
        import manual_shots

        manual_shots.take(args.shots)
    path = build(args.out, args.shots, common.version())
    print(f"manual: {path} ({common.mib(path.stat().st_size)})")


if __name__ == "__main__":
    main()
