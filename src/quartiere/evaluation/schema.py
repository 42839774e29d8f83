"""The ``evaluation:`` section of study.yml: logic model, SMART indicators, criteria, costs.

The section is validated by :class:`EvaluationSchema` (pydantic). Errors become one-line
:class:`~quartiere.errors.SchemaError` messages naming the key (``evaluation.indicators.<id>``).

Examples
--------
>>> section = {
...     "programme": "Home care",
...     "logic_model": {
...         "inputs": ["2 social workers"],
...         "activities": ["home visits"],
...         "outputs": ["hours delivered"],
...         "outcomes": [{"id": "wellbeing", "label": "Better wellbeing",
...                       "indicators": ["wb"]}],
...         "impact": ["Older people stay at home"],
...     },
...     "indicators": [{"id": "wb", "name": "Mean wellbeing", "baseline": 18,
...                     "baseline_date": "2025-01-01", "target": 22,
...                     "deadline": "2026-12-31", "direction": "higher",
...                     "source": "assessments"}],
... }
>>> schema = EvaluationSchema.from_dict(section)
>>> schema.indicators[0].target
22.0
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import typing
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from quartiere.errors import SchemaError

__all__ = [
    "Indicator",
    "Outcome",
    "LogicModel",
    "Criteria",
    "CostAssumption",
    "EvaluationSchema",
]

_PREFIX = "evaluation"


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Base):
    """A SMART indicator: measurable (baseline), time-bound (deadline), with a target."""

    id: str
    name: str
    baseline: float | None = None
    baseline_date: dt.date | None = None
    target: float
    deadline: dt.date | None = None
    direction: Literal["higher", "lower"] = "higher"
    source: str
    unit: str = ""

    @model_validator(mode="after")
    def _measurable(self) -> Indicator:
        missing = [k for k in ("baseline", "baseline_date", "deadline") if getattr(self, k) is None]
        if missing:
            raise ValueError(
                f"target not measurable: {', '.join(missing)} missing; give a baseline value, "
                "the baseline date and a deadline"
            )
        if self.deadline <= self.baseline_date:  # type: ignore[operator]
            raise ValueError("deadline must come after baseline_date")
        better = (
            self.target > self.baseline
            if self.direction == "higher"
            else (
                self.target < self.baseline  # type: ignore[operator]
            )
        )
        if not better:
            raise ValueError(
                f"target {self.target:g} is no improvement on baseline {self.baseline:g} "
                f"when {self.direction} is better; fix target or direction"
            )
        return self


class Outcome(_Base):
    """An outcome of the logic model, tied to one or more indicators by id."""

    id: str
    label: str
    indicators: tuple[str, ...] = Field(min_length=1)


class LogicModel(_Base):
    """Inputs -> activities -> outputs -> outcomes -> impact."""

    inputs: tuple[str, ...] = Field(min_length=1)
    activities: tuple[str, ...] = Field(min_length=1)
    outputs: tuple[str, ...] = Field(min_length=1)
    outcomes: tuple[Outcome, ...] = Field(min_length=1)
    impact: tuple[str, ...] = Field(min_length=1)


class Criteria(_Base):
    """Decision criteria for :func:`quartiere.evaluation.recommend`."""

    min_effect_size: float = 0.2
    min_target_attainment: float = Field(0.75, ge=0, le=1)
    cost_ceiling: float = Field(30000.0, gt=0)


class CostAssumption(_Base):
    """A cost assumption: central value and the low-high range for sensitivity."""

    value: float
    low: float
    high: float
    unit: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> CostAssumption:
        if not self.low <= self.value <= self.high:
            raise ValueError(
                f"need low <= value <= high (got {self.low}, {self.value}, {self.high})"
            )
        return self


class EvaluationSchema(_Base):
    """The validated ``evaluation:`` section of study.yml."""

    programme: str
    logic_model: LogicModel
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    criteria: Criteria = Criteria()
    costs: dict[str, CostAssumption] = Field(default_factory=dict)
    files: dict[str, str] = Field(default_factory=dict)

    @field_validator("indicators")
    @classmethod
    def _unique_ids(cls, v: tuple[Indicator, ...]) -> tuple[Indicator, ...]:
        seen: set[str] = set()
        for ind in v:
            if ind.id in seen:
                raise ValueError(f"indicator id {ind.id!r} is declared twice")
            seen.add(ind.id)
        return v

    @model_validator(mode="after")
    def _outcomes_known(self) -> EvaluationSchema:
        known = {i.id for i in self.indicators}
        for out in self.logic_model.outcomes:
            for ind in out.indicators:
                if ind not in known:
                    raise ValueError(
                        f"outcome {out.id!r} names indicator {ind!r}, which is not declared "
                        f"under evaluation.indicators (declared: {', '.join(sorted(known))})"
                    )
        return self

    def indicator(self, indicator_id: str) -> Indicator:
        """Return the indicator with this id (SchemaError if unknown)."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise SchemaError(
            f"unknown indicator {indicator_id!r}; declared: "
            f"{', '.join(i.id for i in self.indicators)}",
            key="evaluation.indicators",
        )

    @classmethod
    def from_dict(
        cls, section: Mapping[str, Any], *, path: str | os.PathLike[str] | None = None
    ) -> EvaluationSchema:
        """Validate a raw ``evaluation:`` mapping.

        Parameters
        ----------
        section : Mapping
            The raw section as read from YAML.
        path : path-like, optional
            The study.yml file, named in errors.

        Returns
        -------
        EvaluationSchema

        Raises
        ------
        SchemaError
            One line naming the key (and the indicator id, for indicator errors).
        """
        try:
            return cls.model_validate(dict(section))
        except ValidationError as exc:
            raise _schema_error(exc, section, path) from None

    @classmethod
    def from_study(cls, study: Any) -> EvaluationSchema:
        """Validate ``study.section("evaluation")`` of a loaded :class:`~quartiere.study.Study`."""
        section = study.section("evaluation")
        if not section:
            raise SchemaError(
                "study.yml has no 'evaluation:' section; add one with programme, logic_model "
                "and indicators",
                path=getattr(study, "config_path", None),
                key="evaluation",
            )
        return cls.from_dict(section, path=getattr(study, "config_path", None))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _known_keys(loc: list[Any]) -> list[str]:
    current: type[BaseModel] | None = EvaluationSchema
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        fld = current.model_fields.get(str(part))
        if fld is None:
            return []
        current = _model_in(fld.annotation)
    return list(current.model_fields) if current is not None else []


def _schema_error(
    exc: ValidationError, section: Mapping[str, Any], path: str | os.PathLike[str] | None
) -> SchemaError:
    err = exc.errors()[0]
    loc = list(err["loc"])
    parts = [_PREFIX]
    node: Any = section
    for p in loc:
        if isinstance(p, int) and isinstance(node, (list, tuple)) and p < len(node):
            node = node[p]
            ident = node.get("id") if isinstance(node, Mapping) else None
            parts.append(str(ident) if ident is not None else f"[{p}]")
        else:
            parts.append(str(p))
            node = node.get(p) if isinstance(node, Mapping) else None
    key = ".".join(parts)
    if err["type"] == "extra_forbidden":
        known = _known_keys(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        msg = f"unknown key; {hint}"
    elif err["type"] == "missing":
        msg = "is required but missing"
    else:
        msg = str(err["msg"]).removeprefix("Value error, ")
        value = err.get("input")
        if not isinstance(value, (dict, list, tuple, Mapping)):
            msg += f" (got {value!r})"
    return SchemaError(msg, path=path, key=key)
