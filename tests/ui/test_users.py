"""用户与角色 in the window: set up the first 书记, add a 网格员, log in as each, the idle lock."""

from __future__ import annotations

from pathlib import Path

from db import access, audit, opening, settings, users
from desktop.ui import idle_lock, ledger_password
from desktop.ui.app import build_window, choose_start_ledger, ui_settings
from desktop.ui.users_dialogs import LockSettingsDialog, UserForm, UsersDialog
from tests.ui.test_main_window import make_window


def login_as(name: str, password: str):
    def handler(dialog):
        dialog.user.setCurrentText(name)
        dialog.password.setText(password)
        dialog.try_login()
    return handler


def open_as(qtbot, answer, path, name: str, password: str):
    """Start the app on the ledger and log in through the login dialog."""
    answer(login_as(name, password))
    window = build_window(choose_start_ledger(ui_settings(), path, False), ui_settings())
    qtbot.addWidget(window)
    window.show()
    return window


def set_up_users(qtbot, answer):
    """Through the dialogs: the first user (a 书记), then a 网格员 for the first 小区."""
    window = make_window(qtbot)
    dialog = UsersDialog(window)
    qtbot.addWidget(dialog)
    assert "尚未设置用户" in dialog.note.text()

    def first(form: UserForm):
        assert not form.role.isEnabled() and form.role.currentText() == "书记"
        form.username.setText("王书记")
        form.password.setText("shuji-2026")
        form.again.setText("shuji-2026")
        form.save()

    printed = {}

    def recovery(shown):
        """The recovery key is offered at once, explained, and printed to a PDF."""
        assert "恢复密钥" in shown.windowTitle() and "无法再读出" in shown.findChild(
            type(shown.key)).text()
        printed["pdf"] = shown.save_pdf(target=str(Path(window.ledger.path).with_name("恢复密钥.pdf")))
        printed["key"] = shown.key.text()
        shown.finish()

    answer(first, recovery)
    dialog.add()
    assert "王书记（书记）" in window.windowTitle()
    assert printed["pdf"].is_file() and len(printed["key"].split()) == 13
    compound = window.ledger.one("SELECT id, name FROM grid_nodes WHERE level = 3 LIMIT 1")

    def worker(form: UserForm):
        form.username.setText("李网格")
        form.role.setCurrentText("网格员")
        assert form.node.isEnabled()
        form.node.setCurrentIndex(form.node.findData(compound["id"]))
        form.password.setText("wangge-1")
        form.again.setText("wangge-2")
        form.save()
        assert form.error.text() == "两次输入的密码不一致"
        form.again.setText("wangge-1")
        form.save()

    answer(worker)
    dialog.add()
    assert dialog.table.rowCount() == 2
    assert [dialog.table.item(1, c).text() for c in range(4)] == \
        ["李网格", "网格员", compound["name"], "在用"]
    path = window.ledger.path
    window.close()
    window.ledger.close()
    access.remember_session(path, None)
    return path, compound


def test_grid_worker_logs_in_and_sees_only_their_grid(qtbot, answer):
    path, compound = set_up_users(qtbot, answer)
    wrong = login_as("李网格", "guess-1")

    def then_right(dialog):
        wrong(dialog)
        assert "密码不正确（第1次）" in dialog.error.text() and dialog.isVisible()
        login_as("李网格", "wangge-1")(dialog)

    answer(then_right)
    ledger = choose_start_ledger(ui_settings(), path, False)
    assert ledger is not None and ledger.actor.label == "李网格（网格员）"
    window = build_window(ledger, ui_settings())
    qtbot.addWidget(window)
    window.show()
    assert "李网格（网格员）" in window.windowTitle()
    assert compound["name"] in window.file_label.text()
    disabled = {a.text() for a in window.secretary_actions if not a.isEnabled()}
    assert {"导入交换文件…", "备份与恢复…", "审计日志…", "用户管理…", "自动锁定…"} <= disabled
    window.nav.setCurrentRow(3)
    page = window.pages["members"]
    shown = page.model.rowCount()
    total = ledger.scalar("SELECT count(*) FROM main.members WHERE deleted = 0 AND status = '在册'")
    assert 0 < shown < total
    assert page.full_id.text() == "显示完整手机号"
    page.full_id.setChecked(True)
    column = [c.title for c in page.model.view.columns].index("身份证号")
    assert "********" in page.model.index(0, column).data()  # full IDs never reach a 网格员
    assert access.session_for(path).username == "李网格"
    window.close()
    ledger.close()
    access.remember_session(path, None)


def test_cancelled_login_opens_nothing(qtbot, answer):
    path, _compound = set_up_users(qtbot, answer)
    answer(lambda dialog: dialog.reject())
    assert choose_start_ledger(ui_settings(), path, False) is None


def test_secretary_sets_lock_minutes_and_the_lock_needs_the_users_password(qtbot, answer):
    path, _compound = set_up_users(qtbot, answer)
    window = open_as(qtbot, answer, path, "王书记", "shuji-2026")
    assert all(a.isEnabled() for a in window.secretary_actions)
    window.idle_lock = idle_lock.IdleLock(window)
    assert window.idle_lock.minutes == 10
    dialog = LockSettingsDialog(window)
    qtbot.addWidget(dialog)
    dialog.minutes.setValue(3)
    dialog.save()
    assert settings.get_setting(window.ledger, "lock_minutes") == 3
    assert window.idle_lock.minutes == 3
    assert idle_lock.IdleLock(window).minutes == 3  # read back from the ledger next time

    def wrong(dialog):
        assert not window.centralWidget().isVisible()  # nothing readable while locked
        assert not dialog.user.isEnabled() and dialog.user.currentText() == "王书记"
        dialog.password.setText("not-it")
        dialog.try_login()
        assert "密码不正确" in dialog.error.text()
        dialog.password.setText("shuji-2026")
        dialog.try_login()

    answer(wrong)
    window.idle_lock.minutes = 0
    window.idle_lock.tick()
    assert window.centralWidget().isVisible()
    assert window.idle_lock.locked is False
    unlocks = [e["result"] for e in audit.entries(window.ledger) if e["action"] in ("解锁", "登录")]
    assert unlocks[0] == "成功" and any("密码错误" in r for r in unlocks)
    window.close()
    window.ledger.close()
    access.remember_session(path, None)


def test_switch_user_locks_out_the_previous_scope(qtbot, answer):
    from desktop.ui.users_dialogs import switch_user

    path, _compound = set_up_users(qtbot, answer)
    window = open_as(qtbot, answer, path, "王书记", "shuji-2026")
    everyone = window.ledger.scalar("SELECT count(*) FROM members")
    answer(login_as("李网格", "wangge-1"))
    switch_user(window)
    assert window.ledger.actor.username == "李网格"
    assert window.ledger.scalar("SELECT count(*) FROM members") < everyone
    assert not any(a.isEnabled() for a in window.secretary_actions)
    assert users.has_users(window.ledger)
    window.close()
    window.ledger.close()
    access.remember_session(path, None)


def test_encrypted_with_per_user_keys_each_user_opens_it_with_their_own_password(
        qtbot, answer, tmp_path):
    """设置台账密码 on a ledger with users encrypts it with its own key: nobody types or passes
    on a shared password; at the next start each user's login opens the file."""
    from db import crypto, keys

    path, _compound = set_up_users(qtbot, answer)
    window = open_as(qtbot, answer, path, "王书记", "shuji-2026")
    done = []
    answer(lambda box: box.button(box.StandardButton.Yes).click(),  # 确定加密
           lambda box: (done.append(box.text()), box.accept()))
    ledger_password.set_password(window)
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    assert done == ["台账和备份已加密。"] and crypto.looks_encrypted(path)
    assert crypto.password_for(path) == keys.held(path).sqlcipher_key
    window.close()
    window.ledger.close()
    opening.forget(path)  # as a freshly started process
    with __import__("pytest").raises(crypto.WrongPasswordError):
        crypto.connect(path, "shuji-2026")

    def open_dialog(dialog):
        seen.append(dialog.windowTitle())
        assert [dialog.user.itemText(i) for i in range(dialog.user.count())] == ["王书记", "李网格"]
        login_as("李网格", "wrong-guess")(dialog)
        assert "密码不正确（第1次）" in dialog.error.text()
        login_as("李网格", "wangge-1")(dialog)

    seen = []
    answer(open_dialog)
    ledger = choose_start_ledger(ui_settings(), path, False)
    assert seen == ["登录"]
    assert ledger is not None and ledger.actor.label == "李网格（网格员）"
    assert "********" in ledger.scalar("SELECT id_number FROM members LIMIT 1")
    ledger.close()
    opening.forget(path)  # as a freshly started process


def test_the_first_secretary_seals_the_numbers_in_the_background(qtbot, answer):
    """Sealing every ID number takes ~1.5 ms a member: it runs as a job after the first 书记
    is created (the window stays responsive), and the numbers are sealed when it ends."""
    from db import vault

    window = make_window(qtbot)
    dialog = UsersDialog(window)
    qtbot.addWidget(dialog)

    def first(form: UserForm):
        form.username.setText("王书记")
        form.password.setText("shuji-2026")
        form.again.setText("shuji-2026")
        form.save()

    answer(first, lambda shown: (shown.save_pdf(target=str(
        Path(window.ledger.path).with_name("恢复密钥.pdf"))), shown.finish()))
    count = window.ledger.scalar("SELECT count(*) FROM main.members")
    dialog.add()
    qtbot.waitUntil(lambda: vault.unsealed(window.ledger) == 0, timeout=60000)
    assert window.ledger.scalar("SELECT count(*) FROM main.members WHERE id_sealed <> ''") == count
    full = window.ledger.scalar("SELECT id_number FROM members LIMIT 1")
    assert "*" not in full  # the 书记 still reads them in full
    path = window.ledger.path
    window.close()
    window.ledger.close()
    access.remember_session(path, None)
