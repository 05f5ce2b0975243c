"""The window's 打印 menu: the cards for the selection (or the grid the registers show), and the
papers of the paper trail (志愿服务记录证明, 报到登记表, 回执, 公示, 一联一帮走访, 季度预警), each
for the member or unit selected where that applies. desktop.ui.main_window.MainWindow is one."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QMessageBox, QWidget

from . import card_dialogs
from .page_protocol import HostWindow
from .pages import MembersPage, UnitsPage


class PrintMenuWindow(HostWindow):
    node_filter: tuple[int | None, str]  # the grid node the registers are filtered to

    def current_page(self) -> QWidget | None:
        raise NotImplementedError

    def action(self, menu: Any, text: str, slot: Callable[[], Any],
               shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
        act = QAction(text, self)
        act.triggered.connect(slot)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        menu.addAction(act)
        return act

    def build_print_menu(self, bar: QMenuBar) -> None:
        printing = bar.addMenu("打印(&P)")
        for kind, label in (("record", "纪实卡…"), ("feedback", "反馈卡…"),
                            ("info", "基本信息卡…"), ("unit-feedback", "单位反馈卡…")):
            self.action(printing, label, functools.partial(self.print_cards, kind))
        printing.addSeparator()
        self.action(printing, "志愿服务记录证明…", self.issue_certificate)
        self.action(printing, "证明登记簿…", self.certificate_register)
        printing.addSeparator()
        self.action(printing, "报到登记表…", self.report_form)
        self.action(printing, "回执登记…", self.receipts_register)
        self.action(printing, "公示…", self.notices_dialog)
        printing.addSeparator()
        self.action(printing, "一联一帮走访…", self.household_visits)
        self.action(printing, "季度预警…", self.quarter_warnings)

    def print_one(self, kind: str, member_id: int) -> None:
        self.print_cards(kind, [member_id])

    def print_cards(self, kind: str, member_ids: list[int] | None = None) -> None:
        """Cards for the given members, else the members or units selected on the current
        page, else everyone in the grid node the registers are filtered to."""
        page = self.current_page()
        unit_id = None
        if kind == "unit-feedback":
            if isinstance(page, UnitsPage) and len(page.selected_ids()) == 1:
                unit_id = page.selected_ids()[0]
        elif member_ids is None and isinstance(page, MembersPage):
            member_ids = page.selected_ids() or None
        node_id = self.node_filter[0] if member_ids is None and unit_id is None else None
        card_dialogs.open_print_dialog(self, self.ledger.path, kind, member_ids=member_ids,
                                       node_id=node_id, unit_id=unit_id)

    def issue_certificate(self) -> None:
        """志愿服务记录证明 for the member selected on the members page (or one picked)."""
        from .certificate_dialogs import IssueDialog

        page = self.current_page()
        chosen = page.selected_ids() if isinstance(page, MembersPage) else []
        IssueDialog(self.ledger, self, chosen[0] if len(chosen) == 1 else None).exec()

    def certificate_register(self) -> None:
        from .certificate_dialogs import RegisterDialog

        RegisterDialog(self.ledger, self).exec()

    def report_form(self) -> None:
        """报到登记表 of the one member or unit selected on the members or units page."""
        from .receipt_dialogs import ReportFormDialog

        page = self.current_page()
        chosen = page.selected_ids() if isinstance(page, (MembersPage, UnitsPage)) else []
        if len(chosen) != 1:
            QMessageBox.information(self, "报到登记表", "请先在“在职党员”或“报到单位”页选中一条记录")
            return
        if isinstance(page, MembersPage):
            ReportFormDialog(self.ledger, self, member_id=chosen[0]).exec()
        else:
            ReportFormDialog(self.ledger, self, unit_id=chosen[0]).exec()

    def receipts_register(self) -> None:
        from .receipt_dialogs import ReceiptsDialog

        ReceiptsDialog(self.ledger, self).exec()

    def notices_dialog(self) -> None:
        from .notice_dialogs import NoticesDialog

        NoticesDialog(self.ledger, self).exec()

    def household_visits(self) -> None:
        """一联一帮: this month's households not visited yet, in the grid the pages show."""
        from .visit_dialogs import NotVisitedDialog

        NotVisitedDialog(self.ledger, self, self.node_filter[0]).exec()

    def quarter_warnings(self) -> None:
        from .warning_dialogs import WarningDialog

        WarningDialog(self.ledger, self, self.node_filter[0]).exec()
