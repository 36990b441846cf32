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


# optimize/: search (what to ask) → run (how trials run) → studies (one per command) → cli; analysis (pure numpy) and
# report (figures and Markdown from summaries) beside them. Each layer may import these parts of optimize:
OPTIMIZE_LAYERS = {"analysis": {"analysis"}, "search": {"search", "analysis"}, "run": {"run", "search", "analysis"},
                   "report": {"report", "analysis"}, "studies": {"studies", "run", "search", "analysis", "report"}}


def _graph() -> dict[str, set[str]]:
    """Module → the modules of hrsnn and optimize it imports (from any depth; not under ``if TYPE_CHECKING``)."""
    top = ROOT.parent
    files = {".".join(p.relative_to(top).with_suffix("").parts).removesuffix(".__init__"): p
             for pkg in ("hrsnn", "optimize") for p in (top / pkg).rglob("*.py")}
    graph = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text())
        skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                for n in ast.walk(node)}
        out = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
                mod = ".".join(base + ([node.module] if node.module else []))
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in files else mod for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            out |= {t for t in targets if t in files and t != name}
        graph[name] = out
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_in_hrsnn_or_optimize():
    graph = _graph()
    assert len(graph) > 60 and "optimize.search.study" in graph
    assert not _cycles(graph), _cycles(graph)


def test_optimize_imports_follow_its_layers():
    bad = []
    for name, targets in _graph().items():
        parts = name.split(".")
        if parts[0] != "optimize" or len(parts) < 3:          # the package itself and cli.py sit on top
            continue
        for t in targets:
            if t.startswith("optimize.") and t.split(".")[1] not in OPTIMIZE_LAYERS[parts[1]]:
                bad.append(f"{name} imports {t}")
    assert not bad, "\n".join(bad)


def test_the_graph_checks_catch_a_cycle_and_a_backward_arrow():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    probe = ROOT.parent / "optimize" / "report" / "_layout_probe.py"
    probe.write_text("from ..studies import frontier\n")
    try:
        graph = _graph()
    finally:
        probe.unlink()
    assert graph["optimize.report._layout_probe"] == {"optimize.studies.frontier"}
    assert "studies" not in OPTIMIZE_LAYERS["report"]
