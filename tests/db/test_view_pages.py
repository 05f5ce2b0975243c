"""The registers read one page at a time (db.views.rows with limit/offset). A page near the end
is read backwards from the end, and every page first takes its ids in order: each page must be
exactly the slice of the full listing, whatever the sort, the direction or a search."""

from __future__ import annotations

import pytest

from db import members, views


@pytest.fixture
def crowd(ledger, ids):
    names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨勇", "赵敏", "黄磊", "周丽", "吴刚"]
    for i in range(57):  # ties on names and birth years: the id breaks them
        members.add_member(ledger, name=names[i % len(names)], id_number=ids(),
                           residence_node_id=ledger.nodes["1单元" if i % 3 else "2单元"],
                           report_date=f"2025-0{1 + i % 9}-1{i % 10}")
    return ledger


@pytest.mark.parametrize("sort,descending,text", [
    ("", False, ""), ("name", True, ""), ("birth_date", False, ""), ("report_date", True, ""),
    ("residence", False, ""), ("", False, "王"),
])
def test_every_page_is_the_slice_of_the_whole_listing(crowd, sort, descending, text):
    query = views.Query(text=text, sort=sort, descending=descending)
    total = views.count(crowd, views.MEMBERS, query)
    whole = views.rows(crowd, views.MEMBERS, query, mask=True)
    assert len(whole) == total and total > 0
    for size in (7, 20):
        for offset in range(0, total + size, size):
            page = views.rows(crowd, views.MEMBERS, query, offset, size, mask=True, total=total)
            assert page == whole[offset:offset + size], (size, offset)


@pytest.mark.parametrize("sort,descending", [("birth_date", False), ("work_unit_name", True),
                                             ("", False)])
def test_a_column_sort_read_as_slices_of_its_ordered_ids(crowd, sort, descending):
    query = views.Query(sort=sort, descending=descending)
    whole = views.rows(crowd, views.MEMBERS, query, mask=True)
    order = views.ordered_ids(crowd, views.MEMBERS, query, mask=True)
    assert order == [row[0] for row in whole]
    for offset in range(0, len(order), 9):
        assert views.rows_of(crowd, views.MEMBERS, order[offset:offset + 9]) == \
            whole[offset:offset + 9]
