"""The arms × repeats loop: every arm of a matched study searched ``repeats`` times on one executor."""
from __future__ import annotations

import queue
import threading
from pathlib import Path

from hrsnn.parallel import one_blas_thread

from ..search.arms import derive
from ..search.study import Study
from .loop import StudyRun, builds_binary, run_study


def run_arms(study: Study, folder: Path, executor, progress: bool, resume: bool = True,
             scheduler: str | None = None) -> dict[str, list[StudyRun]]:
    """arm → one run per repeat (``optimize.search.arms.derive``), each stored as ``folder/<name>-<arm>-r<k>``.

    With more than one worker (and no standalone binary to build), ``2 × workers`` searches run at once on the
    shared executor, so that one search's trials keep the workers busy while another asks its surrogate or waits
    for the slowest trial of its batch.
    Each search asks and tells in its own order, so its trials are those of a search run alone."""
    jobs = [(arm, r) for arm in study.arms for r in range(study.repeats)]

    def one(job: tuple[str, int]) -> StudyRun:
        return run_study(derive(study, job[0], job[1]), resume, folder, scheduler, progress, executor=executor)

    at_once = min(len(jobs), 2 * study.workers) if study.workers > 1 and not builds_binary(study) else 1
    runs = [one(j) for j in jobs] if at_once == 1 else _concurrently(one, jobs, at_once)
    return {arm: [run for (a, _), run in zip(jobs, runs) if a == arm] for arm in study.arms}


def _concurrently(fn, jobs: list, threads: int) -> list:
    """``[fn(j) for j in jobs]`` on ``threads`` daemon threads (they end with the command; the first error is
    raised at once). BLAS stays on one thread throughout: the surrogates' fits then give the same bits in every
    thread."""
    todo: queue.Queue = queue.Queue()
    for i, job in enumerate(jobs):
        todo.put((i, job))
    finished: queue.Queue = queue.Queue()

    def work() -> None:
        while True:
            try:
                i, job = todo.get_nowait()
            except queue.Empty:
                return
            try:
                finished.put((i, fn(job), None))
            except BaseException as e:          # noqa: BLE001 — handed to the calling thread
                finished.put((i, None, e))
                return

    out: list = [None] * len(jobs)
    with one_blas_thread():
        for _ in range(threads):
            threading.Thread(target=work, name="hrsnn-search", daemon=True).start()
        for _ in jobs:
            i, result, error = finished.get()
            if error is not None:
                with todo.mutex:                # no new search starts; running ones fail on the closed executor
                    todo.queue.clear()
                raise error
            out[i] = result
    return out
