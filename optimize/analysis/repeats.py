"""Two arms compared across independent searches: the variation a rerun would see, seeds *and* searches.

Each arm ran R searches (repeats, paired by index: repeat r of both arms shares its random state) and each repeat's
own front was re-evaluated on the same S fresh seeds. At a quality level, repeat r's saving on seed s is
``1 − cost_a[r, s] / cost_b[r, s]``, the two points being each repeat's cheapest to reach the level (on the mean over
the seeds). The interval is a two-level bootstrap: repeats drawn with replacement, then seeds drawn with
replacement (the same seeds for both arms), the mean saving of each draw; its 2.5 and 97.5 percentiles. A level
has a winner only when every repeat pair reaches it in both arms with savings of one sign and the interval excludes
0; otherwise the fronts are indistinguishable there. Hypervolumes likewise: each repeat's front on its mean over
the (drawn) seeds, averaged over the (drawn) repeats.
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
    """(R, S) savings of ``a`` over ``b`` on the ``picks``; ``None`` when a repeat of either arm does not reach the
    level or ``b``'s point paid nothing on a seed."""
    rows = []
    for fa, fb, (i, j) in zip(a, b, picks):
        if i < 0 or j < 0 or not np.all(fb.cost[j] > 0):
            return None
        rows.append(1.0 - fa.cost[i] / fb.cost[j])
    return np.array(rows, dtype=float)


def _draws(n_repeats: int, n_seeds: int, bootstrap: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(bootstrap, R) repeat indices and (bootstrap, S) seed indices, drawn with replacement."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_repeats, (bootstrap, n_repeats)), rng.integers(0, n_seeds, (bootstrap, n_seeds))


def interval(cells: np.ndarray, bootstrap: int = 2000, seed: int = 0) -> list[float]:
    """[mean, 2.5 %, 97.5 %] of the (R, S) ``cells``' mean under the two-level bootstrap."""
    reps, seeds = _draws(*cells.shape, bootstrap, seed)
    means = cells[reps[:, :, None], seeds[:, None, :]].mean(axis=(1, 2))
    return [float(cells.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))]


def _hypervolumes(fronts: list[Front], q_ref: float, c_ref: float, reps: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Mean hypervolume over the drawn repeats of each draw, every front on its drawn seeds' mean."""
    out = np.empty(len(reps))
    cache: dict = {}
    for k, (rs, ss) in enumerate(zip(reps, seeds)):
        vals = []
        for r in rs:
            key = (int(r), ss.tobytes())
            if key not in cache:
                f = fronts[r]
                cache[key] = hypervolume(f.quality[:, ss].mean(axis=1), f.cost[:, ss].mean(axis=1), q_ref, c_ref)
            vals.append(cache[key])
        out[k] = np.mean(vals)
    return out


def compare_repeats(a: list[Front], b: list[Front], levels, q_ref: float, c_ref: float, bootstrap: int = 2000,
                    seed: int = 0) -> dict:
    """Per level: each repeat's saving (mean over seeds; ``None`` where a repeat of either arm does not reach the
    level), the saving over repeats × seeds with its interval (``None`` likewise), and the winner: ``"a"``, ``"b"``
    or ``"tie"``, or ``"a only"`` / ``"b only"`` when in every repeat only that arm reaches the level, ``"none"``
    when no repeat of either arm does. Hypervolumes: per arm [mean over repeats, 2.5 %, 97.5 %] and per repeat, and
    the difference a − b with its interval."""
    if len(a) != len(b) or not a:
        raise ValueError("compare_repeats: the arms need the same number (≥ 1) of repeats")
    n_seeds = a[0].quality.shape[1]
    out: dict = {"levels": [float(x) for x in levels], "repeats": len(a), "seeds": n_seeds, "per_repeat": [],
                 "saving": [], "winner": [], "bootstrap": bootstrap, "bootstrap_seed": seed}
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
        m, lo, hi = interval(cells, bootstrap, seed)
        out["per_repeat"].append([float(x) for x in per_repeat])
        out["saving"].append([m, lo, hi])
        out["winner"].append("a" if lo > 0 and np.all(per_repeat > 0) else
                             "b" if hi < 0 and np.all(per_repeat < 0) else "tie")
    reps, seeds = _draws(len(a), n_seeds, bootstrap, seed)
    hv = {}
    for key, fronts in (("a", a), ("b", b)):
        per = [hypervolume(f.mean_quality, f.mean_cost, q_ref, c_ref) for f in fronts]
        draws = _hypervolumes(fronts, q_ref, c_ref, reps, seeds)
        hv[key] = {"mean": float(np.mean(per)), "interval": [float(np.percentile(draws, 2.5)),
                                                             float(np.percentile(draws, 97.5))],
                   "per_repeat": [float(x) for x in per], "draws": draws}
    diff = hv["a"].pop("draws") - hv["b"].pop("draws")
    out["hypervolume"] = {**hv, "difference": [hv["a"]["mean"] - hv["b"]["mean"], float(np.percentile(diff, 2.5)),
                                               float(np.percentile(diff, 97.5))], "q_ref": q_ref, "c_ref": c_ref}
    return out


def hypervolume_curve(points: list[tuple[float, float] | None], q_ref: float, c_ref: float) -> np.ndarray:
    """The hypervolume of the first k (quality, cost) points for k = 1 … len(points) (``None``: a degenerate trial)."""
    q, c, out = [], [], []
    for p in points:
        if p is not None and all(math.isfinite(x) for x in p):
            q.append(p[0])
            c.append(p[1])
        out.append(hypervolume(np.array(q), np.array(c), q_ref, c_ref) if q else 0.0)
    return np.array(out)
