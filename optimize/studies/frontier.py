"""The spike-efficiency frontier: per study, every arm searches two objectives (ParEGO), its front is re-evaluated
on fresh seeds, and the heterogeneous front is compared with the homogeneous one level by level.

A frontier file is an experiment file (``optimize.search.study.load_studies``) whose studies have
``objective = "front"`` — the memory protocol (MC ↑, rate ↓) or, with a ``[task]`` table, a development task
(validation error ↓, spikes per sample ↓) — plus these keys, shared or per study::

    levels = [1, 2, 3, 4, 5]     # quality levels compared: MC, accuracy or NRMSE (default: MC 1, 2, …; a task:
                                 # 8 levels across the fronts' range)
    front_points = 12            # at most this many points of an arm's search front are re-evaluated
    drop = ["task.train_steps"]  # dimensions of the shared space this study does not search (one that cannot act
                                 # on it: a task's plastic phase is one pass over its training set)
    grid_seeds = [0, 1]          # memory studies: seeds the grid check selects its fronts on (default: seeds)
    [grid]                       # memory studies: an independent grid, run for the study's base config and
    "input.scale" = [150, 600]   # its homogeneous twin (cfg.homogeneous()): each grid's front is re-evaluated
                                 # on the fresh seeds and compared the same way
    "neuron.tau_m.mean" = [10, 40]

An arm's search front pools its repeats' non-degenerate trials (means over the search seeds). The fresh-seed
values are the memory protocol on ``eval_seeds`` or, for a task, the test split on ``eval_seeds`` (its only use).
The shipped picks ``hrsnn-bo`` / ``mrsnn-bo`` are each arm's knee of its *search* front (validation data only):
the point farthest from the chord between the front's ends, quality and cost scaled to [0, 1].
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import math
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from hrsnn import ConfigError
from hrsnn.provenance import provenance

from ..analysis.fronts import COMPARED, Front, compare_fronts, cost_at, fresh_values, front_of, knee, quality_shown
from ..analysis.repeats import compare_repeats, gain, hypervolume_curve
from ..report.text import front_verdict, repeat_verdict
from ..run.arms import run_arms
from ..run.cache import cache_key, run_cached
from ..run.executors import executor_for
from ..run.loop import StudyRun, first_asked
from ..run.trials import score_on_test, trial_function
from ..search.arms import SPREADS, derive
from ..search.checks import StudyError, at_least, seeds_of
from ..search.objectives import front_point
from ..search.study import Study, load_studies

EXTRA = ("levels", "front_points", "grid", "grid_seeds", "drop")


def load_frontier(path: str | Path, overrides: dict[str, Any] | None = None) -> tuple[str, list[Study]]:
    """(experiment name, its front studies), every extra key checked."""
    name, studies = load_studies(path, overrides, EXTRA)
    studies = [_dropped(s) for s in studies]
    for s in studies:
        where = f"study {s.name}"
        if s.objective != "front":
            raise StudyError(f"{where}: objective: a frontier study needs \"front\", got {s.objective!r}")
        if not set(COMPARED) <= set(s.arms):
            raise StudyError(f"{where}: arms: a frontier compares the heterogeneous and homogeneous arms")
        levels = s.source.get("levels")
        if levels is not None and not (isinstance(levels, list) and levels and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in levels)):
            raise StudyError(f"{where}: levels: a non-empty list of finite numbers")
        at_least(s.source.get("front_points", 12), 2, f"{where}: front_points", integer=True)
        grid = s.source.get("grid")
        if grid is not None:
            if s.task is not None:
                raise StudyError(f"{where}: grid: only the memory protocol has a grid check")
            if not isinstance(grid, dict) or not grid or not all(isinstance(v, list) and v for v in grid.values()):
                raise StudyError(f"{where}: grid: a table of field = [values]")
            for field, values in grid.items():
                for v in values:
                    try:
                        s.base.with_updates({field: v})
                    except ConfigError as e:
                        raise StudyError(f"{where}: grid.{field}: {e}") from None
            grid_seeds = seeds_of(s.source, "grid_seeds", list(s.seeds))
            if set(grid_seeds) & set(s.eval_seeds):
                raise StudyError(f"{where}: grid_seeds: {sorted(set(grid_seeds) & set(s.eval_seeds))} are also "
                                 "eval_seeds; the grid's fronts are selected on grid_seeds and measured on eval_seeds")
    return name, studies


def _dropped(study: Study) -> Study:
    """``study`` without the dimensions its ``drop`` list names (each must be one it searches)."""
    drop = study.source.get("drop", [])
    fields = [d.field for d in study.space]
    if not isinstance(drop, list) or not all(f in fields for f in drop):
        raise StudyError(f"study {study.name}: drop: a list of searched fields ({', '.join(fields)})")
    if len(drop) >= len(fields):
        raise StudyError(f"study {study.name}: drop: at least one dimension must remain")
    return dataclasses.replace(study, space=tuple(d for d in study.space if d.field not in drop)) if drop else study


def quality_name(study: Study) -> str:
    return "MC" if study.task is None else "accuracy" if study.task["kind"] == "classify" else "NRMSE"


def cost_name(study: Study) -> str:
    return "rate (Hz)" if study.task is None else "spikes per sample"


def shown(study: Study, q: float) -> float:
    """A quality as the user reads it: MC, accuracy (1 − error) or NRMSE (error); ``q`` is MC or −error."""
    return quality_shown(study.task, q)


def from_shown(study: Study, level: float) -> float:
    return level if study.task is None else level - 1.0 if study.task["kind"] == "classify" else -level


def search_front(runs, k: int, repeats: list[int] | None = None) -> list[dict]:
    """The search front of ``runs`` pooled (search-seed means), at most ``k`` points spread along quality; each
    point names its repeat (``repeats``: the runs' repeat numbers, default 0, 1, …) and trial (its ask position)."""
    points = []
    for r, run in zip(repeats or range(len(runs)), runs):
        for t in run.trials:
            p = front_point(run.study, t.results) if t.status == "ok" else None
            if p is not None and all(math.isfinite(x) for x in p):
                points.append({"repeat": r, "trial": t.id if t.asked is None else t.asked, "params": t.params,
                               "search": list(p), "config": run.study.config_for(t.params).to_dict()})
    return front_of(points, k)


def _evaluate(study: Study, configs: list[dict], seeds, executor, label: str, progress: bool,
              cache: Path | None = None) -> list:
    """Each config's fresh results on ``seeds``: the study's trial (the memory protocol), or a task's test split.
    Results already in ``cache`` are reused; new ones are appended as they finish."""
    fn = trial_function(study) if study.task is None else partial(score_on_test, task=study.task)
    what = study.source.get("trial_function") if study.task is None else study.task
    return run_cached([(cache_key(c, list(seeds), what, study.target), fn, (c, list(seeds), study.target))
                       for c in configs], executor, cache, label, progress)


def _levels(study: Study, fronts: dict[str, Front], floor: float | None = None) -> list[float]:
    """The compared levels, in the user's units, from the two compared arms' fronts; a task's lie above its linear
    floor (``floor``: the no-reservoir readout's inner quality), where the reservoir is what is measured (none when
    neither front rises above it)."""
    given = study.source.get("levels")
    if given is not None:
        return [float(v) for v in given]
    qs = np.concatenate([fronts[a].mean_quality for a in COMPARED if len(fronts[a].quality)])
    if study.task is None:
        return [float(m) for m in range(1, int(math.floor(qs.max())) + 1)] if qs.max() >= 1 else [0.5]
    lo, hi = np.percentile(qs, 10), qs.max()
    if floor is not None:
        if hi <= floor:
            return []
        lo = max(lo, floor + 0.05 * (hi - floor))
    return sorted({round(shown(study, float(q)), 3) for q in np.linspace(lo, hi, 8)})


def _q_ref(study: Study, inner: list[float]) -> float:
    """The hypervolumes' quality reference for compared levels ``inner`` (inner units): MC 0, or a task's lowest
    level (the area above it)."""
    return 0.0 if study.task is None else min(inner)


def _front(points: list[dict], n_seeds: int | None = None) -> Front:
    """The re-evaluated ``points`` as a Front (an empty one has ``n_seeds`` columns)."""
    shape = (len(points), -1) if points else (0, n_seeds or 0)
    return Front(np.array([p["quality"] for p in points], dtype=float).reshape(shape),
                 np.array([p["cost"] for p in points], dtype=float).reshape(shape))


def _compare(study: Study, fronts: dict[str, Front], levels: list[float], c_ref: float) -> dict:
    """The comparison in the user's units: per level each arm's needed cost (and E for the memory protocol)."""
    inner = [from_shown(study, v) for v in levels]
    q_ref = _q_ref(study, inner)
    cmp = compare_fronts(fronts["heterogeneous"], fronts["homogeneous"], inner, q_ref, c_ref)
    key = "rate" if study.task is None else "spikes"
    out = {"levels": levels, key: {"heterogeneous": cmp["a"], "homogeneous": cmp["b"]}, "saving": cmp["saving"],
           "ahead": ["heterogeneous" if a == "a" else "homogeneous" if a == "b" else a for a in cmp["ahead"]],
           "hypervolume": {"heterogeneous": cmp["hypervolume"]["a"], "homogeneous": cmp["hypervolume"]["b"]},
           "q_ref": shown(study, q_ref), "c_ref": c_ref,
           "heterogeneous_ahead": [[shown(study, x), shown(study, y)] for x, y in cmp["a_ahead"]],
           "homogeneous_ahead": [[shown(study, x), shown(study, y)] for x, y in cmp["b_ahead"]],
           "heterogeneous_clear": [[shown(study, x), shown(study, y)] for x, y in cmp["a_clear"]],
           "homogeneous_clear": [[shown(study, x), shown(study, y)] for x, y in cmp["b_clear"]]}
    for arm, f in fronts.items():
        if arm in COMPARED:
            continue
        other = compare_fronts(f, fronts["homogeneous"], inner, q_ref, c_ref)
        out[key][arm] = other["a"]
        out["hypervolume"][arm] = other["hypervolume"]["a"]
    if study.task is None:                          # the paper's E = rate / MC, at matched MC
        out["E"] = {}
        for arm, f in fronts.items():
            row = []
            for level in inner:
                _, i = cost_at(f.mean_quality, f.mean_cost, level)
                e = f.cost[i] / np.maximum(f.quality[i], 1e-12) if i >= 0 else None
                row.append(None if e is None else [float(e.mean()), float(e.std())])
            out["E"][arm] = row
    fmt = (lambda x: f"{x:g}") if study.task is None else (lambda x: f"{x:.3g}")
    display = dict(cmp, levels=levels, **{k: [[shown(study, x), shown(study, y)] for x, y in cmp[k]]
                                          for k in ("a_ahead", "b_ahead", "a_clear", "b_clear")})
    out["verdict"] = front_verdict(display, ("heterogeneous", "homogeneous"), quality_name(study),
                             "spikes" if study.task else "spikes (rate)", fmt)
    return out


def _compare_repeats(study: Study, fronts: dict[str, list[Front]], levels: list[float], c_ref: float,
                     pair: tuple[str, str] = COMPARED) -> dict:
    """Arm ``pair[0]`` against ``pair[1]`` across their repeats (``optimize.analysis.repeats``), in the user's
    units, with its verdict."""
    a, b = pair
    inner = [from_shown(study, v) for v in levels]
    q_ref = _q_ref(study, inner)
    cmp = compare_repeats(fronts[a], fronts[b], inner, q_ref, c_ref)
    out = {**cmp, "arms": list(pair), "levels": levels, "q_ref": quality_shown(study.task, q_ref),
           "winner": [{"a": a, "b": b, "a only": f"{a} only", "b only": f"{b} only"}.get(w, w)
                      for w in cmp["winner"]],
           "hypervolume": {a: cmp["hypervolume"]["a"], b: cmp["hypervolume"]["b"],
                           "difference": cmp["hypervolume"]["difference"]}}
    fmt = (lambda x: f"{x:g}") if study.task is None else (lambda x: f"{x:.3g}")
    out["verdict"] = repeat_verdict(out, pair, quality_name(study), "spikes" if study.task else "spikes (rate)", fmt)
    return out


CLAIMS = (("neurons", "heterogeneous neurons raise MC at equal spikes (homogeneous STDP in both)",
           ("HeNHoS", "homogeneous")),
          ("STDP", "heterogeneous STDP lowers spikes at preserved MC (heterogeneous neurons in both)",
           ("heterogeneous", "HeNHoS")),
          ("plasticity", "STDP lowers spikes at preserved MC (the full space in both)", ("heterogeneous", "no-STDP")),
          ("HRSNN", "the optimized HRSNN beats the optimized homogeneous network at equal spikes", COMPARED))
"""The claims a frontier tests, as (key, statement, (arm a, arm b)): each is a's front against b's across repeats;
a study tests those whose two arms it runs."""


def _claims(study: Study, fronts: dict[str, list[Front]], levels: list[float], c_ref: float,
            headline: dict) -> list[dict]:
    """Every claim whose two arms ``fronts`` holds; ``headline`` is the comparison of ``COMPARED`` already made."""
    return [{"claim": key, "statement": text,
             **(headline if pair == COMPARED else _compare_repeats(study, fronts, levels, c_ref, pair))}
            for key, text, pair in CLAIMS if set(pair) <= set(fronts)]


def _convergence(study: Study, runs: dict) -> dict:
    """Per arm: the hypervolume of its search front after each trial (search values, one reference point for all
    arms), mean over repeats; and how much the last quarter of the budget added (relative to the end)."""
    points = {arm: [[front_point(run.study, t.results) if t.status == "ok" else None for t in run.trials]
                    for run in arm_runs] for arm, arm_runs in runs.items()}
    costs = [p[1] for arm in points.values() for trials in arm for p in trials if p is not None]
    qualities = [p[0] for arm in points.values() for trials in arm for p in trials if p is not None]
    if not costs:
        return {}
    q_ref = 0.0 if study.task is None else float(np.percentile(qualities, 10))
    c_ref = 1.1 * max(costs)
    out = {"q_ref": quality_shown(study.task, q_ref), "c_ref": c_ref, "arms": {}}
    for arm, per_repeat in points.items():
        curves = np.array([hypervolume_curve(trials[:study.calls], q_ref, c_ref) for trials in per_repeat
                           if len(trials) >= study.calls])
        if not len(curves):
            continue
        mean = curves.mean(axis=0)
        at = mean[int(math.ceil(0.75 * study.calls)) - 1]
        out["arms"][arm] = {"mean": mean.tolist(), "per_repeat": curves.tolist(),
                            "last_quarter": float((mean[-1] - at) / mean[-1]) if mean[-1] > 0 else 0.0}
    return out


EARLY = 0.75
"""The convergence check's early budget: this fraction of each search's trials."""


def _first(run: StudyRun, fraction: float) -> StudyRun:
    """``run`` cut to its first ⌈fraction · calls⌉ asked trials."""
    return dataclasses.replace(run, trials=first_asked(run.trials, math.ceil(fraction * run.study.calls)))


def _fresh_convergence(study: Study, early: dict[str, list[list[dict]]], full: dict[str, list[Front]], executor,
                       progress: bool, cache: Path, q_ref: float, c_ref: float) -> dict:
    """Per arm: what the last quarter of the budget added to each search's front on the fresh seeds (free of the
    search values' selection bias: a longer search's best noisy values rise even where its true front does not),
    as ``optimize.analysis.repeats.gain`` of the front of each search's first ``EARLY`` of trials against its own
    (``full``); hypervolumes above ``q_ref`` (the comparison's, inner units) and below ``c_ref``; each arm's
    re-evaluated early fronts as ``points`` (one list per repeat)."""
    out, n_seeds = {"fraction": EARLY, "arms": {}}, len(study.eval_seeds)
    for arm, fronts in early.items():
        points = [_reevaluate(study, front, executor, f"{study.name} {arm} repeat {r} early front", progress, cache)
                  for r, front in enumerate(fronts)]
        out["arms"][arm] = {**gain([_front(p, n_seeds) for p in points], full[arm], q_ref, c_ref), "points": points}
    return out


def _floor(study: Study, executor, progress: bool, cache: Path | None = None) -> dict:
    """The task's linear floor: the readout on the input alone (``model = "linear"``, no reservoir), on the test
    split of the fresh seeds, as (inner) quality and cost per seed."""
    floor = dataclasses.replace(study, task={**study.task, "model": "linear"})
    [res] = _evaluate(floor, [study.base.to_dict()], study.eval_seeds, executor, f"{study.name} linear floor",
                      progress, cache)
    q, c = fresh_values(res, study.task)
    return {"quality": [float(x) for x in q], "cost": [float(x) for x in c]}


def run_grid(study: Study, executor, progress: bool, cache: Path | None = None) -> dict[str, list[dict]]:
    """The ``[grid]`` check, run like an arm: every grid point of the base config and of its homogeneous twin on
    ``grid_seeds``; each grid's front (at most ``front_points``) re-evaluated on the fresh seeds."""
    grid = study.source["grid"]
    seeds = study.source.get("grid_seeds", list(study.seeds))
    combos = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    het = [study.base.with_updates(c) for c in combos]
    twins = {}                                   # spread and family fields give one twin for several grid points
    for combo, cfg in zip(combos, het):
        twins.setdefault(cfg.homogeneous(), {k: v for k, v in combo.items() if k.split(".")[-1] not in SPREADS})
    out = {}
    for arm, combos, cfgs in (("heterogeneous", combos, het), ("homogeneous", list(twins.values()), list(twins))):
        configs = [c.to_dict() for c in cfgs]
        results = _evaluate(study, configs, seeds, executor, f"{study.name} grid {arm}", progress, cache)
        points = []
        for combo, config, res in zip(combos, configs, results):
            q, c = fresh_values(res, study.task)
            points.append({"params": combo, "config": config, "search": [float(np.mean(q)), float(np.mean(c))]})
        out[arm] = _reevaluate(study, front_of(points, study.source.get("front_points", 12)), executor,
                               f"{study.name} grid {arm} front on fresh seeds", progress, cache)
    return out


def _reevaluate(study: Study, points: list[dict], executor, label: str, progress: bool,
                cache: Path | None = None) -> list[dict]:
    """``points`` with their per-fresh-seed ``quality`` and ``cost`` and how far STDP moved the E→E weights
    (``weight_change``: mean |w − w_init| / w_init; ``weight_std``: their final standard deviation, weights in units
    of synapses.j_ee; None where not measured)."""
    results = _evaluate(study, [p["config"] for p in points], study.eval_seeds, executor, label, progress, cache)
    for p, res in zip(points, results):
        p["quality"], p["cost"] = fresh_values(res, study.task)
        if any("weight_change" in r for r in res):
            p["weight_change"] = [r.get("weight_change") for r in res]
            p["weight_std"] = [r.get("weight_std") for r in res]
    return points


def run_front_study(study: Study, folder: Path, executor, progress: bool) -> dict[str, Any]:
    """Search every arm × repeat, re-evaluate each arm's front on the fresh seeds, compare; the study's summary."""
    runs = run_arms(study, folder, executor, progress)
    k = study.source.get("front_points", 12)
    cache = folder / study.name / "evaluations.jsonl"
    cache.parent.mkdir(parents=True, exist_ok=True)
    selected = {arm: (search_front(arm_runs, k), [search_front([run], k, [r]) for r, run in enumerate(arm_runs)]
                      if arm != "random" else []) for arm, arm_runs in runs.items()}
    early = {arm: [search_front([_first(run, EARLY)], k, [r]) for r, run in enumerate(runs[arm])]
             for arm, (_, by_repeat) in selected.items() if by_repeat}
    _evaluate(study, [p["config"] for pooled, repeats in selected.values() for front in [pooled, *repeats]
                      for p in front] + [p["config"] for fronts in early.values() for front in fronts for p in front]
              + [study.base.to_dict()], study.eval_seeds, executor,
              f"{study.name} fronts on fresh seeds", progress, cache)     # at once: no worker waits between arms
    arms: dict[str, Any] = {}
    for arm, (pooled, by_repeat) in selected.items():
        points = _reevaluate(study, pooled, executor, f"{study.name} {arm} front on fresh seeds", progress, cache)
        pick = knee(points)
        repeats = [_reevaluate(study, front, executor, f"{study.name} {arm} repeat {r} front on fresh seeds",
                               progress, cache) for r, front in enumerate(by_repeat)]
        arms[arm] = {"points": points, "pick": None if pick is None else points.index(pick),   # a point's index
                     "repeats": repeats}
    if not all(arms[a]["points"] for a in COMPARED):
        return {"study": study.name, "arms": arms, "verdict": "no front: an arm had no non-degenerate trial"}
    fronts = {arm: _front(a["points"]) for arm, a in arms.items() if a["points"]}
    grid = run_grid(study, executor, progress, cache) if study.source.get("grid") else None
    reference = _reevaluate(study, [{"config": study.base.to_dict()}], executor, f"{study.name} base config",
                            progress, cache)[0]
    floor = _floor(study, executor, progress, cache) if study.task is not None else None
    n_seeds = len(study.eval_seeds)
    per_repeat = {arm: [_front(points, n_seeds) for points in a["repeats"]] for arm, a in arms.items()
                  if a["repeats"]}
    pools = ([fronts[a] for a in COMPARED] + [f for a in COMPARED for f in per_repeat[a] if len(f.quality)]
             + ([_front(g) for g in grid.values()] if grid else []))
    c_ref = 1.1 * max(float(f.mean_cost.max()) for f in pools)
    floor_quality = None if floor is None else float(np.mean(floor["quality"]))
    levels = _levels(study, fronts, floor_quality)
    summary = {"study": study.name, "task": study.task, "quality": quality_name(study), "cost": cost_name(study),
               "calls": study.calls, "repeats": study.repeats, "seeds": list(study.seeds),
               "eval_seeds": list(study.eval_seeds), "n_neurons": study.base.n_neurons,
               "space": {arm: [d.field for d in derive(study, arm, 0).space] for arm in study.arms},
               "arms": arms}
    if floor is not None:
        summary["floor"] = {"model": "linear", "quality": floor["quality"], "shown": shown(study, floor_quality)}
    if not levels:
        return {**summary, "verdict": f"neither front rises above the linear floor ({quality_name(study)} "
                                      f"{summary['floor']['shown']:.3g} with no reservoir)", "claims": []}
    summary.update(_compare(study, fronts, levels, c_ref))
    summary["by_repeat"] = _compare_repeats(study, per_repeat, levels, c_ref)
    summary["claims"] = _claims(study, per_repeat, levels, c_ref, summary["by_repeat"])
    summary["pooled_verdict"], summary["verdict"] = summary["verdict"], summary["by_repeat"]["verdict"]
    summary["convergence"] = _convergence(study, runs)
    summary["convergence"]["fresh"] = _fresh_convergence(study, early, per_repeat, executor, progress, cache,
                                                         _q_ref(study, [from_shown(study, v) for v in levels]), c_ref)
    q = float(np.mean(reference["quality"]))
    summary["reference"] = {"quality": reference["quality"], "cost": reference["cost"],
                            "needs": {arm: cost_at(f.mean_quality, f.mean_cost, q)[0] for arm, f in fronts.items()}}
    if grid:
        gf = {arm: _front(g) for arm, g in grid.items()}
        summary["grid"] = {"fields": study.source["grid"], "seeds": study.source.get("grid_seeds", list(study.seeds)),
                           "points": grid, **_compare(study, gf, levels, c_ref)}
    return summary


def run_frontier(path: str | Path, studies_dir: str | Path = "studies", results_dir: str | Path = "results",
                 progress: bool = True, overrides: dict[str, Any] | None = None, only: list[str] | None = None) -> Path:
    """Run (or resume) every study of a frontier file (``only``: these); write ``summary.json``, figures, picks and
    ``report.md``."""
    from ..report.frontier import level_table, write_report
    name, studies = load_frontier(path, overrides)
    if only:
        unknown = sorted(set(only) - {s.name for s in studies})
        if unknown:
            raise StudyError(f"study: {unknown[0]!r} is not in {Path(path).name}; it has "
                             f"{', '.join(s.name for s in studies)}")
        studies = [s for s in studies if s.name in only]
    folder, out = Path(studies_dir) / name, Path(results_dir) / name
    out.mkdir(parents=True, exist_ok=True)
    executor, shutdown = executor_for(max(s.workers for s in studies), None)
    summaries = []
    try:
        for study in studies:
            s = run_front_study(study, folder, executor, progress)
            summaries.append(s)
            write_picks(study, s, out / "picks")
            if progress:
                print(f"\n{level_table(s)}\n{s['verdict']}\n")
    finally:
        shutdown()
    rerun = rerun_flags(overrides, only)
    (out / "summary.json").write_text(json.dumps({"experiment": name, "source": f"{path}{rerun}",
                                                  "provenance": provenance(),
                                                  "studies": {s["study"]: s for s in summaries}},
                                                 indent=2, default=str))
    return write_report(name, f"{path}{rerun}", summaries, out)


RERUN_OPTIONS = {"random_state": "--random-state", "calls": "--calls", "arms": "--arm", "repeats": "--repeats"}
"""``hrsnn frontier``'s options that change a file's searches (an independent rerun, a longer budget, fewer arms,
more searches), by the study key they override."""


def rerun_flags(overrides: dict[str, Any] | None, only: list[str] | None) -> str:
    """The ``hrsnn frontier`` options of a rerun that changes the file's searches or runs only some studies, as
    typed (empty: none)."""
    flags = ""
    for key, flag in RERUN_OPTIONS.items():
        value = (overrides or {}).get(key)
        if value is not None:
            flags += "".join(f" {flag} {v}" for v in (value if isinstance(value, list) else [value]))
    return flags + "".join(f" --study {name}" for name in only or [])


def write_picks(study: Study, summary: dict, picks: Path) -> None:
    """Each arm's knee as ``<picks>/<study>/hrsnn-bo.toml`` (heterogeneous) and ``mrsnn-bo.toml`` (homogeneous)."""
    from hrsnn import ReservoirConfig
    from hrsnn.tasks.picks import PICKS
    for model, arm in PICKS.items():
        a = summary["arms"].get(arm, {})
        if a.get("pick") is not None:
            (picks / study.name).mkdir(parents=True, exist_ok=True)
            ReservoirConfig.from_dict(a["points"][a["pick"]]["config"]).save(picks / study.name / f"{model}.toml")
