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
