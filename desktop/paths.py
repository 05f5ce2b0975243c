"""Where the app keeps its files: the user's data folder by platform convention."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "Baodao"


def data_dir() -> Path:
    override = os.environ.get("BAODAO_HOME")
    path = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_ledger() -> Path:
    return data_dir() / "台账.baodao.db"


def backup_folder() -> Path:
    """Where the app keeps its backups (taken before imports, restores and upgrades, daily)."""
    return data_dir() / "备份"


def demo_ledger() -> Path:
    return data_dir() / "演示台账-丽景社区.baodao.db"


def resources_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "resources"
