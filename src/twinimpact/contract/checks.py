"""The data contract's rules compiled to the engine that holds the data.

Every rule of :data:`twinimpact.contract.spec.RULES` becomes an ibis expression over the source
table (DuckDB for files, PostgreSQL, Spark or any engine ibis reaches), and **one query per
table** returns, per rule, how many rows break it, together with the table's row count and
its fingerprint. Only for a broken rule does a second, small query fetch the first few
offending rows. A 10M-row table is thus validated without leaving the engine, and the
messages are those of the in-memory validation (:mod:`twinimpact.contract.schemas`): table, column,
rule, rows, first keys or CSV lines.

Text (CSV, or text columns of a database) is parsed the way :mod:`twinimpact.contract.schemas`
parses it (CSV text trimmed of surrounding whitespace; strings stored in Parquet or a
database taken as they are): numbers, ``true/false/t/f/1/0/yes/no``, ISO dates ``YYYY-MM-DD`` and ISO 8601
timestamps; a value that does not parse breaks the column's ``type`` rule and is not
reported again as empty.

The fingerprint is order-independent and engine-independent: each row becomes one text
(integers and dates as written, floats in millionths, timestamps in epoch seconds,
``\\N`` for empty), the engine takes its md5, and the sums over all rows of two 20-bit
slices of those digests, with the row count, are hashed with sha256. The same rows give
the same fingerprint on DuckDB, PostgreSQL and Spark, whatever their order or file format.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import Any, Callable

import pandas as pd

from twinimpact.contract.spec import (CONTRACT, FALSE_TEXT, FIRST_ROWS, RULES, RULES_BY_ID, TRUE_TEXT, Column,
                                      Context, Rule, Table, lookups, rule_text)
from twinimpact.contract.hints import SHOWN, header_hint, shown, shown_key, value_hint
from twinimpact.contract.schemas import Issue, Origin
from twinimpact.contract.schemas import ContractViolation, coerce_table

IBIS_TYPES = {"str": "string", "enum": "string", "int": "int64", "float": "float64", "bool": "boolean",
              "date": "date", "timestamp": "timestamp('UTC')"}
_DATE_TEXT = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"
NULL_TEXT = "\\N"
#: Keys a membership test lists as literals; more go through a temporary table (the engine
#: then plans a hash join: 10M posts against 198 campaign ids as literals took DuckDB 3.4 s,
#: against a table of them 0.2 s).
MEMBER_LITERALS = 16


class ExprRows:
    """An ibis table as the :class:`~twinimpact.contract.spec.Rows` a row check reads."""

    def __init__(self, table: Any):
        self.table = table

    def __getitem__(self, name: str) -> Any:
        return self.table[name]

    def matches(self, name: str, pattern: str) -> Any:
        return self.table[name].re_search(pattern)

    def printable(self, name: str) -> Any:
        # a character class of escapes every engine's regular expressions read (RE2, Java,
        # PostgreSQL); PostgreSQL text cannot hold NUL, and its regex refuses the escape \x00
        x = self.table[name]
        low = "\\x01" if backend_name(x) == "postgres" else "\\x00"
        return ~x.re_search(f"[{low}-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]")

    def length(self, name: str) -> Any:
        return self.table[name].length()

    def as_of_limit(self, ctx: Context) -> Any:
        import ibis

        day = datetime.combine(ctx.as_of + timedelta(days=1), time(0), tzinfo=timezone.utc)
        return ibis.literal(day, type="timestamp('UTC')")

    def day_after_run(self, ctx: Context) -> Any:
        import ibis

        return ibis.literal(ctx.as_of + timedelta(days=1), type="date")

    def finite(self, name: str) -> Any:
        x = self.table[name]
        return ~(x.isnan() | (x == float("inf")) | (x == float("-inf")))

    def member(self, name: str, keys: set[str]) -> Any:
        """Whether each row's ``name`` is one of ``keys``: a list of literals when short, else
        a subquery over a temporary table of the keys (a foreign key into 50,000 posts as
        literals takes the engine seconds; as a table, milliseconds)."""
        import ibis

        if isinstance(keys, EngineKeys):
            return self.table[name].isin(keys.column)
        if len(keys) <= MEMBER_LITERALS:
            return self.table[name].isin(sorted(keys))
        return self.table[name].isin(ibis.memtable({"k": sorted(keys)}, schema={"k": "string"}).k)

    def lookup(self, name: str, mapping: dict[str, float]) -> Any:
        """The number ``mapping`` holds for each row's ``name`` (null where it holds none).

        Parameters
        ----------
        name
            A column of the rows.
        mapping
            Its value -> a number.

        Returns
        -------
        Any
            A numeric ibis column (null where ``mapping`` holds none).
        """
        import ibis

        if not mapping:
            return ibis.null().cast("float64")
        return self.table[name].substitute({k: float(v) for k, v in mapping.items()}, else_=ibis.null()) \
            .cast("float64")


# --- types: the parse of each column, and whether it failed ----------------------------------
def parse(raw: Any, column: Column, trim: bool = True) -> tuple[Any, Any]:
    """The column as the contract's type, and a boolean that is true where a non-empty
    value does not parse (ibis expressions over the raw column). ``trim``: text from a CSV
    file loses surrounding whitespace; text stored as strings (Parquet, a database) is
    taken as it is, an empty string being empty."""
    import ibis

    kind, never = column.kind, ibis.literal(False)
    target = IBIS_TYPES[kind]
    current = raw.type()
    if not current.is_string() and kind not in ("str", "enum"):
        if kind == "int" and current.is_floating():
            whole = (raw % 1) == 0
            return whole.ifelse(raw.cast("int64"), ibis.null("int64")), raw.notnull() & ~whole.fill_null(False)
        if kind == "date" and current.is_timestamp():
            return raw.date(), never
        if kind == "timestamp" and current.is_timestamp() and current.timezone:
            return raw, never
        if current.castable(ibis.dtype(target)):
            return raw.cast(target), never
        raw = raw.cast("string")
    text = raw.cast("string") if not raw.type().is_string() else _strip(raw) if trim else raw
    text = text.nullif("")
    if kind in ("str", "enum"):
        return text, never
    if kind in ("int", "float"):
        num = text.try_cast("float64")
        if kind == "float":
            ok = num.notnull() & ~num.isnan()
            return ok.ifelse(num, ibis.null("float64")), text.notnull() & ~ok.fill_null(False)
        whole = ((num % 1) == 0).fill_null(False)
        return whole.ifelse(num.cast("int64"), ibis.null("int64")), text.notnull() & ~whole
    if kind == "bool":
        low = text.lower()
        value = low.isin(TRUE_TEXT).ifelse(True, low.isin(FALSE_TEXT).ifelse(False, ibis.null("boolean")))
        return value, text.notnull() & value.isnull()
    if kind == "date":
        value = text.re_search(_DATE_TEXT).ifelse(text.try_cast("date"), ibis.null("date"))
    else:
        value = text.try_cast(target)
    return value, text.notnull() & value.isnull()


def backend_name(expr: Any) -> str:
    """The name of the engine an ibis expression is bound to (``duckdb`` when unbound)."""
    try:
        return expr.get_backend().name
    except Exception:  # noqa: BLE001 - an unbound expression: the default engine
        return "duckdb"


def _strip(text: Any) -> Any:
    """Text without surrounding whitespace. ibis renders ``strip`` for Spark as
    ``TRIM(' \t\n\r\v\f' FROM x)``, whose Spark literal holds the letters v and f: there
    (only) a regular expression trims instead."""
    if backend_name(text) == "pyspark":
        return text.re_replace(r"^\s+|\s+$", "")
    return text.strip()


def trims(origin: Origin | None) -> bool:
    """Whether a table's text is trimmed: text from a CSV file (or frames in memory, no
    origin) is; strings stored in Parquet or a database are taken as they are."""
    return origin is None or origin.line_numbers


def typed(raw: Any, name: str, trim: bool = True) -> Any:
    """The raw table as the contract's typed columns (no validation); an optional column the
    table leaves out is empty."""
    import ibis

    return raw.select(**{c.name: parse(raw[c.name], c, trim)[0] if c.name in raw.columns else
                         ibis.null(IBIS_TYPES[c.kind]) for c in CONTRACT[name].columns})


# --- the fingerprint -------------------------------------------------------------------------
def canonical_text(value: Any, column: Column) -> Any:
    """One typed value as the text the fingerprint hashes (the same on every engine)."""
    import ibis

    kind = column.kind
    if kind == "int":
        text = value.cast("string")
    elif kind == "float":  # millionths; beyond 1e12 (or not finite) a coarser text, never an overflow
        size = value.abs()
        text = (size < 1e12).ifelse(
            (value * 1_000_000).round().cast("int64").cast("string"),
            (size < 1e18).ifelse("e6:" + (value / 1_000_000).round().cast("int64").cast("string"),
                                 ibis.literal("huge")))
        text = (value.isnan() | (size == float("inf"))).ifelse(ibis.literal("nonfinite"), text)
    elif kind == "bool":
        text = value.ifelse(ibis.literal("1"), ibis.literal("0"))
    elif kind == "date":
        text = value.cast("string")
    elif kind == "timestamp":  # DuckDB's own epoch of a zoned timestamp: ibis's casts it to a naive one first (2 s on 10M)
        seconds = _epoch_function()(value) if backend_name(value) == "duckdb" else value.epoch_seconds()
        text = seconds.cast("int64").cast("string")
    else:
        text = value
    return text.fill_null(NULL_TEXT)


def md5_hex(text: Any) -> Any:
    """The md5 of text as 32 lowercase hex digits, by the engine's own ``md5`` function
    (DuckDB, PostgreSQL and Spark all have it; ibis's ``hexdigest`` does not compile on
    PostgreSQL)."""
    return _md5_function()(text)


@functools.cache
def _epoch_function() -> Any:
    import ibis

    @ibis.udf.scalar.builtin(name="epoch", signature=(("timestamp('UTC')",), "float64"))
    def epoch(value):  # type: ignore[no-untyped-def]
        """DuckDB's epoch (seconds) of a timestamp."""

    return epoch


@functools.cache
def _md5_function() -> Any:
    import ibis

    @ibis.udf.scalar.builtin(name="md5")
    def md5(value: str) -> str:  # type: ignore[empty-body]
        """The engine's md5 (hex text)."""

    return md5


def hex_value(digest: Any, start: int, width: int = 5) -> Any:
    """The integer value of ``width`` hex digits of a lowercase hex digest (20 bits for 5)."""
    import ibis

    if backend_name(digest) == "duckdb":  # DuckDB reads hex text itself: one cast instead of a lookup per digit
        return (ibis.literal("0x") + digest.substr(start, width)).cast("int64")
    digits = ibis.literal("0123456789abcdef")
    out: Any = 0
    for i in range(width):
        out = out * 16 + digits.find(digest.substr(start + i, 1))
    return out


DIGEST = "_digest"


def with_digest(table: Any, name: str) -> Any:
    """The typed table with one more column, :data:`DIGEST`: the md5 (hex) of each row's
    canonical text (:func:`canonical_text`). Computed once per row in a projection of its own,
    so that the aggregates of :func:`fingerprint_parts` read it rather than each compiling
    the md5 again."""
    import ibis

    cols = CONTRACT[name].columns
    text = ibis.literal("|").join([canonical_text(table[c.name], c) for c in cols if not c.optional])
    for c in cols:  # an optional column counts only where it holds a value: tables without it keep their fingerprint
        if c.optional:
            text = text + table[c.name].isnull().ifelse(ibis.literal(""), "|" + c.name + "=" + canonical_text(
                table[c.name], c))
    return table.mutate(**{DIGEST: md5_hex(text)})


def fingerprint_parts(table: Any, name: str) -> dict[str, Any]:
    """Aggregates over a typed table that make its fingerprint (see :func:`fingerprint_of`);
    the table's :data:`DIGEST` column when it has one (:func:`with_digest`)."""
    digest = table[DIGEST] if DIGEST in table.columns else with_digest(table, name)[DIGEST]
    return {"_fp_rows": table.count(), "_fp_a": hex_value(digest, 0).sum(), "_fp_b": hex_value(digest, 5).sum()}


def fingerprint_of(values: dict[str, Any]) -> str:
    """sha256 of a table's fingerprint aggregates.

    Parameters
    ----------
    values
        The aggregates of :func:`fingerprint_parts`, evaluated.

    Returns
    -------
    str
        sha256 in hex.
    """
    parts = [int(values.get(k) or 0) for k in ("_fp_rows", "_fp_a", "_fp_b")]
    return hashlib.sha256(("v2:" + ":".join(map(str, parts))).encode()).hexdigest()


def fingerprint(table: Any, name: str) -> str:
    """The fingerprint of a typed table (ibis expression or pandas frame of contract types)."""
    import ibis
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        table = typed(ibis.memtable(table), name, trim=False)
    table = with_digest(table, name)
    row = table.aggregate(**fingerprint_parts(table, name)).execute().iloc[0]
    return fingerprint_of(row.to_dict())


class EngineFailure(Exception):
    """The engine failed on a table (it cannot be read, or a query failed): the caller
    turns it into a :class:`~twinimpact.errors.DataError` naming the table."""

    def __init__(self, table: str, cause: BaseException):
        super().__init__(table, cause)
        self.table, self.cause = table, cause


def to_frame(expr: Any, name: str) -> Any:
    """A checked table as a pandas frame of the contract's dtypes, in a canonical row order
    (by key, else by every column) so that results never depend on the source's order."""
    table = CONTRACT[name]
    frame, _, _ = coerce_table(expr.to_pandas(), table)
    order = [table.key] if table.key else table.column_names
    return frame.sort_values(order, kind="mergesort", na_position="last").reset_index(drop=True)


# --- rules -------------------------------------------------------------------------------------
@dataclass
class Checked:
    """One table checked in its engine: its issues, rows, fingerprint and typed expression."""

    name: str
    issues: list[Issue] = field(default_factory=list)
    rows: int = 0
    fingerprint: str = ""
    typed: Any = None


def _labels(table: Table, origin: Origin | None) -> tuple[bool, bool]:
    """Whether offending rows are named by CSV line, and whether rows need numbering."""
    lines = origin is not None and origin.line_numbers
    return lines, lines or not table.key


def _breaks(rule: Rule, w: Any, ctx: Context) -> Any:
    """The boolean expression true on the rows that break ``rule``."""
    import ibis

    col = rule.column
    unparsed = w[f"_bad_{col}"] if col and f"_bad_{col}" in w.columns else ibis.literal(False)
    if rule.kind == "type":
        return unparsed
    if rule.kind == "not_empty":
        return w[col].isnull() & ~unparsed
    ok = rule.check(ExprRows(w), ctx)  # type: ignore[misc]
    return ~ok.fill_null(True) & ~unparsed


def _repeated(w: Any, key: str) -> Any:
    """Rows whose (non-empty) key appears more than once, as a scalar subquery over ``w``
    (a table of the key alone: the checked table itself is then read once by the main
    aggregate and never materialised as a common table for two readers)."""
    groups = w.filter(w[key].notnull()).group_by(key).aggregate(_n=lambda t: t.count())
    return groups.filter(groups._n > 1)._n.sum().fill_null(0).as_scalar()


def _where(frame: Any, table: Table, origin: Origin | None) -> list[str]:
    lines, _ = _labels(table, origin)
    out = []
    for _, r in frame.iterrows():
        key = f"{table.key} {shown_key(r[table.key])}" if table.key else ""
        if lines:
            out.append(f"line {origin.line(int(r['_row']))}" + (f" ({key})" if key else ""))  # type: ignore[union-attr]
        else:
            out.append(key or f"row {int(r['_row']) + 1}")
    return out


def check(raw: Any, name: str, ctx: Context, origin: Origin | None = None,
          absent: frozenset[str] = frozenset()) -> Checked:
    """Every rule of table ``name`` on the raw engine table ``raw``, in one query. Text is
    trimmed when it comes from a CSV file (or from frames in memory, ``origin`` None).
    Columns in ``absent`` were missing from the file and stand in as empty: the rules on
    them are left out (their ``present`` rule is reported), every other rule runs."""
    import ibis

    table = CONTRACT[name]
    out = Checked(name)
    left_out = [c for c in table.column_names if c not in raw.columns and c not in table.required_names]
    if left_out:  # optional columns a file may leave out stand in as empty
        raw = raw.mutate(**{c: ibis.null().cast("string") for c in left_out})
    missing = [c for c in table.required_names if c not in raw.columns]
    for col in missing:
        issue = _issue(RULES_BY_ID[f"{name}.{col}.present"], 0, [], origin, ctx)
        issue.note = header_hint(col, list(raw.columns))
        out.issues.append(issue)
    if missing:
        return out
    lines, numbered = _labels(table, origin)
    src = raw.mutate(_row=ibis.row_number()) if numbered else raw
    cols: dict[str, Any] = {}
    trim = trims(origin)
    for c in table.columns:
        value, bad = parse(src[c.name], c, trim)
        cols[c.name] = value
        if f"{name}.{c.name}.type" in RULES_BY_ID:
            cols[f"_bad_{c.name}"] = bad
            cols[f"_raw_{c.name}"] = src[c.name]
    if numbered:
        cols["_row"] = src["_row"]
    w = with_digest(src.select(**cols), name)  # each row's md5 once, for the fingerprint
    rules = [r for r in RULES[name] if r.kind in ("type", "not_empty", "unique", "row") and r.column not in absent]
    # uniqueness: the rows of keys that repeat, from a group-by over the key (a subquery of
    # the same query; the engine may spill it to disk, unlike a distinct count or a window)
    def keys_of(col: str) -> Any:
        return src.select(**{col: parse(src[col], table.column(col), trim)[0]})

    # a foreign key matched by aggregate: one group-by over both tables' keys per column,
    # which also counts the column's repeats when it is unique (two such group-bys of 100M
    # keys in one query ran out of DuckDB's 256MB where one did not)
    by_aggregate = {r.column: t for r in rules if (t := _by_aggregate(r, table, ctx)) is not None}
    grouped = {col: _key_groups(keys_of(col).rename(k=col), t) for col, t in by_aggregate.items()}
    aggs: dict[str, Any] = {}
    of_groups: dict[str, dict[str, Any]] = {col: {} for col in grouped}
    for i, r in enumerate(rules):
        g = grouped.get(r.column or "")
        if g is not None and r.kind == "unique":
            of_groups[r.column][f"_r{i}"] = (g._n > 1).ifelse(g._n, 0).sum()  # type: ignore[index]
        elif g is not None and _by_aggregate(r, table, ctx) is not None:
            of_groups[r.column][f"_r{i}"] = (g._p == 0).ifelse(g._n, 0).sum()  # type: ignore[index]
        elif r.kind == "unique":
            aggs[f"_r{i}"] = _repeated(keys_of(r.column), r.column)
        else:
            aggs[f"_r{i}"] = _breaks(r, w, ctx).ifelse(1, 0).sum()
    aggs["_rows"] = w.count()
    aggs.update(fingerprint_parts(w, name))
    query = w.aggregate(**aggs)
    for col, g in grouped.items():  # each one row, beside the table's own: still one query
        query = query.cross_join(g.aggregate(**of_groups[col]))
    counts = query.execute().iloc[0].to_dict()
    out.rows = int(counts["_rows"])
    out.typed = w.select(*table.column_names)
    if table.needs_rows and out.rows == 0:
        out.issues.append(_issue(RULES_BY_ID[f"{name}.has_rows"], 0, [], origin, ctx))
    out.fingerprint = fingerprint_of(counts)
    order = ["_row"] if numbered else [table.key]
    for i, rule in enumerate(rules):
        n = int(counts[f"_r{i}"] or 0)
        if not n:
            continue
        keep = [c for c in {*order, *([table.key] if table.key else [])}]
        if rule.kind == "type":
            keep.append(f"_raw_{rule.column}")
        quote = rule.kind == "row" and rule.column and rule.column in table.column_names
        target = _by_aggregate(rule, table, ctx)
        if rule.kind == "unique":
            repeats = w.group_by(rule.column).aggregate(_n=lambda t: t.count()).filter(lambda t: t._n > 1)
            found = w.semi_join(repeats, rule.column)
        else:
            # with the value found, cut short in the engine (a megabyte value stays there)
            ww = w.mutate(_val=w[rule.column].cast("string").substr(0, SHOWN + 1),
                          _len=w[rule.column].cast("string").length()) if quote else w
            if target is not None:  # the rows of the values not found, by their few values
                groups = _key_groups(w.select(k=w[rule.column]), target)
                missing = groups.filter(groups._p == 0).select("k")
                found = ww.semi_join(missing, ww[rule.column] == missing.k)
            else:
                found = ww.filter(_breaks(rule, ww, ctx))
        if quote:
            keep += ["_val", "_len"]
        first = found.order_by(order).select(*keep).limit(FIRST_ROWS).execute()
        issue = _issue(rule, n, _where(first, table, origin), origin, ctx)
        if rule.kind == "type" and len(first):
            issue.note = value_hint(first[f"_raw_{rule.column}"].iloc[0], table.column(rule.column or ""))
        elif quote and len(first) and not pd.isna(first["_val"].iloc[0]):
            issue.note = "value found " + shown(first["_val"].iloc[0], length=int(first["_len"].iloc[0]))
        out.issues.append(issue)
    return out


def _issue(rule: Rule, rows: int, where: list[str], origin: Origin | None, ctx: Context | None) -> Issue:
    return Issue(rule.table, rule.column, rule_text(rule, ctx), rows, where, origin.description if origin else "",
                 rule.id)


class EngineKeys:
    """The keys of a table kept in the engine, as a column expression a membership test can
    use as a subquery (``ExprRows.member``); it holds no key in this process. With
    ``by_aggregate`` a foreign key into them is matched by one aggregate over both tables'
    keys instead (:func:`_key_groups`), never by a hash join."""

    def __init__(self, column: Any, by_aggregate: bool = False):
        self.column = column
        self.by_aggregate = by_aggregate


def key_column(raw: Any, name: str, trim: bool = True, by_aggregate: bool = False) -> EngineKeys:
    """The non-empty keys of an engine table as an expression (:class:`EngineKeys`)."""
    table = CONTRACT[name]
    value, _ = parse(raw[table.key], table.column(table.key), trim)  # type: ignore[arg-type]
    return EngineKeys(raw.select(k=value).filter(lambda t: t.k.notnull()).k, by_aggregate)


def _by_aggregate(rule: Rule, table: Table, ctx: Context) -> EngineKeys | None:
    """The target's keys when ``rule`` is a foreign key matched by aggregate, else None."""
    ref = table.foreign_keys.get(rule.column or "") if rule.id == f"{table.name}.{rule.column}.exists" else None
    found = ctx.keys.get(ref) if ref else None
    return found if isinstance(found, EngineKeys) and found.by_aggregate else None


def _key_groups(values: Any, keys: EngineKeys) -> Any:
    """Each distinct value of ``values`` (a one-column table ``k``, empty values left out)
    with its rows (``_n``) and whether ``keys`` holds it (``_p`` above 0; values only in
    ``keys`` have ``_n`` 0): one group-by over both tables' keys stacked, an aggregate the
    engine spills to disk in any memory, where DuckDB's hash join of 100M keys ran out of
    256MB; no join."""
    import ibis

    mine = values.filter(values.k.notnull()).select("k", _s=ibis.literal(2, "int8"))
    theirs = keys.column.name("k").as_table().select("k", _s=ibis.literal(1, "int8"))
    both = mine.union(theirs, distinct=False)
    return both.group_by("k").aggregate(_n=(both._s == 2).ifelse(1, 0).sum(), _p=(both._s == 1).ifelse(1, 0).sum())


def keys(raw: Any, name: str, trim: bool = True) -> set[str]:
    """The distinct non-empty keys of a table (what foreign keys of other tables must match)."""
    table = CONTRACT[name]
    if table.key not in raw.columns:
        return set()
    value, _ = parse(raw[table.key], table.column(table.key), trim)  # type: ignore[arg-type]
    frame = raw.select(k=value).filter(lambda t: t.k.notnull()).distinct().execute()
    return set(frame["k"])


def validate(tables: dict[str, Any], *, currencies: set[str], reporting_currency: str, as_of: Any,
             origins: dict[str, Origin] | None = None, large: set[str] | frozenset[str] = frozenset(),
             progress: Callable[[str], None] | None = None,
             keys_by_aggregate: set[str] | frozenset[str] = frozenset()) -> dict[str, Checked]:
    """Every rule of every contract table, each table checked in its own engine; raises
    :class:`~twinimpact.contract.schemas.ContractViolation` listing every broken rule.
    Tables named in ``large`` are checked last.

    Parameters
    ----------
    tables
        Table name -> ibis table in its engine (raw types: text from CSV, native otherwise).
    currencies
        The codes with an exchange rate.
    reporting_currency
        The reporting currency's code.
    as_of
        The run date (no date may lie after it).
    origins
        Table name -> where it came from (file, line numbers), for the messages.
    large
        Tables kept in the engine, checked last.
    progress
        Where a line goes as each large table's check begins.
    keys_by_aggregate
        Large tables too big for the engine to match foreign keys against by a hash join in
        its memory: those keys are matched by one aggregate over both tables' keys
        (:func:`_key_groups`).

    Returns
    -------
    dict
        Table name -> :class:`Checked` (its typed expression and fingerprint).
    """
    import ibis

    origins = origins or {}
    issues: list[Issue] = []
    tables = {n: t for n, t in tables.items() if n in CONTRACT}
    absent: dict[str, frozenset[str]] = {}
    for name, table in CONTRACT.items():
        if name not in tables:
            if not table.optional:
                issues.append(_issue(RULES_BY_ID[f"{name}.present"], 0, [], origins.get(name), None))
            continue
        left_out = [c for c in table.column_names if c not in tables[name].columns and c not in table.required_names]
        if left_out:  # optional columns a file may leave out stand in as empty
            tables[name] = tables[name].mutate(**{c: ibis.null().cast("string") for c in left_out})
        gone = [c for c in table.required_names if c not in tables[name].columns]
        for col in gone:
            issue = _issue(RULES_BY_ID[f"{name}.{col}.present"], 0, [], origins.get(name), None)
            issue.note = header_hint(col, list(tables[name].columns))
            issues.append(issue)
        if gone:  # a misnamed header hides nothing else: the column stands in as empty, every other rule runs
            absent[name] = frozenset(gone)
            tables[name] = tables[name].mutate(**{c: ibis.null().cast("string") for c in gone})
    if any(n not in tables for n, t in CONTRACT.items() if not t.optional):
        raise ContractViolation(issues)  # the rules below compare tables with each other
    targets = {ref for n, t in CONTRACT.items() if n in tables for ref in t.foreign_keys.values()}
    found: dict[str, Any] = {}
    for name in sorted(targets):
        try:
            origin = origins.get(name)
            # a table kept in the engine (millions of posts) is matched there, by a subquery of its
            # keys, rather than by bringing every key into this process
            found[name] = (key_column(tables[name], name, trims(origin), name in keys_by_aggregate) if name in large else
                           keys(tables[name], name, trims(origin)))
        except Exception as exc:  # noqa: BLE001 - the engine could not read the table
            raise EngineFailure(name, exc) from exc
    values: dict[str, dict[str, float]] = {}
    if any(t.optional for n, t in CONTRACT.items() if n in tables):  # bookings compare with their campaigns
        try:
            campaigns = typed(tables["campaigns"], "campaigns", trims(origins.get("campaigns")))
            more, values = lookups(campaigns.select("campaign_id", "shoot_days").execute())
        except Exception as exc:  # noqa: BLE001 - the engine could not read the table
            raise EngineFailure("campaigns", exc) from exc
        found.update(more)
    ctx = Context(keys=found, currencies=set(currencies), as_of=as_of,
                  reporting_currency=reporting_currency, values=values)
    out: dict[str, Checked] = {}
    present = [n for n in CONTRACT if n in tables]
    for name in [n for n in present if n not in large] + [n for n in present if n in large]:
        if progress and name in large:
            progress(f"checking table {name} in its engine (every rule and the fingerprint in one pass) ...")
        try:
            out[name] = check(tables[name], name, ctx, origins.get(name), absent.get(name, frozenset()))
        except Exception as exc:  # noqa: BLE001 - the engine could not read or evaluate the table
            raise EngineFailure(name, exc) from exc
        issues += out[name].issues
    if issues:
        order = {r.id: i for i, r in enumerate(r for rules in RULES.values() for r in rules)}
        raise ContractViolation(sorted(issues, key=lambda i: order.get(i.rule_id, 0)))
    return out
