"""The statement about production cost: twin against traditional cost per asset."""

from __future__ import annotations

from typing import Any

from twinimpact.words.narrate import missing, money
from twinimpact.words.statements.common import NO_DIFFERENCE, direction


def cost_conclusion(traditional: float | None, twin: float | None, difference: dict[str, Any],
                    currency: str) -> dict[str, Any]:
    """Twin against traditional cost per asset (pooled over the data's campaigns), with the
    campaign-bootstrap interval of the difference (twin minus traditional).

    Parameters
    ----------
    traditional, twin
        Pooled cost per asset of each mode (reporting currency).
    difference
        Twin minus traditional with its bootstrap interval (reporting currency per asset).
    currency
        The reporting currency's code.

    Returns
    -------
    dict
        ``direction`` (``lower``, ``higher``, ``no detectable difference`` or None) and
        ``statement``.
    """
    lo, hi = difference.get("ci_low"), difference.get("ci_high")
    d = direction(lo, hi, null=0.0)
    if missing(traditional) or missing(twin):
        return {"direction": None, "statement": "Twin and traditional cost per asset cannot be compared: the data "
                                                "need campaigns of both modes with assets delivered."}
    if d is None:
        why = difference.get("not_estimable") or "the interval could not be computed"
        return {"direction": None, "statement": f"In these campaigns a twin-made asset cost {money(twin, currency, 2)} "
                f"and a traditional one {money(traditional, currency, 2)}, but whether twins cost less is not "
                f"estimable: {why}."}
    diff = twin - traditional
    if d == NO_DIFFERENCE:
        text = (f"In these campaigns a twin-made asset cost {money(twin, currency, 2)} and a traditional one "
                f"{money(traditional, currency, 2)}: no detectable difference (95% bootstrap interval over campaigns "
                f"of twin minus traditional {money(lo, currency, 2)} to {money(hi, currency, 2)}).")
    else:
        near, far = (-hi, -lo) if d == "lower" else (lo, hi)
        word = "less" if d == "lower" else "more"
        text = (f"In these campaigns a twin-made asset cost {money(twin, currency, 2)} against "
                f"{money(traditional, currency, 2)} made traditionally, {money(abs(diff), currency, 2)} {word} "
                f"per asset (95% bootstrap interval over campaigns {money(near, currency, 2)} to "
                f"{money(far, currency, 2)} {word}).")
    return {"direction": d, "statement": text.removesuffix(".") + " (spend over assets delivered; campaigns differ "
                                                                  "in size and market)."}
