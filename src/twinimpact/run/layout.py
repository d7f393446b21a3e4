"""docs/DESIGN.md's package table, generated from the docstrings of the package's folders
and modules so that the page cannot drift from the code.

``python -m twinimpact.run.layout --write docs/DESIGN.md`` (run by ``make docs``) replaces
the table between the page's two package-table markers (HTML comments); ``--check`` exits
1 when it differs."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- package-table -->", "<!-- /package-table -->"
#: The order of the layers, bottom up (``tests/test_layers.py`` holds imports to it).
ORDER = ("errors", "config", "minimum", "contract", "params", "results", "sources", "sample", "words", "analyses",
         "charts", "notebook", "run", "cli", "__main__")


def first_sentence(doc: str | None) -> str:
    """The first sentence of a docstring, on one line, without its final full stop."""
    text = " ".join((doc or "").split())
    for end in (". ", ".\n"):
        if end in text:
            text = text.split(end, 1)[0]
            break
    return text.rstrip(".").replace("|", "\\|")


def _doc(path: Path) -> str | None:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))


def _modules(folder: Path, prefix: str = "") -> list[str]:
    """`name` (its first sentence) for each module of ``folder``, subfolders as ``sub/``."""
    rows = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() and (path / "__init__.py").is_file():
            inner = "; ".join(_modules(path, f"{prefix}{path.name}/"))
            rows.append(f"`{prefix}{path.name}/` ({first_sentence(_doc(path / '__init__.py'))}: {inner})")
        elif path.suffix == ".py" and path.name != "__init__.py":
            rows.append(f"`{prefix}{path.stem}` ({first_sentence(_doc(path))})")
    return rows


def table(root: Path = PACKAGE) -> str:
    """The Markdown table: one row per layer, in :data:`ORDER`, with what it owns (its
    docstring's first sentence) and, for a folder, each module's."""
    lines = ["| layer | owns | modules |", "|---|---|---|"]
    for name in ORDER:
        folder, module = root / name, root / f"{name}.py"
        if folder.is_dir():
            lines.append(f"| `{name}/` | {first_sentence(_doc(folder / '__init__.py'))} | "
                         f"{'; '.join(_modules(folder))} |")
        elif module.is_file():
            lines.append(f"| `{name}` | {first_sentence(_doc(module))} | |")
    return "\n".join(lines) + "\n"


def _field_comments(source: str) -> dict[str, dict[str, tuple[str, str]]]:
    """Per TypedDict class of ``source``: field -> (annotation, its trailing comment)."""
    lines = source.splitlines()
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            fields = {}
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    line = lines[item.lineno - 1]
                    comment = line.split("  # ", 1)[1].strip() if "  # " in line else ""
                    fields[item.target.id] = (ast.unparse(item.annotation), comment)
            out[node.name] = fields
    return out


def results_reference(root: Path = PACKAGE) -> str:
    """docs/reference/results.md: every key results.json promises, block by block, with its
    type and what it holds, read from the TypedDicts of ``results.py`` (their comments
    included), so that the page cannot drift from the code."""
    source = (root / "results.py").read_text(encoding="utf-8")
    classes = _field_comments(source)
    docs = {n.name: first_sentence(ast.get_docstring(n)) for n in ast.parse(source).body
            if isinstance(n, ast.ClassDef)}
    lines = ["# results.json", "",
             "Generated from `src/twinimpact/results.py` by `make docs`; do not edit. Every key below is present",
             "in every run's `results.json`, `null` where it cannot be computed (never NaN or Infinity); keys",
             "marked *optional* appear only when they apply. Money is in the reporting currency; rate",
             "ratios and intervals are 95%. A type naming another block (`Interval`, `Percentiles`, ...)",
             "is described under its own heading.", ""]
    seen: list[str] = []

    def visit(name: str) -> None:
        if name in seen or name not in classes:
            return
        seen.append(name)
        for annotation, _ in classes[name].values():
            for word in ast.walk(ast.parse(annotation, mode="eval")):
                if isinstance(word, ast.Name):
                    visit(word.id)

    visit("Results")
    for name in seen:
        title = "results.json" if name == "Results" else f"`{name}`"
        lines += [f"## {title}", ""]
        if docs.get(name):
            lines += [docs[name] + ".", ""]
        lines += ["| key | type | what it holds |", "|---|---|---|"]
        for key, (annotation, comment) in classes[name].items():
            optional = annotation.startswith("NotRequired[")
            kind = annotation.removeprefix("NotRequired[").removesuffix("]") if optional else annotation
            kind = kind.replace(" | ", " or ").replace("None", "null")
            lines.append(f"| `{key}` | `{kind}`{' (optional)' if optional else ''} | {comment.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


def replace(page: str, new_table: str) -> str:
    """``page`` with the text between the markers replaced by ``new_table``."""
    if BEGIN not in page or END not in page:
        raise ValueError(f"the page has no {BEGIN} ... {END} markers")
    head, rest = page.split(BEGIN, 1)
    return f"{head}{BEGIN}\n{new_table}{END}{rest.split(END, 1)[1]}"


def main(argv: list[str]) -> int:
    """``--write FILE`` rewrites FILE's generated part (the package table of docs/DESIGN.md, or
    the whole of a results.md page); ``--check FILE`` exits 1 when it differs."""
    if len(argv) != 2 or argv[0] not in ("--write", "--check"):
        print("usage: python -m twinimpact.run.layout --write|--check FILE", file=sys.stderr)
        return 2
    path = Path(argv[1])
    page = path.read_text(encoding="utf-8") if path.is_file() else ""
    new = results_reference() if path.name == "results.md" else replace(page, table())
    if argv[0] == "--check":
        if new != page:
            print(f"{path}'s package table differs from the package's docstrings: run `make docs`", file=sys.stderr)
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
