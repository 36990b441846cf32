import os
import tempfile
from pathlib import Path

import pytest
import tomli_w

os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="hrsnn-mpl-"))

from hrsnn import ReservoirConfig  # noqa: E402

# Tests use Brian2's numpy target: no compilation, so a cold machine runs them in seconds.
TARGET = "numpy"


@pytest.fixture
def small_config() -> ReservoirConfig:
    """A 60-neuron reservoir with a short protocol (about 2 s simulated)."""
    return ReservoirConfig().with_updates({
        "n_neurons": 60, "dt": 0.25,
        "task.train_steps": 60, "task.eval_steps": 300, "task.washout": 20, "task.k_max": 10,
    })


def write_toml(path: Path, data: dict) -> Path:
    """``data`` written as a TOML file at ``path`` (study, search and experiment files of the tests)."""
    path.write_text(tomli_w.dumps(data))
    return path
