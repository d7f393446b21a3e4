"""What-if controls: the figures follow the sliders' values, the cells draw once without
controls in a run or without widgets, and a slider moved in a live kernel redraws."""

from __future__ import annotations

import json
import os
import queue
import sys
import time
from pathlib import Path

import pytest

from twinimpact import config
from twinimpact.sources import data
from twinimpact.analyses.scenarios import paths as scenarios
from twinimpact.notebook import whatif
from twinimpact.words import statements
from twinimpact.params import load_params

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample():
    params = load_params(config.DEFAULT_PARAMS)
    return params, data.load(params)


def _npv_p50(fig) -> float:
    """The P50 the NPV chart marks (its vertical line labelled P50)."""
    return next(float(s["x0"]) for s in fig.layout.shapes if s["line"]["dash"] == "solid")


def test_scenario_figures_follow_the_adoption_share_and_the_drivers(sample):
    params, ds = sample
    base = scenarios.analyse(ds, params)
    lower = scenarios.analyse(ds, params.model_copy(update={"adoption_share": 0.65}))
    dearer_shoots = scenarios.scaled(ds, params, {"shoot_day_cost": 1.5})
    assert scenarios.scaled(ds, params, {}).npv_pct == base.npv_pct
    # moving less of the work saves less; dearer shoot days make every moved asset save more
    assert lower.npv_pct["p50"] < base.npv_pct["p50"] < dearer_shoots.npv_pct["p50"]
    figs = whatif.scenario_figures(ds, params, adoption_share=0.65, horizon_years=5, discount_rate=0.08,
                                   shoot_day_cost=1.0, twin_creation_cost=1.0, licensing_per_asset=1.0)
    assert len(figs) == 3 and f"{lower.npv_pct['p50']:,.0f}" in figs[1].layout.title.text
    # the decision is recomputed at the sliders' values: the options chart reads the analysis at 0.65
    assert figs[0].layout.title.text.startswith(statements.decision_title(lower.decision, "EUR"))
    assert [bar for bar in figs[0].data[0].x][-1] == "adopt (65% twin)"


def test_break_even_moves_with_the_twin_build_cost(sample):
    params, ds = sample
    from twinimpact.analyses.cost import production as cost

    d = cost.observed_drivers(cost.campaign_costs(ds["campaigns"], ds["cost_lines"], params.fx_rates),
                              ds["twin_usage"]).as_dict()
    at = {k: cost.break_even_assets(cost_d, params.twins_per_season, params.twin_life_seasons)
          for k, cost_d in (("x1", d), ("x2", {**d, "twin_creation_cost": 2 * d["twin_creation_cost"]}))}
    assert at["x2"] == pytest.approx(2 * at["x1"])  # n* = fixed / margin: the fixed cost doubles
    fig = whatif.break_even_figures(d, 1500.0, "EUR", params.twins_per_season, params.twin_life_seasons,
                                    twin_creation_cost=2.0)[0]
    assert f"{at['x2']:,.0f} assets a season" in fig.layout.title.text


def test_a_run_draws_the_charts_once_without_controls(sample, monkeypatch, tmp_path: Path):
    from twinimpact.sources import snapshot

    params, ds = sample
    monkeypatch.setenv(snapshot.RUN_FILE_ENV, str(snapshot.write(ds, params, tmp_path / "snap", static=True)))
    assert whatif.interactive() == (False, "this run draws the charts once, at its parameters' values")
    shown, drawn = [], []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    box = whatif.show(lambda **v: drawn.append(v) or ["figure"], whatif.scenario_controls(params), "the adoption path")
    assert box is None and drawn == [{c.name: c.value for c in whatif.scenario_controls(params)}]
    note, figure = shown
    assert "adoption share 80%" in note.data and "horizon (years) 5" in note.data and figure == "figure"


def test_without_ipywidgets_nothing_breaks(monkeypatch):
    from twinimpact.sources import snapshot

    monkeypatch.delenv(snapshot.RUN_FILE_ENV, raising=False)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import fails
    live, why = whatif.interactive()
    assert not live and "ipywidgets is not installed" in why


def test_moving_a_slider_in_a_live_kernel_redraws_the_charts(tmp_path: Path):
    """A real kernel runs the scenario notebook's what-if cell; the test then does what
    JupyterLab does when a slider moves (a comm message setting its value) and reads the
    widgets' replies: the status line reports the redraw and its time."""
    from jupyter_client.manager import start_new_kernel

    from twinimpact.sources import snapshot

    env = {k: v for k, v in os.environ.items() if k != snapshot.RUN_FILE_ENV}
    km, kc = start_new_kernel(kernel_name=config.KERNEL_NAME, cwd=str(ROOT / "notebooks"), env=env)
    try:
        code = ("from twinimpact.sources import data\nfrom twinimpact.notebook import whatif\nfrom twinimpact.params import load_params\n"
                "params = load_params('params/default.yaml')\nds = data.load(params)\n"
                "box = whatif.show(lambda **v: whatif.scenario_figures(ds, params, **v), "
                "whatif.scenario_controls(params), 'the adoption path')")
        reply = kc.execute_interactive(code, timeout=120, output_hook=lambda m: None)
        assert reply["content"]["status"] == "ok", reply["content"]
        # the widgets the cell made: their comm ids and states came on the iopub channel
        kc.execute_interactive("import json\nprint(json.dumps({w.description: w.model_id for w in "
                               "box.children[0].children + box.children[1].children}))",
                               timeout=30, output_hook=_collect(out := []))
        ids = json.loads("".join(out))
        msg = kc.session.msg("comm_msg", {"comm_id": ids["Adoption share"],
                                          "data": {"method": "update", "state": {"value": 0.5}, "buffer_paths": []}})
        kc.shell_channel.send(msg)
        status, figures = _wait_for_redraw(kc, deadline=time.monotonic() + 60)
        assert status.startswith("<small>redrawn in ") and len(figures) == 3  # the decision, the NPV, the years
        assert "Going from" in figures[1]["layout"]["title"]["text"] and "to 50%" in figures[1]["layout"]["title"]["text"]
        assert "adopt (50% twin)" in figures[0]["data"][0]["x"]  # the decision's options follow the slider
        kc.execute_interactive("print(box.children[0].children[0].value)", timeout=30, output_hook=_collect(out := []))
        assert float("".join(out)) == 0.5
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _collect(into: list):
    def hook(msg):
        if msg["msg_type"] == "stream":
            into.append(msg["content"]["text"])
    return hook


def _wait_for_redraw(kc, deadline: float) -> tuple[str, list[dict]]:
    """The status line's new value and the charts displayed since the slider moved, from
    the kernel's broadcast messages (the frontend would draw them in the output widget)."""
    figures = []
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if msg["msg_type"] == "display_data" and "application/vnd.plotly.v1+json" in msg["content"]["data"]:
            figures.append(msg["content"]["data"]["application/vnd.plotly.v1+json"])
        if msg["msg_type"] == "comm_msg":
            state = msg["content"]["data"].get("state", {})
            if isinstance(state.get("value"), str) and state["value"].startswith("<small>redrawn"):
                return state["value"], figures
    raise AssertionError("no redraw within the time allowed")


@pytest.mark.parametrize("static", [True, False], ids=["TWINIMPACT_STATIC=1", "unset"])
def test_the_readmes_papermill_operator_call_saves_the_break_even_chart_as_a_chart(tmp_path: Path, monkeypatch,
                                                                                  static):
    """The scheduling page's PapermillOperator example, as the operator calls papermill: with
    ``TWINIMPACT_STATIC=1`` in the worker's environment the break-even what-if cell's output
    holds the chart itself; without it, only sliders' widget state (why the page sets it).
    (The kernel talks over IPC sockets here: kernels of parallel test processes on TCP race
    for ports, papermill #511.)"""
    import papermill

    from twinimpact.run.execute import _ipc_kernel_manager

    readme = (ROOT / "docs" / "how-to" / "scheduling.md").read_text()
    example = readme.split("from airflow.providers.papermill.operators.papermill import PapermillOperator", 1)[1]
    assert 'os.environ["TWINIMPACT_STATIC"] = "1"' in example.split("```", 1)[0]
    if static:
        monkeypatch.setenv(whatif.STATIC_ENV, "1")
    else:
        monkeypatch.delenv(whatif.STATIC_ENV, raising=False)
    monkeypatch.delenv("TWINIMPACT_RUN_FILE", raising=False)
    out = tmp_path / "01_2026-11-28.ipynb"
    papermill.execute_notebook(str(config.NOTEBOOKS_DIR / "01_production_cost.ipynb"), str(out),
                               kernel_name=config.KERNEL_NAME, cwd=str(config.NOTEBOOKS_DIR), progress_bar=False,
                               parameters={"as_of": "2026-11-28", "n_draws": 300}, execution_timeout=300,
                               start_timeout=120, kernel_manager_class=_ipc_kernel_manager(str(tmp_path)))
    cells = json.loads(out.read_text())["cells"]
    whatif_cell = next(c for c in cells if c["cell_type"] == "code" and "break_even_whatif" in "".join(c["source"]))
    kinds = {k for o in whatif_cell["outputs"] for k in o.get("data", {})}
    assert ("application/vnd.plotly.v1+json" in kinds) is static
