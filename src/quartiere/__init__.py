"""Quartiere: a workbook for community research and participatory social planning.

The public entry points most users need; each domain lives in its own subpackage
(``quartiere.survey``, ``quartiere.qual``, ``quartiere.evaluation``, ``quartiere.scenarios``,
``quartiere.workshop``) and the report machinery in ``quartiere.report``.
"""

from quartiere.errors import QuartiereError, QuartiereWarning
from quartiere.notebook import glue, read_glued
from quartiere.study import Study, load_study

__version__ = "0.1.0"

__all__ = [
    "QuartiereError",
    "QuartiereWarning",
    "Study",
    "__version__",
    "glue",
    "load_study",
    "read_glued",
]
