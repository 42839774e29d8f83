"""Participatory workshops: agenda, ballots, SQLite store, aggregation, widgets and Voila serving.

Layers (see DESIGN.md "Widgets"): :mod:`~quartiere.workshop.store` (SQLite),
:mod:`~quartiere.workshop.model` (state and rules), :mod:`~quartiere.workshop.views` (widgets),
:mod:`~quartiere.workshop.app` (builds both), :mod:`~quartiere.workshop.serve` (Voila for phones).
Results: :mod:`~quartiere.workshop.aggregate` (per ballot type), :mod:`~quartiere.workshop.budget`
(greedy and Equal Shares), :mod:`~quartiere.workshop.pabulib` (the pabutools adapter, ``.pb``).
Report (notebook 04): :mod:`~quartiere.workshop.report` (read-only loading, tables with each
method explained, budget rules compared, moderated comments, audit); not imported here, so that
store-only processes stay light. Visible strings live in ``quartiere/report/messages/workshop.yml``
(keys ``workshop.*``) and are read with :func:`quartiere.report.t`.
"""

from __future__ import annotations

from quartiere.workshop.agenda import (
    Agenda,
    Option,
    Question,
    WorkshopSettings,
    load_agenda,
    parse_agenda,
)
from quartiere.workshop.aggregate import (
    aggregate,
    budget_comparison,
    export_question,
    priority_weights,
    question_results,
    results_by,
    write_priorities,
)
from quartiere.workshop.ballots import validate_ballot
from quartiere.workshop.budget import (
    BudgetResult,
    budget_equal_shares,
    budget_greedy,
    compare_budget_rules,
)
from quartiere.workshop.pabulib import PBElection, read_pb, write_pb
from quartiere.workshop.store import WorkshopStore

__all__ = [
    "Agenda",
    "BudgetResult",
    "Option",
    "PBElection",
    "Question",
    "WorkshopSettings",
    "WorkshopStore",
    "aggregate",
    "budget_comparison",
    "budget_equal_shares",
    "budget_greedy",
    "compare_budget_rules",
    "export_question",
    "load_agenda",
    "parse_agenda",
    "priority_weights",
    "question_results",
    "read_pb",
    "results_by",
    "validate_ballot",
    "write_pb",
    "write_priorities",
]
