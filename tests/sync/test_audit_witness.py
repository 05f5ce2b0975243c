"""Every exchange file carries the sender's audit chain (checkpoints and head, 说明 sheet
"审计链"); the receiving office keeps them as witnesses, and a later file from a sender whose
log was rewritten or cut back contradicts them: the preview warns, the import keeps an alert,
and `check` at the receiver reports it from then on."""

from __future__ import annotations

import sqlite3

from db import audit, check, open_ledger
from desktop.sync.apply import apply, preview_file
from desktop.sync.export import export_ledger


def _import(ledger, path):
    preview = preview_file(ledger, path)
    return preview, apply(ledger, preview, backup=False)


def test_a_log_cut_back_at_the_sender_is_caught_by_the_receivers_witness(make_ledger, tmp_path):
    sender = make_ledger("community")
    for number in range(250):
        audit.record(sender, "打印", f"第{number}张卡")
    street = make_ledger("street", community=None)
    first = tmp_path / "1.xlsx"
    export_ledger(sender, first)
    preview, _applied = _import(street, first)
    assert not any("审计" in w for w in preview.warnings)
    kept = street.scalar("SELECT count(*) FROM audit_witness WHERE office = ?", (sender.office,))
    assert kept >= 3  # checkpoints at 100, 200 and the head

    # the sender's log loses its last 100 entries, the plain chain's head fixed to match
    conn = sqlite3.connect(sender.path)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id > 150")
    conn.execute("UPDATE meta SET value = (SELECT hash FROM audit_log WHERE id = 150) "
                 "WHERE key = 'audit_head'")
    conn.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN "
                 "SELECT RAISE(ABORT, '审计日志只能追加，不能删除'); END")
    conn.commit()
    conn.close()
    assert check.problems(sender) == []  # a ledger without users has no key to seal with

    second = tmp_path / "2.xlsx"
    export_ledger(sender, second)
    preview, _applied = _import(street, second)
    warning = [w for w in preview.warnings if "审计日志" in w]
    assert warning and "被截短了" in warning[0] and "第" in warning[0]
    found = check.problems(street)
    assert any("被截短了" in line for line in found)
    with open_ledger(street.path, create=False) as again:  # kept, not only shown once
        assert any("被截短了" in line for line in check.problems(again))
