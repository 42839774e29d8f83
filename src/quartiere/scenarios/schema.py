"""The ``scenarios:`` section of ``study.yml``, validated with pydantic.

Example (the sample study's section)::

    scenarios:
      base_year: 2026
      years: [2027, 2028, 2029]
      scenarios: [baseline, low, high]
      inputs:                       # keys of the study's top-level ``files:``
        fertility: scenario_fertility
        life_table: scenario_life_table
        migration: scenario_migration
        usage_rates: scenario_usage_rates
        unit_costs: scenario_unit_costs
        options: scenario_options
        priorities: scenario_priorities
        pairwise: scenario_pairwise
      shock: {name: crisi_economica, start_year: 2027, years: 2,
              increase: {economic_support: 0.30, housing: 0.15}}
      budget: {cap: 1200000, min_per_area: {anziani: 150000}}
      monte_carlo: {draws: 10000, weight_concentration: 40}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from quartiere.errors import SchemaError

__all__ = [
    "ScenariosSchema",
    "ShockSpec",
    "BudgetSpec",
    "StandardsSpec",
    "MonteCarloSpec",
]


def _plain(value: Any) -> Any:
    """Mappings (also read-only proxies) and sequences to plain dicts and lists."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ShockSpec(_Model):
    """An emergency raising demand for some services by a share for some years."""

    name: str = "shock"
    start_year: int
    years: int = Field(ge=1, description="how many years the extra demand lasts")
    increase: dict[str, float] = Field(
        default_factory=lambda: {"economic_support": 0.30, "housing": 0.15},
        description="service -> relative increase of demand (0.30 = +30%)",
    )

    @field_validator("increase")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if x < -1:
                raise ValueError(f"increase of {k} is {x}: it cannot go below -1 (-100%)")
        return v


class BudgetSpec(_Model):
    """Money available per year and the minimum that must go to each area."""

    cap: float = Field(gt=0, description="yearly budget available for new options (EUR)")
    min_per_area: dict[str, float] = Field(default_factory=dict)


class StandardsSpec(_Model):
    """Italian service standards (defaults: LEPS, L. 234/2021, PNRR)."""

    residents_per_social_worker: float = Field(5000, gt=0)
    residents_per_social_worker_target: float = Field(4000, gt=0)
    nido_coverage: float = Field(0.33, ge=0, le=1)
    nido_coverage_target: float = Field(0.45, ge=0, le=1)
    adi_coverage: float = Field(0.10, ge=0, le=1)
    adi_coverage_target: float = Field(0.10, ge=0, le=1)


class MonteCarloSpec(_Model):
    """Monte Carlo settings; per-criterion uncertainty (cv) lives in the criteria table."""

    draws: int = Field(10_000, ge=100)
    weight_concentration: float = Field(
        40.0, gt=0, description="Dirichlet concentration around the weights (higher = surer)"
    )


class ScenariosSchema(_Model):
    """Validated ``scenarios:`` section."""

    base_year: int = 2026
    years: list[int] = Field(default_factory=lambda: [2027, 2028, 2029], min_length=1)
    step: str = Field("annual", pattern="^(annual|5y)$")
    scenarios: list[str] = Field(default_factory=lambda: ["baseline", "low", "high"])
    sex_ratio_at_birth: float = Field(1.05, gt=0)
    radix: float = Field(100_000, gt=0)
    inputs: dict[str, str] = Field(default_factory=dict)
    standards: StandardsSpec = StandardsSpec()
    shock: ShockSpec | None = None
    budget: BudgetSpec | None = None
    weights: dict[str, float] | None = Field(
        None, description="criterion -> weight chosen by the study (else equal weights)"
    )
    monte_carlo: MonteCarloSpec = MonteCarloSpec()
    ahp_random_index: str = Field("saaty1980", pattern="^(saaty1980|saaty2005)$")

    @field_validator("years")
    @classmethod
    def _sorted_unique(cls, v: list[int]) -> list[int]:
        if len(set(v)) != len(v):
            raise ValueError("years listed twice")
        return sorted(v)

    @field_validator("weights")
    @classmethod
    def _weights(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is None:
            return v
        neg = [k for k, x in v.items() if x < 0]
        if neg:
            raise ValueError(f"weight of {neg[0]} is negative")
        if not sum(v.values()) > 0:
            raise ValueError("weights must sum to a positive total")
        return v

    @classmethod
    def from_mapping(cls, section: dict[str, Any], *, path=None) -> ScenariosSchema:
        """Validate a raw mapping; errors become one-line :class:`SchemaError`.

        Parameters
        ----------
        section : dict
            The raw ``scenarios:`` mapping.
        path : path-like, optional
            The study.yml, named in errors.

        Returns
        -------
        ScenariosSchema

        Raises
        ------
        SchemaError
            Naming the first offending key, e.g. ``scenarios.budget.cap``.

        Examples
        --------
        >>> ScenariosSchema.from_mapping({"years": [2029, 2027]}).years
        [2027, 2029]
        >>> ScenariosSchema.from_mapping({"budget": {"cap": -1}})
        Traceback (most recent call last):
        ...
        quartiere.errors.SchemaError: column scenarios.budget.cap: Input should be greater than 0
        """
        try:
            return cls.model_validate(_plain(section or {}))
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in ("scenarios", *err["loc"]))
            msg = err["msg"].removeprefix("Value error, ")
            raise SchemaError(msg, path=path, column=key) from None

    @classmethod
    def from_study(cls, study) -> ScenariosSchema:
        """Validate ``study.section("scenarios")`` (a :class:`quartiere.study.Study`)."""
        path = getattr(study, "root", None)
        if path is not None:
            path = path / "study.yml"
        return cls.from_mapping(study.section("scenarios"), path=path)
