"""The package's layout: stages import downwards only, and only each other's public names."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ovm"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import that runs, at module level or inside functions; ``if TYPE_CHECKING``
    blocks run only for type checkers and are left out."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            visit(child)

    visit(tree)
    return found


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    private: list[str] = []
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_imports(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets = [(a.name, None) for a in node.names]
            else:
                if node.level or not node.module:
                    continue
                targets = [(node.module, a.name) for a in node.names]
            for module, imported in targets:
                if not module.startswith("ovm"):
                    continue
                full = (
                    f"{module}.{imported}"
                    if imported and f"{module}.{imported}" in modules
                    else module
                )
                if full in modules and full != name:
                    edges[name].add(full)
                owner = full if full in modules else module
                same_package = owner.startswith(package + ".") or owner == package
                leaf = imported or ""
                hidden = any(
                    part.startswith("_") and part != "__init__" for part in owner.split(".")[1:]
                )
                if not same_package and (
                    (leaf.startswith("_") and leaf != "__version__") or hidden
                ):
                    private.append(f"{name} imports {owner}:{leaf}")
    return edges, private


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
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

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            strong(v)
    return out


def test_no_module_takes_part_in_an_import_cycle() -> None:
    edges, _ = _graph()
    # The package's __init__ re-exports lazily: it imports nothing at run time.
    assert edges["ovm"] == set()
    assert _cycles(edges) == []


def test_no_module_imports_another_packages_private_names() -> None:
    _, private = _graph()
    assert private == []


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_importing_ovm_loads_no_stage_until_asked() -> None:
    code = (
        "import sys, ovm; loaded = sorted(m for m in sys.modules if m.startswith('ovm.')); "
        "print(loaded); ovm.score; print('ovm.scoring.engine' in sys.modules)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = res.stdout.splitlines()
    assert lines == ["[]", "True"]


def test_docs_api_lists_exactly_the_public_names() -> None:
    import re

    import ovm

    text = (PACKAGE.parent / "docs" / "api.md").read_text("utf-8")
    mentioned = set(re.findall(r"`([A-Za-z_]+)[(`]", text))
    # The first column of every table names public API only.
    listed = {
        n
        for cell in re.findall(r"^\| ([^|]+) \|", text, re.M)
        for n in re.findall(r"`([A-Za-z_]+)[(`]", cell)
    } - {"name"}
    public = set(ovm.__all__) - {"__version__"}
    assert sorted(public - mentioned) == []
    assert sorted(listed - public) == []
    assert all(getattr(ovm, name) is not None for name in public)


USER_SCRIPT = """\
from pathlib import Path

import ovm
from ovm import analyse, render


def main(folder: Path, out: Path) -> None:
    run: ovm.Run = analyse(folder)
    card: ovm.Scorecard = run.scorecard("mex-2024")
    node: ovm.NodeScore = card.node("overall")
    score: float | None = node.score
    entry: ovm.RankEntry = run.rank("mex-2024")
    rank: int | None = entry.rank
    ctx = ovm.report_context(run, lang="es")
    html: str = render(ctx)
    (out / "r.html").write_text(html, encoding="utf-8")
    (out / "r.xlsx").write_bytes(render(ctx, "xlsx"))
    scores: ovm.ScoreSet = ovm.score(run.rubric, run.observations, bootstrap=10)
    comparison: ovm.Comparison = ovm.compare(scores, run.rubric)
    print(score, rank, comparison.rankings["overall"][0].mission)
    try:
        ovm.load_rubric(folder / "missing.yaml")
    except ovm.RubricError as err:
        print([issue.code for issue in err.issues])
"""


def test_a_type_checker_sees_every_public_name(tmp_path: Path) -> None:
    """A script of other mission tooling, checked with ``mypy --strict`` outside the checkout:
    ``ovm.__all__`` is what a type checker reads (names are imported lazily at run time)."""
    import ovm

    assert sorted(ovm.__all__) == sorted(["__version__", *ovm._EXPORTS])
    script = tmp_path / "tooling.py"
    script.write_text(USER_SCRIPT, encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir",
         str(tmp_path / "cache"), str(script)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (res.returncode, res.stdout) == (0, "")
