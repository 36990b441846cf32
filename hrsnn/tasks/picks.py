"""Shipped picks: the configs ``make frontier`` chose, as harness models ``hrsnn-bo`` and ``mrsnn-bo``.

``hrsnn-bo`` is the knee of the heterogeneous arm's search front and ``mrsnn-bo`` that of the homogeneous arm, in
one frontier study (chosen on the search seeds or validation splits only; ``optimize.studies.frontier``).
``experiments/picks/<study>/<model>.toml`` holds them, one folder per study of ``experiments/frontier.toml``
(``memory`` and the development tasks); a dataset or series without a study of its own gets the memory-protocol
picks, which no task selected.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from ..model.config import ReservoirConfig

PICKS = {"hrsnn-bo": "heterogeneous", "mrsnn-bo": "homogeneous"}
"""Harness model → the matched study's arm whose pick it runs."""


def picks_dir() -> Path:
    """``HRSNN_PICKS`` if set, else the checkout's ``experiments/picks``."""
    return Path(os.environ.get("HRSNN_PICKS") or Path(__file__).resolve().parents[2] / "experiments" / "picks")


def load_pick(model: str, dataset: str) -> tuple[ReservoirConfig, str]:
    """(config, where it came from) of ``model`` for ``dataset``: the dataset's own study if there is one, else the
    memory protocol's."""
    if model not in PICKS:
        raise InputError(f"model: {model!r} is not a shipped pick ({', '.join(PICKS)})")
    root = picks_dir()
    for study in (Path(str(dataset)).stem.removesuffix("_TRAIN"), "memory"):
        path = root / study / f"{model}.toml"
        if path.is_file():
            return ReservoirConfig.load(path), str(path)
    raise InputError(f"model: no {model} pick under {root} (run `make frontier` and copy "
                     "results/frontier/picks there, or set HRSNN_PICKS)")
