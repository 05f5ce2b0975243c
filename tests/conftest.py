from __future__ import annotations

import os
import random

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The app's data folder (backups, logs, its private temp folder) for the whole test run: never
# the real user's.
os.environ.setdefault("BAODAO_HOME", __import__("tempfile").mkdtemp(prefix="baodao-test-home-"))

from db import grid, open_ledger, settings  # noqa: E402
from db.validate import id_checksum_char  # noqa: E402


def make_id(birth: str = "19800101", region: str = "131102", seq: int = 123) -> str:
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + id_checksum_char(first17)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(request, monkeypatch):
    """New password hashes at scrypt N=2^10 instead of 2^17 (0.3 s each) in every test but
    those that ask for `real_kdf`. Hashes name their cost, so checks stay right either way."""
    if "real_kdf" not in request.fixturenames:
        from db import kdf

        monkeypatch.setattr(kdf, "SCRYPT_N", 2 ** 10)


@pytest.fixture
def real_kdf():
    """Password hashes at the production cost (see _cheap_password_hashes)."""
    from db import kdf

    return kdf


@pytest.fixture
def ids():
    """A supply of distinct valid ID numbers."""
    rng = random.Random(7)
    used: set[str] = set()

    def next_id(birth: str | None = None, seq: int | None = None) -> str:
        while True:
            number = make_id(birth or f"19{rng.randint(50, 99)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}",
                             seq=seq if seq is not None else rng.randint(0, 999))
            if number not in used:
                used.add(number)
                return number

    return next_id


@pytest.fixture
def ledger(tmp_path):
    """A fresh community ledger with a small grid: 杨树小区/3号楼/1单元 and 2单元."""
    led = open_ledger(tmp_path / "ledger.db")
    community = settings.initialise(led, "河东街道", "丽景社区")
    compound = grid.add_node(led, community, "杨树小区", leader_name="周强")
    building = grid.add_node(led, compound, "3号楼", leader_name="李四", leader_phone="13800138000")
    grid.add_node(led, building, "1单元", leader_name="张三")
    grid.add_node(led, building, "2单元")
    led.nodes = {n["name"]: n["id"] for n in grid.list_nodes(led)}  # type: ignore[attr-defined]
    yield led
    led.close()


@pytest.fixture(scope="session")
def fonts():
    """The CJK fonts the cards and letters print with (a TrueType one must be installed)."""
    from desktop.cards.fonts import FontSet

    found = FontSet.discover()
    assert not found.cid, "tests need a TrueType CJK font (fonts-wqy-microhei or similar)"
    return found
