"""The data contract as data: every enumeration, the tables (six required, three optional),
their columns and every rule that validation enforces. ``docs/DATA_CONTRACT.md`` is generated from this module
(``twinimpact contract``), so the page and the checks cannot drift apart.

Constants that other modules need (production modes, platforms, imagery kinds, roles,
rights breach kinds) are defined here once and imported everywhere else.

A rule is one :class:`Rule`: an id, the table and column it guards, the sentence users
read, and a ``check``. A row check is a function ``check(rows, ctx)`` returning, for each
row, whether the row passes; it uses only what pandas columns and ibis columns share
(comparisons, ``&``, ``|``, ``~``, ``isin``, ``isnull``, ``notnull``) plus the helpers of
:class:`Rows`, so the same rule can be evaluated on a pandas frame or compiled to an ibis
expression in the engine that holds the data. Checks say what an empty value means
explicitly (``isnull() | ...``): emptiness has its own rule (``<table>.<column>.not_empty``),
and a check that yields a missing value for a row counts that row as passing, as a SQL
filter would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Literal, Protocol

Kind = Literal["str", "int", "float", "bool", "date", "timestamp", "enum"]

# --- seasons ---------------------------------------------------------------------------------
#: Words a season name may carry, in their order within a year (unknown words sort last).
SEASON_WORDS = (("ss", 0), ("spring", 0), ("summer", 1), ("resort", 2), ("cruise", 2), ("pre-fall", 3),
                ("prefall", 3), ("aw", 4), ("fw", 4), ("fall", 4), ("autumn", 4), ("winter", 5),
                ("holiday", 6))


def season_key(season: str) -> tuple[int, int, str]:
    """A sort key for a season name of any shape: its year (the last run of 2 or 4 digits,
    ``25`` read as 2025), then its place in the year by the words it carries
    (:data:`SEASON_WORDS`), then the name. ``SS25``, ``AW25``, ``Resort 2025``, ``FW2025`` and
    ``Pre-Fall 25`` all sort; a name without a year sorts after every dated one. The contract
    does not constrain the shape of a season, so no code may rely on one."""
    import re

    text = str(season)
    years = re.findall(r"\d{4}|\d{2}", text)
    year = int(years[-1]) if years else 10**6
    year = year + 2000 if year < 100 else year
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", text.lower())
    order = min((rank for word, rank in SEASON_WORDS if word in words), default=9)
    return (year, order, text)


# --- enumerations (closed: any other value is a validation error) ------------------------
PRODUCTION_MODES = ("traditional", "hybrid", "twin")
#: The modes whose assets move to twins when a brand adopts (every mode but ``twin``).
MOVABLE_MODES = tuple(m for m in PRODUCTION_MODES if m != "twin")
COST_CATEGORIES = (
    "model_fees", "photographer", "hair_makeup", "styling", "studio_location", "travel",
    "post_production", "twin_creation", "twin_licensing", "generation_compute", "ai_review",
    "disclosure_compliance", "other",
)
ROLES = (
    "model", "photographer", "makeup_artist", "hair_stylist", "stylist", "set_designer",
    "art_director", "producer", "retoucher", "ai_artist", "rights_manager",
)
#: Roles whose work happens on a shoot day (they are not needed for a twin asset).
SHOOT_DAY_ROLES = ("model", "photographer", "makeup_artist", "hair_stylist", "stylist", "set_designer")
ENGAGEMENT_TYPES = ("employee", "freelance", "agency")
PLATFORMS = ("instagram", "tiktok", "facebook", "pinterest", "youtube")
FORMATS = ("image", "carousel", "video")
IMAGERY = ("human", "twin", "synthetic", "none")
#: Imagery made with AI (the AI label applies to it).
AI_IMAGERY = ("twin", "synthetic")
CONSENT_SCOPES = ("social", "ecommerce", "campaign", "all")
USES = ("social", "ecommerce", "campaign")
ENGAGEMENT_COUNTS = ("likes", "comments", "shares", "saves")
#: What a post's exposure count holds: the platforms' metric changed (Instagram moved from
#: impressions to views on 21 April 2025, Facebook Pages on 15 November 2025).
EXPOSURE_METRICS = ("impressions", "views", "reach")
#: The known switches from impressions to views: platform -> the first day views were served.
VIEWS_SINCE = {"instagram": "2025-04-21", "facebook": "2025-11-15"}
#: Rights findings, one per asset and kind (not validation errors: the workbook reports them).
BREACHES = ("outside_consent_window", "outside_scope", "missing_watermark", "underpaid", "no_twin_consent")
#: What each finding means (``docs/DATA_CONTRACT.md`` prints these; :mod:`twinimpact.analyses.rights.findings` applies them).
BREACH_MEANING = {
    "outside_consent_window": "used_on is before consent_start, or after a non-empty consent_end (the end day is "
                              "inside the window)",
    "outside_scope": "consent_scope is not all and differs from use",
    "missing_watermark": "watermarked is false",
    "underpaid": "fee_paid is below twin_fee_per_asset by more than 0.01, both converted to the reporting currency",
    "no_twin_consent": "the model's has_twin is false; such an asset gets this finding alone, the four checks above "
                       "apply only to models with has_twin true",
}
#: The breaches that mean an asset was used without valid consent.
CONSENT_BREACHES = ("no_twin_consent", "outside_consent_window", "outside_scope")
CURRENCY_PATTERN = r"^[A-Z]{3}$"


@dataclass(frozen=True)
class Column:
    """One contract column: its type, whether it may be empty, its values, sign and unit."""

    name: str
    kind: Kind
    nullable: bool = False
    values: tuple[str, ...] = ()
    minimum: float | None = None  # ints and floats are >= 0 unless said
    unit: str = ""
    note: str = ""
    example: str = ""
    #: The column may be left out of the file (it then stands in as empty): a column added
    #: to the contract after brands had files without it.
    optional: bool = False

    def lower_bound(self) -> float | None:
        if self.minimum is not None:
            return self.minimum
        return 0 if self.kind in ("int", "float") else None


@dataclass(frozen=True)
class Table:
    """One contract table: its columns, its key, the tables its columns refer to, and the
    rules that involve more than one column."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: str | None = None
    foreign_keys: dict[str, str] = field(default_factory=dict)  # column -> referenced table
    row_rules: tuple["Rule", ...] = ()
    optional: bool = False
    needs_rows: bool = False  # an empty table leaves nothing to compute (posts and usage may be empty)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_names(self) -> list[str]:
        """The columns a file of the table must hold (every one but the optional columns)."""
        return [c.name for c in self.columns if not c.optional]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# --- rules ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    """What rules that look beyond one row need: other tables' keys, the currencies with a
    rate, the run date and the reporting currency."""

    keys: dict[str, set[str]]
    currencies: set[str]
    as_of: date
    reporting_currency: str
    #: Per-key numbers of other tables a row rule compares with (see :data:`LOOKUPS`).
    values: dict[str, dict[str, float]] = field(default_factory=dict)


class Rows(Protocol):
    """The view of a table a row check sees: columns by name, plus helpers for what pandas
    and ibis spell differently."""

    def __getitem__(self, name: str) -> Any: ...

    def matches(self, name: str, pattern: str) -> Any: ...

    def as_of_limit(self, ctx: Context) -> Any: ...

    def day_after_run(self, ctx: Context) -> Any: ...

    def finite(self, name: str) -> Any: ...

    def member(self, name: str, keys: set[str]) -> Any: ...

    def printable(self, name: str) -> Any:
        """Whether each row's text holds no control character (:data:`CONTROL_CHARACTERS`)."""
        ...

    def length(self, name: str) -> Any:
        """Each row's text length in characters."""
        ...

    def lookup(self, name: str, mapping: dict[str, float]) -> Any:
        """The number ``mapping`` holds for each row's ``name`` (missing where none).

        Parameters
        ----------
        name
            A column of the rows (e.g. ``campaign_id``).
        mapping
            Its value -> a number (e.g. a campaign's shoot days).

        Returns
        -------
        Any
            A numeric column of the evaluator's kind (an ibis or a pandas column).
        """
        ...


Check = Callable[[Rows, Context], Any]
RuleKind = Literal["table", "rows", "column", "type", "not_empty", "unique", "row"]

#: The longest text a column may hold, in characters: identifiers (``*_id``) and other text
#: (names, seasons, markets). Longer values are export accidents (a pasted document, a
#: runaway quote) that would break file names, tables and charts further on.
ID_LENGTH = 64
TEXT_LENGTH = 100
#: Characters no text may hold: NUL and the other C0 controls except tab, line feed and
#: carriage return, and DEL (spreadsheets and the Excel export refuse them; terminals act on them).
CONTROL_CHARACTERS = "".join(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))


def text_limit(column: "Column") -> int:
    """The most characters ``column`` may hold (:data:`ID_LENGTH`, :data:`TEXT_LENGTH`)."""
    return ID_LENGTH if column.name.endswith("_id") else TEXT_LENGTH


@dataclass(frozen=True)
class Rule:
    """One rule of the contract. ``kind`` says how it is evaluated: ``table`` (the table is
    there), ``rows`` (it has rows), ``column`` (the column is there), ``type`` (values parse
    as the column's type), ``not_empty``, ``unique`` (the column's values), or ``row``
    (``check`` per row)."""

    id: str
    table: str
    column: str | None
    description: str
    kind: RuleKind = "row"
    check: Check | None = None


def _row(table: str, column: str, slug: str, description: str, check: Check) -> Rule:
    return Rule(f"{table}.{column}.{slug}", table, column, description, "row", check)


def _value(table: str, column: str, slug: str, description: str, check: Check) -> Rule:
    """A rule on one column's values: an empty value passes it."""
    return _row(table, column, slug, description, lambda r, ctx: r[column].isnull() | check(r, ctx))


_KIND_WORDS = {
    "str": "text", "enum": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
    "date": "an ISO date YYYY-MM-DD", "timestamp": "an ISO 8601 timestamp",
}


def column_rules(table: Table) -> list[Rule]:
    """Every rule of one table, in the order they are reported: presence, types, emptiness,
    keys, values and signs, references, then the table's own row rules."""
    t = table.name
    rules = [Rule(f"{t}.present", t, None, "table is missing", "table") if not table.optional else
             Rule(f"{t}.present", t, None, "optional: may be left out; when given, every rule below applies", "table")]
    if table.needs_rows:
        rules.append(Rule(f"{t}.has_rows", t, None, "table has no rows; the workbook needs at least one", "rows"))
    rules += [Rule(f"{t}.{c.name}.present", t, c.name, "optional column: may be left out, and is then empty"
                   if c.optional else "required column is missing", "column") for c in table.columns]
    rules += [Rule(f"{t}.{c.name}.type", t, c.name, f"must be {_KIND_WORDS[c.kind]}", "type")
              for c in table.columns if c.kind not in ("str", "enum")]
    rules += [Rule(f"{t}.{c.name}.not_empty", t, c.name, "must not be empty", "not_empty")
              for c in table.columns if not c.nullable]
    if table.key:
        rules.append(Rule(f"{t}.{table.key}.unique", t, table.key, "must be unique", "unique"))
    for c in table.columns:
        if c.kind == "str" or (c.kind == "enum" and not c.values):  # a closed list's one_of refuses them already
            rules.append(_value(t, c.name, "printable", "must not hold control characters (NUL, escape and the "
                                "like; tab and line breaks are allowed)", lambda r, ctx, n=c.name: r.printable(n)))
        if c.kind == "str":
            limit = text_limit(c)
            rules.append(_value(t, c.name, "length", f"must be at most {limit} characters long",
                                lambda r, ctx, n=c.name, m=limit: r.length(n) <= m))
        if c.values:
            rules.append(_value(t, c.name, "one_of", f"must be one of {', '.join(c.values)}",
                              lambda r, ctx, n=c.name, v=c.values: r[n].isin(list(v))))
        if c.kind == "float":
            rules.append(_value(t, c.name, "finite", "must be a finite number (not inf or nan)",
                                lambda r, ctx, n=c.name: r.finite(n)))
        lo = c.lower_bound()
        if lo is not None:
            rules.append(_value(t, c.name, "minimum", f"must be {lo:g} or more",
                              lambda r, ctx, n=c.name, lo=lo: r[n] >= lo))
        if c.name == "currency":
            rules.append(_value(t, c.name, "iso4217", "must be an ISO 4217 code like EUR",
                              lambda r, ctx: r.matches("currency", CURRENCY_PATTERN)))
            rules.append(_value(t, "currency", "has_rate",
                                "needs a rate to the reporting currency in the parameters' fx_rates",
                                lambda r, ctx: r["currency"].isin(sorted(ctx.currencies))))
    for col, ref in table.foreign_keys.items():
        rules.append(_value(t, col, "exists", f"must exist in {ref}",
                          lambda r, ctx, c=col, ref=ref: r.member(c, ctx.keys.get(ref, set()))))
    return rules + list(table.row_rules)


def rule_text(rule: Rule, ctx: Context | None) -> str:
    """The rule's sentence with the run's values filled in (reporting currency, run date)."""
    text = rule.description
    if ctx is not None:
        text = text.replace("the reporting currency", ctx.reporting_currency)
        text = text.replace("the run date", f"the run date {ctx.as_of.isoformat()}")
    return text


# --- the tables ---------------------------------------------------------------------
def _c(name: str, kind: Kind, example: str, note: str = "", unit: str = "", **kw: Any) -> Column:
    return Column(name, kind, unit=unit, note=note, example=example, **kw)


_MONEY = "campaign currency"

CONTRACT: dict[str, Table] = {
    "campaigns": Table(
        "campaigns", "One row per production: a shoot, a twin batch, or a mix of both.",
        (
            _c("campaign_id", "str", "C0001", "unique"),
            _c("brand", "str", "Cobalt & Co"),
            _c("season", "str", "SS25", "e.g. SS25, AW25"),
            _c("market", "str", "US-NY", "ISO 3166 alpha-2 code or a region name"),
            _c("start_date", "date", "2025-02-03"),
            _c("production_mode", "enum", "traditional", values=PRODUCTION_MODES),
            _c("looks", "int", "15", "outfits shown", "looks", minimum=1),
            _c("assets_delivered", "int", "53", "finished images and videos", "assets"),
            _c("shoot_days", "float", "2.0", "0 for a pure twin production", "days"),
            _c("currency", "str", "USD", "ISO 4217; every money column of the campaign's rows is in it"),
        ),
        key="campaign_id",
        needs_rows=True,
        row_rules=(
            _value("campaigns", "start_date", "not_after_run_date", "start_date must not be after the run date",
                   lambda r, ctx: r["start_date"] < r.day_after_run(ctx)),
            _row("campaigns", "shoot_days", "zero_for_twin", "shoot_days must be 0 when production_mode is twin",
                 lambda r, ctx: (r["production_mode"] != "twin") | (r["shoot_days"] == 0)),
            _row("campaigns", "shoot_days", "positive_for_traditional",
                 "shoot_days must be above 0 when production_mode is traditional",
                 lambda r, ctx: (r["production_mode"] != "traditional") | (r["shoot_days"] > 0)),
        ),
    ),
    "cost_lines": Table(
        "cost_lines", "Itemised spend, many rows per campaign.",
        (
            _c("campaign_id", "str", "C0001", "must exist in campaigns"),
            _c("category", "enum", "photographer", values=COST_CATEGORIES),
            _c("amount", "float", "3793.73", "", _MONEY),
        ),
        foreign_keys={"campaign_id": "campaigns"},
        needs_rows=True,
    ),
    "staffing": Table(
        "staffing", "Paid labour per campaign and role.",
        (
            _c("campaign_id", "str", "C0001", "must exist in campaigns"),
            _c("role", "enum", "photographer", values=ROLES),
            _c("people", "int", "1", "", "people"),
            _c("hours", "float", "14.7", "total over all people", "hours"),
            _c("hourly_rate", "float", "47.34", "", f"{_MONEY} per hour"),
            _c("engagement", "enum", "freelance", values=ENGAGEMENT_TYPES),
        ),
        foreign_keys={"campaign_id": "campaigns"},
        needs_rows=True,
    ),
    "posts": Table(
        "posts", "Published social content and the response to it.",
        (
            _c("post_id", "str", "P00000001", "unique"),
            _c("campaign_id", "str", "C0046", "must exist in campaigns when set", nullable=True),
            _c("brand", "str", "Bluefin Denim"),
            _c("platform", "enum", "instagram", values=PLATFORMS),
            _c("posted_at", "timestamp", "2025-03-01T12:00:00Z", "UTC; not after the run date"),
            _c("format", "enum", "carousel", values=FORMATS),
            _c("imagery", "enum", "twin", "human: photographed people; twin: a consenting model's digital twin; "
               "synthetic: an AI persona of no real person; none: no person shown", values=IMAGERY),
            _c("ai_label", "bool", "true", "shown to viewers as AI-made (watermark or platform label)"),
            _c("followers", "int", "859266", "account followers when posted", "followers"),
            _c("impressions", "int", "42354", "the exposure the platform counted: impressions, or what "
               "exposure_metric names", "impressions"),
            *(_c(n, "int", str(v), "at most impressions", n) for n, v in zip(ENGAGEMENT_COUNTS, (243, 20, 9, 36))),
            _c("exposure_metric", "enum", "views", "optional column: the metric the impressions column holds "
               "(Instagram replaced impressions with views on 21 April 2025); empty or left out means impressions",
               values=EXPOSURE_METRICS, nullable=True, optional=True),
            _c("platform_ai_label", "bool", "true", "optional column: whether the platform itself showed its AI "
               "label (Instagram is_ai_generated, TikTok is_aigc); empty or left out means unknown",
               nullable=True, optional=True),
        ),
        key="post_id",
        foreign_keys={"campaign_id": "campaigns"},
        row_rules=(
            *(_row("posts", n, "within_impressions", f"{n} must not exceed impressions",
                   lambda r, ctx, n=n: r[n] <= r["impressions"]) for n in ENGAGEMENT_COUNTS),
            _value("posts", "posted_at", "not_after_run_date", "posted_at must not be after the run date",
                   lambda r, ctx: r["posted_at"] < r.as_of_limit(ctx)),
        ),
    ),
    "models": Table(
        "models", "The talent roster and the rights each model granted for a digital twin.",
        (
            _c("model_id", "str", "M001", "unique"),
            _c("agency", "str", "Northlight Models", nullable=True),
            _c("has_twin", "bool", "true"),
            _c("consent_start", "date", "2023-05-20", "required when has_twin", nullable=True),
            _c("consent_end", "date", "", "empty = open-ended; not before consent_start", nullable=True),
            _c("consent_scope", "enum", "all", "required when has_twin", nullable=True, values=CONSENT_SCOPES),
            _c("currency", "str", "EUR", "ISO 4217, for day_rate and twin_fee_per_asset"),
            _c("day_rate", "float", "2199.69", "for a photographed day", "model currency per day"),
            _c("twin_fee_per_asset", "float", "9.77", "contracted fee per published twin asset; required when "
               "has_twin", "model currency per asset", nullable=True),
            _c("age_band", "str", "45-54", "self-described, for representation analysis only", nullable=True),
            _c("size_range", "str", "straight", "self-described, e.g. petite, straight, plus", nullable=True),
        ),
        key="model_id",
        needs_rows=True,
        row_rules=(
            *(_row("models", n, "required_with_twin", f"{n} is required when has_twin is true",
                   lambda r, ctx, n=n: ~r["has_twin"] | r[n].notnull())
              for n in ("consent_start", "consent_scope", "twin_fee_per_asset")),
            _row("models", "consent_end", "after_start", "consent_end must not be before consent_start",
                 lambda r, ctx: r["consent_end"].isnull() | r["consent_start"].isnull()
                 | (r["consent_end"] >= r["consent_start"])),
        ),
    ),
    "twin_usage": Table(
        "twin_usage", "Every published asset made from a digital twin.",
        (
            _c("asset_id", "str", "A000001", "unique"),
            _c("model_id", "str", "M004", "must exist in models"),
            _c("campaign_id", "str", "C0046", "must exist in campaigns"),
            _c("used_on", "date", "2025-11-02"),
            _c("use", "enum", "campaign", values=USES),
            _c("watermarked", "bool", "true", "carries the AI watermark or label"),
            _c("fee_paid", "float", "29.87", "paid to the model for this asset", _MONEY),
        ),
        key="asset_id",
        foreign_keys={"model_id": "models", "campaign_id": "campaigns"},
        row_rules=(
            _value("twin_usage", "used_on", "not_after_run_date", "used_on must not be after the run date",
                   lambda r, ctx: r["used_on"] < r.day_after_run(ctx)),
        ),
    ),
}

#: Key sets and per-key numbers the rules of other tables need, beyond each table's own keys:
#: name -> (table, the key column, the column whose value is kept, or a filter on the rows).
PHOTOGRAPHED = "campaigns.photographed"  # campaigns with shoot days: the ones models can be booked for
CAMPAIGN_SHOOT_DAYS = "campaigns.shoot_days"
LOOKUPS = {PHOTOGRAPHED: "campaigns", CAMPAIGN_SHOOT_DAYS: "campaigns"}

CONTRACT["bookings"] = Table(
    "bookings", "Optional. Which model was photographed for which campaign, for how many days and what pay; "
    "a twin-only campaign has none. Without this table the workbook runs and says where per-model figures need "
    "it.",
    (
        _c("model_id", "str", "M007", "must exist in models"),
        _c("campaign_id", "str", "C0001", "must exist in campaigns, with shoot days"),
        _c("shoot_days", "float", "1.5", "above 0, at most the campaign's shoot_days", "days"),
        _c("fee_paid", "float", "2950.00", "paid to the model for these days (before agency commission)", _MONEY),
    ),
    foreign_keys={"model_id": "models", "campaign_id": "campaigns"},
    optional=True,
    row_rules=(
        _value("bookings", "shoot_days", "positive", "shoot_days must be above 0",
               lambda r, ctx: r["shoot_days"] > 0),
        _value("bookings", "campaign_id", "photographed",
               "campaign_id must be a campaign with shoot days (a twin-only campaign has no bookings)",
               lambda r, ctx: r.member("campaign_id", ctx.keys.get(PHOTOGRAPHED, set()))),
        _row("bookings", "shoot_days", "within_campaign", "shoot_days must not exceed the campaign's shoot_days",
             lambda r, ctx: r["shoot_days"].isnull()
             | (r["shoot_days"] <= r.lookup("campaign_id", ctx.values.get(CAMPAIGN_SHOOT_DAYS, {})))),
    ),
)
CONTRACT["post_outcomes"] = Table(
    "post_outcomes", "Optional. What a post sold, from the shop's analytics: the clicks it sent, the orders they "
    "placed and their revenue. With it the workbook values an engagement from the brand's own data (revenue per "
    "engagement times the parameter gross_margin) and fits the imagery and label rate ratios on orders too.",
    (
        _c("post_id", "str", "P00000001", "must exist in posts; one row per post"),
        _c("clicks", "int", "12", "link clicks to the shop", "clicks"),
        _c("orders", "int", "1", "orders attributed to the post; at most clicks", "orders"),
        _c("revenue", "float", "84.50", "revenue of those orders (net of VAT and returns)", "currency"),
        _c("currency", "str", "EUR", "ISO 4217, for revenue"),
    ),
    key="post_id",
    foreign_keys={"post_id": "posts"},
    optional=True,
    row_rules=(
        _row("post_outcomes", "orders", "within_clicks", "orders must not exceed clicks",
             lambda r, ctx: r["orders"].isnull() | r["clicks"].isnull() | (r["orders"] <= r["clicks"])),
    ),
)


#: The arms of a randomised test.
ARMS = ("control", "treatment")

CONTRACT["experiments"] = Table(
    "experiments", "Optional. Posts of randomised tests: which test, which arm, and the unit that was randomised "
    "(a post, a product or a campaign; posts sharing a unit share its arm). What each arm shows comes from the "
    "posts themselves (imagery, AI label). With it the workbook reads each test and, where a test compares the "
    "imagery a brand would publish against human imagery, leads with it.",
    (
        _c("experiment_id", "str", "EXP-2026-01", "one id per test"),
        _c("post_id", "str", "P00000001", "must exist in posts; a post is in one test at most"),
        _c("arm", "enum", "treatment", values=ARMS),
        _c("unit_id", "str", "SKU-1043", "the unit that was randomised; every post of a unit is in its arm"),
        _c("treatment_share", "float", "0.5", "optional column: the share of units the design assigned to "
           "treatment (a 70/30 design is 0.7); empty or left out means half. The split found is tested against it",
           nullable=True, optional=True),
    ),
    key="post_id",
    foreign_keys={"post_id": "posts"},
    optional=True,
    row_rules=(
        _value("experiments", "treatment_share", "between_0_and_1", "treatment_share must be above 0 and below 1",
               lambda r, ctx: (r["treatment_share"] > 0) & (r["treatment_share"] < 1)),
    ),
)


def lookups(campaigns: Any) -> tuple[dict[str, set[str]], dict[str, dict[str, float]]]:
    """The key sets and numbers of :data:`LOOKUPS` from a frame of typed campaigns
    (``campaign_id`` and ``shoot_days``; rows that did not parse are left out)."""
    rows = campaigns[["campaign_id", "shoot_days"]].dropna()
    days = {str(k): float(v) for k, v in zip(rows["campaign_id"], rows["shoot_days"])}
    return {PHOTOGRAPHED: {k for k, v in days.items() if v > 0}}, {CAMPAIGN_SHOOT_DAYS: days}


#: Every rule of the contract, table by table.
RULES: dict[str, list[Rule]] = {name: column_rules(table) for name, table in CONTRACT.items()}
RULES_BY_ID: dict[str, Rule] = {r.id: r for rules in RULES.values() for r in rules}


#: How a bool column may be spelt in text (any case); anything else breaks its type rule.
TRUE_TEXT = ("true", "t", "1", "yes")
FALSE_TEXT = ("false", "f", "0", "no")
#: Offending rows (keys or lines) a broken rule names.
FIRST_ROWS = 5
