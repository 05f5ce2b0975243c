"""积分排行 tab: members by month, units by quarter; closing (freezing) a period; 感谢信 and
提醒函 for the top and bottom; export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db import rankings
from db.errors import LedgerError

from .forms import confirm, show_error
from .report_common import Column, RowsModel, months, period_combo, quarters, table_view

if TYPE_CHECKING:
    from .points_page import PointsPage


class RankingTab(QWidget):
    def __init__(self, page: PointsPage):
        super().__init__(page)
        self.page = page
        self.kind = QComboBox()
        self.kind.addItem("党员（按月）", "member")
        self.kind.addItem("报到单位（按季度）", "unit")
        self.period = period_combo(months(count=12))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        show = QPushButton("查看")
        show.clicked.connect(self.refresh)
        self.close_button = QPushButton("封存本期排行…")
        self.close_button.clicked.connect(self.close_period)
        self.top = QSpinBox()
        self.bottom = QSpinBox()
        for box in (self.top, self.bottom):
            box.setRange(0, 500)
            box.setValue(10)
        letters = QPushButton("生成感谢信和提醒函")
        letters.clicked.connect(self.letters)
        export = QPushButton("导出Excel…")
        export.clicked.connect(self.export)
        bar = QHBoxLayout()
        for w in (self.kind, self.period, show, self.close_button):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (QLabel("感谢信前"), self.top, QLabel("名，提醒函后"), self.bottom, QLabel("名"),
                  letters, export):
            bar.addWidget(w)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.rule = QLabel()
        self.rule.setObjectName("hint")
        self.rule.setWordWrap(True)
        self.model = RowsModel([Column("rank", "名次", "r"), Column("name", "姓名/单位"),
                                Column("org", "工作单位/类别"), Column("points", "本期积分", "r"),
                                Column("services", "服务次数/实事", "r"),
                                Column("hours", "服务时长", "r")], self)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.state)
        view = table_view(self.model)
        view.setColumnWidth(1, 200)
        view.setColumnWidth(2, 300)
        layout.addWidget(view, 1)
        layout.addWidget(self.rule)
        self.ranking: rankings.Ranking | None = None

    def _kind_changed(self) -> None:
        self.period.clear()
        if self.kind.currentData() == "unit":
            self.period.addItems(quarters(count=8))
        else:
            self.period.addItems(months(count=12))
        self.refresh()

    def refresh(self) -> None:
        try:
            self.ranking = rankings.get_ranking(self.page.ledger, self.kind.currentData(),
                                                self.period.currentText().strip())
        except LedgerError as error:
            show_error(self, "积分排行", error)
            return
        r = self.ranking
        self.model.set_rows(r.rows)
        self.state.setText(("🔒 " if r.frozen else "") + r.status_text)
        self.state.setStyleSheet("color:#8a4b00;background:#fff4e0;padding:6px;" if r.frozen
                                 else "color:#1f5e2e;background:#eaf6ec;padding:6px;")
        self.rule.setText(f"排序规则：{r.rule}。共{len(r.rows)}名。")
        self.close_button.setEnabled(not r.frozen)

    def close_period(self) -> None:
        if self.ranking is None or self.ranking.frozen:
            return
        r = self.ranking
        import datetime as dt

        early = ""
        if r.period.end >= dt.date.today().isoformat():
            early = f"注意：{r.period.label}还没有结束，本期之后的服务不会计入封存的排行。\n"
        if not confirm(self, "封存排行",
                       f"{early}封存{r.period.label}的{rankings.KINDS[r.kind]}？封存后排行固定不变，"
                       "之后对活动、需求或积分的修改都不会再影响它，且不能撤销。"):
            return
        try:
            rankings.close_period(self.page.ledger, r.kind, r.period.code)
        except LedgerError as error:
            show_error(self, "封存排行", error)
            return
        self.refresh()
        self.page.status.setText(f"{r.period.label}排行已封存。")
        self.page.changed.emit()

    def letters(self) -> None:
        if self.ranking is None:
            self.refresh()
        if self.ranking is None or not self.ranking.rows:
            return
        from desktop.cards.letters import ranking_letters, write_letters

        r = self.ranking
        letters = ranking_letters(self.page.ledger, r, self.top.value(), self.bottom.value())
        if not letters:
            return
        out = self.page.output_dir() / f"感谢信提醒函-{r.kind}-{r.period.code}.pdf"
        path, warnings = write_letters(self.page.ledger, letters, out)
        self.page.preview(path, warnings, len(letters), "感谢信与提醒函预览", "份信函")

    def export(self) -> None:
        if self.ranking is None:
            return
        from desktop.sync.report_xlsx import ranking_workbook

        from .report_common import ask_save

        r = self.ranking
        title = f"{r.period.label}{rankings.KINDS[r.kind]}"
        target = ask_save(self, self.page.settings, "导出排行", f"{title}.xlsx", "Excel 文件 (*.xlsx)")
        if target is not None:
            ranking_workbook(title, r.status_text, r.rows, target.with_suffix(".xlsx"),
                             unit=r.kind == "unit")
            self.page.status.setText(f"已导出：{target.with_suffix('.xlsx')}")
