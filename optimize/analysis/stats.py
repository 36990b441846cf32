"""Summary statistics of repeated measurements."""
from __future__ import annotations

import math

import numpy as np


def stat(values) -> tuple[float, float, int]:
    """(mean, std, count) of the finite values (``None`` and ±∞ left out); (∞, 0, 0) when there are none."""
    v = np.array([x for x in values if x is not None and math.isfinite(x)], dtype=float)
    return (float(v.mean()), float(v.std()), len(v)) if len(v) else (math.inf, 0.0, 0)


def best_so_far(objectives) -> np.ndarray:
    """Best finished objective after each trial (``None``: not finished; ∞ before the first finished one)."""
    y = np.array([math.inf if v is None else v for v in objectives], dtype=float)
    return np.minimum.accumulate(y) if len(y) else y
