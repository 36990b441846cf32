import os
import tempfile
from pathlib import Path

import pytest
import tomli_w

os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="hrsnn-mpl-"))

from hrsnn import ReservoirConfig  # noqa: E402
from hrsnn.model.config import operating_point  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# Tests use Brian2's numpy target: no compilation, so a cold machine runs them in seconds.
TARGET = "numpy"


# Per-synapse LTD, drawn: the default draws LTP only, and the identity tests cover every drawn STDP parameter.
HET_LTD = {"dist": "gamma", "mean": 0.05, "cv": 0.5}
HET_TAU_MINUS = {"dist": "gamma", "mean": 20.0, "cv": 0.5}


@pytest.fixture
def small_config() -> ReservoirConfig:
    """A 60-neuron reservoir with a short protocol (about 2 s simulated) at the previous default's operating point
    (experiments/previous-default.toml: input-driven, subthreshold bias, τ_m Gamma(40 ms, CV 1)), whatever the
    default operating point."""
    return ReservoirConfig().with_updates({
        "n_neurons": 60, "dt": 0.25,
        "task.train_steps": 60, "task.eval_steps": 300, "task.washout": 20, "task.k_max": 10,
        **operating_point(ROOT / "experiments" / "previous-default.toml"),
    })


def write_toml(path: Path, data: dict) -> Path:
    """``data`` written as a TOML file at ``path`` (study, search and experiment files of the tests)."""
    path.write_text(tomli_w.dumps(data))
    return path
