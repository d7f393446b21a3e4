"""The data contract (DATA_CONTRACT.md) as code: column specs, pandera schemas and the
cross-table rules. Validation turns raw frames into typed frames or raises a
:class:`~twinimpact.errors.DataError` whose paragraphs name table, column, rule, how many
rows break it and the first few keys or line numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Literal

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .errors import DataError

Kind = Literal["str", "int", "float", "bool", "date", "timestamp", "enum"]

PRODUCTION_MODES = ("traditional", "twin", "hybrid")
COST_CATEGORIES = (
    "model_fees", "photographer", "hair_makeup", "styling", "studio_location", "travel",
    "post_production", "twin_creation", "twin_licensing", "generation_compute", "ai_review",
    "disclosure_compliance", "other",
)
ROLES = (
    "model", "photographer", "makeup_artist", "hair_stylist", "stylist", "art_director",
    "producer", "set_designer", "retoucher", "ai_artist", "rights_manager",
)
ENGAGEMENT_TYPES = ("employee", "freelance", "agency")
PLATFORMS = ("instagram", "tiktok", "facebook", "pinterest", "youtube")
FORMATS = ("image", "carousel", "video")
IMAGERY = ("human", "twin", "synthetic", "none")
CONSENT_SCOPES = ("social", "ecommerce", "campaign", "all")
USES = ("social", "ecommerce", "campaign")
ENGAGEMENT_COUNTS = ("likes", "comments", "shares", "saves")
CURRENCY_PATTERN = r"^[A-Z]{3}$"


@dataclass(frozen=True)
class Column:
    """One contract column: its type, whether it may be empty, its values and sign."""

    name: str
    kind: Kind
    nullable: bool = False
    values: tuple[str, ...] = ()
    minimum: float | None = None  # filled from the kind: ints and floats are >= 0 unless said

    def lower_bound(self) -> float | None:
        if self.minimum is not None:
            return self.minimum
        return 0 if self.kind in ("int", "float") else None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: str | None = None
    foreign_keys: dict[str, str] = field(default_factory=dict)  # column -> referenced table

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


CONTRACT: dict[str, Table] = {
    "campaigns": Table(
        "campaigns",
        (
            Column("campaign_id", "str"),
            Column("brand", "str"),
            Column("season", "str"),
            Column("market", "str"),
            Column("start_date", "date"),
            Column("production_mode", "enum", values=PRODUCTION_MODES),
            Column("looks", "int", minimum=1),
            Column("assets_delivered", "int"),
            Column("shoot_days", "float"),
            Column("currency", "str"),
        ),
        key="campaign_id",
    ),
    "cost_lines": Table(
        "cost_lines",
        (
            Column("campaign_id", "str"),
            Column("category", "enum", values=COST_CATEGORIES),
            Column("amount", "float"),
        ),
        foreign_keys={"campaign_id": "campaigns"},
    ),
    "staffing": Table(
        "staffing",
        (
            Column("campaign_id", "str"),
            Column("role", "enum", values=ROLES),
            Column("people", "int"),
            Column("hours", "float"),
            Column("hourly_rate", "float"),
            Column("engagement", "enum", values=ENGAGEMENT_TYPES),
        ),
        foreign_keys={"campaign_id": "campaigns"},
    ),
    "posts": Table(
        "posts",
        (
            Column("post_id", "str"),
            Column("campaign_id", "str", nullable=True),
            Column("brand", "str"),
            Column("platform", "enum", values=PLATFORMS),
            Column("posted_at", "timestamp"),
            Column("format", "enum", values=FORMATS),
            Column("imagery", "enum", values=IMAGERY),
            Column("ai_label", "bool"),
            Column("followers", "int"),
            Column("impressions", "int"),
            *(Column(c, "int") for c in ENGAGEMENT_COUNTS),
        ),
        key="post_id",
        foreign_keys={"campaign_id": "campaigns"},
    ),
    "models": Table(
        "models",
        (
            Column("model_id", "str"),
            Column("agency", "str", nullable=True),
            Column("has_twin", "bool"),
            Column("consent_start", "date", nullable=True),
            Column("consent_end", "date", nullable=True),
            Column("consent_scope", "enum", nullable=True, values=CONSENT_SCOPES),
            Column("currency", "str"),
            Column("day_rate", "float"),
            Column("twin_fee_per_asset", "float", nullable=True),
            Column("age_band", "str", nullable=True),
            Column("size_range", "str", nullable=True),
        ),
        key="model_id",
    ),
    "twin_usage": Table(
        "twin_usage",
        (
            Column("asset_id", "str"),
            Column("model_id", "str"),
            Column("campaign_id", "str"),
            Column("used_on", "date"),
            Column("use", "enum", values=USES),
            Column("watermarked", "bool"),
            Column("fee_paid", "float"),
        ),
        key="asset_id",
        foreign_keys={"model_id": "models", "campaign_id": "campaigns"},
    ),
}


# ---------------------------------------------------------------------------------
# Issues: what is wrong, where
@dataclass
class Issue:
    """One broken rule: table, column, rule, how many rows and which ones."""

    table: str
    column: str | None
    rule: str
    rows: int
    where: list[str] = field(default_factory=list)
    origin: str = ""

    def message(self) -> str:
        col = f", column {self.column}" if self.column else ""
        src = f" ({self.origin})" if self.origin else ""
        n = f"{self.rows} row{'s' if self.rows != 1 else ''} break{'s' if self.rows == 1 else ''} it"
        first = f"; first: {', '.join(self.where)}" if self.where else ""
        return f"Table {self.table}{src}{col}: {self.rule}: {n}{first}."


@dataclass(frozen=True)
class Origin:
    """Where a table came from, so that errors can point at lines or keys."""

    description: str  # e.g. "data/sample/campaigns.csv" or "duckdb table campaigns"
    line_numbers: bool = False  # True for CSV: row i is on line i + 2


class ContractViolation(DataError):
    """The data breaks the contract; ``issues`` lists every broken rule."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        head = (
            f"The data breaks the data contract in {len(issues)} place{'s' if len(issues) != 1 else ''}; "
            "nothing was computed or published. Fix the rows named below (see DATA_CONTRACT.md) and run again."
        )
        super().__init__("\n".join([head, *(f"- {i.message()}" for i in issues)]))


def _where(frame: pd.DataFrame, index: pd.Index, table: Table, origin: Origin | None, limit: int = 5) -> list[str]:
    """The first few offending rows: CSV line numbers and/or keys."""
    index = pd.Index(index).unique()[:limit]
    lines = origin is not None and origin.line_numbers
    out = []
    for i in index:
        key = f"{table.key} {frame.loc[i, table.key]}" if table.key and table.key in frame.columns else ""
        if lines:
            out.append(f"line {int(i) + 2}" + (f" ({key})" if key else ""))
        else:
            out.append(key or f"row {int(i) + 1}")
    return out


# ---------------------------------------------------------------------------------
# Step 1: types. Raw frames (strings from CSV, native types from Parquet or a database)
# become the contract's types; what does not parse is an issue, not a crash.
_TRUE = {"true", "t", "1", "yes"}
_FALSE = {"false", "f", "0", "no"}


def _blank(series: pd.Series) -> pd.Series:
    if (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
            or pd.api.types.is_datetime64_any_dtype(series)):
        return series.isna()  # native types: only a missing value is blank
    return (series.isna() | series.astype("string").str.strip().eq("")).fillna(True).astype(bool)


def _coerce(series: pd.Series, column: Column, blank: pd.Series) -> pd.Series:
    kind = column.kind
    if kind in ("str", "enum"):
        out = series.astype("string").str.strip()
        return out.mask(blank)
    if kind in ("int", "float"):
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            num = series.astype("Float64")  # native numbers (Parquet, databases): no parsing needed
        else:
            num = pd.to_numeric(series.astype("string").str.strip().mask(blank), errors="coerce")
        if kind == "float":
            return num.astype("Float64")
        whole = num.isna() | (num % 1 == 0)
        return num.where(whole).astype("Float64").round().astype("Int64")
    if kind == "bool":
        if pd.api.types.is_bool_dtype(series):
            return series.astype("boolean")
        text = series.astype("string").str.strip().str.lower()
        out = pd.Series(pd.NA, index=series.index, dtype="boolean")
        out[text.isin(_TRUE).fillna(False).astype(bool)] = True
        out[text.isin(_FALSE).fillna(False).astype(bool)] = False
        return out
    if kind == "date":
        if pd.api.types.is_datetime64_any_dtype(series):
            if series.dt.tz is not None:
                series = series.dt.tz_localize(None)
            return series.dt.normalize()
        text = series.astype("string").str.strip().mask(blank)
        return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    if kind == "timestamp":
        if pd.api.types.is_datetime64_any_dtype(series):
            s = pd.to_datetime(series)
            return s.dt.tz_convert("UTC") if s.dt.tz is not None else s.dt.tz_localize("UTC")
        text = series.astype("string").str.strip().mask(blank)
        return pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    raise AssertionError(kind)


_KIND_WORDS = {
    "int": "a whole number", "float": "a number", "bool": "true or false",
    "date": "an ISO date YYYY-MM-DD", "timestamp": "an ISO 8601 timestamp",
}


def coerce_table(raw: pd.DataFrame, table: Table, origin: Origin | None = None
                 ) -> tuple[pd.DataFrame, list[Issue], dict[str, set[int]]]:
    """Cast every contract column to its type; extra columns are dropped.

    Returns the typed frame, the type issues, and the rows of each column that failed to
    parse (they are empty in the typed frame and must not be reported twice).
    """
    issues: list[Issue] = []
    unparsed: dict[str, set[int]] = {}
    src = origin.description if origin else ""
    missing = [c for c in table.column_names if c not in raw.columns]
    for name in missing:
        issues.append(Issue(table.name, name, "required column is missing", len(raw), [], src))
    if missing:
        return raw, issues, unparsed
    if not isinstance(raw.index, pd.RangeIndex) and not pd.api.types.is_integer_dtype(raw.index):
        raw = raw.reset_index(drop=True)
    typed = pd.DataFrame(index=raw.index)
    for column in table.columns:
        blank = _blank(raw[column.name])
        typed[column.name] = _coerce(raw[column.name], column, blank)
        bad = typed[column.name].isna() & ~blank
        if bad.any() and column.kind in _KIND_WORDS:
            rule = f"must be {_KIND_WORDS[column.kind]}"
            keyed = typed if table.key and column.name != table.key else raw
            issues.append(Issue(table.name, column.name, rule, int(bad.sum()),
                                _where(keyed, raw.index[bad], table, origin), src))
            unparsed[column.name] = set(raw.index[bad])
    return typed, issues, unparsed


# ---------------------------------------------------------------------------------
# Step 2: pandera. One schema per table; cross-table rules are wide checks built with
# the other tables and the run's parameters in hand.
@dataclass
class Context:
    """What the cross-table rules need: other tables' keys, known currencies, run date."""

    keys: dict[str, set[str]]
    currencies: set[str]
    as_of: date
    reporting_currency: str


WideRule = tuple[str, str | None, Callable[[pd.DataFrame], pd.Series]]  # (rule, column, ok-mask)


def _wide_rules(table: Table, ctx: Context) -> list[WideRule]:
    rules: list[WideRule] = []
    for col, ref in table.foreign_keys.items():
        keys = ctx.keys.get(ref, set())
        rules.append((f"must exist in {ref}", col,
                      lambda df, c=col, k=keys: df[c].isna() | df[c].isin(k)))
    if "currency" in table.column_names:
        known = ctx.currencies
        rules.append((f"needs a rate to {ctx.reporting_currency} in the parameters' fx_rates", "currency",
                      lambda df: df["currency"].isna() | df["currency"].isin(known)))
    if table.name == "campaigns":
        rules.append(("shoot_days must be 0 when production_mode is twin", "shoot_days",
                      lambda df: (df["production_mode"] != "twin") | (df["shoot_days"] == 0)))
        rules.append(("shoot_days must be above 0 when production_mode is traditional", "shoot_days",
                      lambda df: (df["production_mode"] != "traditional") | (df["shoot_days"] > 0)))
    if table.name == "posts":
        for count in ENGAGEMENT_COUNTS:
            rules.append((f"{count} must not exceed impressions", count,
                          lambda df, c=count: df[c] <= df["impressions"]))
        limit = pd.Timestamp(ctx.as_of, tz="UTC") + pd.Timedelta(days=1)
        rules.append((f"posted_at must not be after the run date {ctx.as_of.isoformat()}", "posted_at",
                      lambda df: df["posted_at"] < limit))
    if table.name == "models":
        for col in ("consent_start", "consent_scope", "twin_fee_per_asset"):
            rules.append((f"{col} is required when has_twin is true", col,
                          lambda df, c=col: ~df["has_twin"].fillna(False).astype(bool) | df[c].notna()))
        rules.append(("consent_end must not be before consent_start", "consent_end",
                      lambda df: df["consent_end"].isna() | df["consent_start"].isna()
                      | (df["consent_end"] >= df["consent_start"])))
    return rules


def build_schema(table: Table, ctx: Context | None = None, check_unique: bool = True) -> pa.DataFrameSchema:
    """The pandera schema of one contract table (types already coerced). A table validated
    in chunks checks its key's uniqueness in the engine instead (``check_unique=False``)."""
    columns = {}
    for c in table.columns:
        checks = []
        if c.values:
            checks.append(pa.Check.isin(list(c.values), error=f"must be one of {', '.join(c.values)}"))
        lo = c.lower_bound()
        if lo is not None:
            checks.append(pa.Check.ge(lo, error=f"must be {lo:g} or more"))
        if c.name == "currency":
            checks.append(pa.Check.str_matches(CURRENCY_PATTERN, error="must be an ISO 4217 code like EUR"))
        columns[c.name] = pa.Column(nullable=c.nullable, unique=check_unique and c.name == table.key, checks=checks,
                                    required=True, coerce=False)
    wide = []
    for rule, col, ok in _wide_rules(table, ctx) if ctx else []:
        # pandera reports a wide check's failing rows by index; the column goes in the name.
        wide.append(pa.Check(ok, error=f"{col or ''}|{rule}"))
    return pa.DataFrameSchema(columns, checks=wide, name=table.name, strict=False)


_CHECK_WORDS = {
    "not_nullable": "must not be empty",
    "field_uniqueness": "must be unique",
}


def _issues_from_pandera(err: SchemaErrors, frame: pd.DataFrame, table: Table, origin: Origin | None,
                         unparsed: dict[str, set[int]]) -> list[Issue]:
    fc = err.failure_cases
    issues: list[Issue] = []
    src = origin.description if origin else ""
    wide = fc["schema_context"].astype(str).eq("DataFrameSchema")
    # A wide check fails once per column of the row: its "column|rule" error says which column matters.
    for check, grp in fc[wide].groupby(fc.loc[wide, "check"].astype(str), sort=False):
        column, rule = check.split("|", 1) if "|" in check else ("", check)
        idx = pd.Index(grp["index"].dropna().astype(int).unique())
        issues.append(Issue(table.name, column or None, rule, len(idx), _where(frame, idx, table, origin), src))
    cols = fc[~wide]
    for (column, check), grp in cols.groupby([cols["column"].astype(str), cols["check"].astype(str)], sort=False):
        rule = _CHECK_WORDS.get(check, check)
        idx = pd.Index(grp["index"].dropna().astype(int).unique())
        if check == "field_uniqueness":  # name every row of each duplicated key
            idx = frame.index[frame[column].duplicated(keep=False) & frame[column].notna()]
        idx = idx.difference(pd.Index(sorted(unparsed.get(column, ())), dtype=idx.dtype))
        if idx.empty:  # only rows already reported as unparseable
            continue
        issues.append(Issue(table.name, column, rule, len(idx), _where(frame, idx, table, origin), src))
    return issues


def validate_table(frame: pd.DataFrame, table: Table, ctx: Context, origin: Origin | None = None,
                   unparsed: dict[str, set[int]] | None = None, check_unique: bool = True) -> list[Issue]:
    """Every pandera and cross-table rule of one typed table, as issues (empty = clean)."""
    try:
        build_schema(table, ctx, check_unique).validate(frame, lazy=True)
    except SchemaErrors as err:
        return _issues_from_pandera(err, frame, table, origin, unparsed or {})
    return []


def context(typed: dict[str, pd.DataFrame], currencies: set[str], reporting_currency: str, as_of: date) -> Context:
    """What the cross-table rules need, from the typed tables at hand."""
    keys = {n: set(typed[n][t.key].dropna()) for n, t in CONTRACT.items() if t.key and n in typed}
    return Context(keys=keys, currencies=set(currencies), as_of=as_of, reporting_currency=reporting_currency)


def merge_issues(issues: list[Issue], limit: int = 5) -> list[Issue]:
    """Issues of the same table, column and rule (e.g. from several chunks) as one."""
    merged: dict[tuple[str, str | None, str], Issue] = {}
    for i in issues:
        k = (i.table, i.column, i.rule)
        if k in merged:
            merged[k].rows += i.rows
            merged[k].where = (merged[k].where + i.where)[:limit]
        else:
            merged[k] = Issue(i.table, i.column, i.rule, i.rows, list(i.where[:limit]), i.origin)
    return list(merged.values())


def validate_chunks(chunks, table: Table, ctx: Context, origin: Origin | None = None,
                    on_chunk=None) -> list[Issue]:
    """Validate a large table chunk by chunk (bounded memory). Each chunk's index must be its
    row numbers in the table. Key uniqueness across chunks is the caller's (engine) check."""
    issues: list[Issue] = []
    for chunk in chunks:
        typed, found, unparsed = coerce_table(chunk, table, origin)
        issues += found
        if not any(i.rule == "required column is missing" for i in found):
            issues += validate_table(typed, table, ctx, origin, unparsed, check_unique=False)
        if on_chunk:
            on_chunk(typed)
    return merge_issues(issues)


def validate_tables(
    raw: dict[str, pd.DataFrame],
    *,
    currencies: set[str],
    reporting_currency: str,
    as_of: date,
    origins: dict[str, Origin] | None = None,
    elsewhere: set[str] | frozenset[str] = frozenset(),
) -> dict[str, pd.DataFrame]:
    """Check the contract tables against the contract; return typed frames or raise.

    Tables named in ``elsewhere`` are validated by the caller (in chunks) and skipped here;
    none of them may be the target of a foreign key. Raises :class:`ContractViolation`
    (exit 3) listing every broken rule.
    """
    origins = origins or {}
    issues: list[Issue] = []
    typed: dict[str, pd.DataFrame] = {}
    unparsed: dict[str, dict[str, set[int]]] = {}
    for name, table in CONTRACT.items():
        if name in elsewhere:
            continue
        if name not in raw:
            o = origins.get(name)
            issues.append(Issue(name, None, "table is missing", 0, [], o.description if o else ""))
            continue
        frame, found, unparsed[name] = coerce_table(raw[name], table, origins.get(name))
        typed[name] = frame
        issues += found
    if any(i.rule in ("table is missing", "required column is missing") for i in issues):
        raise ContractViolation(issues)  # the rules below need every table and column
    ctx = context(typed, currencies, reporting_currency, as_of)
    for name, table in CONTRACT.items():
        if name in elsewhere:
            continue
        issues += validate_table(typed[name], table, ctx, origins.get(name), unparsed[name])
    if issues:
        raise ContractViolation(issues)
    return typed
