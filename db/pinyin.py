"""Pinyin keys for searching names by initials (zyr → 赵玉茹) or full pinyin."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Surnames whose reading differs from the character's common one.
_SURNAMES = {
    "单": ["shan"], "曾": ["zeng"], "解": ["xie"], "仇": ["qiu"], "区": ["ou"], "查": ["zha"],
    "朴": ["piao"], "盖": ["ge"], "尉": ["yu"], "乐": ["yue"], "缪": ["miao"], "翟": ["zhai"],
    "覃": ["qin"], "召": ["shao"], "繁": ["po"], "员": ["yun"],
    "长孙": ["zhang", "sun"], "万俟": ["mo", "qi"],
}


@lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str]:
    """(initials, full) in lower case; characters pypinyin does not know are skipped."""
    name = name.strip()
    if not name:
        return "", ""
    syllables: list[str] = []
    rest = name
    for surname in (name[:2], name[:1]):
        if surname in _SURNAMES:
            syllables.extend(_SURNAMES[surname])
            rest = name[len(surname):]
            break
    syllables.extend(
        s for s in lazy_pinyin(rest, style=Style.NORMAL, errors="ignore", v_to_u=False) if s
    )
    syllables = [s.lower() for s in syllables if s.isascii() and s.isalpha()]
    return "".join(s[0] for s in syllables), "".join(syllables)
