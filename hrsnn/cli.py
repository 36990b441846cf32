"""Command line: ``hrsnn evaluate``, ``hrsnn compare``, ``hrsnn config show|fields``."""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

from .errors import HRSNNError
from .model.config import ReservoirConfig, field_docs
from .model.nirgraph import FORMS
from .outputs import writable
from .sim.targets import TARGETS


def parse_value(text: str):
    """A --set value: any TOML value (number, string, bool, inline table), else the raw text ("20 ms")."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def set_updates(args) -> dict:
    """The ``--set FIELD=VALUE`` options as dotted updates."""
    updates = {}
    for item in args.set or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise HRSNNError(f"--set {item!r}: expected dotted.field=VALUE")
        updates[key.strip()] = parse_value(value.strip())
    return updates


def load_config(args) -> ReservoirConfig:
    config = ReservoirConfig.load(args.config) if args.config else ReservoirConfig()
    updates = set_updates(args)
    return config.with_updates(updates) if updates else config


def _config_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="TOML or JSON config file (default: the built-in default)")
    p.add_argument("--set", action="append", metavar="FIELD=VALUE",
                   help="override a field, e.g. --set neuron.tau_m.cv=0.8 --set input.step='10 ms'")


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", default="auto", choices=TARGETS,
                   help="numba: event-driven kernel, no per-network compilation (the default for current input); "
                        "standalone: Brian2 binary compiled per structure; cython/numpy: Brian2 runtime")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def cmd_evaluate(args) -> int:
    from .measure.evaluate import evaluate, evaluate_rate
    config = load_config(args)
    if args.homogeneous:
        config = config.homogeneous()
    seed = config.seed if args.seed is None else args.seed
    if args.model == "hrsnn":
        result = evaluate(config, seed=seed, target=args.target, progress=not args.quiet)
    else:
        result = evaluate_rate(config, seed=seed, heterogeneous=args.model == "rate")
    out = Path(args.out or f"results/evaluate_seed{seed}.json")
    result.save(out)
    if args.json:
        print(json.dumps({k: v for k, v in result.to_dict().items() if k != "config"}))
        return 0
    cap = "(MC + ipc)" if config.task.capacity == "ipc" else "MC"
    rows = [("memory capacity MC", f"{result.memory_capacity:.3f}"),
            *([("nonlinear capacity (ipc)", f"{result.nonlinear_capacity:.3f}")]
              if config.task.capacity == "ipc" else []),
            ("mean rate (Hz/neuron)", f"{result.rate_hz:.3f}"),
            ("rate spread (CV over neurons)", f"{result.rate_cv:.3f}"),
            ("spikes (eval run)", f"{result.spikes}"),
            ("synaptic events", f"{result.synaptic_events}"),
            (f"E = rate / {cap} (Hz)", f"{result.E:.4g}"),
            (f"E_raw = spikes / {cap}", f"{result.E_raw:.4g}"),
            ("E→E weights after STDP", f"mean {result.weight_mean:.4g}, std {result.weight_std:.4g}"),
            ("degenerate", result.reason or "no"),
            ("seed", f"{result.seed}"), ("wall (s)", f"{result.wall_s:.1f}")]
    if args.model != "hrsnn":               # a rate network: no spikes, no E
        rows = [*rows[:1 + (config.task.capacity == "ipc")],
                ("model", f"{args.model} (reservoirpy rate reservoir; no spikes, E undefined)"), *rows[-3:]]
    width = max(len(r[0]) for r in rows)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in rows))
    print(f"written: {out}")
    return 0


def cmd_compare(args) -> int:
    from .measure.compare import compare
    from .measure.plots import comparison_figure
    config = load_config(args)
    comparison = compare(config, args.seeds, models=args.models, target=args.target,
                         progress=not args.quiet, keep_runs=True, workers=args.workers)
    out = Path(args.out)
    comparison.save(out / "compare.json")
    figure = comparison_figure(comparison, out / "compare.png")
    print(f"\nN = {config.n_neurons}, k_max = {config.task.k_max}, seeds = {args.seeds} "
          f"(mean ± std over seeds; E = mean rate / MC, lower is better)")
    print(comparison.table())
    print(f"written: {out / 'compare.json'}, {figure}")
    return 0


def _cell_output(args, result) -> int:
    if args.json:
        d = result.to_dict()
        print(json.dumps({"dataset": d["dataset"], "model": d["model"], d["metric"]: d["score"],
                          f"train_{d['metric']}": d["train_score"], "spikes_per_sample": d["spikes_per_sample"],
                          "rate_hz": d["rate_hz"], "E": d["E"], "memory_capacity": d["memory_capacity"],
                          "seed": d["seed"], "n_train": d["n_train"], "n_test": d["n_test"], "split": d["split"],
                          "wall_s": d["wall_s"]}))
        return 0
    unit = "sequence" if result.task == "classify" else "step"
    rows = [(f"test {result.metric}", f"{result.score:.4f}"), (f"train {result.metric}", f"{result.train_score:.4f}"),
            (f"spikes per {unit}", f"{result.spikes_per_sample:.4g}"), ("mean rate (Hz)", f"{result.rate_hz:.3f}"),
            ("E = rate / MC (memory protocol)", "–" if result.E is None else f"{result.E:.4g}"),
            ("seed", str(result.seed)), ("wall (s)", f"{result.wall_s:.1f}")]
    width = max(len(r[0]) for r in rows)
    print(f"{result.model} on {result.dataset} ({result.n_train} train / {result.n_test} test: {result.split})")
    print("\n".join(f"{k:<{width}}  {v}" for k, v in rows))
    return 0


def _model_config(args, dataset: str):
    """(model kind, config, label): a shipped pick (``hrsnn-bo``, ``mrsnn-bo``) runs its config, with ``--set``
    applied on top; any other model runs ``--config`` / ``--set``."""
    from .tasks.picks import PICKS, load_pick
    if args.model not in PICKS:
        return args.model, load_config(args), args.model
    if args.config:
        raise HRSNNError(f"--config: {args.model} runs its shipped pick; change it with --set")
    config, source = load_pick(args.model, dataset)
    print(f"{args.model}: {source}", file=sys.stderr)
    return "hrsnn", config.with_updates(set_updates(args)), args.model


def cmd_classify(args) -> int:
    from .tasks.cells import classify
    model, config, label = _model_config(args, args.dataset)
    result = classify(args.dataset, model=model, config=config, seed=args.seed, label=label,
                      max_train=args.max_train, max_test=args.max_test, with_e=not args.no_e,
                      test_dataset=args.test_dataset, test_fraction=args.test_fraction, pool=args.pool,
                      n_bins=args.n_bins,
                      input_features=not args.no_input_features,
                      gap=args.gap, length=args.length, target=args.target, progress=not args.quiet)
    return _cell_output(args, result)


def cmd_predict(args) -> int:
    from .tasks.cells import predict
    model, config, label = _model_config(args, args.task)
    result = predict(args.task, model=model, config=config, seed=args.seed, label=label, n_steps=args.n_steps,
                     horizon=args.horizon, washout=args.washout, with_e=not args.no_e, target=args.target,
                     input_features=not args.no_input_features,
                     progress=not args.quiet)
    return _cell_output(args, result)


def cmd_datasets(args) -> int:
    from .tasks.datasets import classification_names, series_names
    print("classification (aeon, offline):", ", ".join(classification_names()))
    print("prediction (generated):        ", ", ".join(series_names()))
    return 0


def cmd_battery(args) -> int:
    import numpy as np

    from .tasks.battery import FAMILIES, FLOOR, TWINS, compare, run_battery
    config = load_config(args)
    twin = args.against or TWINS.get(args.model)
    runs = {m: run_battery(m, config, args.seeds, args.n_steps, args.families or FAMILIES, args.target)
            for m in [args.model] + ([twin] if twin else [])}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    names = list(runs[args.model])
    with (out / "battery.csv").open("w") as f:
        f.write("task," + ",".join(f"{m}_mean,{m}_std" for m in runs) + "\n")
        for n in names:
            f.write(n + "," + ",".join(f"{np.mean(r[n]):.6g},{np.std(r[n]):.6g}" for r in runs.values()) + "\n")
    summary = {"seeds": args.seeds, "n_steps": args.n_steps, "scores": runs}
    if twin:
        summary["comparison"] = c = compare(runs[args.model], runs[twin])
    (out / "battery.json").write_text(json.dumps(summary, indent=1))
    print(f"{len(names)} tasks, seeds {args.seeds}, N = {config.n_neurons} (score: corr² on held-out steps; total "
          f"= capacity summed over tasks)")
    if twin:
        print(f"{'family':<10} {args.model:>12} {twin:>12}")
        for fam, (x, y) in c["families"].items():
            print(f"{fam:<10} {x:>12.3f} {y:>12.3f}")
        print(f"{args.model} beats {twin} on {c['wins']} of {c['tasks']} tasks ({c['win_share']:.0%}; by more than "
              f"the noise floor {FLOOR:g}: {c['clear_wins']} wins, {c['clear_losses']} losses); median "
              f"relative gain {c['median_relative_gain']:+.1%}; loses most on "
              + ", ".join(f"{n} ({x:.3f} vs {y:.3f})" for n, x, y in c["worst"]))
    print(f"written: {out / 'battery.csv'}, {out / 'battery.json'}")
    return 0


def cmd_sweep(args) -> int:
    import numpy as np

    from .tasks.battery import STREAM_FAMILIES, TWINS
    from .tasks.sweeps import smallest_match, sweep, sweep_plot
    config = load_config(args)
    twin = args.against or TWINS.get(args.model)
    models = [args.model] + ([twin] if twin else [])
    families = args.families or STREAM_FAMILIES
    result = sweep(args.kind, models, config, args.values, args.seeds, args.n_steps, families, args.target,
                   train_fraction=args.train_fraction)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{args.kind}.json").write_text(json.dumps({"seeds": args.seeds, "families": families,
                                                       "totals": {m: {str(v): r for v, r in rows.items()}
                                                                  for m, rows in result.items()}}, indent=1))
    figure = sweep_plot(args.kind, result, out / f"{args.kind}.png")
    print(f"{args.kind} sweep, seeds {args.seeds}: battery capacity (Σ corr² over {len(families)} "
          f"families), mean ± std over seeds")
    print(f"{'value':>8} " + " ".join(f"{m:>16}" for m in models))
    for v in result[args.model]:
        print(f"{v:>8g} " + " ".join(f"{np.mean(result[m][v]):>8.2f} ± {np.std(result[m][v]):<5.2f}" for m in models))
    if twin and args.kind == "size":
        match = smallest_match(result[args.model], result[twin])
        print(f"smallest {args.model} that matches the largest {twin} ({max(result[twin])} units): "
              + (f"{match} units" if match is not None else "none of the sizes swept"))
    intact = 1.0 if 1.0 in result[args.model] else max(result[args.model])
    if args.kind == "scale" and 0.0 in result[args.model]:
        for m in models:
            print(f"{m}: {np.mean(result[m][0.0]):.2f} with the recurrence removed vs "
                  f"{np.mean(result[m][intact]):.2f} at scale {intact:g}")
    print(f"written: {out / (args.kind + '.json')}, {figure}")
    return 0


def cmd_quenched(args) -> int:
    from .tasks.quenched import QUICK, Plan, run_quenched
    report = run_quenched(load_config(args), QUICK if args.quick else Plan(), args.out, args.target)
    print(report.read_text())
    print(f"written: {report}")
    return 0


def cmd_reproduce(args) -> int:
    from .tasks.reproduce import load_experiment, run_experiment
    report = run_experiment(load_experiment(args.experiment), parts=args.part, out_dir=args.out,
                            progress=not args.quiet)
    print(report.read_text())
    print(f"written: {report}")
    return 0


def _cell_args(p: argparse.ArgumentParser) -> None:
    from .tasks.estimators import MODELS
    from .tasks.picks import PICKS
    _config_args(p)
    _run_args(p)
    p.add_argument("--model", default="hrsnn", choices=(*MODELS, *PICKS),
                   help="hrsnn (the config), mrsnn/henhos/honhes (its ablations), esn (reservoirpy), rate/rate-hom "
                        "(reservoirpy rate reservoirs with the config's τ_m sample / its mean), rpy-lif "
                        "(reservoirpy's LIF node), linear; "
                        "hrsnn-bo/mrsnn-bo: the heterogeneous / homogeneous front knees of make frontier, the data "
                        "set's own front where make frontier has one (its six development tasks), else the memory "
                        "protocol's (N = 1000, chosen on no task, so no other set's test data steers it; it fires "
                        "more than the default: scale it with --set)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-e", action="store_true", help="skip the memory-protocol E evaluation")
    p.add_argument("--no-input-features", action="store_true",
                   help="the readout sees the reservoir's states only, not the input beside them")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def cmd_export_nir(args) -> int:
    from .tasks.export import export_nir
    config = load_config(args)
    seed = config.seed if args.seed is None else args.seed
    path = export_nir(config, seed, args.out, approximate=args.approximate, delay_step=args.delay_step,
                      target=args.target, form=args.form, n_channels=args.channels)
    print(f"written: {path} (N = {config.n_neurons}, seed {seed}, {args.form} form; read it with nir.read)")
    return 0


def cmd_config(args) -> int:
    if args.action == "fields":
        for name, unit, allowed, doc in field_docs():
            print(f"{name:<24} {unit:<5} {allowed:<24} {doc}")
        return 0
    config = load_config(args)
    if args.format == "json":
        print(json.dumps(config.to_dict(), indent=2))
    else:
        print(config.to_toml(), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hrsnn", description="Spike-efficient heterogeneous recurrent "
                                     "spiking neural networks: build, train (STDP) and measure E = rate / MC.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("evaluate", help="evaluate one reservoir: MC, rate, E (table + JSON)")
    _config_args(p)
    _run_args(p)
    p.add_argument("--seed", type=int, help="seed of network, parameters and input (default: config.seed)")
    p.add_argument("--homogeneous", action="store_true", help="evaluate the homogeneous twin (same means)")
    p.add_argument("--model", default="hrsnn", choices=("hrsnn", "rate", "rate-hom"),
                   help="the spiking reservoir, or reservoirpy's rate reservoir with its τ_m sample (rate) or mean "
                        "(rate-hom): MC only, a rate network has no spikes")
    p.add_argument("--out", metavar="FILE", help="JSON result file (default results/evaluate_seed<N>.json)" + CREATED)
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.set_defaults(func=cmd_evaluate, writes={"out": "file"})

    p = sub.add_parser("compare", help="heterogeneous vs homogeneous (and ablations) over seeds, with a plot")
    _config_args(p)
    _run_args(p)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--models", nargs="+", default=["HRSNN", "MRSNN"],
                   help="any of HRSNN MRSNN HeNHoS HoNHeS (default: HRSNN MRSNN)")
    p.add_argument("--workers", type=int, help="parallel evaluations (default: all cores)")
    p.add_argument("--out", default="results/compare", metavar="DIR", help="where the table and plot go" + CREATED)
    p.set_defaults(func=cmd_compare, writes={"out": "dir"})

    p = sub.add_parser("config", help="'show' the (default) config in file format, or list 'fields'")
    p.add_argument("action", choices=("show", "fields"))
    _config_args(p)
    p.add_argument("--format", choices=("toml", "json"), default="toml")
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("classify", help="one model on one classification set: accuracy, spikes, E")
    _cell_args(p)
    p.add_argument("--dataset", required=True, help="an aeon-shipped set (see `hrsnn datasets`), a .ts file, or a "
                   ".h5 spike-event file (Spiking Heidelberg Digits layout)")
    p.add_argument("--pool", type=int, default=1, help="spike-event files: neighbouring channels summed (SHD has "
                   "700; --pool 10 gives 70 inputs)")
    p.add_argument("--test-dataset", metavar="PATH", help="test .ts file (default: the set's test file, the "
                   "…_TEST.ts sibling of a …_TRAIN.ts path, else a stratified hold-out of the one file)")
    p.add_argument("--test-fraction", type=float, default=0.3,
                   help="share of a single file held out for test when it has no test file (default 0.3)")
    p.add_argument("--n-bins", type=int, default=3, help="time bins the states are averaged over")
    p.add_argument("--gap", type=int, default=10, help="rest steps between sequences")
    p.add_argument("--length", type=int, help="resample sequences to this many steps")
    p.add_argument("--max-train", type=int, help="use a subset of this many training sequences")
    p.add_argument("--max-test", type=int, help="use a subset of this many test sequences")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("predict", help="one model on one prediction task: NRMSE, spikes, E")
    _cell_args(p)
    p.add_argument("--task", required=True, help="a series name (see `hrsnn datasets`), e.g. mackey_glass")
    p.add_argument("--n-steps", type=int, default=3000)
    p.add_argument("--horizon", type=int, default=1, help="steps ahead to predict")
    p.add_argument("--washout", type=int, default=100)
    p.set_defaults(func=cmd_predict)

    from .tasks.battery import FAMILIES
    from .tasks.estimators import MODELS
    def battery_args(p: argparse.ArgumentParser, out: str) -> None:
        _config_args(p)
        _run_args(p)
        p.add_argument("--model", default="hrsnn", choices=[m for m in MODELS if m not in ("linear", "delay-line")])
        p.add_argument("--against", help="the model to compare with (default: the model's homogeneous twin)")
        p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
        p.add_argument("--n-steps", type=int, default=3000, help="length of the input stream")
        p.add_argument("--families", nargs="+", choices=FAMILIES,
                       help="task families (default: all for battery, the i.i.d.-stream ones for sweep)")
        p.add_argument("--out", default=out, metavar="DIR", help="where the results go" + CREATED)
        p.set_defaults(writes={"out": "dir"})

    p = sub.add_parser("battery", help="score a model (and its homogeneous twin) on 247 temporal tasks")
    battery_args(p, "results/battery")
    p.set_defaults(func=cmd_battery)

    p = sub.add_parser("sweep", help="size or recurrent-weight-scale sweep of a model and its twin on the battery")
    p.add_argument("kind", choices=("size", "scale"))
    battery_args(p, "results/sweeps")
    p.add_argument("--values", type=float, nargs="+", required=True,
                   help="sizes (units, >= 2) or scales of the recurrent weights (>= 0; 0 removes the recurrence)")
    p.add_argument("--train-fraction", type=float, default=1.0,
                   help="fit the readouts on this share of the training steps (0 < f <= 1; less data)")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("quenched", help="the quenched-disorder claims (battery, size and weight sweeps) with verdicts")
    _config_args(p)
    _run_args(p)
    p.add_argument("--quick", action="store_true", help="the small version (N = 60, fewer sizes, seeds and tasks)")
    p.add_argument("--out", default="results/quenched", metavar="DIR", help="where the report goes" + CREATED)
    p.set_defaults(func=cmd_quenched, writes={"out": "dir"})

    p = sub.add_parser("export-nir", help="write the drawn reservoir, after its unsupervised phase, as a NIR graph")
    _config_args(p)
    p.add_argument("--seed", type=int, help="seed of the reservoir (default: config.seed)")
    p.add_argument("--out", required=True, metavar="FILE.nir", help="the NIR (HDF5) file to write" + CREATED)
    p.add_argument("--approximate", action="store_true",
                   help="drop what NIR cannot say (the refractory period), listed in the graph's metadata")
    p.add_argument("--delay-step", type=float, metavar="MS",
                   help="with --approximate: round the delays to multiples of MS (fewer dense delay groups)")
    p.add_argument("--target", default="auto", choices=TARGETS, help="simulator of the unsupervised phase")
    p.add_argument("--channels", type=int, default=1, metavar="C",
                   help="input channels (event data: its channel count; needs stdp.enabled = false)")
    p.add_argument("--form", default="delays", choices=FORMS,
                   help="delays: LIF, LI synapse and Delay nodes (NIR's continuous time); cubalif: one CubaLIF with a "
                        "delay-free recurrent Linear, as snnTorch and Norse import (needs event input, delays = dt)")
    p.set_defaults(func=cmd_export_nir, writes={"out": "file"})

    p = sub.add_parser("datasets", help="list the classification sets and prediction series available offline")
    p.set_defaults(func=cmd_datasets)

    p = sub.add_parser("reproduce", help="run an experiment file (models × datasets × seeds) and write its report")
    p.add_argument("experiment", help="experiment TOML, e.g. experiments/reproduce.toml")
    p.add_argument("--part", nargs="+", default=["classify", "predict"], choices=("classify", "predict"))
    p.add_argument("--out", default="results", metavar="DIR", help="where the report goes" + CREATED)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_reproduce, writes={"out": "dir"})

    for ep in entry_points(group="hrsnn.commands"):   # e.g. the optimize package's commands
        ep.load()(sub)
    return parser


CREATED = " (missing folders are created)"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        for option, kind in getattr(args, "writes", {}).items():    # refused before any work is done
            if getattr(args, option, None):
                writable(getattr(args, option), f"--{option}", kind)
        return args.func(args)
    except HRSNNError as e:
        print(f"hrsnn: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hrsnn: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:             # output piped into a reader that stopped early (| head)
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
