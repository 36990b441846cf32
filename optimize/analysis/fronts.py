"""Fronts of two objectives — a quality to raise (MC, accuracy, −NRMSE) and a cost to lower (rate, spikes per
sample) — and the comparison of two arms' fronts level by level.

Plain numpy. A front is given by its points' per-seed values ``quality[p, s]`` and ``cost[p, s]`` on the same
fresh seeds for every arm. The cost an arm *needs* at a quality level is the lowest mean cost among its points
whose mean quality reaches the level; its spread is that point's standard deviation over the seeds. The saving of
arm A over arm B at a level is ``1 − cost_A / cost_B``, computed seed by seed on the two chosen points (mean ± std
over the seeds on which arm B's point paid anything). The hypervolume is the area between the attainment curve and a reference point::

    HV = ∫_{q_ref}^{∞} max(0, c_ref − C(m)) dm,   C(m) = min {c_p : q_p ≥ m}

with a bootstrap interval over the seeds (seeds drawn with replacement, the front recomputed from the means).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

COMPARED = ("heterogeneous", "homogeneous")          # compared: a = heterogeneous, b = homogeneous


def quality_shown(task: dict | None, q: float) -> float:
    """A quality as the user reads it, from its internal value ``q`` (MC, or −error of a ``task``): MC, accuracy
    (1 − error) or NRMSE (the error)."""
    return q if task is None else 1.0 + q if task["kind"] == "classify" else -q


def fresh_values(results: list[dict], task: dict | None) -> tuple[list[float], list[float]]:
    """Per seed (quality, cost) of one point's results: (MC, rate in Hz), or (−error, spikes per sample) of a
    ``task``. A degenerate run (silent, runaway, memoryless) has no memory, whatever its readout reported: MC 0; a
    missing error counts as 1, a missing cost as 0."""
    def num(x, default=0.0):
        return default if x is None or not math.isfinite(float(x)) else float(x)
    if task is None:
        return ([0.0 if r.get("degenerate") else num(r.get("memory_capacity")) for r in results],
                [num(r.get("rate_hz")) for r in results])
    return [-num(r.get("error"), 1.0) for r in results], [num(r.get("spikes_per_sample")) for r in results]


def pareto_mask(quality: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """True for the points no other point dominates (at least as good on both, better on one)."""
    q, c = np.asarray(quality, dtype=float), np.asarray(cost, dtype=float)
    ok = np.isfinite(q) & np.isfinite(c)
    mask = np.zeros(len(q), dtype=bool)
    for i in np.flatnonzero(ok):
        better = ok & (q >= q[i]) & (c <= c[i]) & ((q > q[i]) | (c < c[i]))
        mask[i] = not better.any()
    return mask


def cost_at(quality: np.ndarray, cost: np.ndarray, level: float) -> tuple[float, int]:
    """(lowest cost among points with quality ≥ ``level``, its index); (inf, −1) when no point reaches it."""
    q, c = np.asarray(quality, dtype=float), np.asarray(cost, dtype=float)
    reach = np.flatnonzero(np.isfinite(c) & (q >= level))
    if not len(reach):
        return math.inf, -1
    i = reach[np.argmin(c[reach])]
    return float(c[i]), int(i)


def hypervolume(quality: np.ndarray, cost: np.ndarray, q_ref: float, c_ref: float) -> float:
    """Area dominated by the points and bounded by ``(q_ref, c_ref)``: quality above q_ref, cost below c_ref."""
    q, c = np.asarray(quality, dtype=float), np.asarray(cost, dtype=float)
    ok = np.isfinite(q) & np.isfinite(c) & (q > q_ref) & (c < c_ref)
    q, c = q[ok], c[ok]
    area, lo = 0.0, q_ref
    for hi in np.unique(q):                          # on (lo, hi] the cheapest point with quality ≥ hi serves
        area += (hi - lo) * (c_ref - c[q >= hi].min())
        lo = hi
    return float(area)


@dataclass
class Front:
    """One arm's re-evaluated points: ``quality`` and ``cost`` of shape (points, seeds)."""

    quality: np.ndarray
    cost: np.ndarray

    @property
    def mean_quality(self) -> np.ndarray:
        return self.quality.mean(axis=1)

    @property
    def mean_cost(self) -> np.ndarray:
        return self.cost.mean(axis=1)


def level_runs(levels: list[float], labels: list[str], want: str) -> list[list[float]]:
    """Contiguous [first, last] level ranges whose label is ``want``."""
    out: list[list[float]] = []
    prev = None
    for level, label in zip(levels, labels):
        if label == want:
            if prev == want:
                out[-1][1] = level
            else:
                out.append([level, level])
        prev = label
    return out


def compare_fronts(a: Front, b: Front, levels, q_ref: float, c_ref: float | None = None, bootstrap: int = 1000,
                   seed: int = 0) -> dict:
    """Arm ``a`` against arm ``b`` at each quality level, and both hypervolumes with 95 % bootstrap intervals.

    Per level: each arm's needed cost (mean, std over seeds; ``None`` when its front does not reach the level),
    the saving of ``a`` over ``b`` (mean, std over seeds), and who is ahead: ``"a"``, ``"b"``, ``"tie"`` or
    ``"none"`` (neither reaches it; a level only one arm reaches goes to that arm). ``a_ahead`` / ``b_ahead`` are
    the level ranges where each is ahead, ``a_clear`` / ``b_clear`` those where its saving exceeds the seed spread
    (or only it reaches the level). ``c_ref`` defaults to 1.1 × the
    largest mean cost of either front; ``seed`` draws the bootstrap resamples."""
    levels = [float(x) for x in levels]
    if c_ref is None:
        c_ref = 1.1 * max(float(np.nanmax(f.mean_cost)) for f in (a, b))
    rows = {"levels": levels, "a": [], "b": [], "saving": [], "ahead": []}
    for level in levels:
        picks = []
        for key, f in (("a", a), ("b", b)):
            _, i = cost_at(f.mean_quality, f.mean_cost, level)
            picks.append(i)
            rows[key].append(None if i < 0 else [float(f.cost[i].mean()), float(f.cost[i].std())])
        ia, ib = picks
        if ia >= 0 and ib >= 0:
            paid = b.cost[ib] > 0                         # a seed on which b's point paid nothing has no saving
            per_seed = 1.0 - a.cost[ia][paid] / b.cost[ib][paid]
            rows["saving"].append([float(per_seed.mean()), float(per_seed.std())] if paid.any() else None)
            ca, cb = a.cost[ia].mean(), b.cost[ib].mean()
            rows["ahead"].append("a" if ca < cb else "b" if cb < ca else "tie")
        else:
            rows["saving"].append(None)
            rows["ahead"].append("a" if ia >= 0 else "b" if ib >= 0 else "none")
    rng = np.random.default_rng(seed)
    hv = {}
    for key, f in (("a", a), ("b", b)):
        n = f.quality.shape[1]
        draws = [hypervolume(f.quality[:, s].mean(axis=1), f.cost[:, s].mean(axis=1), q_ref, c_ref)
                 for s in (rng.integers(0, n, n) for _ in range(bootstrap))]
        hv[key] = [hypervolume(f.mean_quality, f.mean_cost, q_ref, c_ref),
                   float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))]
    clear = ["a" if s is not None and s[0] > s[1] else "b" if s is not None and -s[0] > s[1] else "" if s else a
             for s, a in zip(rows["saving"], rows["ahead"])]
    rows.update(hypervolume=hv, q_ref=q_ref, c_ref=c_ref, bootstrap=bootstrap, bootstrap_seed=seed,
                a_ahead=level_runs(levels, rows["ahead"], "a"), b_ahead=level_runs(levels, rows["ahead"], "b"),
                a_clear=level_runs(levels, clear, "a"), b_clear=level_runs(levels, clear, "b"))
    return rows


def front_of(points: list[dict], k: int) -> list[dict]:
    """The non-dominated ``points`` (by their ``search`` (quality, cost)); when more than ``k``, the cheapest point
    reaching each of ``k`` qualities evenly spaced over the front's range."""
    if not points:
        return []
    q, c = np.array([p["search"] for p in points]).T
    front = sorted((p for p, keep in zip(points, pareto_mask(q, c)) if keep), key=lambda p: p["search"][0])
    if len(front) <= k:
        return front
    qs = np.array([p["search"][0] for p in front])
    take = np.unique(np.searchsorted(qs, np.linspace(qs[0], qs[-1], k)))
    return [front[i] for i in take]


def knee(points: list[dict]) -> dict | None:
    """The front point farthest from the chord between its ends (quality and cost scaled to [0, 1]): where the
    cost of more quality starts to climb."""
    if not points:
        return None
    xy = np.array([p["search"] for p in points], dtype=float)
    xy = (xy - xy.min(axis=0)) / np.where(np.ptp(xy, axis=0) > 0, np.ptp(xy, axis=0), 1.0)
    a, b = xy[0], xy[-1]
    d = b - a
    dist = np.abs(d[0] * (xy[:, 1] - a[1]) - d[1] * (xy[:, 0] - a[0])) / max(np.hypot(*d), 1e-12)
    return points[int(np.argmax(dist))]
