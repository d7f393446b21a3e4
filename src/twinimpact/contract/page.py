"""``docs/DATA_CONTRACT.md``, written from :mod:`twinimpact.contract.spec`: the tables, columns,
types, units, rules (with their ids) and an example row of each table. ``twinimpact
contract`` (or ``make docs``) writes it; a test fails when the page and the code differ."""

from __future__ import annotations

from pathlib import Path

from twinimpact import config, minimum
from twinimpact.contract.spec import BREACH_MEANING, CONTRACT, RULES, Column, Table

CONTRACT_PAGE = config.ROOT / "docs/DATA_CONTRACT.md"

_TYPES = {"str": "text", "enum": "one of a closed list", "int": "whole number", "float": "number",
          "bool": "true / false", "date": "date `YYYY-MM-DD`", "timestamp": "timestamp ISO 8601, UTC"}

_INTRO = """# Data contract

<!-- Generated from src/twinimpact/contract/spec.py by `twinimpact contract` (make docs). Do not edit by hand. -->

The six tables a brand fills so that the workbook runs on its own numbers, and three it may
add. With `bookings` the workbook gives per-model figures (each model's photographed and
twin income, who gains and who loses under adoption, who is shown in photographed
imagery). With `post_outcomes` (what each post sold) it values an engagement from the
brand's own revenue and fits the imagery and label rate ratios on orders too. With
`experiments` (the posts of randomised tests) it reads each test and, where one compares
the AI imagery a brand would publish with photographed people, leads with it. Without
them the run goes on and says where those figures need it. The bundled
sample in `data/sample/` follows this page, every loader reads it, and every validation
message speaks its terms and names the rule it breaks (`[rule campaigns.looks.minimum]`).

**Where the tables can live.** One folder with `<table>.csv` or `<table>.parquet` files
(`twinimpact run --data FOLDER`), a DuckDB file holding tables of these names
(`--data brand.duckdb`), or any database ibis reaches, by the *name* of an environment
variable holding its URL (`--source ENVVAR`). Column names are lower snake case; extra
columns are ignored.

**Types.** text; whole number (0 or more unless said); number (0 or more unless said);
true / false (`true`, `false`, `1`, `0`, `yes`, `no`); date `YYYY-MM-DD`; timestamp in
ISO 8601 (UTC when no offset is given). *Required* columns may not be empty; lists of
values are closed: any other value is an error.

**What validation does.** It checks every rule below, reports all broken rules at once
(table, file, column, rule id, how many rows, the first few keys or CSV line numbers) and
stops the run with exit code 3: nothing is computed or published from data that fails.
Money columns are in the currency of their row (`campaigns.currency`, or `models.currency`
for the model's rates); the run's parameters give a rate to the reporting currency for
every currency that appears (`fx_rates`).
"""

_FINDINGS = """## Rights findings (reported, not validation errors)

A twin asset that breaks its model's consent or contract is not bad data: it is a
finding, reported by the rights notebook with one row per asset and kind:

"""

_REFERENCE = """## Reference tables (shipped in `data/reference/`)

Public figures the workbook compares the brand's data with, each row with its source:
`occupations.csv` (role, SOC code, BLS OEWS May 2024 employment and hourly wages),
`exposure.csv` (published AI-exposure measures by role), `benchmarks.csv` (engagement,
cost and rate benchmarks) and `regulations.csv` (rules on AI imagery and digital replicas:
jurisdiction, the markets they cover, the date they apply from, whether still pending, the
legal source and how sure the fact is (A official text, B reputable secondary source, C
press, U not verified), and which check of `src/twinimpact/analyses/rights/regulation.py` applies,
or what data would make the rule testable). A rule's status (`in force`, `upcoming`,
`pending`) is computed from the run date. They are not part of what a brand fills.
"""


_ASSETS = """## Asset files (optional, read for provenance)

The image behind each twin asset may be given as a file: a folder `assets/` beside the
tables (or the parameter `assets_dir`, for a DuckDB file or a database source), one file
per asset named `<asset_id>.jpg`, `.jpeg`, `.png` or `.webp`. Each file is read, never
decoded, for its C2PA manifest (Content Credentials: the claim generator, the
`digitalSourceType` of its actions, the validation state; a signer on no trust list is
reported as such) and the IPTC DigitalSourceType of its XMP packet
(`http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia` for generated
images, `.../compositeWithTrainedAlgorithmicMedia` for composites). The rights notebook
lists, by asset id: `file_missing` (a twin asset without a file), `marking_invalid` (a C2PA
marking whose signature is invalid), `marking_missing` (neither
a C2PA AI action nor an AI DigitalSourceType), `marking_contradicts` (the file says a camera
captured it, or `watermarked` is true while the file says nothing) and `unreadable`
(truncated, over 200 MB, over 40,000 x 40,000 pixels, not JPEG/PNG/WebP, a link out of the
folder). These are findings, not validation errors.

"""

_MINIMUM = """## How much data each estimate needs (not errors)

Too little data for an estimate is not a validation error: the run publishes, the section
says the estimate is *not estimable* with the reason and what it needs, results.json holds
null there (with `not_estimable` giving the reason), and the first page lists it under
"What these data cannot estimate" instead of in the bottom line. An interval is never a
finding when it has zero width (one campaign resampled, draws that do not vary) or, for a
rate ratio, when a bound lies beyond {lo:g} to {hi:g}. The minima (`src/twinimpact/minimum.py`):

"""


def _values(c: Column) -> str:
    if c.values:
        return ", ".join(f"`{v}`" for v in c.values)
    lo = c.lower_bound()
    return f">= {lo:g}" if lo is not None else ""


def _esc(text: str) -> str:
    return text.replace("|", "\\|")


def table_section(table: Table) -> str:
    """One table: description, key and references, columns, example row, rules."""
    lines = [f"## {table.name}" + (" (optional)" if table.optional else ""), "", table.description, ""]
    if table.key:
        lines.append(f"Key: `{table.key}` (unique).")
    for col, ref in table.foreign_keys.items():
        lines.append(f"`{col}` refers to `{ref}`.")
    lines += ["", "| column | type | required | values | unit | notes |", "|---|---|---|---|---|---|"]
    for c in table.columns:
        lines.append(f"| `{c.name}` | {_TYPES[c.kind]} | {'no' if c.nullable else 'yes'} | {_esc(_values(c))} | "
                     f"{_esc(c.unit)} | {_esc(c.note)} |")
    lines += ["", "Example row:", "", "```csv", ",".join(table.column_names),
              ",".join(f'"{c.example}"' if "," in c.example else c.example for c in table.columns), "```", "",
              "Rules:", "", "| rule id | message when the rule is broken |", "|---|---|"]
    lines += [f"| `{r.id}` | {_esc(r.description)} |" for r in RULES[table.name]]
    return "\n".join(lines) + "\n"


def contract_markdown() -> str:
    """The whole contract page."""
    parts = [_INTRO]
    parts += [table_section(t) for t in CONTRACT.values()]
    parts.append(_FINDINGS + "\n".join(f"- `{k}`: {v}." for k, v in BREACH_MEANING.items()) + "\n")
    parts.append(_ASSETS)
    parts.append(_MINIMUM.format(lo=minimum.RATIO_BOUNDS[0], hi=minimum.RATIO_BOUNDS[1])
                 + "\n".join(f"- {k.replace('_', ' ')}: {v}." for k, v in minimum.NEEDS.items()) + "\n")
    parts.append(_REFERENCE)
    return "\n".join(parts)


def write_contract(path: Path = CONTRACT_PAGE) -> Path:
    """Write the contract page (creating ``docs/``); returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(contract_markdown(), encoding="utf-8")
    return path
