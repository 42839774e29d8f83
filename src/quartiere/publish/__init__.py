"""Publishing: the Piano di Zona synthesis, front matter, methods appendix, verify, new-study.

The synthesis notebook (``07-write-plan``) reads the glued results of the other notebooks
of the same run (:func:`load_synthesis`) and shows them with the helpers of
:mod:`quartiere.publish.tables`; :func:`front_matter` adds authors, abstract and the
bibliography that ``{cite}`` markers in markdown cells draw on.
"""

from quartiere.publish.front import FrontMatter, PublishingSchema, front_matter
from quartiere.publish.methods import helpers_used, methods_frame, notes_of
from quartiere.publish.objectives import smart_objectives
from quartiere.publish.synthesis import PARTS, Synthesis, load_synthesis, resolve_run_dir
from quartiere.publish.tables import (
    Text,
    budget_table,
    interventions_table,
    methods_table,
    monitoring_table,
    need_chart,
    needs_table,
    not_run,
    objectives_table,
    priorities_chart,
    priorities_table,
    reports_table,
    settings_table,
    summary,
)

__all__ = [
    "PARTS",
    "FrontMatter",
    "PublishingSchema",
    "Synthesis",
    "Text",
    "budget_table",
    "front_matter",
    "helpers_used",
    "interventions_table",
    "load_synthesis",
    "methods_frame",
    "methods_table",
    "monitoring_table",
    "need_chart",
    "needs_table",
    "not_run",
    "notes_of",
    "objectives_table",
    "priorities_chart",
    "priorities_table",
    "reports_table",
    "resolve_run_dir",
    "settings_table",
    "smart_objectives",
    "summary",
]
