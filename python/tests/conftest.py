"""Shared helpers: the repository's test vectors (tests/vectors/*.json, shared by every
language) and the tamper function used after each known answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def load(name: str) -> dict[str, Any]:
    with open(VECTORS / name, encoding="utf-8") as f:
        doc: dict[str, Any] = json.load(f)
    return doc


def cases(name: str, key: str = "cases") -> list[Any]:
    """pytest params for one array of a vector file, each with its note (or index) as id."""
    import pytest

    rows = load(name)[key]
    return [pytest.param(row, id=f"{key}[{i}]:{row.get('note', '')}"[:80]) for i, row in enumerate(rows)]


def tampered(code: str) -> list[str]:
    """Every code one bit-flip of one digit away (kept a digit), other than `code` itself."""
    out = []
    for i, ch in enumerate(code):
        for bit in (1, 2, 4):
            digit = (int(ch) ^ bit) % 10
            if digit != int(ch):
                out.append(code[:i] + str(digit) + code[i + 1 :])
    return out
