"""A matched study: every arm × repeat searched with the same budget and seeds, every arm's best re-evaluated on
fresh seeds the search never saw (a search's own best is biased low), and the arms compared on those.

Per arm the summary holds the search's best objective (mean ± std over repeats), the re-evaluated objective (mean
± std over repeats × fresh seeds) with its activity (E, MC and rate for the memory protocol; test-split score and
spikes per sample for a task), and the verdict heterogeneous vs homogeneous.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hrsnn.provenance import provenance

from .arms import derive
from .objectives import score, score_on_test
from .runner import StudyRun, _executor, run_study, trial_function
from .space import Study


@dataclass
class MatchedRun:
    study: Study
    runs: dict[str, list[StudyRun]]                         # arm → one run per repeat
    fresh: dict[str, list[dict]] = field(default_factory=dict)   # arm → per repeat: {"params", "results", …}


def run_matched(study: Study, resume: bool = False, out_dir: str | Path = "studies", scheduler: str | None = None,
                progress: bool = True) -> MatchedRun:
    """Run (or resume) every arm × repeat on one pool of workers, then re-evaluate each best on ``eval_seeds``."""
    executor, shutdown = _executor(study.workers, scheduler)
    out = Path(out_dir) / study.name
    try:
        runs = {arm: [run_study(derive(study, arm, r), resume, out, scheduler, progress, executor=executor)
                      for r in range(study.repeats)] for arm in study.arms}
        matched = MatchedRun(study, runs)
        reevaluate(matched, executor)
    finally:
        shutdown()
    return matched


def reevaluate(matched: MatchedRun, executor) -> None:
    """Each arm-repeat's best config on the fresh seeds: its objective there, and for a task its test-split score
    (the test split's only use)."""
    study = matched.study
    jobs = {}
    for arm, runs in matched.runs.items():
        for r, run in enumerate(runs):
            if run.best is None:
                continue
            config = run.study.config_for(run.best.params).to_dict()
            fn = trial_function(run.study)
            jobs[(arm, r)] = (run.best.params, executor.submit(fn, config, list(study.eval_seeds), study.target),
                              executor.submit(score_on_test, config, list(study.eval_seeds), study.target, study.task)
                              if study.task else None)
    for arm, runs in matched.runs.items():
        matched.fresh[arm] = []
        for r in range(len(runs)):
            if (arm, r) not in jobs:
                matched.fresh[arm].append({"repeat": r, "params": None, "objective": math.inf, "status": "none"})
                continue
            params, fut, test = jobs[(arm, r)]
            results = fut.result()
            objective, summary, status, reason = score(runs[r].study, results)
            entry = {"repeat": r, "params": params, "objective": objective, "summary": summary, "status": status,
                     "reason": reason, "results": results}
            if test is not None:
                entry["test"] = test.result()
            matched.fresh[arm].append(entry)


def _stat(values) -> tuple[float, float, int]:
    v = np.array([x for x in values if x is not None and math.isfinite(x)], dtype=float)
    return (float(v.mean()), float(v.std()), len(v)) if len(v) else (math.inf, 0.0, 0)


def summarize(matched: MatchedRun) -> dict[str, Any]:
    """Per arm: search best and fresh-seed objective (mean ± std), activity, and the verdict."""
    study = matched.study
    arms = {}
    for arm, runs in matched.runs.items():
        fresh = matched.fresh.get(arm, [])
        row = {"search_best": _stat([r.best.objective if r.best else math.inf for r in runs]),
               "fresh": _stat([e["objective"] for e in fresh]),
               "degenerate_fresh": sum(e["status"] != "ok" for e in fresh),
               "best_params": [e["params"] for e in fresh]}
        per_seed = [x for e in fresh for x in e.get("results", [])]
        if study.objective == "task":
            row["validation_error"] = _stat([x.get("error") for x in per_seed])
            tests = [x for e in fresh for x in e.get("test", [])]
            row["test_score"] = _stat([x["score"] for x in tests])
            row["test_spikes_per_sample"] = _stat([x["spikes_per_sample"] for x in tests])
        else:
            for key in ("E", "memory_capacity", "rate_hz"):
                row[key] = _stat([x.get(key) for x in per_seed])
        arms[arm] = row
    return {"study": study.name, "objective": study.objective, "task": study.task, "calls": study.calls,
            "repeats": study.repeats, "seeds": list(study.seeds), "eval_seeds": list(study.eval_seeds),
            "arms": arms, "verdict": verdict(study, arms), "search": search_quality(matched)}


def verdict(study: Study, arms: dict) -> str:
    """Heterogeneous vs homogeneous on the fresh seeds; a difference within the pooled spread is a tie."""
    if "heterogeneous" not in arms or "homogeneous" not in arms:
        return "no verdict: the study has no heterogeneous and homogeneous arms"
    he, ho = arms["heterogeneous"], arms["homogeneous"]
    if study.objective == "task":
        (sa, da, _), (sb, db, _) = he["test_score"], ho["test_score"]
        (pa, _, _), (pb, _, _) = he["test_spikes_per_sample"], ho["test_spikes_per_sample"]
        higher = study.task["kind"] == "classify"
        metric = "accuracy" if higher else "NRMSE"
        spread = math.sqrt((da ** 2 + db ** 2) / 2)
        better = (sa - sb) if higher else (sb - sa)
        score = ("ties on " if abs(better) <= spread else "better " if better > 0 else "worse ") + metric
        fewer = pa <= pb
        why = [w for w, bad in (("a worse score", better < -spread), ("more spikes", not fewer)) if bad]
        return (f"test {metric}: heterogeneous {sa:.3f} ± {da:.3f} vs homogeneous {sb:.3f} ± {db:.3f} ({score}; "
                f"pooled spread {spread:.3f}); spikes per sample {pa:.4g} vs {pb:.4g} ({'fewer' if fewer else 'more'}) "
                f"— the optimized heterogeneous reservoir "
                + ("DOMINATES the optimized homogeneous one (no worse score, no more spikes)" if not why else
                   f"does NOT dominate the optimized homogeneous one ({' and '.join(why)})"))
    (ma, sa, _), (mb, sb, _) = he["fresh"], ho["fresh"]
    spread = math.sqrt((sa ** 2 + sb ** 2) / 2)
    word = ("lower than" if ma < mb - spread else "higher than" if ma > mb + spread else "within the spread of")
    gain = (mb - ma) / mb if math.isfinite(mb) and mb else math.nan
    return (f"{study.objective} on fresh seeds: heterogeneous {ma:.4g} ± {sa:.3g} vs homogeneous {mb:.4g} ± {sb:.3g} "
            f"({gain:+.0%} for heterogeneity): {word} the homogeneous optimum's")


def best_so_far(run: StudyRun) -> np.ndarray:
    """Best finished objective after each trial (∞ before the first finished one)."""
    y = np.array([t.objective if t.status == "ok" else math.inf for t in run.trials], dtype=float)
    return np.minimum.accumulate(y) if len(y) else y


def search_quality(matched: MatchedRun) -> dict[str, Any]:
    """The GP arm against random search at equal budget: median best-so-far over repeats after the initial
    points, and the share of those trial counts at which the GP arm is strictly ahead."""
    study = matched.study
    if "heterogeneous" not in matched.runs or "random" not in matched.runs:
        return {}
    curves = {arm: np.median(np.vstack([best_so_far(r)[:study.calls] for r in matched.runs[arm]]), axis=0)
              for arm in ("heterogeneous", "random")}
    k = study.initial_points
    gp, rnd = curves["heterogeneous"][k:], curves["random"][k:]
    ahead = float(np.mean(gp < rnd)) if len(gp) else math.nan
    return {"after_initial_points": k, "gp_median_final": float(curves["heterogeneous"][-1]),
            "random_median_final": float(curves["random"][-1]), "gp_ahead_share": ahead}


def save_matched(matched: MatchedRun, out_dir: str | Path) -> dict[str, Any]:
    """``summary.json``, per-arm best configs, the best-so-far plot and (task studies) the Pareto plot."""
    from .plots import arms_convergence_plot, pareto_plot
    folder = Path(out_dir) / matched.study.name
    folder.mkdir(parents=True, exist_ok=True)
    summary = summarize(matched)
    for arm, fresh in matched.fresh.items():
        ranked = sorted((e for e in fresh if e["status"] == "ok"), key=lambda e: e["objective"])
        if ranked:                               # the arm's pick: its best repeat on the fresh seeds
            run = matched.runs[arm][ranked[0]["repeat"]]
            run.study.config_for(ranked[0]["params"]).save(folder / f"best-{arm}.toml")
            summary["arms"][arm]["config"] = str(folder / f"best-{arm}.toml")
    plots = [str(arms_convergence_plot(matched, folder / "convergence.png"))]
    if matched.study.objective == "task":
        plots.append(str(pareto_plot(matched, folder / "pareto.png")))
    summary["plots"] = plots
    summary["provenance"] = provenance()
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    return summary


def table(summary: dict[str, Any]) -> str:
    """The arms side by side, as printed by ``hrsnn optimize``."""
    task = summary["objective"] == "task"
    cols = (["validation error", "test score", "spikes/sample"] if task else ["E", "MC", "rate (Hz)"])
    head = (f"{'arm':<14} {'search best':>17} {'fresh seeds':>17} {'ok':>5} "
            + " ".join(f"{c:>17}" for c in cols))
    lines = [head, "-" * len(head)]
    for arm, row in summary["arms"].items():
        def pm(stat, fmt=".3g"):
            m, s, n = stat
            return f"{m:{fmt}} ± {s:{fmt}}" if n else "–"
        keys = (["validation_error", "test_score", "test_spikes_per_sample"] if task
                else ["E", "memory_capacity", "rate_hz"])
        ok = f"{row['fresh'][2]}/{len(row['best_params'])}"
        lines.append(f"{arm:<14} {pm(row['search_best']):>17} {pm(row['fresh']):>17} {ok:>5} "
                     + " ".join(f"{pm(row[k]):>17}" for k in keys))
    return "\n".join(lines)
