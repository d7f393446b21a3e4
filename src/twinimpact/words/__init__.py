"""Every sentence the workbook prints: number and money formats (``narrate``), readable
names for codes (``labels``), the ``conclusions`` statements built from results
(``statements``), the headline table and run details (``summary``) and the executive's
first page (``executive``). Pure functions of numbers: no data access, no I/O.

May import: ``errors``, ``config``, ``contract``, ``params``, ``results``.
"""
