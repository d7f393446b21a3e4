"""Models' rights, pay and representation: the consent audit of every twin asset, disclosure
compliance over time, a regulation checklist derived from the data, and who the roster and
the published twin imagery show. Pure functions; what the data shows, not legal advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from twinimpact.contract.spec import AI_IMAGERY, BREACHES, CONSENT_BREACHES
from twinimpact.sources.engine import as_table
from twinimpact.analyses.money import to_reporting
from twinimpact.analyses.rights import provenance
from twinimpact.analyses.rights.regulation import checklist, results_rows
from twinimpact.results import PlatformLabel, RightsBlock
from twinimpact.words import statements

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset
    from twinimpact.params import Params

#: Params fields the rights analysis reads (beyond money and scope).
PARAMETERS = ("target_size_mix", "target_age_mix", "assets_dir")
UNDERPAID_TOLERANCE = 0.01  # reporting-currency units, as docs/DATA_CONTRACT.md says


def usage_with_terms(twin_usage: pd.DataFrame, models: pd.DataFrame, campaigns: pd.DataFrame,
                     fx_rates: dict[str, float]) -> pd.DataFrame:
    """Each twin asset with its model's consent terms, its campaign, and both fees in the
    reporting currency (paid: campaign currency; contracted: the model's currency).

    Parameters
    ----------
    twin_usage, models, campaigns
        Contract tables.
    fx_rates
        Units of the reporting currency per unit of each currency.

    Returns
    -------
    DataFrame
        One row per twin asset with its model's consent terms, its campaign's brand, market,
        currency and start, ``paid_rep`` (fee paid) and ``contracted_rep`` (fee due), both in
        the reporting currency.
    """
    m = models.rename(columns={"currency": "model_currency"})
    c = campaigns[["campaign_id", "brand", "market", "currency", "start_date"]].rename(
        columns={"currency": "campaign_currency"})
    u = twin_usage.merge(m, on="model_id", how="left").merge(c, on="campaign_id", how="left")
    u["paid_rep"] = to_reporting(u["fee_paid"], u["campaign_currency"], fx_rates)
    u["contracted_rep"] = to_reporting(u["twin_fee_per_asset"].astype("Float64").astype(float), u["model_currency"],
                                       fx_rates)
    return u


def audit(twin_usage: pd.DataFrame, models: pd.DataFrame, campaigns: pd.DataFrame,
          fx_rates: dict[str, float]) -> pd.DataFrame:
    """One finding per asset and breach type (docs/DATA_CONTRACT.md, "Rights findings"):

    - ``no_twin_consent``: the model has no twin consent (``has_twin`` false); such an asset
      gets this finding alone;
    - ``outside_consent_window``: used before ``consent_start`` or after a set ``consent_end``
      (the end date itself is inside);
    - ``outside_scope``: ``consent_scope`` is not ``all`` and differs from ``use``;
    - ``missing_watermark``: ``watermarked`` is false;
    - ``underpaid``: fee paid below the contracted fee, both in the reporting currency, by
      more than 0.01; ``amount_owed`` is the difference.

    Parameters
    ----------
    twin_usage, models, campaigns
        Contract tables.
    fx_rates
        Units of the reporting currency per unit of each currency.

    Returns
    -------
    DataFrame
        One row per finding: ``asset_id``, ``model_id``, ``campaign_id``, ``brand``,
        ``market``, ``used_on``, ``use``, ``breach``, ``detail`` (what was found) and
        ``amount_owed`` (reporting currency; NaN but for ``underpaid``).
    """
    u = usage_with_terms(twin_usage, models, campaigns, fx_rates)
    has_twin = u["has_twin"].fillna(False).astype(bool)
    used = pd.to_datetime(u["used_on"])
    start, end = pd.to_datetime(u["consent_start"]), pd.to_datetime(u["consent_end"])
    masks = {
        "no_twin_consent": ~has_twin,
        "outside_consent_window": has_twin & ((used < start) | (end.notna() & (used > end))),
        "outside_scope": has_twin & u["consent_scope"].notna() & (u["consent_scope"] != "all")
        & (u["consent_scope"] != u["use"]),
        "missing_watermark": has_twin & ~u["watermarked"].fillna(False).astype(bool),
        "underpaid": has_twin & (u["paid_rep"] < u["contracted_rep"] - UNDERPAID_TOLERANCE),
    }
    details = {
        "no_twin_consent": lambda r: "model has no twin consent on record",
        "outside_consent_window": lambda r: (f"used {r.used_on:%Y-%m-%d}, consent {r.consent_start:%Y-%m-%d} to "
                                             + (f"{r.consent_end:%Y-%m-%d}" if pd.notna(r.consent_end) else "open")),
        "outside_scope": lambda r: f"used for {r.use}, consent covers {r.consent_scope}",
        "missing_watermark": lambda r: "published without the AI watermark or label",
        "underpaid": lambda r: f"paid {r.paid_rep:,.2f}, contract {r.contracted_rep:,.2f} (reporting currency)",
    }
    frames = []
    for breach in BREACHES:
        rows = u[masks[breach].fillna(False).to_numpy(bool)]
        if rows.empty:
            continue
        f = rows[["asset_id", "model_id", "campaign_id", "brand", "market", "used_on", "use"]].copy()
        f["breach"] = breach
        f["detail"] = [details[breach](r) for r in rows.itertuples()]
        f["amount_owed"] = (rows["contracted_rep"] - rows["paid_rep"]).round(2) if breach == "underpaid" else np.nan
        frames.append(f)
    cols = ["asset_id", "model_id", "campaign_id", "brand", "market", "used_on", "use", "breach", "detail",
            "amount_owed"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)[cols]
    order = {b: i for i, b in enumerate(BREACHES)}
    return out.sort_values(["asset_id", "breach"], key=lambda s: s.map(order) if s.name == "breach" else s,
                           kind="mergesort").reset_index(drop=True)


def finding_counts(findings: pd.DataFrame) -> dict[str, int]:
    """Findings of each breach kind (every kind present, 0 when none).

    Parameters
    ----------
    findings
        :func:`audit`.

    Returns
    -------
    dict
        Breach kind -> findings.
    """
    counts = findings["breach"].value_counts()
    return {b: int(counts.get(b, 0)) for b in BREACHES}


def owed_by_model(findings: pd.DataFrame) -> pd.DataFrame:
    """Per model: underpaid assets and ``owed`` = sum of (contracted - paid) over them, in the
    reporting currency, largest first (from :func:`audit`'s ``underpaid`` findings).

    Parameters
    ----------
    findings
        :func:`audit`.

    Returns
    -------
    DataFrame
        ``model_id``, ``assets`` and ``owed`` (reporting currency).
    """
    under = findings[findings["breach"] == "underpaid"]
    g = under.groupby("model_id").agg(assets=("asset_id", "size"), owed=("amount_owed", "sum")).reset_index()
    return g.sort_values(["owed", "model_id"], ascending=[False, True]).reset_index(drop=True)


# --- compliance over time -----------------------------------------------------------------
def _quarter(dates: pd.Series) -> pd.Series:
    """Calendar quarter of each date, e.g. '2025Q3'."""
    return pd.to_datetime(dates).dt.to_period("Q").astype(str)


def usage_compliance(twin_usage: pd.DataFrame, campaigns: pd.DataFrame, findings: pd.DataFrame,
                     by: list[str]) -> pd.DataFrame:
    """Per group: twin assets, watermark rate, and consent coverage (share of assets used
    by a consenting model inside its window and scope).

    Parameters
    ----------
    twin_usage, campaigns
        Contract tables.
    findings
        :func:`audit`.
    by
        Columns to group by (``quarter``, ``brand``, ``market``).

    Returns
    -------
    DataFrame
        The ``by`` columns, ``assets``, ``watermark_rate`` and ``consent_coverage`` (0-1).
    """
    u = twin_usage.merge(campaigns[["campaign_id", "brand", "market"]], on="campaign_id", how="left")
    u["quarter"] = _quarter(u["used_on"])
    consent_breaches = findings[findings["breach"].isin(CONSENT_BREACHES)]
    u["consented"] = ~u["asset_id"].isin(set(consent_breaches["asset_id"]))
    u["watermarked"] = u["watermarked"].astype(bool)
    g = u.groupby(by).agg(assets=("asset_id", "size"), watermark_rate=("watermarked", "mean"),
                          consent_coverage=("consented", "mean")).reset_index()
    return g


def ai_post_counts(posts: Any) -> pd.DataFrame:
    """Twin and synthetic posts counted in the engine by campaign, brand, platform, day and
    label: small whatever the number of posts."""
    t = as_table(posts)
    t = t.filter(t.imagery.isin(list(AI_IMAGERY)))
    t = t.mutate(day=t.posted_at.date())
    out = t.group_by(["campaign_id", "brand", "platform", "imagery", "day", "ai_label"]).aggregate(
        posts=t.count()).to_pandas()
    out["day"] = pd.to_datetime(out["day"])
    out["ai_label"] = out["ai_label"].astype(bool)
    return out


def ai_post_ids(posts: Any, ids: set[str]) -> set[str]:
    """Which of ``ids`` are posts showing twin or synthetic imagery (in the engine)."""
    t = as_table(posts)
    t = t.filter(t.imagery.isin(list(AI_IMAGERY)) & t.post_id.isin(sorted(ids)))
    return set(t.select("post_id").to_pandas()["post_id"].astype(str))


def label_compliance(posts: Any, campaigns: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group: AI-imagery posts (twin or synthetic) and the share carrying ``ai_label``.
    A post's market is its campaign's; posts without a campaign count as market 'none'.
    ``posts`` is a posts table (ibis or frame) or :func:`ai_post_counts` of one.

    Parameters
    ----------
    posts
        The posts table (ibis or frame) or :func:`ai_post_counts` of one.
    campaigns
        The contract's campaigns table.
    by
        Columns to group by (``quarter``, ``platform``, ``brand``, ``market``).

    Returns
    -------
    DataFrame
        The ``by`` columns, ``ai_posts`` and ``label_share`` (0-1).
    """
    counts = posts if isinstance(posts, pd.DataFrame) and "day" in posts.columns else ai_post_counts(posts)
    p = counts.merge(campaigns[["campaign_id", "market"]], on="campaign_id", how="left")
    p["market"] = p["market"].fillna("none")
    p["quarter"] = p["day"].dt.to_period("Q").astype(str)
    p["labelled"] = p["posts"].where(p["ai_label"], 0)
    g = p.groupby(by).agg(ai_posts=("posts", "sum"), labelled=("labelled", "sum")).reset_index()
    g["label_share"] = g["labelled"] / g["ai_posts"]
    return g.drop(columns="labelled")


#: Posts of each kind the rights chapter lists by id (the counts cover them all).
LISTED_POSTS = 200


def platform_labels(posts: Any, listed: int = LISTED_POSTS) -> tuple[PlatformLabel | None, pd.DataFrame]:
    """The platforms' own AI label (``platform_ai_label``) against the brand's ``ai_label``,
    counted in the engine: the posts where the platform says, those where the two differ, and
    the twin posts the platform did not label (a marking finding: the audience was not told).
    None when no post carries the platform's label.

    Parameters
    ----------
    posts
        The posts table (ibis expression or frame).
    listed
        How many posts of each kind are listed by id.

    Returns
    -------
    tuple
        (results.json's ``rights.platform_label``, or None; the listed posts: ``post_id``,
        ``brand``, ``platform``, ``day``, ``imagery``, ``ai_label``, ``platform_ai_label``,
        ``finding``, ordered by finding and post id).
    """
    t = as_table(posts)
    if "platform_ai_label" not in t.columns:
        return None, pd.DataFrame()
    t = t.filter(t.platform_ai_label.notnull())
    differ = t.platform_ai_label != t.ai_label
    twin_unlabelled = (t.imagery == "twin") & ~t.platform_ai_label
    counts = t.aggregate(posts=t.count(), differ=differ.ifelse(1, 0).sum(),
                         brand_only=(t.ai_label & ~t.platform_ai_label).ifelse(1, 0).sum(),
                         twin_unlabelled=twin_unlabelled.ifelse(1, 0).sum()).to_pandas().iloc[0]
    if not int(counts["posts"]):
        return None, pd.DataFrame()
    cols = ["post_id", "brand", "platform", "posted_at", "imagery", "ai_label", "platform_ai_label"]
    frames = []
    for finding, where in (("twin post without the platform's label", twin_unlabelled),
                           ("labels differ", differ & ~twin_unlabelled)):
        rows = t.filter(where).order_by("post_id").select(cols).limit(listed).to_pandas()
        frames.append(rows.assign(finding=finding))
    listed_posts = pd.concat(frames, ignore_index=True)
    listed_posts.insert(3, "day", pd.to_datetime(listed_posts.pop("posted_at")).dt.strftime("%Y-%m-%d"))
    differ_n, twin_n = int(counts["differ"]), int(counts["twin_unlabelled"])
    block: PlatformLabel = {
        "posts": int(counts["posts"]), "differ": differ_n, "brand_only": int(counts["brand_only"]),
        "platform_only": differ_n - int(counts["brand_only"]), "twin_unlabelled": twin_n,
        "twin_unlabelled_ids": sorted(listed_posts.loc[listed_posts["finding"].str.startswith("twin"), "post_id"]
                                      .astype(str)),
        "differ_ids": sorted(listed_posts.loc[listed_posts["ai_label"].astype(bool)
                                              != listed_posts["platform_ai_label"].astype(bool), "post_id"]
                             .astype(str)),
    }
    return block, listed_posts


# --- representation ----------------------------------------------------------------------
def mix(values: pd.Series, weights: pd.Series | None = None) -> pd.Series:
    """Shares of each category (optionally weighted), 'not stated' for missing values.

    Parameters
    ----------
    values
        One category per row.
    weights
        A weight per row (e.g. assets), or None for a count.

    Returns
    -------
    Series
        Category -> share (0-1).
    """
    v = values.fillna("not stated").astype(str)
    w = pd.Series(1.0, index=v.index) if weights is None else weights.astype(float)
    return w.groupby(v).sum() / w.sum()


def representation(models: pd.DataFrame, twin_usage: pd.DataFrame, column: str,
                   target: dict[str, float]) -> pd.DataFrame:
    """Shares by ``column`` (size_range or age_band) of the whole roster, the twin roster
    and the published twin assets, against the target mix; and each group's distance
    from the target (total variation: half the sum of absolute differences, 0 = on target).

    Parameters
    ----------
    models, twin_usage
        Contract tables.
    column
        ``size_range`` or ``age_band``.
    target
        Level -> target share (0-1).

    Returns
    -------
    DataFrame
        One row per level: the shares of the roster, the twin roster, the twin assets and the
        target (0-1).
    """
    roster = mix(models[column])
    twins = mix(models.loc[models["has_twin"].astype(bool), column])
    used = twin_usage.merge(models[["model_id", column]], on="model_id", how="left")
    published = mix(used[column]) if len(used) else pd.Series(dtype=float)
    levels = list(dict.fromkeys([*target, *roster.index, *twins.index, *published.index]))
    out = pd.DataFrame({"level": levels})
    for name, s in (("target", pd.Series(target, dtype=float)), ("roster", roster), ("twin_roster", twins),
                    ("twin_assets", published)):
        out[name] = out["level"].map(s).fillna(0.0).astype(float)
    return out


def distance_from_target(rep: pd.DataFrame) -> dict[str, float]:
    """Total variation distance of each group's mix from the target, 0 (on target) to 1::

        d(group) = 0.5 * sum over levels |share_group(level) - share_target(level)|

    Parameters
    ----------
    rep
        :func:`representation`.

    Returns
    -------
    dict
        Group (``roster``, ``twin_roster``, ``twin_assets``) -> distance (0-1).
    """
    return {g: float(0.5 * np.abs(rep[g] - rep["target"]).sum()) for g in ("roster", "twin_roster", "twin_assets")}


# --- one call for the notebook ------------------------------------------------------------
@dataclass
class RightsAnalysis:
    """What the rights notebook shows: findings, money owed, compliance, the regulation
    checklist and representation."""

    findings: pd.DataFrame
    counts: dict[str, int]
    owed: pd.DataFrame
    by_quarter: pd.DataFrame
    by_brand_market: pd.DataFrame
    labels_by_quarter: pd.DataFrame
    labels_by_platform: pd.DataFrame
    labels_by_brand_market: pd.DataFrame
    checklist: pd.DataFrame
    size: pd.DataFrame
    age: pd.DataFrame
    block: RightsBlock  # results.json's rights block
    conclusions: dict[str, Any] = field(default_factory=dict)  # results.json's rights_findings
    provenance: pd.DataFrame = field(default_factory=pd.DataFrame)  # each twin asset's file as read
    platform_posts: pd.DataFrame = field(default_factory=pd.DataFrame)  # posts whose platform label differs


def analyse(dataset: "Dataset", params: "Params") -> RightsAnalysis:
    """Every rights calculation: the consent audit, money owed, compliance by quarter, brand,
    market and platform, the regulation checklist (the dataset's reference regulations) and
    representation against the target mixes; with the ``rights`` block of results.json.
    Posts are counted in the engine.

    Parameters
    ----------
    dataset
        The run's validated tables; this analysis reads ``twin_usage``, ``models``, ``campaigns``
        and ``posts`` (counted in the engine), and the reference ``regulations``.
    params
        The run's parameters: money and scope, and :data:`PARAMETERS`. Units: money owed in the
        reporting currency; shares 0-1.

    Returns
    -------
    RightsAnalysis
        The findings by asset and kind, money owed by model, compliance tables, the regulation
        checklist and representation against the target mixes; ``block`` is results.json's
        ``rights`` (:class:`~twinimpact.results.RightsBlock`).
    """
    usage, models, campaigns, fx = dataset["twin_usage"], dataset["models"], dataset["campaigns"], params.fx_rates
    posts = ai_post_counts(dataset.table("posts"))
    findings = audit(usage, models, campaigns, fx)
    prov = provenance.analyse(usage, params, ai_posts=lambda stems: ai_post_ids(dataset.table("posts"), stems))
    counts = finding_counts(findings)
    owed = owed_by_model(findings)
    size = representation(models, usage, "size_range", params.target_size_mix)
    age = representation(models, usage, "age_band", params.target_age_mix)
    watermark_rate = float(usage["watermarked"].astype(bool).mean()) if len(usage) else None
    labels = label_compliance(posts, campaigns, ["brand"])
    consent_breach = findings["breach"].isin(CONSENT_BREACHES)
    block = {
        "findings": counts,
        "underpaid_total": (float(owed["owed"].sum()) if len(owed) else 0.0) if len(usage) else None,  # no usage: not measured
        "watermark_rate": watermark_rate,
        "twin_assets": int(len(usage)),
        "assets_with_findings": int(findings["asset_id"].nunique()),
        "consent_coverage": (1 - findings.loc[consent_breach, "asset_id"].nunique() / len(usage)) if len(usage) else None,
        "ai_label_share": float((labels["label_share"] * labels["ai_posts"]).sum() / labels["ai_posts"].sum())
        if len(labels) else None,
        "owed_by_model": dict(zip(owed["model_id"], owed["owed"].round(2))),
        "representation_distance": {"size_range": distance_from_target(size), "age_band": distance_from_target(age)},
        "provenance": prov.block,
    }
    block["platform_label"], platform_posts = platform_labels(dataset.table("posts"))
    table = checklist(dataset.reference["regulations"], campaigns, posts, usage_with_terms(usage, models, campaigns, fx),
                      dataset.as_of, prov.block)
    block["regulation"] = results_rows(table)
    return RightsAnalysis(
        findings, counts, owed,
        usage_compliance(usage, campaigns, findings, ["quarter"]),
        usage_compliance(usage, campaigns, findings, ["brand", "market"]),
        label_compliance(posts, campaigns, ["quarter"]), label_compliance(posts, campaigns, ["platform"]),
        label_compliance(posts, campaigns, ["brand", "market"]),
        table, size, age, block,
        conclusions={"rights_findings": statements.rights_conclusion(block, params.reporting_currency)},
        provenance=prov.table, platform_posts=platform_posts)
