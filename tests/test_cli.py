"""The command line and the runner: exit codes, what a run publishes, and what a failed
run leaves behind (nothing published, the previous report intact)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from twinimpact import cli, config
from twinimpact.words import executive
from twinimpact.run import execute, pdf, publish, report
from twinimpact.errors import NotebookError, PublishError, ResourceError
from twinimpact.contract.spec import CONTRACT
from twinimpact.results import TEMPLATE
from twinimpact.words import summary
from tests.conftest import TINY_PARAMS, tiny_duckdb_file
from tests.conftest import twinimpact_cli as twinimpact

TEST_PARAMS = config.PARAMS_DIR / "test.yaml"
CHROMIUM = pdf.chromium()
#: Screenshots the browser tests keep for a person to look at (CI can collect the folder).


def _keys(d: dict, prefix: str = "") -> set[str]:
    out = set()
    for k, v in d.items():
        out.add(prefix + k)
        if isinstance(v, dict):
            out |= _keys(v, prefix + k + ".")
    return out


def test_progress_holds_only_the_runs_own_lines(published: Path):
    """Kernel processes log their start and shutdown on their own stderr: not in the progress."""
    lines = (published / "progress.txt").read_text().splitlines()
    assert lines and not [ln for ln in lines if "IPKernelApp" in ln or "KeyboardInterrupt" in ln]
    assert any(ln.startswith("[") and " ok (" in ln for ln in lines) and any("published " in ln for ln in lines)


def test_run_publishes_report_results_and_manifest(published: Path):
    latest = published / "latest"
    assert latest.is_symlink() and (latest / "index.html").is_file()
    for book in execute.list_notebooks():
        assert (latest / f"{book.stem}.html").is_file() and (latest / book.name).is_file()
    res = json.loads((latest / "results.json").read_text())
    assert _keys(TEMPLATE) <= _keys(res)  # every promised key is present
    assert res["run"]["status"] == "ok" and res["run"]["params_name"] == "test"
    assert res["data"]["rows"]["posts"] == 50_000
    manifest = json.loads((latest / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["kernel"] == config.KERNEL_NAME
    assert set(manifest["data"]["tables"]) == set(CONTRACT) - {"experiments"}  # every table the sample holds
    assert all(len(t["sha256"]) == 64 for t in manifest["data"]["tables"].values())
    assert manifest["packages"]["pandas"] and manifest["params"]["n_draws"] == 500
    assert [n["name"] for n in manifest["notebooks"]] == [b.stem for b in execute.list_notebooks()]
    assert (latest / "tables.xlsx").is_file() and (latest / "tables" / "data_tables.csv").is_file()
    assert "NaN" not in (latest / "results.json").read_text()


def test_no_published_file_carries_an_absolute_local_path(published: Path, tmp_path: Path):
    """Pages, results, manifest, log, executed notebooks and tables of a run on the sample
    and of one on a data folder outside the project name no absolute path of this machine."""
    import shutil
    import tempfile

    data = tmp_path / "brand-data"
    shutil.copytree(config.ROOT / "tests" / "fixtures" / "tiny", data)
    proc = twinimpact("run", "-p", str(TINY_PARAMS), "--data", str(data), "--out", str(tmp_path / "reports"))
    assert proc.returncode == 0, proc.stderr
    forbidden = [str(config.ROOT), str(published), str(tmp_path), str(Path.home()) + "/", tempfile.gettempdir() + "/"]
    for run in (published / "latest", tmp_path / "reports" / "latest"):
        files = [p for p in run.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".ipynb", ".log", ".csv")]
        assert len(files) > 10
        for path in files:
            text = path.read_text(encoding="utf-8")
            found = [f for f in forbidden if f in text]
            assert not found, f"{path.name} names {found}"
    manifest = json.loads((tmp_path / "reports" / "latest" / "manifest.json").read_text())
    assert manifest["data"]["source"] == "brand-data" and manifest["params"]["data_dir"] == "brand-data"
    assert "tables from brand-data;" in (tmp_path / "reports" / "latest" / "00_data_overview.html").read_text()


def test_report_html_loads_nothing_from_the_network_and_hides_code(published: Path):
    for page in (published / "latest").glob("*.html"):
        text = page.read_text()
        sources = re.findall(r"<script[^>]+src=\"([^\"]+)\"", text)
        assert all(not re.match(r"^[a-z]+:", s) and (page.parent / s).resolve().is_file() for s in sources), sources
        assert not re.search(r"<link[^>]+href=\"https?:", text), page.name
        assert "notebook.start(globals())" not in text, page.name  # inputs hidden
    index = (published / "latest" / "index.html").read_text()
    assert index.count("window.PlotlyConfig") == 1 and "<script" in index  # plotly.js inlined once
    assert not re.search(r"<script[^>]+src=", index)  # the executive page needs no other file
    assert "Plotly.newPlot" in index


def test_a_run_folder_is_small_and_holds_plotly_js_once(published: Path):
    run = (published / "latest").resolve()
    files = [p for p in run.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    assert size <= 8 * 1024 * 1024, f"{size / 1e6:.1f} MB"
    large = [p.name for p in files if p.stat().st_size > 1_000_000]
    assert large == ["index.html"], large  # only the executive page carries the 4.6 MB library


def test_runs_index_lists_the_run(published: Path):
    page = (published / "index.html").read_text()
    run_id = os.readlink(published / "latest")
    assert run_id in page and ">ok<" in page


# --- exit codes ------------------------------------------------------------------
def test_every_error_has_its_own_exit_code_named_in_the_help_the_readme_and_the_design():
    from twinimpact import errors

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.TwinImpactError)]
    codes = [c.exit_code for c in classes]
    assert len(set(codes)) == len(codes) and set(codes) | {0} == set(cli.EXIT_MEANING)
    readme = (config.ROOT / "README.md").read_text()
    design = (config.ROOT / "docs/DESIGN.md").read_text()
    for code in set(codes) - {1}:
        assert f"**{code}** " in readme and f"· {code} " in design, code


def test_validate_ok_on_the_sample():
    proc = twinimpact("validate", "-p", str(TEST_PARAMS))
    assert proc.returncode == 0, proc.stderr
    assert "data ok" in proc.stdout


def test_validate_with_a_dropped_column_exits_3_naming_table_and_column(sample_copy: Path):
    frame = pd.read_csv(sample_copy / "staffing.csv")
    frame.drop(columns=["hourly_rate"]).to_csv(sample_copy / "staffing.csv", index=False)
    proc = twinimpact("validate", "-p", str(TEST_PARAMS), "--data", str(sample_copy))
    assert proc.returncode == 3
    assert "Table staffing" in proc.stderr and "column hourly_rate" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_parameter_exits_2_before_any_kernel_starts(tmp_path: Path, monkeypatch, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("seed: 1\nadoption_shar: 0.4\n")

    def no_kernel(*a, **k):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(report, "Workers", no_kernel)
    monkeypatch.setattr(report, "ensure_kernel", no_kernel)
    code = cli.main(["run", "-p", str(bad), "--out", str(tmp_path / "reports")])
    err = capsys.readouterr().err
    assert code == 2 and "unknown parameter 'adoption_shar'" in err and "adoption_share" in err
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_bad_data_exits_3_and_publishes_nothing(tmp_path: Path, tiny_copy: Path, capsys):
    (tiny_copy / "posts.csv").write_text((tiny_copy / "posts.csv").read_text().replace(",human,", ",hooman,", 1))
    code = cli.main(["run", "-p", str(TINY_PARAMS), "--data", str(tiny_copy), "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 3 and "Table posts" in err and "column imagery" in err and "line 2 (post_id P1)" in err
    assert not (tmp_path / "r" / "latest").exists()


def test_an_engine_out_of_memory_exits_6_not_3_and_publishes_nothing(tmp_path: Path):
    """DuckDB's memory below what reading a CSV file needs (its 16 MB buffer): not bad data
    (3) but the environment (6), naming the file and the setting to raise."""
    out = tmp_path / "reports"
    old = _previous_report(out)
    env = {"TWINIMPACT_DUCKDB_MEMORY": "1MB"}
    proc = twinimpact("run", "-p", str(TINY_PARAMS), "--out", str(out), env=env)
    assert proc.returncode == 6, proc.stderr
    assert "campaigns.csv" in proc.stderr and "TWINIMPACT_DUCKDB_MEMORY, now 1MB" in proc.stderr
    assert "not found wrong" in proc.stderr and "Traceback" not in proc.stderr
    assert os.readlink(out / "latest") == old.name and (old / "index.html").read_text() == "previous report"
    assert sorted(p.name for p in out.iterdir()) == sorted(["latest", old.name])
    assert twinimpact("validate", "-p", str(TINY_PARAMS), env=env).returncode == 6


def test_both_data_and_source_is_refused_with_exit_2():
    proc = twinimpact("validate", "--data", "x", "--source", "Y")
    assert proc.returncode == 2


def test_source_given_as_a_url_is_refused_and_not_echoed(capsys):
    code = cli.main(["validate", "--source", "postgres://me:pw123@host/db"])
    err = capsys.readouterr().err
    assert code == 2 and "pw123" not in err


def _previous_report(out: Path) -> Path:
    old = out / "20200101-000000_old_abc1234"
    old.mkdir(parents=True)
    (old / "index.html").write_text("previous report")
    os.symlink(old.name, out / "latest")
    return old


#: A cell that makes DuckDB run out of memory for real: 4MB, nowhere to spill.
OUT_OF_MEMORY = ("import duckdb\ncon = duckdb.connect()\n"
                 "con.execute(\"SET memory_limit = '4MB'; SET temp_directory = ''; SET threads = 1\")\n"
                 "con.execute('SELECT count(DISTINCT i) FROM range(3000000) t(i)').fetchall()")


@pytest.mark.parametrize("cell, error, code, said, shown", [
    ("raise RuntimeError('planted failure')", NotebookError, 4, "planted failure", "planted failure"),
    (OUT_OF_MEMORY, ResourceError, 6, "DuckDB ran out of the memory it may use", "Out of Memory Error"),
], ids=["a failure", "out of memory"])
def test_a_failing_notebook_exits_4_or_6_keeps_the_error_notebook_and_the_previous_report(tmp_path: Path, cell,
                                                                                          error, code, said, shown):
    """A notebook that fails exits 4; one that fails because the engine ran out of memory
    exits 6 (the environment's limit, not the data); either keeps the error notebook."""
    books = tmp_path / "books"
    books.mkdir()
    nb = nbformat.read(config.NOTEBOOKS_DIR / "00_data_overview.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(cell))
    nbformat.write(nb, books / "00_data_overview.ipynb")
    out = tmp_path / "reports"
    old = _previous_report(out)
    with pytest.raises(error) as caught:
        report.run(TINY_PARAMS, out=out, notebooks_dir=books, progress=lambda m: None)
    assert type(caught.value) is error and caught.value.exit_code == code and said in str(caught.value)
    assert os.readlink(out / "latest") == old.name and (old / "index.html").read_text() == "previous report"
    [failed] = list((out / "_failed").iterdir())
    assert (failed / "00_data_overview.html").is_file() and shown in (failed / "00_data_overview.html").read_text()
    assert json.loads((failed / "manifest.json").read_text())["status"] == "failed"
    assert not list(out.glob(".tmp-*"))


def test_publish_failure_exits_5_and_leaves_the_previous_report(tmp_path: Path, monkeypatch):
    out = tmp_path / "reports"
    old = _previous_report(out)

    def broken(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(publish, "point_latest", broken)
    monkeypatch.setattr(report.os, "replace", broken)
    with pytest.raises(PublishError) as caught:
        report.run(TINY_PARAMS, out=out, only=["00"], progress=lambda m: None)
    assert caught.value.exit_code == 5 and "previous report is untouched" in str(caught.value)
    assert os.readlink(out / "latest") == old.name
    assert not list(out.glob(".tmp-*"))


def test_strings_from_data_are_escaped_in_the_report(tmp_path: Path, tiny_copy: Path):
    hostile = '<script>alert("pwned")</script>'
    for name in ("campaigns.csv", "posts.csv"):
        p = tiny_copy / name
        p.write_text(p.read_text().replace("Beta", f'"{hostile.replace(chr(34), chr(34) * 2)}"'))
    outcome = report.run(TINY_PARAMS, data_dir=str(tiny_copy), out=tmp_path / "r", only=["00"],
                         progress=lambda m: None)
    html_text = (outcome.path / "index.html").read_text() + (outcome.path / "00_data_overview.html").read_text()
    assert hostile not in html_text
    assert "alert" in html_text  # the brand is shown, escaped


def test_sweep_runs_each_parameters_file_in_parallel_and_publishes_each(tmp_path: Path):
    files = []
    for seed in (1, 2):
        f = tmp_path / f"tiny_seed{seed}.yaml"
        f.write_text(TINY_PARAMS.read_text().replace("seed: 1", f"seed: {seed}").replace(
            "data_dir: tiny", f"data_dir: {TINY_PARAMS.parent / 'tiny'}"))
        files.append(str(f))
    out = tmp_path / "reports"
    proc = twinimpact("sweep", *files, "--workers", "2", "--out", str(out), "--only", "00")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink() and p.name[0].isdigit())
    assert len(runs) == 2 and any("tiny_seed1" in r for r in runs) and any("tiny_seed2" in r for r in runs)
    # one notebook of each: partial runs, published and listed as such, moving no latest
    assert not (out / "latest").exists() and not list(out.glob("latest-*"))
    index = (out / "index.html").read_text()
    assert "tiny_seed" in index and index.count("<td>partial</td>") == 2


def _fake_run(reports: Path, name: str) -> Path:
    tmp = reports / f".tmp-{name}"
    tmp.mkdir(parents=True)
    (tmp / "manifest.json").write_text(json.dumps({"status": "ok", "started_at": name, "params_name": "p"}))
    return tmp


def test_only_a_complete_run_moves_latest_and_each_parameters_file_has_its_own(tmp_path: Path):
    reports = tmp_path / "reports"
    publish.publish(_fake_run(reports, "1_default"), reports, "1_default", "default", "complete")
    publish.publish(_fake_run(reports, "2_default_only"), reports, "2_default_only", "default", "partial")
    publish.publish(_fake_run(reports, "3_low"), reports, "3_low", "low adoption", "sweep")
    assert os.readlink(reports / "latest") == "1_default"  # neither the partial nor the sweep run moved it
    assert os.readlink(reports / "latest-default") == "1_default"
    assert os.readlink(reports / "latest-low-adoption") == "3_low"


def test_a_currency_without_a_rate_exits_3_naming_it(tmp_path: Path):
    params = tmp_path / "no_usd.yaml"
    params.write_text(TINY_PARAMS.read_text().replace("USD: 0.9", "SEK: 0.09").replace(
        "data_dir: tiny", f"data_dir: {TINY_PARAMS.parent / 'tiny'}"))
    proc = twinimpact("validate", "-p", str(params))
    assert proc.returncode == 3 and "column currency" in proc.stderr and "needs a rate to EUR" in proc.stderr
    assert "campaign_id C3" in proc.stderr


def test_cost_per_asset_equals_spend_over_assets_computed_from_the_csv_files(published: Path):
    res = json.loads((published / "latest" / "results.json").read_text())["cost"]
    campaigns = pd.read_csv(config.SAMPLE_DIR / "campaigns.csv")
    lines = pd.read_csv(config.SAMPLE_DIR / "cost_lines.csv").merge(campaigns, on="campaign_id")
    fx = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17, "SEK": 0.088}  # notebooks/params/test.yaml
    lines["eur"] = lines["amount"] * lines["currency"].map(fx)
    for mode in ("traditional", "hybrid", "twin"):
        spend = lines.loc[lines["production_mode"] == mode, "eur"].sum()
        assets = campaigns.loc[campaigns["production_mode"] == mode, "assets_delivered"].sum()
        assert res["cost_per_asset"][mode] == pytest.approx(spend / assets, rel=1e-9), mode
    assert res["break_even_assets"] > 0


def test_the_savings_band_holds_the_savings_at_the_observed_unit_costs(published: Path):
    from twinimpact.analyses.cost import production as cost

    res = json.loads((published / "latest" / "results.json").read_text())["cost"]
    # each driver's multiplier has its mode at 1, so the observed case lies inside the 80% band
    base = float(cost.savings_per_asset(res["drivers"], res["assets_per_season"], 4, 6))
    s = res["savings_per_asset"]
    assert s["p10"] < base < s["p90"]


def test_the_published_intervals_hold_the_planted_engagement_effects(published: Path):
    res = json.loads((published / "latest" / "results.json").read_text())["engagement"]
    truth = json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())["engagement"]
    for key in ("irr_twin_vs_human", "irr_synthetic_vs_human", "irr_ai_label"):
        assert res[key]["ci_low"] <= truth[key] <= res[key]["ci_high"], key
    assert res["posts"] == 50_000


def test_rights_block_counts_equal_the_planted_breaches(published: Path):
    res = json.loads((published / "latest" / "results.json").read_text())["rights"]
    truth = json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())["rights"]["counts"]
    assert res["findings"] == truth
    usage = pd.read_csv(config.SAMPLE_DIR / "twin_usage.csv")
    # the only unwatermarked assets are the planted ones
    assert res["watermark_rate"] == pytest.approx(1 - truth["missing_watermark"] / len(usage), rel=1e-12)
    assert res["underpaid_total"] > 0
    findings = pd.read_csv(published / "latest" / "tables" / "rights_findings.csv")
    assert len(findings) == sum(truth.values())


def test_every_conclusion_is_filled_and_printed_in_the_executive_report(published: Path):

    res = json.loads((published / "latest" / "results.json").read_text())
    text = _visible_text((published / "latest" / "index.html").read_text())
    assert set(res["conclusions"]) == set(TEMPLATE["conclusions"])  # every entry results.json promises (the
    # sample holds no randomised test, so engagement_tested, declared but not promised, is absent)
    quarter = text[: len(text) // 4]  # the bottom line: every conclusion verbatim, on the first page
    for key, c in res["conclusions"].items():
        assert c["direction"] in ("lower", "higher", "no detectable difference", "positive", "negative", "uncertain",
                                  "fewer", "more", "findings", "none", "pays", "does not pay", "not valued",
                                  "cannot tell", "about the same", "adopt", "pilot", "keep", "test_first",
                                  "loss likely", "loss possible", "no loss", "test", "measure", "proceed", "contradicted",
                                  "priced"), key
        assert " ".join(c["statement"].split()) in quarter, key
    npv = res["conclusions"]["npv_adoption"]["statement"]  # on the sample: valued from its post_outcomes
    assert "engagement valued at EUR 0.0" in npv and "gross margin on the posts' revenue per engagement" in npv
    assert "the move pays unless an engagement is worth more than EUR 0.1" in \
        res["conclusions"]["engagement_value"]["statement"]


def test_labor_block_is_filled(published: Path):
    res = json.loads((published / "latest" / "results.json").read_text())["labor"]
    assert res["hours_per_asset"]["twin"] < res["hours_per_asset"]["traditional"]
    assert res["hours_change_by_role"]["photographer"] < 0 < res["hours_change_by_role"]["ai_artist"]
    assert res["model_income"]["today_per_model"] > 0 and res["model_income"]["at_adoption_per_model"] > 0


def test_scenarios_cover_the_horizon_year_by_year(published: Path):
    res = json.loads((published / "latest" / "results.json").read_text())["scenarios"]
    years = pd.read_csv(published / "latest" / "tables" / "scenario_years.csv")
    assert res["horizon_years"] == 3 and years["year"].tolist() == [1, 2, 3]  # notebooks/params/test.yaml
    # the NPV discounts the yearly savings: its median lies between the discounted yearly P10s and P90s
    discount = 1.08 ** years["year"]
    assert (years["savings_p10"] / discount).sum() < res["npv"]["p50"] < (years["savings_p90"] / discount).sum()


def _visible_text(page: str) -> str:
    """What a reader sees of a page: no scripts, styles or tags, entities decoded."""
    import html

    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_first_page_opens_with_the_decision_then_chapters_then_the_appendix_and_the_glossary(published: Path):

    latest = published / "latest"
    page = (latest / "index.html").read_text()
    text = _visible_text(page)
    res = json.loads((latest / "results.json").read_text())
    order = ["Sample data.", "The decision", "Key charts", "Contents", "What we measured", "Headline figures",
             "How sure: the quality card", "Production cost: traditional, twin and hybrid",
             "Scenarios: adoption over the years", "Appendix", "The engagement model's terms",
             "Data overview: what the workbook is looking at", "What changed since the last run", "This run",
             "Glossary"]
    at = []
    for heading in order:  # each found after the one before it (a chapter's title also stands in the contents)
        at.append(text.find(heading, at[-1] + 1 if at else 0))
    assert -1 not in at, dict(zip(order, at))
    for sentence in executive.decision_page(res):  # the decision page: verbatim, before the key charts
        assert " ".join(sentence.split()) in text[at[1]:at[2]]
    assert len(executive.decision_page(res)) == len(executive.DECISION_PAGE)
    first_page = text[:at[7]]  # up to the first chapter (whose own sections may quote a statement again)
    for sentence in executive.bottom_line(res):  # what we measured: verbatim, each once on the first page
        flat = " ".join(sentence.split())
        assert flat in text[at[4]:at[5]] and first_page.count(flat) == 1, sentence[:60]
    assert len(executive.bottom_line(res)) + len(executive.DECISION_PAGE) == len(TEMPLATE["conclusions"])
    first = page[page.index('id="key-charts"'):page.index('id="contents"')]
    assert 4 <= len(re.findall(r'<div class="plotly-graph-div" id="report-figure-\d+"', first)) <= 6  # key charts
    for anchor in re.findall(r'<a href="#([^"]+)">', page):  # every entry of the contents leads somewhere
        assert f'id="{anchor}"' in page, anchor
    assert "fingerprint" not in text[:at[7]].lower()  # technical material waits for the appendix
    for h in summary.headline_rows(res):
        assert h.label in text and h.unit in text


def test_an_executive_reads_the_decision_first_in_plain_words(published: Path):
    """The decision sentence is among the first 120 words, and the first 300 hold no
    estimator's name or percentile code."""
    text = _visible_text((published / "latest" / "index.html").read_text())
    words = text.split()
    res = json.loads((published / "latest" / "results.json").read_text())
    decision = " ".join(res["conclusions"]["decision"]["statement"].split())
    assert text.index(decision) < len(" ".join(words[:120]))
    first = " ".join(words[:300]).lower()
    for jargon in ("CV3", "Poisson", "bootstrap", "rate ratio", "clustered", "P10", "P90", "NB2", "negative binomial",
                   "IRR", "group-time"):
        assert jargon.lower() not in first, jargon
    decision_page = text[text.index("The decision"):text.index("Key charts")]
    assert len(decision_page.split()) <= 300


def test_no_page_shows_code_names_nan_or_raw_floats(published: Path):
    for page in sorted((published / "latest").glob("*.html")):
        text = _visible_text(page.read_text())
        assert not re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", text), page.name  # snake_case
        assert not re.findall(r"\bNaN\b|\bnan\b|\bNone\b(?! is)", text), page.name
        assert not re.findall(r"\b\d+\.\d{5,}\b", text), page.name  # a float nobody formatted


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_the_pdf_holds_every_headline_and_heading_of_the_first_page(published: Path, printed: Path):
    import unicodedata

    from pypdf import PdfReader

    latest = published / "latest"
    reader = PdfReader(printed)
    # NFKC: the PDF's fonts print "fi" and "ff" as ligatures
    text = unicodedata.normalize("NFKC", " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages))
    res = json.loads((latest / "results.json").read_text())
    assert text.startswith("Digital twins: impact report") and "Sample data." in text
    for column in ("Measure", "Estimate", "Range", "Unit"):
        assert column in text
    for h in summary.headline_rows(res):  # labels wrap in the table's cells: compare word by word
        assert all(word in text for word in h.label.split()), h.label
    assert "The decision" in text and "What we measured" in text and "Appendix" in text and "Glossary" in text
    page_one = unicodedata.normalize("NFKC", " ".join((reader.pages[0].extract_text() or "").split()))
    for sentence in executive.decision_page(res):  # the PDF's first page holds the whole decision page
        assert " ".join(sentence.split())[-40:] in page_one, sentence[:60]
    width = float(reader.pages[0].mediabox.width)
    assert 590 < width < 600  # A4 (595 pt) by default
    assert printed.stat().st_size < 3_000_000  # vector charts, a few pages of tables


def test_pdf_without_chromium_exits_2_before_anything_runs(tmp_path: Path):
    proc = twinimpact("run", "-p", str(TEST_PARAMS), "--out", str(tmp_path / "r"), "--pdf",
                      env={"TWINIMPACT_CHROMIUM": str(tmp_path / "no-such-browser")})
    assert proc.returncode == 2 and "--pdf needs Chromium" in proc.stderr and "apt-get install chromium" in proc.stderr
    assert not list((tmp_path / "r").glob("2*"))  # no run folder


def test_an_unknown_role_in_staffing_exits_3(tmp_path: Path, tiny_copy: Path, capsys):
    p = tiny_copy / "staffing.csv"
    p.write_text(p.read_text().replace("C1,retoucher", "C1,caterer"))
    code = cli.main(["validate", "-p", str(TINY_PARAMS), "--data", str(tiny_copy)])
    err = capsys.readouterr().err
    assert code == 3 and "Table staffing" in err and "column role" in err and "line 5" in err


def test_a_source_url_never_reaches_notebooks_reports_manifest_or_log(tmp_path: Path, monkeypatch):
    secret = "s3cr3t-warehouse-token"
    db = tiny_duckdb_file(tmp_path / f"{secret}.duckdb")
    monkeypatch.setenv("BRAND_WAREHOUSE", f"duckdb://{db}")
    outcome = report.run(TINY_PARAMS, source_env="BRAND_WAREHOUSE", out=tmp_path / "r", only=["00"],
                         progress=lambda m: None)
    leaked = [p.name for p in outcome.path.rglob("*") if p.is_file() and secret in p.read_bytes().decode("utf-8", "ignore")]
    assert leaked == []
    manifest = json.loads((outcome.path / "manifest.json").read_text())
    assert manifest["data"]["source"] == "database from $BRAND_WAREHOUSE" and manifest["data"]["synthetic"] is False
    assert "Sample data." not in (outcome.path / "index.html").read_text()  # the notice is for the sample only


def test_a_run_on_posts_kept_in_the_engine(tmp_path: Path):
    proc = twinimpact("run", "-p", str(TEST_PARAMS), "--out", str(tmp_path / "r"), "--only", "00", "04",
                      env={"TWINIMPACT_POSTS_IN_MEMORY": "1000"})
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "r" / "latest").exists()  # a partial run leaves latest alone
    res = json.loads((Path(proc.stdout.strip()).parent / "results.json").read_text())
    truth = json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())["rights"]["counts"]
    assert res["data"]["rows"]["posts"] == 50_000 and res["rights"]["findings"] == truth


def test_same_inputs_and_seed_give_the_same_results_and_tables_serial_or_parallel(published: Path, tmp_path: Path):
    # the session's run used one kernel per core; this one runs the notebooks one after another
    proc = twinimpact("run", "-p", str(TEST_PARAMS), "--out", str(tmp_path / "again"), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    first, second = published / "latest", tmp_path / "again" / "latest"
    texts = [(d / "results.json").read_text().splitlines() for d in (first, second)]
    a, b = (json.loads((d / "results.json").read_text()) for d in (first, second))
    assert a.pop("run")["data_fingerprint"] == b.pop("run")["data_fingerprint"]
    assert a == b
    run_lines = 7  # the run block: id, params_name, reporting_currency, data_fingerprint, status
    assert texts[0][run_lines + 1:] == texts[1][run_lines + 1:]  # byte for byte below the run block
    assert not list(tmp_path.glob("again/.tmp-*"))  # the snapshot is a working file, gone after the run
    for table in (first / "tables").iterdir():
        assert table.read_bytes() == (second / "tables" / table.name).read_bytes(), table.name


def test_an_unexpected_error_is_one_paragraph_not_a_traceback(monkeypatch, capsys):
    def boom(*a, **k):
        raise ZeroDivisionError("planted bug")

    monkeypatch.setattr(report, "validate_only", boom)
    monkeypatch.delenv("TWINIMPACT_DEBUG", raising=False)
    code = cli.main(["validate"])
    err = capsys.readouterr().err
    assert code == 1 and "internal error" in err and "planted bug" in err and "Traceback" not in err


@pytest.mark.parametrize("password", ["Sekr1t#x9Qz", "Sekr1t/x9Qz", "Sekr1t?x9Qz", "Sekr1t@x9Qz", "Sekr1t%x9Qz",
                                      "Sekr1t%23x9Qz"])
def test_no_fragment_of_a_source_password_reaches_the_error(password: str):
    url = f"postgres://analyst:{password}@127.0.0.1:1/brand"
    proc = twinimpact("validate", "--source", "BRAND_DB", env={"BRAND_DB": url})
    assert proc.returncode == 3, proc.stderr
    for fragment in {"Sekr1t", "x9Qz", password, "analyst"}:
        assert fragment not in proc.stderr and fragment not in proc.stdout, proc.stderr
    assert "BRAND_DB" in proc.stderr


def test_out_naming_a_file_or_a_read_only_folder_exits_5(tmp_path: Path):
    afile = tmp_path / "reports.txt"
    afile.write_text("not a folder")
    proc = twinimpact("run", "-p", str(TINY_PARAMS), "--out", str(afile), "--only", "00")
    assert proc.returncode == 5 and "is a file, not a folder" in proc.stderr



def test_a_reports_folder_that_cannot_be_written_exits_5_before_any_kernel(tmp_path: Path, monkeypatch):
    real_mkdir = Path.mkdir

    def read_only(self, *a, **k):  # as root, permissions do not stop a write: simulate a read-only mount
        if str(self).startswith(str(tmp_path / "locked")):
            raise PermissionError(13, "Permission denied", str(self))
        return real_mkdir(self, *a, **k)

    monkeypatch.setattr(Path, "mkdir", read_only)
    monkeypatch.setattr(report, "Workers", lambda *a, **k: pytest.fail("a kernel was started"))
    code = cli.main(["run", "-p", str(TINY_PARAMS), "--out", str(tmp_path / "locked" / "r"), "--only", "00"])
    assert code == 5


@pytest.mark.parametrize("content,says", [
    ("as_of: 2026-13-45\n", "as_of: 2026-13-45"),
    ("seed: 1\n" + "a: [" * 2000 + "]" * 2000 + "\n", "nested too deeply"),
])
def test_unreadable_parameter_files_exit_2(tmp_path: Path, content: str, says: str):
    f = tmp_path / "p.yaml"
    f.write_text(content)
    proc = twinimpact("validate", "-p", str(f))
    assert proc.returncode == 2 and says in proc.stderr, proc.stderr


def test_a_latin_1_parameters_file_exits_2_saying_to_save_it_as_utf_8(tmp_path: Path):
    f = tmp_path / "p.yaml"
    f.write_bytes("brands: [Caf\xe9]\n".encode("latin-1"))
    proc = twinimpact("validate", "-p", str(f))
    assert proc.returncode == 2 and "not UTF-8" in proc.stderr and "save it as UTF-8" in proc.stderr


def _published(reports: Path, name: str, started: str, params: str = "default", scope: str = "complete",
               status: str = "ok") -> Path:
    run = reports / name
    run.mkdir(parents=True)
    (run / "manifest.json").write_text(json.dumps({"status": status, "started_at": started, "params_name": params,
                                                   "scope": scope}))
    return run


def test_prune_keeps_the_newest_runs_and_never_a_latest_target(tmp_path: Path):
    reports = tmp_path / "reports"
    for day in (1, 2, 3, 4):
        _published(reports, f"2026010{day}_default", f"2026-01-0{day}T00:00:00+00:00")
    _published(reports, "20260101_low", "2026-01-01T00:00:00+00:00", params="low")
    _published(reports, "20260102_partial", "2026-01-02T00:00:00+00:00", scope="partial")
    os.symlink("20260101_default", reports / "latest")  # pinned although old
    proc = twinimpact("prune", "--out", str(reports), "--keep", "2")
    assert proc.returncode == 0, proc.stderr
    left = sorted(p.name for p in reports.iterdir() if p.is_dir() and not p.is_symlink())
    # default: newest two (03, 04) plus the latest target (01); low keeps its only run; partial runs stay
    assert left == ["20260101_default", "20260101_low", "20260102_partial", "20260103_default", "20260104_default"]
    assert "20260104_default" in (reports / "index.html").read_text()
    proc = twinimpact("prune", "--out", str(reports), "--older-than", "0")
    left = sorted(p.name for p in reports.iterdir() if p.is_dir() and not p.is_symlink())
    assert left == ["20260101_default", "20260102_partial"]


def test_prune_without_a_rule_exits_2():
    assert twinimpact("prune").returncode == 2


def test_stale_working_folders_of_dead_runs_go_and_live_ones_stay(tmp_path: Path):
    reports = tmp_path / "reports"
    dead, live = reports / ".tmp-dead", reports / ".tmp-live"
    for folder in (dead, live):
        folder.mkdir(parents=True)
    (reports / ".tmp-dead-snapshot").mkdir()
    (dead / "pid").write_text("999999999")  # no such process
    (live / "pid").write_text(str(os.getpid()))
    assert sorted(publish.remove_stale_work(reports)) == [".tmp-dead", ".tmp-dead-snapshot"]
    assert live.is_dir() and not dead.exists()


def test_the_runs_index_shows_the_parameters_that_differ_between_runs(tmp_path: Path):
    reports = tmp_path / "reports"
    for name, share in (("20260101_a", 0.3), ("20260102_b", 0.8)):
        run = _published(reports, name, name)
        manifest = json.loads((run / "manifest.json").read_text())
        manifest["params"] = {"seed": 1, "adoption_share": share, "data_dir": f"/x/{name}"}
        (run / "manifest.json").write_text(json.dumps(manifest))
        (run / "results.json").write_text(json.dumps({"run": {"reporting_currency": "EUR"},
                                                      "scenarios": {"npv": {"p10": 1.0, "p50": 1.5, "p90": 3.0},
                                                                    "npv_observed": 2.0}}))
    publish.write_runs_index(reports)
    page = (reports / "index.html").read_text()
    assert "<th>adoption_share</th>" in page and "<td>0.3</td>" in page and "<td>0.8</td>" in page
    assert "<th>seed</th>" not in page and "data_dir" not in page  # the same everywhere, or where data lives
    assert "EUR 2" in page and "<th>NPV at observed costs</th>" in page


def test_the_second_run_says_what_changed_since_the_previous_complete_one(published: Path, tmp_path: Path):
    import shutil

    first = (published / "latest").resolve()
    assert "No earlier complete run of these parameters" in (first / "index.html").read_text()
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copytree(first, reports / first.name)
    os.symlink(first.name, reports / "latest-test")
    proc = twinimpact("run", "-p", str(TEST_PARAMS), "--out", str(reports), "--only", "00")
    assert proc.returncode == 0, proc.stderr
    page = (Path(proc.stdout.strip()).parent / "index.html").read_text()
    assert f"Compared with run <code>{first.name}</code>" in page and "Data tables changed: none." in page


def test_a_run_without_bookings_passes_and_says_per_model_figures_need_them(sample_copy: Path, tmp_path: Path):
    (sample_copy / "bookings.csv").unlink()
    proc = twinimpact("run", "-p", str(TEST_PARAMS), "--data", str(sample_copy), "--out", str(tmp_path / "r"),
                      "--only", "02", "04")
    assert proc.returncode == 0, proc.stderr
    run = Path(proc.stdout.strip()).parent
    res = json.loads((run / "results.json").read_text())["models"]
    assert res["bookings"] is False and res["income_by_model"] == {} and "bookings table" in res["not_available"]
    for page in ("02_creative_labor.html", "04_rights_and_representation.html"):
        assert "Per-model figures need the optional bookings table" in (run / page).read_text(), page
    check = twinimpact("validate", "-p", str(TEST_PARAMS), "--data", str(sample_copy))
    assert check.returncode == 0 and "bookings: not given" in check.stdout


def test_statements_command_writes_one_file_per_model(tmp_path: Path):
    proc = twinimpact("statements", "-p", str(TINY_PARAMS), "--out", str(tmp_path / "s"))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert names == ["M1.csv", "M1.html", "M2.csv", "M2.html", "M3.csv", "M3.html"]
    assert "wrote 6 files for 3 models" in proc.stdout


def test_each_kernel_runs_linear_algebra_on_one_thread_unless_told_otherwise(monkeypatch):
    for name in execute.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TWINIMPACT_SOMETHING", "kept")
    env = execute.kernel_env()
    assert [env[n] for n in execute.THREAD_VARIABLES] == ["1", "1", "1"] and env["TWINIMPACT_SOMETHING"] == "kept"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")  # what the user set stays
    assert execute.kernel_env()["OPENBLAS_NUM_THREADS"] == "2"


def test_the_longest_notebook_starts_first_and_a_short_independent_one_last():
    books = [Path(f"{n}.ipynb") for n in ("00_data_overview", "01_production_cost", "02_creative_labor",
                                         "03_engagement", "04_rights_and_representation", "05_scenarios")]
    assert [b.stem[:2] for b in execute.start_order(books, 2)] == ["03", "00", "01", "02", "05", "04"]
    assert execute.start_order(books, 1) == books  # one worker: the workbook's order
    assert [b.stem[:2] for b in execute.start_order(books[:3], 2)] == ["00", "01", "02"]  # --only


def _fake_ready_client(iopub_from: int, alive: bool = True):
    """The worker's kernel client over fake channels: each ``kernel_info`` request is answered
    on the shell channel (after a stale reply to another request), its status reaches the
    broadcast channel only from the ``iopub_from``-th request on (before, the channel is not
    connected yet)."""
    import asyncio
    from queue import Empty

    class Channel:
        def __init__(self):
            self.queue = []

        async def get_msg(self, timeout=None):
            await asyncio.sleep(0)
            if not self.queue:
                raise Empty
            return self.queue.pop(0)

    def msg(parent, kind, **content):
        return {"parent_header": {"msg_id": parent}, "msg_type": kind, "content": content}

    class Fake(execute._ready_client()):
        shell_channel = iopub_channel = None

        def __init__(self):
            super().__init__()
            self.shell_channel, self.iopub_channel = Channel(), Channel()
            self.asked, self.handled = 0, []

        def kernel_info(self):
            self.asked += 1
            msg_id = f"info-{self.asked}"
            if alive:
                self.shell_channel.queue += [msg("someone-else", "kernel_info_reply"), msg(msg_id, "kernel_info_reply")]
                if self.asked >= iopub_from:
                    self.iopub_channel.queue += [msg("someone-else", "status", execution_state="idle"),
                                                 msg(msg_id, "status", execution_state="busy"),
                                                 msg(msg_id, "status", execution_state="idle")]
            return msg_id

        async def is_alive(self):
            return alive

        def _handle_kernel_info_reply(self, reply):
            self.handled.append(reply["parent_header"]["msg_id"])

    return Fake()


def test_a_kept_kernels_client_is_ready_once_its_request_is_answered_on_both_channels(monkeypatch):
    """papermill makes a new client for each notebook on a worker's kept kernel; the client
    is ready when the kernel has answered its own ``kernel_info`` on the shell channel and
    that request's idle status has come on the broadcast channel (so what the first cell
    prints is not lost). Until the broadcast channel carries it, the client asks again;
    replies to other requests are passed over."""
    import asyncio

    monkeypatch.setattr(execute, "IOPUB_READY_S", 0.05)
    connected = _fake_ready_client(iopub_from=1)
    asyncio.run(connected.wait_for_ready(timeout=5))
    assert connected.asked == 1 and connected.handled == ["info-1"]
    late = _fake_ready_client(iopub_from=3)  # the broadcast channel connects on the third request
    asyncio.run(late.wait_for_ready(timeout=5))
    assert late.asked == 3 and late.handled == ["info-3"]
    with pytest.raises(RuntimeError, match="Kernel died"):
        asyncio.run(_fake_ready_client(iopub_from=1, alive=False).wait_for_ready(timeout=5))


def test_a_kept_kernel_runs_notebook_after_notebook_losing_no_output(tmp_path):
    """One worker's real kernel, kept, runs ten notebooks in turn (each through papermill with
    a new client): every cell's output, the first cell's too, is in each executed notebook."""
    import nbformat

    kernel = execute._WorkerKernel()
    try:
        for i in range(10):
            book = tmp_path / f"{i:02d}_check.ipynb"
            nb = nbformat.v4.new_notebook()
            nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "display_name": "twinimpact", "language": "python"}
            nb.cells = [nbformat.v4.new_code_cell(f"print('first {i}')"), nbformat.v4.new_code_cell("print('second')")]
            nbformat.write(nb, book)
            kernel.run(book, tmp_path / f"out-{i}.ipynb", {})
            done = nbformat.read(tmp_path / f"out-{i}.ipynb", as_version=4)
            # (the kernel may send one print's text in two stream messages: joined here)
            printed = ["".join(o["text"] for o in c.outputs if o["output_type"] == "stream") for c in done.cells]
            assert printed == [f"first {i}\n", "second\n"], i
    finally:
        kernel.close()


def test_a_worker_starts_its_kernel_with_that_environment(monkeypatch, tmp_path):
    started = {}

    class FakeManager:
        def __init__(self, **kwargs):
            pass

        async def start_kernel(self, **kwargs):
            started.update(kwargs)

    monkeypatch.setattr(execute, "_ipc_kernel_manager", lambda folder, log: FakeManager)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    kernel = execute._WorkerKernel()
    try:
        kernel.start(tmp_path)
    finally:
        kernel.km = None
        kernel.close()
    assert started["cwd"] == str(tmp_path) and started["env"]["OPENBLAS_NUM_THREADS"] == "1"
