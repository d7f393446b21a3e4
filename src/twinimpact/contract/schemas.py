"""Validation of frames in memory against the data contract (``docs/DATA_CONTRACT.md``,
generated from :mod:`twinimpact.contract.spec`), and the issues every validation reports.

Data read from a source is validated in its engine (:mod:`twinimpact.contract.checks`); this module
validates pandas frames (frames an analyst builds in a notebook) with the same rules, and
the tests hold the two to the same messages. Two steps, one loop over the contract's rules each:

1. **types**: raw frames (text from CSV, native types from Parquet or a database) become
   the contract's types; a value that does not parse is an issue under the column's
   ``type`` rule, not a crash;
2. **rules**: every ``not_empty``, ``unique`` and ``row`` rule of
   :data:`twinimpact.contract.spec.RULES` is evaluated on the frame (:func:`passes`), each
   as one vectorised mask.

Failures are :class:`Issue` objects naming the table, the column, the rule (its sentence
and its id), how many rows break it and the first few keys or CSV line numbers; a
:class:`ContractViolation` (exit 3) carries all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
import numpy as np
import pandas as pd

from twinimpact.contract.spec import (CONTRACT, CONTROL_CHARACTERS, FALSE_TEXT, FIRST_ROWS, RULES, RULES_BY_ID, TRUE_TEXT, Column,
                                      Context, Rule, Table, lookups, rule_text)
from twinimpact.errors import DataError
from twinimpact.contract.hints import header_hint, shown, shown_key, value_hint
from twinimpact.contract.hints import record_lines


# --- issues: what is wrong, where ----------------------------------------------------
@dataclass
class Issue:
    """One broken rule: table, column, rule, how many rows and which ones."""

    table: str
    column: str | None
    rule: str
    rows: int
    where: list[str] = field(default_factory=list)
    origin: str = ""
    rule_id: str = ""
    note: str = ""  # the value found and what to do, for values a spreadsheet export typically gets wrong

    def message(self) -> str:
        col = f", column {self.column}" if self.column else ""
        src = f" ({self.origin})" if self.origin else ""
        rid = f" [rule {self.rule_id}]" if self.rule_id else ""
        n = f": {self.rows} row{'s' if self.rows != 1 else ''} break{'s' if self.rows == 1 else ''} it"
        if self.rows == 0 and (self.column is None or self.rule_id.endswith(".present")):
            n = ""  # the table or column as a whole: missing, or without rows
        first = f"; first: {', '.join(self.where)}" if self.where else ""
        note = f"; {self.note}" if self.note else ""
        return f"Table {self.table}{src}{col}: {self.rule}{rid}{n}{first}{note}."


@dataclass(frozen=True)
class Origin:
    """Where a table came from, so that errors can point at lines or keys."""

    description: str  # e.g. "data/sample/campaigns.csv" or "duckdb table campaigns"
    line_numbers: bool = False  # True for CSV: rows are named by their line in the file
    #: The line (or worksheet row) of each row, when the table was read row by row
    #: (:mod:`twinimpact.sources.textfiles`); else they are counted in the file.
    lines: tuple[int, ...] = ()

    def line(self, row: int) -> int:
        """The file line a CSV record starts on (header = line 1), counting quoted newlines."""
        if self.lines:
            return self.lines[row] if row < len(self.lines) else row + 2
        starts = record_lines(self.description)
        return starts[row] if row < len(starts) else row + 2


class ContractViolation(DataError):
    """The data breaks the contract; ``issues`` lists every broken rule."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        head = (
            f"The data breaks the data contract in {len(issues)} place{'s' if len(issues) != 1 else ''}; "
            "nothing was computed or published. Fix the rows named below (the rules are in "
            "docs/DATA_CONTRACT.md) and run again."
        )
        super().__init__("\n".join([head, *(f"- {i.message()}" for i in issues)]))


def _issue(rule: Rule, rows: int, where: list[str], origin: "Origin | None", ctx: Context | None = None) -> Issue:
    return Issue(rule.table, rule.column, rule_text(rule, ctx), rows, where, origin.description if origin else "",
                 rule.id)


def _where(frame: pd.DataFrame, index: pd.Index, table: Table, origin: Origin | None, limit: int = FIRST_ROWS) -> list[str]:
    """The first few offending rows: CSV line numbers and/or keys."""
    index = pd.Index(index).unique()[:limit]
    lines = origin is not None and origin.line_numbers
    out = []
    for i in index:
        k = str(frame.loc[i, table.key]) if table.key and table.key in frame.columns else ""
        key = f"{table.key} {shown_key(k)}" if k else ""
        if lines:
            out.append(f"line {origin.line(int(i))}" + (f" ({key})" if key else ""))
        else:
            out.append(key or f"row {int(i) + 1}")
    return out


# --- step 1: types ---------------------------------------------------------------------


def _blank(series: pd.Series) -> pd.Series:
    if (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
            or pd.api.types.is_datetime64_any_dtype(series)):
        return series.isna()  # native types: only a missing value is blank
    return (series.isna() | series.astype("string").str.strip().eq("")).fillna(True).astype(bool)


def _coerce(series: pd.Series, column: Column, blank: pd.Series) -> pd.Series:
    kind = column.kind
    if kind in ("str", "enum"):
        return series.astype("string").str.strip().mask(blank)
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
        out[text.isin(TRUE_TEXT).fillna(False).astype(bool)] = True
        out[text.isin(FALSE_TEXT).fillna(False).astype(bool)] = False
        return out
    if kind == "date":
        if pd.api.types.is_datetime64_any_dtype(series):
            if series.dt.tz is not None:
                series = series.dt.tz_localize(None)
            return series.dt.normalize().astype("datetime64[us]")
        return pd.to_datetime(series.astype("string").str.strip().mask(blank), format="%Y-%m-%d",
                              errors="coerce").astype("datetime64[us]")
    if kind == "timestamp":
        if pd.api.types.is_datetime64_any_dtype(series):
            s = pd.to_datetime(series)
            s = s.dt.tz_convert("UTC") if s.dt.tz is not None else s.dt.tz_localize("UTC")
            return s.astype("datetime64[us, UTC]")
        text = series.astype("string").str.strip().mask(blank)
        return pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce").astype("datetime64[us, UTC]")
    raise AssertionError(kind)


def coerce_table(raw: pd.DataFrame, table: Table, origin: Origin | None = None
                 ) -> tuple[pd.DataFrame, list[Issue], dict[str, set[int]]]:
    """Cast every contract column to its type; extra columns are dropped.

    Returns the typed frame, the issues of the ``present`` and ``type`` rules, and the rows
    of each column that failed to parse (they are empty in the typed frame and must not
    be reported again as empty).

    Parameters
    ----------
    raw
        A contract table as read (text from CSV, or native types).
    table
        Its contract.
    origin
        Where it came from, for the messages.

    Returns
    -------
    tuple
        (the frame in the contract's types, the issues of values that do not parse, column ->
        rows that did not parse).
    """
    issues: list[Issue] = []
    unparsed: dict[str, set[int]] = {}
    left_out = [c for c in table.column_names if c not in raw.columns and c not in table.required_names]
    if left_out:  # optional columns a file may leave out stand in as empty
        raw = raw.assign(**{c: pd.Series([None] * len(raw), index=raw.index, dtype=object) for c in left_out})
    missing = [c for c in table.required_names if c not in raw.columns]
    for name in missing:
        issue = _issue(RULES_BY_ID[f"{table.name}.{name}.present"], len(raw), [], origin)
        issue.note = header_hint(name, [str(c) for c in raw.columns])
        issues.append(issue)
    if missing:
        return raw, issues, unparsed
    if not isinstance(raw.index, pd.RangeIndex) and not pd.api.types.is_integer_dtype(raw.index):
        raw = raw.reset_index(drop=True)
    typed = pd.DataFrame(index=raw.index)
    for column in table.columns:
        blank = _blank(raw[column.name])
        typed[column.name] = _coerce(raw[column.name], column, blank)
        bad = typed[column.name].isna() & ~blank
        rule = RULES_BY_ID.get(f"{table.name}.{column.name}.type")
        if bad.any() and rule is not None:
            keyed = typed if table.key and column.name != table.key else raw
            issue = _issue(rule, int(bad.sum()), _where(keyed, raw.index[bad], table, origin), origin)
            issue.note = value_hint(raw.loc[raw.index[bad][0], column.name], column)
            issues.append(issue)
            unparsed[column.name] = set(raw.index[bad])
    return typed, issues, unparsed


# --- step 2: the rules -----------------------------------------------------------------
class FrameRows:
    """A pandas frame as the :class:`~twinimpact.contract.spec.Rows` a row check reads."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def __getitem__(self, name: str) -> pd.Series:
        return self.frame[name]

    def matches(self, name: str, pattern: str) -> pd.Series:
        return self.frame[name].astype("string").str.match(pattern)

    def printable(self, name: str) -> pd.Series:
        bad = "[" + "".join(f"\\x{ord(c):02x}" for c in CONTROL_CHARACTERS) + "]"
        return ~self.frame[name].astype("string").str.contains(bad, regex=True)

    def length(self, name: str) -> pd.Series:
        return self.frame[name].astype("string").str.len()

    def as_of_limit(self, ctx: Context) -> pd.Timestamp:
        return pd.Timestamp(ctx.as_of, tz="UTC") + pd.Timedelta(days=1)

    def day_after_run(self, ctx: Context) -> pd.Timestamp:
        return pd.Timestamp(ctx.as_of) + pd.Timedelta(days=1)

    def finite(self, name: str) -> pd.Series:
        values = self.frame[name].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        return pd.Series(np.isfinite(values), index=self.frame.index)

    def member(self, name: str, keys: set[str]) -> pd.Series:
        """Whether each row's ``name`` is one of ``keys``."""
        return self.frame[name].isin(keys)

    def lookup(self, name: str, mapping: dict[str, float]) -> pd.Series:
        """The number ``mapping`` holds for each row's ``name`` (missing where it holds none).

        Parameters
        ----------
        name
            A column of the rows.
        mapping
            Its value -> a number.

        Returns
        -------
        Any
            A numeric pandas Series (missing where ``mapping`` holds none).
        """
        return self.frame[name].map(mapping).astype("Float64")


def passes(rule: Rule, frame: pd.DataFrame, ctx: Context) -> pd.Series:
    """Whether each row passes ``rule``; a check that yields a missing value passes the row
    (as a SQL filter on the same expression would keep it out of the breaking rows).

    Parameters
    ----------
    rule
        A ``not_empty``, ``unique`` or ``row`` rule.
    frame
        The typed table.
    ctx
        What rules that look beyond one row need.

    Returns
    -------
    Series
        Bool per row.
    """
    if rule.kind == "not_empty":
        return frame[rule.column].notna()
    if rule.kind == "unique":
        col = frame[rule.column]
        return ~(col.duplicated(keep=False) & col.notna())
    ok = pd.Series(rule.check(FrameRows(frame), ctx), index=frame.index)  # type: ignore[misc]
    return ok.astype("boolean").fillna(True).astype(bool)


def validate_table(frame: pd.DataFrame, table: Table, ctx: Context, origin: Origin | None = None,
                   unparsed: dict[str, set[int]] | None = None, check_unique: bool = True) -> list[Issue]:
    """Every rule of one typed table, as issues in the contract's order (empty = clean).
    Rows already reported as values that do not parse are not reported again under the
    same column's other rules.

    Parameters
    ----------
    frame
        The typed table.
    table
        Its contract.
    ctx
        What rules that look beyond one row need.
    origin
        Where it came from, for the messages.
    unparsed
        Column -> rows already reported as unparseable.
    check_unique
        Whether ``unique`` rules run here.

    Returns
    -------
    list of Issue
    """
    unparsed = unparsed or {}
    issues: list[Issue] = []
    for rule in RULES[table.name]:
        if rule.kind not in ("not_empty", "row") and not (rule.kind == "unique" and check_unique):
            continue
        broken = frame.index[~passes(rule, frame, ctx).to_numpy()]
        broken = broken.difference(pd.Index(sorted(unparsed.get(rule.column or "", ())), dtype=broken.dtype))
        if len(broken):
            issue = _issue(rule, len(broken), _where(frame, broken.sort_values(), table, origin), origin, ctx)
            first = frame.loc[broken.sort_values()[0], rule.column] if rule.kind == "row" and rule.column in frame else None
            if first is not None and not pd.isna(first):
                issue.note = f"value found {shown(first)}"  # as the engine evaluator says it
            issues.append(issue)
    return issues


def context(typed: dict[str, pd.DataFrame], currencies: set[str], reporting_currency: str, as_of: date) -> Context:
    """What the rules that look beyond one row need, from the typed tables at hand.

    Parameters
    ----------
    typed
        Table name -> typed frame.
    currencies
        The codes with an exchange rate.
    reporting_currency
        The reporting currency's code.
    as_of
        The run date.

    Returns
    -------
    Context
    """
    keys = {n: set(typed[n][t.key].dropna()) for n, t in CONTRACT.items() if t.key and n in typed}
    values: dict[str, dict[str, float]] = {}
    if "campaigns" in typed:
        more, values = lookups(typed["campaigns"])
        keys.update(more)
    return Context(keys=keys, currencies=set(currencies), as_of=as_of, reporting_currency=reporting_currency,
                   values=values)


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

    Parameters
    ----------
    raw
        Table name -> frame as read.
    currencies
        The codes with an exchange rate.
    reporting_currency
        The reporting currency's code.
    as_of
        The run date.
    origins
        Table name -> where it came from.
    elsewhere
        Tables the caller validates.

    Returns
    -------
    dict
        Table name -> frame in the contract's types.
    """
    origins = origins or {}
    issues: list[Issue] = []
    typed: dict[str, pd.DataFrame] = {}
    unparsed: dict[str, dict[str, set[int]]] = {}
    for name, table in CONTRACT.items():
        if name in elsewhere:
            continue
        if name not in raw:
            if not table.optional:
                issues.append(_issue(RULES_BY_ID[f"{name}.present"], 0, [], origins.get(name)))
            continue
        typed[name], found, unparsed[name] = coerce_table(raw[name], table, origins.get(name))
        issues += found
        if table.needs_rows and len(raw[name]) == 0:
            issues.append(_issue(RULES_BY_ID[f"{name}.has_rows"], 0, [], origins.get(name)))
    if any(i.rule_id.endswith((".present", ".has_rows")) for i in issues):
        raise ContractViolation(issues)  # the rules below need every table and column
    ctx = context(typed, currencies, reporting_currency, as_of)
    for name, table in CONTRACT.items():
        if name not in elsewhere and name in typed:
            issues += validate_table(typed[name], table, ctx, origins.get(name), unparsed[name])
    if issues:
        raise ContractViolation(issues)
    return typed
