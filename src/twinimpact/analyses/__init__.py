"""The analyses, one folder per chapter of the report, each chapter's ``analyse(dataset,
params)`` returning what its notebook shows and its results block, and the generic
statistics they share:

- ``cost/``: production cost (``production``, ``cost_function``, ``drivers``, ``savings``);
- ``labor/``: creative labour (``hours``, ``livelihoods``);
- ``engagement/``: engagement (``model``, ``value``, ``experiments``, ``test_plan``);
- ``rights/``: rights and provenance (``findings``, ``provenance``, ``regulation``);
- ``scenarios/``: scenarios over years (``paths``);
- ``stats/``: count models, Monte Carlo, probability, event study, staggered adoption;
- ``overview`` (the data overview) and ``money`` (currency conversion) at the top.

Calculation only: no file is written.

May import: ``errors``, ``config``, ``contract``, ``params``, ``results``, ``sources``,
``words``.
"""
