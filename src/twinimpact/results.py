"""Headline numbers and key tables travel from notebooks to the runner.

A notebook calls :func:`emit` (a results block) or :func:`emit_table` (a table for
analysts). Each becomes a cell output of a private MIME type that no renderer shows; the
runner reads them back from the executed notebook with :func:`collect`. No file is
written from inside a notebook, so a plain ``papermill`` run stays side-effect free.

``results.json`` has stable keys (``docs/DESIGN.md``): every promised key is present,
``null`` where a value cannot be computed, never NaN or Infinity.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from types import UnionType
from typing import Any, NotRequired, TypedDict, Union, get_args, get_origin, get_type_hints

import numpy as np
import pandas as pd

from twinimpact.config import RESULTS_MIME, TABLE_MIME
from twinimpact.contract.spec import BREACHES, PRODUCTION_MODES

# --- the blocks of results.json, each key declared once ------------------------------------
# Every block a notebook emits is one of these TypedDicts; TEMPLATE is built from them, so
# every key any reader uses is promised (null until a capability fills it). A field typed
# ``dict[str, ...]`` is a map keyed by data (roles, models, drivers): its keys are open.
# The declaration order is the order of results.json.

class Interval(TypedDict):
    """An estimate with its 95% interval (a rate ratio, a difference)."""
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    not_estimable: NotRequired[str]  # why the interval is null (twinimpact.minimum)


class Percentiles(TypedDict):
    """P10/P50/P90 over Monte Carlo draws."""
    p10: float | None
    p50: float | None
    p90: float | None
    not_estimable: NotRequired[str]  # why P10 and P90 are null: draws that do not vary


#: One number per production mode (the contract's modes).
ByMode = TypedDict("ByMode", {mode: float | None for mode in PRODUCTION_MODES})  # type: ignore[misc]


class RunBlock(TypedDict):
    id: str | None
    params_name: str | None
    reporting_currency: str | None
    data_fingerprint: str | None
    status: str | None
    reused: dict[str, str] | None  # notebook -> the run its output was copied from (inputs unchanged)


class ExposureShift(TypedDict):
    """Exposure per follower across a platform's switch from impressions to views, for posts
    that do not say which metric they hold."""
    platform: str
    switch: str  # ISO date of the switch
    posts_before: int  # posts in the window before it
    posts_after: int
    ratio: float  # exposure per follower after / before (geometric means)
    ci_low: float
    ci_high: float
    p_value: float  # Welch's test of no shift
    warned: bool  # a rise of at least 10% with p below 0.001


class DataBlock(TypedDict):
    rows: dict[str, int] | None  # rows per contract table
    first_post: str | None
    last_post: str | None
    brands: list[str] | None
    exposure_shifts: list[ExposureShift] | None  # the level-shift test at each known switch


class CostBlock(TypedDict):
    """Production cost, reporting currency."""
    cost_per_asset: ByMode  # pooled over the campaigns of each mode, per asset
    break_even_assets: float | None  # assets per season
    break_even_never: bool | None  # a twin asset's running cost exceeds a traditional one
    savings_per_asset: Percentiles  # per asset, twin against traditional
    saving_per_moved_asset: Percentiles  # per asset moved to twins from today's mix (twin building excluded)
    saving_per_moved_asset_observed: float | None  # the same at the observed drivers
    savings_per_season: Percentiles
    assets_per_season: float | None
    savings_headline: str | None
    twin_minus_traditional_per_asset: Interval | None  # campaign bootstrap
    zero_asset_campaigns: list[str] | None
    drivers: dict[str, float | None] | None  # driver name -> observed value
    driver_ranges: dict[str, list[float]] | None  # driver name -> [low, high] multipliers


class ModelIncome(TypedDict):
    """Per model and year, net of agency commission, reporting currency: the base year's mix
    (today) against every brand at the adoption share."""
    today_per_model: float | None
    at_adoption_per_model: float | None
    twin_models_today_per_model: float | None
    twin_models_at_adoption_per_model: float | None
    gainers: int | None
    losers: int | None
    model_pay_per_asset: dict[str, float] | None  # mode -> pay per asset
    twin_fee_per_asset: float | None  # contracted, weighted by the twin models' share of the base year's twin assets
    agency_commission: float | None
    base_year: int | None
    adoption_share: float | None
    note: str | None


class LaborIntervals(TypedDict):
    """Hours (and FTE) at the adoption share, P10/P50/P90."""
    displaced_hours: Percentiles
    redeployed_hours: Percentiles
    new_hours: Percentiles
    net_hours: Percentiles
    net_fte: Percentiles


class LaborBlock(TypedDict):
    hours_per_asset: ByMode  # paid hours per asset
    hours_change_by_role: dict[str, float] | None  # role -> net hours
    model_income: ModelIncome
    year: int | None
    assets: float | None
    adoption_share: float | None  # 0-1
    fte_change: float | None
    fte_change_without_redeployment: float | None  # the bound if no displaced hour were redeployed
    displaced_hours: float | None
    redeployed_hours: float | None
    new_hours: float | None
    baseline: str | None
    moved_assets: dict[str, float] | None  # mode -> assets moved to twins
    intervals: LaborIntervals
    not_estimable: NotRequired[str]  # too few staffed campaigns for the jobs finding (twinimpact.minimum)


class Pretrend(TypedDict):
    chi2: float | None
    df: int | None
    p_value: float | None
    covariance: str | None


class Inference(TypedDict):
    clusters: int | None
    method: str | None
    statistic: float | None
    p_value: float | None
    patterns: int | None


class AdoptionStudy(TypedDict):
    estimate: float | None  # rate ratio after adoption
    ci_low: NotRequired[float | None]
    ci_high: NotRequired[float | None]
    pretrend: Pretrend
    inference: Inference
    estimable: NotRequired[bool]  # enough adopting units with months on both sides
    reason: NotRequired[str]  # why not, when not
    treated_units: NotRequired[int]
    pre_periods: NotRequired[dict[str, int]]  # brand -> months with posts before its adoption
    post_periods: NotRequired[dict[str, int]]
    staggered: NotRequired[dict[str, Any]]  # the verdict's study: group-time effects by brand (analyses.staggered.study)


class Fits(TypedDict):
    """The three rate ratios of one count model."""
    irr_twin_vs_human: Interval
    irr_synthetic_vs_human: Interval
    irr_ai_label: Interval


class NegbinFits(Fits):
    rows: int | None  # posts the negative binomial was fitted on


class Overdispersion(TypedDict):
    pearson_dispersion: float | None
    negbin_alpha: float | None


class Power(TypedDict):
    se_log_irr: float | None
    mde_irr_drop: float | None
    mde_irr_rise: float | None
    labelled_posts: int | None
    posts_needed_for: float | None
    labelled_posts_needed: int | None


class OrdersFits(Fits):
    """The rate ratios of orders per impression, on the posts with an outcome."""
    posts: NotRequired[int]
    headline_fit: NotRequired[str]
    poisson: NotRequired[Fits]
    negbin: NotRequired[NegbinFits | None]
    not_available: NotRequired[str]


class Arm(TypedDict):
    posts: int
    units: int
    imagery: dict[str, float]  # imagery -> share of the arm's posts
    ai_label_share: float | None
    shows: str | None  # the dominant imagery and label
    pure: float | None  # its share


class Experiment(TypedDict):
    """One randomised test, read (engagements per impression, treatment over control)."""
    rate_ratio: Interval
    se_log: float | None
    posts: int
    units: int
    arms: dict[str, Arm]  # control, treatment
    srm_p_value: float | None
    contrast: str | None  # ai_vs_human, label or null
    balance: list[dict[str, Any]]
    warnings: list[str]
    readable: bool  # enough units, none in both arms: the rate ratio may be stated
    interval: str
    treatment_share: float  # the design's share of units in treatment (0.5 unless the table says)
    failed_checks: list[str]  # the checks it fails: a test that fails any is not used for the decision
    wild_bootstrap: Inference | None  # with fewer than 10 units an arm: the wild cluster bootstrap over them (Webb)


class Tested(TypedDict):
    experiment_id: str
    shows: str  # what the treatment arm shows, in words
    imagery: str  # twin or synthetic
    labelled: bool
    se_log: float | None
    prior: Interval  # the observational estimate of the same contrast
    tested: Interval
    posterior: Interval
    agree: bool | None  # whether the intervals overlap
    used: str  # posterior (they agree) or tested


class TestPlan(TypedDict):
    effect: float | None  # the rate ratio to detect
    power: float | None
    alpha: float | None  # two-sided
    posts_per_arm: int | None
    weeks: int | None  # at the brand's posting rate
    not_available: NotRequired[str]
    mean_engagements: NotRequired[float]
    overdispersion: NotRequired[float]
    cv_impressions: NotRequired[float]
    posts_per_week: NotRequired[float]
    arms: NotRequired[dict[str, str]]  # control, treatment -> what the arm's posts show
    disclosure_duties: NotRequired[list[str]]
    label_note: NotRequired[str]
    notes: NotRequired[list[str]]


class LabelPeriod(TypedDict):
    """The label's rate ratio in one bin of months since the brand's first labelled post."""
    period: str  # e.g. "0-6 months", "12+ months"
    months_from: int
    months_to: int | None  # None: open-ended
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    posts: int  # labelled posts in the bin
    not_estimable: NotRequired[str]


class Constancy(TypedDict):
    """Wald test that the label's rate ratio is the same in every time bin (CV3 covariance)."""
    statistic: float | None  # chi-squared
    df: int | None
    p_value: float | None
    not_estimable: NotRequired[str]


class EngagementBlock(TypedDict):
    """Rate ratios of engagements per impression (the lead fit's, then each fit's)."""
    irr_twin_vs_human: Interval
    irr_synthetic_vs_human: Interval
    irr_ai_label: Interval
    irr_after_adoption: Interval  # every post of a brand after it adopted twins, whatever the imagery
    irr_ai_label_by_time: list[LabelPeriod]  # the label's ratio by months since the brand's first labelled post
    label_constancy: Constancy
    posts: int | None
    clusters: NotRequired[int]  # campaigns the lead fit's interval is clustered by
    not_available: NotRequired[str]  # why nothing was fitted
    headline_fit: str | None
    headline_rule: str | None
    outcome: str | None
    overdispersion: Overdispersion
    poisson: Fits
    negbin: NegbinFits | None
    did_after_adoption: AdoptionStudy
    power: Power
    cells: int | None
    orders: NotRequired[OrdersFits | None]  # the same rate ratios on orders per impression (post_outcomes)
    experiments: NotRequired[dict[str, Experiment]]  # experiment id -> its reading
    test_plan: NotRequired[TestPlan]  # the randomised test that would settle it
    tested: NotRequired[Tested]  # the test the decision rests on, against the observational estimate
    tested_rejected: NotRequired[dict[str, list[str]]]  # tests of the decision's contrast failing their own checks




class Distance(TypedDict):
    roster: float | None
    twin_assets: float | None
    twin_roster: float | None


class Representation(TypedDict):
    size_range: Distance
    age_band: Distance


#: Twin assets per kind of rights finding (the contract's breaches).
Findings = TypedDict("Findings", {breach: int | None for breach in BREACHES})  # type: ignore[misc]


class Provenance(TypedDict):
    """What the published asset files carry (twinimpact.analyses.rights.provenance)."""
    checked: bool | None  # False when no asset files were given (not_checked says so)
    files: int | None
    post_files: NotRequired[int]  # of them, files of posts showing AI imagery
    with_c2pa: int | None
    with_ai_source_type: int | None
    findings: dict[str, list[str]] | None  # kind -> asset ids
    not_checked: NotRequired[str]


class RegulationRow(TypedDict):
    id: str
    jurisdiction: str
    source: str
    effective: str | None  # YYYY-MM-DD
    status: str  # in force, upcoming, pending (as of the run date)
    confidence: str
    result: str
    issues: int | None
    asset_ids: list[str]


class PlatformLabel(TypedDict):
    """The platforms' own AI label (posts column platform_ai_label) against the brand's."""
    posts: int  # posts on which the platform says whether it labelled them
    differ: int  # of those, posts whose two labels differ
    brand_only: int  # the brand labelled the post, the platform did not
    platform_only: int  # the platform labelled it, the brand did not
    twin_unlabelled: int  # twin posts the platform did not label (a marking finding)
    twin_unlabelled_ids: list[str]  # the first 200 by id
    differ_ids: list[str]  # the listed posts (up to 400) whose two labels differ, by id


class RightsBlock(TypedDict):
    findings: Findings
    underpaid_total: float | None  # reporting currency
    watermark_rate: float | None  # 0-1
    twin_assets: int | None
    assets_with_findings: int | None
    consent_coverage: float | None  # 0-1
    ai_label_share: float | None  # 0-1
    owed_by_model: dict[str, float] | None  # model -> reporting currency
    representation_distance: Representation
    provenance: Provenance
    regulation: list[RegulationRow] | None  # the checklist as of the run date
    platform_label: PlatformLabel | None  # None: no post carries the platform's own label


class EngagementChange(TypedDict):
    """What a moved asset gains or loses in engagement (the lead fit's rate ratios)."""
    engagements_per_moved_asset: float | None  # negative: a loss
    engagements_per_asset: NotRequired[float]  # the base year's engagements per asset delivered
    irr_twin_times_label: NotRequired[float]
    fit: NotRequired[str]  # the lead fit's name
    source: NotRequired[str]  # observational, or the randomised test it comes from
    label_effect: NotRequired[str]  # which of the label's effects the years ahead carry (its latest period)
    not_valued: NotRequired[str]  # why the engagement change is not measured


class RevenuePerEngagement(TypedDict):
    estimate: float | None  # reporting currency per engagement
    ci_low: float | None
    ci_high: float | None


class ValuePerEngagement(TypedDict):
    """What one engagement is worth, reporting currency, and where that comes from."""
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    source: str | None  # post_outcomes, parameter or none
    why: NotRequired[str]  # why it is not estimated
    gross_margin: NotRequired[float]
    revenue_per_engagement: NotRequired[RevenuePerEngagement]
    interval: NotRequired[str]
    clusters: NotRequired[int]
    posts: NotRequired[int]
    engagements: NotRequired[float]
    clicks: NotRequired[float]
    orders: NotRequired[float]
    revenue: NotRequired[float]


class SensitivityRow(TypedDict):
    value_per_engagement: float
    redeployment: str  # none, today's assumption, all
    npv_p10: float
    npv_p50: float
    npv_p90: float
    probability_npv_negative: float
    npv_p50_paying_redeployed: float  # the P50 when the pay of redeployed hours is a cost
    final_year_net_fte: float


class TornadoRow(TypedDict):
    input: str
    label: str
    low: float
    high: float
    npv_at_low: float
    npv_at_high: float
    swing: float


class AdoptionDraws(TypedDict):
    end_share: list[float] | None  # the lowest and highest end share drawn
    years: list[float] | None  # the fewest and most years to reach it


class DriverCorrelation(TypedDict):
    drivers: list[str] | None
    matrix: list[list[float]] | None


class ScenariosBlock(TypedDict):
    npv: Percentiles  # reporting currency
    not_available: NotRequired[str]  # why the path cannot be valued
    npv_against: str | None
    horizon_years: int | None
    discount_rate: float | None
    start_twin_share: float | None
    target_twin_share: float | None
    base_year: int | None
    final_year_net_fte: float | None
    final_year_net_fte_p10_p90: list[float] | None
    cumulative_model_twin_fees: float | None
    cumulative_model_photo_pay_lost: float | None
    probability_npv_positive: float | None
    probability_npv_negative: float | None  # under the assumed ranges
    npv_observed: NotRequired[float]  # every driver at its observed value
    npv_estimation: NotRequired[Percentiles]  # the pooled means' uncertainty alone
    probability_npv_negative_estimation: NotRequired[float]
    risk_note: NotRequired[str]
    adoption_draws: NotRequired[AdoptionDraws]
    engagement: NotRequired[EngagementChange]
    value_per_engagement: NotRequired[ValuePerEngagement]
    break_even_value_per_engagement: NotRequired[float | None]  # reporting currency per engagement
    break_even_value_note: NotRequired[str]
    break_even_value_range: NotRequired[list[float | None]]  # 95% over the engagement effect; None = no limit
    worst_case_saving_per_moved_asset: NotRequired[float | None]
    driver_ranges: NotRequired[dict[str, list[float]]]
    driver_correlation: NotRequired[DriverCorrelation]
    sensitivity: NotRequired[list[SensitivityRow]]
    tornado: NotRequired[list[TornadoRow]]


class DecisionOption(TypedDict):
    share: float | None  # the twin share the option moves to (0-1); the first is today's mix
    label: str | None  # keep (today's mix), pilot (a share between) or adopt (adoption_share)
    npv_expected: float | None  # mean over the draws, against keeping today's mix
    npv_p10: float | None
    npv_p50: float | None
    npv_p90: float | None
    p_best: float | None  # share of draws in which it has the highest NPV


class DecisionTest(TypedDict):
    n_per_arm: int | None  # posts per arm of the randomised test
    evsi: float | None  # expected value of its sample information
    cost: float | None  # setup + posts + the engagement the worse arm loses
    enbs: float | None  # evsi - cost
    p_changes_decision: float | None  # share of draws whose result changes the choice
    weeks: int | None  # at the brand's posting rate


class DecisionEVPPI(TypedDict):
    engagement_effect: float | None  # twin imagery with its label against photographed people
    value_per_engagement: float | None


class DecisionConditional(TypedDict):
    on: str | None
    break_even_value_per_engagement: float | None
    why: str | None


class DecisionCommitment(TypedDict):
    name: str | None  # models_whole or redeploy_all
    what: str | None  # the promise, in words
    active: bool | None  # made by the parameters: priced into the options above
    cost_npv: float | None  # at the best option with it, reporting currency
    binding: bool | None  # it costs something there
    recommendation_with: str | None  # the best option once it is priced in
    not_priced: NotRequired[str]  # why it cannot be priced (models_whole needs the bookings)


class DecisionBlock(TypedDict):
    """The decision: options compared on one set of draws, the recommendation by its rule, and what testing
    first is worth (reporting currency)."""
    recommendation: str | None  # adopt, pilot, keep or test_first
    rule: str | None
    best_option: str | None  # the option with the highest expected NPV
    options: list[DecisionOption] | None
    evpi: float | None  # expected value of perfect information
    evppi: DecisionEVPPI
    test: DecisionTest | None  # the test to run first, when it is worth its cost
    best_test_considered: DecisionTest | None  # the best test tried, worth its cost or not
    conditional_on: DecisionConditional | None  # what the recommendation depends on when engagement is not valued
    commitments: list[DecisionCommitment] | None  # each promise, its price and the recommendation with it
    evidence: str | None  # what the engagement effect rests on
    not_estimable: NotRequired[str]  # why no option is recommended: the costs carry no variation to resample


class Counted(TypedDict):
    models: int | None
    gainers: NotRequired[Percentiles]  # models without a twin gain nothing from twins
    losers: Percentiles


class BetterAndWorseOff(TypedDict):
    models_without_twin: Counted
    twin_models: Counted
    counted: NotRequired[str]  # which models the counts are over


class ModelsBlock(TypedDict):
    bookings: bool | None
    income_by_model: dict[str, dict[str, float]] | None  # model -> photographed / twin_fees
    not_available: NotRequired[str]  # without bookings
    income_note: str | None
    base_year: int | None
    moved_share_of_photographed_work: float | None
    better_and_worse_off: BetterAndWorseOff
    break_even_twin_fee_per_asset: float | None


class Conclusion(TypedDict):
    direction: str | None  # None: not estimable from these data (the statement says why and what it needs)
    statement: str | None


class QualityRow(TypedDict):
    estimate: str | None  # the estimate behind a number of the decision page
    check: str | None  # evidence, clusters, overdispersion, fit, pre-trend, coverage, provenance
    status: str | None  # PASS, REVIEW or FAIL
    recommendation: str | None


class Conclusions(TypedDict):
    """Every sentence that states a finding or a recommendation: the decision page's first (the decision, then
    money, risk, people, rights and the next step in plain words), then the measured statements in their order."""
    decision: Conclusion  # what to do, what it is worth, how sure
    plain_money: Conclusion  # the decision page, plain words (words/statements/plain.py, added by the runner)
    plain_risk: Conclusion
    plain_people: Conclusion
    plain_promises: Conclusion
    plain_rights: Conclusion
    plain_next_step: Conclusion
    engagement_tested: NotRequired[Conclusion]  # a randomised test of AI imagery against human imagery leads
    npv_adoption: Conclusion
    engagement_value: Conclusion
    cost_twin_vs_traditional: Conclusion
    engagement_twin_vs_human: Conclusion
    engagement_synthetic_vs_human: Conclusion
    engagement_ai_label: Conclusion
    engagement_before_after: Conclusion
    engagement_label_over_time: Conclusion  # whether the label's association with engagement changed with time
    jobs_adoption: Conclusion
    models_income: Conclusion
    rights_findings: Conclusion


class Results(TypedDict):
    """results.json: one block per concern."""
    run: RunBlock
    data: DataBlock
    cost: CostBlock
    labor: LaborBlock
    engagement: EngagementBlock
    rights: RightsBlock
    scenarios: ScenariosBlock
    decision: DecisionBlock
    quality: list[QualityRow] | None  # the quality card (words/quality.py, added by the runner)
    models: ModelsBlock
    conclusions: Conclusions


def _is_block(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, dict) and hasattr(kind, "__annotations__") \
        and hasattr(kind, "__total__")


def template_of(kind: Any) -> dict[str, Any]:
    """Every promised key of a block (``NotRequired`` ones are declared, not promised),
    nested blocks as their own templates, every value null."""
    return {k: template_of(t) if _is_block(t) else None for k, (t, promised) in _fields(kind).items() if promised}


def _fields(kind: Any) -> dict[str, tuple[Any, bool]]:
    """A block's fields: each one's type and whether it is promised (not ``NotRequired``)."""
    out = {}
    for k, t in get_type_hints(kind, include_extras=True).items():
        optional = get_origin(t) is NotRequired
        out[k] = (get_args(t)[0] if optional else t, not optional)
    return out


def declared(path: tuple[str, ...], kind: Any = None) -> bool:
    """Whether the keys ``path`` (e.g. ``("cost", "drivers", "shoot_day_cost")``) are declared
    by the blocks: every step a declared field, or inside a map field (``dict[str, ...]``)."""
    kind = Results if kind is None else kind
    for i, key in enumerate(path):
        kind = _unwrap(kind)
        if _is_block(kind):
            fields = _fields(kind)
            if key not in fields:
                return False
            kind = fields[key][0]
        else:
            return get_origin(kind) is dict  # a map: any key below it is data
    return True


def _unwrap(kind: Any) -> Any:
    """``X | None`` as ``X``."""
    args = [a for a in get_args(kind) if a is not type(None)] if get_origin(kind) in (Union, UnionType) else []
    return args[0] if len(args) == 1 else kind


#: Every key results.json promises; capabilities fill them, the rest stay null.
TEMPLATE: dict[str, Any] = template_of(Results)


def jsonable(value: Any) -> Any:
    """Plain JSON: numpy and pandas scalars unwrapped, NaN/Inf/NA become None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if hasattr(value, "isoformat") and not isinstance(value, (str, bytes)):
        return value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else None
    return value


def emit(name: str, block: dict[str, Any]) -> None:
    """Hand a results block (e.g. ``"cost"``) to the runner from inside a notebook.

    Parameters
    ----------
    name
        The block's name in results.json (``cost``, ``conclusions`` ...).
    block
        The block (JSON-able after :func:`jsonable`).
    """
    from IPython.display import display

    display({RESULTS_MIME: {"name": name, "block": jsonable(block)}}, raw=True)


def emit_table(name: str, frame: pd.DataFrame) -> None:
    """Hand a key table to the runner; it lands as ``tables/<name>.csv`` and a sheet of tables.xlsx.

    Parameters
    ----------
    name
        The table's file name, without extension.
    frame
        The table.
    """
    from IPython.display import display

    payload = json.loads(frame.to_json(orient="split", index=False, date_format="iso"))
    display({TABLE_MIME: {"name": name, "table": payload}}, raw=True)


def collect(nb: Any) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Read every emitted block and table back from an executed notebook (blocks of the same
    name, e.g. ``conclusions`` from several cells, are merged key by key)."""
    blocks: dict[str, Any] = {}
    tables: dict[str, pd.DataFrame] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if RESULTS_MIME in data:
                item = data[RESULTS_MIME]
                merge_block(blocks, item["name"], item["block"])
            if TABLE_MIME in data:
                item = data[TABLE_MIME]
                t = item["table"]
                tables[item["name"]] = pd.DataFrame(t["data"], columns=t["columns"])
    return blocks, tables


def merge_block(blocks: dict[str, Any], name: str, block: Any) -> None:
    """Add one block: a block already there with the same name is updated key by key.

    Parameters
    ----------
    blocks
        Name -> block collected so far (changed in place).
    name
        The block's name.
    block
        The block.
    """
    if isinstance(blocks.get(name), dict) and isinstance(block, dict):
        blocks[name].update(block)
    else:
        blocks[name] = block


def merge(blocks: dict[str, Any], template: dict[str, Any] | None = None) -> dict[str, Any]:
    """The template with emitted values laid over it: promised keys always present.

    Parameters
    ----------
    blocks
        Name -> block from the notebooks.
    template
        The keys promised (:data:`TEMPLATE` by default).

    Returns
    -------
    dict
        results.json (:class:`Results`), plain JSON values.
    """
    out = copy.deepcopy(TEMPLATE if template is None else template)

    def lay(dst: dict[str, Any], src: dict[str, Any]) -> None:
        for k, v in src.items():
            if isinstance(v, dict) and isinstance(dst.get(k), dict):
                lay(dst[k], v)
            else:
                dst[k] = v

    for name, block in blocks.items():
        if isinstance(out.get(name), dict) and isinstance(block, dict):
            lay(out[name], block)
        else:
            out[name] = block
    return jsonable(out)


def dumps(results: dict[str, Any]) -> str:
    """Strict JSON text (refuses NaN/Infinity rather than writing them).

    Parameters
    ----------
    results
        results.json.

    Returns
    -------
    str
    """
    return json.dumps(jsonable(results), indent=2, allow_nan=False, sort_keys=False) + "\n"


def write_json(path: Path, obj: dict[str, Any]) -> None:
    """Write a mapping as indented JSON (the manifest and other run records).

    Parameters
    ----------
    path
        The file.
    obj
        A JSON-able mapping.
    """
    path.write_text(json.dumps(obj, indent=2) + "\n", encoding="utf-8")
