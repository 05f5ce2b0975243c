"""Issue 6 targets on the city ledger: the full statistics for a year under 1 s, a month's
member ranking under 1 s. Also prints the compliance lists, the half-year evaluation sheet,
a unit ranking and the statistics PDF, which have no stated target."""

from __future__ import annotations

import time

from db import compliance, open_ledger, rankings, stats, suggest


def _best(fn, runs: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def test_year_statistics(city_path):
    with open_ledger(city_path) as ledger:
        seconds, result = _best(lambda: stats.statistics(ledger, "2026"))
        f = result["figures"]  # type: ignore[index]
        print(f"\n[bench] city statistics 2026: {seconds * 1000:.0f} ms (target < 1000); "
              f"{f['members']} members, {f['activities']} activities, "
              f"{f['person_times']} person-times")
        node = ledger.scalar("SELECT id FROM grid_nodes WHERE level = 2 ORDER BY id LIMIT 1")
        seconds, _ = _best(lambda: stats.statistics(ledger, "2026", node))
        print(f"[bench] city statistics 2026 for one community: {seconds * 1000:.0f} ms")
        assert f["activities"] > 0


def test_month_member_ranking(city_path):
    with open_ledger(city_path) as ledger:
        seconds, ranking = _best(lambda: rankings.get_ranking(ledger, "member", "2026-05"))
        print(f"\n[bench] city member ranking 2026-05: {seconds * 1000:.0f} ms (target < 1000); "
              f"{len(ranking.rows)} members")  # type: ignore[union-attr]
        seconds, _ = _best(lambda: rankings.get_ranking(ledger, "unit", "2026Q2"))
        print(f"[bench] city unit ranking 2026Q2: {seconds * 1000:.0f} ms")


def test_other_city_figures(city_path, tmp_path):
    with open_ledger(city_path) as ledger:
        seconds, _ = _best(lambda: compliance.check_lists(ledger, "2026Q2"), 1)
        print(f"\n[bench] city compliance lists 2026Q2: {seconds * 1000:.0f} ms")
        seconds, rows = _best(lambda: suggest.evaluation_sheet(ledger, "2026H1"), 1)
        print(f"[bench] city evaluation sheet 2026H1: {seconds * 1000:.0f} ms, {len(rows)} rows")
        from desktop.cards.reports import stats_pdf

        result = stats.statistics(ledger, "2026")
        seconds, _ = _best(lambda: stats_pdf(ledger, result, tmp_path / "s.pdf"), 1)
        print(f"[bench] city statistics PDF: {seconds * 1000:.0f} ms")
