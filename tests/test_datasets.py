import numpy as np
import pytest

from hrsnn import InputError
from hrsnn.tasks.datasets import (
    classification_names,
    classification_split,
    load_classification,
    load_series,
    series_names,
)

pytest.importorskip("aeon")


@pytest.mark.parametrize("name, n_train, length, channels, n_classes", [
    ("GunPoint", 50, 150, 1, 2), ("BasicMotions", 40, 100, 6, 4), ("JapaneseVowels", 270, None, 12, 9)])
def test_shipped_sets_load_offline_in_our_layout(name, n_train, length, channels, n_classes):
    X, y = load_classification(name, "train")
    assert len(X) == len(y) == n_train and len(np.unique(y)) == n_classes
    if length is None:                       # uneven lengths: a list of (T_i, C)
        assert isinstance(X, list) and len({len(x) for x in X}) > 1
        assert all(x.shape[1] == channels for x in X)
    else:
        assert X.shape == (n_train, length, channels)


def test_every_shipped_set_loads_by_name():
    names = classification_names()
    assert {"GunPoint", "JapaneseVowels", "BasicMotions"} <= set(names)
    for name in names:
        X, y = load_classification(name, "test")
        assert len(X) == len(y) > 0


def test_ts_file_by_path_and_bad_inputs(tmp_path):
    from pathlib import Path

    import aeon.datasets
    path = Path(aeon.datasets.__file__).parent / "data" / "UnitTest" / "UnitTest_TRAIN.ts"
    X, y = load_classification(str(path))
    assert X.shape[0] == len(y) == 20
    with pytest.raises(InputError, match="unknown classification set 'NoSuchSet'"):
        load_classification("NoSuchSet")
    bad = tmp_path / "bad.ts"
    bad.write_text("this is not\na ts file\n")
    with pytest.raises(InputError, match="bad.ts"):
        load_classification(str(bad))
    with pytest.raises(InputError, match="no such file"):
        load_classification(str(tmp_path / "missing.ts"))
    with pytest.raises(InputError, match="split"):
        load_classification("GunPoint", "validation")


def test_every_series_is_usable_by_name():
    for name in series_names():
        u, y = load_series(name, 200, horizon=2)
        assert u.shape == y.shape[:1] + u.shape[1:] and len(u) == 200
        assert np.all(np.isfinite(u)) and np.all(np.isfinite(y))
    u, y = load_series("mackey_glass", 300, horizon=5)
    np.testing.assert_allclose(u[5:], y[:-5])      # a forecast target is the input shifted by the horizon
    with pytest.raises(InputError, match="unknown series 'nope'"):
        load_series("nope", 100)


def test_narma10_follows_its_recurrence():
    u, y = load_series("narma10", 300, seed=3)
    u, y = u[:, 0], y[:, 0]
    t = np.arange(10, 299)
    expected = (0.3 * y[t] + 0.05 * y[t] * np.array([y[k - 9:k + 1].sum() for k in t])
                + 1.5 * u[t - 9] * u[t] + 0.1)
    np.testing.assert_allclose(y[t + 1], expected, rtol=1e-10)


def _gunpoint(tmp_path, *names):
    """Copies of GunPoint's shipped files under the given names (TRAIN first, then TEST)."""
    from pathlib import Path

    import aeon.datasets
    src = Path(aeon.datasets.__file__).parent / "data" / "GunPoint"
    out = []
    for name, part in zip(names, ("TRAIN", "TEST")):
        (tmp_path / name).write_bytes((src / f"GunPoint_{part}.ts").read_bytes())
        out.append(str(tmp_path / name))
    return out


def test_a_train_path_takes_its_test_sibling(tmp_path):
    train, _ = _gunpoint(tmp_path, "gp_TRAIN.ts", "gp_TEST.ts")
    X, y, Xt, yt, split = classification_split(train)
    assert (len(X), len(Xt)) == (50, 150) and "gp_TEST.ts" in split


def test_an_explicit_test_file(tmp_path):
    train, test = _gunpoint(tmp_path, "mine.ts", "other.ts")
    X, y, Xt, yt, split = classification_split(train, test_dataset=test)
    assert (len(X), len(Xt)) == (50, 150) and "other.ts" in split
    with pytest.raises(InputError, match="test_dataset: .* is the training file"):
        classification_split(train, test_dataset=train)


def test_a_lone_file_is_split_stratified_and_seeded(tmp_path):
    (train,) = _gunpoint(tmp_path, "lone_TRAIN.ts")
    X, y, Xt, yt, split = classification_split(train, seed=4, test_fraction=0.3)
    assert len(X) + len(Xt) == 50 and len(Xt) == 15 and "stratified hold-out" in split and "seed 4" in split
    full, _ = load_classification(train)
    rows = {tuple(x.ravel()) for x in full}
    train_rows, test_rows = {tuple(x.ravel()) for x in X}, {tuple(x.ravel()) for x in Xt}
    assert not train_rows & test_rows and train_rows | test_rows == rows      # disjoint, nothing lost
    for c in np.unique(y):                     # every class on both sides, in proportion
        assert abs((yt == c).sum() - 0.3 * ((y == c).sum() + (yt == c).sum())) <= 1
    again = classification_split(train, seed=4)[2]
    other = classification_split(train, seed=5)[2]
    np.testing.assert_array_equal(again, Xt)
    assert not np.array_equal(other, Xt)
    with pytest.raises(InputError, match="test_fraction"):
        classification_split(train, test_fraction=1.0)


def test_classify_never_scores_on_its_training_data(tmp_path):
    import json
    import subprocess
    import sys
    (train,) = _gunpoint(tmp_path, "lone_TRAIN.ts")
    out = subprocess.run([sys.executable, "-m", "hrsnn", "classify", "--dataset", train, "--model", "linear",
                          "--json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["n_train"] + d["n_test"] == 50 and d["n_test"] == 15 and "hold-out" in d["split"]


@pytest.mark.parametrize("name", series_names())
def test_every_listed_series_varies_over_its_scored_part(name):
    """With the predict command's defaults (3000 steps, the last 30 % scored) every channel of every series moves:
    its spread over the scored steps is at least 5 % of its typical magnitude (a system resting at a fixed point,
    like Lorenz-96 started at its fixed point, has ≈ 0.04 %)."""
    import warnings

    from hrsnn.tasks.cells import prediction_split
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _, _, _, y_test = prediction_split(name, 3000)
    std, level = y_test.std(axis=0), np.abs(y_test.mean(axis=0))
    assert np.all(std >= 0.05 * (level + std)), f"{name}: scored-part std {std.min():.4g} at level {level.max():.4g}"
