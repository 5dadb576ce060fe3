"""The package's folders are its layers: imports point down the layers, never up, and no module imports itself
through others. Imports are read from the source (every `import` and `from ... import`, those inside functions
too), so an import hidden in a function counts as much as one at the top."""

import ast
import shutil
from pathlib import Path

from icbl_analysis.core.paths import PACKAGE_DIR

PACKAGE = PACKAGE_DIR.name
# Each layer (a folder of the package) and the layers below it that it may import; a layer may import itself.
# explore and run both stand on present and do not import each other. The package's own `__init__` (the
# console API) and `cli.py` stand on top of all of them.
MAY_IMPORT = {
    "core": set(),
    "data": {"core"},
    "engine": {"core", "data"},
    "review": {"core", "data", "engine"},
    "present": {"core", "data", "engine", "review"},
    "explore": {"core", "data", "engine", "review", "present"},
    "run": {"core", "data", "engine", "review", "present"},
}
TOP = {PACKAGE, f"{PACKAGE}.cli"}
DEFERRED_OK = {f"{PACKAGE}.cli"}  # its commands import what they need when they run, for start-up speed


def modules(package_dir: Path) -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by its `__init__.py`)."""
    found = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in MAY_IMPORT else "top"


class _Imports(ast.NodeVisitor):
    """The package's modules one module imports: (target, line, deferred: inside a function)."""

    def __init__(self, module: str, is_package: bool, known: set[str]):
        self.base = module.split(".") if is_package else module.split(".")[:-1]
        self.known, self.depth, self.found = known, 0, []

    def visit_FunctionDef(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def _add(self, target: str, node) -> None:
        while target and target not in self.known:  # `import a.b.c` where c is a name, not a module
            target = target.rpartition(".")[0]
        if target:
            self.found.append((target, node.lineno, self.depth > 0))

    def visit_Import(self, node):
        for alias in node.names:
            if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                self._add(alias.name, node)

    def visit_ImportFrom(self, node):
        if node.level:
            base = ".".join(self.base[: len(self.base) - node.level + 1] + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        if base != PACKAGE and not base.startswith(PACKAGE + "."):
            return
        for alias in node.names:  # `from . import facts` imports the module facts; `from .facts import x`, facts
            self._add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in self.known else base, node)


def imports(package_dir: Path) -> dict[str, list[tuple[str, int, bool]]]:
    """Each module's imports of the package's modules."""
    found = modules(package_dir)
    graph = {}
    for module, path in found.items():
        visitor = _Imports(module, path.name == "__init__.py", set(found))
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        graph[module] = visitor.found
    return graph


def upward(package_dir: Path) -> list[str]:
    """Every import of a higher layer (or of a sibling it may not import), as 'module (layer) imports target
    (layer), line n'; modules outside the layers' folders other than the API and the CLI are named too."""
    problems = []
    for module, found in imports(package_dir).items():
        if layer(module) == "top" and module not in TOP:
            problems.append(f"{module} is in no layer's folder")
        for target, line, _ in found:
            mine, theirs = layer(module), layer(target)
            if mine != "top" and theirs != mine and theirs not in MAY_IMPORT[mine]:
                problems.append(f"{module} ({mine}) imports {target} ({theirs}), line {line}")
    return problems


def cycles(package_dir: Path) -> list[list[str]]:
    """Every set of modules that import one another, directly or through others (Tarjan's strongly connected
    components with more than one module, or a module importing itself)."""
    graph = {m: sorted({t for t, _, _ in found}) for m, found in imports(package_dir).items()}
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, []):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, []):
                out.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return out


def deferred(package_dir: Path) -> list[str]:
    """Imports of the package's modules inside functions: none, except the CLI's, each with a comment on its
    line saying it is there for start-up speed."""
    problems = []
    found = modules(package_dir)
    for module, targets in imports(package_dir).items():
        lines = found[module].read_text(encoding="utf-8").splitlines()
        for target, line, inside in targets:
            if not inside:
                continue
            if module not in DEFERRED_OK or "start-up" not in lines[line - 1].partition("#")[2]:
                problems.append(f"{module} imports {target} inside a function, line {line}")
    return problems


def test_imports_point_down_the_layers():
    assert upward(PACKAGE_DIR) == []


def test_no_modules_import_one_another():
    assert cycles(PACKAGE_DIR) == []


def test_no_import_is_hidden_in_a_function():
    assert deferred(PACKAGE_DIR) == []


def test_the_layers_are_the_folders_and_each_says_what_it_owns_and_imports():
    found = modules(PACKAGE_DIR)
    assert {m.split(".")[1] for m in found if m.count(".") >= 2} == set(MAY_IMPORT)
    assert {m for m in found if layer(m) == "top"} == TOP
    for name in MAY_IMPORT:
        doc = ast.get_docstring(ast.parse(found[f"{PACKAGE}.{name}"].read_text(encoding="utf-8")))
        opening = doc.split("\n\n")[0] if doc else ""
        assert "import" in opening.lower(), name  # what it owns, and what it may import
        assert all(f"`{below}`" in opening for below in MAY_IMPORT[name]), name


def test_the_check_finds_an_upward_import_a_cycle_and_a_hidden_import(tmp_path):
    copy = tmp_path / PACKAGE
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    read, treaties = copy / "data" / "read.py", copy / "engine" / "treaties.py"
    read.write_text(read.read_text(encoding="utf-8") + "\nfrom ..present import words\n", encoding="utf-8")
    hidden = "\n\ndef later():\n    from .obligations import history\n"  # obligations imports treaties: a cycle
    treaties.write_text(treaties.read_text(encoding="utf-8") + hidden, encoding="utf-8")
    read_line = len(read.read_text(encoding="utf-8").splitlines())
    treaties_line = len(treaties.read_text(encoding="utf-8").splitlines())
    assert upward(copy) == [f"{PACKAGE}.data.read (data) imports {PACKAGE}.present.words (present), line {read_line}"]
    found = cycles(copy)
    assert len(found) == 1 and {f"{PACKAGE}.engine.obligations", f"{PACKAGE}.engine.treaties"} <= set(found[0])
    assert deferred(copy) == [f"{PACKAGE}.engine.treaties imports {PACKAGE}.engine.obligations inside a function, "
                              f"line {treaties_line}"]  # fmt: skip
    (copy / "stray.py").write_text('"""A module in no layer."""\n', encoding="utf-8")
    assert f"{PACKAGE}.stray is in no layer's folder" in upward(copy)


def test_a_comment_on_start_up_speed_lets_only_the_cli_defer_an_import(tmp_path):
    copy = tmp_path / PACKAGE
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    cli = copy / "cli.py"
    text = cli.read_text(encoding="utf-8")
    assert "papermill" in text and deferred(copy) == []
    cli.write_text(text.replace("  # here, for start-up speed", "  # here", 1), encoding="utf-8")
    assert [p.split(" inside")[0] for p in deferred(copy)] == [f"{PACKAGE}.cli imports {PACKAGE}.run.runner"]
