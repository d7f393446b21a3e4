"""Numbers into words for notebook narrative: money with its currency, shares as %,
and every string that comes from data HTML-escaped before it reaches a report."""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from twinimpact.words.labels import label, value_label


def esc(value: Any) -> str:
    """A data value made safe for Markdown/HTML (no tags, no Markdown emphasis)."""
    text = html.escape(str(value), quote=True)
    for ch in "*_`[]|":
        text = text.replace(ch, "\\" + ch)
    return text


def missing(value: Any) -> bool:
    """True for what was not measured: None, NaN, infinity or pandas' NA."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and not math.isfinite(value)


def money(value: float | None, currency: str, digits: int = 0) -> str:
    """``EUR 1,234`` (``digits`` decimals), or ``n/a`` for what was not measured."""
    return "n/a" if missing(value) else f"{currency} {value:,.{digits}f}"


def pct(value: float | None, digits: int = 0) -> str:
    """A share 0-1 as a percentage, ``0.125`` -> ``12.5%`` with ``digits=1``; ``n/a`` if missing."""
    return "n/a" if missing(value) else f"{100 * value:.{digits}f}%"


def _unsigned_zero(value: float, digits: int) -> float:
    """``value``, or 0.0 when it rounds to zero at ``digits`` decimals (never ``-0.0``)."""
    return 0.0 if round(float(value), digits) == 0 else value


def num(value: float | None, digits: int = 0) -> str:
    """A number with thousands separators and ``digits`` decimals; ``n/a`` if missing; a
    value that rounds to zero prints without a sign."""
    return "n/a" if missing(value) else f"{_unsigned_zero(value, digits):,.{digits}f}"  # type: ignore[arg-type]


def signed(value: float | None, digits: int = 1) -> str:
    """A change with its sign, ``-0.9`` or ``+2.0``; ``0.0`` when it rounds to zero;
    ``n/a`` if missing."""
    if missing(value):
        return "n/a"
    value = _unsigned_zero(value, digits)  # type: ignore[arg-type]
    return f"{value:,.{digits}f}" if value == 0 else f"{value:+,.{digits}f}"


def table(frame: Any, money_cols: tuple[str, ...] = (), currency: str = "", pct_cols: tuple[str, ...] = (),
          digits: int = 2) -> Any:
    """A frame for reading: readable column headings (:func:`twinimpact.words.labels.label`),
    category codes in words, no index, thousands separators, money and shares formatted,
    every text cell HTML-escaped."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col].dtype):
            frame[col] = frame[col].map(value_label)
    names = {c: label(c) for c in frame.columns if isinstance(c, str)}
    money_cols = tuple(names.get(c, c) for c in money_cols)
    pct_cols = tuple(names.get(c, c) for c in pct_cols)
    frame = frame.rename(columns=names)
    fmt: dict[str, Any] = {}
    for col in frame.columns:
        dtype = frame[col].dtype
        if col in money_cols:
            fmt[col] = lambda v, ccy=currency: money_cell(v, ccy)
        elif col in pct_cols:
            fmt[col] = lambda v: pct(v, 1)
        elif str(dtype).startswith("datetime64"):  # dates without a time of day read as dates
            fmt[col] = lambda v: "n/a" if v is None or v != v else (
                v.strftime("%Y-%m-%d") if (v.hour, v.minute, v.second) == (0, 0, 0) else v.strftime("%Y-%m-%d %H:%M"))
        elif pd.api.types.is_bool_dtype(dtype):
            fmt[col] = lambda v: "n/a" if v is None or v is pd.NA else ("yes" if v else "no")
        elif pd.api.types.is_integer_dtype(dtype):
            fmt[col] = lambda v: "n/a" if v is None or v is pd.NA else f"{int(v):,}"
        elif pd.api.types.is_float_dtype(dtype):
            fmt[col] = lambda v, d=digits: "n/a" if v is None or v is pd.NA or v != v else num(v, d)
    return frame.style.hide(axis="index").format(fmt, escape="html", na_rep="n/a")


def money_cell(value: Any, currency: str) -> str:
    """A table cell of money (2 decimals), ``n/a`` for anything that is not a number."""
    try:
        return money(float(value), currency, 2)
    except (TypeError, ValueError):
        return "n/a"


def say(template: str, **values: Any) -> None:
    """Display Markdown narrative; ``values`` are escaped, the template is ours."""
    from IPython.display import Markdown, display

    display(Markdown(template.format(**{k: esc(v) for k, v in values.items()})))
