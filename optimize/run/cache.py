"""A JSON-lines cache of finished evaluations: one ``{"key", "row"}`` record per line, appended as each finishes, so
an interrupted run resumes and a rerun costs only what is new."""
from __future__ import annotations

import hashlib
import json
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any, Callable


def cache_key(*parts: Any) -> str:
    """The identity of an evaluation: a hash of everything that changes its result."""
    return hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def read_cache(path: Path | None) -> dict[str, Any]:
    """key → row of every complete record (a line cut by an interruption is skipped: that evaluation reruns)."""
    known: dict[str, Any] = {}
    if path is not None and Path(path).exists():
        for line in Path(path).read_text().splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            known[rec["key"]] = rec["row"]
    return known


def run_cached(calls: list[tuple[str, Callable, tuple]], executor, cache: Path | None, label: str,
               progress: bool) -> list[Any]:
    """The result of each ``(key, fn, args)``: read from ``cache`` when there, else ``fn(*args)`` run in
    ``executor`` (once per key) and appended to ``cache`` as it finishes."""
    from tqdm.auto import tqdm
    known = read_cache(cache)
    futures: dict[Any, str] = {}
    for key, fn, args in calls:
        if key not in known and key not in futures.values():
            futures[executor.submit(fn, *args)] = key
    for f in tqdm(as_completed(futures), total=len(futures), desc=label, unit="config",
                  disable=not progress or not futures):
        known[futures[f]] = f.result()
        append_cache(cache, futures[f], known[futures[f]])
    return [known[key] for key, _, _ in calls]


def append_cache(path: Path | None, key: str, row: Any) -> None:
    if path is not None:
        with open(path, "a") as f:
            f.write(json.dumps({"key": key, "row": row}, default=str) + "\n")
