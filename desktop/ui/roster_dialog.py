"""导入花名册 — 核对列的对应: which column is which field (guessed, corrected by the user), a
dry run listing every refused row with every reason, the 小区/楼院/单元 the roster names that
the grid lacks (created with the import only when ticked), and the error workbook in the
sender's own columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from db.grid import LEVEL_NAMES
from db.ledger import Ledger
from desktop.sync import roster as roster_mod
from desktop.sync.errors_book import write_errors
from desktop.ui.sync_common import EXCEL_FILTER, ROSTER_FILTER, IssuesWidget, _item
from desktop.ui.sync_import import _apply_when_confirmed, _reading_failed
from desktop.ui.worker import Cancelled, Progress, run_ledger_job


class RosterIssuesWidget(IssuesWidget):
    """Refused rows; saved for the sender in their own columns with every reason."""

    def __init__(self, issues: list[Any], parsed: roster_mod.Roster,
                 mapping: dict[str, str | None], parent: QWidget | None = None):
        super().__init__(issues, parent)
        self.parsed, self.mapping = parsed, mapping

    def save(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, "保存错误清单", "错误清单.xlsx", EXCEL_FILTER)
        if not path:
            return None
        count = write_errors(path, self.issues, self.parsed, self.mapping)
        QMessageBox.information(self, "保存错误清单",
                                f"已保存{count}行到\n{path}\n\n表中保留报送单位原来的各列，"
                                "“错误原因”列写明每一处问题，有问题的格子已标红；"
                                "身份证号、电话已部分隐去，请对方按原表补全。")
        return Path(path)


class MappingDialog(QDialog):
    """Which column is which field: guessed from the headers, corrected by the user."""

    def __init__(self, parent: QWidget | None, ledger_path: str, parsed: roster_mod.Roster,
                 known: dict[str, str | None]):
        super().__init__(parent)
        self.ledger_path = ledger_path
        self.parsed = parsed
        self.setWindowTitle("导入花名册 — 核对列的对应")
        layout = QVBoxLayout(self)
        where = (f"文件：{Path(parsed.path).name}　工作表：{parsed.sheet}　"
                 f"表头在第{parsed.header_row}行，其下共{len(parsed.rows)}行")
        if parsed.grid_sheet:
            where += f"；另有“{parsed.grid_sheet}”表（网格），一并导入"
        layout.addWidget(QLabel(where))
        hint = QLabel("程序已按列名猜出对应的字段，请核对；为某列选定的字段会记住，下次自动使用"
                      "（设为“不导入”只对这一次有效）。")
        hint.setStyleSheet("color: #555;")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        guessed = roster_mod.guess_mapping(parsed.headers, known)
        columns = [(i, h) for i, h in enumerate(parsed.headers) if h]
        self.table = QTableWidget(len(columns), 3)
        self.table.setHorizontalHeaderLabels(["文件中的列", "示例数据", "导入为"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.combos: dict[str, QComboBox] = {}
        for row, (index, header) in enumerate(columns):
            self.table.setItem(row, 0, _item(header))
            samples = [_sample(r[index]) for _n, r in parsed.rows[:12]
                       if index < len(r) and r[index] not in (None, "")][:3]
            self.table.setItem(row, 1, _item("，".join(samples)))
            combo = QComboBox()
            combo.addItem("（不导入）", None)
            for field, label in roster_mod.FIELD_LABELS.items():
                combo.addItem(label, field)
            combo.setCurrentIndex(max(combo.findData(guessed.get(header)), 0))
            combo.currentIndexChanged.connect(self.mapping_changed)
            self.table.setCellWidget(row, 2, combo)
            self.combos[header] = combo
        header_view = self.table.horizontalHeader()
        header_view.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header_view.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header_view.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(2, 140)
        layout.addWidget(self.table, 3)
        self.status = QLabel("点“检查”查看可导入和有问题的行。")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.create_missing = QCheckBox("新建花名册中缺少的网格（小区、楼院、单元），与党员一同导入")
        self.create_missing.setToolTip("只新建下面列出的网格；不勾选时，这些行不导入")
        self.create_missing.hide()
        self.create_missing.toggled.connect(self.check)
        layout.addWidget(self.create_missing)
        self.new_nodes = QListWidget()
        self.new_nodes.setMaximumHeight(110)
        self.new_nodes.hide()
        layout.addWidget(self.new_nodes)
        self.issues_box = QVBoxLayout()
        layout.addLayout(self.issues_box, 2)
        self.issues_widget: IssuesWidget | None = None
        buttons = QHBoxLayout()
        check = QPushButton("检查")
        check.setDefault(True)
        self.ok = QPushButton("导入")
        cancel = QPushButton("取消")
        check.clicked.connect(self.check)
        self.ok.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        self.ok.setEnabled(False)
        buttons.addStretch(1)
        for button in (check, self.ok, cancel):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.result: roster_mod.RosterPreview | None = None  # type: ignore[assignment]
        self.checked_mapping: dict[str, str | None] = {}
        self.resize(800, 660)

    def mapping_changed(self) -> None:
        if self.result is not None:
            self.ok.setEnabled(False)
            self.status.setText("列的对应已改动，请再点“检查”。")

    def mapping(self) -> dict[str, str | None]:
        return {header: combo.currentData() for header, combo in self.combos.items()}

    def check(self) -> None:
        mapping, parsed, ledger_path = self.mapping(), self.parsed, self.ledger_path
        create = self.create_missing.isChecked()
        chosen = [f for f in mapping.values() if f]
        twice = {roster_mod.FIELD_LABELS[f] for f in chosen if chosen.count(f) > 1}
        if twice:
            QMessageBox.warning(self, "导入花名册", f"“{'、'.join(sorted(twice))}”对应了不止一列，请改正")
            return
        self.ok.setEnabled(False)

        def work(ledger: Ledger, _progress: Progress, _cancelled: Cancelled) -> Any:
            return roster_mod.preview(ledger, parsed, mapping, create_missing=create)

        self.checked_mapping = mapping
        run_ledger_job(self, "检查花名册", ledger_path, work, self.show_result)

    def show_result(self, result: roster_mod.RosterPreview) -> None:
        self.result = result
        text = (f"可导入 {result.new + result.updated} 行（新增 {result.new}，更新 {result.updated}），"
                f"无变化 {result.unchanged} 行，有问题 {result.rejected_rows} 行（不会导入）。")
        if result.plan.count("新建") or result.plan.count("更新负责人"):
            text += "\n网格：" + result.plan.summary().split("；")[0] + "。"
        if result.notes:
            text += "\n" + "；".join(result.notes)
        self.status.setText(text)
        offer = bool(result.missing_nodes)
        self.create_missing.setVisible(offer or self.create_missing.isChecked())
        if offer and not self.create_missing.isChecked():
            self.create_missing.setText(
                f"新建花名册中缺少的网格（有{result.missing_nodes}行写到的小区、楼院或单元"
                "网格中还没有），与党员一同导入")
        self.new_nodes.clear()
        for item in result.plan.items:  # the 网格 sheet's rows
            if item.row is not None and item.action != "已有":
                self.new_nodes.addItem(f"“{self.parsed.grid_sheet}”表第{item.row}行："
                                       f"{item.action}{LEVEL_NAMES[item.level]}：{item.path}")
        for level, path, rows in result.new_nodes:
            self.new_nodes.addItem(f"新建{level}：{path}（{rows}人）")
        self.new_nodes.setVisible(self.new_nodes.count() > 0)
        if self.issues_widget is not None:
            self.issues_widget.setParent(None)
        self.issues_widget = RosterIssuesWidget(result.issues, self.parsed, self.checked_mapping)
        self.issues_box.addWidget(self.issues_widget)
        self.ok.setEnabled(bool(result.new + result.updated + result.grid_writes))


def _sample(value: Any) -> str:
    """A cell as a hint of what the column holds; ID numbers shown masked (6+4)."""
    from db.validate import mask_id, nfkc

    if isinstance(value, float) and abs(value) >= 1e14:
        return "（数字格式的长号码）"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    compact = nfkc(text).replace(" ", "")
    if len(compact) == 18 and compact[:17].isdigit():
        return mask_id(compact.upper())
    return text if len(text) <= 20 else text[:19] + "…"


# -- 导入花名册 and its blank template (the menu entries) ----------------------------------

def import_roster(parent: QWidget | None, ledger_path: str | Path,
                  on_applied: Callable[[Any], None] | None = None, path: str | None = None,
                  password: str | None = None) -> None:
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, "导入花名册", "", ROSTER_FILTER)
        if not path:
            return
    ledger_path = str(ledger_path)

    def work(ledger: Ledger, _progress: Progress, _cancelled: Cancelled) -> Any:
        return roster_mod.read_roster(path, password), roster_mod.remembered(ledger)

    def show(got: Any) -> None:
        _show_mapping(parent, ledger_path, got[0], got[1], on_applied)

    run_ledger_job(parent, "读取花名册", ledger_path, work, show,
                   _reading_failed(parent, "导入花名册", lambda again: import_roster(
                       parent, ledger_path, on_applied, path, again)))


def _show_mapping(parent, ledger_path: str, parsed, known, on_applied) -> QDialog:
    dialog = MappingDialog(parent, ledger_path, parsed, known)

    def prepare() -> Callable[[Any, Any, Any], Any]:
        mapping = dialog.mapping()
        create = dialog.create_missing.isChecked()
        return lambda ledger, progress, cancelled: roster_mod.apply(
            ledger, parsed, mapping, progress=progress, cancelled=cancelled,
            create_missing=create)

    def summary(r: roster_mod.RosterPreview) -> str:
        nodes = f"新建网格 {r.plan.count('新建')} 个；" if r.plan.count("新建") else ""
        return (f"已导入：新增 {r.new} 人，更新 {r.updated} 人；{nodes}"
                f"{r.rejected_rows} 行有问题未导入。\n导入前的备份：{r.backup}")

    return _apply_when_confirmed(dialog, parent, ledger_path, "正在导入花名册", "导入花名册",
                                 prepare, summary, on_applied)


def save_roster_template(parent: QWidget | None) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "保存空白花名册模板", "在职党员花名册模板.xlsx",
                                          EXCEL_FILTER)
    if not path:
        return None
    saved = roster_mod.write_template(path)
    QMessageBox.information(parent, "空白模板", f"已保存到\n{saved}\n身份证号、电话列已设为文本格式。")
    return saved
