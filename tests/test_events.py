"""Event input: spike counts per step reach the reservoir through per-channel input synapses, on every simulator."""
import numpy as np
import pytest

from hrsnn import InputError, Reservoir
from hrsnn.sim.eventsim import run_eventsim

from .conftest import HET_LTD, HET_TAU_MINUS, TARGET


def _counts(seed, steps, channels=3, rate=0.4):
    return np.random.default_rng(seed).poisson(rate, (steps, channels)).astype(float)


@pytest.fixture
def event_config(small_config):
    return small_config.with_updates({"input.encoding": "events", "input.scale": 150.0, "input.bias": 150.0,
                                      "input.step": 1.0, "stdp.a_plus.mean": 0.05, "stdp.a_minus": HET_LTD, "stdp.tau_minus": HET_TAU_MINUS})


def test_kernel_gives_brian2_spikes_and_weights_for_event_input(event_config):
    u_train, u_eval = _counts(0, 200), _counts(1, 300)
    brian = Reservoir(event_config, seed=2, n_channels=3, target=TARGET)
    b_train, b_run = brian.train_stdp(u_train), brian.run(u_eval)
    for threads in (1, 2):
        train, run, params, _ = run_eventsim(event_config, 2, u_train, u_eval, threads=threads)
        assert train.n_spikes == b_train.n_spikes and run.n_spikes == b_run.n_spikes > 0
        assert np.array_equal(run.spike_i, b_run.spike_i) and np.allclose(run.spike_t, b_run.spike_t, atol=1e-9)
        assert np.allclose(params.w, brian.params.w, atol=1e-12)
    silent_input = run_eventsim(event_config, 2, u_train, np.zeros_like(u_eval))[1]
    assert silent_input.n_spikes < run.n_spikes          # the spikes drive the reservoir


def test_event_input_must_be_counts(event_config):
    with pytest.raises(InputError, match="u_eval: input.encoding 'events' takes spike counts"):
        run_eventsim(event_config, 0, [], np.full((10, 3), 0.5))
    with pytest.raises(InputError, match="u: input.encoding 'events' takes spike counts"):
        Reservoir(event_config, seed=0, n_channels=3, target=TARGET).run(-np.ones((10, 3)))


def _word(rng, label, n_channels=40):
    """A spike pattern per class: class c fires channels around 10·c, about 0.3 s long."""
    n = 150
    times = np.sort(rng.uniform(0, 0.3, n))
    units = np.clip((10 * label + rng.normal(5, 3, n)).astype(int), 0, n_channels - 1)
    return times, units


def write_shd(path, n_per_class=12, classes=3, seed=0, **override):
    """A small HDF5 file in the Spiking Heidelberg Digits layout (``override`` replaces a dataset's content)."""
    import h5py
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(classes), n_per_class)
    samples = [_word(rng, c) for c in labels]
    data = {"spikes/times": [t for t, _ in samples], "spikes/units": [u for _, u in samples], "labels": labels}
    data.update(override)
    with h5py.File(path, "w") as f:
        for name, value in data.items():
            if value is None:
                continue
            if name.startswith("spikes/"):
                kind = np.float32 if name.endswith("times") else np.uint16
                ds = f.create_dataset(name, (len(value),), dtype=h5py.vlen_dtype(kind))
                for k, v in enumerate(value):
                    ds[k] = np.asarray(v, dtype=kind)
            else:
                f.create_dataset(name, data=value)
    return path


def test_an_shd_file_classifies_end_to_end(tmp_path):
    from hrsnn import ReservoirConfig
    from hrsnn.tasks.cells import classify
    train = write_shd(tmp_path / "mini_train.h5", seed=0)
    write_shd(tmp_path / "mini_test.h5", n_per_class=6, seed=1)
    cfg = ReservoirConfig().with_updates({"n_neurons": 150, "input.step": 10.0, "input.scale": 200.0})
    cell = classify(str(train), config=cfg, seed=0, pool=4, n_bins=3)
    assert cell.split == "test file mini_test.h5" and cell.n_test == 18 and cell.E is None
    assert cell.extra["input_spikes_per_sample"] == 150
    assert cell.score > 0.6 and cell.spikes_per_sample > 0          # chance is 1/3
    assert cell.config["input"]["encoding"] == "events"


def test_shd_times_are_binned_and_samples_padded_by_hand(tmp_path):
    from hrsnn.tasks.events import load_shd
    # times exact in float32: 0, 3.9, 7.8 and 15.6 ms fall in 5 ms bins 0, 0, 1, 3; units 0, 1, 3, 699 pooled by 2
    # are channels 0, 0, 1, 349; the second sample (1.95 ms, unit 5: bin 0, channel 2) is padded to 4 bins
    times = [np.array([0.0, 2 ** -8, 2 ** -7, 2 ** -6]), np.array([2 ** -9])]
    path = write_shd(tmp_path / "hand.h5", **{"spikes/times": times, "spikes/units": [np.array([0, 1, 3, 699]),
                                                                                     np.array([5])],
                                              "labels": np.array([1, 0])})
    X, y = load_shd(path, step_ms=5.0, pool=2)
    want = np.zeros((2, 4, 350))
    want[0, 0, 0], want[0, 1, 1], want[0, 3, 349], want[1, 0, 2] = 2, 1, 1, 1
    assert np.array_equal(X, want) and y.tolist() == [1, 0]


def test_shd_classes_on_the_same_channels_told_apart_by_spike_order(tmp_path):
    from hrsnn import ReservoirConfig
    from hrsnn.tasks.cells import classify

    def sample(rng, label):          # channels 100–139 then 300–339 (class 0) or the reverse (class 1), 75 spikes each
        early, late = (rng.integers(100, 140, 75), rng.integers(300, 340, 75))[::1 if label == 0 else -1]
        t = np.concatenate([np.sort(rng.uniform(0, 0.15, 75)), np.sort(rng.uniform(0.15, 0.3, 75))])
        return t, np.concatenate([early, late])
    for name, n, seed in (("order_train.h5", 12, 0), ("order_test.h5", 6, 1)):
        rng = np.random.default_rng(seed)
        labels = np.repeat([0, 1], n)
        samples = [sample(rng, c) for c in labels]
        write_shd(tmp_path / name, **{"spikes/times": [t for t, _ in samples], "spikes/units": [u for _, u in samples],
                                      "labels": labels})
    per_class = [np.bincount(sample(np.random.default_rng(9), c)[1], minlength=700) > 0 for c in (0, 1)]
    assert np.array_equal(*per_class)                               # the same channels, in another order
    cfg = ReservoirConfig().with_updates({"n_neurons": 150, "input.step": 10.0, "input.scale": 200.0})
    cell = classify(str(tmp_path / "order_train.h5"), config=cfg, seed=0, pool=4, n_bins=3)
    assert cell.n_test == 12 and cell.score > 0.8                  # chance is 1/2


def test_tonic_event_arrays_fold_y_and_polarity_into_channels():
    from hrsnn.tasks.events import from_tonic
    ev = np.zeros(4, dtype=[("t", "<i8"), ("x", "<i2"), ("y", "<i2"), ("p", "<i1")])
    ev["t"], ev["x"], ev["y"], ev["p"] = [0, 900, 2500, 2600], [0, 1, 1, 0], [0, 0, 1, 1], [0, 1, 0, 1]
    counts = from_tonic(ev, (2, 2, 2), step_ms=1.0)
    assert counts.shape == (3, 8) and counts.sum() == 4
    assert counts[0, 0] == 1 and counts[0, 1 + 4] == 1 and counts[2, 1 + 2] == 1 and counts[2, 0 + 2 + 4] == 1
    assert from_tonic(ev, (2, 2, 2), step_ms=1.0, pool=4).tolist() == [[1, 1], [0, 0], [1, 1]]
    with pytest.raises(InputError, match=r"events: channel 9 outside the declared 8 channels"):
        bad = ev.copy()
        bad["x"][0] = 9
        from_tonic(bad, (2, 2, 2), step_ms=1.0)


@pytest.mark.parametrize("override, message", [
    ({"labels": None}, "no dataset 'labels'"),
    ({"spikes/times": None}, "no dataset 'spikes/times'"),
    ({"spikes/units": [np.zeros(3)] * 36}, "sample 0 has 150 spike times but 3 units"),
    ({"spikes/times": [np.array([-0.1] + [0.1] * 149)] * 36}, "sample 0: negative or non-finite spike times"),
    ({"spikes/units": [np.full(150, 800)] * 36}, r"sample 0: channel 800 outside the declared 700 channels"),
    ({"labels": np.zeros(35, int)}, "36 spike-time arrays, 36 unit arrays and 35 labels"),
])
def test_bad_shd_files_get_one_line_naming_what_is_wrong(tmp_path, override, message):
    from hrsnn.tasks.events import load_shd
    path = write_shd(tmp_path / "bad.h5", **override)
    with pytest.raises(InputError, match=message):
        load_shd(path, step_ms=5.0)


def test_tonic_event_arrays_classify_end_to_end():
    from hrsnn import HRSNNClassifier, ReservoirConfig
    from hrsnn.tasks.events import from_tonic
    rng = np.random.default_rng(3)
    dtype = [("t", "<i8"), ("x", "<i2"), ("p", "<i1")]

    def recording(label):            # a 1-D sensor of 16 pixels, two polarities; class c lights pixels 5c … 5c+5
        ev = np.zeros(120, dtype=dtype)
        ev["t"] = np.sort(rng.integers(0, 200_000, 120))
        ev["x"], ev["p"] = rng.integers(5 * label, 5 * label + 6, 120), rng.integers(0, 2, 120)
        return ev
    labels = np.repeat([0, 1, 2], 10)
    X = np.stack([from_tonic(recording(c), (16, 1, 2), step_ms=10.0, n_steps=20) for c in labels])
    cfg = ReservoirConfig().with_updates({"n_neurons": 120, "input.encoding": "events", "input.step": 10.0,
                                          "input.scale": 200.0})
    train = np.arange(30) % 3 != 0
    clf = HRSNNClassifier(cfg, seed=0, input_features=False).fit(X[train], labels[train])
    assert X.shape == (30, 20, 32) and clf.score(X[~train], labels[~train]) > 0.6
