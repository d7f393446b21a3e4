"""What-if controls for JupyterLab: sliders for the adoption share, the horizon, the
discount rate and the main cost drivers that redraw a notebook's charts from the same
analysis functions the report uses. In a run of ``twinimpact run`` (its snapshot says
``static``), in a papermill call of your own with ``TWINIMPACT_STATIC=1``, outside
a notebook kernel or without ipywidgets, the same cell draws its charts once, at the
parameters' values, and says why there are no controls: nothing breaks.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from twinimpact.sources import snapshot
from twinimpact import charts
from twinimpact.analyses.cost import production as cost
from twinimpact.analyses.scenarios import paths as scenarios

#: A user's switch for notebooks executed outside ``twinimpact run`` (papermill called by a
#: scheduler): charts are drawn once, without controls. The runner itself never sets it.
STATIC_ENV = "TWINIMPACT_STATIC"

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from twinimpact.sources.data import Dataset
    from twinimpact.params import Params

#: The cost drivers a what-if can scale (multipliers on the values observed in the data).
MAIN_DRIVERS = ("shoot_day_cost", "twin_creation_cost", "licensing_per_asset")


@dataclass(frozen=True)
class Control:
    """One slider: the keyword it sets, its label, start value, range, step and readout."""

    name: str
    label: str
    value: float
    low: float
    high: float
    step: float
    integer: bool = False
    readout: str = ".2f"

    def shown(self, value: float) -> str:
        return f"{int(value)}" if self.integer else format(value, self.readout)


def interactive() -> tuple[bool, str]:
    """Whether live controls can be shown here, and if not, why."""
    state = snapshot.current()
    if (state is not None and state.static) or os.environ.get(STATIC_ENV):
        return False, "this run draws the charts once, at its parameters' values"
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False, "ipywidgets is not installed (pip install -e \".[lab]\" adds it)"
    try:
        from IPython import get_ipython
    except ImportError:
        return False, "not running in IPython"
    shell = get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return False, "not running in a notebook kernel"
    return True, ""


def show(draw: Callable[..., list["go.Figure"]], controls: list[Control], what: str) -> Any:
    """Display ``draw(**values)``'s figures under sliders (JupyterLab), or once at the
    controls' start values with a note (a run, or no widgets). Returns the widget box, or
    None when static."""
    from IPython.display import Markdown, display

    live, why = interactive()
    values = {c.name: c.value for c in controls}
    if not live:
        settings = ", ".join(f"{c.label.lower()} {c.shown(c.value)}" for c in controls)
        display(Markdown(f"*What-if, {what}: in JupyterLab, sliders for {settings} redraw these charts; here "
                         f"{why}.*"))
        for fig in draw(**values):
            display(fig)
        return None
    import ipywidgets as w

    sliders = {}
    for c in controls:
        kind = w.IntSlider if c.integer else w.FloatSlider
        extra = {} if c.integer else {"readout_format": c.readout}
        sliders[c.name] = kind(value=c.value, min=c.low, max=c.high, step=c.step, description=c.label,
                               continuous_update=False, style={"description_width": "initial"},
                               layout=w.Layout(width="330px"), **extra)
    out, status = w.Output(), w.HTML()

    def redraw(_: Any = None) -> None:
        t0 = time.perf_counter()
        figs = draw(**{k: s.value for k, s in sliders.items()})
        with out:
            out.clear_output(wait=True)
            for fig in figs:
                display(fig)
        status.value = f"<small>redrawn in {time.perf_counter() - t0:.2f} s</small>"

    for s in sliders.values():
        s.observe(redraw, names="value")
    items = list(sliders.values())
    box = w.VBox([w.HBox(items[i:i + 3]) for i in range(0, len(items), 3)] + [status, out])
    display(box)
    redraw()
    return box


def _scaled(d: dict[str, float], scale: dict[str, float]) -> dict[str, float]:
    return {k: v * scale.get(k, 1.0) for k, v in d.items()}


def scenario_controls(params: "Params") -> list[Control]:
    """The scenario notebook's sliders, starting at the parameters' values."""
    return [
        Control("adoption_share", "Adoption share", params.adoption_share, 0.0, 1.0, 0.05, readout=".0%"),
        Control("horizon_years", "Horizon (years)", params.horizon_years, 1, 15, 1, integer=True),
        Control("discount_rate", "Discount rate", params.discount_rate, 0.0, 0.25, 0.01, readout=".0%"),
        *[Control(d, f"{d.replace('_', ' ').capitalize()} x", 1.0, 0.5, 2.0, 0.05, readout=".2f")
          for d in MAIN_DRIVERS],
    ]


def scenario_figures(dataset: "Dataset", params: "Params", **values: float) -> list["go.Figure"]:
    """The NPV distribution and the yearly savings at the given adoption share, horizon,
    discount rate and driver multipliers (:func:`twinimpact.analyses.scenarios.paths.scaled`).

    Parameters
    ----------
    dataset, params
        The notebook's data and parameters.
    **values
        The sliders' values: ``adoption_share``, ``horizon_years``, ``discount_rate`` and
        driver multipliers.

    Returns
    -------
    list of Figure
        The decision's options (recomputed as a slider moves), the NPV distribution and the
        yearly savings.
    """
    scale = {d: float(values.pop(d)) for d in MAIN_DRIVERS if d in values}
    p = params.model_copy(update=values)
    sa = scenarios.scaled(dataset, p, scale)
    if not sa.available:
        return [charts.theme.base_figure(f"Not measured: {sa.why_not}")]
    ccy = p.reporting_currency
    return [charts.decision_options(sa.decision or {}, ccy),
            charts.npv_distribution(sa.npv_draws, sa.npv_pct, ccy, p.horizon_years, sa.start_share,
                                    p.adoption_share),
            charts.scenario_years(sa.yearly, ccy)]


def break_even_controls(params: "Params") -> list[Control]:
    """The cost notebook's break-even sliders: the main drivers and the twins built."""
    return [*[Control(d, f"{d.replace('_', ' ').capitalize()} x", 1.0, 0.5, 2.0, 0.05) for d in MAIN_DRIVERS],
            Control("twins_per_season", "Twins per season", params.twins_per_season, 1, 20, 1, integer=True),
            Control("twin_life_seasons", "Twin life (seasons)", params.twin_life_seasons, 1, 12, 1, integer=True)]


def break_even_figures(drivers: dict[str, float], volume: float | None, currency: str, twins_per_season: int,
                       twin_life_seasons: int, **scale: float) -> list["go.Figure"]:
    """The break-even chart with the drivers scaled (:func:`twinimpact.analyses.cost.production.break_even_assets`).

    Parameters
    ----------
    drivers
        Observed drivers (reporting currency per asset, per shoot day or per twin).
    volume
        The typical season volume (assets).
    currency
        The reporting currency's code.
    twins_per_season, twin_life_seasons
        Twins built each season and the seasons one twin is used.
    **scale
        The sliders' values: driver multipliers and the twins' number and life.

    Returns
    -------
    list of Figure
        The break-even chart.
    """
    d = _scaled(drivers, scale)
    be = cost.break_even_assets(d, int(twins_per_season), int(twin_life_seasons))
    top = max(volume or 0, (be or 0) * cost.CURVE_PAST_BREAK_EVEN, cost.CURVE_MIN_ASSETS)
    curve = cost.break_even_curve(d, int(twins_per_season), int(twin_life_seasons), top)
    return [charts.break_even(curve, be, currency, volume)]
