"""How trials run: trial functions, executors (a process pool or Dask), the trial store, the evaluation cache, the
study loop and the arms × repeats loop."""
from __future__ import annotations


