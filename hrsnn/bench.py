"""``python -m hrsnn.bench``: the evaluation paths side by side, on this machine, in one run.

For each network size N, four paths evaluate E on the same reservoirs (same seed, same inputs, ``evals``
parameter sets that differ in the τ_m coefficient of variation, as an optimization study would ask), and all
four produce the same spikes:

* naive      — a fresh Brian2 runtime network (cython) per evaluation, code cache warm;
* standalone — a Brian2 ``cpp_standalone`` binary compiled once per structure, run per evaluation;
* fast       — ``hrsnn``'s default target: the Numba event-driven kernel (``hrsnn.sim.eventsim``), compiled once
  per machine, on its default threads (one per core, at least 250 neurons each);
* fast1      — the same kernel on one thread (what each of ``evaluate_many``'s worker processes gets when they
  fill every core).

The *reference* ("speed of light") is the fast path's simulation loop alone — the kernel's own time, without
drawing parameters, laying out synapses or computing states. ``fraction_of_reference`` is its time over a path's
simulation of the same network (the same work, plus that bookkeeping); ``fraction_of_reference_eval`` is its
time over the path's whole evaluation, which also fits the memory-capacity readouts.

Each path runs in subprocesses of its own, so that its peak memory is its own: ``rounds`` of them per size, the
paths taking turns, each timing its share of the evaluations after a first (compiling / warm-up) one, which is
reported separately. Times are medians over all timed evaluations.
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .errors import ConfigError

PATHS = ("naive", "standalone", "fast", "fast1")


def bench_config(n: int):
    from .model.config import ReservoirConfig
    return ReservoirConfig().with_updates({
        "n_neurons": n, "task.train_steps": 100, "task.eval_steps": 400, "task.washout": 20, "task.k_max": 20})


def _simulate(path: str, cfg, seed, u_tr, u_ev):
    """One simulation (STDP then frozen phase): the frozen run, the parameters and the kernel's own time."""
    if path == "naive":
        from .sim.network import Reservoir
        res = Reservoir(cfg, seed=seed, target="cython")
        res.train_stdp(u_tr)
        return res.run(u_ev), res.params, None
    if path == "standalone":
        from .sim.standalone import default_engine
        _, run, params = default_engine().run(cfg, seed, u_tr, u_ev)
        return run, params, None
    from .sim.eventsim import run_eventsim
    train, run, params, _ = run_eventsim(cfg, seed, u_tr, u_ev, threads=1 if path == "fast1" else None)
    return run, params, train.wall_s + run.wall_s


def run_path(path: str, n: int, evals: int, rounds: int = 1, round_: int = 0, seed: int = 0) -> dict:
    """Time one path (in this process) on round ``round_`` of ``rounds`` of the ``evals`` parameter sets,
    after one untimed (compiling / warm-up) evaluation, whose time is reported apart."""
    from .measure.evaluate import memory_input, score_run
    base = bench_config(n)
    u_tr, u_ev = memory_input(base, seed)
    cvs = [0.0, *np.linspace(0.0, 1.5, evals + 1)[1:][round_::rounds]]
    sim, total, kernel, events, spikes = [], [], [], [], []
    for cv in cvs:
        cfg = base.with_updates({"neuron.tau_m.cv": float(cv)})
        t0 = time.perf_counter()
        run, params, kernel_s = _simulate(path, cfg, seed, u_tr, u_ev)
        t1 = time.perf_counter()
        result = score_run(cfg, params, seed, run, u_ev, 0, 0.0)
        t2 = time.perf_counter()
        sim.append(t1 - t0)
        total.append(t2 - t0)
        kernel.append(kernel_s)
        # synaptic events of both phases: every spike reaches the neuron's recurrent out-degree targets
        events.append(result.synaptic_events * (len(u_tr) + len(u_ev)) / len(u_ev))
        spikes.append(result.spikes)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"path": path, "n_neurons": n, "round": round_, "first_s": total[0], "eval_s": total[1:],
            "sim_s": sim[1:], "kernel_s": kernel[1:], "events": events[1:], "spikes": spikes[1:],
            "simulated_s": (len(u_tr) + len(u_ev)) * base.input.step * 1e-3,
            "n_synapses": int(params.n_synapses), "peak_mem_mb": max(own, children) / 1024.0}


def merge_rounds(parts: list[dict]) -> dict:
    """One path's rounds (in round order) as medians over all their timed evaluations."""
    def median(key):
        values = [v for p in parts for v in p[key]]
        return statistics.median(values) if values and values[0] is not None else None
    first = parts[0]
    return {"path": first["path"], "n_neurons": first["n_neurons"], "first_s": first["first_s"],
            "eval_s": median("eval_s"), "sim_s": median("sim_s"), "kernel_s": median("kernel_s"),
            "events_per_eval": median("events"), "spikes_per_eval": median("spikes"),
            "simulated_s": first["simulated_s"], "n_synapses": first["n_synapses"],
            "peak_mem_mb": max(p["peak_mem_mb"] for p in parts)}


def default_evaluation(repeats: int) -> dict:
    """Wall time of ``hrsnn.evaluate()`` on the default config and target, seed 0, after one warm-up."""
    from .measure.evaluate import evaluate
    from .model.config import ReservoirConfig
    config = ReservoirConfig()
    evaluate(config, 0)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = evaluate(config, 0)
        times.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(times), "min_s": min(times), "repeats": len(times),
            "simulated_s": (config.task.train_steps + config.task.eval_steps) * config.input.step * 1e-3,
            "E": result.E}


def _subprocess(path: str, n: int, evals: int, rounds: int = 1, round_: int = 0) -> dict:
    proc = subprocess.run([sys.executable, "-m", "hrsnn.bench", "--one", path, "--n", str(n),
                           "--evals", str(evals), "--rounds", str(rounds), "--round", str(round_)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"bench {path} N={n} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hrsnn.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000])
    parser.add_argument("--evals", type=int, default=10, help="timed evaluations per path and size")
    parser.add_argument("--rounds", type=int, default=2,
                        help="split each path's evaluations over this many processes, the paths taking turns, "
                             "so that a slow spell of the machine does not fall on one path only")
    parser.add_argument("--out", default="results/bench.json")
    parser.add_argument("--one", choices=(*PATHS, "default"), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.evals < 1:
        parser.error(f"--evals: {args.evals} must be at least 1")
    for n in args.sizes if args.n is None else [args.n]:
        try:
            bench_config(n)
        except ConfigError as e:
            parser.error(f"--sizes: {e}")
    if not 1 <= args.rounds <= args.evals:
        parser.error(f"--rounds: {args.rounds} must be between 1 and --evals ({args.evals})")
    if args.one:
        from .parallel import exit_with_parent
        exit_with_parent()
        out = (default_evaluation(args.evals) if args.one == "default"
               else run_path(args.one, args.n, args.evals, args.rounds, args.round))
        print(json.dumps(out))
        return 0

    from tqdm.auto import tqdm
    # the kernel compiles once per machine, here, in a process of its own: no timed process's peak memory then
    # includes the compiler's
    warm = _subprocess("fast1", args.sizes[0], 1)
    rows, raw = [], []
    jobs = [(n, k, p) for n in args.sizes for k in range(args.rounds) for p in PATHS]
    for n, k, path in tqdm(jobs, desc="bench", unit="run"):
        raw.append(_subprocess(path, n, args.evals, args.rounds, k))
    from .sim.eventsim import default_threads
    threads = {n: default_threads(n) for n in args.sizes}
    for n in args.sizes:
        r = {p: merge_rounds([x for x in raw if x["n_neurons"] == n and x["path"] == p]) for p in PATHS}
        naive, alone, fast, fast1 = r["naive"], r["standalone"], r["fast"], r["fast1"]
        agree = len({r[p]["spikes_per_eval"] for p in PATHS}) == 1
        if not agree:
            print(f"WARNING N={n}: the paths disagree on the median spike count "
                  f"({', '.join(str(r[p]['spikes_per_eval']) for p in PATHS)})", file=sys.stderr)
        ref = fast["kernel_s"]
        rows.append({
            "n_neurons": n, "n_synapses": fast["n_synapses"], "simulated_s": fast["simulated_s"],
            "naive_s": naive["eval_s"], "standalone_s": alone["eval_s"], "fast_s": fast["eval_s"],
            "reference_s": ref, "naive_first_s": naive["first_s"], "standalone_compile_s": alone["first_s"],
            "fast_first_s": fast["first_s"], "fast_threads": threads[n], "fast_1thread_s": fast1["eval_s"],
            "speedup_vs_naive": naive["eval_s"] / fast["eval_s"],
            "speedup_vs_naive_1thread": naive["eval_s"] / fast1["eval_s"],
            "standalone_speedup_vs_naive": naive["eval_s"] / alone["eval_s"],
            "fraction_of_reference": ref / fast["sim_s"],
            "standalone_fraction_of_reference": ref / alone["sim_s"],
            "fraction_of_reference_eval": ref / fast["eval_s"],
            "events_per_s": {p: r[p]["events_per_eval"] / r[p]["sim_s"] for p in PATHS},
            "sim_s_per_wall_s": {p: r[p]["simulated_s"] / r[p]["eval_s"] for p in PATHS},
            "peak_mem_mb": {p: r[p]["peak_mem_mb"] for p in PATHS},
            "spikes_per_eval": fast["spikes_per_eval"], "spikes_agree": agree,
        })
    syn = np.log([row["n_synapses"] for row in rows])
    slope = float(np.polyfit(syn, np.log([row["fast_s"] for row in rows]), 1)[0]) if len(rows) > 1 else None
    report = {"machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine(),
                          "cores": __import__("os").cpu_count()},
              "protocol": "100 STDP + 400 evaluation steps of 5 ms (2.5 s simulated), dt 0.1 ms, default config",
              "reference": "the fast path's simulation kernel alone (no parameter draw, synapse layout, states or "
                           "readout); ref/x sim = over x's simulation, ref/fast eval = over its whole evaluation",
              "kernel_first_s": warm["first_s"],
              "evals_per_path": args.evals, "rounds": args.rounds, "sizes": rows, "cost_exponent_vs_synapses": slope,
              "default_evaluation": _subprocess("default", 1000, args.evals), "raw": raw}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))

    print(f"\n{report['protocol']}; medians of {args.evals} evaluations in {args.rounds} rounds (the first of "
          f"each, compiling or warming up, apart); "
          f"ref = {report['reference']}")
    head = (f"{'N':>5} {'synapses':>9} {'naive s':>8} {'standalone s':>12} {'fast s':>7} {'ref s':>6} "
            f"{'threads':>7} {'fast 1t s':>9} {'fast/naive':>10} {'fast1/naive':>11} {'standalone/naive':>16} "
            f"{'ref/fast sim':>12} {'ref/fast eval':>13} "
            f"{'ref/standalone sim':>18} "
            f"{'compile s':>9} {'sim s/wall s':>12} {'events/s':>9} {'peak MB n/s/f':>13}")
    print(head)
    print("-" * len(head))
    for row in rows:
        mem = "/".join(f"{row['peak_mem_mb'][p]:.0f}" for p in PATHS)
        print(f"{row['n_neurons']:>5} {row['n_synapses']:>9} {row['naive_s']:>8.2f} {row['standalone_s']:>12.2f} "
              f"{row['fast_s']:>7.2f} {row['reference_s']:>6.2f} {row['fast_threads']:>7} "
              f"{row['fast_1thread_s']:>9.2f} {row['speedup_vs_naive']:>9.1f}x "
              f"{row['speedup_vs_naive_1thread']:>10.1f}x "
              f"{row['standalone_speedup_vs_naive']:>15.1f}x {row['fraction_of_reference']:>12.2f} "
              f"{row['fraction_of_reference_eval']:>13.2f} {row['standalone_fraction_of_reference']:>18.2f} "
              f"{row['standalone_compile_s']:>9.1f} "
              f"{row['sim_s_per_wall_s']['fast']:>12.2f} {row['events_per_s']['fast']:>9.3g} {mem:>13}")
    if slope is not None:
        print(f"fast-path cost ∝ synapses^{slope:.2f} over N = {args.sizes[0]}…{args.sizes[-1]}")
    print(f"kernel compile or cache load (first evaluation of a process before the timed ones): "
          f"{report['kernel_first_s']:.1f} s")
    d = report["default_evaluation"]
    print(f"default evaluation (hrsnn.evaluate(), N = 1000, {d['simulated_s']:g} s simulated, seed 0): "
          f"median {d['median_s']:.2f} s, min {d['min_s']:.2f} s over {d['repeats']} (after one warm-up)")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
