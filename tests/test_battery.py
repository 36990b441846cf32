"""The task battery: ≥ 200 distinct generated tasks, each family checked on a case whose answer is known."""
import json
import subprocess
import sys

import numpy as np
import pytest
from numpy.polynomial import legendre

from hrsnn import InputError
from hrsnn.tasks.battery import FAMILIES, battery_input, score, target, tasks

U = battery_input(3000, 0)


def _lags(u, ks):
    return np.column_stack([np.concatenate([np.zeros(k), u[:len(u) - k]]) for k in ks])


def _family(name):
    return [t for t in tasks() if t.family == name]


def test_at_least_200_distinct_finite_tasks():
    all_tasks = tasks()
    assert len(all_tasks) >= 200 and len({t.name for t in all_tasks}) == len(all_tasks)
    assert all(np.all(np.isfinite(target(t, U))) and target(t, U).std() > 0 for t in all_tasks)


def test_recall_delay_line_scores_one_memoryless_zero():
    recall = _family("recall")
    assert score(_lags(U, range(60)), U, recall).min() > 0.99
    assert score(U[:, None], U, recall).max() < 0.02


def test_legendre_known_features_score_one_linear_zero():
    fam = _family("legendre")
    exact = np.column_stack([legendre.legval(_lags(U, [k])[:, 0], [0] * d + [1]) for d in range(2, 6)
                             for k in range(20)])
    assert score(exact, U, fam).min() > 0.99
    assert score(_lags(U, range(30)), U, fam).max() < 0.02      # no linear function of u carries P_d, d ≥ 2


def test_products_known_features_score_one_linear_zero():
    fam = _family("product")
    lags = _lags(U, range(10))
    exact = np.column_stack([lags[:, i] * lags[:, j] for i in range(10) for j in range(i + 1, 10)])
    assert score(exact, U, fam).min() > 0.99
    assert score(lags, U, fam).max() < 0.02


def test_narma_follows_its_recurrence_and_scores_one_on_itself():
    fam = _family("narma")
    v = (U + 1) / 4
    y = target(fam[8], U)                     # NARMA-10
    t = np.arange(20, 200)
    np.testing.assert_allclose(y[t + 1], 0.3 * y[t] + 0.05 * y[t] * np.array([y[k - 9:k + 1].sum() for k in t])
                               + 1.5 * v[t - 9] * v[t] + 0.1)
    own = np.column_stack([target(task, U) for task in fam])
    assert score(own, U, fam).min() > 0.99


def test_bad_families_and_lengths():
    with pytest.raises(InputError, match="families: unknown 'chaos'; allowed: recall, legendre, product, narma"):
        tasks(["recall", "chaos"])
    with pytest.raises(InputError, match="families: none given"):
        tasks([])
    with pytest.raises(InputError, match="n_steps: 100 steps are too short"):
        score(U[:100, None], U[:100], _family("recall"))
    assert FAMILIES == ("recall", "legendre", "product", "narma")


def test_battery_command_compares_a_model_with_its_twin(tmp_path):
    out = subprocess.run([sys.executable, "-m", "hrsnn", "battery", "--model", "rate", "--set", "n_neurons=40",
                          "--seeds", "0", "1", "--n-steps", "800", "--out", str(tmp_path), "--quiet"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "rate beats rate-hom on" in out.stdout
    rows = (tmp_path / "battery.csv").read_text().strip().splitlines()
    assert len(rows) == 206 and rows[0] == "task,rate_mean,rate_std,rate-hom_mean,rate-hom_std"
    data = json.loads((tmp_path / "battery.json").read_text())
    assert len(data["scores"]["rate"]["recall[1]"]) == 2 and data["comparison"]["tasks"] == 205
    bad = subprocess.run([sys.executable, "-m", "hrsnn", "battery", "--model", "rate", "--seeds", "-1", "--quiet"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.strip().splitlines()[-1].startswith("hrsnn: error: seed")
