"""Every command that writes files refuses an unwritable output in one line, before any work; missing folders are
created."""
import pytest

from hrsnn.cli import main
from hrsnn.outputs import writable

BAD_FILE, BAD_DIR = "/proc/hrsnn-nope.out", "/proc/hrsnn-nope/out"
COMMANDS = [
    (["export-nir", "--seed", "0", "--approximate", "--delay-step", "10", "--set", "n_neurons=100", "--out", BAD_FILE],
     "--out"),
    (["evaluate", "--out", BAD_FILE], "--out"),
    (["compare", "--out", BAD_DIR], "--out"),
    (["battery", "--out", BAD_DIR], "--out"),
    (["sweep", "size", "--values", "10", "--out", BAD_DIR], "--out"),
    (["quenched", "--quick", "--out", BAD_DIR], "--out"),
    (["reproduce", "experiments/reproduce-quick.toml", "--out", BAD_DIR], "--out"),
    (["optimize", "experiments/studies/quick.toml", "--dir", BAD_DIR], "--dir"),
    (["study", "export", "any", "--out", BAD_FILE], "--out"),
    (["study", "export", "any", "--dir", BAD_DIR], "--out"),
    *[([cmd, "x.toml", "--out", BAD_DIR], "--out") for cmd in ("frontier", "stdp", "efficiency", "architecture",
                                                                "operating-point")],
    *[([cmd, "x.toml", "--dir", BAD_DIR], "--dir") for cmd in ("frontier", "stdp", "efficiency", "architecture",
                                                                "operating-point")],
]


@pytest.mark.parametrize("argv, option", COMMANDS, ids=[" ".join(c[0][:2]) + " " + c[1] for c in COMMANDS])
def test_an_unwritable_output_is_one_line_before_any_work(argv, option, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"hrsnn: error: {option}: cannot write /proc/hrsnn-nope"), err


def test_missing_folders_are_created_and_a_folder_is_not_a_file(tmp_path):
    assert writable(tmp_path / "a" / "b" / "r.nir", "--out", "file") == tmp_path / "a" / "b" / "r.nir"
    assert (tmp_path / "a" / "b").is_dir() and not (tmp_path / "a" / "b" / "r.nir").exists()
    assert list((tmp_path / "a" / "b").iterdir()) == []                 # the probe is gone
    with pytest.raises(OSError, match=r"--out: cannot write .* is a folder"):
        writable(tmp_path / "a", "--out", "file")
