"""Field validation and normalisation. Pure functions, no database.

Each checker returns the normalised value or raises ValidationError naming the field."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .errors import ValidationError

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 3-4 digits starting with 0, number 7-8 digits, optional extension.
_LANDLINE = re.compile(r"^(0\d{2,3})?[2-9]\d{6,7}(-\d{1,6})?$")


def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (１２３ → 123)."""
    return unicodedata.normalize("NFKC", text)


def clean(value: object) -> str:
    """A cell or form value as a stripped string; None becomes ''."""
    if value is None:
        return ""
    return str(value).strip()


def required(value: object, field: str, label: str) -> str:
    text = clean(value)
    if not text:
        raise ValidationError(field, label, "不能为空")
    return text


def one_of(value: object, choices: tuple[str, ...], field: str, label: str,
           allow_blank: bool = False) -> str:
    text = clean(value)
    if not text and allow_blank:
        return ""
    if text not in choices:
        raise ValidationError(field, label, f"应为 {'、'.join(choices)} 之一，实际为“{text}”")
    return text


def id_checksum_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: str  # YYYY-MM-DD
    gender: str  # 男 / 女


def parse_id_number(value: object, field: str = "id_number", label: str = "身份证号",
                    today: dt.date | None = None) -> IdInfo:
    """Check a mainland resident ID (GB 11643-1999) and derive birth date and gender."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        # Excel stores long digit strings as doubles: the last digits are already gone.
        raise ValidationError(field, label, "单元格是数字格式，精度已丢失，请把该列设为文本后重新填写")
    text = nfkc(clean(value)).replace(" ", "").upper()
    if not text:
        raise ValidationError(field, label, "不能为空")
    if len(text) != 18:
        raise ValidationError(field, label, f"应为18位，实际为{len(text)}位")
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise ValidationError(field, label, "前17位应为数字，最后一位为数字或X")
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError(field, label, f"出生日期“{text[6:14]}”不是有效日期") from None
    today = today or dt.date.today()
    if birth.year < 1900 or birth > today:
        raise ValidationError(field, label, f"出生日期“{birth.isoformat()}”不合理")
    if id_checksum_char(text[:17]) != text[17]:
        raise ValidationError(field, label, "校验位不正确，请核对号码是否抄错")
    gender = "男" if int(text[16]) % 2 == 1 else "女"
    return IdInfo(text, birth.isoformat(), gender)


def normalize_phone(value: object, field: str = "phone", label: str = "联系电话",
                    allow_blank: bool = True, mobile_only: bool = False) -> str:
    """A mobile (11 digits) or a landline (area code + number, optional extension)."""
    text = nfkc(clean(value))
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    text = re.sub(r"[\s()（）]", "", text)
    text = text.replace("—", "-").replace("－", "-")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not text:
        if allow_blank:
            return ""
        raise ValidationError(field, label, "不能为空")
    digits_only = text.replace("-", "")
    if _MOBILE.match(digits_only):
        return digits_only
    if mobile_only:
        raise ValidationError(field, label, f"“{text}”不是有效的11位手机号码")
    parts = text.split("-")
    if len(parts) >= 2 and parts[0].startswith("0"):
        candidate = parts[0] + parts[1] + ("-" + parts[2] if len(parts) > 2 else "")
    else:
        candidate = text
    if len(parts) <= 3 and _LANDLINE.match(candidate):
        return text
    raise ValidationError(field, label, f"“{text}”不是有效的手机或固定电话号码")


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERN = re.compile(r"^(\d{4})[-./年](\d{1,2})月?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object, field: str = "date", label: str = "日期",
               allow_blank: bool = True, allow_month: bool = False) -> str:
    """Dates as people type them, to ISO YYYY-MM-DD.

    Accepts 2024-05-01, 2024.5.1, 2024/5/1, 2024年5月1日, 20240501, full-width digits, Excel
    serial numbers and date/datetime objects. With allow_month, 2024.5 means the 1st."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | int) and not isinstance(value, bool):
        serial = float(value)
        if 20000101 <= serial <= 21001231 and serial.is_integer():
            value = str(int(serial))
        elif 1 <= serial < 80000:
            return (EXCEL_EPOCH + dt.timedelta(days=int(serial))).isoformat()
        else:
            raise ValidationError(field, label, f"“{value}”不是有效日期")
    text = nfkc(clean(value)).replace(" ", "")
    if not text:
        if allow_blank:
            return ""
        raise ValidationError(field, label, "不能为空")
    text = text.split("T")[0] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text
    text = re.sub(r"\d{1,2}:\d{2}(:\d{2})?$", "", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            break
    else:
        match = _MONTH_PATTERN.match(text) if allow_month else None
        if not match:
            raise ValidationError(field, label, f"“{text}”不是可识别的日期，应写成 2024-05-01")
        year, month, day = int(match.group(1)), int(match.group(2)), 1
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise ValidationError(field, label, f"“{text}”不是有效日期") from None
    if not 1900 <= date.year <= 2100:
        raise ValidationError(field, label, f"“{text}”年份不合理")
    return date.isoformat()


def parse_number(value: object, field: str, label: str, minimum: float | None = 0,
                 maximum: float | None = None, allow_blank: bool = True,
                 default: float | None = None) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_blank:
            return default
        raise ValidationError(field, label, "不能为空")
    try:
        number = float(nfkc(str(value)).strip())
    except ValueError:
        raise ValidationError(field, label, f"“{value}”不是数字") from None
    if minimum is not None and number < minimum:
        raise ValidationError(field, label, f"不能小于{minimum:g}")
    if maximum is not None and number > maximum:
        raise ValidationError(field, label, f"不能大于{maximum:g}")
    return number


def mask_id(number: str) -> str:
    """First 6 and last 4 digits visible: 131102********1234."""
    if len(number) != 18:
        return number
    return number[:6] + "*" * 8 + number[-4:]


def birth_year(birth_date: str | None) -> str:
    """A birth date as shown beside a masked ID number: the year only (1984-08-13 → 1984年).

    The 6+4 mask hides exactly the eight birth-date digits. With the year shown the check digit
    still leaves some thirty dates; with the month, only two or three."""
    text = str(birth_date or "")
    return f"{text[:4]}年" if len(text) >= 4 and text[:4].isdigit() else ""


def mask_phone(phone: str) -> str:
    """A mobile as 138****5678; a landline keeps its area code: 0318-***2345 (it was masked
    like a mobile, 031****2345, which reads as neither)."""
    digits = phone.replace("-", "")
    if digits.startswith("0") and digits.isdigit() and len(digits) >= 10:
        area, dash, local = phone.partition("-")
        if not (dash and area.isdigit() and local.isdigit()):
            cut = 3 if digits[1] in "12" else 4  # 010 and 02x are three-digit area codes
            area, dash, local = digits[:cut], "", digits[cut:]
        return area + dash + "*" * (len(local) - 4) + local[-4:]
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    if len(phone) > 4:
        return "*" * (len(phone) - 4) + phone[-4:]
    return phone


_ID_IN_TEXT = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def scrub(text: str) -> str:
    """Any 18-digit ID number or 11-digit mobile inside a text, masked (for logs, reports and
    error workbooks)."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0).upper()), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
