"""The grid as a tree: parent links that go round in a circle, and levels that do not follow
their parent's. Pure functions over node -> parent maps, so that the ledger check (`baodao
check`, local ids) and the exchange import (uuids) walk the grid the same way.

A cycle must be found before anything follows the parent links: the recursive queries that
build a node's path (cards, call sheets, compliance) never end on one. Every walk here visits
each node once, so a cycle costs nothing more than a tree."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from .grid import LEVEL_NAMES

K = TypeVar("K", bound=Hashable)

SELF_PARENT = "上级网格不能是它自己"


def cycles(parents: Mapping[K, K | None]) -> list[list[K]]:
    """Every cycle of parent links, each as its nodes in parent order (a node that is its own
    parent is a cycle of one). A parent missing from the map ends a walk (not a cycle)."""
    walk_of: dict[K, int] = {}
    found: list[list[K]] = []
    for walk, start in enumerate(parents, start=1):
        if start in walk_of:
            continue
        path: list[K] = []
        node: K | None = start
        while node is not None and node in parents and node not in walk_of:
            walk_of[node] = walk
            path.append(node)
            node = parents[node]
        if node is not None and walk_of.get(node) == walk:
            found.append(path[path.index(node):])
    return found


def below_cycles(parents: Mapping[K, K | None], found: list[list[K]]) -> set[K]:
    """Nodes not in a cycle whose chain of parents runs into one (their path never reaches
    the 街道 root either)."""
    verdict: dict[K, bool] = {node: True for cycle in found for node in cycle}
    for start in parents:
        path: list[K] = []
        seen: set[K] = set()
        node: K | None = start
        while node is not None and node in parents and node not in verdict and node not in seen:
            seen.add(node)
            path.append(node)
            node = parents[node]
        result = bool(node is not None and verdict.get(node, False))
        for item in path:
            verdict[item] = result
    in_cycles = {node for cycle in found for node in cycle}
    return {node for node, bad in verdict.items() if bad and node not in in_cycles}


def cycle_reason(size: int) -> str:
    if size == 1:
        return SELF_PARENT
    return f"上级网格绕成了循环（{size}个网格互为上级），网格必须是从街道到单元的一棵树"


BELOW_CYCLE = "它的上级网格绕成了循环，从这里向上找不到街道党工委"


def level_name(level: int) -> str:
    return f"第{level}级（{LEVEL_NAMES[level]}）" if level in LEVEL_NAMES else f"第{level}级"


def level_reason(level: object, parent_level: object | None, has_parent: bool) -> str | None:
    """Why a node's level does not fit, or None. parent_level None with has_parent: the parent
    is unknown here, so only the level's range is checked."""
    if level.__class__ is not int or level not in LEVEL_NAMES:
        return f"层级应为1到5之间的整数（1街道党工委……5单元），实际为{level}"
    assert isinstance(level, int)
    if not has_parent:
        if level != 1:
            return f"没有上级网格的只能是街道党工委（第1级），这里是{level_name(level)}"
        return None
    if parent_level.__class__ is not int or parent_level not in LEVEL_NAMES:
        return None  # the parent's own row carries that problem
    assert isinstance(parent_level, int)
    if parent_level >= 5:
        return "上级是单元（第5级），单元是网格的最末一级，不能再有下级"
    if level != parent_level + 1:
        return (f"上级是{level_name(parent_level)}，本网格应为{level_name(parent_level + 1)}，"
                f"实际为{level_name(level)}")
    return None


def problems(nodes: Mapping[K, tuple[K | None, object]]) -> dict[K, str]:
    """node -> reason for every node in a cycle, below one, or with a level that is not its
    parent's plus one (a root: level 1). nodes: node -> (parent, level)."""
    parents = {node: parent for node, (parent, _level) in nodes.items()}
    found = cycles(parents)
    out: dict[K, str] = {}
    for cycle in found:
        for node in cycle:
            out[node] = cycle_reason(len(cycle))
    for node in below_cycles(parents, found):
        out[node] = BELOW_CYCLE
    for node, (parent, level) in nodes.items():
        if node in out:
            continue
        parent_level = nodes[parent][1] if parent is not None and parent in nodes else None
        reason = level_reason(level, parent_level, parent is not None)
        if reason:
            out[node] = reason
    return out
