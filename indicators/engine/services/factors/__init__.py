"""Factor scores: answers → residents' scores → cells (set-based SQL) → figures (a pass over cells).

- ``residents``: each completed response's score on each factor, kept in step with the responses;
- ``cells``: the residents' scores summed per wave, neighbourhood, factor, age band and sex;
- ``figures``: the shown (or withheld) figures of a wave, from its cells, per neighbourhood, authority and wave;
- ``changes``: each figure's change since the same survey's wave before.

Everything here is safe to run twice: each step brings its rows for the scope it was given up to date (the
cells and figures by deleting and rewriting them), inside one transaction.
"""

from indicators.engine.services.factors.cells import cells_refresh
from indicators.engine.services.factors.changes import changes_refresh, next_wave
from indicators.engine.services.factors.figures import scores_refresh
from indicators.engine.services.factors.residents import residents_score

__all__ = ["cells_refresh", "changes_refresh", "next_wave", "residents_score", "scores_refresh"]
