"""The analyses, each an ``analyse(dataset, params)`` returning what its notebook shows and
its results block, and the models behind them: production cost (``cost``, ``drivers``,
``cost_function``, ``savings``, ``montecarlo``), creative labour (``labor``,
``livelihoods``), engagement (``engagement``, ``count_model``, ``event_study``), rights
(``rights``, ``regulation``), scenarios over years (``scenarios``), the data overview
(``overview``) and currency conversion (``money``). Calculation only: no file is written.

May import: ``errors``, ``config``, ``contract``, ``params``, ``results``, ``sources``,
``words``.
"""
