"""Three offices edit, delete and exchange files in random orders; after a final full round
they hold the same data. Conflicts take their suggested side, as a user accepting the
defaults would."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import open_ledger, units
from db.errors import LedgerError
from desktop.sync.apply import apply
from desktop.sync.exchange import parse_exchange
from desktop.sync.export import export_ledger
from tests.sync.conftest import snapshot

OFFICES = 3
step = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, 1), st.sampled_from("甲乙丙丁")),
    st.tuples(st.just("delete"), st.integers(0, 2), st.integers(0, 1), st.just("")),
    st.tuples(st.just("add"), st.integers(0, 2), st.integers(0, 9), st.just("")),
    st.tuples(st.just("sync"), st.integers(0, 2), st.integers(0, 2), st.just("")),
)

pytestmark = pytest.mark.slow  # kills / many files / many offices: README's quick run skips it


def _export(src, folder, counter):
    path = folder / f"x{next(counter)}.xlsx"
    export_ledger(src, path)
    return path


def _import(dst, path):
    apply(dst, parse_exchange(path, ledger=dst), default=POLICY, backup=False)


def _sync(src, dst, folder, counter):
    _import(dst, _export(src, folder, counter))


POLICY = "suggested"


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(step, min_size=4, max_size=10))
def test_three_offices_converge(tmp_path_factory, steps):
    folder = tmp_path_factory.mktemp("conv")
    counter = itertools.count()
    offices = [open_ledger(folder / f"o{i}.db") for i in range(OFFICES)]
    try:
        for i in range(4):
            units.add_unit(offices[0], name=f"单位{i}", contact_name="初始")
        for other in offices[1:]:
            _sync(offices[0], other, folder, counter)
        for kind, who, target, value in steps:
            office = offices[who]
            ids = [r[0] for r in office.conn.execute(
                "SELECT id FROM units WHERE deleted = 0 ORDER BY uuid")]
            try:
                if kind == "edit" and ids:
                    units.update_unit(office, ids[target % len(ids)], contact_name=value)
                elif kind == "delete" and ids:
                    units.delete_unit(office, ids[target % len(ids)])
                elif kind == "add":
                    units.add_unit(office, name=f"新单位{who}-{target}")
                elif kind == "sync" and who != target:
                    _sync(office, offices[target], folder, counter)
            except LedgerError:
                pass  # e.g. a name clash refused by the ledger: the edit did not happen
        newest: dict[str, int] = {}
        for office in offices:
            for uuid, rev in office.conn.execute("SELECT uuid, rev FROM units"):
                newest[uuid] = max(newest.get(uuid, 0), rev)
        for _round in range(2):
            for src in offices:
                path = _export(src, folder, counter)
                for dst in offices:
                    if dst is not src:
                        _import(dst, path)
        views = [snapshot(o) for o in offices]
        assert views[0]["units"] == views[1]["units"] == views[2]["units"]
        assert views[0]["units"]
        # and nothing newer was overwritten by something older on the way
        final = {uuid: row["rev"] for uuid, row in views[0]["units"].items()}
        assert all(final[uuid] >= rev for uuid, rev in newest.items())
    finally:
        for office in offices:
            office.close()
