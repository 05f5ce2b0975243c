"""Form building blocks: fields that read and write plain values, error marking from the
ledger's ValidationError, and the unsaved-changes guard every edit dialog shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.errors import LedgerError, ValidationError


def dialog_buttons(accepted: Callable[[], Any], rejected: Callable[[], Any],
                   ok_text: str = "确定", save: bool = False) -> QDialogButtonBox:
    """The OK (or Save) / Cancel row every dialog ends with, labelled in Chinese."""
    ok = QDialogButtonBox.StandardButton.Save if save else QDialogButtonBox.StandardButton.Ok
    buttons = QDialogButtonBox(ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(accepted)
    buttons.rejected.connect(rejected)
    return buttons


def list_dialog(dialog: QDialog, note: QWidget, table: QTableWidget,
                actions: Sequence[tuple[str, Callable[[], Any]]],
                size: tuple[int, int]) -> dict[str, QPushButton]:
    """Lay out a dialog that lists records (备份, 审计日志, 用户): a note, the read-only table,
    the action buttons on the left and 关闭 on the right. Returns the buttons by their text."""
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    row = QHBoxLayout()
    buttons: dict[str, QPushButton] = {}
    for text, slot in actions:
        button = buttons[text] = QPushButton(text)
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch(1)
    close = QPushButton("关闭")
    close.clicked.connect(dialog.accept)
    row.addWidget(close)
    layout = QVBoxLayout(dialog)
    layout.addWidget(note)
    layout.addWidget(table)
    layout.addLayout(row)
    dialog.resize(*size)
    return buttons


class Field:
    """One labelled input. get() returns a plain value (str, float, bool, int | None)."""

    def __init__(self, key: str, label: str, widget: QWidget, getter: Callable[[], Any],
                 setter: Callable[[Any], None], changed: Any):
        self.key, self.label, self.widget = key, label, widget
        self.get, self.set = getter, setter
        self.changed = changed


def text_field(key: str, label: str, placeholder: str = "") -> Field:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    return Field(key, label, edit, lambda: edit.text().strip(),
                 lambda v: edit.setText("" if v is None else str(v)), edit.textChanged)


def date_field(key: str, label: str) -> Field:
    field = text_field(key, label, "如 2026-05-01，也可写 2026.5.1")
    field.widget.setMaximumWidth(230)
    return field


def memo_field(key: str, label: str, height: int = 70) -> Field:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return Field(key, label, edit, lambda: edit.toPlainText().strip(),
                 lambda v: edit.setPlainText("" if v is None else str(v)), edit.textChanged)


def choice_field(key: str, label: str, choices: Sequence[str], blank: bool = False) -> Field:
    combo = QComboBox()
    if blank:
        combo.addItem("", "")
    for choice in choices:
        combo.addItem(choice, choice)

    def set_value(value: Any) -> None:
        index = combo.findData(value or "")
        combo.setCurrentIndex(max(index, 0))

    return Field(key, label, combo, lambda: combo.currentData() or "", set_value,
                 combo.currentIndexChanged)


def large_list(combo: QComboBox, length: int) -> None:
    """A drop-down for thousands of names (a city's grid or units): sized by a fixed length and
    with one row height for all entries. Measured item by item, with the app's style sheet, they
    held up every dialog's first show by 0.1 s per 9,000 entries."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(length)
    view = combo.view()
    if isinstance(view, QListView):
        view.setUniformItemSizes(True)


def lookup_field(key: str, label: str, items: Sequence[tuple[str, int]], blank: str = "（未选择）",
                 editable_text: bool = False) -> Field:
    """Pick a record (grid node, unit) by name with type-ahead; value is its id or None.

    With editable_text, free text that matches no record is kept: get() returns the text."""
    combo = QComboBox()
    large_list(combo, 16)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItem(blank, None)
    for text, item_id in items:
        combo.addItem(text, item_id)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    combo.setCompleter(completer)

    def get() -> Any:
        text = combo.currentText().strip()
        index = combo.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            return combo.itemData(index)
        if not text or text == blank:
            return None
        return text if editable_text else combo.currentData()

    def set_value(value: Any) -> None:
        index = combo.findData(value) if value is not None else 0
        if index >= 0:
            combo.setCurrentIndex(index)
        elif isinstance(value, str):
            combo.setEditText(value)

    return Field(key, label, combo, get, set_value, combo.currentTextChanged)


def number_field(key: str, label: str, minimum: float = 0, maximum: float = 100000,
                 decimals: int = 0, step: float = 1) -> Field:
    spin = QDoubleSpinBox()
    spin.setRange(minimum, maximum)
    spin.setDecimals(decimals)
    spin.setSingleStep(step)
    spin.setMaximumWidth(140)
    return Field(key, label, spin,
                 lambda: spin.value() if decimals else int(spin.value()),
                 lambda v: spin.setValue(float(v or 0)), spin.valueChanged)


def check_field(key: str, label: str, text: str) -> Field:
    box = QCheckBox(text)
    return Field(key, label, box, box.isChecked, lambda v: box.setChecked(bool(v)),
                 box.toggled)


class FieldForm(QWidget):
    """A QFormLayout of fields with one error line under it."""

    def __init__(self, fields: Sequence[Field], parent: QWidget | None = None, columns: int = 1):
        super().__init__(parent)
        self.fields = {f.key: f for f in fields}
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        per_column = -(-len(fields) // columns)
        for start in range(0, len(fields), per_column):
            layout = QFormLayout()
            layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
            layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for field in fields[start:start + per_column]:
                layout.addRow(field.label + "：", field.widget)
            outer.addLayout(layout, 1)
        self.snapshot: dict[str, Any] = {}

    def values(self) -> dict[str, Any]:
        return {key: field.get() for key, field in self.fields.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        for key, field in self.fields.items():
            if key in values:
                field.set(values[key])
        self.snapshot = self.values()

    def dirty(self) -> bool:
        return self.values() != self.snapshot

    def clear_errors(self) -> None:
        for field in self.fields.values():
            field.widget.setProperty("error", False)
            field.widget.setToolTip("")
            field.widget.style().unpolish(field.widget)
            field.widget.style().polish(field.widget)

    def mark_error(self, key: str, reason: str) -> bool:
        """Highlight the field named by a ValidationError; False if this form has no such field."""
        aliases = {"work_unit_name": "work_unit_id", "work_unit_id": "work_unit_id"}
        field = self.fields.get(key) or self.fields.get(aliases.get(key, ""))
        if field is None:
            return False
        field.widget.setProperty("error", True)
        field.widget.setToolTip(reason)
        field.widget.style().unpolish(field.widget)
        field.widget.style().polish(field.widget)
        field.widget.setFocus()
        return True


class EditDialog(QDialog):
    """A form dialog that saves through `save(values)` (a db call) and shows its errors on the
    field they name. Closing with unsaved changes asks first."""

    def __init__(self, title: str, fields: Sequence[Field], parent: QWidget | None = None,
                 extra: QWidget | None = None, columns: int = 1):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = FieldForm(fields, columns=columns)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = dialog_buttons(self.try_save, self.reject, "保存", save=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        if extra is not None:
            layout.addWidget(extra)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.buttons = buttons
        self.saved_id: int | None = None
        self.setMinimumWidth(520 if columns == 1 else 820)

    def save(self, values: dict[str, Any]) -> int | None:  # overridden
        raise NotImplementedError

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def try_save(self) -> bool:
        self.form.clear_errors()
        self.error.hide()
        try:
            self.saved_id = self.save(self.form.values())
        except ValidationError as error:
            self.form.mark_error(error.field, str(error))
            self.show_error(str(error))
            return False
        except LedgerError as error:
            self.show_error(str(error))
            return False
        self.form.snapshot = self.form.values()
        self.accept()
        return True

    def reject(self) -> None:
        if self.form.dirty():
            answer = QMessageBox.question(
                self, "尚未保存", "修改还没有保存。要保存吗？",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save:
                self.try_save()
                return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.form.dirty() and self.result() != QDialog.DialogCode.Accepted:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)


def show_error(parent: QWidget | None, title: str, error: BaseException | str) -> None:
    QMessageBox.warning(parent, title, str(error))


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.button(QMessageBox.StandardButton.Yes).setText("确定")
    box.button(QMessageBox.StandardButton.No).setText("取消")
    return box.exec() == QMessageBox.StandardButton.Yes


def fitting(widget: QWidget, wanted: QSize) -> QSize:
    """As wanted, but no larger than the free area of the widget's screen less a title bar:
    a preview 1,000 px tall would hide its buttons on a 1366×768 screen."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return wanted
    free = screen.availableGeometry()
    return QSize(min(wanted.width(), free.width() - 16), min(wanted.height(), free.height() - 60))


def list_table(headers: Sequence[str], multi: bool = False) -> QTableWidget:
    """A read-only list of rows (走访, 预警): whole rows selected, one or (multi) several."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.ExtendedSelection if multi
                           else QTableWidget.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[Any]]) -> None:
    """Show these rows (None as blank), columns sized to their text, the last one stretched."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
