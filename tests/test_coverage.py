"""Interval coverage over many seeds, not one lucky one: the 95% intervals of both engagement
fits cover the planted rate ratios in 90-99% of 200 small samples (a correct 95% interval
covers 95% of the time; the binomial sd over 200 samples is 1.5 points). About 1.5 minutes."""

from __future__ import annotations

import ibis
import numpy as np
import pytest

from twinimpact.analyses.stats import count_model
from twinimpact.analyses.engagement import model as engagement
from twinimpact import sample
from twinimpact.sample.posts import make_posts

SEEDS = 200
POSTS = 2500
KEYS = ("irr_twin_vs_human", "irr_synthetic_vs_human", "irr_ai_label")


@pytest.fixture(scope="module")
def covered() -> dict[str, np.ndarray]:
    spec = sample.SampleSpec()
    truth = {"irr_twin_vs_human": spec.irr_imagery["twin"], "irr_synthetic_vs_human": spec.irr_imagery["synthetic"],
             "irr_ai_label": spec.irr_ai_label}
    campaigns = sample.generate(1, n_posts=10, spec=spec, posts=False).tables["campaigns"]  # a fixed design
    hits: dict[str, list[bool]] = {f"{fit}:{k}": [] for fit in ("poisson", "negbin") for k in KEYS}
    for seed in range(SEEDS):
        posts = ibis.memtable(make_posts(np.random.default_rng([seed, 7]), campaigns, spec, POSTS))
        pois = count_model.fit_poisson(count_model.build_design(count_model.aggregate_cells(posts)))
        rows = count_model.build_design(count_model.sample_rows(posts, 10**9, 0))
        start = np.array([pois.params[pois.names.index(n)] if n in pois.names else 0.0 for n in rows.names])
        nb = count_model.fit_negbin(rows, start)
        for fit_name, fit in (("poisson", pois), ("negbin", nb)):
            for key, irr in engagement.headline(fit).items():
                hits[f"{fit_name}:{key}"].append(irr["ci_low"] <= truth[key] <= irr["ci_high"])
    return {k: np.array(v) for k, v in hits.items()}


@pytest.mark.slow
@pytest.mark.parametrize("which", [f"{fit}:{k}" for fit in ("poisson", "negbin") for k in KEYS])
def test_95_percent_intervals_cover_the_planted_rate_ratio_in_90_to_99_percent_of_samples(covered, which):
    rate = covered[which].mean()
    assert len(covered[which]) == SEEDS
    assert 0.90 <= rate <= 0.99, f"{which}: {rate:.1%} of {SEEDS} intervals cover the planted value"
