"""How good is the search? ParEGO (hrsnn's two-objective sampler on scikit-optimize) against Optuna's TPE and NSGA-II,
pymoo's NSGA-II and random search, with the same budget and seeds, on two test problems with known fronts (ZDT1 and
DTLZ2, both minimized, in 6 and 7 dimensions) and on the memory study at N = 300 (MC ↑, rate ↓).

Each sampler runs ``repeats`` independent searches of ``budget`` evaluations per problem; after every evaluation the
hypervolume of what it found so far is recorded (reference points: ZDT1 (1.1, 6), DTLZ2 (2, 2); memory MC 0 and
1.1 × the largest rate any sampler met). Per sampler and problem: the mean hypervolume against evaluations with a 95 %
t interval over repeats, and its final value against the true front's (test problems).

    python -m optimize.studies.bench_search --budget 60 --repeats 5 --out docs/search
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

from ..analysis.repeats import hypervolume_curve, mean_interval
from ..search.parego import ParEGO
from ..search.samplers import RandomSearch
from ..search.space import canonical

SAMPLERS = ("parego", "optuna-tpe", "optuna-nsga2", "pymoo-nsga2", "random")


class Problem:
    """Two objectives to minimize over the unit box (``dims``), a reference point, and the true front's hypervolume
    when known."""

    def __init__(self, name: str, dims: int, f: Callable[[np.ndarray], tuple[float, float]], ref: tuple[float, float],
                 best_hv: float | None):
        self.name, self.dims, self.f, self.ref, self.best_hv = name, dims, f, ref, best_hv


def zdt1(x: np.ndarray) -> tuple[float, float]:
    g = 1.0 + 9.0 * x[1:].sum() / (len(x) - 1)
    return float(x[0]), float(g * (1.0 - math.sqrt(x[0] / g)))


def dtlz2(x: np.ndarray) -> tuple[float, float]:
    g = float(((x[1:] - 0.5) ** 2).sum())
    return (1 + g) * math.cos(x[0] * math.pi / 2), (1 + g) * math.sin(x[0] * math.pi / 2)


def front_hypervolume(f1: np.ndarray, f2: np.ndarray, ref: tuple[float, float]) -> float:
    """Hypervolume (minimization) of points (f1, f2) below ``ref``, as ``optimize.analysis.fronts.hypervolume`` of
    quality −f1 and cost f2."""
    from ..analysis.fronts import hypervolume
    return hypervolume(-np.asarray(f1), np.asarray(f2), -ref[0], ref[1])


def test_problems() -> list[Problem]:
    """ZDT1 (6 dimensions; front f2 = 1 − √f1) and DTLZ2 (7 dimensions; front the quarter circle), their true
    hypervolumes from 10⁵ front points; reference points (1.1, 6) and (2, 2), far enough that a small budget's
    points count."""
    t = np.linspace(0.0, 1.0, 100_001)
    return [Problem("ZDT1", 6, zdt1, (1.1, 6.0), front_hypervolume(t, 1 - np.sqrt(t), (1.1, 6.0))),
            Problem("DTLZ2", 7, dtlz2, (2.0, 2.0),
                    front_hypervolume(np.cos(t * np.pi / 2), np.sin(t * np.pi / 2), (2.0, 2.0)))]


def memory_problem(n_neurons: int = 300) -> Problem:
    """The demo's memory study (its heterogeneous arm's space, unit box mapped onto it): (−MC, rate in Hz)."""
    from ..run.trials import evaluate_trial
    from ..search.arms import derive
    from .frontier import load_frontier
    _, studies = load_frontier(Path(__file__).resolve().parents[2] / "experiments" / "frontier-demo.toml")
    study = derive(studies[0], "heterogeneous", 0)
    study = dataclasses.replace(study, base=study.base.with_updates({"n_neurons": n_neurons}))
    space = [d.to_skopt() for d in study.space]
    for s in space:
        s.set_transformer("normalize")           # the unit box onto each dimension (log-uniform ones in log)

    def f(x: np.ndarray) -> tuple[float, float]:
        params = {d.field: canonical(s.inverse_transform([xi])[0]) for d, s, xi in zip(study.space, space, x)}
        r = evaluate_trial(study.config_for(params).to_dict(), list(study.seeds))[0]
        return (0.0 if r["degenerate"] else -float(r["memory_capacity"] or 0.0)), float(r["rate_hz"])
    return Problem(f"memory N={n_neurons}", len(space), f, (0.0, math.nan), None)


def run_sampler(name: str, problem: Problem, budget: int, seed: int) -> list[tuple[float, float]]:
    """The (f1, f2) of every evaluation, in order."""
    if name in ("parego", "random"):
        from skopt.space import Real
        dims = [Real(0.0, 1.0) for _ in range(problem.dims)]
        opt = ParEGO(dims, initial_points=min(10, budget), random_state=seed) if name == "parego" else \
            RandomSearch(dims, seed)
        out = []
        while len(out) < budget:
            x = np.array(opt.ask(), dtype=float)
            f = problem.f(x)
            out.append(f)
            if name == "parego":
                opt.tell_points([list(x)], [(-f[0], f[1]) if math.isfinite(f[1]) else None])
            else:
                opt.tell([list(x)], [f[1]])
        return out
    if name.startswith("optuna"):
        import optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        sampler = (optuna.samplers.TPESampler(seed=seed) if name == "optuna-tpe" else
                   optuna.samplers.NSGAIISampler(seed=seed, population_size=10))
        study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(lambda t: problem.f(np.array([t.suggest_float(f"x{i}", 0.0, 1.0)
                                                      for i in range(problem.dims)])), n_trials=budget)
        return [tuple(t.values) for t in study.trials]
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem as PymooProblem
    from pymoo.optimize import minimize
    out: list[tuple[float, float]] = []

    class Wrapped(PymooProblem):
        def __init__(self):
            super().__init__(n_var=problem.dims, n_obj=2, xl=0.0, xu=1.0)

        def _evaluate(self, X, res, *args, **kwargs):
            F = [problem.f(x) for x in X]
            out.extend(F)
            res["F"] = np.array(F)
    minimize(Wrapped(), NSGA2(pop_size=10), ("n_eval", budget), seed=seed, verbose=False)
    return out[:budget]


def bench(problems: list[Problem], samplers: tuple[str, ...], budget: int, repeats: int, progress: bool) -> dict:
    """Per problem and sampler: the evaluations of every repeat, the hypervolume curves, their mean and interval."""
    out = {}
    for problem in problems:
        runs, seconds = {}, {}
        for name in samplers:
            t0 = time.perf_counter()
            runs[name] = [run_sampler(name, problem, budget, seed) for seed in range(repeats)]
            seconds[name] = time.perf_counter() - t0
            if progress:
                print(f"{problem.name}: {name} {seconds[name]:.0f} s", file=sys.stderr)
        ref = problem.ref
        if not math.isfinite(ref[1]):             # memory: 1.1 × the largest rate any sampler met
            ref = (ref[0], 1.1 * max(f[1] for rs in runs.values() for r in rs for f in r if math.isfinite(f[1])))
        entry = {"reference": ref, "best_hypervolume": problem.best_hv, "samplers": {}}
        for name, rs in runs.items():
            curves = np.array([hypervolume_curve([(-f[0], f[1]) if all(map(math.isfinite, f)) else None for f in r],
                                                 -ref[0], ref[1]) for r in rs])
            lo, hi = mean_interval(curves)
            entry["samplers"][name] = {"mean": curves.mean(axis=0).tolist(), "lo": lo.tolist(), "hi": hi.tolist(),
                                       "final": [float(curves[:, -1].mean()), float(lo[-1]), float(hi[-1])],
                                       "per_repeat_final": curves[:, -1].tolist(), "seconds": seconds[name]}
        out[problem.name] = entry
    return out


def write_report(summary: dict, out: Path, command: str) -> Path:
    """``report.md`` and ``hypervolume.png`` under ``out``."""
    from hrsnn.measure.plots import panels

    from ..report.plots import save_figure
    from ..report.text import made_by
    problems = summary["problems"]
    plt, fig, axes = panels(len(problems), 3, 4.2, 3.4)
    lines = ["# Search quality: ParEGO against the field's samplers", "",
             made_by(command) + f". {summary['repeats']} searches of {summary['budget']} "
             "evaluations per sampler and problem (seeds 0, 1, …); the hypervolume of what each found after every "
             "evaluation, mean over the searches with a 95 % t interval over them.", "",
             "| problem | " + " | ".join(summary["samplers"]) + " |", "|---" * (len(summary["samplers"]) + 1) + "|"]
    for ax, (pname, p) in zip(axes, problems.items()):
        best = p["best_hypervolume"]
        cells = []
        for k, (name, s) in enumerate(p["samplers"].items()):
            m, lo, hi = s["final"]
            share = f" ({m / best:.0%} of the true front's)" if best else ""
            cells.append(f"{m:.4g} [{lo:.4g}, {hi:.4g}]{share}, {s['seconds'] / summary['repeats']:.1f} s")
            x = np.arange(1, len(s["mean"]) + 1)
            ax.plot(x, s["mean"], color=f"C{k}", label=name)
            ax.fill_between(x, s["lo"], s["hi"], color=f"C{k}", alpha=0.15)
        if best:
            ax.axhline(best, color="k", ls=":", lw=1, label="true front")
        ax.set(title=pname, xlabel="evaluations", ylabel="hypervolume")
        ax.legend(fontsize=7)
        lines.append(f"| {pname} | " + " | ".join(cells) + " |")
    fig.tight_layout()
    figure = save_figure(plt, fig, out / "hypervolume.png")
    ranked = {pname: sorted(p["samplers"], key=lambda n: -p["samplers"][n]["final"][0])
              for pname, p in problems.items()}
    lines += ["", "Each cell: final hypervolume, mean [95 % interval] over the searches, and the time per search. "
              "Ranked by the mean final hypervolume: " + "; ".join(f"{p}: {', '.join(r)}" for p, r in ranked.items())
              + ".", "", f"![hypervolume against evaluations]({figure.name})", ""]
    path = out / "report.md"
    path.write_text("\n".join(lines))
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m optimize.studies.bench_search", description=__doc__.split("\n")[0])
    p.add_argument("--budget", type=int, default=60, help="evaluations per search (>= 12)")
    p.add_argument("--repeats", type=int, default=5, help="independent searches per sampler and problem (>= 2)")
    p.add_argument("--samplers", nargs="+", default=list(SAMPLERS), choices=SAMPLERS)
    p.add_argument("--memory-repeats", type=int, default=3, help="searches on the memory study (0: skip it)")
    p.add_argument("--out", default="results/search", help="where report.md, summary.json and the figure go")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    for option, value, lo in (("--budget", args.budget, 12), ("--repeats", args.repeats, 2),
                              ("--memory-repeats", args.memory_repeats, 0)):
        if value < lo:
            p.error(f"{option}: {value} must be at least {lo}")
    from hrsnn.outputs import writable
    from hrsnn.provenance import provenance
    out = writable(args.out, "--out")
    problems = bench(test_problems(), tuple(args.samplers), args.budget, args.repeats, not args.quiet)
    if args.memory_repeats:
        problems.update(bench([memory_problem()], tuple(args.samplers), args.budget, args.memory_repeats,
                              not args.quiet))
    summary = {"budget": args.budget, "repeats": args.repeats, "memory_repeats": args.memory_repeats,
               "samplers": list(args.samplers), "problems": problems, "provenance": provenance()}
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    report = write_report(summary, out, "python -m optimize.studies.bench_search " + " ".join(argv or sys.argv[1:]))
    print(report.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
