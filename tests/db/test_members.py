import pytest

from db import members
from db.errors import DuplicateMemberError, ValidationError


def add(ledger, ids, **kw):
    values = {"name": "赵玉茹", "id_number": ids(), "mobile": "13912345678",
              "residence_node_id": ledger.nodes["1单元"]} | kw
    return members.add_member(ledger, **values)


def test_add_derives_gender_birth_and_pinyin(ledger, ids):
    number = ids(birth="19850304", seq=122)
    member = members.get_member(ledger, add(ledger, ids, id_number=number.lower()))
    assert member["gender"] == "女"
    assert member["birth_date"] == "1985-03-04"
    assert member["name_initials"] == "zyr"
    assert member["status"] == "在册"
    assert member["rev"] == 1 and len(member["uuid"]) == 36


def test_gender_contradicting_id_is_refused(ledger, ids):
    with pytest.raises(ValidationError, match="性别：与身份证号不符"):
        add(ledger, ids, id_number=ids(seq=122), gender="男")


def test_duplicate_id_refused_naming_existing_member(ledger, ids):
    number = ids()
    add(ledger, ids, id_number=number, name="赵玉茹")
    with pytest.raises(DuplicateMemberError, match="该党员已报到，不能重复报到.*赵玉茹") as err:
        add(ledger, ids, id_number=number, name="赵玉如")
    assert err.value.existing_name == "赵玉茹"


def test_member_who_moved_out_can_report_again(ledger, ids):
    number = ids()
    first = add(ledger, ids, id_number=number)
    members.transfer_out(ledger, first)
    second = add(ledger, ids, id_number=number)
    assert second != first
    with pytest.raises(DuplicateMemberError):
        members.update_member(ledger, first, status="在册")


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "姓名：不能为空"),
    ("mobile", "12345", "手机号码"),
    ("join_date", "2024-02-30", "入党日期"),
    ("status", "休眠", "状态：应为"),
    ("household_reason", "其他", "联系户类别"),
    ("household_phone", "abc", "联系户电话"),
])
def test_bad_fields_name_the_field(ledger, ids, field, value, message):
    with pytest.raises(ValidationError, match=message):
        add(ledger, ids, **{field: value})


def test_residence_must_be_building_or_cell(ledger, ids):
    with pytest.raises(ValidationError, match="居住网格：应选到楼院或单元.*小区"):
        add(ledger, ids, residence_node_id=ledger.nodes["杨树小区"])
    assert add(ledger, ids, residence_node_id=ledger.nodes["3号楼"])


def test_join_date_before_birth_refused(ledger, ids):
    with pytest.raises(ValidationError, match="早于出生日期"):
        add(ledger, ids, id_number=ids(birth="19900101"), join_date="1985-07-01")


def test_update_revalidates_and_bumps_revision(ledger, ids):
    member_id = add(ledger, ids)
    assert members.update_member(ledger, member_id, mobile="139 1234 5678") is False
    assert members.update_member(ledger, member_id, room="301")
    assert members.get_member(ledger, member_id)["rev"] == 2
    with pytest.raises(ValidationError, match="手机号码"):
        members.update_member(ledger, member_id, mobile="1")
    male = ids(seq=121)
    members.update_member(ledger, member_id, id_number=male)
    assert members.get_member(ledger, member_id)["gender"] == "男"


def test_search_by_name_initials_pinyin_id_tail_and_phone(ledger, ids):
    zhao = add(ledger, ids, name="赵玉茹", mobile="13912345678")
    wang = add(ledger, ids, name="王䶮", mobile="13800001111")
    add(ledger, ids, name="张三", mobile="13700002222")
    tail = members.get_member(ledger, wang)["id_number"][-4:]

    def found(text):
        return [m["id"] for m in members.search_members(ledger, text)]

    assert found("zyr") == [zhao]
    assert found("ZYR") == [zhao]
    assert found("zhaoyu") == [zhao]
    assert found("玉茹") == [zhao]
    assert found("䶮") == [wang]
    assert wang in found(tail)
    assert found("0001111") == [wang]
    assert found("不存在的人") == []


def test_list_filters_by_grid_subtree_and_status(ledger, ids):
    a = add(ledger, ids, residence_node_id=ledger.nodes["1单元"])
    b = add(ledger, ids, residence_node_id=ledger.nodes["2单元"], name="李娜")
    members.transfer_out(ledger, b)
    assert [m["id"] for m in members.list_members(ledger, node_id=ledger.nodes["1单元"])] == [a]
    assert members.count_members(ledger, node_id=ledger.nodes["3号楼"]) == 1
    assert members.count_members(ledger, node_id=ledger.nodes["3号楼"], status=None) == 2
    assert members.count_members(ledger, status="转出") == 1


def test_delete_is_tombstone_and_frees_the_id(ledger, ids):
    number = ids()
    member_id = add(ledger, ids, id_number=number)
    members.delete_member(ledger, member_id)
    assert ledger.scalar("SELECT deleted FROM members WHERE id = ?", (member_id,)) == 1
    assert members.search_members(ledger, "zyr") == []
    assert add(ledger, ids, id_number=number)
