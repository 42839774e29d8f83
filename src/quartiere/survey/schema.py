"""The ``survey:`` section of ``study.yml``, validated with pydantic.

Example section (the sample study's)::

    survey:
      file: survey_csv            # a key under files: (or a path relative to the study)
      form: survey_xlsform        # XLSForm, for KoboToolbox exports
      id: id
      demographics:
        district: {categories: [Serenella, Borgo San Rocco, ...]}
        sex: {categories: [F, M]}
        age_band: {categories: ["18-34", "35-49", "50-64", "65+"], ordered: true}
      likert_labels: {1: Per niente, 2: Poco, 3: Abbastanza, 4: Molto, 5: Moltissimo}
      scales:
        soddisfazione: {items: [sod_1, sod_2, sod_3, sod_4, sod_5], reversed: [sod_4],
                        range: [1, 5], min_items: 3}
      items:
        bisogno_principale: {categories: [casa, nidi, ...]}
      multiple:
        servizi: [sportello, adi, ...]
      weights:
        margins: survey_margins   # population cells: district;sex;age_band;population
        rake: [[district], [sex, age_band]]
        trim: [0.3, 3.0]
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from quartiere.errors import SchemaError

__all__ = ["SurveySchema", "ScaleSpec", "CategoricalSpec", "WeightsSpec"]


class CategoricalSpec(BaseModel):
    """A single-choice variable: its allowed labels, in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    categories: list[str] = Field(min_length=1)
    ordered: bool = False
    label: str | None = None
    required: bool = True

    @model_validator(mode="after")
    def _unique(self) -> CategoricalSpec:
        if len(set(self.categories)) != len(self.categories):
            raise ValueError("categories are listed twice")
        return self


class ScaleSpec(BaseModel):
    """A Likert scale: items, reversed items, answer range, labels, minimum items."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    items: list[str] = Field(min_length=2)
    reversed: list[str] = []
    range: tuple[int, int] = (1, 5)
    labels: dict[int, str] | None = None
    min_items: int | None = None
    label: str | None = None

    @model_validator(mode="after")
    def _check(self) -> ScaleSpec:
        lo, hi = self.range
        if lo >= hi:
            raise ValueError(f"range must be [low, high] with low < high, got {list(self.range)}")
        unknown = [r for r in self.reversed if r not in self.items]
        if unknown:
            raise ValueError(f"reversed item(s) {unknown} are not among the items")
        if len(set(self.items)) != len(self.items):
            raise ValueError("an item is listed twice")
        if self.labels is not None and set(self.labels) != set(range(lo, hi + 1)):
            raise ValueError(f"labels must give exactly the codes {lo}..{hi}")
        if self.min_items is not None and not 1 <= self.min_items <= len(self.items):
            raise ValueError(f"min_items must be between 1 and {len(self.items)}")
        return self

    @property
    def minimum(self) -> int:
        """Items needed for a score (default: half the items, rounded up)."""
        return self.min_items if self.min_items is not None else -(-len(self.items) // 2)


class WeightsSpec(BaseModel):
    """How to weight: population cells file, raking margins, trimming bounds."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    margins: str | None = None
    value: str = "population"
    rake: list[list[str]] = Field(default_factory=list)
    trim: tuple[float, float] | None = None
    max_iter: int = Field(100, ge=1)
    tol: float = Field(1e-8, gt=0)

    @model_validator(mode="after")
    def _check(self) -> WeightsSpec:
        if self.trim is not None and not 0 < self.trim[0] < 1 < self.trim[1]:
            raise ValueError("trim must be [low, high] with 0 < low < 1 < high (times the mean)")
        return self


class SurveySchema(BaseModel):
    """The validated ``survey:`` section of ``study.yml``.

    Examples
    --------
    >>> s = SurveySchema.from_mapping({"id": "id",
    ...     "demographics": {"sex": {"categories": ["F", "M"]}},
    ...     "scales": {"sod": {"items": ["s1", "s2", "s3"], "reversed": ["s3"]}}})
    >>> s.columns
    ['id', 'sex', 's1', 's2', 's3']
    >>> try:
    ...     SurveySchema.from_mapping({"id": "id", "scales": {"sod": {"items": ["a", "b"],
    ...         "reversed": ["c"]}}})
    ... except SchemaError as err:
    ...     print(err)
    key 'survey.scales.sod': reversed item(s) ['c'] are not among the items
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str | None = None
    form: str | None = None
    id: str
    demographics: dict[str, CategoricalSpec] = {}
    likert_labels: dict[int, str] | None = None
    scales: dict[str, ScaleSpec] = {}
    items: dict[str, CategoricalSpec] = {}
    multiple: dict[str, list[str]] = {}
    weights: WeightsSpec | None = None

    @model_validator(mode="after")
    def _check(self) -> SurveySchema:
        seen: dict[str, str] = {self.id: "id"}
        for name in self.demographics:
            _claim(seen, name, f"demographics.{name}")
        for sname, scale in self.scales.items():
            for item in scale.items:
                _claim(seen, item, f"scales.{sname}")
        for name in self.items:
            _claim(seen, name, f"items.{name}")
        for q, options in self.multiple.items():
            for opt in options:
                _claim(seen, f"{q}_{opt}", f"multiple.{q}")
        if self.weights is not None:
            for group in self.weights.rake:
                for var in group:
                    if var not in self.demographics:
                        raise ValueError(f"weights.rake uses {var!r}, not a demographic")
        return self

    @property
    def columns(self) -> list[str]:
        """Every column the schema describes, in canonical order."""
        cols = [self.id, *self.demographics]
        for scale in self.scales.values():
            cols.extend(scale.items)
        cols.extend(self.items)
        for q, options in self.multiple.items():
            cols.extend(f"{q}_{o}" for o in options)
        return cols

    def scale_labels(self, name: str) -> list[str]:
        """Answer labels of scale ``name`` in code order (the codes as text if unlabelled)."""
        scale = self.scales[name]
        lo, hi = scale.range
        labels = scale.labels or self.likert_labels or {}
        return [str(labels.get(c, c)) for c in range(lo, hi + 1)]

    def item_scale(self) -> dict[str, str]:
        """``{item: scale name}`` for every scale item."""
        return {item: s for s, spec in self.scales.items() for item in spec.items}

    @classmethod
    def from_mapping(
        cls, section: Mapping[str, Any], *, path: str | os.PathLike[str] | None = None
    ) -> SurveySchema:
        """Validate a ``survey:`` mapping.

        Raises
        ------
        SchemaError
            Naming the offending key (``survey.scales.sod.range``) and the problem.
        """
        try:
            schema = cls.model_validate(dict(section))
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = [str(p) for p in err["loc"] if not str(p).startswith("function-")]
            key = ".".join(["survey", *loc])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "is required but missing"
            elif err["type"] == "extra_forbidden":
                msg = "unknown key"
            raise SchemaError(msg, path=path, key=key) from None
        if schema.weights is not None and schema.weights.trim is not None:
            pass
        for sname, scale in schema.scales.items():
            if scale.labels is None and schema.likert_labels is not None:
                lo, hi = scale.range
                if set(schema.likert_labels) != set(range(lo, hi + 1)):
                    raise SchemaError(
                        f"likert_labels do not cover the range {lo}-{hi}; give the scale "
                        "its own labels",
                        path=path,
                        key=f"survey.scales.{sname}.labels",
                    )
        return schema

    @classmethod
    def from_study(cls, study: Any) -> SurveySchema:
        """Validate ``study.section("survey")`` (raises SchemaError if it is absent)."""
        section = study.section("survey")
        path = Path(study.root) / "study.yml"
        if not section:
            raise SchemaError("no survey: section", path=path, key="survey")
        return cls.from_mapping(section, path=path)


def _claim(seen: dict[str, str], name: str, where: str) -> None:
    if name in seen:
        raise ValueError(f"column {name!r} is described twice ({seen[name]} and {where})")
    seen[name] = where
