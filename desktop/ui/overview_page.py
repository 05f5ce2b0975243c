"""概览: the community at a glance, and what needs doing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db import overview, settings, stats
from db.ledger import Ledger


def _tile(value: str, label: str, tip: str = "") -> QFrame:
    frame = QFrame()
    frame.setObjectName("tile")
    frame.setToolTip(tip)
    layout = QVBoxLayout(frame)
    number = QLabel(value)
    number.setObjectName("tileValue")
    number.setAlignment(Qt.AlignmentFlag.AlignCenter)
    text = QLabel(label)
    text.setObjectName("tileLabel")
    text.setAlignment(Qt.AlignmentFlag.AlignCenter)
    text.setWordWrap(True)
    layout.addWidget(number)
    layout.addWidget(text)
    return frame


class OverviewPage(QWidget):
    go_to = Signal(str, dict)  # page name and filters to apply there
    changed = Signal()  # this page only reads; kept for the Page contract

    def __init__(self, ledger: Ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(16, 12, 16, 12)
        self.body: QWidget | None = None
        self.refresh()

    def set_ledger(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.refresh()

    def refresh(self) -> None:
        """Figures are counted in the background (a city ledger takes a few tenths of a
        second), so the window is usable at once; the page fills in when they arrive."""
        import datetime as dt

        from db.stats import month_rows

        from .worker import run_ledger_job

        self.generation = getattr(self, "generation", 0) + 1
        generation, path, year = self.generation, self.ledger.path, str(dt.date.today().year)
        if self.body is None:
            self.loading: QLabel | None = QLabel("正在统计…")
            self.layout_.addWidget(self.loading)

        def compute(ledger: Ledger) -> tuple[dict, dict, list]:
            from db import access, grid

            ident = dict(settings.identity(ledger))
            actor = access.actor_of(ledger)
            if actor is not None and not actor.full_access and actor.node_id is not None:
                ident["scope"] = grid.get_node(ledger, actor.node_id)["name"]  # a 网格员's part
            return overview.summary(ledger), ident, month_rows(ledger, year)

        def show(result: tuple[dict, dict, list]) -> None:
            if generation == self.generation:  # a newer refresh supersedes this one
                self.build(*result)

        if path == ":memory:":
            show(compute(self.ledger))
            return

        self.job = run_ledger_job(self, "正在统计", path, lambda own, _p, _c: compute(own), show)
        self.job.dialog.setMinimumDuration(60000)

    def build(self, f: dict, ident: dict, months: list) -> None:
        loading = getattr(self, "loading", None)
        if loading is not None:
            loading.setParent(None)
            self.loading = None
        if self.body is not None:
            self.layout_.removeWidget(self.body)
            self.body.setParent(None)  # gone at once, not at the next event-loop turn
            self.body.deleteLater()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        scope = f"　{ident['scope']}（您负责的网格）" if ident.get("scope") else ""
        title = QLabel(f"{ident['street']}　{ident['community']}{scope}")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        tiles = QGridLayout()
        today = f"统计至{f['today']}。"
        rate_tip = (f"{f['year']}受理{f['orders_year']}件、办结{f['orders_done_year']}件。"
                    + stats.COMPLETION_RULE + "。与“报表”页同一口径。")
        figures = [
            (f["members"], "在册党员", today + stats.MEMBERS_RULE.replace("统计截止日", "今天")),
            (f["units"], "报到单位", today + stats.UNITS_RULE.replace("统计截止日", "今天")),
            (f["claims"], "岗位认领", "当前有效（未退出）的认岗记录"),
            (f["cells"], "网格单元", ""),
            (f["activities_quarter"], f"{f['quarter']}活动", "已审核的活动"),
            (f["person_times_quarter"], f"{f['quarter']}服务人次", "已审核活动的党员参与记录"),
            (f"{f['hours_quarter']:g}", f"{f['quarter']}服务时长（小时）", "党员参与时长合计"),
            (f["activities_year"], f"{f['year']}活动", "已审核的活动"),
            (f["orders_year"], f"{f['year']}群众点单", "点单日期在今年的需求（受理）"),
            (f["orders_done_year"], f"{f['year']}办结需求", "完成日期在今年的需求（办结）"),
            (f["orders_open"], "办理中的需求", "待派单、已派单、已接单的需求"),
            (stats.format_value("completion_rate", f["completion_rate_year"]),
             f"{f['year']}办结率", rate_tip),
        ]
        for i, (value, label, tip) in enumerate(figures):
            tiles.addWidget(_tile(str(value), label, tip), i // 4, i % 4)
        layout.addLayout(tiles)
        layout.addWidget(self._trend(months), 1)
        todo = QLabel("待办事项")
        todo.setObjectName("sectionTitle")
        layout.addWidget(todo)
        for count, text, page, filters in (
            (f["orders_overdue"], "条群众需求已超过办结期限", "orders", {"overdue": True}),
            (f["pending_verification"], "项活动等待社区审核", "activities", {"verified": 0}),
            (f["idle_members_quarter"], f"名党员{f['quarter']}还没有服务记录", "members", {}),
        ):
            button = QPushButton(f"{count} {text}")
            button.setObjectName("todo")
            button.setEnabled(bool(count))
            button.clicked.connect(lambda _c=False, p=page, fl=filters: self.go_to.emit(p, fl))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        self.layout_.addWidget(body)
        self.body = body

    def _trend(self, months: list) -> QWidget:
        """This year's activities, person-times and completed orders by month (the 报表 page
        has any period, any grid node, and the export)."""
        import datetime as dt

        from .charts import make_chart, month_chart

        year = dt.date.today().year
        chart, view = make_chart(f"{year}年按月趋势")
        month_chart(chart, months)
        view.setMinimumHeight(220)
        return view
