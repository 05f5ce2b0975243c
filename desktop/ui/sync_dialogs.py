"""Excel exchange dialogs: 导出到U盘, 导入交换文件 (preview, conflicts, invalid rows), 导入花名册
(column mapping) and the blank roster template. Slow work runs through run_job with its own
ledger connection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db import merge, open_ledger, settings
from desktop.sync import roster as roster_mod
from desktop.sync.drives import removable_drives
from desktop.sync.exchange import Conflict, Preview
from desktop.sync.reader import PasswordRequired
from desktop.ui.sync_common import (
    DIFF_BRUSH,
    EXCEL_FILTER,
    ROSTER_FILTER,
    SYNC_HEADERS,
    IssuesWidget,
    _item,
)
from desktop.ui.worker import run_job


def _ask_password(parent: QWidget | None, message: str) -> str | None:
    text, ok = QInputDialog.getText(parent, "文件密码", message, QLineEdit.EchoMode.Password)
    return text if ok and text else None


# -- export -----------------------------------------------------------------------------------

class ExportDialog(QDialog):
    def __init__(self, parent: QWidget | None, ledger_path: str | Path):
        super().__init__(parent)
        self.setWindowTitle("导出到U盘")
        self.ledger_path = str(ledger_path)
        with open_ledger(self.ledger_path, create=False) as ledger:
            ident = settings.identity(ledger)
            self.nodes = ledger.query("SELECT id, level, name FROM grid_nodes WHERE deleted = 0 "
                                      "AND level <= 3 ORDER BY level, sort_order, id")
            self.peers = merge.peers(ledger)
        stamp = dt.date.today().strftime("%Y%m%d")
        office = ident["office_name"] or "报到台账"
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("选择U盘（插入U盘后点“刷新”）："))
        self.drives = QListWidget()
        self.drives.setMinimumHeight(90)
        layout.addWidget(self.drives)
        form = QFormLayout()
        self.name = QLineEdit(f"报到台账-{office}-{stamp}.xlsx")
        form.addRow("文件名：", self.name)
        self.scope = QComboBox()
        self.scope.addItem("整个台账", None)
        for node in self.nodes:
            self.scope.addItem("　" * (node["level"] - 1) + node["name"], node["id"])
        form.addRow("导出范围：", self.scope)
        self.receiver = QComboBox()
        self.receiver.addItem("不指定（导出全部数据）", None)
        for peer in self.peers:
            self.receiver.addItem(peer["name"] or peer["community"] or peer["office"][:8],
                                  peer["office"])
        if len(self.peers) == 1:
            self.receiver.setCurrentIndex(1)
        form.addRow("发给：", self.receiver)
        self.full = QCheckBox("导出全部数据（对方丢了文件、重装了程序时用）")
        form.addRow("", self.full)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        form.addRow("", self.summary)
        self.mask_ids = QCheckBox("隐去身份证号和电话（对方只能查看，不能导入）")
        form.addRow("", self.mask_ids)
        self.protect = QCheckBox("设置打开密码（Excel和WPS打开时需输入；建议始终设置）")
        self.protect.setChecked(True)  # the file carries full ID numbers: protected by default
        form.addRow("", self.protect)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("密码")
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2.setPlaceholderText("再输入一次")
        row = QHBoxLayout()
        row.addWidget(self.password)
        row.addWidget(self.password2)
        form.addRow("密码：", row)
        layout.addLayout(form)
        self.protect.toggled.connect(self._sync_enabled)
        for signal in (self.receiver.currentIndexChanged, self.scope.currentIndexChanged):
            signal.connect(self._describe)
        for box in (self.full, self.mask_ids):
            box.toggled.connect(self._describe)
        buttons = QHBoxLayout()
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        self.to_drive = QPushButton("导出到所选U盘")
        self.to_drive.setDefault(True)
        self.to_drive.clicked.connect(self._export_to_drive)
        save_as = QPushButton("另存为…")
        save_as.clicked.connect(self._save_as)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        for button in (refresh, self.to_drive, save_as, cancel):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.result_path: Path | None = None
        self.refresh()
        self._sync_enabled()
        self._describe()
        self.resize(560, 440)

    def _describe(self) -> None:
        """What the file will hold, counted in the background: "发给 杨树社区：自上次以来的
        1,204 条变更"."""
        office, name = self.receiver.currentData(), self.receiver.currentText()
        self.full.setEnabled(office is not None)
        if office is None or self.mask_ids.isChecked():
            self.summary.setText("将导出所选范围内的全部数据")
            return
        peer = next(p for p in self.peers if p["office"] == office)
        if self.full.isChecked() or not peer["acked_seq"]:
            why = "" if self.full.isChecked() else "（对方还没有确认收到过本台账的文件）"
            self.summary.setText(f"发给 {name}：全部数据{why}")
            return
        self.summary.setText(f"发给 {name}：正在统计变更…")
        ledger_path, grid_node = self.ledger_path, self.scope.currentData()
        asked = (office, grid_node)
        self._asked = asked

        def work(_progress, _cancelled):
            from desktop.sync.export import pending_changes, scope_for

            with open_ledger(ledger_path, create=False) as ledger:
                return pending_changes(ledger, scope_for(ledger, office, grid_node=grid_node))

        def done(count) -> None:
            if self._asked == asked:  # not a count for a choice changed meanwhile
                self.summary.setText(f"发给 {name}：自上次以来的 {count:,} 条变更"
                                     + ("（无新变更，只带回已收到的确认）" if not count else ""))

        self.count_job = run_job(self, "正在统计变更", work, done)

    def _sync_enabled(self) -> None:
        on = self.protect.isChecked()
        self.password.setEnabled(on)
        self.password2.setEnabled(on)

    def refresh(self) -> None:
        self.drives.clear()
        found = removable_drives()
        for drive in found:
            item = QListWidgetItem(drive.title())
            item.setData(Qt.ItemDataRole.UserRole, str(drive.path))
            self.drives.addItem(item)
        if self.drives.count():
            self.drives.setCurrentRow(0)
        else:
            item = QListWidgetItem("没有找到U盘。可以插入U盘后点“刷新”，或用“另存为…”选择位置。")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.drives.addItem(item)
        self.to_drive.setEnabled(bool(found))

    def options(self) -> dict[str, Any] | None:
        password = None
        if self.protect.isChecked():
            password = self.password.text()
            if not password:
                QMessageBox.warning(self, "导出到U盘", "请输入密码")
                return None
            if password != self.password2.text():
                QMessageBox.warning(self, "导出到U盘", "两次输入的密码不一致")
                return None
        if password is None and not self.mask_ids.isChecked():
            answer = QMessageBox.warning(
                self, "导出到U盘",
                "导出文件将含有完整的身份证号和手机号，又没有设置打开密码：\n"
                "U盘丢失或借给别人时，任何人都能看到这些个人信息。\n\n"
                "确定不设密码导出吗？（这次导出会记入审计日志）",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return None
        return {"mask": self.mask_ids.isChecked(), "password": password,
                "grid_node": self.scope.currentData(), "for_office": self.receiver.currentData(),
                "full": self.full.isChecked()}

    def _export_to_drive(self) -> None:
        item = self.drives.currentItem()
        folder = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not folder:
            QMessageBox.information(self, "导出到U盘", "请先选择U盘，或用“另存为…”")
            return
        name = self.name.text().strip() or "报到台账.xlsx"
        if not name.lower().endswith(".xlsx"):
            name += ".xlsx"
        self._run(Path(folder) / name)

    def _save_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出到", self.name.text(), EXCEL_FILTER)
        if path:
            self._run(Path(path))

    def _run(self, target: Path) -> None:
        options = self.options()
        if options is None:
            return
        ledger_path = self.ledger_path

        def work(progress, cancelled):
            from desktop.sync.export import export_ledger

            with open_ledger(ledger_path, create=False) as ledger:
                return export_ledger(ledger, target, progress=progress, cancelled=cancelled,
                                     **options)

        def done(result) -> None:
            self.result_path = result.path
            total = sum(result.counts.values())
            kind = ""
            if result.receiver:
                kind = f"发给{result.receiver}，" + ("自上次以来的变更" if result.incremental
                                                    else "全部数据") + "，"
            QMessageBox.information(self, "导出到U盘",
                                    f"已导出 {total} 行（{kind}已读回核对无误）到\n{result.path}")
            self.accept()

        self.job = run_job(self, "导出到U盘", work, done)


def export_to_usb(parent: QWidget | None, ledger_path: str | Path) -> ExportDialog:
    dialog = ExportDialog(parent, ledger_path)
    dialog.open()
    return dialog


# -- invalid rows -----------------------------------------------------------------------------

# -- conflicts --------------------------------------------------------------------------------

class ConflictsWidget(QWidget):
    """Conflicts (or possible duplicates) listed on the left, the chosen one side by side on
    the right with differing fields highlighted; a choice per row, or all at once."""

    def __init__(self, conflicts: list[Conflict], duplicates: bool = False,
                 parent: QWidget | None = None, offices: dict[str, str] | None = None):
        super().__init__(parent)
        self.conflicts = conflicts
        self.offices = offices or {}
        self.choices: dict[str, str] = {
            c.uuid: ("mine" if duplicates else c.suggested) for c in conflicts}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list = QTableWidget(len(conflicts), 3)
        self.list.setHorizontalHeaderLabels(["工作表", "记录", "保留"])
        self.list.verticalHeader().setVisible(False)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, c in enumerate(conflicts):
            self.list.setItem(row, 0, _item(c.title))
            self.list.setItem(row, 1, _item(c.name))
            self.list.setItem(row, 2, _item(""))
        self.list.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.list.verticalHeader().setDefaultSectionSize(24)
        self.list.currentCellChanged.connect(lambda row, *_: self.show_conflict(row))
        splitter.addWidget(self.list)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel()
        self.note.setWordWrap(True)
        side.addWidget(self.note)
        self.detail = QTableWidget(0, 3)
        self.detail.setHorizontalHeaderLabels(["项目", "本台账", "对方文件"])
        self.detail.verticalHeader().setVisible(False)
        self.detail.verticalHeader().setDefaultSectionSize(24)
        self.detail.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.detail.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        side.addWidget(self.detail)
        pick = QHBoxLayout()
        self.mine = QPushButton("保留本台账的" if not duplicates else "保留本台账的记录")
        self.theirs = QPushButton("采用对方的" if not duplicates else "保留导入的记录（本台账的转出）")
        self.mine.clicked.connect(lambda: self.choose_selected("mine"))
        self.theirs.clicked.connect(lambda: self.choose_selected("theirs"))
        pick.addWidget(self.mine)
        pick.addWidget(self.theirs)
        side.addLayout(pick)
        splitter.addWidget(right)
        splitter.setSizes([300, 500])
        layout.addWidget(splitter)
        every = QHBoxLayout()
        all_mine = QPushButton("全部保留本台账的")
        all_theirs = QPushButton("全部采用对方的")
        all_mine.clicked.connect(lambda: self.choose_all("mine"))
        all_theirs.clicked.connect(lambda: self.choose_all("theirs"))
        every.addStretch(1)
        every.addWidget(all_mine)
        every.addWidget(all_theirs)
        layout.addLayout(every)
        for row in range(len(conflicts)):
            self._label(row)
        if conflicts:
            self.list.selectRow(0)
            self.show_conflict(0)

    def _label(self, row: int) -> None:
        choice = self.choices[self.conflicts[row].uuid]
        item = self.list.item(row, 2)
        if item is not None:
            item.setText("本台账" if choice == "mine" else "对方")

    def show_conflict(self, row: int) -> None:
        if not 0 <= row < len(self.conflicts):
            return
        c = self.conflicts[row]
        suggested = "本台账" if c.suggested == "mine" else "对方"
        self.note.setText(f"{c.title}“{c.name}”：{c.note}。建议保留{suggested}的版本。")
        self.detail.setRowCount(len(c.headers))
        fields = [(h, self._shown(h, c.mine[i] if i < len(c.mine) else ""),
                   self._shown(h, c.theirs[i] if i < len(c.theirs) else ""))
                  for i, h in enumerate(c.headers)]
        # differing content first, highlighted; sync columns and the rest below for context
        fields.sort(key=lambda f: (f[1] == f[2], f[0] in SYNC_HEADERS))
        for index, (header, mine, theirs) in enumerate(fields):
            cells = (_item(header), _item(mine), _item(theirs))
            for column, cell in enumerate(cells):
                if mine != theirs:
                    cell.setBackground(DIFF_BRUSH)
                self.detail.setItem(index, column, cell)

    def _shown(self, header: str, value: str) -> str:
        if header == "修改单位":
            return self.offices.get(value, value[:8] + "…" if len(value) > 8 else value)
        if header in ("更新时间", "创建时间") and value.endswith("Z"):
            try:
                moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
            return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        return value

    def choose_selected(self, side: str) -> None:
        rows = {i.row() for i in self.list.selectionModel().selectedRows()} or \
            {self.list.currentRow()}
        for row in rows:
            if 0 <= row < len(self.conflicts):
                self.choices[self.conflicts[row].uuid] = side
                self._label(row)

    def choose_all(self, side: str) -> None:
        for row, c in enumerate(self.conflicts):
            self.choices[c.uuid] = side
            self._label(row)


# -- import preview ---------------------------------------------------------------------------

COUNT_HEADERS = ("工作表", "新增", "更新", "未变", "冲突", "无效", "疑似重复", "其中删除")


class ImportPreviewDialog(QDialog):
    def __init__(self, parent: QWidget | None, preview: Preview):
        super().__init__(parent)
        self.preview = preview
        source = preview.source
        self.setWindowTitle("导入交换文件 — 预览")
        layout = QVBoxLayout(self)
        exported = source.readme.get("导出时间（本地）") or source.exported_at
        head = QLabel(f"来源：<b>{source.office_name or '（未写明）'}</b>　导出时间：{exported}"
                      f"　文件：{Path(source.path).name}")
        layout.addWidget(head)
        for line in preview.warnings:
            warn = QLabel("⚠ " + line)
            warn.setStyleSheet("color: #9C5700;")
            warn.setWordWrap(True)
            layout.addWidget(warn)
        tabs = QTabWidget()
        counts = QTableWidget(len(preview.sheets) + 1, len(COUNT_HEADERS))
        counts.setHorizontalHeaderLabels(list(COUNT_HEADERS))
        counts.verticalHeader().setVisible(False)
        counts.verticalHeader().setDefaultSectionSize(24)
        for row, s in enumerate([*preview.sheets, preview.totals()]):
            values = (s.title, s.new, s.updated, s.unchanged, s.conflict, s.invalid, s.duplicate,
                      s.deleted)
            for column, value in enumerate(values):
                item = _item(value, column > 0)
                if column > 0 and value and column in (4, 5, 6):
                    item.setForeground(QBrush(QColor("#C00000")))
                if row == len(preview.sheets):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                counts.setItem(row, column, item)
        counts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        tabs.addTab(counts, "各表统计")
        self.conflicts = ConflictsWidget(preview.conflicts, offices=preview.offices)
        tabs.addTab(self.conflicts, f"冲突（{len(preview.conflicts)}）")
        self.duplicates = ConflictsWidget(preview.duplicates, duplicates=True,
                                          offices=preview.offices)
        tabs.addTab(self.duplicates, f"疑似重复（{len(preview.duplicates)}）")
        rejected = [i for i in preview.issues if i.row]
        self.issues = IssuesWidget(preview.issues)
        tabs.addTab(self.issues, f"无效行（{len(rejected)}）")
        self.tabs = tabs
        layout.addWidget(tabs)
        total = preview.totals()
        summary = QLabel(f"确认后将新增 {total.new} 条、更新 {total.updated} 条，"
                         f"按所选处理 {total.conflict} 条冲突；导入前会自动备份台账。")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok.setEnabled(total.new + total.updated + total.conflict + total.duplicate > 0)
        layout.addWidget(buttons)
        self.resize(860, 560)

    def choices(self) -> dict[str, str]:
        out = dict(self.conflicts.choices)
        out.update({u: c for u, c in self.duplicates.choices.items() if c == "theirs"})
        return out


def import_exchange_file(parent: QWidget | None, ledger_path: str | Path,
                         on_applied: Callable[[Any], None] | None = None,
                         path: str | None = None, password: str | None = None) -> None:
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, "导入交换文件", "", EXCEL_FILTER)
        if not path:
            return
    ledger_path = str(ledger_path)

    def work(progress, _cancelled):
        from desktop.sync.apply import preview_file

        with open_ledger(ledger_path, create=False) as ledger:
            return preview_file(ledger, path, password, progress)

    def read(preview: Preview) -> None:
        if preview.already:  # told from 说明 alone: nothing to preview, nothing to do
            notes = "".join(f"\n\n注意：{w}" for w in preview.warnings)
            (QMessageBox.warning if notes else QMessageBox.information)(
                parent, "导入交换文件", f"{preview.already}。\n\n{Path(path).name}{notes}")
            return
        _show_preview(parent, ledger_path, preview, on_applied)

    run_job(parent, "读取交换文件", work, read,
            _reading_failed(parent, "导入交换文件", lambda again: import_exchange_file(
                parent, ledger_path, on_applied, path, again)))


def _reading_failed(parent: QWidget | None, title: str,
                    retry: Callable[[str], Any]) -> Callable[[BaseException, str], None]:
    """Reading a file failed: a password-protected file asks for the password and tries again
    (retry(password)); anything else is shown."""
    def failed(error: BaseException, _trace: str) -> None:
        if isinstance(error, PasswordRequired):
            again = _ask_password(parent, str(error))
            if again:
                retry(again)
            return
        QMessageBox.warning(parent, title, f"不能导入：\n{error}")
    return failed


def _apply_when_confirmed(dialog: QDialog, parent: QWidget | None, ledger_path: str, label: str,
                          title: str, prepare: Callable[[], Callable[[Any, Any, Any], Any]],
                          summary: Callable[[Any], str], on_applied: Any) -> QDialog:
    """Open the preview dialog; when the user confirms it, prepare() reads their choices and
    returns apply(ledger, progress, cancelled), which runs in the background (its own
    connection); then the summary is shown and on_applied called."""
    def confirmed() -> None:
        apply = prepare()

        def work(progress, cancelled):
            with open_ledger(ledger_path, create=False) as ledger:
                return apply(ledger, progress, cancelled)

        def done(result) -> None:
            QMessageBox.information(parent, title, summary(result))
            if on_applied:
                on_applied(result)

        run_job(parent, label, work, done)

    dialog.accepted.connect(confirmed)
    dialog.open()
    return dialog


def _import_summary(result: Any) -> str:
    new = sum(c.new for c in result.applied.values())
    updated = sum(c.updated for c in result.applied.values())
    lines = [f"新增 {new} 条，更新 {updated} 条。", f"导入前的备份：{result.backup}"]
    lines += result.kept_after_delete[:10]
    lines += [f"未导入：{i.line()}" for i in result.failed[:10]]
    if result.unresolved:
        lines.append(f"{result.unresolved} 条冲突或疑似重复未处理，保持本台账的数据。")
    return "\n".join(lines)


def _show_preview(parent, ledger_path: str, preview: Preview, on_applied) -> QDialog:
    dialog = ImportPreviewDialog(parent, preview)

    def prepare() -> Callable[[Any, Any, Any], Any]:
        from desktop.sync.apply import apply

        choices = dialog.choices()
        return lambda ledger, progress, cancelled: apply(ledger, preview, choices,
                                                         progress=progress, cancelled=cancelled)

    return _apply_when_confirmed(dialog, parent, ledger_path, "正在导入", "导入完成", prepare,
                                 _import_summary, on_applied)


# -- rosters ----------------------------------------------------------------------------------

def import_roster(parent: QWidget | None, ledger_path: str | Path,
                  on_applied: Callable[[Any], None] | None = None, path: str | None = None,
                  password: str | None = None) -> None:
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, "导入花名册", "", ROSTER_FILTER)
        if not path:
            return
    ledger_path = str(ledger_path)

    def work(_progress, _cancelled):
        parsed = roster_mod.read_roster(path, password)
        with open_ledger(ledger_path, create=False) as ledger:
            return parsed, roster_mod.remembered(ledger)

    def show(got: Any) -> None:
        _show_mapping(parent, ledger_path, got[0], got[1], on_applied)

    run_job(parent, "读取花名册", work, show,
            _reading_failed(parent, "导入花名册", lambda again: import_roster(
                parent, ledger_path, on_applied, path, again)))


def _show_mapping(parent, ledger_path: str, parsed, known, on_applied) -> QDialog:
    from desktop.ui.roster_dialog import MappingDialog

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



def __getattr__(name: str) -> Any:
    """The mapping dialog lives in desktop.ui.roster_dialog (it builds on IssuesWidget)."""
    if name in ("MappingDialog", "RosterIssuesWidget"):
        from desktop.ui import roster_dialog

        return getattr(roster_dialog, name)
    raise AttributeError(name)
