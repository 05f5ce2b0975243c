"""Selecting a grid node filters every register: each page says so with the count it hides
("7 / 366，已按网格筛选") and one click clears the filter on all of them."""

from __future__ import annotations

from db import members, orders
from desktop.ui.app import build_window, ui_settings


def test_every_register_shows_the_grid_filter_and_clears_it_in_one_click(qtbot, ledger, ids):
    for i in range(5):
        members.add_member(ledger, name=f"一单元{i}", id_number=ids(),
                           residence_node_id=ledger.nodes["1单元"])
    for i in range(2):
        members.add_member(ledger, name=f"二单元{i}", id_number=ids(),
                           residence_node_id=ledger.nodes["2单元"])
    orders.add_order(ledger, title="修水管", node_id=ledger.nodes["1单元"])
    orders.add_order(ledger, title="换灯泡", node_id=ledger.nodes["2单元"])
    window = build_window(ledger, ui_settings())
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(window.keys.index("members"))
    page = window.pages["members"]
    assert not page.grid_bar.isVisibleTo(page)
    assert page.count_label.text() == "共 7 条"

    window.filter_by_node(ledger.nodes["2单元"], "2单元")  # what the 网格 page does
    assert page.model.rowCount() == 2
    assert page.grid_bar.isVisibleTo(page)
    assert page.grid_chip.text() == "网格：2单元"
    assert page.grid_note.text() == "显示 2 / 7 条，已按网格筛选"
    assert page.count_label.text() == "共 2 / 7 条，已按网格筛选（2单元）"
    window.nav.setCurrentRow(window.keys.index("orders"))  # a page built after the choice
    order_page = window.pages["orders"]
    assert order_page.grid_bar.isVisibleTo(order_page)
    assert order_page.grid_note.text() == "显示 1 / 2 条，已按网格筛选"

    order_page.grid_clear.click()  # one click, on any page, clears it everywhere
    for p in (page, order_page):
        assert not p.grid_bar.isVisibleTo(p)
    assert page.count_label.text() == "共 7 条" and order_page.count_label.text() == "共 2 条"
    assert window.node_filter == (None, "")
