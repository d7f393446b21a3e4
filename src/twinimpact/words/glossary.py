"""The glossary that closes the report: each technical word the chapters use, in plain
words, so that the decision page never needs them."""

from __future__ import annotations

#: Term -> what it means, in the order a reader meets them in the chapters.
GLOSSARY: dict[str, str] = {
    "NPV (net present value)": "The money a plan brings over the years, each year's amount discounted to today's "
                               "value; here always against keeping today's mix.",
    "P10, P50, P90": "Of all the simulations, the value below which 10%, 50% and 90% fall: a 1 in 10 chance below "
                     "P10, a 1 in 10 chance above P90.",
    "Monte Carlo simulation": "Repeating a calculation thousands of times with the uncertain inputs drawn anew each "
                              "time, to see the range of outcomes.",
    "Rate ratio (IRR)": "How many engagements per impression one kind of post gets for every one another kind gets: "
                        "0.9 means 10% fewer.",
    "Poisson and negative binomial": "Statistical models of counts (likes, comments); the negative binomial allows "
                                     "counts to vary more from post to post.",
    "Clustered interval (CV3)": "A 95% interval that allows posts of one campaign to move together, computed by "
                                "leaving out one campaign at a time.",
    "Bootstrap": "Estimating how uncertain a figure is by recomputing it on many resamples of the campaigns.",
    "Group-time effects": "A before-and-after comparison of each group of brands that adopted twins at one time "
                          "against those that had not yet.",
    "Observational and randomised": "Observational figures compare posts as the brand chose them (an association); "
                                    "randomised ones come from a test that assigned posts by chance (a cause).",
    "EVPI, EVPPI, EVSI": "What it would be worth to know everything, one input, or a test's result before "
                         "deciding: the value of information.",
    "ENBS": "What a test is expected to be worth after its cost: positive means testing first pays.",
    "FTE (full-time equivalent)": "Paid hours expressed as full-time jobs (1,720 hours a year by default).",
}
