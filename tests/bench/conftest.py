"""Benchmarks print their figures; they are not part of the default test run.

Run: .venv/bin/python -m pytest tests/bench -s -o python_files="bench_*.py"
The city ledger is built once per session into BAODAO_BENCH_DIR (default: a temp folder)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def city_path() -> Path:
    folder = Path(os.environ.get("BAODAO_BENCH_DIR") or tempfile.mkdtemp(prefix="baodao-bench-"))
    path = folder / "city.db"
    if not path.exists():
        from db import demo

        demo.generate(path, "city").close()
    return path
