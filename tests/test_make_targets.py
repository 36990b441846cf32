"""Every ``-quick`` Make target the README lists runs to exit 0 in a copy of the project (so that a change of
default cannot break one silently). The copy shares this checkout's virtual environment and caches."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_quick_targets() -> list[str]:
    """``make X-quick`` and ``make X[-quick]`` as the README writes them."""
    text = (ROOT / "README.md").read_text()
    names = set(re.findall(r"make\s+([a-z-]+)-quick\b", text)) | set(re.findall(r"make\s+([a-z-]+)\[-quick\]", text))
    return sorted(f"{n}-quick" for n in names)


def test_the_readme_lists_quick_targets_that_the_makefile_has():
    targets = readme_quick_targets()
    assert "scml-search-quick" in targets and "optimize-quick" in targets
    makefile = (ROOT / "Makefile").read_text()
    for t in targets:
        assert re.search(rf"^{re.escape(t)}:", makefile, re.M), f"README lists make {t}; the Makefile has no such target"


@pytest.mark.skipif(not (ROOT / ".venv" / ".installed").exists(), reason="needs the Makefile's virtual environment")
@pytest.mark.parametrize("target", readme_quick_targets())
def test_quick_target_exits_0(target, tmp_path):
    for name in ("Makefile", "setup.cfg", "pyproject.toml", "constraints.txt", "README.md"):
        shutil.copy2(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "experiments", tmp_path / "experiments")
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    done = subprocess.run(["make", "-s", target, f"HRSNN_CACHE_DIR={ROOT / '.cache'}",
                           f"NUMBA_CACHE_DIR={ROOT / '.cache' / 'numba'}"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"make {target} exited {done.returncode}:\n{done.stderr[-2000:]}"
