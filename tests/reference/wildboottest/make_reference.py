"""Writes the stored reference output of the wild cluster bootstrap (WCR11, Webb weights)
from wildboottest 0.3.2 (https://github.com/py-econometrics/wildboottest, MIT licence),
the Python port of fwildclusterboot. Not run by the tests: wildboottest needs numba, which
the project does not install. Run once in a scratch environment:

    python -m venv /tmp/wb && /tmp/wb/bin/pip install wildboottest==0.3.2 statsmodels
    /tmp/wb/bin/python tests/reference/wildboottest/make_reference.py

It writes, next to this file, each case's data (``<case>.csv``: cluster, y, x1, x2) and
``reference.json``: for each case the Wald t of x1, wildboottest's two-tailed p-value and
the bootstrap t of 200 patterns spread over the enumeration
(by their index in it). The Webb patterns are given to wildboottest's
``WildboottestCL`` in the order ``itertools.product(range(6), repeat=G)`` of
``WEBB_WEIGHTS`` (it enumerates Rademacher patterns itself but draws Webb ones at random);
the Rademacher case uses its own full enumeration (``weights_type="rademacher"``).
"""

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
from wildboottest.wildboottest import WildboottestCL, wildboottest

HERE = Path(__file__).parent
WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


def make_data(g: int, per: int, effect: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cluster = np.repeat(np.arange(g), per)
    x1 = rng.normal(size=g)[cluster] + rng.normal(size=g * per)  # varies within and between clusters
    x2 = rng.normal(size=g * per)
    u = rng.normal(size=g)[cluster] + rng.normal(size=g * per)
    y = 1.0 + effect * x1 - 0.5 * x2 + u
    return pd.DataFrame({"cluster": cluster, "y": y, "x1": x1, "x2": x2})


def webb_case(frame: pd.DataFrame) -> dict:
    X = sm.add_constant(frame[["x1", "x2"]].to_numpy())
    g = frame["cluster"].nunique()
    boot = WildboottestCL(X=X, Y=frame["y"].to_numpy(), cluster=frame["cluster"].to_numpy(),
                          R=np.array([0.0, 1.0, 0.0]), B=6 ** g, seed=0, parallel=False)
    boot.get_scores(bootstrap_type="11", impose_null=True, adj=True, cluster_adj=True)
    boot.v = WEBB[np.array(list(itertools.product(range(6), repeat=g))).T]  # clusters x patterns
    boot.B = boot.v.shape[1]
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    boot.get_pvalue(pval_type="two-tailed")
    return {"weights": "webb", "patterns": int(boot.B), "t_stat": float(np.ravel(boot.t_stat)[0]),
            "p_value": float(boot.pvalue),
            "t_boot_at": {str(i): float(np.ravel(boot.t_boot)[i]) for i in np.linspace(0, boot.B - 1, 200).astype(int)}}


def rademacher_case(frame: pd.DataFrame) -> dict:
    model = sm.OLS(frame["y"].to_numpy(), sm.add_constant(frame[["x1", "x2"]]))
    out = wildboottest(model, B=9999, cluster=frame["cluster"].to_numpy(), param="x1", weights_type="rademacher",
                       impose_null=True, bootstrap_type="11", seed=0, parallel=False, show=False)
    return {"weights": "rademacher", "patterns": 2 ** frame["cluster"].nunique(),
            "t_stat": float(out["statistic"].iloc[0]), "p_value": float(out["p-value"].iloc[0])}


if __name__ == "__main__":
    cases = {"four_clusters": make_data(4, 12, 0.3, 1), "six_clusters": make_data(6, 10, 0.5, 2),
             "five_clusters_no_effect": make_data(5, 8, 0.0, 3)}
    reference = {"source": "wildboottest 0.3.2 (py-econometrics), WildboottestCL, bootstrap_type='11', "
                           "impose_null=True, adj=True, cluster_adj=True; test of x1 = 0 in y ~ 1 + x1 + x2",
                 "cases": {}}
    for name, frame in cases.items():
        frame.to_csv(HERE / f"{name}.csv", index=False, float_format="%.17g")
        reference["cases"][name] = {"webb": webb_case(frame), "rademacher": rademacher_case(frame)}
    (HERE / "reference.json").write_text(json.dumps(reference, indent=1) + "\n")
