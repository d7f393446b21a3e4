"""The runner: a run in five steps (``report``): check the parameters and data, execute
every notebook (``execute``), collect their results, render the pages, results.json, the
tables and the manifest (``render``, ``export``, ``manifest``, ``changes``, ``pdf``), and
publish atomically (``publish``). Also the per-model statements (``model_statements``).

May import: every folder but ``cli``.
"""
