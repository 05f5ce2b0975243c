from desktop.cli import main


def test_init_then_check(tmp_path, capsys):
    path = tmp_path / "l.db"
    assert main(["init", str(path), "--street", "河东街道", "--community", "丽景社区"]) == 0
    assert main(["init", str(path), "--street", "河东街道"]) == 2
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "河东街道 丽景社区" in out and "完整性检查：通过" in out


def test_check_reports_broken_foreign_keys(tmp_path, capsys):
    import sqlite3

    path = tmp_path / "l.db"
    main(["init", str(path), "--street", "河东街道", "--community", "丽景社区"])
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO members (name, id_number, residence_node_id, uuid, created_at, "
                 "updated_at, office) VALUES ('x', '1', 999, 'u', 't', 't', 'o')")
    conn.commit()
    conn.close()
    assert main(["check", str(path)]) == 1
    assert "在职党员（行号1）引用的网格不存在" in capsys.readouterr().out


def test_check_missing_file(tmp_path, capsys):
    assert main(["check", str(tmp_path / "none.db")]) == 2
    assert "找不到台账文件" in capsys.readouterr().err


def test_demo_command(tmp_path, capsys):
    out = tmp_path / "d.db"
    assert main(["demo", "--profile", "tiny", "--out", str(out), "--quiet"]) == 0
    assert main(["demo", "--profile", "tiny", "--out", str(out), "--quiet"]) == 2
    assert "在职党员：60" in capsys.readouterr().out


def test_a_ledger_with_users_needs_a_login_and_the_role_holds(tmp_path, capsys, monkeypatch):
    from db import access, grid, open_ledger, users

    path = tmp_path / "d.db"
    main(["demo", "--profile", "tiny", "--out", str(path), "--quiet"])
    with open_ledger(path) as ledger:
        node = grid.list_nodes(ledger)[2]["id"]
        users.add_user(ledger, "王书记", "shuji-2026")
        users.add_user(ledger, "李网格", "wangge-1", role="网格员", node_id=node)
    access.remember_session(path, None)
    capsys.readouterr()
    out = tmp_path / "交换.xlsx"
    assert main(["export", str(path), "--out", str(out), "--quiet"]) == 2
    assert "BAODAO_USER" in capsys.readouterr().err
    monkeypatch.setenv("BAODAO_USER", "李网格")
    monkeypatch.setenv("BAODAO_USER_PASSWORD", "wangge-1")
    assert main(["export", str(path), "--out", str(out), "--quiet"]) == 2
    assert "只有书记可以导出交换文件" in capsys.readouterr().err and not out.exists()
    monkeypatch.setenv("BAODAO_USER", "王书记")
    monkeypatch.setenv("BAODAO_USER_PASSWORD", "wrong-password")
    assert main(["export", str(path), "--out", str(out), "--quiet"]) == 2
    assert "密码不正确" in capsys.readouterr().err
    monkeypatch.setenv("BAODAO_USER_PASSWORD", "shuji-2026")
    assert main(["export", str(path), "--out", str(out), "--quiet"]) == 0 and out.exists()
    access.remember_session(path, None)
