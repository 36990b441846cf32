"""Where trials run: a local process pool, or the executor of an existing Dask cluster."""
from __future__ import annotations

from concurrent.futures import Executor, Future
from typing import Callable


class SerialExecutor(Executor):
    """Runs each call in this process when submitted (one worker, no pool)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as e:      # noqa: BLE001 — delivered through the future, as a pool would
            future.set_exception(e)
        return future


def executor_for(workers: int, scheduler: str | None) -> tuple[Executor, Callable[[], None]]:
    """A local process pool, or the executor of an existing Dask cluster at ``scheduler``."""
    if scheduler:
        from distributed import Client

        from .dask_workers import ImportBrian2

        client = Client(scheduler)
        client.register_plugin(ImportBrian2(), name="hrsnn-import-brian2")
        return client.get_executor(), client.close
    from hrsnn.parallel import process_pool
    pool = process_pool(workers)
    return pool, lambda: pool.shutdown(cancel_futures=True)
