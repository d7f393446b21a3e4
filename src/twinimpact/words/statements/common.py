"""Words every chapter's statements share: the direction an interval earns, changes, trends and money in words."""

from __future__ import annotations

from typing import Any

from twinimpact.words.labels import words
from twinimpact.words.narrate import missing, money, num, pct


NO_DIFFERENCE = "no detectable difference"


#: What the engagement model holds fixed when it compares imagery or labels.
ENGAGEMENT_HELD_FIXED = ("platform", "format", "brand", "each month of each year", "followers",
                         "whether the brand had adopted twins")


def direction(ci_low: float | None, ci_high: float | None, null: float = 1.0) -> str | None:
    """``lower`` if the whole interval is below ``null``, ``higher`` if above, else no
    detectable difference; ``None`` when the interval is missing."""
    if missing(ci_low) or missing(ci_high):
        return None
    if ci_high < null:
        return "lower"
    if ci_low > null:
        return "higher"
    return NO_DIFFERENCE


def change_words(ratio: float, unit: str = "") -> str:
    """A ratio as a percentage change in words: 0.84 -> ``16% fewer``, 1.12 -> ``12% more``."""
    unit = f" {unit}" if unit else ""
    if abs(ratio - 1) < 0.005:
        return f"about the same{unit}"
    return f"{abs(1 - ratio):.0%}{unit} {'fewer' if ratio < 1 else 'more'}"


def trend_words(first: float, last: float, what: str = "") -> str:
    """``rose from 20% to 35%``, ``fell from ...`` or ``stayed at ...`` for two shares."""
    if round(first, 2) == round(last, 2):
        return f"stayed at {last:.0%}"
    return f"{'rose' if last > first else 'fell'} from {first:.0%} to {last:.0%}"


def valued_words(value: dict[str, Any], currency: str, unknown_change: bool = False) -> str:
    """How the NPV valued engagement, in a clause: from the posts' revenue, from the
    parameters, or not at all.

    Parameters
    ----------
    value
        results.json's ``scenarios.value_per_engagement``.
    currency
        The reporting currency's code.
    unknown_change
        Whether the engagement a moved asset gains or loses is not estimable (then nothing
        is valued, whatever an engagement is worth).

    Returns
    -------
    str
    """
    source, est = value.get("source"), value.get("estimate")
    if unknown_change:
        return ("costs only: the change in engagement a moved asset brings is not estimable from these data, so "
                "engagement is not valued")
    if source == "post_outcomes" and not missing(est):
        return (f"engagement valued at {money(est, currency, 3)} each ({pct(value.get('gross_margin'))} gross margin "
                "on the posts' revenue per engagement)")
    if source == "parameter" and not missing(est):
        return f"engagement valued at {money(est, currency, 3)} each (set in the parameters)"
    return "engagement not valued (no post outcomes in the data, no value per engagement set)"


def money_or_loss(value: float | None, currency: str, digits: int = 0) -> str:
    """``EUR 1,234`` for a gain (or nothing), ``a loss of EUR 1,234`` for a loss: a sentence
    never prints a negative amount after a verb that already says which way it goes."""
    if missing(value):
        return "n/a"
    return money(value, currency, digits) if value >= 0 else f"a loss of {money(-value, currency, digits)}"


def _roles(roles: list[str]) -> str:
    names = [words(r) + "s" for r in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def fte_words(value: float) -> str:
    """Full-time equivalents to one decimal, or to two significant digits below 0.05 so that
    a small change never prints as ``-0.0``."""
    if value != 0 and abs(value) < 0.05:
        return f"{value:.2g}"
    return num(value, 1)


def signed_money_words(value: float, currency: str, gain: str = "save", loss: str = "cost") -> str:
    """``save EUR 317`` for a positive value, ``cost EUR 40 more`` for a negative one."""
    if missing(value):
        return f"{gain} n/a"
    return f"{gain} {money(value, currency)}" if value >= 0 else f"{loss} {money(-value, currency)} more"


def range_words(pct: dict[str, Any], currency: str, share: str = "80% of draws between") -> str:
    """``80% of draws between EUR 1 and EUR 2``, or that the draws give no range.

    Parameters
    ----------
    pct
        ``p10`` and ``p90`` (null when the draws do not vary).
    currency
        The reporting currency's code.
    share
        The words before the two values.

    Returns
    -------
    str
    """
    if missing(pct.get("p10")) or missing(pct.get("p90")):
        return "the draws do not vary: no range to show"
    return f"{share} {currency} {pct['p10']:,.0f} and {currency} {pct['p90']:,.0f}"
