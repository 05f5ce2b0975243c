"""Registering a unit finds the members who already wrote its name as free text; linking them
is one transaction."""

from __future__ import annotations

import pytest

from db import members, units
from db.errors import NotFoundError


@pytest.fixture
def scene(ledger, ids):
    def add(name, unit_text):
        return members.add_member(ledger, name=name, id_number=ids(), work_unit_name=unit_text)

    people = {
        "exact": add("王䶮", "衡水市第二人民医院党委"),
        "no suffix": add("李明", "衡水市第二人民医院"),
        "spaced": add("张华", " 衡水市第二人民医院 党委"),
        "other": add("赵强", "衡水市第二人民医院分院"),
        "blank": add("钱芳", ""),
    }
    unit = units.add_unit(ledger, name="衡水市第二人民医院党委", category="事业")
    return ledger, unit, people


def test_loose_members_are_found_by_the_units_name(scene):
    ledger, unit, people = scene
    found = {r["id"] for r in members.loose_for_unit(ledger, unit)}
    assert found == {people["exact"], people["no suffix"], people["spaced"]}


def test_linking_sets_the_unit_and_its_name_and_is_audited(scene):
    from db import audit

    ledger, unit, people = scene
    chosen = [people["exact"], people["no suffix"]]
    assert members.link_to_unit(ledger, unit, chosen) == 2
    for member_id in chosen:
        m = members.get_member(ledger, member_id)
        assert (m["work_unit_id"], m["work_unit_name"]) == (unit, "衡水市第二人民医院党委")
    assert [m["id"] for m in members.list_members(ledger, unit_id=unit)] == \
        [people["no suffix"], people["exact"]]
    assert {r["id"] for r in members.loose_for_unit(ledger, unit)} == {people["spaced"]}
    assert audit.entries(ledger)[0]["target"] == "报到单位 衡水市第二人民医院党委：2名党员"


def test_linking_is_all_or_nothing(scene):
    ledger, unit, people = scene
    with pytest.raises(NotFoundError):
        members.link_to_unit(ledger, unit, [people["exact"], 99999])
    assert members.get_member(ledger, people["exact"])["work_unit_id"] is None
