"""The search space: one ``Dimension`` per searched config field, and the values a search asks and is told."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hrsnn import ConfigError, ReservoirConfig

from .checks import StudyError, need


@dataclass(frozen=True)
class Dimension:
    field: str
    kind: str                     # real | integer | categorical
    low: float | None = None
    high: float | None = None
    prior: str = "uniform"
    categories: tuple = ()

    def to_skopt(self):
        from skopt.space import Categorical, Integer, Real
        if self.kind == "categorical":
            return Categorical(list(self.categories), name=self.field)
        if self.kind == "integer":
            return Integer(int(self.low), int(self.high), prior=self.prior, name=self.field)
        return Real(self.low, self.high, prior=self.prior, name=self.field)

    def asked(self, v: Any) -> Any:
        """An asked value as the study stores it: ``canonical``, and a real one kept inside [low, high] (rounding
        must not carry it past a bound written with more digits)."""
        v = canonical(v)
        return min(max(v, self.low), self.high) if self.kind == "real" else v


def plain(v):
    """numpy scalars (from skopt) to Python numbers."""
    return v.item() if hasattr(v, "item") else v


DIGITS = 10
"""Significant digits of the values a search asks and is told (``canonical``)."""


def canonical(v: Any) -> Any:
    """A value as the search sees it: a float rounded to ``DIGITS`` significant digits, so that the last bits a
    processor or library leaves in a point or an objective do not steer the search (numpy scalars to Python)."""
    v = plain(v)
    return float(f"{v:.{DIGITS}g}") if isinstance(v, float) and math.isfinite(v) else v


def parse_dimension(name: str, spec: Any, base: ReservoirConfig) -> Dimension:
    where = f"space.{name}"
    need(isinstance(spec, dict), f"{where}: expected a table with low/high or categories")
    unknown = set(spec) - {"low", "high", "prior", "type", "categories"}
    need(not unknown, f"{where}: unknown keys {sorted(unknown)}; allowed: low, high, prior, type, categories")
    if "categories" in spec:
        cats = spec["categories"]
        need(isinstance(cats, list) and len(cats) >= 2, f"{where}.categories: need a list of at least 2 values")
        dim = Dimension(name, "categorical", categories=tuple(cats))
        probes = cats
    else:
        need("low" in spec and "high" in spec, f"{where}: needs low and high (or categories)")
        kind = spec.get("type", "real")
        need(kind in ("real", "integer"), f"{where}.type: {kind!r} is not one of real, integer")
        prior = spec.get("prior", "uniform")
        need(prior in ("uniform", "log-uniform"), f"{where}.prior: {prior!r} is not uniform or log-uniform")
        low, high = spec["low"], spec["high"]
        need(all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (low, high)),
              f"{where}: low and high must be finite numbers")
        need(low < high, f"{where}: empty range [{low}, {high}] (need low < high)")
        need(prior == "uniform" or low > 0, f"{where}: log-uniform needs low > 0, got {low}")
        if kind == "integer":
            need(float(low).is_integer() and float(high).is_integer(), f"{where}: integer bounds must be whole")
        dim = Dimension(name, kind, float(low) if kind == "real" else int(low),
                        float(high) if kind == "real" else int(high), prior)
        probes = [low, high]
    for value in probes:                          # the field must exist and accept the range's ends
        try:
            base.with_updates({name: value})
        except ConfigError as e:
            raise StudyError(f"{where}: {e}") from None
    return dim
