"""报表 › 平急两用: the call sheet of a grid subtree, and 应急响应 as one action (start, end, take
in the 到岗 ticks; desktop.ui.emergency_dialogs)."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db import emergency

from .points_host import TabHost
from .report_common import (
    Column,
    RowsModel,
    ask_save,
    fill_grid_combo,
    grid_combo,
    table_view,
)


class EmergencyTab(QWidget):
    def __init__(self, page: TabHost):
        super().__init__(cast(QWidget, page))  # the page is a QWidget providing TabHost
        self.page = page
        self.node = grid_combo(page.ledger, (2, 3, 4, 5), None)
        self.full = QCheckBox("印出完整电话")
        self.full.setChecked(True)
        self.full.setToolTip("联络表用于打电话，默认印出完整号码（记入审计日志），请妥善保管纸质联络表；"
                             "取消勾选则隐藏手机号中间4位")
        show = QPushButton("查看")
        show.clicked.connect(self.refresh)
        make = QPushButton("生成联络表（PDF＋Excel）…")
        make.setDefault(True)
        make.clicked.connect(self.generate)
        bar = QHBoxLayout()
        for w in (QLabel("网格"), self.node, self.full, show):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(make)
        # 平急两用 as one action (emergency_dialogs): activity, roster, call sheet with ticks
        self.start_button = QPushButton("启动应急响应…")
        self.start_button.clicked.connect(self.start_response)
        self.end_button = QPushButton("结束应急响应…")
        self.end_button.clicked.connect(self.end_response)
        self.entry_button = QPushButton("录入到岗情况…")
        self.entry_button.setToolTip("按联络表上勾选的“到岗”录入服务时长并审核（按签到表录入）")
        self.entry_button.clicked.connect(self.enter_arrivals)
        self.dialog: QWidget | None = None
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setStyleSheet("QLabel { color: #a50e0e; font-weight: bold; }")
        state_bar = QHBoxLayout()
        state_bar.addWidget(self.state, 1)
        state_bar.addWidget(self.start_button)
        state_bar.addWidget(self.end_button)
        state_bar.addWidget(self.entry_button)
        self.model = RowsModel([Column(k, h) for k, h in zip(
            ("cell", "leader", "name", "room", "phone", "posts", "specialties", "units"),
            emergency.HEADERS, strict=True)], self)
        self.summary = QLabel("选择网格后点“查看”；“生成联络表”一次生成可打印的PDF和Excel。")
        self.summary.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addLayout(state_bar)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(table_view(self.model), 1)
        self.show_state()

    def reload_choices(self) -> None:
        fill_grid_combo(self.node, self.page.ledger, (2, 3, 4, 5), None)
        self.show_state()

    def show_state(self) -> None:
        active = emergency.responses(self.page.ledger)
        self.state.setText("；".join(f"应急中：{r.path}（{r.since}起，{r.title}，负责人{r.leader}，"
                                    f"名单{r.people}人，签到表{r.number}）" for r in active)
                           or "当前没有网格在应急响应中。")
        self.end_button.setEnabled(bool(active))
        self.entry_button.setEnabled(bool(active) or bool(emergency.responses(self.page.ledger, None)))

    def start_response(self) -> None:
        from .emergency_dialogs import StartDialog

        dialog = StartDialog(self.page.ledger, self.node.currentData(), self)
        dialog.started.connect(self._changed)
        self.dialog = dialog
        dialog.open()

    def end_response(self) -> None:
        from .emergency_dialogs import EndDialog

        dialog = EndDialog(self.page.ledger, self.node.currentData(), self)
        dialog.ended.connect(self._changed)
        self.dialog = dialog
        dialog.open()

    def enter_arrivals(self) -> None:
        """按签到表录入 for the response on the chosen grid, else the latest one."""
        from .signin_dialogs import SigninEntryDialog

        every = emergency.responses(self.page.ledger, None)
        if not every:
            return
        node = self.node.currentData()
        mine = emergency.covering(self.page.ledger, node) if node is not None else None
        chosen = mine or next((r for r in every if r.node_id == node), every[0])
        dialog = SigninEntryDialog(self.page.ledger, chosen.activity_id, self)
        dialog.accepted.connect(lambda: self._entered(dialog))
        self.dialog = dialog
        dialog.open()

    def _entered(self, dialog: Any) -> None:
        counts = dialog.counts or {}
        self.page.status.setText(f"已录入到岗情况并审核：新增{counts.get('added', 0)}人，"
                                 f"修改{counts.get('updated', 0)}人，取消{counts.get('removed', 0)}人")
        self.page.changed.emit()

    def _changed(self, response: Any) -> None:
        self.show_state()
        self.page.status.setText(f"{response.path}：{response.state}（签到表{response.number}）")
        self.page.changed.emit()

    def refresh(self) -> None:
        node = self.node.currentData()
        if node is None:
            return
        sheet = emergency.call_sheet(self.page.ledger, node, self.full.isChecked())
        keys = ("cell", "leader", "name", "room", "phone", "posts", "specialties", "units")
        self.model.set_rows([dict(zip(keys, row, strict=True)) for row in emergency.rows(sheet)])
        people = sum(len(c.members) for c in sheet)
        self.summary.setText(f"{self.node.currentText()}：{len(sheet)}个单元，{people}名在职党员")

    def generate(self) -> None:
        node = self.node.currentData()
        if node is None:
            return
        from desktop.cards.reports import write_callsheet

        name = f"{self.node.currentText()}应急联络表.pdf"
        target = ask_save(self, self.page.settings, "生成应急联络表", name, "PDF (*.pdf)")
        if target is None:
            return
        pdf, xlsx, warnings = write_callsheet(self.page.ledger, node, target,
                                              self.full.isChecked())
        self.refresh()
        self.page.status.setText(f"已生成：{pdf}　{xlsx}")
        self.page.preview(pdf, warnings, 1, "应急联络表预览", "份联络表")
