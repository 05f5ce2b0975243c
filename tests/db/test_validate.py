import pytest

from db.errors import ValidationError
from db.validate import (
    mask_id,
    normalize_phone,
    parse_date,
    parse_id_number,
)
from tests.conftest import make_id

VALID = make_id("19800101", seq=123)  # 13110219800101123X-style: checksum computed


def test_valid_id_derives_birth_and_gender():
    info = parse_id_number(VALID)
    assert info.birth_date == "1980-01-01"
    assert info.gender == "男"  # 17th digit 3 is odd
    assert parse_id_number(make_id("19900215", seq=124)).gender == "女"


@pytest.mark.parametrize("position", range(18))
def test_changing_any_digit_fails(position):
    digit = VALID[position]
    for replacement in "0123456789X":
        if replacement == digit or (replacement == "X" and position != 17):
            continue
        bad = VALID[:position] + replacement + VALID[position + 1:]
        with pytest.raises(ValidationError) as err:
            parse_id_number(bad)
        assert err.value.label == "身份证号"


def test_published_sample_id():
    info = parse_id_number("11010519491231002X")
    assert (info.birth_date, info.gender) == ("1949-12-31", "女")


def test_lower_x_and_full_width_are_normalised():
    first17 = "11010519491231002"
    assert parse_id_number(first17 + "x").number == first17 + "X"
    full = "".join(chr(ord(c) + 0xFEE0) for c in VALID)
    assert parse_id_number(full).number == VALID
    assert parse_id_number(f" {VALID[:6]} {VALID[6:]} ").number == VALID


@pytest.mark.parametrize("bad, reason", [
    ("", "不能为空"),
    ("1311021980010112", "应为18位"),
    ("13110219800101123A", "最后一位"),
    ("131102198002301234", "不是有效日期"),
    ("131102230001011234", "不合理"),
])
def test_bad_ids_name_the_reason(bad, reason):
    with pytest.raises(ValidationError, match=reason):
        parse_id_number(bad)


def test_numeric_id_cell_is_rejected_as_lost_precision():
    with pytest.raises(ValidationError, match="精度已丢失"):
        parse_id_number(1.31102198001011e17)
    with pytest.raises(ValidationError, match="精度已丢失"):
        parse_id_number(131102198001011234)


@pytest.mark.parametrize("raw, expected", [
    ("13912345678", "13912345678"),
    ("139 1234 5678", "13912345678"),
    ("+86 139-1234-5678", "13912345678"),
    ("１３９１２３４５６７８", "13912345678"),
    ("0318-2123456", "0318-2123456"),
    ("03182123456", "03182123456"),
    ("2123456", "2123456"),
    ("010-87654321-123", "010-87654321-123"),
    (13912345678.0, "13912345678"),
    ("", ""),
])
def test_phones(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["1391234567", "23912345678", "abc", "12345", "0318-12"])
def test_bad_phones(raw):
    with pytest.raises(ValidationError, match="联系电话"):
        normalize_phone(raw)


def test_mobile_only_refuses_landline():
    with pytest.raises(ValidationError, match="手机"):
        normalize_phone("0318-2123456", mobile_only=True)


@pytest.mark.parametrize("raw", [
    "2024-05-01", "2024.5.1", "2024/5/1", "2024年5月1日", "20240501", "２０２４年５月１日",
    45413, 45413.0, "2024-05-01 08:30", "2024-05-01T08:30:00",
])
def test_dates_in_every_common_form(raw):
    assert parse_date(raw) == "2024-05-01"


@pytest.mark.parametrize("raw", ["2024-02-30", "2024-13-01", "明天", "1800-01-01", "5/1"])
def test_bad_dates(raw):
    with pytest.raises(ValidationError, match="日期"):
        parse_date(raw, label="报到日期")


def test_month_only_when_allowed():
    assert parse_date("2024.5", allow_month=True) == "2024-05-01"
    with pytest.raises(ValidationError):
        parse_date("2024.5")


def test_mask_id_shows_6_and_4():
    masked = mask_id(VALID)
    assert masked[:6] == VALID[:6] and masked[-4:] == VALID[-4:]
    assert sum(c.isdigit() for c in masked) == 10


def test_a_landline_keeps_its_area_code_when_masked():
    from db.validate import mask_phone

    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0318-2012345") == "0318-***2345"
    assert mask_phone("03182012345") == "0318***2345"
    assert mask_phone("010-87654321") == "010-****4321"
