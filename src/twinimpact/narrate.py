"""Numbers into words for notebook narrative: money with its currency, shares as %,
and every string that comes from data HTML-escaped before it reaches a report."""

from __future__ import annotations

import html
import math
from typing import Any


def esc(value: Any) -> str:
    """A data value made safe for Markdown/HTML (no tags, no Markdown emphasis)."""
    text = html.escape(str(value), quote=True)
    for ch in "*_`[]|":
        text = text.replace(ch, "\\" + ch)
    return text


def money(value: float | None, currency: str, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{currency} {value:,.{digits}f}"


def pct(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{100 * value:.{digits}f}%"


def num(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def say(template: str, **values: Any) -> None:
    """Display Markdown narrative; ``values`` are escaped, the template is ours."""
    from IPython.display import Markdown, display

    display(Markdown(template.format(**{k: esc(v) for k, v in values.items()})))
