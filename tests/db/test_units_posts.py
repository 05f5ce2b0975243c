import pytest

from db import members, posts, units
from db.errors import RuleError, ValidationError


def test_unit_with_agreement_lists_and_paired_compound(ledger):
    unit_id = units.add_unit(
        ledger, name="衡水市第二人民医院党委", category="事业", level="市直", contact_name="刘医生",
        contact_phone="0318-2123456", paired_node_id=ledger.nodes["杨树小区"],
        agreement_signed_date="2026.3.1", agreement_start="2026-03-01", agreement_end="2028-02-28",
        agreement_content="义诊、健康讲座")
    units.add_item(ledger, unit_id, "资源", "义诊")
    units.add_item(ledger, unit_id, "资源", "健康讲座")
    units.add_item(ledger, unit_id, "项目", "楼道照明改造", status="进行中")
    unit = units.get_unit(ledger, unit_id)
    assert unit["agreement_signed_date"] == "2026-03-01"
    assert [i["title"] for i in units.list_items(ledger, unit_id, "资源")] == ["义诊", "健康讲座"]
    assert units.list_units(ledger, node_id=ledger.nodes["杨树小区"])[0]["id"] == unit_id
    assert units.list_units(ledger, text="hs")[0]["id"] == unit_id


def test_unit_rules(ledger):
    units.add_unit(ledger, name="桃城区财政局党组")
    with pytest.raises(ValidationError, match="已经报到"):
        units.add_unit(ledger, name="桃城区财政局党组")
    with pytest.raises(ValidationError, match="包联小区：应选择一个小区"):
        units.add_unit(ledger, name="某单位", paired_node_id=ledger.nodes["3号楼"])
    with pytest.raises(ValidationError, match="单位类别"):
        units.add_unit(ledger, name="某单位", category="部队")
    with pytest.raises(ValidationError, match="协议截止日期：早于"):
        units.add_unit(ledger, name="某单位", agreement_start="2026-01-01",
                       agreement_end="2025-01-01")


def test_unit_with_members_cannot_be_deleted_and_rename_follows(ledger, ids):
    unit_id = units.add_unit(ledger, name="桃城区财政局党组")
    member_id = members.add_member(ledger, name="李娜", id_number=ids(), work_unit_id=unit_id)
    assert members.get_member(ledger, member_id)["work_unit_name"] == "桃城区财政局党组"
    with pytest.raises(RuleError, match="1名党员"):
        units.delete_unit(ledger, unit_id)
    before = members.get_member(ledger, member_id)
    units.update_unit(ledger, unit_id, name="桃城区财政局机关党委")
    after = members.get_member(ledger, member_id)
    assert after["work_unit_name"] == "桃城区财政局机关党委"
    assert after["rev"] == before["rev"] + 1  # the change travels to other offices


def test_claim_and_release_posts(ledger, ids):
    member_id = members.add_member(ledger, name="李娜", id_number=ids())
    post_id = posts.add_post(ledger, name="义诊岗", category="生活服务", capacity=5)
    claim_id = posts.claim_post(ledger, post_id, member_id, "2026-03-01")
    with pytest.raises(RuleError, match="已认领"):
        posts.claim_post(ledger, post_id, member_id)
    assert posts.list_posts(ledger)[0]["claimed"] == 1
    with pytest.raises(RuleError, match="1名党员认领"):
        posts.delete_post(ledger, post_id)
    posts.release_claim(ledger, claim_id, "2026-06-01")
    assert posts.member_claims(ledger, member_id) == []
    assert posts.member_claims(ledger, member_id, active_only=False)[0]["released_date"] == "2026-06-01"
    assert posts.claim_post(ledger, post_id, member_id)  # may claim again
    with pytest.raises(ValidationError, match="岗位类别"):
        posts.add_post(ledger, name="x", category="杂务")


def test_claims_refused_for_disabled_post_or_inactive_member(ledger, ids):
    member_id = members.add_member(ledger, name="李娜", id_number=ids())
    post_id = posts.add_post(ledger, name="法律援助岗", category="法律援助")
    posts.update_post(ledger, post_id, status="停用")
    with pytest.raises(RuleError, match="已停用"):
        posts.claim_post(ledger, post_id, member_id)
    posts.update_post(ledger, post_id, status="启用")
    members.transfer_out(ledger, member_id)
    with pytest.raises(RuleError, match="转出"):
        posts.claim_post(ledger, post_id, member_id)


def test_claim_over_capacity_is_kept_and_says_so(ledger, ids):
    post_id = posts.add_post(ledger, name="治安巡逻岗", category="治安民调", capacity=2)
    people = [members.add_member(ledger, name=f"巡逻员{i}", id_number=ids(),
                                 residence_node_id=ledger.nodes["1单元"]) for i in range(3)]
    first, second = (posts.claim_post(ledger, post_id, m, "2026-03-01") for m in people[:2])
    assert not first.over_capacity and not second.over_capacity and second.warning == ""
    third = posts.claim_post(ledger, post_id, people[2], "2026-03-02")
    assert third.over_capacity and posts.claim_count(ledger, post_id) == 3
    assert third.warning == "岗位“治安巡逻岗”已认领3人，超过拟认领数2人（超出1人）"
    posts.release_claim(ledger, int(third), "2026-04-01")  # still an ordinary claim id
    unlimited = posts.add_post(ledger, name="文明劝导岗", category="文明创建")  # capacity 0
    assert not posts.claim_post(ledger, unlimited, people[0]).over_capacity


def test_one_node_holds_one_live_post_of_a_name(ledger):
    node = ledger.nodes["杨树小区"]
    posts.add_post(ledger, name="心理咨询岗", category="帮扶助困", node_id=node)
    with pytest.raises(ValidationError, match="岗位名称：该网格已有同名岗位“心理咨询岗”") as caught:
        posts.add_post(ledger, name=" 心理咨询岗 ", category="帮扶助困", node_id=node)
    assert caught.value.field == "name"
    other = posts.add_post(ledger, name="心理咨询岗", category="帮扶助困",
                           node_id=ledger.nodes["3号楼"])  # another node: fine
    with pytest.raises(ValidationError, match="同名岗位"):
        posts.update_post(ledger, other, node_id=node)
    community = posts.add_post(ledger, name="心理咨询岗", category="帮扶助困")  # no node
    with pytest.raises(ValidationError, match="社区已有同名岗位"):
        posts.add_post(ledger, name="心理咨询岗", category="帮扶助困")
    posts.update_post(ledger, community, capacity=3)  # editing other fields is fine
    posts.delete_post(ledger, community)
    posts.add_post(ledger, name="心理咨询岗", category="帮扶助困")  # a deleted one does not count
