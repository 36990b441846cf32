"""``hrsnn optimize`` and ``hrsnn study show|export``, registered through the ``hrsnn.commands`` entry point."""
from __future__ import annotations

import csv
import json
import math
import sys
from functools import partial
from pathlib import Path

from hrsnn.outputs import writable

from .run.store import TrialStore
from .search.study import load_study


def register(sub) -> None:
    p = sub.add_parser("optimize", help="Bayesian optimization of a study file (resumable, parallel)")
    p.add_argument("study", metavar="STUDY.toml")
    p.add_argument("--resume", action="store_true", help="continue the stored study if there is one (replays its trials)")
    p.add_argument("--workers", type=int, help="trials evaluated at a time (default: the study's 'workers')")
    p.add_argument("--calls", type=int, help="total trials (default: the study's 'calls')")
    p.add_argument("--scheduler", metavar="ADDRESS", help="send trials to this Dask scheduler (tcp://host:port)")
    p.add_argument("--dir", default="studies", help="where studies are stored (default: studies/; missing folders "
                   "are created)")
    p.add_argument("--no-baseline", action="store_true", help="skip evaluating the best config's homogeneous twin")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_optimize, writes={"dir": "dir"})

    for name, text, func in (
            ("frontier", "two-objective studies (MC or a task score against spikes): each arm's front on fresh seeds, "
             "heterogeneous vs homogeneous level by level, with a report and figures (resumes stored arms)",
             cmd_frontier),
            ("efficiency", "matched studies on the memory protocol and the development tasks, with a report (resumes "
             "stored arms)", cmd_efficiency),
            ("architecture", "SC-ML architecture search (HRMAS) and its pick against random wiring of the same "
             "synapse count on E and the development tasks, with a report (resumes stored trials)", cmd_architecture),
            ("operating-point", "candidate operating points ranked on E and the development tasks' validation splits, "
             "with a report and the pick", cmd_operating),
            ("stdp", "heterogeneous vs homogeneous STDP per rule and regime: rate needed at matched MC (and spikes at "
             "matched task score), and a CV sweep of each STDP parameter, with a report (cached)", cmd_stdp)):
        p = sub.add_parser(name, help=text)
        p.add_argument("experiment", metavar="FILE.toml")
        p.add_argument("--workers", type=int, help="trials evaluated at a time (default: the file's 'workers')")
        p.add_argument("--dir", default="studies", help="where the studies are stored (default: studies/; missing "
                       "folders are created)")
        p.add_argument("--out", default="results", help="where the report goes (default: results/; missing folders "
                       "are created)")
        p.add_argument("--quiet", action="store_true")
        if name == "frontier":
            p.add_argument("--random-state", type=int, help="the searches' random state (default: the file's): "
                           "another value reruns every search independently (use another --dir)")
            p.add_argument("--study", action="append", metavar="NAME", help="run only this study (repeatable)")
            p.add_argument("--calls", type=int, help="trials per search in every study (default: the file's): a "
                           "longer budget checks convergence; the same --dir is extended, and a shorter budget "
                           "still reads each search's own first trials")
            p.add_argument("--arm", action="append", metavar="ARM", help="run only this arm (repeatable; "
                           "heterogeneous and homogeneous at least)")
            p.add_argument("--repeats", type=int, help="independent searches per arm in every study (default: the "
                           "file's): more narrow the verdicts' intervals; the first ones are the file's own, so the "
                           "same --dir is extended")
        p.set_defaults(func=func, writes={"dir": "dir", "out": "dir"})

    p = sub.add_parser("study", help="'show' a stored study's trials and best, or 'export' them as CSV")
    p.add_argument("action", choices=("show", "export"))
    p.add_argument("name")
    p.add_argument("--dir", default="studies")
    p.add_argument("--out", help="CSV file for export (default: studies/<name>.csv; missing folders are created)")
    p.set_defaults(func=cmd_study)


def cmd_optimize(args) -> int:
    from .run.loop import run_study
    from .studies.optimize import save_outputs
    study = load_study(args.study, {"workers": args.workers, "calls": args.calls})
    if study.matched:
        return _optimize_matched(args, study)
    try:
        run = run_study(study, resume=args.resume, out_dir=args.dir, scheduler=args.scheduler,
                        progress=not args.quiet)
    except KeyboardInterrupt:
        n = len(TrialStore(Path(args.dir) / f"{study.name}.sqlite").trials())
        print(f"hrsnn: interrupted; {n} finished trials are stored. Continue with: "
              f"hrsnn optimize {args.study} --resume", file=sys.stderr)
        return 130
    summary = save_outputs(run, args.dir, with_baseline=not args.no_baseline)
    print(f"\nstudy {study.name}: {summary['trials']} trials ({summary['ok']} ok, {summary['degenerate']} "
          f"degenerate, {summary['failed']} failed), objective {study.objective}, seeds {list(study.seeds)}")
    if "best" not in summary:
        print("no successful trial: nothing to report")
        return 0
    best = summary["best"]
    print(f"best trial #{best['trial']}: " + ", ".join(f"{k} = {_fmt(v)}" for k, v in best["params"].items()))
    if "comparison" in summary:
        print(f"{'':<18} {'E (Hz/MC)':>10} {'MC':>8} {'rate (Hz)':>10}  status")
        for name, row in summary["comparison"].items():
            print(f"{name:<18} {_fmt(row['E']):>10} {_fmt(row['mc']):>8} {_fmt(row['rate_hz']):>10}  "
                  f"{row['status']} {row['reason']}")
        opt, twin = summary["comparison"]["optimized"]["E"], summary["comparison"]["homogeneous twin"]["E"]
        verdict = "lower" if opt < twin else "NOT lower"
        print(f"the optimized heterogeneous reservoir has {verdict} E than its homogeneous twin "
              f"({_fmt(opt)} vs {_fmt(twin)})")
    print(f"written: {summary['best_config']}, {', '.join(summary['plots'])}, "
          f"{Path(args.dir) / study.name / 'summary.json'}")
    return 0


def cmd_frontier(args) -> int:
    from .studies.frontier import rerun_flags, run_frontier
    overrides = {"random_state": args.random_state, "calls": args.calls, "arms": args.arm, "repeats": args.repeats}
    return _report(args, partial(run_frontier, only=args.study), "frontier", overrides,
                   rerun_flags(overrides, args.study))


def cmd_efficiency(args) -> int:
    from .studies.efficiency import run_efficiency
    return _report(args, run_efficiency, "efficiency")


def cmd_architecture(args) -> int:
    from .studies.architecture import run_architecture
    return _report(args, run_architecture, "architecture")


def cmd_operating(args) -> int:
    from .studies.operating import run_operating
    return _report(args, run_operating, "operating-point")


def cmd_stdp(args) -> int:
    from .studies.stdp import run_plasticity
    return _report(args, run_plasticity, "stdp")


def _report(args, run, command: str, overrides: dict | None = None, again: str = "") -> int:
    try:
        report = run(args.experiment, args.dir, args.out, progress=not args.quiet,
                     overrides={"workers": args.workers, **(overrides or {})})
    except KeyboardInterrupt:
        print(f"hrsnn: interrupted; finished trials are stored. Continue with: hrsnn {command} {args.experiment}"
              f"{again}", file=sys.stderr)
        return 130
    print(report.read_text())
    print(f"written: {report}")
    return 0


def _optimize_matched(args, study) -> int:
    from .report.matched import table
    from .studies.matched import run_matched, save_matched
    try:
        matched = run_matched(study, resume=args.resume, out_dir=args.dir, scheduler=args.scheduler,
                              progress=not args.quiet)
    except KeyboardInterrupt:
        print(f"hrsnn: interrupted; finished trials are stored per arm under {Path(args.dir) / study.name}/. "
              f"Continue with: hrsnn optimize {args.study} --resume", file=sys.stderr)
        return 130
    summary = save_matched(matched, args.dir)
    what = (f"task {study.task['kind']} {study.task['dataset']} ({study.task['scalar']})" if study.task
            else f"objective {study.objective}")
    print(f"\nstudy {study.name}: arms {', '.join(study.arms)}; {study.repeats} repeat(s) of {study.calls} trials; "
          f"{what}; search seeds {list(study.seeds)}, fresh seeds {list(study.eval_seeds)} "
          "(search best, fresh: mean ± std over repeats; ok: repeats non-degenerate on every fresh seed; the rest "
          "over repeats × fresh seeds)")
    print(table(summary))
    print(summary["verdict"])
    q = summary["search"]
    if q:
        print(f"search quality: after {q['after_initial_points']} initial points the GP arm's median best-so-far is "
              f"ahead of random search at {q['gp_ahead_share']:.0%} of trial counts (final {q['gp_median_final']:.4g} "
              f"vs {q['random_median_final']:.4g})")
    print(f"written: {Path(args.dir) / study.name / 'summary.json'}, {', '.join(summary['plots'])}")
    return 0


def _fmt(v) -> str:
    if isinstance(v, float):
        return "inf" if math.isinf(v) else f"{v:.4g}"
    return str(v)


COLUMNS = ("id", "status", "objective", "E", "mc", "rate_hz", "spikes", "duration_s", "started", "finished",
           "error")


def cmd_study(args) -> int:
    path = Path(args.dir) / f"{args.name}.sqlite"
    if args.action == "export":                 # refused before the store is read
        writable(args.out or Path(args.dir) / f"{args.name}.csv", "--out", "file")
    store = TrialStore(path)
    trials = store.trials()
    fields = sorted({k for t in trials for k in t.params})
    if args.action == "export":
        out = Path(args.out or Path(args.dir) / f"{args.name}.csv")
        with out.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow([*COLUMNS, *fields, "seeds"])
            for t in trials:
                w.writerow([getattr(t, c) for c in COLUMNS] + [t.params.get(k) for k in fields] + [json.dumps(t.seeds)])
        print(f"written: {out} ({len(trials)} trials)")
        return 0
    print(f"study {args.name}: {len(trials)} trials in {path}")
    head = f"{'#':>4} {'status':<10} {'objective':>10} {'E':>8} {'MC':>7} {'rate':>7} " + " ".join(
        f"{k:>18}" for k in fields)
    print(head)
    for t in trials:
        print(f"{t.id:>4} {t.status:<10} {_fmt(t.objective):>10} {_fmt(t.E):>8} {_fmt(t.mc):>7} "
              f"{_fmt(t.rate_hz):>7} " + " ".join(f"{_fmt(t.params.get(k)):>18}" for k in fields))
    ok = [t for t in trials if t.status == "ok"]
    if ok:
        best = min(ok, key=lambda t: t.objective)
        print(f"best: trial #{best.id}, objective {_fmt(best.objective)}, "
              + ", ".join(f"{k} = {_fmt(v)}" for k, v in best.params.items()))
    return 0
