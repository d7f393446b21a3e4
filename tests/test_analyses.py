"""One analysis interface: every analysis module exposes ``analyse(dataset, params)``, each
notebook declares exactly the parameters its module reads, and every one of those
parameters changes the result (a parameter silently dropped on the way is a failure here)."""

from __future__ import annotations

import hashlib
import inspect
import json
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from twinimpact import config
from twinimpact.analyses.cost import production as cost
from twinimpact.analyses.engagement import model as engagement
from twinimpact.analyses.labor import hours as labor
from twinimpact.analyses import overview
from twinimpact.analyses.rights import findings as rights
from twinimpact.analyses.scenarios import paths as scenarios
from twinimpact.sources import data
from twinimpact.run.execute import list_notebooks, notebook_parameters
from twinimpact.params import Params

MODULES = {"00_data_overview": overview, "01_production_cost": cost, "02_creative_labor": labor,
           "03_engagement": engagement, "04_rights_and_representation": rights, "05_scenarios": scenarios}
#: What every notebook declares: money, scope and where the data comes from.
COMMON = {"reporting_currency", "fx_rates", "brands", "as_of", "data_dir", "source_env"}
#: A value other than the base's for every parameter an analysis reads.
CHANGED: dict[str, Any] = {
    "seed": 7, "n_draws": 300, "twins_per_season": 9, "twin_life_seasons": 2, "assets_per_season": 500,
    "driver_ranges": {"shoot_day_cost": [0.3, 3.0], "twin_hours_per_asset": [0.5, 2.0]}, "adoption_share": 0.4, "redeploy_share": {"photographer": 0.9},
    "annual_hours": 1000.0, "agency_commission": 0.5, "labor_year": 2024, "outcome": "likes", "nb_max_rows": 2000,
    "follower_bin_width": 0.5, "label_time_bins": [3, 9], "target_size_mix": {"petite": 0.5, "straight": 0.5},
    "target_age_mix": {"18-24": 0.5, "25-34": 0.5}, "horizon_years": 3, "discount_rate": 0.2, "volume_growth": 0.1,
    "assets_dir": str(config.ROOT / "tests" / "fixtures" / "assets"),  # two asset files of the sample's, written by tests/images.py
    "value_per_engagement": 0.05, "gross_margin": 0.3, "adoption_share_spread": 0.3, "adoption_years_spread": 0.8,
    "test_effect": 0.8, "test_power": 0.9, "options": [0.7, 0.9], "observational_bias": 0.3,
    "test_setup_cost": 1e6, "test_cost_per_post": 500.0, "commitments": {"models_whole": True},
}
BASE = {"as_of": "2026-11-28", "n_draws": 200, "nb_max_rows": 3000}


def test_every_notebook_has_its_analysis_module():
    assert [p.stem for p in list_notebooks()] == list(MODULES)


@pytest.mark.parametrize("module", MODULES.values(), ids=list(MODULES))
def test_analyse_takes_a_dataset_and_the_parameters(module):
    assert list(inspect.signature(module.analyse).parameters) == ["dataset", "params"]
    assert set(module.PARAMETERS) <= set(Params.model_fields) and not set(module.PARAMETERS) & COMMON


@pytest.mark.parametrize("name", MODULES)
def test_each_notebook_declares_its_modules_parameters_and_calls_analyse_with_them(name):
    path = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    module = MODULES[name]
    assert set(notebook_parameters(path)) == COMMON | set(module.PARAMETERS)
    source = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
    from twinimpact import NOTEBOOK_FACES

    face = next(short for short, target in NOTEBOOK_FACES.items() if target == module.__name__)
    assert f"{face}.analyse(data, params)" in source


#: Outputs that repeat a parameter under another name (or the inputs behind a range): a
#: parameter that changed only these changed nothing that was computed.
ECHOES = {"target_twin_share", "low_multiplier", "high_multiplier", "ranges", "baseline", "note", "income_note",
          "npv_against", "savings_headline", "headline_rule"}


def _echo(name: str) -> bool:
    return name in Params.model_fields or name in ECHOES


def digest(obj: Any) -> str:
    """A fingerprint of what an analysis computed: frames, arrays, numbers and nested results,
    without the fields, keys and columns that only repeat its parameters (:data:`ECHOES`)."""
    h = hashlib.sha256()

    def feed(o: Any) -> None:
        if is_dataclass(o) and not isinstance(o, type):
            for f in fields(o):
                if not _echo(f.name):
                    h.update(f.name.encode())
                    feed(getattr(o, f.name))
        elif isinstance(o, pd.DataFrame):
            kept = o[[c for c in o.columns if not _echo(str(c))]]
            h.update(kept.to_csv(index=False, float_format="%.12g").encode())
        elif isinstance(o, np.ndarray):
            h.update(np.ascontiguousarray(o).tobytes())
        elif isinstance(o, dict):
            for k, v in o.items():
                if not _echo(str(k)):
                    h.update(str(k).encode())
                    feed(v)
        elif isinstance(o, (list, tuple)):
            for v in o:
                feed(v)
        elif o is None or isinstance(o, (str, int, float, bool, np.generic)):
            h.update(repr(o).encode())
        else:  # fitted model objects: their numbers live in the frames and blocks above
            h.update(type(o).__name__.encode())

    feed(obj)
    return h.hexdigest()


@pytest.fixture(scope="module")
def dataset() -> data.Dataset:
    return data.load(Params(**BASE), keep_source=True)


@pytest.fixture(scope="module")
def base_digests(dataset) -> dict[str, str]:
    params = Params(**BASE)
    return {name: digest(m.analyse(dataset, params)) for name, m in MODULES.items() if m.PARAMETERS}


CASES = [(name, p) for name, m in MODULES.items() for p in m.PARAMETERS]


@pytest.mark.parametrize("name,parameter", CASES, ids=[f"{n[:2]}-{p}" for n, p in CASES])
def test_every_parameter_an_analysis_declares_changes_its_result(dataset, base_digests, name, parameter):
    changed = Params(**{**BASE, parameter: CHANGED[parameter]})
    assert getattr(changed, parameter) != getattr(Params(**BASE), parameter)
    assert digest(MODULES[name].analyse(dataset, changed)) != base_digests[name], parameter


def test_the_same_parameters_give_the_same_result(dataset, base_digests):
    params = Params(**BASE)
    assert digest(scenarios.analyse(dataset, params)) == base_digests["05_scenarios"]
    assert digest(engagement.analyse(dataset, params)) == base_digests["03_engagement"]
