"""Sections of the rights and representation notebook."""

from __future__ import annotations

from typing import Any

from twinimpact.analyses.labor import livelihoods
from twinimpact.notebook.show import Text, items, text
from twinimpact.results import emit, emit_table
from twinimpact.words import narrate, statements

#: Provenance findings shown at most, the rest in the run's tables.
FINDINGS_SHOWN = 50
#: Seasons of the photographed-against-twin representation tables shown.
RECENT_SEASONS = 2


def findings(ra: Any, currency: str) -> list[Any]:
    """How many twin assets have a finding, the watermark rate, who is owed, and the findings."""
    owed = ", ".join(f"{m} {narrate.money(v, currency, 2)}" for m, v in ra.block["owed_by_model"].items()) or "none"
    return [text("{n} of {a} twin assets have at least one finding; {w} of twin assets carry the watermark. Models "
                 "owed money for underpaid use: {owed}.", n=ra.block["assets_with_findings"],
                 a=narrate.num(ra.block["twin_assets"]), w=narrate.pct(ra.block["watermark_rate"], 1), owed=owed),
            narrate.table(ra.findings, money_cols=("amount_owed",), currency=currency)]


def provenance(ra: Any) -> list[Any]:
    """What the published files say about how they were made, and the assets whose files
    contradict or lack a marking; or why the files were not checked."""
    prov = ra.block["provenance"]
    if not prov["checked"]:
        return [text("Not checked: {why}.", why=prov["not_checked"])]
    found = ra.provenance[ra.provenance["finding"].notna()]
    return items(text("{f} asset files read: {c} with a C2PA manifest, {a} marked as AI-made machine-readably.",
                      f=prov["files"], c=prov["with_c2pa"], a=prov["with_ai_source_type"]),
                 narrate.table(found[["asset_id", "finding", "what_was_read"]].head(FINDINGS_SHOWN)) if len(found)
                 else None)


def platform_label(ra: Any) -> list[Any]:
    """The platforms' own AI label against the brand's, with the posts where they differ and
    the twin posts the platform did not label, by id."""
    sentence = Text(statements.platform_label_sentence(ra.block.get("platform_label")))
    listed = ra.platform_posts
    return items(sentence, narrate.table(listed.head(FINDINGS_SHOWN)) if len(listed) else None)


def photographed_representation(dataset: Any, params: Any) -> list[Any]:
    """Photographed imagery beside twin imagery in the last seasons, against the target mix;
    or why it is not measured (it needs the bookings)."""
    rep = livelihoods.photographed_representation(dataset, params)
    if rep is None:
        return [text("**Not measured:** {w}", w=livelihoods.NEEDS_BOOKINGS)]
    out = []
    for frame in rep:
        recent = frame[frame["season"].isin(frame["season"].unique()[-RECENT_SEASONS:])]
        out.append(narrate.table(recent, pct_cols=("share", "target")))
    return out


def emit_results(ra: Any) -> None:
    """The notebook's results blocks and key tables, for the runner."""
    emit("rights", ra.block)
    emit("conclusions", ra.conclusions)
    emit_table("rights_findings", ra.findings)
    emit_table("rights_owed_by_model", ra.owed)
    emit_table("regulation_checklist", ra.checklist)
    emit_table("provenance", ra.provenance)
    emit_table("platform_label_posts", ra.platform_posts)
