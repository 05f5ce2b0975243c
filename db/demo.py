"""Seeded demo ledgers shaped like the seeds: a community, a street office, a whole city.

The same seed and profile always give the same ledger (uuids and timestamps come from the RNG
and a fixed reference date). Rows are written in bulk for speed, with the same derived fields
(pinyin keys, points entries) the live operations would have made."""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import demo_data as D
from . import orders as order_rules
from .activities import KINDS as ACTIVITY_KINDS
from .ledger import Ledger
from .opening import open_ledger
from .pinyin import name_keys
from .points import activity_delta, activity_reason, order_deltas, order_reasons
from .posts import SEVEN
from .settings import DEFAULTS
from .validate import id_checksum_char


@dataclass(frozen=True)
class Profile:
    streets: int
    communities: int
    compounds: int
    buildings: int
    cells: int
    units: int
    members: int
    claims: int
    activities: int
    orders: int


PROFILES = {
    "tiny": Profile(1, 1, 2, 4, 10, 6, 60, 70, 30, 40),
    "community": Profile(1, 1, 8, 32, 160, 60, 1500, 1850, 480, 900),
    "street": Profile(1, 9, 54, 170, 1400, 420, 12000, 14800, 4600, 7900),
    "city": Profile(8, 40, 124, 355, 3242, 2023, 44000, 54000, 17000, 29000),
}
REFERENCE_DAY = dt.date(2026, 11, 20)  # "today" of every demo ledger
FIRST_DAY = dt.date(2025, 1, 1)

Progress = Callable[[str, float], None]


class _Gen:
    def __init__(self, ledger: Ledger, seed: int, profile: Profile):
        self.L = ledger
        self.rng = random.Random(seed)
        self.p = profile
        self.office = str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))
        self.clock = dt.datetime(2025, 1, 1, 8, 0, 0)
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.rule = DEFAULTS["points_rules"]

    # -- primitives ---------------------------------------------------------------------------
    def uuid(self) -> str:
        return str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))

    def sync(self) -> tuple[str, str, str, int, str, int]:
        self.clock += dt.timedelta(seconds=self.rng.randint(1, 40))
        stamp = self.clock.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        return (self.uuid(), stamp, stamp, 1, self.office, 0)

    def bulk(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        cols = (*columns, "uuid", "created_at", "updated_at", "rev", "office", "deleted")
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        self.L.conn.executemany(sql, [(*row, *self.sync()) for row in rows])

    def day(self, start: dt.date = FIRST_DAY, end: dt.date = REFERENCE_DAY) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def name(self) -> str:
        surname = self.rng.choices(D.SURNAMES, weights=D.SURNAME_WEIGHTS[:len(D.SURNAMES)])[0]
        if self.rng.random() < 0.004:
            return surname + self.rng.choice(D.RARE_GIVEN)
        given = self.rng.choice(D.GIVEN)
        if self.rng.random() < 0.6:
            given += self.rng.choice(D.GIVEN)
        return surname + given

    def phone(self) -> str:
        while True:
            number = self.rng.choice(("13", "15", "18", "17")) + str(self.rng.randint(0, 9)) \
                + f"{self.rng.randint(0, 99999999):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def id_number(self) -> str:
        while True:
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=self.rng.randint(0, 40 * 365))
            first17 = (self.rng.choice(D.REGION_CODES) + birth.strftime("%Y%m%d")
                       + f"{self.rng.randint(0, 999):03d}")
            number = first17 + id_checksum_char(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def branch(self, unit_name: str) -> str:
        base = unit_name
        for suffix in ("机关党委", "党委", "党组", "党支部"):
            if base.endswith(suffix):
                base = base[: -len(suffix)]
                break
        base = re.sub(r"第\d+$", "", base)
        return f"{base}第{self.rng.randint(1, 5)}党支部"

    @staticmethod
    def spread(total: int, parents: int) -> list[int]:
        base, extra = divmod(total, parents)
        return [base + (1 if i < extra else 0) for i in range(parents)]

    # -- the ledger ---------------------------------------------------------------------------
    def grid(self) -> None:
        p, rng = self.p, self.rng
        rows: list[tuple[Any, ...]] = []
        self.nodes: dict[int, tuple[int, int | None, str]] = {}
        next_id = 1

        def add(parent: int | None, level: int, name: str, sort: int, leader: bool) -> int:
            nonlocal next_id
            node_id = next_id
            next_id += 1
            leader_name = self.name() if leader else ""
            leader_phone = self.phone() if leader else ""
            branch = f"{name}临时党支部" if level == 3 else ""
            rows.append((node_id, parent, level, name, leader_name, leader_phone, branch, sort))
            self.nodes[node_id] = (level, parent, name)
            return node_id

        streets = [add(None, 1, D.STREETS[i % len(D.STREETS)], i + 1, True)
                   for i in range(p.streets)]
        communities: list[int] = []
        for i, count in enumerate(self.spread(p.communities, p.streets)):
            for j in range(count):
                word = D.COMMUNITY_WORDS[len(communities) % len(D.COMMUNITY_WORDS)]
                suffix = "" if len(communities) < len(D.COMMUNITY_WORDS) else str(
                    len(communities) // len(D.COMMUNITY_WORDS) + 1)
                communities.append(add(streets[i], 2, f"{word}{suffix}社区", j + 1, True))
        compounds = []
        for i, count in enumerate(self.spread(p.compounds, p.communities)):
            for j in range(count):
                word = D.COMPOUND_WORDS[(i * 3 + j) % len(D.COMPOUND_WORDS)]
                compounds.append(add(communities[i], 3, f"{word}小区", j + 1, True))
        buildings = []
        for i, count in enumerate(self.spread(p.buildings, p.compounds)):
            buildings += [add(compounds[i], 4, f"{j + 1}号楼", j + 1, True) for j in range(count)]
        self.cells = []
        for i, count in enumerate(self.spread(p.cells, p.buildings)):
            self.cells += [add(buildings[i], 5, f"{j + 1}单元", j + 1, rng.random() < 0.9)
                           for j in range(count)]
        self.compounds, self.buildings = compounds, buildings
        self.bulk("grid_nodes", ("id", "parent_id", "level", "name", "leader_name",
                                 "leader_phone", "branch_name", "sort_order"), rows)

    def units(self) -> None:
        rng, names, rows = self.rng, set(), []
        item_rows = []
        pools = (("机关", D.ORGANS), ("事业", D.INSTITUTIONS), ("企业", D.COMPANIES))
        for unit_id in range(1, self.p.units + 1):
            category, pool = rng.choices(pools, weights=(5, 3, 2))[0]
            prefix = "" if category == "企业" else rng.choice(D.UNIT_PREFIXES)
            base = prefix + rng.choice(pool)
            suffix = "党委" if category != "机关" else rng.choice(("党组", "机关党委", "党支部"))
            name = base + (suffix if category != "企业" else "党支部")
            k = 2
            while name in names:
                name = f"{base}第{k}党支部"
                k += 1
            names.add(name)
            level = "市直" if prefix.startswith("衡水市") else ("区直" if prefix else "其他")
            report = self.day(dt.date(2023, 3, 1), dt.date(2026, 6, 30))
            signed = report + dt.timedelta(days=rng.randint(0, 30))
            rows.append((unit_id, name, category, level, self.name(), self.phone(),
                         report.isoformat(), rng.choice(self.compounds), rng.randint(5, 300),
                         signed.isoformat(), signed.isoformat(),
                         (signed + dt.timedelta(days=730)).isoformat(),
                         "共驻共建、资源共享、活动共办、实事共做", "在册" if rng.random() > 0.02
                         else "注销", name_keys(name)[0]))
            for kind, pool_, low, high in (("资源", D.RESOURCES, 1, 3), ("需求", D.NEEDS, 0, 2)):
                for title in rng.sample(pool_, rng.randint(low, high)):
                    item_rows.append((unit_id, kind, title, "", ""))
            for _ in range(rng.randint(0, 2)):
                item_rows.append((unit_id, "项目", rng.choice(D.ACTIVITY_TITLES["共建项目"]),
                                  rng.choice(("计划", "进行中", "已完成")), ""))
        self.unit_names = {r[0]: r[1] for r in rows}
        self.bulk("units", ("id", "name", "category", "level", "contact_name", "contact_phone",
                            "report_date", "paired_node_id", "member_count",
                            "agreement_signed_date", "agreement_start", "agreement_end",
                            "agreement_content", "status", "name_initials"), rows)
        self.bulk("unit_items", ("unit_id", "kind", "title", "status", "done_date"), item_rows)

    def members(self) -> None:
        rng, rows = self.rng, []
        for member_id in range(1, self.p.members + 1):
            name = "王䶮" if member_id == 7 else self.name()
            number = self.id_number()
            birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
            gender = "男" if int(number[16]) % 2 else "女"
            unit_id = rng.randint(1, self.p.units) if rng.random() < 0.85 else None
            unit_name = self.unit_names[unit_id] if unit_id else rng.choice(
                ("衡水市第三中学", "桃城区税务局", "衡水学院", "河北衡水农商银行"))
            join = dt.date.fromisoformat(birth) + dt.timedelta(days=rng.randint(18 * 365, 35 * 365))
            join = min(join, dt.date(2025, 6, 30))
            report = self.day(dt.date(2023, 1, 1), dt.date(2026, 9, 30))
            household = rng.random() < 0.3
            status = "在册" if rng.random() > 0.03 else rng.choice(("转出", "注销"))
            initials, full = name_keys(name)
            rows.append((
                member_id, name, gender, rng.choice(D.ETHNICITIES), number, birth, self.phone(),
                unit_id, unit_name, rng.choice(D.POSITIONS), self.branch(unit_name),
                join.isoformat(), rng.choice(self.cells), f"{rng.randint(1, 6)}0{rng.randint(1, 4)}",
                report.isoformat(), "、".join(rng.sample(D.SPECIALTIES, rng.randint(0, 2))),
                self.name() if household else "",
                f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}0{rng.randint(1, 4)}" if household else "",
                self.phone() if household else "",
                rng.choice(("老年", "残疾", "未成年", "困难")) if household else "",
                status, initials, full))
        self.live = [r[0] for r in rows if r[20] == "在册"]
        self.reported = {r[0]: dt.date.fromisoformat(r[14]) for r in rows}
        self.member_names = {r[0]: r[1] for r in rows}
        self.bulk("members", (
            "id", "name", "gender", "ethnicity", "id_number", "birth_date", "mobile",
            "work_unit_id", "work_unit_name", "position", "branch", "join_date",
            "residence_node_id", "room", "report_date", "specialties", "household_name",
            "household_address", "household_phone", "household_reason", "status",
            "name_initials", "name_pinyin"), rows)
        # Some cell leaders are members who live there.
        leaders = [(r[0], r[12]) for r in rows[: len(rows) // 10]]
        self.L.conn.executemany(
            "UPDATE grid_nodes SET leader_member_id = ?, leader_name = (SELECT name FROM members "
            "WHERE id = ?) WHERE id = ?", [(m, m, node) for m, node in leaders])

    def posts(self) -> None:
        rng = self.rng
        rows: list[tuple[Any, ...]] = []
        claim_rows: list[tuple[Any, ...]] = []
        post_id = 0
        communities = [n for n, v in self.nodes.items() if v[0] == 2]
        for community in communities:
            for category in (*SEVEN, *rng.sample(("自定义",) * 6, rng.randint(2, 5))):
                post_id += 1
                title = category + "岗" if category != "自定义" else rng.choice(D.CUSTOM_POSTS)
                rows.append((post_id, title, category, rng.randint(20, 120),
                             "" if rng.random() < 0.5 else rng.choice(D.SPECIALTIES), community))
        self.post_count = post_id
        seen: set[tuple[int, int]] = set()
        while len(claim_rows) < self.p.claims:
            key = (rng.randint(1, post_id), rng.choice(self.live))
            if key in seen:
                continue
            seen.add(key)
            first, last = dt.date(2024, 1, 1), dt.date(2026, 10, 31)
            claimed = self.day(first, last)
            # Claimed on or after the member's report date: the draw is stretched onto the
            # days left after it, not redrawn, so the RNG stream (and every later record)
            # stays as it was.
            start = max(first, self.reported[key[1]])
            claimed = start + (claimed - first) * (last - start).days // (last - first).days
            released = "" if rng.random() > 0.05 else (claimed + dt.timedelta(days=60)).isoformat()
            claim_rows.append((*key, claimed.isoformat(), released))
        self.bulk("posts", ("id", "name", "category", "capacity", "requirement", "node_id"), rows)
        self.bulk("post_claims", ("post_id", "member_id", "claimed_date", "released_date"),
                  claim_rows)

    def activities(self) -> None:
        rng = self.rng
        rows: list[tuple[Any, ...]] = []
        part_rows: list[tuple[Any, ...]] = []
        weights = (25, 30, 15, 8, 10, 4, 8)
        for activity_id in range(1, self.p.activities + 1):
            kind = rng.choices(ACTIVITY_KINDS, weights=weights)[0]
            date = self.day()
            verified = date < REFERENCE_DAY - dt.timedelta(days=10) or rng.random() < 0.3
            unit_id = rng.randint(1, self.p.units) if kind in ("共建项目", "联席会议") or \
                rng.random() < 0.3 else None
            title = rng.choice(D.ACTIVITY_TITLES[kind])
            node = rng.choice(self.compounds)
            verifier = rng.choice(D.VERIFIERS) if verified else ""
            vdate = (date + dt.timedelta(days=rng.randint(0, 5))).isoformat() if verified else ""
            count = rng.randint(2, 11) if kind != "联席会议" else rng.randint(1, 3)
            hours = rng.choice((1, 1.5, 2, 2, 3, 3, 4))
            # the record's times match the hours served; a 负责人 and a 记录人 as the rules ask
            start = rng.choice((8 * 60 + 30, 9 * 60, 14 * 60, 14 * 60 + 30, 19 * 60))
            end = start + int(hours * 60)
            leader, recorder = rng.sample(D.VERIFIERS, 2)
            rows.append((activity_id, date.isoformat(), kind, title, f"{self.nodes[node][2]}{title}",
                         node, self.nodes[node][2], unit_id, int(verified), verifier, vdate,
                         f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}",
                         leader, recorder))
            people = rng.sample(self.live, min(count, len(self.live)))
            if unit_id and kind == "共建项目":
                part_rows.append((activity_id, None, unit_id, hours))
            for member_id in people:
                part_rows.append((activity_id, member_id, None, hours))
        self.bulk("activities", ("id", "date", "kind", "title", "content", "node_id", "place",
                                 "unit_id", "verified", "verifier", "verified_date",
                                 "start_time", "end_time", "leader", "recorder"), rows)
        self.bulk("activity_participants", ("activity_id", "member_id", "unit_id", "hours"),
                  part_rows)
        # Points entries reference each participant's uuid, so read them back.
        entries = []
        for row in self.L.conn.execute(
                "SELECT p.member_id, p.unit_id, p.uuid, a.kind, a.title, a.date, p.hours "
                "FROM activity_participants p JOIN activities a ON a.id = p.activity_id "
                "WHERE a.verified = 1 ORDER BY p.id"):
            member_id, unit_id, source, kind, title, date, hours = row
            entries.append((member_id, unit_id, date, activity_delta(self.rule, kind, hours),
                            activity_reason(kind, title, hours), "activity", source))
        self.bulk("points_entries", ("member_id", "unit_id", "date", "delta", "reason",
                                     "source_kind", "source_uuid"), entries)

    def orders(self) -> None:
        rng, rows = self.rng, []
        states = ("待派单", "已派单", "已接单", "已完成", "已评价", "已取消")
        for order_id in range(1, self.p.orders + 1):
            kind = rng.choices(tuple(D.ORDER_TITLES), weights=(6, 3, 1))[0]
            title = rng.choice(D.ORDER_TITLES[kind])
            asked = self.day()
            state = rng.choices(states, weights=(4, 4, 4, 15, 68, 5))[0]
            if asked > REFERENCE_DAY - dt.timedelta(days=20) and state in ("已完成", "已评价"):
                state = rng.choice(("待派单", "已派单", "已接单"))
            due = asked + dt.timedelta(days=7)
            member = rng.choice(self.live) if rng.random() < 0.8 else None
            unit = None if member else rng.randint(1, self.p.units)
            step = [asked + dt.timedelta(days=i) for i in range(1, 5)]
            reached = states.index(state) if state != "已取消" else rng.randint(0, 2)
            assigned = reached >= 1
            rating = rng.choices(order_rules.RATINGS, weights=(85, 12, 3))[0] \
                if state == "已评价" else ""
            rows.append((
                order_id, kind, title,
                rng.choice(D.REQUESTER_SURNAMES) + rng.choice(("女士", "先生", "大爷", "阿姨")),
                self.phone(), f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}0{rng.randint(1, 4)}",
                rng.choice(self.buildings), state, asked.isoformat(), due.isoformat(),
                member if assigned else None, unit if assigned else None,
                step[0].isoformat() if reached >= 1 else "",
                step[1].isoformat() if reached >= 2 else "",
                step[2].isoformat() if reached >= 3 and state != "已取消" else "",
                rating, step[3].isoformat() if rating else "",
                "群众已自行解决" if state == "已取消" else ""))
        self.bulk("orders", (
            "id", "kind", "title", "requester_name", "requester_phone", "requester_address",
            "node_id", "state", "requested_date", "due_date", "assignee_member_id",
            "assignee_unit_id", "dispatched_date", "accepted_date", "completed_date", "rating",
            "rated_date", "cancel_reason"), rows)
        entries = []
        for member_id, unit_id, uuid, title, done_day, rating, rated_day in self.L.conn.execute(
                "SELECT assignee_member_id, assignee_unit_id, uuid, title, completed_date, rating, "
                "rated_date FROM orders WHERE state IN ('已完成', '已评价') ORDER BY id"):
            done, bonus = order_deltas(self.rule, rating)
            done_reason, rating_reason = order_reasons(title, rating)
            entries.append((member_id, unit_id, done_day, done, done_reason, "order", uuid))
            if bonus:
                entries.append((member_id, unit_id, rated_day, bonus, rating_reason, "rating",
                                uuid))
        self.bulk("points_entries", ("member_id", "unit_id", "date", "delta", "reason",
                                     "source_kind", "source_uuid"), entries)

    def consistent(self) -> None:
        """Nobody serves, takes an order or attends before reporting: a member's or unit's
        report date is moved back to its first service, order or meeting when that came
        earlier (a few days before it), and a member joined the party, at 18 or older, before
        reporting."""
        member_firsts = (
            "SELECT p.member_id, min(a.date) FROM activity_participants p JOIN activities a "
            "ON a.id = p.activity_id WHERE p.member_id IS NOT NULL GROUP BY 1",
            "SELECT member_id, min(claimed_date) FROM post_claims GROUP BY 1",
            "SELECT assignee_member_id, min(dispatched_date) FROM orders "
            "WHERE assignee_member_id IS NOT NULL AND dispatched_date != '' GROUP BY 1")
        unit_firsts = (
            "SELECT p.unit_id, min(a.date) FROM activity_participants p JOIN activities a "
            "ON a.id = p.activity_id WHERE p.unit_id IS NOT NULL GROUP BY 1",
            "SELECT unit_id, min(date) FROM activities WHERE unit_id IS NOT NULL GROUP BY 1",
            "SELECT t.unit_id, min(m.date) FROM meeting_attendees t JOIN meetings m "
            "ON m.id = t.meeting_id WHERE t.unit_id IS NOT NULL GROUP BY 1",
            "SELECT assignee_unit_id, min(dispatched_date) FROM orders "
            "WHERE assignee_unit_id IS NOT NULL AND dispatched_date != '' GROUP BY 1")
        for table, queries in (("members", member_firsts), ("units", unit_firsts)):
            first: dict[int, str] = {}
            for query in queries:
                for row_id, day in self.L.conn.execute(query):
                    first[row_id] = min(day, first.get(row_id, day))
            moved = []
            for row_id, report in self.L.conn.execute(f"SELECT id, report_date FROM {table}"):
                if row_id in first and first[row_id] < report:
                    # Deterministic, not drawn: the RNG stream stays as it was.
                    back = dt.date.fromisoformat(first[row_id]) - dt.timedelta(days=row_id % 9)
                    moved.append((back.isoformat(), row_id))
            self.L.conn.executemany(f"UPDATE {table} SET report_date = ? WHERE id = ?", moved)
        self.L.conn.execute(
            "UPDATE members SET join_date = date(report_date, '-1 month') "
            "WHERE join_date > date(report_date, '-1 month')")
        # Joined at 18 at the earliest (the draw counts 365-day years).
        self.L.conn.execute("UPDATE members SET join_date = date(birth_date, '+18 years') "
                            "WHERE join_date < date(birth_date, '+18 years')")

    def trainings_visits(self) -> None:
        """培训 and 表彰 after joining the party; 一联一帮 visits to the paired households,
        monthly from reporting (or June 2026) to the reference day, a few months missed."""
        rng = random.Random(self.rng.getrandbits(32))  # its own stream, drawn once
        people = self.L.conn.execute(
            "SELECT id, join_date, report_date, household_name FROM members "
            "WHERE status = '在册' ORDER BY id").fetchall()
        trainings, awards, visits = [], [], []
        for member_id, join, report, household in people:
            since = max(dt.date.fromisoformat(join), FIRST_DAY)
            for _ in range(rng.choice((0, 0, 0, 0, 1, 1, 2))):
                title, issuer, hours = rng.choice(D.TRAININGS)
                trainings.append((member_id, self.day(since).isoformat(), title, issuer, hours))
            if rng.random() < 0.06:
                title, issuer, level = rng.choice(D.AWARDS)
                awards.append((member_id, self.day(since).isoformat(), title, issuer, level))
            if not household:
                continue
            month = max(dt.date.fromisoformat(report), dt.date(2026, 6, 1)).replace(day=1)
            while month <= REFERENCE_DAY:
                last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) \
                    - dt.timedelta(days=1)
                first = max(month, dt.date.fromisoformat(report))
                if rng.random() < 0.8 and first <= min(last, REFERENCE_DAY):
                    visits.append((member_id, self.day(first, min(last, REFERENCE_DAY)).isoformat(),
                                   rng.choice(("上门",) * 5 + ("电话", "电话", "微信", "其他")),
                                   household, rng.choice(D.VISIT_NOTES)))
                month = last + dt.timedelta(days=1)
        self.bulk("trainings", ("member_id", "date", "title", "issuer", "hours"), trainings)
        self.bulk("awards", ("member_id", "date", "title", "issuer", "level"), awards)
        self.bulk("household_visits", ("member_id", "date", "way", "household_name", "note"),
                  visits)

    def meetings(self) -> None:
        rng, rows, attendees = self.rng, [], []
        meeting_id = 0
        for community in (n for n, v in self.nodes.items() if v[0] == 2):
            for quarter_start in (dt.date(2025, m, 15) for m in (1, 4, 7, 10)):
                meeting_id += 1
                rows.append((meeting_id, quarter_start.isoformat(),
                             f"{self.nodes[community][2]}{quarter_start.year}年"
                             f"第{(quarter_start.month + 2) // 3}季度联席会议",
                             f"{self.nodes[community][2]}党群服务中心", "共建项目推进、群众需求对接"))
                for unit_id in rng.sample(range(1, self.p.units + 1), min(5, self.p.units)):
                    attendees.append((meeting_id, unit_id))
        self.bulk("meetings", ("id", "date", "title", "place", "topics"), rows)
        self.bulk("meeting_attendees", ("meeting_id", "unit_id"), attendees)


def generate(path: str | Path, profile: str = "community", seed: int = 2026,
             progress: Progress | None = None) -> Ledger:
    """Write a demo ledger to path (which must not exist yet) and return it open."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists")
    ledger = open_ledger(path)
    gen = _Gen(ledger, seed, PROFILES[profile])
    steps = (("网格", gen.grid), ("报到单位", gen.units), ("在职党员", gen.members),
             ("服务岗位", gen.posts), ("活动纪实", gen.activities), ("群众需求", gen.orders),
             ("联席会议", gen.meetings), ("报到日期核对", gen.consistent),
             ("培训与走访", gen.trainings_visits))
    ledger.conn.execute("PRAGMA synchronous = OFF")  # a fresh file: nothing to lose yet
    try:
        with ledger.transaction():
            ledger.execute("UPDATE meta SET value = ? WHERE key = 'office_id'", (gen.office,))
            ledger.execute("UPDATE meta SET value = ? WHERE key = 'created_at'",
                           ("2025-01-01T08:00:00.000000Z",))
            ledger.office = gen.office
            for index, (label, step) in enumerate(steps):
                if progress:
                    progress(f"正在生成{label}…", index / len(steps))
                step()
            first = gen.nodes[1][2]
            community = next((v[2] for v in gen.nodes.values() if v[0] == 2), None)
            ledger.set_meta("street", first)
            ledger.set_meta("community" if PROFILES[profile].communities == 1 else "office_name",
                            (community or "") if PROFILES[profile].communities == 1 else first)
            if PROFILES[profile].communities == 1:
                ledger.set_meta("office_name", community or first)
            ledger.set_meta("demo_profile", profile)
    finally:
        ledger.conn.execute("PRAGMA synchronous = FULL")
    ledger.conn.execute("ANALYZE")
    if progress:
        progress("完成", 1.0)
    return ledger


__all__ = ["PROFILES", "REFERENCE_DAY", "generate"]
