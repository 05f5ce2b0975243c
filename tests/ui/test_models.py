import pytest
from PySide6.QtCore import QMimeData, Qt

from db import demo, grid, members, orders, views
from desktop.ui.grid_model import MIME, GridModel
from desktop.ui.models import OVERDUE, ViewModel, overdue_styler


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    led = demo.generate(tmp_path_factory.mktemp("m") / "c.db", "community")
    yield led
    led.close()


@pytest.mark.parametrize("name", list(views.VIEWS))
def test_register_models_pass_modeltester(qtmodeltester, community, name):
    model = ViewModel(community, views.VIEWS[name])
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_grid_model_passes_modeltester(qtmodeltester, community):
    qtmodeltester.check(GridModel(community))


def test_member_model_pages_search_and_masks(community):
    model = ViewModel(community, views.MEMBERS)
    assert model.rowCount() == members.count_members(community, status=None)
    last = model.rowCount() - 1
    assert model.data(model.index(last, 0)) == members.list_members(community, status=None)[-1]["name"]
    model.query.text = "王䶮"
    model.refresh()
    assert model.rowCount() == 1
    shown = model.data(model.index(0, 3))
    real = members.search_members(community, "王䶮")[0]["id_number"]
    assert shown == real[:6] + "*" * 8 + real[-4:]
    model.mask = False
    assert model.data(model.index(0, 3)) == real


def test_sorting_by_birth_date(community):
    model = ViewModel(community, views.MEMBERS)
    model.sort(2, Qt.SortOrder.AscendingOrder)
    first = [model.data(model.index(r, 2)) for r in range(300)]
    assert first == sorted(first)


def test_overdue_orders_are_highlighted(community):
    model = ViewModel(community, views.ORDERS)
    model.styler = overdue_styler(demo.REFERENCE_DAY.isoformat())
    overdue = orders.list_orders(community, overdue_only=True,
                                 today=demo.REFERENCE_DAY.isoformat())
    assert overdue
    rows = {model.row_id(r): r for r in range(model.rowCount())}
    row = rows[overdue[0]["id"]]
    assert model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole) == OVERDUE
    done = next(r for r in range(model.rowCount()) if model.row_dict(r)["state"] == "已评价")
    assert model.data(model.index(done, 0), Qt.ItemDataRole.BackgroundRole) is None


def test_drop_moves_a_building_and_refuses_wrong_levels(ledger):
    model = GridModel(ledger)
    other = grid.add_node(ledger, ledger.nodes["丽景社区"], "紫金小区")
    model.reload()
    building = ledger.nodes["3号楼"]
    data = QMimeData()
    data.setData(MIME, str(building).encode())
    errors = []
    model.move_failed.connect(errors.append)
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, model.index_of(other))
    assert grid.get_node(ledger, building)["parent_id"] == other
    assert model.parent(model.index_of(building)) == model.index_of(other)
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, model.index_of(ledger.nodes["丽景社区"]))
    assert errors and "只能放在小区之下" in errors[0]
    assert grid.get_node(ledger, building)["parent_id"] == other
    assert model.flags(model.index_of(ledger.nodes["丽景社区"])) & Qt.ItemFlag.ItemIsDragEnabled == \
        Qt.ItemFlag.NoItemFlags


def test_grid_counts_follow_members(ledger, ids):
    members.add_member(ledger, name="李娜", id_number=ids(), residence_node_id=ledger.nodes["1单元"])
    model = GridModel(ledger)
    index = model.index_of(ledger.nodes["杨树小区"])
    assert model.data(index.siblingAtColumn(4)) == "1"
