"""Architecture guards: the layering, no import loops, and the size limits, checked over ``ast``.

Layers, lowest first; a module may import its own layer or a lower one, never a higher one:

0. the core: ``orggraph`` and every ``orggraph.*`` except ``orggraph.stores*``;
1. ``orggraph.stores*``, ``loaders*`` and the demo generator ``orggraph_demo*``;
2. the faces: ``api*`` and ``viz*``;
3. ``orggraph_cli*``, the composition root;
4. ``tests`` and ``bench``, which may import anything (and nothing may import them).

Within a layer: ``loaders`` takes only :mod:`orggraph.stores.base` (the Store type it writes to) from
the stores, never a backend nor the factory; ``orggraph_demo`` imports neither ``orggraph.engine`` (its
oracle must stay independent of the engine it checks) nor ``loaders`` (the demo's files are the CLI's
business, ``orggraph_cli.demo_files``); ``orggraph.stores`` imports neither ``loaders`` nor
``orggraph_demo``; ``viz`` does not import ``api``.

Every import statement counts, those inside functions (lazy imports) too. Edges join modules, not
packages: ``from a.b import c`` is an edge to ``a.b.c`` if that is a module, else to ``a.b`` (the
package's ``__init__``). A package ``__init__`` importing its own submodules is therefore no loop by
itself, but a submodule importing that ``__init__`` back is.

Sizes, outside tests/ (and generated data, of which there is none in Python today): no module over
:data:`MAX_MODULE_LINES` lines, no function over :data:`MAX_FUNCTION_LINES` lines counted from the
``def`` line to its last line, unless its docstring says why it must be long, with the words
"long because" (as in "This function is long because ..."), which :data:`LONG_MARKER` matches.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Top-level project packages, each with its layer; tests and bench sit above everything.
LAYERS = {"orggraph": 0, "orggraph.stores": 1, "loaders": 1, "orggraph_demo": 1, "api": 2, "viz": 2,
          "orggraph_cli": 3, "tests": 4, "bench": 4}
CHECKED = ("orggraph", "loaders", "orggraph_demo", "api", "viz", "orggraph_cli")
SIZED = CHECKED + ("bench",)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
LONG_MARKER = re.compile(r"\blong because\b", re.IGNORECASE)


@dataclass(frozen=True)
class Import:
    """One import statement's edge: ``source`` (a module, in ``path`` at ``line``) needs ``target``."""

    source: str
    target: str
    path: Path
    line: int
    # `from pkg import sub` also runs pkg/__init__: that edge to the package counts for loops only (its
    # layer is the submodule's, which the explicit edge already checks).
    package_only: bool = False

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root)}:{self.line}"


def _modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Every module of the given top-level packages, by dotted name (a package is its ``__init__``)."""
    found: dict[str, Path] = {}
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")) if (root / pkg).is_dir() else []:
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module that ``name`` is or lies in (``a.b.func`` -> ``a.b``)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path, known: dict[str, Path]) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):  # the whole tree: imports inside functions count too
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names]
            runs = _resolve(base, known)  # the package (or module) the statement runs first
            if runs is not None and runs != module and runs not in {_resolve(t, known) for t in targets}:
                yield Import(module, runs, path, node.lineno, package_only=True)
        else:
            continue
        for name in targets:
            target = _resolve(name, known)
            if target is not None and target != module:
                yield Import(module, target, path, node.lineno)


def import_graph(root: Path, packages: tuple[str, ...] = SIZED + ("tests",)) -> list[Import]:
    known = _modules(root, packages)
    return [edge for module, path in known.items() for edge in _imports(module, path, known)]


def layer_of(module: str) -> int:
    if module == "orggraph.stores" or module.startswith("orggraph.stores."):
        return LAYERS["orggraph.stores"]
    return LAYERS[module.split(".")[0]]


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _extra_rule(edge: Import) -> str | None:
    """The rules that hold within a layer; the reason, if ``edge`` breaks one."""
    src, dst = edge.source, edge.target
    if _within(src, "loaders") and _within(dst, "orggraph.stores") and dst != "orggraph.stores.base":
        return "loaders may take only orggraph.stores.base from the stores, never a backend or the factory"
    if _within(src, "orggraph_demo") and _within(dst, "orggraph.engine"):
        return "orggraph_demo must not import orggraph.engine (its oracle is independent of the engine)"
    if _within(src, "orggraph_demo") and _within(dst, "loaders"):
        return "orggraph_demo must not import loaders (the demo's files belong to the CLI)"
    if _within(src, "orggraph.stores") and (_within(dst, "loaders") or _within(dst, "orggraph_demo")):
        return "orggraph.stores must not import loaders or orggraph_demo"
    if _within(src, "viz") and _within(dst, "api"):
        return "viz must not import api"
    return None


def layering_violations(root: Path, edges: list[Import] | None = None) -> list[str]:
    found = []
    for edge in edges if edges is not None else import_graph(root):
        if edge.source.split(".")[0] not in CHECKED or edge.package_only:
            continue  # tests and bench may import anything
        src, dst = layer_of(edge.source), layer_of(edge.target)
        if dst > src:
            found.append(f"{edge.where(root)}: {edge.source} (layer {src}) imports {edge.target} "
                         f"(layer {dst}): imports must not run upward")
        elif (reason := _extra_rule(edge)) is not None:
            found.append(f"{edge.where(root)}: {edge.source} imports {edge.target}: {reason}")
    return found


def _cycles(edges: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    succ: dict[str, list[str]] = {}
    for edge in edges:
        succ.setdefault(edge.source, []).append(edge.target)
        succ.setdefault(edge.target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return components


def _loop_in(component: list[str], edges: list[Import]) -> list[Import]:
    """One concrete loop through the component's first module, as the import statements that make it."""
    inside = set(component)
    out: dict[str, list[Import]] = {}
    for edge in edges:
        if edge.source in inside and edge.target in inside:
            out.setdefault(edge.source, []).append(edge)
    start = component[0]
    paths: dict[str, list[Import]] = {start: []}
    frontier = [start]
    while frontier:  # breadth first: the shortest way back to the start
        nxt = []
        for v in frontier:
            for edge in out.get(v, []):
                if edge.target == start:
                    return paths[v] + [edge]
                if edge.target not in paths:
                    paths[edge.target] = paths[v] + [edge]
                    nxt.append(edge.target)
        frontier = nxt
    raise AssertionError("a strongly connected component always has a loop")


def import_cycles(root: Path, edges: list[Import] | None = None) -> list[str]:
    project = [e for e in (edges if edges is not None else import_graph(root))
               if e.source.split(".")[0] in CHECKED and e.target.split(".")[0] in CHECKED]
    found = []
    for component in _cycles(project):
        loop = _loop_in(component, project)
        steps = "; ".join(f"{e.where(root)} {e.source} -> {e.target}" for e in loop)
        found.append(f"import loop among {', '.join(component)}: {steps}")
    return found


def _function_lines(tree: ast.Module) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, int]]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno is not None
            yield node, node.end_lineno - node.lineno + 1


def size_violations(root: Path, packages: tuple[str, ...] = SIZED) -> list[str]:
    found = []
    for module, path in _modules(root, packages).items():
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(root)
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{where}: module {module} has {lines} lines (limit {MAX_MODULE_LINES})")
        for fn, length in _function_lines(ast.parse(text, str(path))):
            if length > MAX_FUNCTION_LINES and not LONG_MARKER.search(ast.get_docstring(fn) or ""):
                found.append(f"{where}:{fn.lineno}: function {fn.name} has {length} lines (limit "
                             f"{MAX_FUNCTION_LINES}; or say in its docstring why it is 'long because ...')")
    return found


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


# ---- the project itself ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project_edges() -> list[Import]:
    return import_graph(ROOT)


def test_imports_follow_the_layers(project_edges: list[Import]) -> None:
    problems = layering_violations(ROOT, project_edges)
    assert not problems, _report(problems)


def test_no_import_loops(project_edges: list[Import]) -> None:
    problems = import_cycles(ROOT, project_edges)
    assert not problems, _report(problems)


def test_modules_and_functions_stay_small() -> None:
    problems = size_violations(ROOT)
    assert not problems, _report(problems)


def test_the_checker_sees_the_project(project_edges: list[Import]) -> None:
    """Guard the guard: a broken module map would make every check above pass vacuously."""
    sources = {e.source for e in project_edges}
    assert {"orggraph.stores", "orggraph_cli.main"} <= sources
    assert any(e.source.startswith("loaders.") and e.target == "orggraph.stores.base" for e in project_edges)


# ---- the checker can fail --------------------------------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        for parent in path.relative_to(root).parents:
            if parent != Path(".") and not (root / parent / "__init__.py").exists():
                (root / parent / "__init__.py").write_text("", encoding="utf-8")


def test_checker_reports_each_broken_rule(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "orggraph/__init__.py": "",
        "orggraph/graph.py": "def f():\n    from api.app import make\n",  # lazy, upward
        "orggraph/engine/__init__.py": "from orggraph.engine.core import scan\n",
        "orggraph/engine/core.py": "def scan():\n    pass\n",
        "orggraph/stores/__init__.py": "from orggraph.stores.base import Store\n",
        "orggraph/stores/base.py": "Store = object\n",
        "orggraph/stores/neo4j.py": "import loaders.pipeline\n",
        "loaders/pipeline.py": "from orggraph.stores.base import Store\nfrom orggraph.stores import neo4j\n",
        "orggraph_demo/oracle.py": "from orggraph.engine import scan\n",
        "orggraph_demo/files.py": "from loaders.pipeline import load_paths\n",
        "api/app.py": "from viz import render\n",
        "viz/render.py": "from api import app\n",
        "orggraph_cli/main.py": "from api.app import make\nfrom tests import helpers\n",
        "tests/helpers.py": "",
    })
    edges = import_graph(tmp_path)
    problems = layering_violations(tmp_path, edges)
    expected = [
        "orggraph/graph.py:2: orggraph.graph (layer 0) imports api.app (layer 2)",
        "orggraph/stores/neo4j.py:1: orggraph.stores.neo4j imports loaders.pipeline: orggraph.stores must not",
        "loaders/pipeline.py:2: loaders.pipeline imports orggraph.stores.neo4j: loaders may take only",
        "orggraph_demo/oracle.py:1: orggraph_demo.oracle imports orggraph.engine: orggraph_demo must not",
        "orggraph_demo/files.py:1: orggraph_demo.files imports loaders.pipeline: orggraph_demo must not",
        "viz/render.py:1: viz.render imports api.app: viz must not import api",
        "orggraph_cli/main.py:2: orggraph_cli.main (layer 3) imports tests.helpers (layer 4)",
    ]
    for want in expected:
        assert any(p.startswith(want) for p in problems), (want, problems)
    assert len(problems) == len(expected), problems  # allowed edges (loaders -> stores.base) pass

    # A package __init__ importing its own submodule (orggraph.engine -> .core, orggraph.stores -> .base)
    # is no loop; modules importing each other, in whatever layers, are.
    assert import_cycles(tmp_path, edges) == [
        ("import loop among api.app, viz.render: api/app.py:1 api.app -> viz.render; "
        "viz/render.py:1 viz.render -> api.app"),
        ("import loop among loaders.pipeline, orggraph.stores.neo4j: loaders/pipeline.py:2 loaders.pipeline "
        "-> orggraph.stores.neo4j; orggraph/stores/neo4j.py:1 orggraph.stores.neo4j -> loaders.pipeline")]


def test_checker_reports_loops_through_a_package_init(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "orggraph/stores/__init__.py": "from orggraph.stores.base import Store\n",
        "orggraph/stores/base.py": "def f():\n    from orggraph.stores import open_store\n",
        "api/a.py": "from . import b\n",
        "api/b.py": "import api.a\n",
    })
    loops = import_cycles(tmp_path)
    assert len(loops) == 2, loops
    assert ("import loop among orggraph.stores, orggraph.stores.base: "
            "orggraph/stores/__init__.py:1 orggraph.stores -> orggraph.stores.base; "
            "orggraph/stores/base.py:2 orggraph.stores.base -> orggraph.stores") in loops
    assert any(loop.startswith("import loop among api.a, api.b: api/a.py:1 api.a -> api.b") for loop in loops)


def test_size_guard_reports_long_code_without_a_reason(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    _tree(tmp_path, {
        "viz/long.py": f"def too_long():\n{body}\n\ndef explained():\n"
                       f'    """Long, and long because the table is one literal."""\n{body}',
        "bench/fine.py": "def short():\n    return 1\n",
        "api/big.py": "x = 1\n" * (MAX_MODULE_LINES + 1),
    })
    problems = size_violations(tmp_path)
    assert problems == [
        f"api/big.py: module api.big has {MAX_MODULE_LINES + 1} lines (limit {MAX_MODULE_LINES})",
        (f"viz/long.py:1: function too_long has {MAX_FUNCTION_LINES + 1} lines (limit {MAX_FUNCTION_LINES}; "
        "or say in its docstring why it is 'long because ...')"),
    ], problems
