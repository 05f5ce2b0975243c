"""A masked 身份证号 cannot be turned back into the full number from what the same output shows.

The 6+4 mask (370102********9187) hides exactly the eight birth-date digits; the visible ones
and the GB 11643 check digit leave about 4,200 possible dates since 1900. Every output that
shows a masked number is read back as its reader would (PDF text, workbook cells, the rows of
a 网格员's SQL and of the member table), and each masked number is rebuilt from the other
fields of the same card or row: a birth date, month or year, an age, and every other date
(nobody is born after their own 入党日期 or 报到日期, and joining the Party takes 18 years).
A rebuild succeeds when exactly one number remains; none may.

The same rebuild on a row that shows the birth date (the old cards and exports) gives the number
back every time: that is checked too, so the test cannot pass by finding nothing."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from db import access, demo, open_ledger, users, views
from db.errors import ValidationError
from db.grid import SUBTREE_CTE
from db.validate import ID_CHECK_CHARS, ID_WEIGHTS, id_checksum_char

MASKED = re.compile(r"(?<![0-9*])(\d{6})\*{8}(\d{3}[\dX])(?![0-9*])")
FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
YEAR = re.compile(r"(\d{4})\s*年?")
BIRTH_LABELS = ("出生日期", "出生年月", "出生年份", "出生年", "birth_date")
AGE_LABELS = ("年龄", "age")
JOIN_LABELS = ("入党日期", "join_date")
# Labels read off a card's text (pypdf gives "出生年份 1971年 入党日期 1994-03-12 …").
CARD_FIELD = re.compile(r"(出生日期|出生年月|出生年份|年龄|入党日期|报到日期|打印日期)[：:\s]*"
                        r"(\d{4}(?:\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*日?)?)?年?|\d+岁?)")
TODAY = dt.date.today()
WORKER, WORKER_PW = "李网格", "wangge-2026"
SECRETARY, SECRETARY_PW = "王书记", "shuji-2026"

# What a reader knows of a birth date is always an interval: a day, a month, a year, an age,
# "before this date".
Span = tuple[dt.date, dt.date]
ANY: Span = (dt.date(1900, 1, 1), TODAY)


# -- the rebuild ---------------------------------------------------------------------------

@functools.cache
def _dates_by_residue() -> dict[int, list[dt.date]]:
    """Every birth date a valid number can hold, by its digits' weighted sum mod 11 (sorted)."""
    weights = ID_WEIGHTS[6:14]
    out: dict[int, list[dt.date]] = defaultdict(list)
    day, step = ANY[0], dt.timedelta(days=1)
    while day <= TODAY:
        digits = day.strftime("%Y%m%d")
        out[sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 11].append(day)
        day += step
    return out


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _date(text: str) -> dt.date | None:
    match = FULL_DATE.fullmatch(text.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _meet(a: Span, b: Span) -> Span:
    return max(a[0], b[0]), min(a[1], b[1])


def clues(fields: Iterable[tuple[str, Any]], as_of: dt.date = TODAY) -> Span:
    """What a reader learns about the birth date from the (label, value) pairs beside it."""
    span = ANY
    for label, raw in fields:
        value = "" if raw is None else str(raw).strip()
        if not value:
            continue
        if any(key in label for key in BIRTH_LABELS):
            if (day := _date(value)) is not None:
                span = _meet(span, (day, day))
            elif match := MONTH.fullmatch(value):
                y, m = int(match.group(1)), int(match.group(2))
                last = (dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1))
                span = _meet(span, (dt.date(y, m, 1), last))
            elif match := YEAR.fullmatch(value):
                y = int(match.group(1))
                span = _meet(span, (dt.date(y, 1, 1), dt.date(y, 12, 31)))
            else:
                raise AssertionError(f"{label}“{value}”: a birth value the rebuild cannot read")
            continue
        if any(key in label for key in AGE_LABELS):
            age = int(re.sub(r"\D", "", value))
            newest, oldest = _years_before(as_of, age), _years_before(as_of, age + 1)
            span = _meet(span, (oldest + dt.timedelta(days=1), newest))
            continue
        day = _date(value)
        if day is None:
            continue
        # Born before any other date shown; 入党 takes 18 years (17: ledgers are not exact).
        bound = _years_before(day, 17) if any(key in label for key in JOIN_LABELS) else day
        span = _meet(span, (ANY[0], bound))
    return span


def candidates(masked: str, span: Span = ANY, limit: int | None = None) -> list[str]:
    """Every full number the masked one can be, given what is known of the birth date (only
    counted, as blanks, when more than `limit`)."""
    match = MASKED.fullmatch(masked)
    assert match, masked
    area, tail = match.groups()
    known = sum(int(c) * w for c, w in zip(area, ID_WEIGHTS[:6], strict=True)) + sum(
        int(c) * w for c, w in zip(tail[:3], ID_WEIGHTS[14:17], strict=True))
    dates = _dates_by_residue()[(ID_CHECK_CHARS.index(tail[3]) - known) % 11]
    found = dates[bisect.bisect_left(dates, span[0]):bisect.bisect_right(dates, span[1])]
    if limit is not None and len(found) > limit:
        return [""] * len(found)
    return [f"{area}{d:%Y%m%d}{tail}" for d in found]


def rebuilt(units: Iterable[tuple[str, Span, str]]) -> list[str]:
    """The numbers that come back: exactly one candidate for the masked number."""
    out = []
    for masked, span, _text in units:
        found = candidates(masked, span, limit=1)
        if len(found) == 1:
            out.append(found[0])
    return out


# -- reading outputs back ------------------------------------------------------------------

Unit = tuple[str, Span, str]  # a masked number, what is known of the date, the text beside


def card_units(text: str) -> list[Unit]:
    """Each masked number on one card with every labelled value on that card."""
    fields = CARD_FIELD.findall(text)
    found = [m.group(0) for m in MASKED.finditer(text)]
    return [(number, clues(fields), text) for number in found]


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def sheet_rows(path: Path, header_row: int | None = None) -> list[dict[str, Any]]:
    """Each row of each sheet as header → value; the header is the first row naming a field."""
    out = []
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        start = header_row if header_row is not None else next(
            (i for i, r in enumerate(rows) if any(str(c) in ("姓名", "身份证号") for c in r)), 0)
        if not rows:
            continue
        headers = [str(h) for h in rows[start]]
        out += [dict(zip(headers, r, strict=False)) for r in rows[start + 1:]]
    return out


def row_units(rows: Iterable[dict[str, Any]]) -> list[Unit]:
    units = []
    for row in rows:
        shown = [(str(k), v) for k, v in row.items()]
        for _label, value in shown:
            for match in MASKED.finditer(str(value or "")):
                units.append((match.group(0), clues(shown), str(row)))
    return units


def truth_leaks(text: str, numbers: set[str]) -> list[str]:
    """Full numbers whose birth date or month is written somewhere in this text."""
    flat = re.sub(r"\s+", "", text)
    out = []
    for number in numbers:
        y, m, d = number[6:10], number[10:12], number[12:14]
        forms = [f"{y}{m}{d}", f"{y}-{m}", f"{y}/{m}", f"{y}.{m}", f"{y}年{m}月",
                 f"{y}年{int(m)}月"]
        if any(form in flat for form in forms) or number in flat:
            out.append(number)
    return out


# -- the ledger and its outputs ------------------------------------------------------------

@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A community demo ledger with a 书记 and a 网格员 for one 小区."""
    folder = tmp_path_factory.mktemp("masks")
    path = folder / "community.db"
    demo.generate(path, "community")
    with open_ledger(path, create=False) as ledger:
        compounds = [r[0] for r in ledger.conn.execute(
            "SELECT id FROM grid_nodes WHERE level = 3 AND deleted = 0 ORDER BY id LIMIT 2")]
        truth: dict[str, set[str]] = defaultdict(set)
        for (number,) in ledger.conn.execute("SELECT id_number FROM members"):
            truth[number[:6] + "*" * 8 + number[-4:]].add(number)
        users.add_user(ledger, SECRETARY, SECRETARY_PW)
        users.add_user(ledger, WORKER, WORKER_PW, role="网格员", node_id=compounds[0])
    access.remember_session(path, None)
    yield path, compounds, truth, folder
    access.remember_session(path, None)


def _login(path: Path, name: str, password: str):
    ledger = open_ledger(path, create=False)
    users.login(ledger, name, password)
    return ledger


@pytest.fixture(scope="module")
def outputs(office):
    """(what, [(masked number, clues)], full text) for every output showing masked numbers,
    and the per-member folders of cards (info, record, feedback) for the cross-card check."""
    from desktop.cards import PrintJob, print_cards
    from desktop.cards.reports import write_callsheet
    from desktop.sync.export import export_ledger
    from desktop.sync.xlsx_write import write_table

    path, compounds, _truth, folder = office
    shown: list[tuple[str, list[Unit]]] = []
    folders: dict[str, dict[str, str]] = defaultdict(dict)  # who: name -> text of all cards

    for who, (user, password), node in (("书记", (SECRETARY, SECRETARY_PW), compounds[1]),
                                        ("网格员", (WORKER, WORKER_PW), compounds[0])):
        ledger = _login(path, user, password)
        # cards for the first 30 members of the 小区 (reading PDFs back is the slow part)
        picked = [r[0] for r in ledger.conn.execute(
            f"{SUBTREE_CTE} SELECT id FROM members WHERE residence_node_id IN (SELECT id FROM sub) "
            "AND deleted = 0 AND status = '在册' ORDER BY id LIMIT 30", (node,))]
        try:
            for kind, period, full in (("info", None, False), ("info", None, True),
                                       ("record", "2026H1", False),
                                       ("feedback", "2026H1", False)):
                if full and who == "书记":
                    continue  # the full card shows the full number: nothing is masked
                out = folder / f"{who}-{kind}-{int(full)}.pdf"
                print_cards(ledger, PrintJob(kind, period, full_id=full, member_ids=picked), out)
                for page in pdf_pages(out):
                    shown.append((f"{who} {kind} card", card_units(page)))
                    name = re.search(r"姓名\s*(\S+)", page)
                    if name:
                        texts = folders[who]
                        texts[name.group(1)] = texts.get(name.group(1), "") + "\n" + page
            pdf, xlsx, _ = write_callsheet(ledger, node, folder / f"{who}-callsheet")
            for page in pdf_pages(pdf):
                shown.append((f"{who} call sheet", card_units(page)))
            shown.append((f"{who} call sheet rows", row_units(sheet_rows(xlsx))))
            # 导出当前列表: as listed, and sorted by 出生日期 either way
            for sort, descending in (("", False), ("birth_date", False), ("birth_date", True)):
                for mask in (True, False) if who == "网格员" else (True,):
                    query = views.Query(node_id=node, sort=sort, descending=descending)
                    result = views.export_rows(ledger, views.MEMBERS, query, mask)
                    assert result is not None
                    target = folder / f"{who}-list-{sort}-{int(descending)}-{int(mask)}.xlsx"
                    write_table(target, "在职党员", *result)
                    rows = sheet_rows(target)
                    shown.append((f"{who} list {sort or 'default'}", row_units(rows)))
                    if sort:
                        shown.append((f"{who} list sorted by birth (order)", order_units(rows)))
            if who == "书记":
                target = folder / "masked-export.xlsx"
                export_ledger(ledger, target, mask=True)
                book = CalamineWorkbook.from_path(str(target))
                rows = book.get_sheet_by_name("在职党员").to_python()
                table = [dict(zip(map(str, rows[0]), r, strict=False)) for r in rows[1:]]
                shown.append(("export --mask", row_units(table)))
            else:
                sql = [dict(r) for r in ledger.query("SELECT * FROM members")]
                shown.append(("网格员 SQL members", row_units(sql)))
                ordered = [dict(r) for r in ledger.query(
                    "SELECT * FROM members ORDER BY birth_date, id_number")]
                shown.append(("网格员 SQL ordered by birth_date", order_units(ordered)))
        finally:
            ledger.close()
            access.remember_session(path, None)
    return shown, folders


def order_units(rows: list[dict[str, Any]]) -> list[Unit]:
    """A list sorted by birth date tells each row's date lies between its neighbours': each
    row's candidates narrowed by the order (one pass each way suffices on a chain)."""
    units = []
    for row in rows:
        found = [m.group(0) for v in row.values() for m in MASKED.finditer(str(v or ""))]
        if found:
            units.append((found[0], clues([(str(k), v) for k, v in row.items()])))
    sets = [_dates(n, span) for n, span in units]
    firsts = [s[0] for s in sets if s]
    if len(firsts) > 1 and firsts[0] > firsts[-1]:  # a descending list: read it backwards
        return order_units(rows[::-1])
    # each row's earliest date no earlier than the row above's earliest, then each row's
    # latest no later than the row below's latest
    low, high = [ANY[0]] * len(sets), [ANY[1]] * len(sets)
    for i, dates in enumerate(sets):
        at = bisect.bisect_left(dates, low[i - 1] if i else ANY[0])
        low[i] = dates[at] if at < len(dates) else ANY[1]
    for i in range(len(sets) - 1, -1, -1):
        dates = sets[i]
        at = bisect.bisect_right(dates, high[i + 1] if i + 1 < len(sets) else ANY[1])
        high[i] = dates[at - 1] if at else ANY[0]
    spans = list(zip(low, high, strict=True))
    return [(n, _meet(span, narrowed), "") for (n, span), narrowed in zip(units, spans,
                                                                           strict=True)]


def _dates(masked: str, span: Span) -> list[dt.date]:
    return [_birth(c) for c in candidates(masked, span)]


def _birth(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


# -- the checks ----------------------------------------------------------------------------

def test_no_masked_number_comes_back_from_any_output(outputs, office):
    shown, _folders = outputs
    _path, _nodes, truth, _folder = office
    totals: dict[str, int] = defaultdict(int)
    back: list[tuple[str, str]] = []
    for what, units in shown:
        totals[what] += len(units)
        # an order attack only counts when it lands on the true number
        found = rebuilt(units)
        if "(order)" in what or "ordered" in what:
            found = [n for n in found if n in truth[n[:6] + "*" * 8 + n[-4:]]]
        back += [(what, n) for n in found]
        for masked, _span, text in units:
            for number in truth_leaks(text, truth[masked]):
                back.append((what + " (date written out)", number))
    # the outputs were read: masked numbers on every kind that carries them
    for what in ("书记 info card", "export --mask", "书记 list default"):
        assert totals[what] >= 30, (what, totals[what])
    # On a ledger with users a 网格员 is shown the stored form, the region only (db.vault):
    # no 6+4 mask at all, so nothing of the hidden digits to rebuild.
    for what in ("网格员 info card", "网格员 list default", "网格员 SQL members"):
        assert totals[what] == 0, (what, totals[what])
    for what in ("书记 record card", "书记 feedback card", "书记 call sheet"):
        assert totals[what] == 0, what  # no ID on these at all
    assert back == [], back[:10]


def test_a_members_cards_filed_together_give_nothing_back(outputs):
    """一账三卡 sit in one folder: the masked info card read with the record and feedback
    cards of the same member."""
    _shown, folders = outputs
    checked = 0
    for who, texts in folders.items():
        units = [u for text in texts.values() for u in card_units(text)]
        checked += len(units)
        assert rebuilt(units) == [], who
    assert checked >= 30  # the 书记's cards (a 网格员's show the region only: no unit)


def test_the_rebuild_finds_numbers_when_the_birth_date_is_shown():
    """The old cards and exports: a masked number beside its birth date comes back, every
    one; beside the year only (or an age) none does."""
    rng = random.Random(11643)
    numbers = []
    for _ in range(300):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 40 * 365))
        first17 = f"{rng.choice(['370102', '131102', '110105'])}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        numbers.append(first17 + id_checksum_char(first17))

    def masked(n: str) -> str:
        return n[:6] + "*" * 8 + n[-4:]

    def row(number: str, birth: str) -> dict[str, str]:
        return {"姓名": "某", "身份证号": masked(number), "出生日期": birth,
                "入党日期": f"{int(number[6:10]) + 25}-07-01"}

    full = row_units(row(n, f"{n[6:10]}-{n[10:12]}-{n[12:14]}") for n in numbers)
    assert sorted(rebuilt(full)) == sorted(numbers)  # every one, and the right one
    card = (f"姓名 某 性别 男 民族 汉族\n出生日期 {n[6:10]}-{n[10:12]}-{n[12:14]} 入党日期 "
            f"{int(n[6:10]) + 22}-01-01\n身份证号 {masked(n)} 手机号码 139****0000" for n in numbers[:40])
    assert len(rebuilt(u for text in card for u in card_units(text))) == 40
    # A month alone leaves two or three numbers (every check residue falls on at least two
    # days of any month): why the cards show the year, which leaves about thirty.
    month = [len(candidates(u[0], u[1])) for u in row_units(
        row(n, f"{n[6:10]}-{n[10:12]}") for n in numbers)]
    assert min(month) >= 2 and max(month) <= 4
    aged = rebuilt(row_units(
        {"身份证号": masked(n), "年龄": str(_age(n)), "入党日期": f"{int(n[6:10]) + 25}-07-01"}
        for n in numbers))
    assert len(aged) == 0  # an age alone is a year or two: like the year
    assert rebuilt(row_units(row(n, f"{n[6:10]}年") for n in numbers)) == []
    assert min(len(candidates(u[0], u[1])) for u in row_units(
        row(n, f"{n[6:10]}年") for n in numbers)) >= 10


def test_an_order_by_birth_date_gives_numbers_back_when_it_follows_the_full_date():
    """A long list sorted by the full birth date while showing only the year narrows each
    row between its neighbours: the check the listed orders are put through."""
    rng = random.Random(7)
    numbers = []
    for _ in range(400):
        birth = dt.date(1984, 1, 1) + dt.timedelta(days=rng.randint(0, 365))
        first17 = f"370102{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        numbers.append(first17 + id_checksum_char(first17))
    numbers.sort(key=lambda n: n[6:14])
    rows = [{"身份证号": n[:6] + "*" * 8 + n[-4:], "出生年份": f"{n[6:10]}年"} for n in numbers]
    assert len(set(rebuilt(order_units(rows))) & set(numbers)) > 20
    rng.shuffle(rows)  # the order the masked lists use within a year tells nothing
    assert len(set(rebuilt(order_units(rows))) & set(numbers)) == 0


def _age(number: str) -> int:
    birth = _birth(number)
    return TODAY.year - birth.year - ((TODAY.month, TODAY.day) < (birth.month, birth.day))


def test_a_list_sorted_by_birth_date_does_not_order_by_the_hidden_date(office):
    """Sorting the masked member list by 出生日期 sorts by the year shown: within a year the
    order says nothing of the date (sorted by the full date, a street's 12,000 members come
    back almost all through their neighbours)."""
    path, _nodes, _truth, _folder = office
    ledger = _login(path, SECRETARY, SECRETARY_PW)
    try:
        born = dict(ledger.conn.execute("SELECT id, birth_date FROM members"))
        for mask, most in ((True, 0.75), (False, 1.0)):
            ids = [r[0] for r in views.rows(ledger, views.MEMBERS,
                                            views.Query(sort="birth_date"), mask=mask)]
            pairs = [(born[a], born[b]) for a, b in zip(ids, ids[1:], strict=False)
                     if born[a][:4] == born[b][:4]]
            in_order = sum(a <= b for a, b in pairs) / len(pairs)
            assert len(pairs) > 500
            assert in_order <= most if mask else in_order == 1.0
    finally:
        ledger.close()
        access.remember_session(path, None)


def test_the_member_table_and_details_in_the_app_give_nothing_back(office, qtbot):
    """The register as a 网格员 (full phones shown, IDs still masked) and as a 书记 (masked)
    sees it: the table's cells under its headings, and the 党员详情 facts."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFormLayout

    from desktop.ui.detail import MemberDetail
    from desktop.ui.dialogs import MemberDialog
    from desktop.ui.models import ViewModel

    path, nodes, _truth, _folder = office
    units: list[Unit] = []
    for (user, password), node, mask in (((WORKER, WORKER_PW), nodes[0], False),
                                         ((SECRETARY, SECRETARY_PW), nodes[1], True)):
        ledger = _login(path, user, password)
        try:
            model = ViewModel(ledger, views.MEMBERS)
            model.mask = mask
            model.query.node_id = node
            model.sort([c.key for c in views.MEMBERS.columns].index("birth_date"))
            heads = [model.headerData(c, Qt.Orientation.Horizontal)
                     for c in range(model.columnCount())]
            assert "出生年份" in heads
            rows = [{h: model.data(model.index(r, c)) for c, h in enumerate(heads)}
                    for r in range(model.rowCount())]
            units += row_units(rows) + order_units(rows)
            for member_id in [model.row_id(r) for r in range(5)]:
                dialog = MemberDetail(ledger, member_id, None, show_full_id=not mask)
                qtbot.addWidget(dialog)
                form = dialog.tabs.widget(0).layout()
                assert isinstance(form, QFormLayout)
                pairs = {form.itemAt(i, QFormLayout.ItemRole.LabelRole).widget().text():
                         form.itemAt(i, QFormLayout.ItemRole.FieldRole).widget().text()
                         for i in range(form.rowCount())}
                assert "出生年份：" in pairs
                units += row_units([pairs])
            if user == WORKER:  # editing: the masked number is no error, and no date shows
                edit = MemberDialog(ledger, model.row_id(0))
                qtbot.addWidget(edit)
                assert edit.error.isHidden() and "打码" in edit.derived.text()
                units += card_units(edit.derived.text() + " 身份证号 "
                                    + edit.form.fields["id_number"].get())
        finally:
            ledger.close()
            access.remember_session(path, None)
    assert len(units) > 300  # the 书记's rows and forms; a 网格员's show the region only
    assert rebuilt(units) == []


def test_a_grid_worker_edits_a_member_without_touching_or_probing_the_birth_date(office,
                                                                                  tmp_path):
    """Saving a member through the masked view keeps the full birth date in the ledger, and
    the 入党日期 check answers by the year shown, so trying dates cannot find the day."""
    from db import members

    path, _nodes, _truth, _folder = office
    copy = tmp_path / "copy.db"
    from db.backup import copy_ledger

    copy_ledger(path, copy)  # through SQLite: a plain file copy misses what is still in the WAL
    ledger = _login(copy, WORKER, WORKER_PW)
    try:
        member = ledger.one("SELECT * FROM members WHERE status = '在册' ORDER BY id LIMIT 1")
        full = ledger.scalar("SELECT birth_date FROM main.members WHERE id = ?", (member["id"],))
        assert member["birth_date"] == full[:4] + "年" and "*" in member["id_number"]
        members.update_member(ledger, member["id"], room="909")
        assert ledger.scalar("SELECT birth_date || room FROM main.members WHERE id = ?",
                             (member["id"],)) == full + "909"
        year = int(full[:4])
        answers = set()
        for day in (f"{year}-01-01", f"{year}-06-30", f"{year}-12-31"):
            try:
                members.update_member(ledger, member["id"], join_date=day)
                answers.add("taken")
            except ValidationError as error:
                answers.add(str(error))
        assert len(answers) == 1  # the same answer whatever the day inside the year
    finally:
        ledger.close()
        access.remember_session(copy, None)
