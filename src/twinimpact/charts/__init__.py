"""Charts: one theme (:mod:`.theme`) and a figure builder per chart, grouped by notebook.
Every builder returns a ``go.Figure`` whose title states the finding; nothing here shows
or saves a figure."""

from twinimpact.charts.theme import CATEGORY_COLORS, IMAGERY_COLORS, MODE_COLORS, setup, theme
from twinimpact.charts.overview import campaigns_by_season, posts_by_month, coverage_heatmap
from twinimpact.charts.cost import cost_components, cost_per_asset_over_time, cost_function, break_even, tornado, savings_distribution
from twinimpact.charts.engagement import rates_vs_benchmarks, irr_forest, label_effect, event_study
from twinimpact.charts.rights import findings_summary, compliance_trend, representation
from twinimpact.charts.labor import (hours_per_asset_by_role, adoption_effect, pay_by_engagement, wage_bands, exposure_heatmap,
                    model_income, income_by_model)
from twinimpact.charts.scenarios import (npv_distribution, npv_tornado, scenario_years, scenario_jobs, model_payouts,
                                         decision_options)

__all__ = [
    "CATEGORY_COLORS",
    "IMAGERY_COLORS",
    "MODE_COLORS",
    "setup",
    "theme",
    "campaigns_by_season",
    "posts_by_month",
    "coverage_heatmap",
    "cost_components",
    "cost_per_asset_over_time",
    "cost_function",
    "break_even",
    "tornado",
    "savings_distribution",
    "rates_vs_benchmarks",
    "irr_forest",
    "label_effect",
    "event_study",
    "findings_summary",
    "compliance_trend",
    "representation",
    "hours_per_asset_by_role",
    "adoption_effect",
    "pay_by_engagement",
    "wage_bands",
    "exposure_heatmap",
    "model_income",
    "income_by_model",
    "npv_distribution",
    "npv_tornado",
    "scenario_years",
    "scenario_jobs",
    "model_payouts",
]
