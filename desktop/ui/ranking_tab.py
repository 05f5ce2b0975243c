"""积分排行 tab: members and units, by month or by quarter, opening on the last finished
period (a running one stays pickable, marked （进行中）); equal points share a rank; closing
(freezing) a period; 感谢信 and 提醒函 for the top and bottom, or all of a quarter's letters in
the background; export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db import periods, rankings
from db.errors import LedgerError
from db.ledger import Ledger

from .forms import confirm, show_error
from .icons import with_icon
from .models import load
from .report_common import Column, RowsModel, period_combo, table_view
from .worker import Cancelled, Job, Progress, run_ledger_job

if TYPE_CHECKING:
    from .points_host import PointsHost


def fill_period_combo(box: QComboBox, granularity: str, count: int,
                      keep: str | None = None) -> None:
    """Offer the running period (marked （进行中）) and `count` finished ones; select the
    period coded `keep` if offered, else the last finished one. The box stays editable: a
    typed 2026-05 or 2026Q3 is read as well as a label."""
    labels = periods.choices(granularity, count)
    box.blockSignals(True)
    box.clear()
    box.addItems(labels)
    index = 1
    if keep:
        codes = [periods.parse_period(x).code for x in labels]
        index = codes.index(keep) if keep in codes else index
    box.setCurrentIndex(index)
    box.blockSignals(False)


def period_code(box: QComboBox) -> str:
    """The code of the period a box shows (raises ValidationError for unreadable text)."""
    return periods.parse_period(box.currentText().strip()).code


def start_quarter_letters(parent: QWidget, ledger_path: str, code: str, top: int, out: Path,
                          done: Callable[[tuple[Any, Path | None, list[str]]], None]) -> Job:
    """Write all of a quarter's 感谢信 and 提醒函 (desktop.cards.letters.quarter_letters) into
    `out` in the background, with progress and 取消. `done` gets (the QuarterLetters, the
    written path or None when there was nothing to write, font warnings); a cancel emits the
    job's `cancelled` and leaves no file and no 文号 used."""

    def work(ledger: Ledger, progress: Progress, cancelled: Cancelled) -> Any:
        from desktop.cards.letters import quarter_letters, write_letters

        progress("正在整理名单…", 0.0)
        batch = quarter_letters(ledger, code, top, cancelled)
        if not batch.letters:
            return batch, None, []
        written, warnings = write_letters(
            ledger, batch.letters, out, cancelled=cancelled,
            progress=lambda text, fraction: progress(text, 0.05 + 0.95 * fraction))
        return batch, written, warnings

    return run_ledger_job(parent, "生成一个季度的全部信函", ledger_path, work, done)


def rank_text(row: dict[str, Any]) -> str:
    return f"{row['rank']}（并列）" if row.get("tied", 1) > 1 else str(row["rank"])


class RankingTab(QWidget):
    def __init__(self, page: PointsHost):
        super().__init__(cast(QWidget, page))  # the page is a QWidget providing PointsHost
        self.page = page
        self.kind = QComboBox()
        self.kind.addItem("党员", "member")
        self.kind.addItem("报到单位", "unit")
        self.span = QComboBox()
        self.span.addItem("按月", "month")
        self.span.addItem("按季度", "quarter")
        self.period = period_combo([])
        fill_period_combo(self.period, "month", 12)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.span.currentIndexChanged.connect(self._span_changed)
        self.period.activated.connect(lambda _i: self.refresh())
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
        letters.setToolTip("按本排行：前几名发感谢信，后几名发提醒函；名次并列的一并发送")
        letters.clicked.connect(self.letters)
        self.quarter_button = QPushButton("一个季度的全部信函…")
        self.quarter_button.setToolTip(
            "在后台一次生成所选季度的全部感谢信和提醒函：感谢信发给季度党员排行和单位排行的前几名，"
            "提醒函发给达标检查中无服务的党员、未办实事或未参加联席会议的报到单位")
        self.quarter_button.clicked.connect(self.quarter_letters)
        export = QPushButton("导出Excel…")
        export.clicked.connect(self.export)
        bar = QHBoxLayout()
        for w in (self.kind, self.span, self.period, show, self.close_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(export)
        actions = QHBoxLayout()
        for item in (QLabel("感谢信前"), self.top, QLabel("名，提醒函后"), self.bottom,
                     QLabel("名"), letters):
            actions.addWidget(item)
        actions.addStretch(1)
        actions.addWidget(self.quarter_button)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.rule = QLabel()
        self.rule.setObjectName("hint")
        self.rule.setWordWrap(True)
        self.model = RowsModel([Column("rank_text", "名次", "r"), Column("name", "姓名/单位"),
                                Column("org", "工作单位/类别"), Column("points", "本期积分", "r"),
                                Column("services", "服务次数/实事", "r"),
                                Column("hours", "服务时长", "r")], self)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(actions)
        layout.addWidget(self.state)
        view = table_view(self.model)
        view.setColumnWidth(1, 200)
        view.setColumnWidth(2, 300)
        layout.addWidget(view, 1)
        layout.addWidget(self.rule)
        self.ranking: rankings.Ranking | None = None
        self.job: Any = None
        self.quarter_result: Any = None

    def _span_changed(self) -> None:
        span = self.span.currentData()
        fill_period_combo(self.period, span, 12 if span == "month" else 8)
        self.refresh()

    def refresh(self) -> None:
        kind, code = self.kind.currentData(), period_code(self.period)

        def compute(ledger: Ledger) -> tuple[Any, list[dict[str, Any]]]:
            ranking = rankings.get_ranking(ledger, kind, code)
            return ranking, [dict(row, rank_text=rank_text(row)) for row in ranking.rows]

        # A city's 42,000 members take a second to rank: counted off the GUI thread.
        load(self, "积分排行", compute, self._show)

    def _show(self, result: tuple[Any, list[dict[str, Any]]]) -> None:
        self.ranking, rows = result
        r = self.ranking
        self.model.set_rows(rows)
        running = "" if periods.is_finished(r.period) else \
            f"{r.period.label}还没有结束，排行会随之后的服务变化。"
        self.state.setText(with_icon("lock", r.status_text) if r.frozen  # an emoji padlock: a box without emoji font
                           else r.status_text + running)
        self.state.setStyleSheet("color:#8a4b00;background:#fff4e0;padding:6px;" if r.frozen
                                 else "color:#1f5e2e;background:#eaf6ec;padding:6px;")
        what = "名" if r.kind == "member" else "个单位"
        biggest = max(r.rows, key=lambda row: row["tied"], default=None)
        tie = (f"并列最多的是第{biggest['rank']}名，{biggest['tied']}{what}。"
               if biggest and biggest["tied"] > 1 else "")
        self.rule.setText(f"{r.title}的排序规则：{r.rule}。共{len(r.rows)}{what}。{tie}")
        self.close_button.setEnabled(not r.frozen)

    def close_period(self) -> None:
        if self.ranking is None or self.ranking.frozen:
            return
        r = self.ranking
        early = ""
        if not periods.is_finished(r.period):
            early = f"注意：{r.period.label}还没有结束，本期之后的服务不会计入封存的排行。\n"
        if not confirm(self, "封存排行",
                       f"{early}封存{r.period.label}的{r.title}？封存后排行固定不变，"
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
        chosen = rankings.select(r, self.top.value(), self.bottom.value())
        if chosen.notes and not confirm(
                self, "感谢信和提醒函",
                f"将生成感谢信{len(chosen.head)}份、提醒函{len(chosen.tail)}份。\n"
                + "\n".join(chosen.notes) + "\n确定生成吗？"):
            return
        letters = ranking_letters(self.page.ledger, r, self.top.value(), self.bottom.value())
        if not letters:
            self.page.status.setText("没有需要发的感谢信或提醒函。")
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
        title = f"{r.period.label}{r.title}"
        target = ask_save(self, self.page.settings, "导出排行", f"{title}.xlsx", "Excel 文件 (*.xlsx)")
        if target is not None:
            ranking_workbook(title, r.status_text, r.rows, target.with_suffix(".xlsx"),
                             unit=r.kind == "unit")
            self.page.status.setText(f"已导出：{target.with_suffix('.xlsx')}")

    def quarter_letters(self) -> None:
        """All of a quarter's 感谢信 and 提醒函 in one PDF, written in the background; a cancel
        leaves no file and uses no 文号."""
        ask = QInputDialog(self)
        ask.setWindowTitle("一个季度的全部信函")
        ask.setLabelText(
            f"为哪个季度生成全部感谢信和提醒函？\n感谢信：季度党员排行和报到单位排行各前{self.top.value()}名"
            "（并列的一并，积分大于0）；\n提醒函：本季度无服务的党员、未办实事或未参加联席会议的报到单位。")
        labels = periods.choices("quarter", 7)
        ask.setComboBoxItems(labels)
        ask.setTextValue(labels[1])  # the last finished quarter
        ask.setOkButtonText("生成")
        ask.setCancelButtonText("取消")
        if not ask.exec():
            return
        label = ask.textValue()
        quarter = periods.parse_period(label)
        if not periods.is_finished(quarter) and not confirm(
                self, "一个季度的全部信函",
                f"{quarter.label}还没有结束：名单只算到今天，本季度稍后才参加服务的党员和单位"
                "也会收到提醒函。仍要生成吗？"):
            return
        out = self.page.output_dir() / f"感谢信提醒函{quarter.code}.pdf"
        self.quarter_result = None

        def done(result: tuple[Any, Path | None, list[str]]) -> None:
            batch, written, warnings = result
            self.quarter_result = result
            if written is None:
                self.page.status.setText(f"{batch.label}没有需要发的感谢信或提醒函。")
                return
            self.page.status.setText(f"已生成{batch.summary}。{''.join(batch.notes)}")
            self.page.preview(written, warnings, len(batch.letters), "感谢信与提醒函预览", "份信函")

        self.job = start_quarter_letters(self, self.page.ledger.path, quarter.code,
                                         self.top.value(), out, done)
        self.job.cancelled.connect(
            lambda: self.page.status.setText("已取消：没有生成任何信函，文号未占用。"))
