"""志愿服务记录证明 (PDF) in the form 民发〔2015〕149号 describes, and the 证明登记簿.

The certificate prints what the register holds for its number (hours, content, masked ID as
issued), so a 补打 carries the same figures and number as the original, marked 补打; the
service list beneath names the 签到表 each verified hour came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from db import activities, certificates
from db.ledger import Ledger

from .data import fmt_number, service_text
from .fonts import FontSet
from .layout import Cell, Rect
from .report_pdf import Doc

TITLE = "志愿服务记录证明"
SEAL = 40 * mm  # the 公章 is ~40 mm across


def _cn_date(iso: str) -> str:
    return f"{int(iso[:4])}年{int(iso[5:7])}月{int(iso[8:10])}日" if len(iso) == 10 else iso


def certificate_pdf(ledger: Ledger, certificate_id: int, out: str | Path,
                    fonts: FontSet | None = None) -> tuple[Path, list[str], bool]:
    """Print one certificate, counting (and auditing) the print: returns (path, font
    warnings, reprint). A voided certificate is refused before anything is written."""
    cert = certificates.get(ledger, certificate_id)
    if cert["status"] == certificates.VOID:
        certificates.printed(ledger, certificate_id)  # raises the refusal
    reprint = cert["prints"] > 0
    doc = Doc(fonts)
    _draw(doc, ledger, cert, reprint)
    path = doc.save(out, f"{TITLE}（{cert['number']}）", cert["issuer"], cert["name"])
    certificates.printed(ledger, certificate_id, Path(out).name)
    return path, doc.fonts.warnings, reprint


def _draw(doc: Doc, ledger: Ledger, cert: dict[str, Any], reprint: bool) -> None:
    lay, s = doc.lay, doc.s
    doc.y = lay.title(doc.y, TITLE)
    number = f"证明编号：{cert['number']}" + ("（补打）" if reprint else "")
    lay.text(s.width - s.margin_x, doc.y + s.body, number, s.body, "r", bold=reprint)
    doc.y += s.body * 2.2
    doc.para(f"兹证明{cert['name']}同志（{cert['id_type']}：{cert['id_masked']}）于"
             f"{_cn_date(cert['period_start'])}至{_cn_date(cert['period_end'])}期间，在"
             f"{cert['issuer'] or '本社区'}参加经社区审核的志愿服务{cert['times']}次，累计志愿服务时长"
             f"{fmt_number(cert['hours'])}小时。具体情况如下：", s.body * 1.1)
    doc.space(2 * mm)
    w, x = s.content_width, s.margin_x
    lab = w * 0.14
    third = (w - 3 * lab) / 3
    half = (w - 2 * lab) / 2
    size = s.table
    top = doc.y
    rows = [
        [Cell(lab, "姓名", True), Cell(half, cert["name"]), Cell(lab, "证件类型", True),
         Cell(half, cert["id_type"])],
        [Cell(lab, "证件号码", True), Cell(half, cert["id_masked"]), Cell(lab, "服务次数", True),
         Cell(half, f"{cert['times']} 次")],
        [Cell(lab, "服务时间", True),
         Cell(half, f"{_cn_date(cert['period_start'])}至{_cn_date(cert['period_end'])}"),
         Cell(lab, "服务时长", True), Cell(half, f"{fmt_number(cert['hours'])} 小时")],
        [Cell(lab, "服务内容", True), Cell(w - lab, cert["content"])],
        # 培训 / 表彰 only when it was issued with them (migration 0010 keeps the lines)
        *([[Cell(lab, "培训情况", True), Cell(w - lab, cert["trainings_text"] or "（无）")],
           [Cell(lab, "表彰奖励", True), Cell(w - lab, cert["awards_text"] or "（无）")]]
          if cert["trainings_text"] or cert["awards_text"] else []),
        [Cell(lab, "出具单位", True), Cell(w - lab, cert["issuer"])],
        [Cell(lab, "负责人", True), Cell(third, cert["leader"]), Cell(lab, "经办人", True),
         Cell(third, cert["handler"]), Cell(lab, "联系电话", True), Cell(third, cert["phone"])],
        [Cell(lab, "出具日期", True), Cell(half, _cn_date(cert["issued_date"])),
         Cell(lab, "打印情况", True),
         Cell(half, "补打（与原件同号）" if reprint else "首次打印")],
        [Cell(lab, "备注", True), Cell(w - lab, cert["note"] or "")],
    ]
    for cells in rows:
        doc.y += lay.row(x, doc.y, cells, size, min_height=s.row)
    lay.rect(x, top, w, doc.y - top, 1.1)
    doc.space(4 * mm)
    _signatures(doc, cert)
    _services(doc, ledger, cert)


def _signatures(doc: Doc, cert: dict[str, Any]) -> None:
    lay, s = doc.lay, doc.s
    doc.need(SEAL + 12 * mm)
    doc.para("特此证明。", s.body * 1.1)
    y = doc.y + 2 * mm
    x = s.margin_x
    lay.text(x, y + s.body * 1.5, "负责人（签字）：______________", s.body)
    lay.text(x, y + s.body * 4.5, "经办人（签字）：______________", s.body)
    # the place of the 公章, over the issuer's name and the date, as on a paper certificate
    seal_x = s.width - s.margin_x - SEAL - 8 * mm
    lay.add(Rect(seal_x, y, SEAL, SEAL, 0.3))
    lay.text(seal_x + SEAL / 2, y + SEAL / 2, "（公章）", s.small, "c")
    right = s.width - s.margin_x
    lay.text(right, y + SEAL + s.body * 1.4, f"{cert['issuer']}（盖章）", s.body, "r")
    lay.text(right, y + SEAL + s.body * 3, _cn_date(cert["issued_date"]), s.body, "r")
    doc.y = y + SEAL + s.body * 4


def _services(doc: Doc, ledger: Ledger, cert: dict[str, Any]) -> None:
    """The verified services behind the figures, as the ledger holds them now; a difference
    from the issued figures is said, never hidden."""
    rows = activities.member_services(ledger, cert["member_id"], cert["period_start"],
                                      min(cert["period_end"], cert["issued_date"]),
                                      verified_only=True)
    doc.space(2 * mm)
    doc.heading("附：志愿服务记录明细（经社区审核）", doc.s.body)
    doc.table(("序号", "日期", "服务类型", "服务内容", "时长(小时)", "签到表编号"),
              [(i, r["date"], r["kind"], service_text(r), fmt_number(r["hours"]),
                r["sheet_number"] or "—") for i, r in enumerate(rows, 1)],
              widths=(0.07, 0.12, 0.12, 0.34, 0.1, 0.25), align=("c", "c", "c", "l", "c", "c"))
    now = round(sum(float(r["hours"]) for r in rows), 2)
    if now != round(float(cert["hours"]), 2):
        doc.para(f"注：台账中的记录现合计{fmt_number(now)}小时，与出具时的"
                 f"{fmt_number(cert['hours'])}小时不同，以证明登记簿为准。", doc.s.small)


def register_pdf(ledger: Ledger, out: str | Path, year: int | None = None,
                 fonts: FontSet | None = None) -> tuple[Path, list[str]]:
    """The 证明登记簿: every certificate issued, voided ones with their reason."""
    from db import settings

    book = certificates.register(ledger, year)
    office = settings.identity(ledger)["office_name"]
    doc = Doc(fonts, landscape=True, header=f"{office}　志愿服务记录证明登记簿")
    doc.title("志愿服务记录证明登记簿" + (f"（{year}年）" if year else ""))
    doc.para(f"共 {len(book)} 份，其中作废 {sum(c['status'] == certificates.VOID for c in book)} 份",
             align="c")
    doc.table(("证明编号", "姓名", "证件号码", "服务期间", "次数", "时长", "出具日期", "负责人",
               "经办人", "打印次数", "状态", "作废原因"),
              [(c["number"] + ("（编号重复）" if c["duplicate"] else ""), c["name"], c["id_masked"],
                f"{c['period_start']}至{c['period_end']}", c["times"], fmt_number(c["hours"]),
                c["issued_date"], c["leader"], c["handler"], c["prints"], c["status"],
                (f"{c['void_date']} {c['void_reason']}" if c["status"] == certificates.VOID else ""))
               for c in book],
              # the period on one line, a long name in two; 作废原因 wraps when it must
              widths=(0.13, 0.09, 0.14, 0.165, 0.04, 0.045, 0.08, 0.06, 0.06, 0.05, 0.045, 0.095),
              align=("l", "c", "c", "c", "c", "c", "c", "c", "c", "c", "c", "l"), size=doc.s.small * 1.1,
              empty="（尚未出具证明）", keep=6 * mm + doc.s.body * 1.6)  # the signatures too
    doc.space(6 * mm)
    doc.para("登记人：__________　　　核对人：__________　　　年　　月　　日", align="r")
    path = doc.save(out, "志愿服务记录证明登记簿", office)
    return path, doc.fonts.warnings
