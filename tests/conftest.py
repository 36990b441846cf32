import os
import tempfile

import pytest

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
