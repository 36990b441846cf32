"""``evaluate(config, seed)``: build, train with STDP, measure memory capacity, spikes and E."""
from __future__ import annotations

import dataclasses
import json
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..model.config import RIDGE_GRID, ReservoirConfig
from ..model.parameters import Parameters
from ..model.seeds import check_seed
from ..parallel import cores, process_pool
from ..sim.drive import drive
from ..sim.states import RunResult
from ..sim.targets import resolve_target
from .capacity import nonlinear_capacity
from .metrics import MemoryCapacity, efficiency, memory_capacity


@dataclass
class EfficiencyResult:
    """Outcome of one evaluation. Units: rate_hz in spikes/s per neuron, wall_s in s, E in Hz per unit MC."""

    memory_capacity: float
    mc_per_delay: list[float]
    spikes: int                  # spikes of the evaluation run (all neurons; up to the stop if stopped as runaway)
    rate_hz: float               # spikes / (neurons × simulated seconds of the evaluation run)
    synaptic_events: int         # Σ over spikes of the spiking neuron's recurrent out-degree
    E: float                     # rate_hz / capacity (lower is better); +inf if degenerate. capacity = MC, or
    E_raw: float                 # spikes / capacity            MC + nonlinear_capacity with task.capacity = "ipc"
    degenerate: bool
    reason: str                  # why degenerate ("" otherwise)
    ridge: float                 # ridge penalty of the MC readouts (selected when task.ridge = 0)
    train_spikes: int            # spikes during the STDP phase
    weight_mean: float           # mean E→E weight after STDP (× j_ee)
    weight_std: float            # spread of the E→E weights after STDP (0 before learning)
    weight_low: float            # fraction of E→E weights at 0 after STDP (NaN without E→E synapses)
    weight_high: float           # fraction of E→E weights at stdp.w_max after STDP
    weight_change: float         # mean |w − stdp.w_init| / w_init over the E→E synapses: how far STDP moved them
    rate_cv: float               # std / mean of the neurons' rates in the evaluation run (NaN when silent)
    nonlinear_capacity: float    # Σ corr² of the nonlinear targets (task.capacity = "ipc"; NaN otherwise)
    wall_s: float
    seed: int
    config: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("E", "E_raw", "ridge", "rate_cv", "nonlinear_capacity", "weight_low", "weight_high",
                  "weight_change"):
            # JSON has no infinity or NaN
            if not math.isfinite(d[k]):
                d[k] = None
        return d

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2))
        return path

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EfficiencyResult:
        d = dict(d)
        for k in ("weight_std", "weight_low", "weight_high", "weight_change", "rate_cv", "nonlinear_capacity"):
            d[k] = math.nan if d.get(k) is None else d[k]   # not finite, or saved before it was recorded
        for k, missing in (("E", math.inf), ("E_raw", math.inf), ("ridge", math.nan)):
            d[k] = missing if d[k] is None else d[k]
        return cls(**d)


def memory_input(config: ReservoirConfig, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The i.i.d. U(−u_max, u_max) sequences (train, eval) of the memory task for ``seed``."""
    rng = np.random.default_rng(np.random.SeedSequence([check_seed(seed), 1]))
    t = config.task
    return (rng.uniform(-t.u_max, t.u_max, t.train_steps), rng.uniform(-t.u_max, t.u_max, t.eval_steps))


def capacities(states: np.ndarray | None, u_eval: np.ndarray, t,
               gram: np.ndarray | None = None) -> tuple[MemoryCapacity, float]:
    """The memory capacity of a run's states (or of their Gram matrix X Xᵀ, ``gram``) and, with
    ``task.capacity = "ipc"``, the nonlinear capacity (NaN otherwise), both as ``task`` (a ``TaskConfig``) says."""
    ridge = t.ridge or RIDGE_GRID
    mc = memory_capacity(states, u_eval, t.k_max, ridge=ridge, test_size=t.test_fraction, washout=t.washout,
                         gram=gram)
    ipc = (nonlinear_capacity(states, u_eval, t.u_max, ridge, t.test_fraction, t.washout, gram=gram)[0]
           if t.capacity == "ipc" else math.nan)
    return mc, ipc


def score_run(config: ReservoirConfig, params: Parameters, seed: int, run: RunResult, u_eval: np.ndarray,
              train_spikes: int, wall_s: float) -> EfficiencyResult:
    """Memory capacity, activity and E of an evaluation run (degenerate runs flagged, never raised)."""
    t = config.task
    n = config.n_neurons
    rate = run.n_spikes / (n * run.duration)
    events = int(params.out_degree(n)[run.spike_i].sum()) if run.n_spikes else 0
    per_neuron = np.bincount(run.spike_i, minlength=n)
    reason = ""
    if run.stopped_at is not None:
        reason = (f"runaway: {run.n_spikes} spikes by input step {run.stopped_at} of {run.n_steps} already exceed "
                  f"task.max_rate {t.max_rate:g} Hz over the whole run (stopped early)")
    elif run.n_spikes == 0:
        reason = "silent: no spikes"
    elif rate > t.max_rate:
        reason = f"runaway: mean rate {rate:.1f} Hz > task.max_rate {t.max_rate:g} Hz"
    mc_total, per_delay, ridge, ipc = 0.0, np.zeros(t.k_max), float("nan"), math.nan
    if run.n_spikes and run.stopped_at is None:
        # as many rows as neurons or fewer: every readout is fit from X Xᵀ, accumulated without holding X
        mc, ipc = (capacities(None, u_eval, t, gram=run.gram()) if run.n_steps <= n
                   else capacities(run.states, u_eval, t))
        mc_total, per_delay, ridge = mc.total, mc.per_delay, mc.ridge
    if not reason and mc_total <= t.min_mc:
        reason = f"no memory: MC {mc_total:.3f} <= task.min_mc {t.min_mc:g}"
    capacity = mc_total + (ipc if math.isfinite(ipc) else 0.0)
    w = params.w
    return EfficiencyResult(
        memory_capacity=mc_total, mc_per_delay=[float(x) for x in per_delay], spikes=run.n_spikes,
        rate_hz=rate, synaptic_events=events,
        E=math.inf if reason else efficiency(rate, capacity),
        E_raw=math.inf if reason else run.n_spikes / capacity,
        degenerate=bool(reason), reason=reason, ridge=ridge, train_spikes=train_spikes,
        weight_mean=float(w.mean()) if len(w) else 0.0, weight_std=float(w.std()) if len(w) else 0.0,
        weight_low=float(np.mean(w <= 0.0)) if len(w) else math.nan,
        weight_high=float(np.mean(w >= config.stdp.w_max)) if len(w) else math.nan,
        weight_change=weight_change(w, config.stdp.w_init),
        rate_cv=float(per_neuron.std() / per_neuron.mean()) if run.n_spikes else math.nan, nonlinear_capacity=ipc,
        wall_s=wall_s, seed=int(seed),
        config=config.to_dict(),
    )


def _runaway_training(result: EfficiencyResult, train, max_rate: float) -> EfficiencyResult:
    """``result`` flagged as runaway in the STDP phase: its spikes passed ``task.max_rate`` over that phase (numba
    stops it there and never runs the frozen phase; the other targets run on; the verdict is the same)."""
    where = f"by input step {train.stopped_at} of" if train.stopped_at is not None else "in"
    return dataclasses.replace(result, memory_capacity=0.0, E=math.inf, E_raw=math.inf, degenerate=True,
                               reason=f"runaway: {train.n_spikes} spikes {where} the STDP phase's {train.n_steps} "
                                      f"steps exceed task.max_rate {max_rate:g} Hz (no memory measured)")


def weight_change(w: np.ndarray, w_init: float) -> float:
    """Mean |w − w_init| / w_init of the E→E weights (0 when STDP left them at their start; NaN without E→E
    synapses or with w_init = 0)."""
    return float(np.mean(np.abs(w - w_init)) / w_init) if len(w) and w_init > 0 else math.nan


def evaluate(config: ReservoirConfig | None = None, seed: int | None = None, target: str = "auto",
             progress: bool = False, keep_run: bool = False) -> EfficiencyResult:
    """Build the reservoir, run the STDP phase on i.i.d. input, then measure MC, activity and E.

    ``seed`` (default ``config.seed``) fixes the network, its parameters and the input sequences.
    ``target``: "numba" (the event-driven kernel of ``hrsnn.sim.eventsim``, compiled once per machine),
    "standalone" (a Brian2 binary compiled per structure, ``hrsnn.sim.standalone``), "cython" or "numpy" (Brian2
    runtime), or "auto" (numba when the input is a current, see ``hrsnn.sim.targets.resolve_target``). All give the
    same spikes, except that numba stops a runaway phase as soon as its spikes exceed what ``task.max_rate`` allows
    over it (the verdict is the same, ``spikes`` and ``rate_hz`` are then lower bounds). A network whose STDP phase
    is runaway is degenerate with no memory measured.
    With ``keep_run`` the result carries ``.run`` (spikes and states of the evaluation run) for plots.
    """
    config = config or ReservoirConfig()
    seed = config.seed if seed is None else check_seed(seed)
    start = time.perf_counter()
    u_train, u_eval = memory_input(config, seed)
    t = config.task           # a phase past this many spikes is runaway whatever follows: stop it there
    budget = [int(t.max_rate * config.n_neurons * steps * config.input.step * 1e-3)
              for steps in (t.eval_steps, t.train_steps)]
    phases = drive(config, seed, u_train, u_eval, target=target, progress=progress, pad=1, max_eval_spikes=budget[0],
                   max_train_spikes=budget[1])
    train = phases.train
    run, params = phases.run, phases.params
    result = score_run(config, params, seed, run, u_eval, train.n_spikes if train is not None else 0,
                       time.perf_counter() - start)
    if train is not None and train.n_spikes > budget[1]:
        result = _runaway_training(result, train, t.max_rate)
    if keep_run:
        result.run = run
    return result


def evaluate_rate(config: ReservoirConfig | None = None, seed: int | None = None,
                  heterogeneous: bool = True) -> EfficiencyResult:
    """The memory protocol on the rate reservoir of ``hrsnn.sim.rate`` (``--model rate`` / ``rate-hom``): the
    training input warms it up (nothing learns), then MC on the evaluation input as ``evaluate`` measures it.
    A rate network has no spikes: ``spikes`` and ``rate_hz`` are 0 and E is undefined (NaN)."""
    from ..sim.rate import rate_reservoir
    config = config or ReservoirConfig()
    seed = config.seed if seed is None else check_seed(seed)
    start = time.perf_counter()
    t = config.task
    u_train, u_eval = memory_input(config, seed)
    node = rate_reservoir(config, seed, heterogeneous)
    if len(u_train):
        node.run(u_train[:, None])
    mc, ipc = capacities(np.asarray(node.run(u_eval[:, None])), u_eval, t)
    reason = f"no memory: MC {mc.total:.3f} <= task.min_mc {t.min_mc:g}" if mc.total <= t.min_mc else ""
    return EfficiencyResult(
        memory_capacity=mc.total, mc_per_delay=[float(x) for x in mc.per_delay], spikes=0, rate_hz=0.0,
        synaptic_events=0, E=math.nan, E_raw=math.nan, degenerate=bool(reason), reason=reason, ridge=mc.ridge,
        train_spikes=0, weight_mean=0.0, weight_std=0.0, weight_low=math.nan, weight_high=math.nan,
        weight_change=math.nan, rate_cv=math.nan, nonlinear_capacity=ipc,
        wall_s=time.perf_counter() - start,
        seed=int(seed), config=config.to_dict())


def evaluate_many(configs, seeds=None, workers: int | None = None, target: str = "auto",
                  progress: bool = True, keep_run: bool = False) -> list[EfficiencyResult]:
    """Evaluate many (config, seed) pairs in parallel processes (``workers``, default: all usable cores).

    ``configs`` is a list of configs, or one config evaluated on every seed of ``seeds``; ``seeds`` defaults to
    each config's own seed. On the standalone target the binaries are compiled first, once per structure, then
    every evaluation is one run of its binary. Results come back in input order. Scripts that call this with
    workers > 1 need the usual ``if __name__ == "__main__":`` guard (worker processes are spawned).
    """
    from tqdm.auto import tqdm
    if isinstance(configs, ReservoirConfig):
        configs = [configs] * (1 if seeds is None else len(seeds))
    configs = list(configs)
    seeds = [c.seed for c in configs] if seeds is None else [check_seed(s, f"seeds[{k}]") for k, s in enumerate(seeds)]
    if len(seeds) != len(configs):
        raise InputError(f"seeds: {len(seeds)} seeds for {len(configs)} configs (one per config, or none: each "
                         f"config's own seed)")
    jobs = list(zip(configs, seeds))
    standalone = [resolve_target(target, c) == "standalone" for c in configs]
    if any(standalone):
        from ..sim.standalone import default_engine
        engine = default_engine()
        for (c, s), fast in zip(jobs, standalone):
            if fast:
                engine.project(c, s, c.task.train_steps, c.task.eval_steps, progress=progress)
    workers = max(1, min(workers or cores(), len(jobs)))
    bar = tqdm(total=len(jobs), desc="evaluate", unit="eval", disable=not progress)
    if workers == 1:
        results = []
        for c, s in jobs:
            results.append(evaluate(c, seed=s, target=target, keep_run=keep_run))
            bar.update()
        bar.close()
        return results
    with process_pool(workers) as pool:
        futures = [pool.submit(evaluate, c, s, target, False, keep_run) for c, s in jobs]
        for f in futures:
            f.add_done_callback(lambda _: bar.update())
        results = [f.result() for f in futures]
    bar.close()
    return results
