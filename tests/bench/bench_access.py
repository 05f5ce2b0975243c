"""What a 网格员's scope costs: the same register, search and statistics queries run for a 书记
(no scope) and for 网格员 of a community and of one 小区, on the city ledger. The scope is
TEMP views over the real tables (db.access), so the figures are printed as ratios to the
书记's run in the same process."""

from __future__ import annotations

import shutil
import statistics
import time

from db import access, members, open_ledger, stats, users, views


def _median_ms(fn, repeat: int = 15) -> float:
    fn()  # warm the page cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _figures(ledger) -> dict[str, float]:
    query = views.Query(filters={"status": "在册"})
    sample = ledger.query("SELECT name FROM members ORDER BY id LIMIT 40")
    names = [r["name"][1:] or r["name"] for r in sample]
    return {
        "members register count": _median_ms(lambda: views.count(ledger, views.MEMBERS, query)),
        "members first page": _median_ms(lambda: views.rows(ledger, views.MEMBERS, query, 0, 50)),
        "orders register count": _median_ms(
            lambda: views.count(ledger, views.ORDERS, views.Query())),
        "member search": statistics.median(
            _median_ms(lambda n=n: members.search_members(ledger, n, limit=200), 3)
            for n in names),
        "statistics 2026": _median_ms(lambda: stats.statistics(ledger, "2026"), 3),
    }


def test_scope_costs(city_path, tmp_path):
    path = tmp_path / "city.db"
    shutil.copy(city_path, path)
    with open_ledger(path, create=False) as ledger:
        community = ledger.one("SELECT id, name FROM grid_nodes WHERE level = 2 AND deleted = 0 "
                               "ORDER BY id LIMIT 1")
        compound = ledger.one("SELECT id, name FROM grid_nodes WHERE level = 3 AND deleted = 0 "
                              "AND parent_id = ? ORDER BY id LIMIT 1", (community["id"],))
        users.add_user(ledger, "书记", "shuji-2026")
        users.add_user(ledger, "社区网格员", "wangge-1", "网格员", community["id"])
        users.add_user(ledger, "小区网格员", "wangge-1", "网格员", compound["id"])
        secretary = _figures(ledger)
    runs = {}
    for name in ("社区网格员", "小区网格员"):
        access.remember_session(path, None)
        with open_ledger(path, create=False) as ledger:
            started = time.perf_counter()
            users.login(ledger, name, "wangge-1")
            login_ms = (time.perf_counter() - started) * 1000
            seen = ledger.scalar("SELECT count(*) FROM members")
            runs[name] = (_figures(ledger), login_ms, seen)
    access.remember_session(path, None)
    print("\n[bench] scope cost on the city ledger (median ms; ratio to the 书记's run)")
    for key, base in secretary.items():
        parts = [f"书记 {base:7.1f}"]
        for name, (figures, _login, _seen) in runs.items():
            parts.append(f"{name} {figures[key]:7.1f} ({figures[key] / base:4.2f}×)")
        print(f"[bench]   {key:24s} " + "  ".join(parts))
    for name, (_, login_ms, seen) in runs.items():
        print(f"[bench]   {name}: login (scrypt + scope) {login_ms:.0f} ms, "
              f"sees {seen} members")
