"""The main window: navigation on the left, one page per register, menus for files, exchange
and printing, and a status bar with the ledger file and its counts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from db import check, settings, stats
from db.ledger import Ledger

from . import backups, ledger_password, roster_dialog, sync_export, sync_import
from .audit_dialog import AuditDialog
from .evaluation_page import EvaluationPage
from .grid_page import GridPage
from .overview_page import OverviewPage
from .page_protocol import Guarded, Page
from .pages import ActivitiesPage, MembersPage, OrdersPage, PostsPage, UnitsPage
from .points_page import PointsPage
from .print_menu import PrintMenuWindow
from .register_page import RegisterPage
from .stats_page import StatsPage
from .window_frame import FRAME_ALLOWANCE, WANTED_SIZE, Pages, initial_size, scrolling

PAGES = (("overview", "概览"), ("grid", "网格"), ("units", "报到单位"), ("members", "在职党员"),
         ("posts", "服务岗位"), ("orders", "群众需求"), ("activities", "活动纪实"),
         ("points", "积分"), ("evaluation", "评价"), ("stats", "报表"))
__all__ = ["FRAME_ALLOWANCE", "PAGES", "WANTED_SIZE", "MainWindow", "initial_size"]


class MainWindow(PrintMenuWindow):
    open_requested = Signal(str)  # another ledger file to open
    new_requested = Signal()

    def __init__(self, ledger: Ledger, ui_settings: QSettings):
        super().__init__()
        self.ledger = ledger
        self.settings = ui_settings
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(150)
        self.stack = QStackedWidget()
        self.node_filter: tuple[int | None, str] = (None, "")
        self.idle_lock = None  # an idle_lock.IdleLock, set once the window shows (desktop.ui.app)
        # Pages are built when first shown: a city ledger opens without querying every register.
        self.pages = Pages(self.make_page)
        self.keys = [k for k, _ in PAGES]
        for _key, label in PAGES:
            self.nav.addItem(label)
            self.stack.addWidget(QWidget())
        self.nav.currentRowChanged.connect(self.show_page)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.file_label = QLabel()
        self.count_label = QLabel()
        self.statusBar().addWidget(self.file_label, 1)
        self.emergency_label = QLabel()  # 应急中：… while a grid is in 应急响应
        self.emergency_label.setStyleSheet("QLabel { color: #a50e0e; font-weight: bold; }")
        self.statusBar().addPermanentWidget(self.emergency_label)
        self.statusBar().addPermanentWidget(self.count_label)
        self.stale: set[str] = set()
        self.build_menus()
        self.restore()
        self.show_ledger_info()
        page = int(str(self.settings.value("window/page", 0) or 0))
        self.nav.setCurrentRow(page if 0 <= page < len(self.keys) else 0)

    def make_page(self, key: str) -> Page:
        builders: dict[str, Callable[[], QWidget]] = {
            "overview": lambda: OverviewPage(self.ledger),
            "grid": lambda: GridPage(self.ledger),
            "units": lambda: UnitsPage(self.ledger, self.settings),
            "members": lambda: MembersPage(self.ledger, self.settings),
            "posts": lambda: PostsPage(self.ledger, self.settings),
            "orders": lambda: OrdersPage(self.ledger, self.settings),
            "activities": lambda: ActivitiesPage(self.ledger, self.settings),
            "points": lambda: PointsPage(self.ledger, self.settings),
            "evaluation": lambda: EvaluationPage(self.ledger, self.settings),
            "stats": lambda: StatsPage(self.ledger, self.settings),
        }
        page = builders[key]()
        assert isinstance(page, Page), f"{type(page).__name__} does not provide Page"
        index = self.keys.index(key)
        placeholder = self.stack.widget(index)
        current = self.stack.currentIndex()
        self.stack.insertWidget(index, scrolling(page))
        if placeholder is not None:
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        self.stack.setCurrentIndex(current)
        page.changed.connect(self.ledger_changed)
        if isinstance(page, GridPage):
            page.node_selected.connect(self.filter_by_node)
            state = self.settings.value("window/grid_splitter")
            if state is not None:
                page.splitter.restoreState(state)
        elif isinstance(page, OverviewPage):
            page.go_to.connect(self.go_to)
        elif isinstance(page, RegisterPage):
            if self.node_filter[0] is not None:
                page.set_node(*self.node_filter)
            if isinstance(page, MembersPage):
                page.print_cards = self.print_one
        return page

    # -- menus and shortcuts -------------------------------------------------------------------
    def build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        self.action(file_menu, "新建台账…", self.new_requested.emit)
        self.action(file_menu, "打开台账…", self.choose_ledger, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu("最近打开")
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        file_menu.addSeparator()
        self.action(file_menu, "导出到U盘…", lambda: sync_export.export_to_usb(self, self.ledger.path))
        self.action(file_menu, "导入交换文件…", lambda: sync_import.import_exchange_file(
            self, self.ledger.path, on_applied=self.reload_all))
        self.action(file_menu, "导入党员花名册…", lambda: roster_dialog.import_roster(
            self, self.ledger.path, on_applied=self.reload_all))
        self.action(file_menu, "下载花名册模板…", lambda: roster_dialog.save_roster_template(self))
        file_menu.addSeparator()
        from . import users_dialogs as accounts

        # Actions only a 书记 may take are disabled for anyone else (db.access refuses them too).
        self.secretary_actions: list[QAction] = [a for a in file_menu.actions()
                                                 if a.text().startswith(("导出", "导入"))]
        for text, slot in (("备份与恢复…", lambda: backups.BackupDialog(self).exec()),
                           ("检查数据库…", lambda: backups.full_check(self)),
                           ("审计日志…", lambda: AuditDialog(self).exec()),
                           ("设置台账密码…", lambda: ledger_password.set_password(self))):
            self.secretary_actions.append(self.action(file_menu, text, slot))
        file_menu.addSeparator()
        self.action(file_menu, "退出", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("编辑(&E)")
        self.action(edit, "查找", self.focus_search, QKeySequence.StandardKey.Find)
        self.action(edit, "新增", self.new_record, QKeySequence.StandardKey.New)
        self.action(edit, "删除选中", self.delete_selected, QKeySequence(Qt.Key.Key_Delete))
        self.action(edit, "刷新", self.reload_all, QKeySequence(Qt.Key.Key_F5))
        self.build_print_menu(bar)
        users_menu = bar.addMenu("用户(&U)")
        self.secretary_actions += [
            self.action(users_menu, "用户管理…", lambda: accounts.UsersDialog(self).exec()),
            self.action(users_menu, "自动锁定…", lambda: accounts.LockSettingsDialog(self).exec()),
        ]
        users_menu.addSeparator()
        self.action(users_menu, "修改我的密码…", lambda: accounts.change_own_password(self))
        self.user_actions = [
            self.action(users_menu, "切换用户…", lambda: accounts.switch_user(self))]
        self.action(users_menu, "立即锁定", self.lock_now, QKeySequence("Ctrl+L"))
        help_menu = bar.addMenu("帮助(&H)")
        self.action(help_menu, "使用手册", self.show_manual, QKeySequence.StandardKey.HelpContents)
        self.action(help_menu, "关于报到台账", self.about)

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        recent: Any = self.settings.value("recent", []) or []
        for path in recent:
            self.action(self.recent_menu, path, functools.partial(self.open_requested.emit, path))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("（无）").setEnabled(False)

    def choose_ledger(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self, "打开台账", "", "报到台账 (*.db);;所有文件 (*)")
        if path:
            self.open_requested.emit(path)

    def current_page(self) -> QWidget | None:
        shown = self.stack.currentWidget()
        return shown.widget() if isinstance(shown, QScrollArea) else shown

    def focus_search(self) -> None:
        page = self.current_page()
        if isinstance(page, RegisterPage):
            page.search.setFocus()
            page.search.selectAll()

    def new_record(self) -> None:
        page = self.current_page()
        if isinstance(page, RegisterPage):
            page.new_record()
        elif isinstance(page, GridPage):
            page.add_child()

    def delete_selected(self) -> None:
        page = self.current_page()
        if isinstance(page, RegisterPage) and page.table.hasFocus():
            page.delete_selected()
        elif isinstance(page, GridPage) and page.tree.hasFocus():
            page.delete()

    def about(self) -> None:
        from .help import show_about

        show_about(self)

    def show_manual(self) -> None:
        from .help import show_manual

        self.manual = show_manual(self)

    # -- navigation ------------------------------------------------------------------------------
    def show_page(self, row: int) -> None:
        leaving = self.current_page()
        if self.stack.currentIndex() != row and isinstance(leaving, Guarded) \
                and not leaving.can_leave():  # unsaved edits (评价) and the user said 取消
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(self.stack.currentIndex())
            self.nav.blockSignals(False)
            return
        key = self.keys[row]
        fresh = key not in self.pages
        page = self.pages[key]
        self.stack.setCurrentIndex(row)
        if not fresh and (key in self.stale or key == "overview"):
            page.refresh()
        self.stale.discard(key)

    def go_to(self, key: str, filters: dict[str, Any]) -> None:
        self.nav.setCurrentRow(self.keys.index(key))
        page = self.pages[key]
        if isinstance(page, OrdersPage) and filters.get("overdue"):
            page.overdue.setChecked(True)
        elif isinstance(page, RegisterPage):
            for name, value in filters.items():
                page.set_filter(name, value)

    def filter_by_node(self, node_id: int | None, name: str) -> None:
        self.node_filter = (node_id, name)
        for page in self.pages.values():
            if isinstance(page, RegisterPage):
                page.set_node(node_id, name)

    def ledger_changed(self) -> None:
        """A page wrote to the ledger: the other pages refresh when next shown."""
        self.show_ledger_info()
        sender = self.sender()
        self.stale = {key for key, page in self.pages.items() if page is not sender}

    def reload_all(self, *_args: Any) -> None:
        self.stale.clear()
        for page in self.pages.values():
            page.refresh()
        self.show_ledger_info()

    def set_ledger(self, ledger: Ledger) -> None:
        old = self.ledger
        self.ledger = ledger
        for page in self.pages.values():
            page.set_ledger(ledger)
        old.close()
        self.show_ledger_info()

    def lock_now(self) -> None:
        lock = self.idle_lock
        if lock is not None and lock.can_lock():
            lock.lock()
        else:
            QMessageBox.information(self, "立即锁定", "台账设置了用户（用户→用户管理）或台账密码后"
                                                      "才能锁定，否则解锁不需要任何密码。")

    def show_ledger_info(self) -> None:
        from db import access

        ident = settings.identity(self.ledger)
        actor = access.actor_of(self.ledger)
        who = f" — {actor.label}" if actor is not None else ""
        self.setWindowTitle(f"报到台账 — {ident['office_name'] or '未命名'}{who}")
        scope = ""
        if actor is not None and not actor.full_access and actor.node_id is not None:
            from db import grid

            scope = f"　负责网格：{grid.path_text(self.ledger, actor.node_id, skip_levels=1)}"
        self.file_label.setText(f"台账文件：{self.ledger.path}{scope}")
        secretary = access.is_secretary(self.ledger)
        for act in self.secretary_actions:
            act.setEnabled(secretary)
        for act in self.user_actions:
            act.setEnabled(actor is not None)
        counts = check.counts(self.ledger)
        reported = stats.reported_counts(self.ledger)  # the 概览 tiles' numbers, same rule
        self.count_label.setText(f"在册党员 {reported['members']}　报到单位 {reported['units']}　"
                                 f"活动 {counts['活动纪实']}　需求 {counts['群众需求']}")
        self.count_label.setToolTip(f"在册党员：{stats.MEMBERS_RULE}；报到单位：{stats.UNITS_RULE}"
                                    "（统计截止日为今天，与“概览”页相同）")
        from .emergency_dialogs import status_text

        self.emergency_label.setText(status_text(self.ledger))
        self.emergency_label.setToolTip("报表 → 平急两用：结束应急响应、录入到岗情况")

    # -- state ---------------------------------------------------------------------------------
    def restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            screen = self.screen() or QGuiApplication.primaryScreen()
            self.resize(initial_size(screen.availableGeometry()) if screen else WANTED_SIZE)

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        grid = self.pages.get("grid")
        if isinstance(grid, GridPage):
            self.settings.setValue("window/grid_splitter", grid.splitter.saveState())
        self.settings.setValue("window/page", self.nav.currentRow())
        for page in self.pages.values():
            if isinstance(page, RegisterPage):
                page.save_state()
        self.settings.sync()

    def leave_pages(self) -> bool:
        """Before the app closes or another ledger opens: each page with unsaved edits (评价)
        is shown and asks to save them; False when the user said 取消."""
        for key, page in list(self.pages.items()):
            if isinstance(page, Guarded) and page.dirty():
                self.nav.setCurrentRow(self.keys.index(key))  # show what the question is about
                if not page.can_leave():
                    return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.leave_pages():
            event.ignore()
            return
        self.save_state()
        super().closeEvent(event)
