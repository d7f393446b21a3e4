"""Generic statistics the chapters share: count models with clustered inference, Monte Carlo draws, probability functions, the before/after event study and staggered adoption."""
