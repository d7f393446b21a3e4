"""Where the data come from: opening a folder, a DuckDB file or a database URL (PostgreSQL,
Spark, any ibis backend), validating it against the contract and returning the run's
``Dataset``.

Owns ``data`` (sources, loading, the ``Dataset``), ``snapshot`` (the validated tables a run
hands its notebooks), ``redaction`` (hiding a connection's secret in messages),
``reference`` (the public reference tables under ``data/reference``), ``spark`` (a local
Spark session), ``engine`` (a frame as an engine table), ``assets`` (provenance read from
asset files), ``shared`` (work two notebooks of a run need, done once) and ``progress`` (a
line every 10 s of long work).

May import: ``errors``, ``config``, ``contract``, ``params``, ``results``.
"""
