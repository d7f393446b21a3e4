"""The package's architecture as a test: each folder imports only from the folders before
it in :data:`ORDER`, and no module imports itself back through others (no circle).

Only ``ast`` is used: every ``import`` and ``from ... import`` of the package is found,
at the top of a module, inside a function or under ``TYPE_CHECKING`` alike.
"""

from __future__ import annotations

import ast
import shutil
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "twinimpact"

#: From the bottom up. A unit is a top-level module or a folder of the package (one list,
#: which also orders docs/DESIGN.md's package table).
from twinimpact.run.layout import ORDER  # noqa: E402


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["twinimpact", *parts])


def package_imports(root: Path) -> dict[str, set[str]]:
    """Every module of the package (by dotted name) and the package modules it imports."""
    modules = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        is_pkg = path.name == "__init__.py"
        here = name.split(".") if is_pkg else name.split(".")[:-1]
        graph[name]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = here[: len(here) - (node.level - 1)]
                    base = ".".join(up + ([node.module] if node.module else []))
                for alias in node.names:  # "from pkg import module" names the module itself
                    if base == "twinimpact" and alias.name == "__version__":
                        continue  # the distribution's version, not a module
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in modules else base)
            for target in targets:
                if target == "twinimpact" or target.startswith("twinimpact."):
                    if target != name:
                        graph[name].add(target)
    return dict(graph)


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "twinimpact"


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports that point up :data:`ORDER` (or into a unit it does not list)."""
    rank = {u: i for i, u in enumerate(ORDER)}
    found = []
    for module, targets in sorted(graph.items()):
        u = unit(module)
        for target in sorted(targets):
            t = unit(target)
            if u == "twinimpact":  # the top __init__ loads its faces lazily and imports none
                found.append(f"{module} -> {target}: the package's __init__ imports nothing of its own")
            elif t == "twinimpact":
                found.append(f"{module} -> twinimpact: import from the module that owns the name, not the top")
            elif u not in rank or t not in rank:
                found.append(f"{module} -> {target}: {u if u not in rank else t} is not in ORDER")
            elif rank[t] > rank[u]:
                found.append(f"{module} -> {target}: {u} may not import {t}, which sits above it")
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_every_import_points_down_the_declared_order():
    assert upward_imports(package_imports(PACKAGE)) == []


def test_no_module_imports_itself_back_through_others():
    assert circles(package_imports(PACKAGE)) == []


def test_every_folder_of_the_package_is_a_declared_unit_and_says_what_it_owns():
    for folder in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        assert folder.name in ORDER, folder.name
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "May import" in doc or folder.name in ("charts", "sample"), folder.name
        assert doc, folder.name


def test_the_top_holds_at_most_eight_modules():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "twinimpact"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__", "templates"))
    return root


def test_an_upward_import_added_anywhere_is_caught(tmp_path):
    root = _copy(tmp_path)
    spec = root / "contract" / "spec.py"
    spec.write_text(spec.read_text(encoding="utf-8") + "\n\ndef _late():\n    from twinimpact.run import report\n",
                    encoding="utf-8")
    words = root / "words" / "narrate.py"
    words.write_text(words.read_text(encoding="utf-8") + "\nfrom ..analyses import cost\n", encoding="utf-8")
    found = upward_imports(package_imports(root))
    assert any(f.startswith("twinimpact.contract.spec -> twinimpact.run.report") for f in found), found
    assert any(f.startswith("twinimpact.words.narrate -> twinimpact.analyses.cost") for f in found), found
    assert len(found) == 2


def test_a_circle_added_inside_one_folder_is_caught(tmp_path):
    root = _copy(tmp_path)
    money = root / "analyses" / "money.py"
    money.write_text(money.read_text(encoding="utf-8") + "\nfrom twinimpact.analyses.rights import findings\n",
                     encoding="utf-8")
    groups = circles(package_imports(root))
    assert any("twinimpact.analyses.money" in g and "twinimpact.analyses.rights.findings" in g for g in groups), groups


def test_analyses_hold_at_most_eight_modules_at_their_top_and_each_chapter_says_what_it_owns():
    analyses = PACKAGE / "analyses"
    top = sorted(p.name for p in analyses.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= 8, top
    chapters = sorted(p for p in analyses.iterdir() if p.is_dir() and not p.name.startswith("__"))
    assert {c.name for c in chapters} >= {"cost", "labor", "engagement", "rights", "scenarios", "stats"}
    for chapter in chapters:
        assert ast.get_docstring(ast.parse((chapter / "__init__.py").read_text(encoding="utf-8"))), chapter.name


def package_imports_inside_functions(root: Path) -> list[str]:
    """``module:line`` of every import of the package's own modules made inside a function,
    outside ``cli`` (whose commands load only what each needs, to start fast)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] in ("cli.py", "__main__.py"):
            continue
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                target = (node.module or "") if isinstance(node, ast.ImportFrom) else \
                    (node.names[0].name if isinstance(node, ast.Import) else None)
                relative = isinstance(node, ast.ImportFrom) and node.level > 0
                if target is not None and (relative or target == "twinimpact" or target.startswith("twinimpact.")):
                    found.append(f"{path.relative_to(root)}:{node.lineno} ({fn.name}) imports {target or '.'}")
    return found


def test_no_function_imports_the_package_outside_the_command_line():
    assert package_imports_inside_functions(PACKAGE) == []


def test_an_import_added_inside_a_function_is_caught(tmp_path):
    root = _copy(tmp_path)
    money = root / "analyses" / "money.py"
    money.write_text(money.read_text(encoding="utf-8") + "\n\ndef _late():\n    from twinimpact import errors\n",
                     encoding="utf-8")
    assert [f for f in package_imports_inside_functions(root) if f.startswith("analyses/money.py")] != []
