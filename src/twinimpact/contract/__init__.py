"""The data contract: what the tables must hold, and the two ways of checking it.

Owns ``spec`` (tables, columns and rules as data), ``checks`` (the rules evaluated in the
engine that holds the data: DuckDB, PostgreSQL, Spark), ``schemas`` (the same rules on
pandas frames, and the issues both report), ``hints`` (what a broken rule or an unreadable
file most likely means) and ``page`` (``docs/DATA_CONTRACT.md``, generated from ``spec``).

May import: ``errors``, ``config``.
"""
