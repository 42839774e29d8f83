"""Ballot types: validation of one person's answer and its canonical form.

Every answer is normalised to a ``{option_id: value}`` dict before it is stored (JSON):

============  ==================================  =======================  =================
type          what a person gives                 stored value per option  pabutools ballot
============  ==================================  =======================  =================
dots          N dots over options                 dots on the option       CumulativeBallot
approval      any options (min/max choices)       1                        ApprovalBallot
ranking       options in order of preference      rank (1 = first)         OrdinalBallot
rating        a Likert score per option           score (scale_min..max)   CardinalBallot
points        100 points split over options       points                   CumulativeBallot
budget        projects within the budget cap      1                        ApprovalBallot
single        exactly one option                  1                        ApprovalBallot (1)
comment       free text                           (stored as a comment)    none
============  ==================================  =======================  =================

(1) pabulib ``vote_type`` ``choose-1``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from quartiere.errors import WorkshopError
from quartiere.workshop.agenda import Question

__all__ = ["PABUTOOLS_BALLOT", "PABULIB_VOTE_TYPE", "validate_ballot"]

#: pabutools ballot class used for each question type.
PABUTOOLS_BALLOT: dict[str, str | None] = {
    "dots": "CumulativeBallot",
    "approval": "ApprovalBallot",
    "ranking": "OrdinalBallot",
    "rating": "CardinalBallot",
    "points": "CumulativeBallot",
    "budget": "ApprovalBallot",
    "single": "ApprovalBallot",
    "comment": None,
}

#: pabulib ``vote_type`` written for each question type.
PABULIB_VOTE_TYPE: dict[str, str | None] = {
    "dots": "cumulative",
    "approval": "approval",
    "ranking": "ordinal",
    "rating": "scoring",
    "points": "cumulative",
    "budget": "approval",
    "single": "choose-1",
    "comment": None,
}


def _err(question: Question, message: str) -> WorkshopError:
    return WorkshopError(message, parameter=question.id)


def _as_int(question: Question, option: str, value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise _err(question, f"{option}: {value!r} is not a whole number") from None
    if f != f or f != int(f):
        raise _err(question, f"{option}: {value!r} is not a whole number")
    return int(f)


def _selection(question: Question, value: Any) -> list[str]:
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, Mapping):
        items = [k for k, v in value.items() if v]
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        raise _err(question, "give the chosen options as a list")
    out: list[str] = []
    for item in items:
        item = str(item)
        if item not in question.option_ids:
            raise _err(question, f"unknown option {item!r}; choose among the listed options")
        if item in out:
            raise _err(question, f"option {item!r} chosen twice")
        out.append(item)
    return out


def _amounts(question: Question, value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise _err(question, "give a number for each option")
    out: dict[str, int] = {}
    for k, v in value.items():
        k = str(k)
        if k not in question.option_ids:
            raise _err(question, f"unknown option {k!r}; choose among the listed options")
        n = _as_int(question, k, v)
        if n < 0:
            raise _err(question, f"{k}: negative amounts are not allowed")
        if n:
            out[k] = n
    return out


def validate_ballot(question: Question, value: Any) -> dict[str, int] | str:
    """Check one person's answer against the question's rules and return its canonical form.

    Parameters
    ----------
    question : Question
        The agenda question.
    value : object
        ``dots``/``points``: ``{option: amount}``; ``approval``/``budget``: list of options;
        ``ranking``: list of options, most preferred first (a partial ranking is allowed);
        ``rating``: ``{option: score}`` (options left out are not rated); ``single``: one
        option id; ``comment``: the text.

    Returns
    -------
    dict or str
        ``{option_id: value}`` as in the module table (options with nothing are left out), or
        the stripped text for a comment question.

    Raises
    ------
    WorkshopError
        One line naming the question and what breaks the rule (e.g. too many dots, over budget).

    Notes
    -----
    Budget rules follow Decidim's participatory budgeting settings: the chosen projects must fit
    the budget cap, their number must lie between ``min_projects`` and ``max_projects``, and
    their total must reach ``min_percent`` % of the budget. An empty ballot is refused for
    every type (a person who does not want to answer simply does not send).

    Examples
    --------
    >>> from quartiere.workshop.agenda import Question
    >>> q = Question(id="q", type="dots", text="T", dots=3, cumulative=True,
    ...              options=[{"id": "a", "label": "A"}, {"id": "b", "label": "B"}])
    >>> validate_ballot(q, {"a": 2, "b": 1})
    {'a': 2, 'b': 1}
    >>> validate_ballot(q, {"a": 4})
    Traceback (most recent call last):
    ...
    quartiere.errors.WorkshopError: parameter 'q': 4 dots placed but each person has 3
    """
    t = question.type
    if t == "comment":
        text = "" if value is None else str(value).strip()
        if not text:
            raise _err(question, "the comment is empty")
        if len(text) > question.max_length:
            raise _err(question, f"the comment is longer than {question.max_length} characters")
        return text
    if t in ("dots", "points"):
        amounts = _amounts(question, value)
        total = sum(amounts.values())
        if t == "dots":
            cap = int(question.dots or 0)
            if total == 0:
                raise _err(question, "place at least one dot")
            if total > cap:
                raise _err(question, f"{total} dots placed but each person has {cap}")
            if not question.cumulative:
                many = [k for k, v in amounts.items() if v > 1]
                if many:
                    raise _err(question, f"only one dot per option is allowed ({many[0]!r})")
        else:
            if total != question.points:
                raise _err(
                    question, f"the points add up to {total}; they must add up to {question.points}"
                )
        return {o: amounts[o] for o in question.option_ids if o in amounts}
    if t == "rating":
        if not isinstance(value, Mapping):
            raise _err(question, "give a score for each option")
        out: dict[str, int] = {}
        for k, v in value.items():
            if v is None:
                continue
            k = str(k)
            if k not in question.option_ids:
                raise _err(question, f"unknown option {k!r}; choose among the listed options")
            n = _as_int(question, k, v)
            if not question.scale_min <= n <= question.scale_max:
                raise _err(
                    question,
                    f"{k}: {n} is outside the scale {question.scale_min}-{question.scale_max}",
                )
            out[k] = n
        if not out:
            raise _err(question, "rate at least one option")
        return {o: out[o] for o in question.option_ids if o in out}
    if t == "ranking":
        order = _selection(question, value)
        if not order:
            raise _err(question, "rank at least one option")
        return {o: i + 1 for i, o in enumerate(order)}
    chosen = _selection(question, value)
    if t == "single":
        if len(chosen) != 1:
            raise _err(question, f"choose exactly one option ({len(chosen)} chosen)")
        return {chosen[0]: 1}
    if not chosen:
        raise _err(question, "choose at least one option")
    if t == "approval":
        if question.min_choices is not None and len(chosen) < question.min_choices:
            raise _err(question, f"choose at least {question.min_choices} options")
        if question.max_choices is not None and len(chosen) > question.max_choices:
            raise _err(question, f"choose at most {question.max_choices} options")
    if t == "budget":
        cost = sum(float(question.option(o).cost or 0) for o in chosen)
        cap = float(question.budget or 0)
        if cost > cap:
            raise _err(question, f"the chosen projects cost {cost:g}, over the budget of {cap:g}")
        if question.min_projects is not None and len(chosen) < question.min_projects:
            raise _err(question, f"choose at least {question.min_projects} projects")
        if question.max_projects is not None and len(chosen) > question.max_projects:
            raise _err(question, f"choose at most {question.max_projects} projects")
        if cost < question.min_percent / 100 * cap:
            raise _err(
                question,
                f"the chosen projects cost {cost:g}; spend at least "
                f"{question.min_percent:g}% of the budget",
            )
    return {o: 1 for o in question.option_ids if o in chosen}
