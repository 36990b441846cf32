"""The package's stages: no module imports a module of a later stage, and ``hrsnn`` never imports ``optimize``."""
import ast
from pathlib import Path

import hrsnn

ROOT = Path(hrsnn.__file__).parent
# config → drawn parameters → simulation → states → measures → tasks; the CLI and the bench sit on top
STAGE = {"errors": 0, "memo": 0, "parallel": 0, "provenance": 0, "outputs": 0, "model": 1, "sim": 2, "measure": 3, "tasks": 4,
         "cli": 5, "bench": 5, "__init__": 5, "__main__": 5}


def _stage(module: str) -> int:
    """Stage of a dotted module inside hrsnn ("sim.network" → 2)."""
    return STAGE[module.split(".")[0]]


def _imports(path: Path) -> list[str]:
    """Modules of hrsnn imported by ``path`` (dotted, relative to the package), from any depth of the file."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[:len(package) - node.level + 1])
                mod = ".".join(base + ([node.module] if node.module else []))
                names = [mod] if node.module else [".".join(base + [a.name]) for a in node.names]
            elif node.module and node.module.split(".")[0] in ("hrsnn", "optimize"):
                names = [node.module.removeprefix("hrsnn").lstrip(".") or "__init__"]
                if node.module.startswith("optimize"):
                    names = ["optimize"]
            else:
                continue
            out.extend(n or "__init__" for n in names)
        elif isinstance(node, ast.Import):
            out.extend(a.name.removeprefix("hrsnn.") for a in node.names if a.name.split(".")[0] in ("hrsnn", "optimize")
                       and a.name != "hrsnn")
    return out


def test_no_module_imports_a_later_stage():
    bad = []
    files = sorted(ROOT.rglob("*.py"))
    assert len(files) > 20
    for path in files:
        own = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for mod in _imports(path):
            assert mod != "optimize", f"{own} imports optimize"
            if _stage(mod) > _stage(own):
                bad.append(f"{own} (stage {_stage(own)}) imports {mod} (stage {_stage(mod)})")
    assert not bad, "\n".join(bad)


def test_simulators_do_not_own_the_model():
    """The Numba kernel and the standalone engine take the drawn parameters from the model, not from Brian2's
    network module (which they may use only for its model strings)."""
    assert "sim.network" not in _imports(ROOT / "sim" / "eventsim.py")
    assert "model.parameters" in _imports(ROOT / "sim" / "eventsim.py")
    assert all(not m.startswith("sim") for m in _imports(ROOT / "model" / "parameters.py"))


def test_stage_check_catches_a_backward_import():
    """The checker itself: a model module importing a simulator is reported."""
    fake = ROOT / "model" / "_layout_probe.py"
    fake.write_text("from ..sim import network\n")
    try:
        mods = _imports(fake)
    finally:
        fake.unlink()
    assert mods == ["sim"] and _stage(mods[0]) > _stage("model._layout_probe")
