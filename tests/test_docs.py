"""The docs live in the repository and say what the code does: the contract page is the
contract the code validates, and every link or "see X" points at a file of the repository."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from twinimpact import config
from twinimpact.contract import page as docs
from twinimpact.contract.spec import RULES

ROOT = config.ROOT


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:  # not a git checkout (an unpacked archive): every file under the root
        return [p for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts and ".git" not in p.parts]
    return [ROOT / line for line in out.stdout.splitlines()]


def test_the_contract_page_is_generated_from_the_code():
    assert docs.CONTRACT_PAGE.read_text(encoding="utf-8") == docs.contract_markdown(), (
        "docs/DATA_CONTRACT.md differs from src/twinimpact/contract/spec.py: run `make docs`")


def test_every_rule_id_is_on_the_contract_page():
    page = docs.CONTRACT_PAGE.read_text(encoding="utf-8")
    missing = [r.id for rules in RULES.values() for r in rules if f"`{r.id}`" not in page]
    assert not missing


def test_a_changed_rule_changes_the_page(monkeypatch):
    from twinimpact.contract import spec as contract

    rule = contract.RULES["campaigns"][-1]
    monkeypatch.setitem(contract.RULES, "campaigns", [*contract.RULES["campaigns"][:-1],
                                                      contract.Rule("campaigns.x.y", "campaigns", "x", "new rule")])
    assert docs.contract_markdown() != docs.CONTRACT_PAGE.read_text(encoding="utf-8")
    assert f"`{rule.id}`" not in docs.contract_markdown()


def _markdown_sources() -> list[tuple[Path, str]]:
    out = []
    for path in tracked_files():
        if path.suffix == ".md":
            out.append((path, path.read_text(encoding="utf-8")))
        elif path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            out.append((path, "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")))
    return out


LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


@pytest.mark.parametrize("path,text", _markdown_sources(), ids=lambda v: str(v)[-40:] if isinstance(v, Path) else "")
def test_every_relative_link_points_at_a_file_of_the_repository(path: Path, text: str):
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        resolved = (path.parent / target.split("#")[0]).resolve()
        assert resolved.exists(), f"{path.relative_to(ROOT)} links to {target}, which does not exist"
        assert ROOT in resolved.parents or resolved == ROOT, f"{path.relative_to(ROOT)} links outside the repository"


def test_nothing_refers_to_documents_outside_the_repository():
    bad = []
    for path in tracked_files():
        if path.suffix in (".parquet", ".xlsx") or ".ci" in path.parts or path.name == "test_docs.py":
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        outside = "../" + "sha" + "red"  # spelled apart, so this file does not match its own check
        if outside in text or re.search(r"(?<![\w/])" + "sha" + r"red/(DATA_CONTRACT|DESIGN)", text):
            bad.append(str(path.relative_to(ROOT)))
        for name in ("DATA_CONTRACT.md", "DESIGN.md"):
            for m in re.finditer(re.escape(name), text):
                before = text[max(0, m.start() - 5):m.start()]
                in_docs = path.relative_to(ROOT).parts[0] == "docs" or path.name == "mkdocs.yml"  # docs_dir: docs/
                if not in_docs and not before.endswith("docs/"):
                    bad.append(f"{path.relative_to(ROOT)} names {name} without its folder docs/")
    assert not bad, bad


# --- docstrings: a frame or a mapping says what it holds ------------------------------------
PACKAGE = ROOT / "src" / "twinimpact"


def _public_functions(tree):
    """Module-level functions and methods of module-level classes, not starting with _."""
    import ast

    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                    yield f"{node.name}.{item.name}", item


def _documented_names(doc: str) -> list[str]:
    section = doc.split("Parameters\n----------\n", 1)[1].split("\n\n")[0]
    return [n.strip() for line in section.splitlines() if line and not line.startswith(" ") for n in line.split(",")]


def undocumented(root: Path) -> list[str]:
    """Public functions taking a frame, a mapping or a Dataset whose docstring has no
    numpydoc Parameters section, or lists a name the signature does not have."""
    import ast

    found = []
    for path in sorted(root.rglob("*.py")):
        for name, fn in _public_functions(ast.parse(path.read_text(encoding="utf-8"))):
            args = fn.args.args + fn.args.kwonlyargs
            kinds = " ".join(ast.unparse(a.annotation) for a in args if a.annotation)
            doc = ast.get_docstring(fn) or ""
            where = f"{path.relative_to(root)}:{fn.lineno} {name}"
            if "Parameters\n----------" in doc:
                names = {a.arg for a in args} | ({f"**{fn.args.kwarg.arg}"} if fn.args.kwarg else set())
                wrong = [n for n in _documented_names(doc) if n not in names]
                if wrong:
                    found.append(f"{where}: documents {wrong}, which it does not take")
            elif any(k in kinds for k in ("DataFrame", "dict", "Dataset")):
                found.append(f"{where}: takes a frame or a mapping and has no Parameters section")
    return found


def test_every_public_function_taking_frames_or_mappings_documents_its_parameters():
    assert undocumented(PACKAGE) == []


def test_a_function_without_its_parameters_documented_is_caught(tmp_path: Path):
    (tmp_path / "m.py").write_text(
        'import pandas as pd\n\n\ndef spend(costs: pd.DataFrame) -> float:\n    """Total spend."""\n\n\n'
        'def owed(x: dict) -> float:\n    """Owed.\n\n    Parameters\n    ----------\n    y\n        Wrong name.\n    """\n')
    assert [f.split(": ", 1)[1] for f in undocumented(tmp_path)] == [
        "takes a frame or a mapping and has no Parameters section", "documents ['y'], which it does not take"]


def test_the_lock_holds_every_installed_distribution_at_its_installed_version():
    """constraints.txt locks the whole environment `make` builds (``make lock``), not only the
    direct dependencies: what is installed here is what it says."""
    from importlib import metadata

    def canon(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    lock = {}
    for line in (config.ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            lock[canon(name)] = version.strip()
    installed = {canon(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}
    ignored = {"twinimpact", "pip", "setuptools", "wheel"}
    assert len(lock) > 100
    assert {n: v for n, v in installed.items() if n not in ignored and lock.get(n) != v} == {}


# --- the house: a user guide, its companions, and a design page that cannot drift ---------------
def test_the_readme_is_a_user_guide_with_a_picture_and_few_commit_hashes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) <= 16_000
    assert re.search(r"!\[[^\]]*\]\((docs/images/[^)]+\.png)\)", readme)
    assert len(re.findall(r"\b[0-9a-f]{7,40}\b", readme)) <= 2
    for command in ("make report", "make test"):
        assert command in readme
    for companion in ("CHANGELOG.md", "LICENSE", "CONTRIBUTING.md"):
        assert (ROOT / companion).is_file() and companion in readme, companion
    assert "MIT" in (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_designs_package_table_is_the_one_the_docstrings_give():
    from twinimpact.run import layout

    page = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    assert layout.replace(page, layout.table()) == page, "run `make docs` to regenerate docs/DESIGN.md's table"
    assert "`analyses/`" in layout.table() and "`stats/`" in layout.table()
    reference = (ROOT / "docs" / "reference" / "results.md").read_text(encoding="utf-8")
    assert reference == layout.results_reference(), "run `make docs` to regenerate docs/reference/results.md"
    for key in ("irr_twin_vs_human", "break_even_value_per_engagement", "underpaid_total"):  # a key of each kind
        assert f"| `{key}` |" in reference, key


def test_every_docs_page_is_in_the_sites_navigation():
    import yaml

    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    listed: set[str] = set()

    def walk(entry):
        if isinstance(entry, str):
            listed.add(entry)
        elif isinstance(entry, dict):
            for v in entry.values():
                walk(v)
        elif isinstance(entry, list):
            for v in entry:
                walk(v)

    walk(nav)
    pages = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")
             if p.parent.name != "benchmarks"}
    assert pages == listed, (pages - listed, listed - pages)
