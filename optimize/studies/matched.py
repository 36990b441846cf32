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

from ..analysis.stats import best_so_far, stat
from ..run.arms import run_arms
from ..run.executors import executor_for
from ..run.loop import StudyRun
from ..run.trials import score_on_test, trial_function
from ..search.objectives import score
from ..search.study import Study


@dataclass
class MatchedRun:
    study: Study
    runs: dict[str, list[StudyRun]]                         # arm → one run per repeat
    fresh: dict[str, list[dict]] = field(default_factory=dict)   # arm → per repeat: {"params", "results", …}


def run_matched(study: Study, resume: bool = False, out_dir: str | Path = "studies", scheduler: str | None = None,
                progress: bool = True) -> MatchedRun:
    """Run (or resume) every arm × repeat on one pool of workers, then re-evaluate each best on ``eval_seeds``."""
    executor, shutdown = executor_for(study.workers, scheduler)
    out = Path(out_dir) / study.name
    try:
        runs = run_arms(study, out, executor, progress, resume, scheduler)
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


def summarize(matched: MatchedRun) -> dict[str, Any]:
    """Per arm: search best and fresh-seed objective (mean ± std), activity, and the verdict."""
    study = matched.study
    arms = {}
    for arm, runs in matched.runs.items():
        fresh = matched.fresh.get(arm, [])
        row = {"search_best": stat([r.best.objective if r.best else math.inf for r in runs]),
               "fresh": stat([e["objective"] for e in fresh]),
               "degenerate_fresh": sum(e["status"] != "ok" for e in fresh),
               "best_params": [e["params"] for e in fresh]}
        per_seed = [x for e in fresh for x in e.get("results", [])]
        if study.objective == "task":
            row["validation_error"] = stat([x.get("error") for x in per_seed])
            tests = [x for e in fresh for x in e.get("test", [])]
            row["test_score"] = stat([x["score"] for x in tests])
            row["test_spikes_per_sample"] = stat([x["spikes_per_sample"] for x in tests])
        else:
            for key in ("E", "memory_capacity", "rate_hz"):
                row[key] = stat([x.get(key) for x in per_seed])
        arms[arm] = row
    return {"study": study.name, "objective": study.objective, "task": study.task, "calls": study.calls,
            "repeats": study.repeats, "seeds": list(study.seeds), "eval_seeds": list(study.eval_seeds),
            "arms": arms, "verdict": matched_verdict(study, arms), "search": search_quality(matched)}


def matched_verdict(study: Study, arms: dict) -> str:
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


def finished(run: StudyRun) -> list[float | None]:
    """Each trial's objective, ``None`` where it did not finish ok (degenerate or failed)."""
    return [t.objective if t.status == "ok" else None for t in run.trials]


def search_quality(matched: MatchedRun) -> dict[str, Any]:
    """The GP arm against random search at equal budget: median best-so-far over repeats after the initial
    points, and the share of those trial counts at which the GP arm is strictly ahead."""
    study = matched.study
    if "heterogeneous" not in matched.runs or "random" not in matched.runs:
        return {}
    curves = {arm: np.median(np.vstack([best_so_far(finished(r))[:study.calls] for r in matched.runs[arm]]), axis=0)
              for arm in ("heterogeneous", "random")}
    k = study.initial_points
    gp, rnd = curves["heterogeneous"][k:], curves["random"][k:]
    ahead = float(np.mean(gp < rnd)) if len(gp) else math.nan
    return {"after_initial_points": k, "gp_median_final": float(curves["heterogeneous"][-1]),
            "random_median_final": float(curves["random"][-1]), "gp_ahead_share": ahead}


def save_matched(matched: MatchedRun, out_dir: str | Path) -> dict[str, Any]:
    """``summary.json``, per-arm best configs, the best-so-far plot and (task studies) the Pareto plot."""
    from ..report.plots import arms_convergence_plot, pareto_plot
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
