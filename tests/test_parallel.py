"""Worker processes never outlive the process that started them, even when it is killed with SIGKILL."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from .conftest import TARGET


def _alive(pids: list[int]) -> list[int]:
    out = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
        except psutil.NoSuchProcess:
            pass
    return out


def _kill_and_watch(proc: subprocess.Popen, ready, timeout: float = 120.0) -> tuple[list[int], list[int]]:
    """Wait until ``ready(descendants)``, SIGKILL ``proc``, then return (descendants, those alive 10 s later)."""
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + timeout
    kids = []
    while time.monotonic() < deadline:
        kids = parent.children(recursive=True)
        if ready(kids):
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"workers did not start within {timeout} s")
    pids = [k.pid for k in parent.children(recursive=True)]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    end = time.monotonic() + 10.0
    while _alive(pids) and time.monotonic() < end:
        time.sleep(0.2)
    left = _alive(pids)
    for pid in left:                          # clean up before failing, so nothing outlives the test either
        os.kill(pid, signal.SIGKILL)
    return pids, left


def _workers(kids) -> list:
    return [k for k in kids if "multiprocessing" in " ".join(k.cmdline()) and "resource_tracker" not in
            " ".join(k.cmdline())]


def test_pool_workers_exit_when_their_parent_is_killed(tmp_path):
    script = textwrap.dedent(f"""
        import time
        from hrsnn.parallel import process_pool

        def nap(k):
            open({str(tmp_path)!r} + f"/started{{k}}", "w").close()
            time.sleep(120)

        if __name__ == "__main__":
            with process_pool(2) as pool:
                list(pool.map(nap, range(2)))
        """)
    (tmp_path / "parent.py").write_text(script)
    proc = subprocess.Popen([sys.executable, str(tmp_path / "parent.py")], cwd=tmp_path)
    pids, left = _kill_and_watch(proc, lambda kids: len(list(tmp_path.glob("started*"))) == 2)
    assert len(pids) >= 2 and not left, f"still alive 10 s after the parent's SIGKILL: {left}"


def test_compare_workers_exit_when_the_command_is_killed(tmp_path):
    cmd = [sys.executable, "-m", "hrsnn", "compare", "--seeds", "0", "1", "2", "3", "4", "5", "--workers", "2",
           "--target", TARGET, "--quiet", "--out", str(tmp_path), "--set", "n_neurons=60", "--set", "dt=0.25",
           "--set", "task.eval_steps=4000"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pids, left = _kill_and_watch(proc, lambda kids: len(_workers(kids)) == 2)
    assert len(pids) >= 2 and not left, f"still alive 10 s after the parent's SIGKILL: {left}"


def test_reservoirpy_s_temporary_directory_is_removed_at_exit(tmp_path):
    """reservoirpy makes a directory under the temp dir at every import; a process that imports hrsnn removes its
    own at exit, in a spawned pool worker too."""
    script = textwrap.dedent("""
        import reservoirpy
        from hrsnn.parallel import process_pool

        def where(_):
            import reservoirpy
            return reservoirpy._TEMPDIR

        if __name__ == "__main__":
            with process_pool(1) as pool:
                print(reservoirpy._TEMPDIR, *pool.map(where, [0]))
        """)
    (tmp_path / "imports.py").write_text(script)
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, str(tmp_path / "imports.py")], cwd=tmp_path, env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert len(out) == 2 and out[0] != out[1] and all(p.startswith(str(tmp_path)) for p in out)
    assert not list(tmp_path.glob("reservoirpy-temp-*"))
