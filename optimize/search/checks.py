"""Checks of study files: the error they raise and the shared validators (each names the key and the allowed range)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from hrsnn import ConfigError
from hrsnn.model.seeds import SEED_MAX


class StudyError(ConfigError):
    """A bad study file or trial store; the message names the key and what is allowed."""


def with_config(table: Any, folder: Path, where: str) -> Any:
    """A table of dotted updates whose ``config = "file.toml"`` key (relative to ``folder``) stands for that file's
    operating point (``hrsnn.model.config.operating_point``: every field it sets outside stdp), the table's other
    keys on top."""
    if not isinstance(table, dict) or "config" not in table:
        return table
    from hrsnn.model.config import operating_point
    rest = {k: v for k, v in table.items() if k != "config"}
    try:
        return {**operating_point(Path(folder) / table["config"]), **rest}
    except ConfigError as e:
        raise StudyError(f"{where}.config: {e}") from None


def need(cond: bool, message: str) -> None:
    if not cond:
        raise StudyError(message)


def at_least(value, lo: float, field: str, integer: bool = False):
    """``value`` if it is a finite number (an integer with ``integer``) ≥ ``lo``, else one line naming ``field``."""
    kinds = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not lo <= value < math.inf:
        raise StudyError(f"{field}: {value!r} outside the allowed range [{lo:g}, inf)")
    return value


def seeds_of(data: dict[str, Any], key: str, default: list[int]) -> list[int]:
    seeds = data.get(key, default)
    need(isinstance(seeds, list) and seeds and all(isinstance(s, int) and not isinstance(s, bool)
                                                    and 0 <= s <= SEED_MAX for s in seeds),
          f"{key}: a non-empty list of integers in [0, {SEED_MAX}]")
    return seeds
