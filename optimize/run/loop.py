"""The Bayesian-optimization loop: scikit-optimize ask/tell, parallel trials, a resumable trial store.
"""
from __future__ import annotations

import json
import math
import time
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hrsnn import ConfigError
from hrsnn.parallel import one_blas_thread

from ..search.objectives import front_point, score
from ..search.parego import ParEGO
from ..search.samplers import optimizer
from ..search.space import canonical
from ..search.study import Study
from .executors import executor_for
from .store import Trial, TrialStore, now
from .trials import evaluate_trial, trial_function, until_degenerate


@dataclass
class StudyRun:
    study: Study
    trials: list[Trial]
    path: Path

    @property
    def best(self) -> Trial | None:
        ok = [t for t in self.trials if t.status == "ok"]
        return min(ok, key=lambda t: t.objective) if ok else None


class Penalty:
    """The value told to the optimizer for degenerate and failed trials: the study's fixed ``penalty``, or with
    ``penalty = "worst"`` the worst finished trial's objective so far, updated in the optimizer's record
    (``opt.yi``) whenever a worse trial finishes (before any has, they hold a provisional ``PROVISIONAL``). A flat
    penalty far above the finished trials' range flattens a GP surrogate; the worst finished value keeps it within
    the range."""

    PROVISIONAL = 1.0

    def __init__(self, study: Study, opt):
        self.fixed = None if study.penalty == "worst" else float(study.penalty)
        self.opt, self.study = opt, study
        self.worst = -math.inf
        self.penalised: list[int] = []       # positions in opt.yi of the trials told the running worst

    def value(self) -> float:
        """What a degenerate or failed trial is told now."""
        if self.fixed is not None:
            return self.fixed
        return canonical(self.worst) if math.isfinite(self.worst) else self.PROVISIONAL

    def tell(self, trials: list[Trial]) -> None:
        """Tell the optimizer a batch of recorded trials (in order); a ParEGO search is told both objectives."""
        if isinstance(self.opt, ParEGO):
            points = [front_point(self.study, t.results) if t.status == "ok" else None for t in trials]
            self.opt.tell_points([[t.params[d.field] for d in self.study.space] for t in trials],
                                 [None if p is None else tuple(canonical(float(v)) for v in p) for p in points])
            return
        self.worst = max([self.worst] + [t.objective for t in trials if t.status == "ok"])
        for i in self.penalised:             # refit on the next tell with the current worst
            self.opt.yi[i] = self.value()
        xs, ys = [], []
        for t in trials:
            if t.status != "ok" and self.fixed is None:
                self.penalised.append(len(self.opt.yi) + len(xs))
            xs.append([t.params[d.field] for d in self.study.space])
            ys.append(canonical(float(t.objective)) if t.status == "ok" else self.value())
        if xs:
            self.opt.tell(xs, ys)


def run_study(study: Study, resume: bool = False, out_dir: str | Path = "studies", scheduler: str | None = None,
              progress: bool = True, executor: Executor | None = None) -> StudyRun:
    """Run (or resume) a study until ``study.calls`` trials are stored; every trial is committed when it ends.
    ``executor`` runs the trials (default: a process pool of ``study.workers``, or the Dask cluster at
    ``scheduler``), and is left running when given.

    The optimizer is asked ``study.batch`` points at a time and told each batch in the order it was asked, so the
    trials depend on the study's seeds and settings only: not on the number of workers, the order trials finish in
    or an interruption. Asked values and the objectives told are rounded (``optimize.search.space.canonical``), so
    that the last bits a processor or library leaves do not steer the search."""
    from tqdm.auto import tqdm

    store = TrialStore(Path(out_dir) / f"{study.name}.sqlite", study, resume)
    opt = optimizer(study)
    penalty = Penalty(study, opt)
    stored = first_asked(store.trials(), study.calls)
    done, pending = _replay(study, opt, penalty, stored)
    fn = trial_function(study)
    _prebuild(study, fn, scheduler)
    if executor is None:
        executor, shutdown = executor_for(study.workers, scheduler)
    else:
        shutdown = lambda: None                 # noqa: E731 — the caller's executor outlives this study
    bar = tqdm(total=study.calls, initial=len(stored), desc=study.name, unit="trial", disable=not progress)
    finished = [t.objective for t in stored if t.status == "ok"]
    bar.set_postfix_str(f"best {min(finished):.4g}" if finished else "best –")
    try:
        while len(done) < study.calls:
            k = min(study.batch, study.calls - len(done))
            with one_blas_thread():
                xs = opt.ask(n_points=k) if k > 1 else [opt.ask()]
            futures = {}
            batch: list[Trial | None] = [None] * len(xs)
            for slot, x in enumerate(xs):
                params = {d.field: d.asked(v) for d, v in zip(study.space, x)}
                if _key(params) in pending:      # finished before an interruption: not run again
                    batch[slot] = pending.pop(_key(params))
                    continue
                started, t0 = now(), time.perf_counter()
                try:
                    config = study.config_for(params).to_dict()
                except ConfigError as e:        # an invalid combination: recorded, never evaluated
                    batch[slot] = _record(store, params, study, None, started, 0.0, f"invalid config: {e}",
                                          penalty.value(), (len(done) + slot, len(done)))
                    bar.update()
                    continue
                future = executor.submit(timed, until_degenerate, fn, config, list(study.seeds), study.target)
                futures[future] = (slot, params, started, t0)
            for fut in as_completed(futures):
                slot, params, started, t0 = futures[fut]
                try:
                    (results, duration), error = fut.result(), ""
                except Exception as e:          # noqa: BLE001 — a failed trial is data, not a crash
                    results, duration, error = None, time.perf_counter() - t0, f"{type(e).__name__}: {e}"
                batch[slot] = _record(store, params, study, results, started, duration, error,
                                      penalty.value(), (len(done) + slot, len(done)))
                bar.update()
                if batch[slot].status == "ok":
                    finished.append(batch[slot].objective)
                    bar.set_postfix_str(f"best {min(finished):.4g}")
            done += batch
            with one_blas_thread():
                penalty.tell(batch)
    finally:
        bar.close()
        shutdown()
    run = StudyRun(study, first_asked(store.trials(), study.calls), store.path)
    store.close()
    return run


def timed(fn: Callable, *args) -> tuple:
    """``(fn(*args), seconds it ran)``, timed where it runs (a trial's time without its wait for a worker)."""
    t0 = time.perf_counter()
    return fn(*args), time.perf_counter() - t0


def first_asked(trials: list[Trial], calls: int) -> list[Trial]:
    """The stored ``trials`` a ``calls``-trial study is made of: the first ``calls`` asked (a store a longer budget
    extended gives the shorter study its own trials back)."""
    return [t for i, t in enumerate(trials) if (i if t.asked is None else t.asked) < calls]


def _key(params: dict) -> str:
    return json.dumps(params, sort_keys=True)


def _replay(study: Study, opt, penalty: "Penalty", stored: list[Trial]) -> tuple[list[Trial], dict[str, Trial]]:
    """Tell the optimizer the stored trials batch by batch, asking before each batch as the live loop did (an
    optimizer's ask can move its random state). Returns the trials told, and those of the last batch of an unfinished
    study by their parameters: it may have been cut short, so the loop asks it again and reuses them."""
    if any(t.asked is None for t in stored):    # a store without the ask order: every trial, in finishing order
        bounds = [*range(0, len(stored), study.batch), len(stored)]
    else:
        prefix = next((i for i, t in enumerate(stored) if t.asked != i), len(stored))
        bounds = [*sorted({t.batch for t in stored[:prefix]}), prefix]
        if prefix < study.calls:
            bounds.pop()                        # the last batch ends the replay: it is asked again
    done: list[Trial] = []
    with one_blas_thread():
        for start, end in zip(bounds, bounds[1:]):
            batch = stored[start:end]
            if not getattr(opt, "pure_ask", False):
                opt.ask(n_points=len(batch)) if len(batch) > 1 else opt.ask()
            penalty.tell(batch)
            done += batch
    return done, {_key(t.params): t for t in stored[len(done):]}


def _record(store: TrialStore, params, study: Study, results, started, duration, error, penalty: float,
            order: tuple[int, int]) -> Trial:
    """Score and store one trial; a degenerate or failed one is stored with ``penalty`` (the value told for it).
    ``order``: its position in the ask sequence and that of its batch's first point."""
    if results is None:
        objective, summary, status, reason = penalty, {}, "failed", error
    else:
        objective, summary, status, reason = score(study, results)
        if status != "ok":
            objective = penalty
    trial_id = store.add(params, objective, summary, list(study.seeds), status, duration, started, reason,
                         results, *order)
    return Trial(trial_id, params, objective, summary.get("E", math.inf), summary.get("mc", math.nan),
                 summary.get("rate_hz", math.nan), summary.get("spikes", math.nan), list(study.seeds), status,
                 duration, started, now(), reason, results or [], *order)


def builds_binary(study: Study) -> bool:
    """Whether the study's trials run a standalone Brian2 binary, compiled per structure before they start."""
    from hrsnn.sim.targets import resolve_target
    return resolve_target(study.target, study.base) == "standalone"


def _prebuild(study: Study, fn: Callable, scheduler: str | None) -> None:
    """Compile the base structure's binaries once here, before workers would race to build them."""
    if fn is not evaluate_trial or scheduler:
        return
    if not builds_binary(study):
        return
    from hrsnn.sim.standalone import default_engine
    base = study.base
    for seed in study.seeds:
        default_engine().project(base, seed, base.task.train_steps, base.task.eval_steps, progress=True)
