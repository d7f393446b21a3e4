"""One statement per model, what a brand could send each model or their agency: their
bookings (campaign, days, fee paid) and their twin's uses with the consent checks and the
fee paid against the fee due. ``twinimpact statements`` writes ``<model_id>.csv`` (and
``<model_id>.html``) per model into a folder, built from that model's rows only; text a
spreadsheet would run as a formula is neutralised and every string is HTML-escaped.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pandas as pd

from twinimpact.analyses.rights import findings as rights
from twinimpact.errors import PublishError
from twinimpact.run.export import neutralise
from twinimpact.words.labels import label
from twinimpact.analyses.money import to_reporting
from twinimpact.words.narrate import money, num

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset
    from twinimpact.params import Params

#: Columns of a statement's CSV: one row per booking or twin use.
COLUMNS = ["record", "model_id", "campaign_id", "brand", "date", "shoot_days", "asset_id", "use", "watermarked",
           "within_consent", "within_scope", "findings", "currency", "fee_paid", "fee_due", "fee_paid_reporting",
           "fee_due_reporting"]


def statements(dataset: "Dataset", params: "Params") -> dict[str, pd.DataFrame]:
    """Every model's rows (model id -> frame of :data:`COLUMNS`), models without any row left out.

    Parameters
    ----------
    dataset, params
        The run's data (bookings, twin usage, campaigns, models) and parameters (money).

    Returns
    -------
    dict
        Model id -> its rows (:data:`COLUMNS`; money in the reporting currency).
    """
    fx = params.fx_rates
    campaigns, models, usage = dataset["campaigns"], dataset["models"], dataset["twin_usage"]
    camp = campaigns[["campaign_id", "brand", "start_date", "currency"]]
    parts = []
    if dataset.has("bookings"):
        b = dataset["bookings"].merge(camp, on="campaign_id")
        parts.append(pd.DataFrame({
            "record": "booking", "model_id": b["model_id"], "campaign_id": b["campaign_id"], "brand": b["brand"],
            "date": pd.to_datetime(b["start_date"]).dt.strftime("%Y-%m-%d"), "shoot_days": b["shoot_days"],
            "currency": b["currency"], "fee_paid": b["fee_paid"],
            "fee_paid_reporting": to_reporting(b["fee_paid"], b["currency"], fx).round(2)}))
    u = rights.usage_with_terms(usage, models, campaigns, fx)
    findings = rights.audit(usage, models, campaigns, fx)
    found = {a: "; ".join(label(x).lower() for x in g["breach"]) for a, g in findings.groupby("asset_id")}
    used = pd.to_datetime(u["used_on"])
    start, end = pd.to_datetime(u["consent_start"]), pd.to_datetime(u["consent_end"])
    has_twin = u["has_twin"].fillna(False).astype(bool)
    parts.append(pd.DataFrame({
        "record": "twin use", "model_id": u["model_id"], "campaign_id": u["campaign_id"], "brand": u["brand"],
        "date": used.dt.strftime("%Y-%m-%d"), "asset_id": u["asset_id"], "use": u["use"],
        "watermarked": u["watermarked"].map({True: "yes", False: "no"}),
        "within_consent": (has_twin & (used >= start) & (end.isna() | (used <= end))).map({True: "yes", False: "no"}),
        "within_scope": (has_twin & ((u["consent_scope"] == "all") | (u["consent_scope"] == u["use"])))
        .map({True: "yes", False: "no"}),
        "findings": [found.get(a, "") for a in u["asset_id"]],
        "currency": u["campaign_currency"], "fee_paid": u["fee_paid"],
        "fee_due": (u["contracted_rep"] / u["campaign_currency"].map(fx).astype(float)).round(2),
        "fee_paid_reporting": u["paid_rep"].round(2), "fee_due_reporting": u["contracted_rep"].round(2)}))
    rows = pd.concat(parts, ignore_index=True).reindex(columns=COLUMNS)
    rows = rows.sort_values(["model_id", "record", "date", "campaign_id", "asset_id"], kind="mergesort")
    return {str(m): g.reset_index(drop=True) for m, g in rows.groupby("model_id", sort=True)}


#: The longest file name stem a statement gets; longer ids are cut and hashed.
NAME_LENGTH = 48


def _safe_name(model_id: str) -> str:
    """A file name for a model id: letters, digits, dot, dash and underscore only, at most
    :data:`NAME_LENGTH` characters (a longer id keeps its start and gains a hash of the
    whole; the id itself is inside the file)."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", model_id).lstrip(".") or "model"
    if len(name) > NAME_LENGTH:
        name = name[:NAME_LENGTH - 9] + "-" + hashlib.sha1(model_id.encode()).hexdigest()[:8]
    return name


def page(model_id: str, rows: pd.DataFrame, models: pd.DataFrame, currency: str) -> str:
    """One model's statement as a small HTML page (every value escaped).

    Parameters
    ----------
    model_id
        The model.
    rows
        Its rows from :func:`statements`.
    models
        The contract's models table.
    currency
        The reporting currency's code.

    Returns
    -------
    str
        HTML.
    """
    e = html.escape
    info = models.set_index("model_id").loc[model_id]
    booked = rows[rows["record"] == "booking"]
    uses = rows[rows["record"] == "twin use"]
    short = float((uses["fee_due_reporting"] - uses["fee_paid_reporting"]).clip(lower=0).sum()) if len(uses) else 0.0

    def table(frame: pd.DataFrame, cols: list[str]) -> str:
        if frame.empty:
            return "<p>None.</p>"
        head = "".join(f"<th>{e(label(c))}</th>" for c in cols)
        body = "".join("<tr>" + "".join(f"<td>{e('' if pd.isna(v) else str(v))}</td>" for v in r) + "</tr>"
                       for r in frame[cols].itertuples(index=False))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Statement for model {e(model_id)}</title><style>body{{font-family:Helvetica,Arial,sans-serif;"
        "margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ddd;"
        "padding:4px 8px;text-align:left}</style></head><body>"
        f"<h1>Statement for model {e(model_id)}</h1>"
        f"<p>Agency: {e(str(info.get('agency')) if pd.notna(info.get('agency')) else 'none on record')}. "
        f"Photographed: {len(booked)} booking(s), {num(booked['shoot_days'].sum(), 1)} days, "
        f"{e(money(booked['fee_paid_reporting'].sum(), currency, 2))}. Twin: {len(uses)} use(s), fees paid "
        f"{e(money(uses['fee_paid_reporting'].sum(), currency, 2))}, due "
        f"{e(money(uses['fee_due_reporting'].sum(), currency, 2))}; short by {e(money(short, currency, 2))}. "
        f"Amounts in each campaign's currency, and in {e(currency)}.</p>"
        "<h2>Bookings</h2>"
        + table(booked, ["campaign_id", "brand", "date", "shoot_days", "currency", "fee_paid", "fee_paid_reporting"])
        + "<h2>Twin uses</h2>"
        + table(uses, ["asset_id", "campaign_id", "brand", "date", "use", "watermarked", "within_consent",
                       "within_scope", "findings", "currency", "fee_paid", "fee_due"])
        + "</body></html>\n"
    )


def write(dataset: "Dataset", params: "Params", out: Path, html_pages: bool = True,
          progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write every model's statement into ``out``; returns the files written.

    Parameters
    ----------
    dataset, params
        The run's data and parameters.
    out
        The folder the statements go to.
    html_pages
        Whether an HTML page is written beside each CSV.
    progress
        Where progress lines go.

    Returns
    -------
    list of Path
    """
    per_model = statements(dataset, params)
    if out.exists() and not out.is_dir():
        raise PublishError(f"Cannot write the statements into {out}: it is a file, not a folder; name a folder "
                           "with --out. Nothing was written.")
    existed = out.is_dir()
    tmp: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_dead_work(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{out.name}-", dir=out.parent))
        (tmp / OWNER).write_text(str(os.getpid()), encoding="utf-8")  # prune leaves a live writer's folder alone
        names = []
        taken: set[str] = set()
        for i, (model_id, rows) in enumerate(per_model.items(), 1):
            name = _safe_name(model_id)
            if name.lower() in taken:  # two ids that read the same as file names: keep both apart
                name = name[:NAME_LENGTH] + "-" + hashlib.sha1(model_id.encode()).hexdigest()[:8]
            taken.add(name.lower())
            neutralise(rows).to_csv(tmp / f"{name}.csv", index=False, lineterminator="\n")
            names.append(f"{name}.csv")
            if html_pages:
                (tmp / f"{name}.html").write_text(page(model_id, rows, dataset["models"], params.reporting_currency),
                                                  encoding="utf-8")
                names.append(f"{name}.html")
            if progress and (i % 20 == 0 or i == len(per_model)):
                progress(f"statements: {i} of {len(per_model)} models")
        (tmp / OWNER).unlink()
        _swap_in(tmp, out)
    except OSError as err:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        where = err.filename or out
        raise PublishError(f"Cannot write the statements into {out}: {err.strerror or err} ({where}). Nothing was "
                           "published" + ("; the previous statements are intact." if existed else ".")) from None
    except BaseException:  # interrupted (Ctrl-C, or SIGTERM turned into an interruption): no partial folder stays
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out / n for n in names]


#: The file in a statements working folder naming the process writing it.
OWNER = ".owner"


def owner_alive(folder: Path) -> bool:
    """Whether the process named in a working folder's :data:`OWNER` file is still running
    (a folder without one, or of a process that is gone, is dead)."""
    try:
        pid = int((folder / OWNER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_dead_work(out: Path) -> list[str]:
    """Remove the working folders an interrupted ``statements`` left beside ``out`` (their
    writer is gone); their names. A live writer's folder stays."""
    removed = []
    for folder in sorted(out.parent.glob(f".tmp-{out.name}-*")):
        if folder.is_dir() and not owner_alive(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def _swap_in(tmp: Path, out: Path) -> None:
    """Put the finished folder ``tmp`` where ``out`` is, in renames: a reader sees the old
    statements or the new ones, never a mix; the old ones are removed after."""
    if not out.exists():
        tmp.rename(out)
        return
    old = out.parent / f".old-{out.name}-{os.getpid()}"
    out.rename(old)
    try:
        tmp.rename(out)
    except OSError:
        old.rename(out)  # put the previous statements back
        raise
    shutil.rmtree(old, ignore_errors=True)
