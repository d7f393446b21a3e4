"""What a notebook's cells call beyond the analyses: ``start`` (the first cell: validate
the parameters, set the chart theme, load the data), ``sections`` (what each section
shows, decided and tested here), ``show`` (displays it) and ``whatif`` (the JupyterLab
controls that redraw the scenario and break-even charts).

May import: everything below ``run``: ``errors``, ``config``, ``contract``, ``params``,
``results``, ``sources``, ``words``, ``analyses``, ``charts``.
"""

from twinimpact.notebook.show import show
from twinimpact.notebook.start import start, tables_read

__all__ = ["show", "start", "tables_read"]
