"""Statements about rights and provenance: findings, markings of asset files, compliance and representation titles."""

from __future__ import annotations

import math
from typing import Any

from twinimpact.words.narrate import missing, money, num


def rights_conclusion(block: dict[str, Any], currency: str) -> dict[str, Any]:
    """The rights audit of the twin assets: how many break a consent, scope, watermark or
    pay rule, and what is owed.

    Parameters
    ----------
    block
        results.json's ``rights`` block (money in the reporting currency).
    currency
        The reporting currency's code.

    Returns
    -------
    dict
        ``direction`` (``findings``, ``none`` or None) and ``statement``.
    """
    n, assets = block.get("assets_with_findings"), block.get("twin_assets")
    if missing(assets) or not assets:
        return {"direction": None, "statement": "Rights were not checked: the data hold no twin assets."}
    if missing(n):
        return {"direction": None, "statement": "Rights findings could not be counted in this run."}
    files, found = provenance_sentence(block.get("provenance") or {}, int(assets))
    if n == 0:
        text = (f"Every one of the {num(assets)} twin assets is within its model's consent and scope, recorded as "
                "watermarked and paid as contracted.")
        return {"direction": "findings" if found else "none", "statement": f"{text} {files}"}
    owed = block.get("underpaid_total")
    models = len(block.get("owed_by_model") or {})
    text = f"{num(n)} of {num(assets)} twin assets break a consent, scope, watermark or pay rule"
    if not missing(owed) and owed > 0:
        text += f"; {money(owed, currency, 2)} is owed to {models} model{'s' if models != 1 else ''}"
    return {"direction": "findings", "statement": f"{text}. {files}"}


def provenance_sentence(prov: dict[str, Any], assets: int) -> tuple[str, int]:
    """What the published files say about their AI marking, and how many findings that is.

    Parameters
    ----------
    prov
        results.json's ``rights.provenance``.
    assets
        Twin assets in the data.

    Returns
    -------
    tuple
        (the sentence, the number of assets with a provenance finding).
    """
    if not prov.get("checked"):
        return ("Whether the published files carry a machine-readable AI marking was not checked: no asset files "
                "were given (a folder named assets beside the tables, or the assets folder parameter).", 0)
    f = prov.get("findings") or {}
    n = {k: len(f.get(k) or []) for k in ("file_missing", "unreadable", "marking_invalid", "marking_missing",
                                          "marking_contradicts")}
    flagged = len({a for ids in f.values() for a in ids or []})
    if not flagged:
        return (f"All {num(prov.get('files'))} asset files read carry a machine-readable AI marking (C2PA or IPTC "
                "DigitalSourceType).", 0)
    parts = [f"{num(n['marking_missing'])} carry no machine-readable AI marking" if n["marking_missing"] else "",
             f"{num(n['marking_contradicts'])} contradict it (a camera capture, or recorded as watermarked with "
             "nothing in the file)" if n["marking_contradicts"] else "",
             f"{num(n['marking_invalid'])} carry a C2PA marking whose signature is invalid"
             if n["marking_invalid"] else "",
             f"{num(n['unreadable'])} cannot be read" if n["unreadable"] else "",
             f"{num(n['file_missing'])} have no file" if n["file_missing"] else ""]
    posts = int(prov.get("post_files") or 0)
    of = f"the {num(assets)} twin assets" + (f" and {num(posts)} AI posts with a file" if posts else "")
    return (f"Of the published files of {of}, {'; '.join(p for p in parts if p)}.", flagged)


def compliance_title(watermark: float | None, consent: float | None, last_label: float | None,
                     last_quarter: str | None, worst: tuple[str, float, int] | None = None) -> str:
    """The compliance chart's title: the share of all twin assets watermarked and within
    consent, the quarter with the lowest consent coverage when it falls short
    (``(quarter, share, assets)``), and the latest AI-label share."""
    parts = []
    if not missing(watermark) and not missing(consent):
        text = (f"Over all quarters {math.floor(watermark * 1000) / 10:g}% of twin assets carried the watermark and "
                f"{math.floor(consent * 1000) / 10:g}% were within consent")
        if worst is not None and worst[1] < consent:
            text += f" (lowest: {worst[1]:.0%} in {worst[0]}, {worst[2]:,} asset{'s' if worst[2] != 1 else ''})"
        parts.append(text)
    if not missing(last_label):
        parts.append(f"{last_label:.0%} of AI-imagery posts carried the AI label in {last_quarter}")
    return "; ".join(parts) if parts else "Watermark, consent and AI-label compliance by quarter"


def representation_title(column: str, distance: dict[str, float]) -> str:
    """Descriptive: how far published twin assets and the roster are from the target mix.

    Parameters
    ----------
    column
        ``size_range`` or ``age_band``.
    distance
        Group -> distance from the target mix (0-1).

    Returns
    -------
    str
    """
    what = column.replace("_", " ")
    return (f"By {what}, published twin assets are {distance['twin_assets']:.0%} from the target mix, the whole "
            f"roster {distance['roster']:.0%} (0% = on target)")


def platform_label_sentence(block: dict[str, Any] | None) -> str:
    """What the platforms' own AI label says against the brand's (results.json's
    ``rights.platform_label``), or that no post carries it.

    Parameters
    ----------
    block
        ``posts``, ``differ``, ``brand_only``, ``platform_only``, ``twin_unlabelled``; None when
        no post carries the platform's label.

    Returns
    -------
    str
    """
    if not block:
        return ("The posts do not say whether the platforms showed their own AI label (Instagram's and TikTok's "
                "fields are filled by twinimpact import), so the brand's label is taken as the one the audience saw.")
    head = (f"On {num(block['posts'])} posts the platform says whether it showed its own AI label, and the "
            "engagement model reads that label, the one the audience saw.")
    if not block["differ"]:
        differ = " It agrees with the brand's label on every one of them."
    else:
        differ = (f" It differs from the brand's label on {num(block['differ'])}: {num(block['brand_only'])} the brand "
                  f"labelled and the platform did not, {num(block['platform_only'])} the other way round.")
    twin = (f" {num(block['twin_unlabelled'])} twin posts carried no platform AI label: a marking finding, since their "
            "audience was not told by the platform." if block["twin_unlabelled"] else "")
    return head + differ + twin
