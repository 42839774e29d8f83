"""Workshop agenda: questions, options, costs, budget and rules, read from YAML and validated.

An agenda looks like this (labels are a string or a ``{lang: text}`` mapping)::

    id: val-serena-2026
    title: {it: Laboratorio Piano di Zona, en: Social plan workshop}
    languages: [it, en]
    questions:
      - id: needs
        type: dots    # dots approval ranking rating points budget single comment
        text: {it: Quali bisogni sono prioritari?, en: Which needs come first?}
        dots: 5
        cumulative: true
        options:
          - {id: housing, label: {it: Casa, en: Housing}}
          - {id: home_care, label: {it: Assistenza domiciliare, en: Home care}}
      - id: projects
        type: budget
        budget: 200000
        min_projects: 1
        max_projects: 4
        min_percent: 0
        options:
          - {id: p1, label: Navetta, cost: 60000, district: Montecerro}
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from quartiere.errors import SchemaError

__all__ = [
    "QUESTION_TYPES",
    "Agenda",
    "Option",
    "Question",
    "WorkshopSettings",
    "load_agenda",
    "parse_agenda",
]

QuestionType = Literal[
    "dots", "approval", "ranking", "rating", "points", "budget", "single", "comment"
]
QUESTION_TYPES: tuple[str, ...] = (
    "dots",
    "approval",
    "ranking",
    "rating",
    "points",
    "budget",
    "single",
    "comment",
)

Text = str | dict[str, str]


def _text(value: Text, lang: str) -> str:
    if isinstance(value, str):
        return value
    if lang in value:
        return value[lang]
    return next(iter(value.values()), "")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Frozen):
    """One option of a question (a need, a project, a proposal)."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    label: Text
    cost: float | None = Field(default=None, gt=0)
    district: str | None = None
    description: Text | None = None

    def text(self, lang: str = "it") -> str:
        """Label in ``lang``."""
        return _text(self.label, lang)


class Question(_Frozen):
    """One question of the agenda with its ballot rules."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    type: QuestionType
    text: Text
    options: tuple[Option, ...] = ()
    # dots
    dots: int | None = Field(default=None, ge=1, le=100)
    cumulative: bool = True
    # approval / single
    min_choices: int | None = Field(default=None, ge=0)
    max_choices: int | None = Field(default=None, ge=1)
    # rating
    scale_min: int = 1
    scale_max: int = 5
    # points
    points: int = Field(default=100, ge=1)
    # budget (Decidim-style rules)
    budget: float | None = Field(default=None, gt=0)
    min_projects: int | None = Field(default=None, ge=0)
    max_projects: int | None = Field(default=None, ge=1)
    min_percent: float = Field(default=0.0, ge=0, le=100)
    # comment
    max_length: int = Field(default=1000, ge=1, le=10000)

    @model_validator(mode="after")
    def _rules(self) -> Question:
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(f"option id {dup!r} appears twice; give each option its own id")
        if self.type == "comment":
            if self.options:
                raise ValueError("a comment question takes no options; remove 'options'")
            return self
        if len(self.options) < 2:
            raise ValueError(f"a {self.type} question needs at least 2 options")
        if self.type == "dots" and self.dots is None:
            raise ValueError("a dots question needs 'dots' (how many dots each person places)")
        if self.type == "rating" and self.scale_min >= self.scale_max:
            raise ValueError("'scale_min' must be below 'scale_max'")
        if self.type == "budget":
            if self.budget is None:
                raise ValueError("a budget question needs 'budget' (the money to share out)")
            missing = [o.id for o in self.options if o.cost is None]
            if missing:
                raise ValueError(f"budget options need a 'cost'; missing for {missing[0]!r}")
        if (
            self.min_choices is not None
            and self.max_choices is not None
            and self.min_choices > self.max_choices
        ):
            raise ValueError("'min_choices' is above 'max_choices'")
        if (
            self.min_projects is not None
            and self.max_projects is not None
            and self.min_projects > self.max_projects
        ):
            raise ValueError("'min_projects' is above 'max_projects'")
        return self

    def label(self, lang: str = "it") -> str:
        """Question text in ``lang``."""
        return _text(self.text, lang)

    def option(self, option_id: str) -> Option:
        """Return the option ``option_id`` (KeyError if absent)."""
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(option_id)

    @property
    def option_ids(self) -> tuple[str, ...]:
        """Option ids in agenda order."""
        return tuple(o.id for o in self.options)


class Agenda(_Frozen):
    """A workshop agenda (validated). Build it with :func:`load_agenda` or :func:`parse_agenda`."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    title: Text
    languages: tuple[Literal["it", "en"], ...] = ("it", "en")
    date: str | None = None
    place: str | None = None
    questions: tuple[Question, ...]

    @field_validator("questions")
    @classmethod
    def _unique(cls, value: tuple[Question, ...]) -> tuple[Question, ...]:
        if not value:
            raise ValueError("the agenda has no questions")
        ids = [q.id for q in value]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(f"question id {dup!r} appears twice")
        return value

    def question(self, question_id: str) -> Question:
        """Return the question ``question_id``; SchemaError naming it if absent."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise SchemaError(
            f"no question {question_id!r} in agenda {self.id!r}; known: "
            + ", ".join(q.id for q in self.questions),
            parameter="question",
        )

    def title_text(self, lang: str = "it") -> str:
        """Title in ``lang``."""
        return _text(self.title, lang)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (round-trips through :func:`parse_agenda`)."""
        return self.model_dump(mode="json", exclude_none=True)


def _key(loc: tuple[Any, ...], data: Any) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in QUESTION_TYPES or item in ("str", "dict[str,str]"):
            continue
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "agenda"


def parse_agenda(data: Mapping[str, Any], *, path: str | os.PathLike[str] | None = None) -> Agenda:
    """Validate an agenda given as a mapping.

    Parameters
    ----------
    data : mapping
        The agenda (see the module docstring for the keys).
    path : path-like, optional
        File the mapping came from, named in errors.

    Returns
    -------
    Agenda
        Frozen, validated agenda.

    Raises
    ------
    SchemaError
        One line naming the offending key, e.g. ``column questions[1].dots: ...``.

    Examples
    --------
    >>> a = parse_agenda({"id": "w1", "title": "Prova", "questions": [
    ...     {"id": "q1", "type": "single", "text": "Quale?", "options": [
    ...         {"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}]})
    >>> a.question("q1").option_ids
    ('a', 'b')
    """
    if not isinstance(data, Mapping):
        raise SchemaError("the agenda must be a mapping of keys to values", path=path)
    try:
        return Agenda.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        key = _key(tuple(err.get("loc", ())), data)
        msg = err.get("msg", "invalid value").removeprefix("Value error, ")
        raise SchemaError(f"{msg}", path=path, column=key) from None


def load_agenda(path: str | os.PathLike[str]) -> Agenda:
    """Read and validate an agenda YAML file.

    Parameters
    ----------
    path : path-like
        The YAML file.

    Returns
    -------
    Agenda

    Raises
    ------
    SchemaError
        If the file is missing, not YAML, or a key is wrong (the message names the key).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "agenda.yml"
    >>> _ = p.write_text("id: w\\ntitle: T\\nquestions:\\n  - {id: q, type: comment, text: Say}\\n")
    >>> load_agenda(p).questions[0].type
    'comment'
    """
    p = Path(path)
    if not p.is_file():
        raise SchemaError("agenda file not found; check the path in study.yml", path=p)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = " ".join(str(exc).split())[:160]
        raise SchemaError(f"not valid YAML ({first})", path=p) from None
    return parse_agenda(data or {}, path=p)


class WorkshopSettings(_Frozen):
    """The ``workshop:`` section of study.yml.

    Attributes
    ----------
    agenda : str, optional
        Agenda YAML, relative to the study folder.
    db : str, default "workshop/workshop.sqlite"
        The session database: a key of the study's ``files:`` (hashed in the run manifest)
        or a path relative to the study folder.
    workshop : str, optional
        Workshop id (needed if the database holds several).
    priorities_question : str, optional
        Question whose results become the MCDA criterion weights.
    names : str, optional
        Names list (one per line) for pseudonymizing comments; the report falls back to
        ``interviews.names``.
    """

    agenda: str | None = None
    db: str = "workshop/workshop.sqlite"
    workshop: str | None = None
    priorities_question: str | None = None
    names: str | None = None

    @classmethod
    def from_study(cls, study: Any) -> WorkshopSettings:
        """Validate ``study.section("workshop")``; SchemaError naming the key."""
        raw = study.section("workshop") or {}
        try:
            return cls.model_validate(dict(raw))
        except ValidationError as exc:
            err = exc.errors()[0]
            key = "workshop." + ".".join(str(x) for x in err.get("loc", ()))
            raise SchemaError(err.get("msg", "invalid value"), column=key) from None
