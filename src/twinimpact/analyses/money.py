"""Currency conversion, the one helper every money calculation shares.

``fx_rates`` maps a currency code to units of the reporting currency per unit of it
(``{"EUR": 1.0, "USD": 0.92}`` reports in EUR): an amount ``a`` in currency ``c`` is
``a * fx_rates[c]`` in the reporting currency.
"""

from __future__ import annotations

import pandas as pd

from twinimpact.errors import DataError


def rates_for(currencies: pd.Series, fx_rates: dict[str, float]) -> pd.Series:
    """The rate to the reporting currency for each currency code (same index).

    Raises
    ------
    DataError
        A currency has no rate in ``fx_rates`` (exit 3); the message names the codes and
        the parameter to add them to.

    Parameters
    ----------
    currencies
        ISO 4217 codes, one per row.
    fx_rates
        Units of the reporting currency per unit of each currency.

    Returns
    -------
    Series
        The rate of each row (same index).
    """
    missing = sorted(set(currencies.dropna()) - set(fx_rates))
    if missing:
        raise DataError(
            f"No exchange rate for {', '.join(missing)} to the reporting currency: add "
            f"{', '.join(f'{c}: <rate>' for c in missing)} under fx_rates in the parameters file."
        )
    return currencies.map(fx_rates).astype(float)


def to_reporting(amounts: pd.Series, currencies: pd.Series, fx_rates: dict[str, float]) -> pd.Series:
    """``amounts`` (each in its row's currency) in the reporting currency.

    Parameters
    ----------
    amounts
        Money, each in its row's currency.
    currencies
        ISO 4217 codes, one per row.
    fx_rates
        Units of the reporting currency per unit of each currency.

    Returns
    -------
    Series
        The amounts in the reporting currency.
    """
    return amounts.astype(float) * rates_for(currencies, fx_rates).to_numpy()
