"""Offline datasets: UCR/UEA classification sets shipped in the ``aeon`` wheel or any ``.ts`` file, and
forecasting series generated locally (``reservoirpy.datasets`` and NARMA-10).

Sequences are plain numpy in reservoirpy's layout: one sample is a (T, C) array (time steps × channels). A
classification set is a 3-D array (n, T, C) when all samples have the same length, else a list of (T_i, C).
"""
from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..model.seeds import check_seed

# reservoirpy generators that need more than a length, or download: not offered as forecasting series
_NOT_SERIES = {"japanese_vowels", "mso", "set_seed", "get_seed", "to_forecasting", "from_aeon_classification",
               "one_hot_encode", "narma"}
TRANSIENT = 500
"""Steps every generated series runs before the ones returned, so that a chaotic system started off its attractor
(Lorenz from (1, 1, 1), Lorenz-96 from its fixed point) is on it by the first returned step."""
SERIES_DEFAULTS = {"lorenz96": {"h": 0.1}, "rabinovich_fabrikant": {"gamma": 0.87}}
"""Generator arguments that differ from reservoirpy's defaults. reservoirpy 0.4's ``lorenz96`` samples its solution
every h² time units (its time grid multiplies by h twice): with its default h = 0.01 3000 steps cover 0.3 time
units and stay within 0.01 of the fixed point; h = 0.1 samples every 0.01 time units, on the attractor after the
transient. Its ``rabinovich_fabrikant`` default γ = 0.89 leaves the attractor near step 2400 (|x| > 600 by step
2500) and the integrator then crawls without end; the classic γ = 0.87 (with α = 1.1) stays on it."""


def _aeon_data() -> Path:
    try:
        import aeon.datasets
    except ImportError as e:       # pragma: no cover - aeon is a dependency
        raise InputError("classification datasets need the 'aeon' package (pip install aeon)") from e
    return Path(aeon.datasets.__file__).parent / "data"


def classification_names() -> list[str]:
    """Names of the classification sets shipped inside the installed aeon wheel (no download)."""
    root = _aeon_data()
    return sorted(p.name for p in root.iterdir() if (p / f"{p.name}_TRAIN.ts").exists())


def _from_aeon(X) -> list[np.ndarray] | np.ndarray:
    """aeon's (n, C, T) array or list of (C, T_i) arrays → ours: (n, T, C) or a list of (T_i, C)."""
    if isinstance(X, np.ndarray) and X.ndim == 3:
        return np.ascontiguousarray(X.transpose(0, 2, 1), dtype=float)
    return [np.ascontiguousarray(np.asarray(x, dtype=float).T) for x in X]


def load_ts(path: str | Path) -> tuple[list[np.ndarray] | np.ndarray, np.ndarray]:
    """A UCR/UEA ``.ts`` file: (X, y) with X as (n, T, C) or a list of (T_i, C), y the class labels."""
    from aeon.datasets import load_from_ts_file
    path = Path(path)
    if not path.is_file():
        raise InputError(f"dataset: no such file {path}")
    try:
        X, y = load_from_ts_file(str(path))
    except Exception as e:  # aeon raises IOError/ValueError/TsFileParseException on malformed files
        raise InputError(f"dataset {path}: not a valid .ts file ({type(e).__name__}: {e})") from None
    if y is None or len(X) == 0 or len(y) != len(X):
        raise InputError(f"dataset {path}: no labelled samples found (is it a UCR/UEA classification .ts file?)")
    X = _from_aeon(X)
    if any(not np.all(np.isfinite(x)) for x in X):
        raise InputError(f"dataset {path}: contains missing (NaN) or infinite values")
    return X, np.asarray(y)


def load_classification(name: str, split: str = "train") -> tuple[list[np.ndarray] | np.ndarray, np.ndarray]:
    """(X, y) of a classification set: an aeon-shipped name (``classification_names()``) or a ``.ts`` path.

    ``split`` is "train" or "test"; for a path, the file itself is loaded and ``split`` is ignored (use
    ``classification_split`` for train and test sets that never share a sample).
    """
    if split not in ("train", "test"):
        raise InputError(f"split: {split!r} is not one of 'train', 'test'")
    if str(name).endswith(".ts"):
        return load_ts(name)
    names = classification_names()
    if name not in names:
        raise InputError(f"dataset: unknown classification set {name!r}; shipped offline: {', '.join(names)} "
                         "(or give the path of a .ts file)")
    return load_ts(_aeon_data() / name / f"{name}_{split.upper()}.ts")


def classification_split(dataset: str, test_dataset: str | None = None, seed: int = 0, test_fraction: float = 0.3,
                         step_ms: float = 5.0, pool: int = 1):
    """(X_train, y_train, X_test, y_test, split) of a classification set; never the same samples on both sides.

    An aeon-shipped name uses its train and test files. A ``.ts`` path uses ``test_dataset`` if given, else its
    ``…_TEST.ts`` sibling when the path is a ``…_TRAIN.ts`` file that has one, else a stratified hold-out of
    ``test_fraction`` of the file's samples drawn from ``seed``. ``split`` says which, in words. A ``.h5`` path is a
    Spiking Heidelberg Digits file (``events.load_shd``: spike counts in bins of ``step_ms``, ``pool`` channels
    summed), with ``test_dataset``, its ``…test…`` sibling of a ``…train…`` name, or a hold-out the same way.
    """
    seed = check_seed(seed)
    if not 0.0 < test_fraction < 1.0:
        raise InputError(f"test_fraction: {test_fraction!r} outside the allowed range (0, 1)")
    if str(dataset).endswith(".h5"):
        return _event_split(Path(dataset), test_dataset, seed, test_fraction, step_ms, pool)
    X, y = load_classification(dataset, "train")
    if test_dataset is not None:
        if str(dataset).endswith(".ts") and Path(test_dataset).resolve() == Path(dataset).resolve():
            raise InputError(f"test_dataset: {test_dataset} is the training file itself")
        X_test, y_test = load_ts(test_dataset)
        return X, y, X_test, y_test, f"test file {Path(test_dataset).name}"
    if not str(dataset).endswith(".ts"):
        X_test, y_test = load_classification(dataset, "test")
        return X, y, X_test, y_test, f"{dataset}'s train and test files"
    path = Path(dataset)
    if path.name.upper().endswith("_TRAIN.TS"):
        sibling = path.with_name(path.name[:-len("_TRAIN.ts")] + "_TEST.ts")
        if sibling.is_file():
            X_test, y_test = load_ts(sibling)
            return X, y, X_test, y_test, f"test file {sibling.name} (sibling of {path.name})"
    return holdout(X, y, seed, test_fraction, path.name)


def _event_split(path: Path, test_dataset, seed: int, test_fraction: float, step_ms: float, pool: int):
    from .events import load_shd
    if isinstance(pool, bool) or not isinstance(pool, int) or pool < 1:
        raise InputError(f"pool: {pool!r} outside the allowed range [1, inf) (neighbouring channels summed)")
    X, y = load_shd(path, step_ms, pool)
    sibling = path.with_name(path.name.replace("train", "test")) if "train" in path.name else None
    test = Path(test_dataset) if test_dataset is not None else sibling if sibling and sibling.is_file() else None
    if test is None:
        return holdout(X, y, seed, test_fraction, path.name)
    if test.resolve() == path.resolve():
        raise InputError(f"test_dataset: {test} is the training file itself")
    X_test, y_test = load_shd(test, step_ms, pool)
    return X, y, X_test, y_test, f"test file {test.name}"


def holdout(X, y, seed: int, test_fraction: float, name: str):
    """A stratified hold-out of one labelled file: each class split in proportion, drawn from ``seed``."""
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        raise InputError(f"dataset {name}: class {classes[counts.argmin()]!r} has one sample; a stratified "
                         "hold-out needs at least 2 per class (give a test file with --test-dataset)")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 11]))
    test = []
    for c, n in zip(classes, counts):
        idx = np.flatnonzero(y == c)
        k = min(n - 1, max(1, int(round(n * test_fraction))))
        test.extend(rng.choice(idx, k, replace=False))
    mask = np.zeros(len(y), dtype=bool)
    mask[test] = True
    pick = (lambda m: X[m]) if isinstance(X, np.ndarray) else (lambda m: [x for x, keep in zip(X, m) if keep])
    return (pick(~mask), y[~mask], pick(mask), y[mask],
            f"stratified hold-out of {name}: {mask.sum()} of {len(y)} samples for test (seed {seed})")


# --- forecasting series ------------------------------------------------------------------------------------
def series_names() -> list[str]:
    """Forecasting series available by name: every offline ``reservoirpy.datasets`` generator, and narma10."""
    import reservoirpy.datasets as rd
    names = [n for n in rd.__all__ if n not in _NOT_SERIES and callable(getattr(rd, n))]
    return sorted(names + ["narma10"])


def narma10(n_steps: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """NARMA-10 (Atiya & Parlos 2000): input u ~ U(0, 0.5) i.i.d. and its response y, each (n_steps, 1).

    y(t+1) = 0.3 y(t) + 0.05 y(t) Σ_{i=0..9} y(t−i) + 1.5 u(t−9) u(t) + 0.1. This is the textbook form;
    reservoirpy's ``narma(order=10)`` is shifted by one step (u(t−10), y(t−1..t−10)).
    """
    u = np.random.default_rng(check_seed(seed)).uniform(0.0, 0.5, n_steps + 100)
    y = np.zeros(n_steps + 100)
    for t in range(9, len(u) - 1):
        y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * y[t - 9:t + 1].sum() + 1.5 * u[t - 9] * u[t] + 0.1
    return u[100:, None], y[100:, None]        # the first 100 steps are a transient from y = 0

def load_series(name: str, n_steps: int, seed: int = 0, horizon: int = 1, **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, targets), each (n_steps, C): a forecasting task ``horizon`` steps ahead, or NARMA-10's
    input → output. ``kwargs`` go to the reservoirpy generator (e.g. ``tau=17`` for mackey_glass; defaults as
    reservoirpy's but for ``SERIES_DEFAULTS``); a generated series starts after ``TRANSIENT`` steps."""
    seed = check_seed(seed)
    names = series_names()
    if name not in names:
        raise InputError(f"task: unknown series {name!r}; available offline: {', '.join(names)}")
    if int(n_steps) != n_steps or n_steps < 10:
        raise InputError(f"n_steps: expected an integer >= 10, got {n_steps!r}")
    if int(horizon) != horizon or horizon < 1:
        raise InputError(f"horizon: expected an integer >= 1, got {horizon!r}")
    if name == "narma10":
        return narma10(int(n_steps), seed)
    import reservoirpy.datasets as rd
    fn = getattr(rd, name)
    kwargs = {**SERIES_DEFAULTS.get(name, {}), **kwargs}
    if "seed" in inspect.signature(fn).parameters:
        kwargs.setdefault("seed", seed)
    params = inspect.signature(fn).parameters
    if "n_timesteps" in params:
        s = np.asarray(fn(TRANSIENT + int(n_steps) + int(horizon), **kwargs), dtype=float)[TRANSIENT:]
    else:                                    # a recorded series shipped with reservoirpy (santafe_laser)
        s = np.asarray(fn(**kwargs), dtype=float)[: int(n_steps) + int(horizon)]
        if len(s) < n_steps + horizon:
            raise InputError(f"n_steps: {name} has {len(s)} steps, asked for {n_steps} + horizon {horizon}")
    s = s.reshape(len(s), -1)
    if not np.all(np.isfinite(s)):
        raise InputError(f"task {name}: the generator produced NaN or infinite values with {kwargs}")
    return s[:-horizon], s[horizon:]
