"""``python -m hrsnn.bench``: the evaluation paths side by side, on this machine, in one run.

For each network size N, four paths evaluate E on the same reservoirs (same seed, same inputs, ``evals``
parameter sets that differ in the τ_m coefficient of variation, as an optimization study would ask), and all
four produce the same spikes:

* naive      — a fresh Brian2 runtime network per evaluation (``--naive-target``: cython, code cache warm, or
  numpy, which compiles nothing);
* standalone — a Brian2 ``cpp_standalone`` binary compiled once per structure, run per evaluation;
* fast       — ``hrsnn``'s default target: the Numba event-driven kernel (``hrsnn.sim.eventsim``), compiled once
  per machine, on its default threads (one per core, at least 250 neurons each);
* fast1      — the same kernel on one thread (what each of ``evaluate_many``'s worker processes gets when they
  fill every core).

``--large`` sizes (default 5 000 … 100 000) run the fast path alone on SC-ML reservoirs (``large_config``)
with the default protocol (500 STDP + 2000 evaluation steps), and ``--driven`` sizes the same at the input-driven
operating point (``driven_config``: about twice the events), against three goals: cost linear in synapses
(exponent ≤ 1.05), an N = 100 000 evaluation within 60 s, and the memory an evaluation adds to its process
(peak minus the resident size after a tiny warm-up evaluation) within 3× ``synapse_bytes``.

The *reference* ("speed of light") is the fast path's simulation loop alone — the kernel's own time, without
drawing parameters, laying out synapses or computing states. ``fraction_of_reference`` is its time over a path's
simulation of the same network (the same work, plus that bookkeeping); ``fraction_of_reference_eval`` is its
time over the path's whole evaluation, which also fits the memory-capacity readouts.

The *roofline* is what this machine allows at all, measured in the same run: the time of a streaming triad
(``a = b + s·c`` over float64 arrays the size of a thread's share of the neurons, every thread at once) per element,
and of a scattered add (``acc[i] += x`` at random i into such an array) per event. A perfect kernel would need
``STATE_STREAMS`` triads per neuron per time step and one scattered add per synaptic event (``roofline_seconds``);
``fraction_of_roofline`` is that time over the fast path's kernel time. The large sizes also run the same network
once without input (``silent_kernel_s``: the neuron steps, hardly any events), which splits the kernel in two, each
against its own bound: the neuron steps against ``EXACT_STREAMS`` triads per neuron and step (the traffic of an
update that keeps Brian2's arithmetic on a heterogeneous network), the rest against the scattered adds
(``neurons_fraction``, ``events_fraction``, ``fraction_of_exact_roofline``), and a ring queue with the size's events
per step is timed alone and beside a pass over the neuron state (``queue_costs``). Above one SC-ML layer, the memory is
also given beyond the fixed overheads: (peak − the peak of one layer of the same protocol, run first in the same
process) over (synapse bytes − that layer's), ``marginal_memory_over_synapses``; the memory goal reads it there.

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


def protocol(config) -> str:
    """The protocol a config runs, as the bench prints it (from its task, input step and dt)."""
    t = config.task
    simulated = (t.train_steps + t.eval_steps) * config.input.step * 1e-3
    return (f"{t.train_steps} STDP + {t.eval_steps} evaluation steps of {config.input.step:g} ms "
            f"({simulated:g} s simulated), dt {config.dt:g} ms")


LAYER = 2500
"""Neurons per SC-ML layer in ``large_config``: layers are added as N grows, so synapses grow as N."""
SYNAPSE_BYTES = {"ee": 4 + 4 + 6 * 8 + 64 + 8 + 4, "static": 4 + 4 + 8 + 8 + 8 + 4}
"""Bytes per synapse that a simulation must hold. E→E: the drawn pre, post (int32), delay, weight, τ₊, τ₋, A₊, A₋
(float64) and the kernel's SYNAPSE record (64), ARRIVAL record (8) and delay in steps (int32): 132. Static: pre,
post, delay, current jump, ARRIVAL, delay in steps: 36."""
GOALS = {"exponent": 1.05, "eval_s_at_100000": 60.0, "memory_over_synapses": 3.0}


def large_config(n: int):
    """The large-size protocol: SC-ML layers of ``LAYER`` neurons in motifs of 25 (≈ 110 synapses per neuron),
    STDP on, the default task."""
    from .model.config import ReservoirConfig
    return ReservoirConfig().with_updates({"n_neurons": n, "topology.kind": "scml",
                                           "topology.layers": max(1, n // LAYER), "topology.motif_size": 25})


DRIVEN = {"input.scale": 300.0, "input.bias": 100.0, "neuron.tau_m": {"dist": "gamma", "mean": 40.0, "cv": 1.0},
          "neuron.v_th": -50.0, "synapses.j_ee": 20.0, "synapses.j_ie": 80.0}
"""The input-driven operating point (a subthreshold bias under a strong input, slow membranes, stronger E→E): about
twice the default's rate and synaptic events."""


def driven_config(n: int):
    """``large_config`` at the input-driven operating point ``DRIVEN``."""
    return large_config(n).with_updates(DRIVEN)


LARGE = {"default": large_config, "driven": driven_config}
"""The large-size protocols by name: the fast path alone, one row per size."""


def synapse_bytes(params) -> int:
    """``SYNAPSE_BYTES`` summed over a reservoir's synapses."""
    return SYNAPSE_BYTES["ee"] * len(params.ee_pre) + SYNAPSE_BYTES["static"] * len(params.st_pre)


def _rss_mb(who=resource.RUSAGE_SELF) -> float:
    """Peak resident size of this process (or of its finished children), MB."""
    return resource.getrusage(who).ru_maxrss / 1024.0


STATE_STREAMS = 2
"""Float64 neuron-state arrays a kernel must stream per time step (membrane potential and synaptic current: each
read, decayed, added to and written back, a triad's traffic)."""
EXACT_STREAMS = 3
"""Triads' worth of traffic per neuron and time step of an update that keeps Brian2's float64 arithmetic on a
heterogeneous network: the two state arrays read and written (4 accesses) and five per-neuron values read (input
current, membrane and synaptic decay factors, threshold, end of refractoriness): 9 float64 accesses, 3 triads."""


def _triad(a, b, c, s, reps):
    for _ in range(reps):
        for i in range(a.size):
            a[i] = b[i] + s * c[i]


def _scatter(acc, idx, vals):
    for k in range(idx.size):
        acc[idx[k]] += vals[k]


def _queue(steps, per_step, rows, counts, acc, post, delay, state, stream):
    """``steps`` steps of a ring queue: (with ``stream``) a pass over the neuron ``state`` (arrays × neurons: the
    first two updated from all the others, as the kernel reads 9 values per neuron and writes 2), then this step's
    row read and added into ``acc``, then ``per_step`` arrivals pushed into the rows their ``delay`` picks. Returns
    the arrivals delivered."""
    n_slots, m = counts.shape[0], state.shape[1]
    p, delivered = 0, 0
    for step in range(steps):
        if stream:
            for j in range(m):
                x = state[2, j]
                for a in range(3, state.shape[0]):
                    x = x * state[a, j]
                state[0, j] = state[0, j] * x
                state[1, j] = state[1, j] * x
        now = step % n_slots
        for q in range(counts[now]):
            acc[rows[now, q]] += 1.0
        delivered += counts[now]
        counts[now] = 0
        for _ in range(per_step):
            slot = (step + delay[p]) % n_slots
            rows[slot, counts[slot]] = post[p]
            counts[slot] += 1
            p = (p + 1) % post.shape[0]
    return delivered


QUEUE_SLOTS = 1000
"""Rows of ``queue_costs``' ring: delays of 0.1–100 ms on a 0.1 ms step, as the kernel's."""


def queue_costs(n: int, threads: int, per_step: int) -> dict:
    """Seconds per arrival of a ring queue (push, read back, add) on each of ``threads`` threads at once, with
    ``per_step`` pushes per step into ``QUEUE_SLOTS`` rows: alone, and beside a pass over the thread's share of
    ``n`` neurons' state (9 float64 arrays, 2 of them written) each step, as the kernel's steps interleave them
    (the pass's own time taken out): what the neuron pass does to an event's cost."""
    from concurrent.futures import ThreadPoolExecutor

    from numba import njit
    queue = njit(nogil=True, cache=True)(_queue)
    part, per_step = max(1, n // threads), max(1, per_step)
    rng = np.random.default_rng(0)
    jobs = [(np.zeros((QUEUE_SLOTS, 2 * per_step + 64), dtype=np.int32), np.zeros(QUEUE_SLOTS, dtype=np.int64),
             np.zeros(part), rng.integers(0, part, 1 << 16).astype(np.int32),
             rng.integers(1, QUEUE_SLOTS, 1 << 16), np.ones((9, part))) for _ in range(threads)]
    steps = 3 * QUEUE_SLOTS                                 # the ring full for the last two thirds

    def timed(stream: bool, pushes: int) -> tuple[float, int]:
        best, out = np.inf, 0
        with ThreadPoolExecutor(threads) as pool:
            for _ in range(2):
                for job in jobs:
                    job[1][:] = 0
                t0 = time.perf_counter()
                out = sum(pool.map(lambda j: queue(steps, pushes, *j, stream), jobs))
                best = min(best, time.perf_counter() - t0)
        return best, out
    queue(2, 1, *jobs[0], True)                            # compile (or load from Numba's cache)
    alone, delivered = timed(False, per_step)
    beside, _ = timed(True, per_step)
    passes, _ = timed(True, 0)
    per_thread = delivered / threads
    return {"per_step": per_step, "queue_s_per_event": alone / per_thread,
            "queue_beside_neurons_s_per_event": max(beside - passes, 0.0) / per_thread}


def machine_limits(n: int, threads: int, seconds: float = 0.3) -> dict:
    """Seconds per triad element and per scattered add on this machine, each of ``threads`` threads working at once
    on arrays of its share of ``n`` neurons (about ``seconds`` of work per measurement, the best of three)."""
    from concurrent.futures import ThreadPoolExecutor

    from numba import njit
    triad, scatter = njit(nogil=True, cache=True)(_triad), njit(nogil=True, cache=True)(_scatter)
    part = max(1, n // threads)
    rng = np.random.default_rng(0)
    arrays = [(np.zeros(part), rng.random(part), rng.random(part)) for _ in range(threads)]
    events = max(1, int(2e6 // threads))
    adds = [(np.zeros(part), rng.integers(0, part, events).astype(np.int32), rng.random(events))
            for _ in range(threads)]
    triad(*arrays[0], 0.5, 1)                              # compile (or load from Numba's cache)
    scatter(*adds[0])
    reps = max(1, int(seconds / (part * 1e-9)) // 4)

    def timed(fn, jobs) -> float:
        best = np.inf
        with ThreadPoolExecutor(threads) as pool:
            for _ in range(3):
                t0 = time.perf_counter()
                list(pool.map(lambda job: fn(*job), jobs))
                best = min(best, time.perf_counter() - t0)
        return best
    t_elem = timed(triad, [(*a, 0.5, reps) for a in arrays]) / (reps * part)
    t_event = timed(scatter, adds) / events
    return {"triad_s_per_element": t_elem, "scatter_s_per_event": t_event, "threads": threads, "part": part,
            "triad_gb_per_s": 24 * threads / t_elem / 1e9}


def roofline_seconds(steps: int, n: int, events: float, threads: int, t_elem: float, t_event: float,
                     streams: float = STATE_STREAMS) -> float:
    """The time a perfect kernel needs: ``streams`` triads over each thread's share of the ``n`` neurons per time
    step, and its share of the synaptic ``events`` as scattered adds, the threads working at once."""
    return steps * streams * (n / threads) * t_elem + events / threads * t_event


def _roofline(row: dict, config, threads: int, events: float, kernel_s: float) -> None:
    """``row`` gains the machine's limits at its size and ``fraction_of_roofline`` (perfect kernel / kernel)."""
    steps = round((config.task.train_steps + config.task.eval_steps) * config.input.step / config.dt)
    limits = machine_limits(row["n_neurons"], threads)
    best = roofline_seconds(steps, row["n_neurons"], events, threads, limits["triad_s_per_element"],
                            limits["scatter_s_per_event"])
    row.update(roofline={**limits, "steps": steps, "events": events, "seconds": best},
               fraction_of_roofline=best / kernel_s)
    if row.get("silent_kernel_s") is not None:      # the kernel split into neuron steps and events, each on its bound
        t_elem, t_event = limits["triad_s_per_element"], limits["scatter_s_per_event"]
        neurons = roofline_seconds(steps, row["n_neurons"], 0.0, threads, t_elem, t_event, EXACT_STREAMS)
        adds = roofline_seconds(steps, row["n_neurons"], events, threads, t_elem, t_event, 0.0)
        row.update(exact_roofline={"neurons_s": neurons, "events_s": adds},
                   queue=queue_costs(row["n_neurons"], threads, round(events / steps / threads)),
                   fraction_of_exact_roofline=(neurons + adds) / kernel_s,
                   neurons_fraction=neurons / row["silent_kernel_s"],
                   events_fraction=adds / max(kernel_s - row["silent_kernel_s"], 1e-9))


def cost_exponent(rows: list[dict], key: str) -> float | None:
    """The slope of log(row[key]) against log(synapses) over the rows (None for fewer than two)."""
    if len(rows) < 2:
        return None
    return float(np.polyfit(np.log([r["n_synapses"] for r in rows]), np.log([r[key] for r in rows]), 1)[0])


def _simulate(path: str, cfg, seed, u_tr, u_ev, naive_target: str = "cython"):
    """One simulation (STDP then frozen phase): the frozen run, the parameters and the kernel's own time."""
    if path == "naive":
        from .sim.network import Reservoir
        res = Reservoir(cfg, seed=seed, target=naive_target)
        res.train_stdp(u_tr)
        return res.run(u_ev), res.params, None
    if path == "standalone":
        from .sim.standalone import default_engine
        _, run, params = default_engine().run(cfg, seed, u_tr, u_ev)
        return run, params, None
    from .sim.eventsim import run_eventsim
    train, run, params, _ = run_eventsim(cfg, seed, u_tr, u_ev, threads=1 if path == "fast1" else None)
    return run, params, train.wall_s + run.wall_s


def run_path(path: str, n: int, evals: int, rounds: int = 1, round_: int = 0, seed: int = 0,
             large: str | None = None, naive_target: str = "cython") -> dict:
    """Time one path (in this process) on round ``round_`` of ``rounds`` of the ``evals`` parameter sets,
    after one untimed (compiling / warm-up) evaluation, whose time is reported apart. ``large``: a ``LARGE``
    protocol, after a tiny evaluation that sets the resident-size baseline."""
    from .measure.evaluate import memory_input, score_run
    base_mb = layer = None
    if large:
        _simulate(path, bench_config(40), seed, *memory_input(bench_config(40), seed))
        base_mb = _rss_mb()
        if n > LAYER:                               # one layer of the same protocol: the fixed overheads' peak
            one = LARGE[large](LAYER)
            u = memory_input(one, seed)
            run, params, _ = _simulate(path, one, seed, *u)
            score_run(one, params, seed, run, u[1], 0, 0.0)
            layer = {"peak_mem_mb": _rss_mb(), "synapse_mb": synapse_bytes(params) / 2**20}
    base = LARGE[large](n) if large else bench_config(n)
    u_tr, u_ev = memory_input(base, seed)
    cvs = [0.0, *np.linspace(0.0, 1.5, evals + 1)[1:][round_::rounds]]
    sim, total, kernel, events, spikes = [], [], [], [], []
    for cv in cvs:
        cfg = base.with_updates({"neuron.tau_m.cv": float(cv)})
        t0 = time.perf_counter()
        run, params, kernel_s = _simulate(path, cfg, seed, u_tr, u_ev, naive_target)
        t1 = time.perf_counter()
        result = score_run(cfg, params, seed, run, u_ev, 0, 0.0)
        t2 = time.perf_counter()
        sim.append(t1 - t0)
        total.append(t2 - t0)
        kernel.append(kernel_s)
        # synaptic events of both phases: every spike reaches the neuron's recurrent out-degree targets
        events.append(result.synaptic_events * (len(u_tr) + len(u_ev)) / len(u_ev))
        spikes.append(result.spikes)
    silent = None
    if large:                                       # the same network without input: the neuron steps alone
        silent = _simulate(path, base.with_updates({"input.scale": 0.0, "input.bias": 0.0}), seed, u_tr, u_ev)[2]
    return {"path": path, "n_neurons": n, "round": round_, "first_s": total[0], "eval_s": total[1:],
            "sim_s": sim[1:], "kernel_s": kernel[1:], "events": events[1:], "spikes": spikes[1:],
            "simulated_s": (len(u_tr) + len(u_ev)) * base.input.step * 1e-3,
            "n_synapses": int(params.n_synapses), "synapse_mb": synapse_bytes(params) / 2**20,
            "peak_mem_mb": max(_rss_mb(), _rss_mb(resource.RUSAGE_CHILDREN)), "base_mem_mb": base_mb,
            "layer": layer, "silent_kernel_s": silent}


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


def large_rows(raw: list[dict], make=large_config) -> dict:
    """The large sizes' rows (medians) of the protocol ``make``, their cost exponent over synapses and each goal's
    verdict."""
    rows = []
    for x in sorted(raw, key=lambda x: x["n_neurons"]):
        m = merge_rounds([x])
        added = x["peak_mem_mb"] - x["base_mem_mb"]
        layer = x.get("layer")
        marginal = (None if layer is None else
                    (x["peak_mem_mb"] - layer["peak_mem_mb"]) / (x["synapse_mb"] - layer["synapse_mb"]))
        rows.append({"n_neurons": m["n_neurons"], "n_synapses": m["n_synapses"], "eval_s": m["eval_s"],
                     "sim_s": m["sim_s"], "kernel_s": m["kernel_s"], "events_per_eval": m["events_per_eval"],
                     "events_per_s": m["events_per_eval"] / m["kernel_s"],
                     "spikes_per_eval": m["spikes_per_eval"], "simulated_s": m["simulated_s"],
                     "synapse_mb": x["synapse_mb"], "base_mem_mb": x["base_mem_mb"], "peak_mem_mb": x["peak_mem_mb"],
                     "added_mem_mb": added, "memory_over_synapses": added / x["synapse_mb"],
                     "marginal_memory_over_synapses": marginal, "silent_kernel_s": x.get("silent_kernel_s")})
    from .sim.eventsim import default_threads
    for row in rows:
        _roofline(row, make(row["n_neurons"]), default_threads(row["n_neurons"]), row["events_per_eval"],
                  row["kernel_s"])
    out = {"sizes": rows, "exponent": None, "met": {}}
    out["exponent"] = cost_exponent(rows, "eval_s")
    if out["exponent"] is not None:
        out["met"]["exponent"] = out["exponent"] <= GOALS["exponent"]
    at = [r for r in rows if r["n_neurons"] == 100000]
    if at:
        out["met"]["eval_s_at_100000"] = at[0]["eval_s"] <= GOALS["eval_s_at_100000"]
    if rows:                                        # beyond one layer's fixed overheads where measured
        worst = max(r["memory_over_synapses"] if r["marginal_memory_over_synapses"] is None
                    else r["marginal_memory_over_synapses"] for r in rows)
        out["met"]["memory_over_synapses"] = worst <= GOALS["memory_over_synapses"]
    return out


def print_large(large: dict, kind: str = "default") -> None:
    """The large sizes' table; the goals' verdicts for the default protocol."""
    print(f"\nlarge sizes, fast path, SC-ML (layers of {LAYER}, motifs of 25), STDP on, {kind} operating point, "
          f"default protocol ({protocol(large_config(LAYER))}); memory added = peak − resident size after a tiny "
          f"warm-up; synapse MB "
          f"= {SYNAPSE_BYTES['ee']} B per E→E + {SYNAPSE_BYTES['static']} B per other synapse")
    print("silent s = the kernel on the same network without input (the neuron steps); exact = the bound of an update "
          f"that keeps Brian2's arithmetic ({EXACT_STREAMS} triads per neuron and step, one scattered add per event) "
          "over the kernel, and per part: neurons = its neuron bound over silent s, events = its event bound over "
          "kernel − silent s; marginal = (peak − one layer's peak) / (synapse MB − one layer's); queue ns = a ring "
          "queue's cost per event at this size's events per step, alone / beside a pass over the neuron state")
    head = (f"{'N':>6} {'synapses':>9} {'eval s':>7} {'sim s':>6} {'kernel s':>8} {'silent s':>8} {'events/s':>9} "
            f"{'synapse MB':>10} {'base MB':>7} {'peak MB':>7} {'added/synapse':>13} {'marginal':>8} "
            f"{'roofline':>8} {'exact':>5} {'neurons':>7} {'events':>6} {'queue ns':>9}")
    print(head)
    print("-" * len(head))
    for r in large["sizes"]:
        f = (lambda key, w, d: f"{r[key]:>{w}.{d}f}" if r.get(key) is not None else f"{'–':>{w}}")  # noqa: E731
        print(f"{r['n_neurons']:>6} {r['n_synapses']:>9} {r['eval_s']:>7.2f} {r['sim_s']:>6.2f} {r['kernel_s']:>8.2f} "
              f"{f('silent_kernel_s', 8, 2)} {r['events_per_s']:>9.3g} {r['synapse_mb']:>10.0f} "
              f"{r['base_mem_mb']:>7.0f} {r['peak_mem_mb']:>7.0f} {r['memory_over_synapses']:>12.1f}x "
              f"{f('marginal_memory_over_synapses', 7, 1)}{'x' if r['marginal_memory_over_synapses'] else ' '} "
              f"{r['fraction_of_roofline']:>8.2f} {f('fraction_of_exact_roofline', 5, 2)} "
              f"{f('neurons_fraction', 7, 2)} {f('events_fraction', 6, 2)} {_queue_text(r):>9}")
    verdict = {True: "met", False: "NOT met"}
    if kind != "default":
        return
    if large["exponent"] is not None:
        print(f"cost ∝ synapses^{large['exponent']:.2f} (goal ≤ {GOALS['exponent']}: "
              f"{verdict[large['met']['exponent']]})")
    if "eval_s_at_100000" in large["met"]:
        print(f"N = 100 000 evaluation within {GOALS['eval_s_at_100000']:g} s: "
              f"{verdict[large['met']['eval_s_at_100000']]}")
    print(f"memory added within {GOALS['memory_over_synapses']:g}× the synapse bytes (marginal where measured): "
          f"{verdict[large['met']['memory_over_synapses']]}")


def _queue_text(row: dict) -> str:
    """``alone/beside`` ns per event of the row's queue probe (``–`` without one)."""
    q = row.get("queue")
    if q is None:
        return "–"
    return f"{q['queue_s_per_event'] * 1e9:.0f}/{q['queue_beside_neurons_s_per_event'] * 1e9:.0f}"


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


def _subprocess(path: str, n: int, evals: int, rounds: int = 1, round_: int = 0, large: str | None = None,
                naive_target: str = "cython") -> dict:
    proc = subprocess.run([sys.executable, "-m", "hrsnn.bench", "--one", path, "--n", str(n),
                           "--evals", str(evals), "--rounds", str(rounds), "--round", str(round_),
                           "--naive-target", naive_target, *(["--large-one", large] if large else [])],
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
    parser.add_argument("--large", type=int, nargs="*", default=[5000, 10000, 20000, 50000, 100000],
                        help="sizes for the fast path alone on SC-ML reservoirs, default protocol (none: skip)")
    parser.add_argument("--driven", type=int, nargs="*", default=[10000, 100000],
                        help="sizes for the fast path alone at the input-driven operating point (none: skip)")
    parser.add_argument("--large-evals", type=int, default=2, help="timed evaluations per large size")
    parser.add_argument("--naive-target", choices=("cython", "numpy"), default="cython",
                        help="the naive path's Brian2 runtime target (numpy compiles nothing)")
    parser.add_argument("--out", default="results/bench.json")
    parser.add_argument("--large-one", choices=tuple(LARGE), help=argparse.SUPPRESS)
    parser.add_argument("--one", choices=(*PATHS, "default"), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("evals", "large_evals"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')}: {getattr(args, name)} must be at least 1")
    for flag, sizes, make in (("--sizes", args.sizes, bench_config), ("--large", args.large, large_config),
                              ("--driven", args.driven, driven_config)):
        for n in sizes if args.n is None else [args.n]:
            try:
                make(n)
            except ConfigError as e:
                parser.error(f"{flag}: {e}")
    if not 1 <= args.rounds <= args.evals:
        parser.error(f"--rounds: {args.rounds} must be between 1 and --evals ({args.evals})")
    if args.one:
        from .parallel import exit_with_parent
        exit_with_parent()
        out = (default_evaluation(args.evals) if args.one == "default"
               else run_path(args.one, args.n, args.evals, args.rounds, args.round, large=args.large_one,
                             naive_target=args.naive_target))
        print(json.dumps(out))
        return 0

    from tqdm.auto import tqdm
    # the kernel compiles once per machine, here, in a process of its own: no timed process's peak memory then
    # includes the compiler's
    warm = _subprocess("fast1", args.sizes[0], 1)
    rows, raw = [], []
    jobs = [(n, k, p) for n in args.sizes for k in range(args.rounds) for p in PATHS]
    jobs += [(n, kind, "fast") for kind, sizes in (("default", args.large), ("driven", args.driven)) for n in sizes]
    for n, k, path in tqdm(jobs, desc="bench", unit="run"):
        raw.append(_subprocess(path, n, args.evals, args.rounds, k, naive_target=args.naive_target)
                   if isinstance(k, int)
                   else {**_subprocess(path, n, args.large_evals, large=k), "large": k})
    from .sim.eventsim import default_threads
    threads = {n: default_threads(n) for n in args.sizes}
    for n in args.sizes:
        r = {p: merge_rounds([x for x in raw if x["n_neurons"] == n and x["path"] == p and not x.get("large")])
             for p in PATHS}
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
        _roofline(rows[-1], bench_config(n), threads[n], fast["events_per_eval"], fast["kernel_s"])
    slope = cost_exponent(rows, "fast_s")
    large = large_rows([x for x in raw if x.get("large") == "default"])
    driven = large_rows([x for x in raw if x.get("large") == "driven"], driven_config)
    report = {"machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine(),
                          "cores": __import__("os").cpu_count()},
              "protocol": protocol(bench_config(500)) + ", default config otherwise",
              "reference": "the fast path's simulation kernel alone (no parameter draw, synapse layout, states or "
                           "readout); ref/x sim = over x's simulation, ref/fast eval = over its whole evaluation",
              "kernel_first_s": warm["first_s"],
              "naive_target": args.naive_target, "evals_per_path": args.evals, "rounds": args.rounds,
              "sizes": rows, "cost_exponent_vs_synapses": slope,
              "large": large, "driven": driven, "goals": GOALS,
              "default_evaluation": _subprocess("default", 1000, args.evals), "raw": raw}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))

    print(f"\n{report['protocol']}; medians of {args.evals} evaluations in {args.rounds} rounds (the first of "
          f"each, compiling or warming up, apart); naive = Brian2 runtime, {args.naive_target} target; "
          f"ref = {report['reference']}")
    head = (f"{'N':>5} {'synapses':>9} {'naive s':>8} {'standalone s':>12} {'fast s':>7} {'ref s':>6} "
            f"{'threads':>7} {'fast 1t s':>9} {'fast/naive':>10} {'fast1/naive':>11} {'standalone/naive':>16} "
            f"{'ref/fast sim':>12} {'ref/fast eval':>13} "
            f"{'ref/standalone sim':>18} "
            f"{'compile s':>9} {'sim s/wall s':>12} {'events/s':>9} {'peak MB n/s/f':>13} {'roofline':>8}")
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
              f"{row['sim_s_per_wall_s']['fast']:>12.2f} {row['events_per_s']['fast']:>9.3g} {mem:>13} "
              f"{row['fraction_of_roofline']:>8.2f}")
    if slope is not None:
        print(f"fast-path cost ∝ synapses^{slope:.2f} over N = {args.sizes[0]}…{args.sizes[-1]}")
    if large["sizes"]:
        print_large(large)
    if driven["sizes"]:
        print_large(driven, "input-driven")
    print(f"kernel compile or cache load (first evaluation of a process before the timed ones): "
          f"{report['kernel_first_s']:.1f} s")
    d = report["default_evaluation"]
    print(f"default evaluation (hrsnn.evaluate(), N = 1000, {d['simulated_s']:g} s simulated, seed 0): "
          f"median {d['median_s']:.2f} s, min {d['min_s']:.2f} s over {d['repeats']} (after one warm-up)")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
