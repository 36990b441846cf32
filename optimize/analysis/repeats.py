"""Two arms compared across independent searches: the variation a rerun would see, seeds *and* searches.

Each arm ran R searches (repeats, paired by index: repeat r of both arms shares its random state) and each repeat's
own front was re-evaluated on the same S fresh seeds. At a quality level, the two points are each repeat's cheapest
to reach the level (on the mean over the seeds) and cell (r, s) is their log cost ratio
``ln(cost_b[r, s] / cost_a[r, s])``: symmetric, so two arms drawn from one distribution have mean 0 (the mean of
``1 − cost_a / cost_b`` is negative then). Savings are reported as ``1 − exp(−mean log ratio)`` (a geometric-mean
saving). The interval is Student's t on the mean log ratio with two variance components, between searches (the
repeats' means, variance / R) and between seeds (the seeds' means, variance / S), on R − 1 degrees of freedom (the
searches are the scarce source; the seed part only widens it). It covers the mean a rerun would see 95 % of the
time even at R = 3, where a bootstrap over 3 repeats excludes 0 whenever the 3 agree in sign (by chance 1 time in
4). A level has a winner only when every repeat pair reaches it in both arms with savings of one sign and the
interval excludes 0; otherwise the fronts are indistinguishable there. Hypervolumes likewise: each repeat's front on
its mean over the seeds, the between-seed variance from seeds drawn with replacement (the same for all repeats and
both arms).
"""
from __future__ import annotations

import math

import numpy as np

from .fronts import Front, cost_at, hypervolume


def _picks(a: list[Front], b: list[Front], level: float) -> list[tuple[int, int]]:
    """Per repeat, the index of each arm's cheapest point reaching ``level`` (−1: its front does not reach it)."""
    return [(cost_at(fa.mean_quality, fa.mean_cost, level)[1], cost_at(fb.mean_quality, fb.mean_cost, level)[1])
            for fa, fb in zip(a, b)]


def _cells(a: list[Front], b: list[Front], picks: list[tuple[int, int]]) -> np.ndarray | None:
    """(R, S) log cost ratios ln(cost_b / cost_a) on the ``picks``; ``None`` when a repeat of either arm does not
    reach the level or a point paid nothing on a seed."""
    rows = []
    for fa, fb, (i, j) in zip(a, b, picks):
        if i < 0 or j < 0 or not (np.all(fb.cost[j] > 0) and np.all(fa.cost[i] > 0)):
            return None
        rows.append(np.log(fb.cost[j] / fa.cost[i]))
    return np.array(rows, dtype=float)


def saving(log_ratio: float) -> float:
    """The saving ``1 − cost_a / cost_b`` of a (mean) log cost ratio ln(cost_b / cost_a)."""
    return float(-np.expm1(-log_ratio))


def _t975(df: int) -> float:
    """Student's t 97.5 % quantile on ``df`` degrees of freedom."""
    from scipy.stats import t
    return float(t.ppf(0.975, df))


def _t_interval(mean: float, variances: list[float], df: int) -> list[float]:
    """[mean, 2.5 %, 97.5 %] of Student's t on ``df`` degrees of freedom whose variance is the sum of ``variances``
    (of the mean, one per source of variation)."""
    half = _t975(df) * math.sqrt(sum(variances))
    return [mean, mean - half, mean + half]


def _variance_of_mean(values: np.ndarray) -> float:
    """The variance of the mean of ``values`` (0 for one value)."""
    return float(np.var(values, ddof=1)) / len(values) if len(values) > 1 else 0.0


def interval(cells: np.ndarray) -> list[float]:
    """[mean, 2.5 %, 97.5 %] of the (R, S) ``cells``' mean: Student's t over searches and seeds (module docstring);
    unbounded with a single search, whose variation is unmeasured."""
    m, n_repeats = float(cells.mean()), cells.shape[0]
    if n_repeats < 2:
        return [m, -math.inf, math.inf]
    return _t_interval(m, [_variance_of_mean(cells.mean(axis=1)), _variance_of_mean(cells.mean(axis=0))],
                       n_repeats - 1)


def mean_interval(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2.5 % and 97.5 % limits of Student's t interval for the mean over axis 0 of ``values`` (one row per
    independent search); unbounded for one row."""
    n = len(values)
    if n < 2:
        return np.full(values.shape[1:], -math.inf), np.full(values.shape[1:], math.inf)
    half = _t975(n - 1) * values.std(axis=0, ddof=1) / math.sqrt(n)
    return values.mean(axis=0) - half, values.mean(axis=0) + half


def _by_seed_draw(fronts: list[Front], q_ref: float, c_ref: float, draws: np.ndarray) -> np.ndarray:
    """(draws, R): each repeat's hypervolume on the mean over each draw's seeds."""
    return np.array([[hypervolume(f.quality[:, ss].mean(axis=1), f.cost[:, ss].mean(axis=1), q_ref, c_ref)
                      for f in fronts] for ss in draws])


def _hv_interval(per_repeat: np.ndarray, by_draw: np.ndarray) -> list[float]:
    """The t interval of the mean over repeats of ``per_repeat`` hypervolumes (or differences): the between-search
    variance from the repeats, the between-seed one from the seed draws (``by_draw``, draws × repeats: the variance
    of their mean over repeats); unbounded with one search."""
    m = float(per_repeat.mean())
    if len(per_repeat) < 2:
        return [m, -math.inf, math.inf]
    return _t_interval(m, [_variance_of_mean(per_repeat), float(by_draw.mean(axis=1).var(ddof=1))],
                       len(per_repeat) - 1)


def compare_repeats(a: list[Front], b: list[Front], levels, q_ref: float, c_ref: float, bootstrap: int = 400,
                    seed: int = 0) -> dict:
    """Per level: each repeat's saving (geometric mean over seeds; ``None`` where a repeat of either arm does not
    reach the level), the saving over repeats × seeds with its interval (``None`` likewise), and the winner:
    ``"a"``, ``"b"`` or ``"tie"``, or ``"a only"`` / ``"b only"`` when in every repeat only that arm reaches the
    level, ``"none"`` when no repeat of either arm does. Hypervolumes: per arm [mean over repeats, 2.5 %,
    97.5 %] and per repeat, and the difference a − b with its interval (``bootstrap`` seed draws, from ``seed``,
    give the between-seed part)."""
    if len(a) != len(b) or not a:
        raise ValueError("compare_repeats: the arms need the same number (≥ 1) of repeats")
    n_seeds = a[0].quality.shape[1]
    out: dict = {"levels": [float(x) for x in levels], "repeats": len(a), "seeds": n_seeds, "per_repeat": [],
                 "saving": [], "winner": [], "interval": "t over searches and seeds", "bootstrap": bootstrap,
                 "bootstrap_seed": seed}
    for level in out["levels"]:
        picks = _picks(a, b, level)
        cells = _cells(a, b, picks)
        if cells is None:
            reach = [(i >= 0, j >= 0) for i, j in picks]
            out["per_repeat"].append(None)
            out["saving"].append(None)
            out["winner"].append("a only" if all(x and not y for x, y in reach) else
                                 "b only" if all(y and not x for x, y in reach) else
                                 "none" if not any(x or y for x, y in reach) else "tie")
            continue
        per_repeat = cells.mean(axis=1)
        out["per_repeat"].append([saving(x) for x in per_repeat])
        out["saving"].append([saving(x) for x in interval(cells)])
        lo, hi = out["saving"][-1][1:]
        out["winner"].append("a" if lo > 0 and np.all(per_repeat > 0) else
                             "b" if hi < 0 and np.all(per_repeat < 0) else "tie")
    draws = np.random.default_rng(seed).integers(0, n_seeds, (bootstrap, n_seeds))
    hv, by_draw = {}, {}
    for key, fronts in (("a", a), ("b", b)):
        per = np.array([hypervolume(f.mean_quality, f.mean_cost, q_ref, c_ref) for f in fronts])
        by_draw[key] = _by_seed_draw(fronts, q_ref, c_ref, draws)
        m, lo, hi = _hv_interval(per, by_draw[key])
        hv[key] = {"mean": m, "interval": [lo, hi], "per_repeat": [float(x) for x in per]}
    diff = np.array(hv["a"]["per_repeat"]) - np.array(hv["b"]["per_repeat"])
    out["hypervolume"] = {**hv, "difference": _hv_interval(diff, by_draw["a"] - by_draw["b"]),
                          "q_ref": q_ref, "c_ref": c_ref}
    return out


def gain(early: list[Front], full: list[Front], q_ref: float, c_ref: float, bootstrap: int = 400,
         seed: int = 0) -> dict:
    """What the end of a budget added to each search: ``full[r]`` is search r's front from all its trials and
    ``early[r]`` from its first ones, both re-evaluated on the same fresh seeds. Per search their hypervolumes; the
    gain full − early relative to the mean full hypervolume, [mean, 2.5 %, 97.5 %] by Student's t over searches and
    seeds (``_hv_interval``, the seeds drawn from ``seed``); unbounded with one search."""
    n_seeds = full[0].quality.shape[1]
    draws = np.random.default_rng(seed).integers(0, n_seeds, (bootstrap, n_seeds))
    per = {k: np.array([hypervolume(f.mean_quality, f.mean_cost, q_ref, c_ref) for f in fronts])
           for k, fronts in (("early", early), ("full", full))}
    diff = _hv_interval(per["full"] - per["early"], _by_seed_draw(full, q_ref, c_ref, draws)
                        - _by_seed_draw(early, q_ref, c_ref, draws))
    scale = float(per["full"].mean())
    return {"early": per["early"].tolist(), "full": per["full"].tolist(),
            "gain": [x / scale if scale > 0 else 0.0 for x in diff]}


def hypervolume_curve(points: list[tuple[float, float] | None], q_ref: float, c_ref: float) -> np.ndarray:
    """The hypervolume of the first k (quality, cost) points for k = 1 … len(points) (``None``: a degenerate trial)."""
    q, c, out = [], [], []
    for p in points:
        if p is not None and all(math.isfinite(x) for x in p):
            q.append(p[0])
            c.append(p[1])
        out.append(hypervolume(np.array(q), np.array(c), q_ref, c_ref) if q else 0.0)
    return np.array(out)
