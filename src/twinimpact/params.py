"""The one definition of a run's parameters.

The YAML files under ``notebooks/params/``, the command line and the first cell after
``parameters`` in every notebook all validate through :class:`Params`. Unknown keys,
wrong types and out-of-range values are refused with a message that names the key and
what is allowed.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from twinimpact.config import DEFAULT_FX_RATES, DEFAULT_SEED
from twinimpact.contract.spec import ROLES
from twinimpact.errors import ParamsError

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Fields whose values are never echoed back in an error message (they may hold a secret).
_NEVER_ECHOED = {"source_env"}


#: The cost drivers of the driver model (:mod:`twinimpact.analyses.cost.drivers`) by name: the keys
#: ``driver_ranges`` accepts, with what each measures (reporting currency).
DRIVER_LABELS = {
    "shoot_day_cost": "cost of a shoot day (crew, model, studio, travel)",
    "assets_per_shoot_day": "assets per shoot day",
    "traditional_post_per_asset": "traditional post-production and other, per asset",
    "twin_creation_cost": "building one twin",
    "licensing_per_asset": "twin licence fee per asset",
    "compute_per_asset": "generation compute per asset",
    "review_per_asset": "AI review per asset",
    "compliance_per_asset": "disclosure compliance per asset",
    "twin_post_per_asset": "twin post-production and other, per asset",
    "hybrid_per_asset": "hybrid production per asset (twin building excluded)",
}
#: Paid hours per asset of each mode, varied by the labour Monte Carlo.
HOURS_LABELS = {
    "traditional_hours_per_asset": "paid hours per traditional asset",
    "hybrid_hours_per_asset": "paid hours per hybrid asset",
    "twin_hours_per_asset": "paid hours per twin asset",
}


#: The default gross margin: H&M group, financial year 1 Dec 2023 - 30 Nov 2024 (53.4%; the
#: row ``gross_margin_hm_group`` of data/reference/benchmarks.csv, with its source).
DEFAULT_GROSS_MARGIN = 0.534

#: Share of each role's displaced hours redeployed to other paid work. Assumptions to set
#: with HR: art direction, production and retouching carry over to twin production more
#: than on-set crafts do; models are paid for their twins through licence fees instead.
DEFAULT_REDEPLOY_SHARE: dict[str, float] = {
    "model": 0.0, "photographer": 0.3, "makeup_artist": 0.1, "hair_stylist": 0.1, "stylist": 0.3,
    "set_designer": 0.1, "art_director": 0.8, "producer": 0.6, "retoucher": 0.5, "ai_artist": 1.0,
    "rights_manager": 1.0,
}


#: How far after today a run date may lie: a year of planning ahead, not a typo's century.
AS_OF_MAX_DAYS_AHEAD = 366


class Params(BaseModel):
    """Parameters of a run. Money is in ``reporting_currency``; shares are 0-1."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

    # --- common (names promised in docs/DESIGN.md) ------------------------------------
    reporting_currency: str = Field("EUR", description="ISO 4217 code all money is reported in")
    fx_rates: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_FX_RATES),
        description="units of the reporting currency per unit of each currency",
    )
    brands: list[str] = Field(default_factory=list, description="brands to analyse; empty = all")
    seed: int = Field(DEFAULT_SEED, ge=0, le=2**32 - 1, description="random seed for every simulation")
    n_draws: int = Field(10_000, ge=100, le=10_000_000, description="Monte Carlo draws")
    horizon_years: int = Field(5, ge=1, le=30, description="years simulated in scenarios")
    discount_rate: float = Field(0.08, ge=0.0, le=0.5, description="annual discount rate for NPV")
    adoption_share: float = Field(
        0.8, ge=0.0, le=1.0, description="share of assets made with twins in the scenario year"
    )
    as_of: date | None = Field(None, description="run date for freshness checks; empty = today")

    # --- production cost (01_production_cost) --------------------------------------
    twins_per_season: int = Field(4, ge=0, le=1000, description="twins built per season in the twin scenario")
    twin_life_seasons: int = Field(6, ge=1, le=40, description="seasons a twin is used before it is rebuilt")
    assets_per_season: int = Field(
        0, ge=0, le=10_000_000, description="assets a brand needs per season; 0 = the data's average")
    driver_ranges: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="low and high multipliers on a driver's observed value (tornado, Monte Carlo); a driver not "
                    "named moves within its campaigns' P10-P90 spread",
    )

    # --- engagement (03_engagement) --------------------------------------------------
    outcome: str = Field("engagements", description="engagements (likes+comments+shares+saves) or one count alone")
    nb_max_rows: int = Field(50_000, ge=0, le=5_000_000,
                             description="posts the negative binomial check is fitted on (a seeded sample beyond)")
    follower_bin_width: float = Field(0.1, gt=0.0, le=1.0,
                                      description="width of log-follower bins in the cell model (natural log)")
    test_effect: float = Field(0.9, gt=0.2, lt=5.0,
                               description="the rate ratio a planned randomised test should detect (not 1)")
    test_power: float = Field(0.8, ge=0.5, le=0.99, description="the chance the planned test detects it")
    label_time_bins: list[int] = Field(
        default_factory=lambda: [6, 12],
        description="months since a brand's first labelled post at which the label's effect is split into bins "
                    "(6, 12: [0, 6), [6, 12) and 12 or more); increasing whole months above 0")

    # --- creative labour (02_creative_labor) ----------------------------------------
    redeploy_share: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_REDEPLOY_SHARE),
        description="share of each role's displaced hours the brand keeps paid on other work (0-1)")
    annual_hours: float = Field(1720.0, ge=100.0, le=4000.0, description="paid hours in one full-time year (FTE)")
    agency_commission: float = Field(0.2, ge=0.0, le=0.6, description="share of a model's fees kept by the agency")
    labor_year: int = Field(0, ge=0, le=2100, description="year whose asset volume the scenario uses; 0 = latest")

    # --- scenarios (05_scenarios) ---------------------------------------------------
    volume_growth: float = Field(0.0, ge=-0.5, le=1.0, description="yearly growth of the assets a brand needs")
    value_per_engagement: float | None = Field(
        None, ge=0.0, le=1000.0,
        description="what one engagement is worth in the reporting currency; empty = estimated from the optional "
                    "post_outcomes table (revenue per engagement x gross_margin), or not valued without it")
    gross_margin: float = Field(
        DEFAULT_GROSS_MARGIN, ge=0.0, le=1.0,
        description="share of revenue kept as gross profit, to value an engagement from post_outcomes; default "
                    "0.534, H&M group's gross margin in its 2024 financial year (data/reference/benchmarks.csv)")
    adoption_share_spread: float = Field(
        0.1, ge=0.0, le=0.5,
        description="the end twin share the NPV draws lies within adoption_share plus or minus this (share points)")
    adoption_years_spread: float = Field(
        0.4, ge=0.0, le=0.9,
        description="the years the NPV draws take to reach the end share lie within horizon_years times 1 plus or "
                    "minus this")
    options: list[float] = Field(
        default_factory=list,
        description="twin shares (0-1) the decision compares besides today's mix; empty = today's mix, halfway "
                    "and adoption_share")
    observational_bias: float = Field(
        0.10, ge=0.0, le=1.0,
        description="bias allowance on the log scale added to an observational rate ratio's uncertainty in the "
                    "decision's draws (0.10: a confounder the size of a 10% rate difference); a randomised test "
                    "gets none")
    commitments: dict[str, bool] = Field(
        default_factory=dict,
        description="promises the decision prices in: models_whole (every model booked in the base year earns at "
                    "least what today's mix pays them: the brand tops up their twin fees) and redeploy_all (every "
                    "displaced hour is redeployed and paid); empty = none")
    test_setup_cost: float = Field(
        5000.0, ge=0.0, le=1e8,
        description="fixed cost of running a randomised test (reporting currency): planning, tagging, analysis")
    test_cost_per_post: float = Field(
        20.0, ge=0.0, le=1e6,
        description="extra cost of each post in a randomised test (reporting currency), over what it costs anyway")

    # --- rights and representation (04_rights_and_representation) -------------------
    target_size_mix: dict[str, float] = Field(
        default_factory=lambda: {"petite": 0.2, "straight": 0.5, "plus": 0.3},
        description="target shares of size_range in the imagery a brand publishes (sum to 1)")
    target_age_mix: dict[str, float] = Field(
        default_factory=lambda: {"18-24": 0.25, "25-34": 0.3, "35-44": 0.2, "45-54": 0.15, "55+": 0.1},
        description="target shares of age_band (sum to 1)")

    # --- where the data comes from (the CLI's --data / --source set these) -----------
    data_dir: str = Field("", description="folder of contract tables or a .duckdb file; empty = sample")
    source_env: str = Field("", description="NAME of an environment variable holding an ibis URL")
    assets_dir: str = Field("", description="folder of the assets' image files (<asset_id>.jpg/.png/.webp); "
                                            "empty = assets/ beside the tables of a folder, if there")
    encoding: Literal["auto", "utf-8", "utf-16", "cp1252", "latin-1"] = Field(
        "auto", description="encoding of the CSV tables: auto reads UTF-8 and UTF-16 (by its byte-order mark) and "
                            "refuses others, naming them; cp1252 is what Excel's plain CSV writes in Western Europe")
    decimal: Literal["auto", ".", ","] = Field(
        "auto", description="decimal mark of CSV tables separated by semicolons or tabs: auto reads the mark the "
                            "numbers show and refuses a file that shows both")
    date_order: Literal["auto", "mdy", "dmy"] = Field(
        "auto", description="order of dates written with slashes (5/20/2023): auto reads the order the file's "
                            "dates show and refuses a file where none shows it")

    # ------------------------------------------------------------------------------
    @field_validator("fx_rates", "brands", "driver_ranges", "target_size_mix", "target_age_mix",
                     "redeploy_share", mode="before")
    @classmethod
    def _parse_strings(cls, value: Any) -> Any:
        # papermill's `-p` passes lists and dicts as strings (papermill #396).
        if isinstance(value, str):
            return yaml.safe_load(value) if value.strip() else None
        return value

    @field_validator("driver_ranges")
    @classmethod
    def _known_drivers(cls, value: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        known = [*DRIVER_LABELS, *HOURS_LABELS]
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"unknown driver(s) {', '.join(unknown)}; known: {', '.join(known)}")
        for name, (low, high) in value.items():
            if not (0 < low <= 1 <= high):
                raise ValueError(f"range for {name} must satisfy 0 < low <= 1 <= high, got ({low}, {high})")
        return {k: (float(lo), float(hi)) for k, (lo, hi) in value.items()}

    @field_validator("redeploy_share")
    @classmethod
    def _redeploy(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown role(s) {', '.join(unknown)}; roles: {', '.join(ROLES)}")
        if any(not 0 <= v <= 1 for v in value.values()):
            raise ValueError("every share must be between 0 and 1")
        return {**DEFAULT_REDEPLOY_SHARE, **value}

    @field_validator("target_size_mix", "target_age_mix")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        if any(not 0 <= v <= 1 for v in value.values()):
            raise ValueError("every share must be between 0 and 1")
        if value and abs(sum(value.values()) - 1) > 0.01:
            raise ValueError(f"shares must add up to 1, they add up to {sum(value.values()):.3f}")
        return value

    @field_validator("test_effect")
    @classmethod
    def _an_effect(cls, value: float) -> float:
        if abs(value - 1.0) < 1e-6:
            raise ValueError("must differ from 1 (a rate ratio of 1 is no effect to detect)")
        return value

    @field_validator("label_time_bins")
    @classmethod
    def _increasing_bins(cls, v: list[int]) -> list[int]:
        if not v or any(b <= 0 for b in v) or any(b >= c for b, c in zip(v, v[1:])):
            raise ValueError(f"must be increasing whole months above 0, like [6, 12]; got {v}")
        return v

    @field_validator("assets_dir")
    @classmethod
    def _a_folder(cls, value: str) -> str:
        if value and Path(value).expanduser().is_file():
            raise ValueError(f"{value} is a file: name the folder that holds the asset files (<asset_id>.png, .jpg or "
                             ".webp), or leave it empty for assets/ beside the tables")
        return value

    @field_validator("as_of")
    @classmethod
    def _not_far_ahead(cls, value: date | None) -> date | None:
        limit = date.today() + timedelta(days=AS_OF_MAX_DAYS_AHEAD)
        if value is not None and value > limit:
            raise ValueError(f"{value.isoformat()} is more than {AS_OF_MAX_DAYS_AHEAD} days after today "
                             f"({date.today().isoformat()}): the run date says which rules are in force and how fresh "
                             "the data are; give a date up to a year ahead, or leave it empty for today")
        return value

    @field_validator("commitments")
    @classmethod
    def _known_commitments(cls, value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - {"models_whole", "redeploy_all"})
        if unknown:
            raise ValueError(f"unknown commitment(s) {unknown}; known: models_whole, redeploy_all")
        return value

    @field_validator("options")
    @classmethod
    def _option_shares(cls, value: list[float]) -> list[float]:
        bad = [v for v in value if not 0.0 <= v <= 1.0]
        if bad:
            raise ValueError(f"every option is a twin share from 0 to 1; got {bad}")
        return sorted(set(value))

    @field_validator("outcome")
    @classmethod
    def _known_outcome(cls, value: str) -> str:
        allowed = ("engagements", "likes", "comments", "shares", "saves")
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    @field_validator("reporting_currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        if not _CURRENCY.match(value):
            raise ValueError("must be a three-letter ISO 4217 code in capitals, e.g. EUR")
        return value

    @field_validator("fx_rates")
    @classmethod
    def _positive_rates(cls, value: dict[str, float]) -> dict[str, float]:
        for code, rate in value.items():
            if not _CURRENCY.match(str(code)):
                raise ValueError(f"currency {code!r} is not a three-letter ISO 4217 code")
            if not rate > 0:
                raise ValueError(f"rate for {code} must be above 0, got {rate}")
        return value

    @field_validator("source_env")
    @classmethod
    def _env_name_only(cls, value: str) -> str:
        if value and not _ENV_NAME.match(value):
            # Never echo the value: it may be the connection URL itself.
            raise ValueError(
                "must be the NAME of an environment variable (letters, digits, _), "
                "not a connection URL; put the URL in that variable"
            )
        return value

    @model_validator(mode="after")
    def _reporting_currency_has_rate_one(self) -> "Params":
        rate = self.fx_rates.get(self.reporting_currency)
        if rate is None:
            self.fx_rates = {**self.fx_rates, self.reporting_currency: 1.0}
        elif abs(rate - 1.0) > 1e-12:
            raise ValueError(
                f"fx_rates[{self.reporting_currency}] must be 1 because "
                f"{self.reporting_currency} is the reporting currency, got {rate}"
            )
        if self.data_dir and self.source_env:
            raise ValueError("give data_dir or source_env, not both")
        return self

    # ------------------------------------------------------------------------------
    def rate(self, currency: str) -> float:
        """Units of the reporting currency per unit of ``currency``."""
        return self.fx_rates[currency]

    def notebook_parameters(self, names: list[str] | None = None) -> dict[str, Any]:
        """Values to inject with papermill, as plain literals (dates as ISO strings)."""
        dumped = self.model_dump(mode="json")
        return dumped if names is None else {k: dumped[k] for k in names if k in dumped}


# ----------------------------------------------------------------------------------
def field_help(name: str) -> str:
    """What a field allows: its type, range and meaning, for error messages."""
    field = Params.model_fields[name]
    bounds = {type(m).__name__: m for m in field.metadata}
    parts = []
    lo = getattr(bounds.get("Ge"), "ge", None)
    if lo is None and bounds.get("Gt") is not None:
        lo = f"above {bounds['Gt'].gt}"
    hi = getattr(bounds.get("Le"), "le", None)
    if hi is None and bounds.get("Lt") is not None:
        hi = f"below {bounds['Lt'].lt}"
    if lo is not None and hi is not None:
        parts.append(f"allowed {lo} to {hi}")
    elif hi is not None:
        parts.append(f"allowed up to {hi}")
    elif lo is not None:
        parts.append(f"allowed {lo} or more")
    ann = field.annotation
    parts.append(f"type {getattr(ann, '__name__', str(ann)).replace('typing.', '')}")
    if field.description:
        parts.append(field.description)
    return "; ".join(parts)


def format_validation_error(err: ValidationError, where: str) -> str:
    """One readable paragraph naming each bad key, what was given and what is allowed."""
    known = list(Params.model_fields)
    lines = []
    for e in err.errors():
        loc = [str(p) for p in e["loc"]]
        key = ".".join(loc) if loc else "(parameters)"
        top = loc[0] if loc else ""
        if e["type"] == "extra_forbidden":
            hint = difflib.get_close_matches(top, known, n=1)
            did = f" Did you mean {hint[0]!r}?" if hint else ""
            lines.append(f"unknown parameter {key!r}.{did} Known parameters: {', '.join(known)}.")
            continue
        msg = e["msg"].removeprefix("Value error, ")
        given = ""
        if top not in _NEVER_ECHOED and not isinstance(e.get("input"), (dict, list)):
            given = f" (given {e.get('input')!r})"
        allowed = f" [{field_help(top)}]" if top in Params.model_fields else ""
        lines.append(f"parameter {key!r}: {msg}{given}{allowed}.")
    return f"Bad parameters in {where}: " + " ".join(lines)


def parse_params(values: dict[str, Any], where: str = "parameters") -> Params:
    """Validate a mapping of parameters, raising :class:`ParamsError` with a clear message.

    Parameters
    ----------
    values
        Parameter name -> value (from YAML, a notebook or the command line).
    where
        Where they came from, for the messages (a file name).

    Returns
    -------
    Params
    """
    try:
        return Params.model_validate(values)
    except ValidationError as err:
        raise ParamsError(format_validation_error(err, where)) from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a mapping that names a key twice (YAML itself lets the
    last one silently win)."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is given twice, on lines {seen[key]} and {line}: keep one",
                key_node.start_mark)
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def read_params_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML parameters file into a mapping (empty file = all defaults)."""
    path = Path(path)
    if not path.is_file():
        raise ParamsError(
            f"Parameters file {path} does not exist. Pass an existing YAML file with -p, "
            f"e.g. notebooks/params/default.yaml."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ParamsError(f"Parameters file {path} is not UTF-8 text (byte {exc.start} cannot be read); save it "
                          "as UTF-8 and run again.") from None
    except OSError as exc:
        raise ParamsError(f"Parameters file {path} cannot be read: {exc.strerror or exc}.") from None
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader that also refuses repeated keys
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ParamsError(f"Parameters file {path} is not valid YAML{at}: {getattr(exc, 'problem', exc)}.") from None
    except ValueError as exc:  # YAML reads 2026-13-45 as a date and fails on it
        bad = [ln.strip() for ln in text.splitlines() if re.search(r"\b\d{4}-\d{1,2}-\d{1,2}\b", ln)]
        where = f" ({bad[0]})" if bad else ""
        raise ParamsError(f"Parameters file {path} holds a value YAML cannot read{where}: {exc}. Dates are "
                          "YYYY-MM-DD with a real month and day.") from None
    except RecursionError:
        raise ParamsError(f"Parameters file {path} is nested too deeply to be a parameters file.") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ParamsError(f"Parameters file {path} must be a mapping of key: value, not a {type(raw).__name__}.")
    return raw


def load_params(path: str | Path, **overrides: Any) -> Params:
    """Read and validate a YAML parameters file; ``overrides`` (e.g. from the CLI) win."""
    values = read_params_file(path)
    given = values.get("source_env")
    if given and not _ENV_NAME.match(str(given)):  # refused even when --data or --source replaces it
        raise ParamsError(f"Parameters file {path}: source_env must be the NAME of an environment variable (letters, "
                          "digits, _), not a connection URL: a URL in a file is a password at rest. Put the URL in "
                          "an environment variable (percent-encode special characters of the password, e.g. @ as "
                          "%40) and give its name. The value is not shown here.")
    values.update({k: v for k, v in overrides.items() if v is not None})
    return parse_params(values, where=str(path))


def from_namespace(namespace: dict[str, Any], where: str = "the notebook's parameters cell") -> Params:
    """Validate the parameters a notebook defines (its globals) through :class:`Params`.

    Only names that are fields of :class:`Params` are taken; the rest keep their defaults.

    Parameters
    ----------
    namespace
        A notebook's ``globals()``.
    where
        Where they came from, for the messages.

    Returns
    -------
    Params
    """
    values = {name: namespace[name] for name in Params.model_fields if name in namespace}
    return parse_params(values, where=where)
