"""The package's layers, read from the source (issue 12): who may import whom, and how.

Layers, bottom to top: contracts (``errors``, ``evidence``, ``registry``, ``__init__``) <- ``arith`` <- ``net``
<- ``floatpath`` <- ``paper`` <- ``surfaces`` <- ``testing``.  Every module of ``exactloss/`` is parsed with
``ast`` (nothing is imported for (a)-(d)) and

(a) a module-top import of an exactloss module goes to the same or a lower layer (``if TYPE_CHECKING:``
    blocks are not imports at run time; ``exactloss/__init__.py``'s lazy ``_EXPORTS`` table and the registry's
    ``importlib`` discovery are not import statements; ``from exactloss import Name`` counts as an import of
    the module ``_EXPORTS`` names for it);
(b) no exactloss module is imported inside a function (those imports hide cycles and upward dependencies;
    only optional heavy third-party libraries are imported on first use, and those are not checked here);
(c) no ``_private`` name is imported from another exactloss module;
(d) no ``try: ... except ImportError`` guards an import of an exactloss module ("not available" paths);
(e) the graph of module-top imports has no cycle, and ``import exactloss; import exactloss.surfaces.cli``
    in a fresh interpreter loads every module once, under one name.

Each failure lists the offending imports as ``file:line``.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "exactloss"

LAYERS = ("contracts", "arith", "net", "floatpath", "paper", "surfaces", "testing")
CONTRACTS = ("errors", "evidence", "registry")
# ``python -m exactloss`` (exactloss/__main__.py) only calls the CLI: it sits in the layer of the CLI.
ENTRY_POINTS = {"__main__": "surfaces"}

# In-function imports of exactloss modules allowed for now: (file, imported module) -> why it must stay.
# An entry that no longer occurs fails the test (remove it); the list may only shrink.
EXPECTED: dict[tuple[str, str], str] = {}
MAX_EXPECTED = 0  # lower it with the list; never raise it


# -- reading the package ----------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def layer(module: str) -> int:
    """The layer index of ``exactloss[.x[.y]]`` (0 = contracts); a module outside every layer is an error."""
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else None
    if head is None or head in CONTRACTS:
        return 0
    if head in ENTRY_POINTS:
        return LAYERS.index(ENTRY_POINTS[head])
    if head in LAYERS:
        return LAYERS.index(head)
    raise AssertionError(f"{module}: not in any layer; put it under one of {', '.join(LAYERS[1:])} or make it a "
                         f"contract ({', '.join(CONTRACTS)}) and list it in tests/test_layers.py")


def layer_name(module: str) -> str:
    return LAYERS[layer(module)]


def _exports() -> dict[str, str]:
    """``exactloss/__init__.py``'s ``_EXPORTS``: public name -> defining module (read with ast, not imported)."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_EXPORTS" for t in node.targets):
            return {k: f"exactloss.{v}" for k, v in ast.literal_eval(node.value).items()}
    return {}


EXPORTS = _exports()


@dataclass(frozen=True)
class Import:
    """One import statement's reference to an exactloss module."""

    file: str          # exactloss/net/backprop.py
    line: int
    importer: str      # exactloss.net.backprop
    target: str        # exactloss.arith.systems (the module that is loaded)
    names: tuple[str, ...]  # the names taken from it (empty for ``import exactloss.x``)
    in_function: bool
    type_checking: bool
    guarded: bool      # inside ``try: ... except ImportError``

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(k, (ast.Name, ast.Attribute)) and getattr(k, "id", getattr(k, "attr", None))
               in ("ImportError", "ModuleNotFoundError") for k in kinds if k is not None)


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str | None:
    """The absolute module of a ``from ... import`` (relative imports resolved against the importer)."""
    if not node.level:
        return node.module
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(importer: str, is_package: bool, node: ast.AST) -> list[tuple[str, tuple[str, ...]]]:
    """``(module loaded, names taken)`` for each exactloss module an import statement refers to."""
    if isinstance(node, ast.Import):
        return [(a.name, ()) for a in node.names if a.name == "exactloss" or a.name.startswith("exactloss.")]
    module = _resolve(importer, is_package, node)
    if module is None or not (module == "exactloss" or module.startswith("exactloss.")):
        return []
    out: dict[str, list[str]] = {}
    for a in node.names:
        sub = f"{module}.{a.name}"
        if sub in MODULES:  # from exactloss.net import activations: the submodule
            out.setdefault(sub, [])
        elif module == "exactloss" and a.name in EXPORTS:  # from exactloss import Network: net.network, lazily
            out.setdefault(EXPORTS[a.name], []).append(a.name)
        else:
            out.setdefault(module, []).append(a.name)
    return [(m, tuple(names)) for m, names in out.items()]


def _imports(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool, type_checking: bool, guarded: bool) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for target, names in _targets(module, is_package, node):
                found.append(Import(_rel(path), node.lineno, module, target, names, in_function, type_checking,
                                    guarded))
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            in_function = True
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, in_function, True, guarded)
            for child in node.orelse:
                visit(child, in_function, type_checking, guarded)
            return
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            catches = any(_catches_import_error(h) for h in node.handlers)
            for child in node.body:
                visit(child, in_function, type_checking, guarded or catches)
            for part in (node.handlers, node.orelse, node.finalbody):
                for child in part:
                    visit(child, in_function, type_checking, guarded)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, in_function, type_checking, guarded)

    visit(tree, False, False, False)
    return found


IMPORTS: list[Import] = [imp for module, path in MODULES.items() for imp in _imports(module, path)]
TOP = [imp for imp in IMPORTS if not imp.in_function and not imp.type_checking]


def _by_place(line: str) -> tuple[str, int, str]:
    file, _, rest = line.partition(":")
    number, _, text = rest.partition(":")
    return (file, int(number), text) if number.isdigit() else (file, 0, rest)


def _report(title: str, lines: list[str]) -> str:
    return f"{title} ({len(lines)}):\n  " + "\n  ".join(sorted(lines, key=_by_place))


# -- the rules ------------------------------------------------------------------------------


def test_every_module_has_a_layer():
    for module in MODULES:
        layer(module)


def test_module_top_imports_go_down_the_layers():
    """(a) A module-top import goes to the same or a lower layer."""
    bad = [f"{imp.where}: {imp.importer} ({layer_name(imp.importer)}) imports {imp.target} "
           f"({layer_name(imp.target)})" for imp in TOP if layer(imp.target) > layer(imp.importer)]
    assert not bad, _report("module-top imports that go UP the layers "
                            f"({' <- '.join(LAYERS)}); move the code to the layer where it belongs", bad)


def test_no_exactloss_imports_inside_functions():
    """(b) Imports of exactloss modules sit at the module top (EXPECTED lists the temporary exceptions)."""
    inner = [imp for imp in IMPORTS if imp.in_function and not imp.type_checking]
    bad = [f"{imp.where}: imports {imp.target} inside a function" for imp in inner
           if (imp.file, imp.target) not in EXPECTED]
    present = {(imp.file, imp.target) for imp in inner}
    stale = [f"{file}: {target} ({why})" for (file, target), why in EXPECTED.items() if (file, target) not in present]
    assert len(EXPECTED) <= MAX_EXPECTED, "EXPECTED may only shrink: move the import to the module top instead"
    assert not bad, _report("exactloss imports inside functions; move them to the module top (or, if that "
                            "creates an upward import or a cycle, move the code to its layer)", bad)
    assert not stale, _report("EXPECTED entries that no longer occur; delete them and lower MAX_EXPECTED", stale)


def test_no_private_names_across_modules():
    """(c) No ``_private`` name is imported from another exactloss module."""
    bad = [f"{imp.where}: from {imp.target} import {name}" for imp in IMPORTS for name in imp.names
           if name.startswith("_") and not (name.startswith("__") and name.endswith("__"))]
    assert not bad, _report("private names imported from another module; make them public (drop the "
                            "underscore, add a docstring) or move them to the module that uses them", bad)


def test_no_availability_guards_around_exactloss_imports():
    """(d) No ``try/except ImportError`` around an import of exactloss's own modules."""
    bad = [f"{imp.where}: import of {imp.target} inside try/except ImportError" for imp in IMPORTS if imp.guarded]
    assert not bad, _report("'not available' guards around exactloss's own modules; import them plainly", bad)


def _cycles(edges: dict[str, dict[str, Import]]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a self-loop): Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in edges.get(v, {}):
                out.append(sorted(comp))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(MODULES) + 100))
    try:
        for v in sorted(edges):
            if v not in index:
                strong(v)
    finally:
        sys.setrecursionlimit(limit)
    return out


def test_module_top_imports_have_no_cycle():
    """(e) The graph of module-top imports (TYPE_CHECKING blocks excepted) is acyclic."""
    edges: dict[str, dict[str, Import]] = {}
    for imp in TOP:
        if imp.target != imp.importer:
            edges.setdefault(imp.importer, {}).setdefault(imp.target, imp)
    bad = []
    for comp in _cycles(edges):
        members = set(comp)
        links = [edges[a][b].where + f": {a} -> {b}" for a in comp for b in sorted(edges.get(a, {})) if b in members]
        bad.append("cycle among " + ", ".join(comp) + ":\n    " + "\n    ".join(links))
    assert not bad, _report("import cycles at module top; move the shared code down to one module both import", bad)


PROBE = """
import json, sys
import exactloss
import exactloss.surfaces.cli
root = sys.argv[1].rstrip("/") + "/"
files = {}
for name, mod in list(sys.modules.items()):
    f = getattr(mod, "__file__", None)
    if f and f.startswith(root):
        files.setdefault(f, []).append(name)
print(json.dumps(files))
"""


def test_importing_the_package_and_the_cli_loads_each_module_once():
    """(e) A fresh ``import exactloss; import exactloss.surfaces.cli`` succeeds and loads no module twice."""
    out = subprocess.run([sys.executable, "-c", PROBE, str(PACKAGE)], capture_output=True, text=True, timeout=300,
                         cwd=ROOT)
    assert out.returncode == 0, f"import exactloss; import exactloss.surfaces.cli failed:\n{out.stderr}"
    files = json.loads(out.stdout.strip().splitlines()[-1])
    twice = [f"{Path(f).relative_to(ROOT).as_posix()}: loaded as {', '.join(sorted(names))}"
             for f, names in files.items() if len(names) > 1]
    outside = [f"{Path(f).relative_to(ROOT).as_posix()}: loaded as {name}" for f, names in files.items()
               for name in names if not (name == "exactloss" or name.startswith("exactloss."))]
    assert not twice and not outside, _report("modules loaded twice or under a name outside exactloss",
                                              twice + outside)
