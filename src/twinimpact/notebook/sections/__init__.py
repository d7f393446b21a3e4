"""What each notebook shows, section by section: one module per notebook, each function
taking the chapter's analysis and returning the figures, tables and sentences of one
section (:func:`twinimpact.notebook.show.show` displays them). The choices of what to show
when data fall short live here, tested, not in the notebooks."""

from twinimpact.notebook.sections import cost, engagement, labor, overview, rights, scenarios

__all__ = ["cost", "engagement", "labor", "overview", "rights", "scenarios"]
