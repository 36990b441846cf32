"""Distributions of heterogeneous parameters ("quenched disorder").

Each heterogeneous parameter (a neuron's membrane time constant, a synapse's STDP time constant, ...) is a
distribution object, sampled once per neuron or synapse when a reservoir is built. All parameters are plain
floats in the unit of the field that holds the distribution (e.g. ms for ``tau_m``). Draws are kept inside
the field's allowed range: ``TruncNormal`` truncates (re-normalised density); the others clip to the range.
The *homogeneous twin* of any distribution is ``Constant(dist.mean)``.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

import numpy as np
from scipy import stats

from ..errors import ConfigError


def finite_number(value: Any, field: str) -> float:
    """``value`` as a finite float, or a ConfigError naming ``field``."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{field}: expected a number, got {value!r}") from None
    if not math.isfinite(value):
        raise ConfigError(f"{field}: must be a finite number, got {value}")
    return value


class Distribution:
    """Base class: a frozen dataclass with ``mean``, ``sample`` and a ``kind`` name."""

    kind: ClassVar[str]
    mean: float  # a field or a property in each subclass

    def _draw(self, n: int, rng: np.random.Generator, low: float, high: float) -> np.ndarray:
        raise NotImplementedError

    def sample(self, n: int, rng: np.random.Generator, low: float = -np.inf,
               high: float = np.inf) -> np.ndarray:
        """Draw ``n`` values inside ``[low, high]``."""
        return np.clip(self._draw(n, rng, low, high), low, high)

    def homogeneous(self) -> Constant:
        """The homogeneous twin: every draw equals this distribution's mean."""
        return Constant(self.mean)

    @property
    def is_constant(self) -> bool:
        return False

    def to_dict(self) -> dict[str, Any]:
        return {"dist": self.kind, **asdict(self)}

    def check_range(self, field: str, low: float, high: float) -> None:
        """Raise ConfigError if the mean lies outside ``[low, high]``."""
        if not low <= self.mean <= high:
            raise ConfigError(f"{field}: mean {self.mean:g} outside the allowed range [{low:g}, {high:g}]")


@dataclass(frozen=True)
class Constant(Distribution):
    """Every draw equals ``value``."""

    value: float
    kind: ClassVar[str] = "constant"

    @property
    def mean(self) -> float:
        return self.value

    @property
    def is_constant(self) -> bool:
        return True

    def _draw(self, n, rng, low, high):
        return np.full(n, self.value, dtype=float)


@dataclass(frozen=True)
class Gamma(Distribution):
    """Gamma law with the given ``mean`` (> 0) and coefficient of variation ``cv`` (≥ 0).

    shape k = 1/cv², scale θ = mean·cv²; ``cv = 0`` is the constant ``mean``.
    """

    mean: float
    cv: float
    kind: ClassVar[str] = "gamma"

    def _draw(self, n, rng, low, high):
        if self.cv == 0:
            return np.full(n, self.mean, dtype=float)
        shape = 1.0 / self.cv**2
        return rng.gamma(shape, self.mean / shape, size=n)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform law on ``[low, high]``."""

    low: float
    high: float
    kind: ClassVar[str] = "uniform"

    @property
    def mean(self) -> float:
        return 0.5 * (self.low + self.high)

    def _draw(self, n, rng, low, high):
        return rng.uniform(self.low, self.high, size=n)


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Log-normal law with the given ``mean`` (> 0) and coefficient of variation ``cv`` (≥ 0)."""

    mean: float
    cv: float
    kind: ClassVar[str] = "lognormal"

    def _draw(self, n, rng, low, high):
        sigma2 = math.log1p(self.cv**2)
        mu = math.log(self.mean) - 0.5 * sigma2
        return rng.lognormal(mu, math.sqrt(sigma2), size=n)


@dataclass(frozen=True)
class TruncNormal(Distribution):
    """Normal law (``loc``, ``std``) truncated to the field's allowed range.

    ``mean`` reports ``loc``; the truncated law's mean differs from it when the range cuts the tails.
    """

    loc: float
    std: float
    kind: ClassVar[str] = "normal"

    @property
    def mean(self) -> float:
        return self.loc

    def _draw(self, n, rng, low, high):
        if self.std == 0:
            return np.full(n, self.loc, dtype=float)
        a, b = (low - self.loc) / self.std, (high - self.loc) / self.std
        return stats.truncnorm.rvs(a, b, loc=self.loc, scale=self.std, size=n, random_state=rng)


KINDS: dict[str, type[Distribution]] = {c.kind: c for c in (Constant, Gamma, Uniform, LogNormal, TruncNormal)}


def make(spec: Any, field: str, parse=finite_number) -> Distribution:
    """Build a distribution from a number (constant), a ``Distribution`` or a dict ``{"dist": kind, ...}``.

    ``parse(value, field)`` converts each parameter (e.g. strips units); bad names/values raise ConfigError.
    """
    if isinstance(spec, Distribution):
        spec = spec.to_dict()
    if not isinstance(spec, dict):
        return Constant(parse(spec, field))
    spec = dict(spec)
    kind = spec.pop("dist", None)
    if kind not in KINDS:
        raise ConfigError(f"{field}.dist: unknown distribution {kind!r}; allowed: {', '.join(KINDS)}")
    cls = KINDS[kind]
    names = [f.name for f in fields(cls)]
    unknown = set(spec) - set(names)
    missing = set(names) - set(spec)
    if unknown or missing:
        raise ConfigError(f"{field}: a {kind} distribution takes exactly {names}; "
                          f"unknown {sorted(unknown)}, missing {sorted(missing)}")
    scale_free = {"cv"}
    values = {n: (finite_number(spec[n], f"{field}.{n}") if n in scale_free else parse(spec[n], f"{field}.{n}"))
              for n in names}
    if kind in ("gamma", "lognormal"):
        if values["mean"] <= 0:
            raise ConfigError(f"{field}.mean: must be > 0 for a {kind} distribution, got {values['mean']:g}")
        if values["cv"] < 0:
            raise ConfigError(f"{field}.cv: must be >= 0, got {values['cv']:g}")
    if kind == "uniform" and not values["low"] <= values["high"]:
        raise ConfigError(f"{field}: uniform needs low <= high, got [{values['low']:g}, {values['high']:g}]")
    if kind == "normal" and values["std"] < 0:
        raise ConfigError(f"{field}.std: must be >= 0, got {values['std']:g}")
    return cls(*(values[n] for n in names))
