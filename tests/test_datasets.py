import numpy as np
import pytest

from hrsnn import InputError
from hrsnn.tasks.datasets import classification_names, load_classification, load_series, series_names

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
    import aeon.datasets
    from pathlib import Path
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
