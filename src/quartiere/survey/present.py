"""Survey results for a report: weighting in one call, headline frames, localized tables.

The analysis functions (:func:`weight_survey`, :func:`representation`,
:func:`compare_weighting`, :func:`scales_reliability`, :func:`needs_ranking`,
:func:`top_need`) return tidy frames at full precision; the ``*_table`` and ``*_chart``
functions turn them into :func:`quartiere.report.table` objects and altair charts in the
report language. Every visible word comes from the message catalog
(``quartiere/report/messages/survey.yml``); the questionnaire's own wording (question texts,
answer labels, categories) is translated through ``survey.text.<slug>`` keys and shown as
written when the catalog has no translation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from quartiere.errors import ParameterError
from quartiere.io.survey_codebook import _same_code
from quartiere.report.i18n import check_lang, format_int, format_number, format_percent, messages
from quartiere.report.i18n import t as _t
from quartiere.report.tables import ReportTable, table
from quartiere.survey.compare import ChiSquare, GroupComparison
from quartiere.survey.estimates import weighted_estimates
from quartiere.survey.scales import reliability, score_scales
from quartiere.survey.schema import SurveySchema
from quartiere.survey.validate import ValidatedSurvey
from quartiere.survey.weights import (
    WeightSummary,
    _key_name,
    _prepare,
    margin_table,
    rake,
    rake_trimmed,
    weighting_summary,
)

__all__ = [
    "ScalesReliability",
    "SurveyLabels",
    "WeightedSurvey",
    "compare_weighting",
    "comparison_table",
    "crosstab_table",
    "district_column",
    "estimates_table",
    "items_table",
    "likert_scales_chart",
    "needs_ranking",
    "needs_ranking_chart",
    "needs_table",
    "pairwise_table",
    "reliability_table",
    "representation",
    "representation_chart",
    "representation_table",
    "scales_reliability",
    "survey_headlines",
    "survey_labels",
    "text_key",
    "top_need",
    "top_need_table",
    "translate",
    "validation_table",
    "weight_survey",
    "weighting_effect_chart",
    "weighting_effect_table",
    "weighting_table",
]


# --- wording ------------------------------------------------------------------------------


def text_key(text: Any) -> str:
    """Catalog key of a questionnaire text: ``survey.text.`` + an ASCII slug (60 chars).

    Examples
    --------
    >>> text_key("Né d'accordo né in disaccordo")
    'survey.text.ne_d_accordo_ne_in_disaccordo'
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60].rstrip("_")
    return f"survey.text.{slug}"


def translate(text: Any, lang: str) -> str:
    """A questionnaire text in ``lang``: its catalog translation, else the text as written.

    Examples
    --------
    >>> translate("Casa e affitti", "en"), translate("Casa e affitti", "it")
    ('Housing and rent', 'Casa e affitti')
    >>> translate("Porto Lido", "en")
    'Porto Lido'
    """
    check_lang(lang)
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    entry = messages().get(text_key(text))
    return entry[lang] if entry else str(text)


@dataclass(frozen=True)
class SurveyLabels:
    """What the report shows for the survey's columns, scales and values, in one language.

    Attributes
    ----------
    lang : str
        ``"it"`` or ``"en"``.
    variables : mapping
        Column -> question text (or demographic name) in ``lang``.
    scales : mapping
        Scale -> its name in ``lang``.
    """

    lang: str
    variables: Mapping[str, str] = field(default_factory=dict)
    scales: Mapping[str, str] = field(default_factory=dict)

    def var(self, column: str) -> str:
        """Question text or name of ``column`` (the column name if unknown)."""
        return self.variables.get(column, column)

    def scale(self, name: str) -> str:
        """Name of scale ``name`` in the report language."""
        return self.scales.get(name, name)

    def value(self, value: Any) -> str:
        """A category or answer label in the report language."""
        return translate(value, self.lang)

    def values(self, values: Sequence[Any]) -> dict[Any, str]:
        """``{value: label}`` for several values."""
        return {v: self.value(v) for v in values}


def survey_labels(survey: ValidatedSurvey, schema: SurveySchema, *, lang: str) -> SurveyLabels:
    """Question texts and scale names of a survey in the report language.

    Parameters
    ----------
    survey : ValidatedSurvey
        From :func:`~quartiere.survey.load.load_survey` (its codebook has the question texts).
    schema : SurveySchema
        The study's ``survey:`` section (scale names, demographics).
    lang : {"it", "en"}

    Returns
    -------
    SurveyLabels
        Demographics named by ``survey.var_<column>`` when the catalog has it; other
        columns by their question text, translated where the catalog has it.

    Raises
    ------
    ParameterError
        Unknown language.

    Examples
    --------
    >>> schema = SurveySchema.from_mapping({"id": "id",
    ...     "demographics": {"sesso": {"categories": ["Donna", "Uomo"]}},
    ...     "scales": {"b": {"items": ["b1", "b2"], "label": "Benessere personale"}}})
    >>> vs = ValidatedSurvey(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), 0, None)
    >>> lab = survey_labels(vs, schema, lang="en")
    >>> lab.var("sesso"), lab.scale("b"), lab.value("Donna")
    ('Sex', 'Personal wellbeing', 'Woman')
    """
    check_lang(lang)
    cat = messages()
    variables: dict[str, str] = {
        col: translate(text, lang) for col, text in survey.codebook.variable_labels.items()
    }
    for col, spec in schema.demographics.items():
        key = f"survey.var_{col}"
        if key in cat:
            variables[col] = cat[key][lang]
        elif spec.label:
            variables[col] = translate(spec.label, lang)
    for col, spec in schema.items.items():
        if spec.label:
            variables[col] = translate(spec.label, lang)
    scales = {name: translate(spec.label or name, lang) for name, spec in schema.scales.items()}
    return SurveyLabels(lang, variables, scales)


def _p(p: float, lang: str) -> str:
    """A p-value as a reader sees it: ``< 0,001`` or ``= 0,042``."""
    if not np.isfinite(p):
        return ""
    if p < 0.001:
        return "< " + format_number(0.001, lang, 3)
    return "= " + format_number(p, lang, 3)


def _size(value: float, cuts: tuple[float, float, float]) -> str:
    a = abs(value)
    if a < cuts[0]:
        return "negligible"
    if a < cuts[1]:
        return "small"
    if a < cuts[2]:
        return "medium"
    return "large"


# --- weighting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightedSurvey:
    """A survey with scale scores and raking weights, and the weighting diagnostics.

    Attributes
    ----------
    data : pandas.DataFrame
        The canonical frame plus one float column per scale (its score) and the weight
        column.
    weight : str
        Name of the weight column.
    summary : WeightSummary
        Kish effective sample size, design effect, weight range.
    margins : pandas.DataFrame
        :func:`~quartiere.survey.weights.margin_table` of the final weights.
    iterations : int
        Raking cycles of the last raking.
    converged : bool
        Whether the last raking met the tolerance.
    max_margin_error : float
        Largest relative gap between a weighted margin and its target.
    bounds : tuple of float or None
        Trimming bounds (times the mean weight), None if not trimmed.
    rounds : int
        Trim-and-rake rounds (0 when not trimmed or nothing to trim).
    trimmed : int
        Weights outside the bounds after the first raking.
    within : bool
        Whether the final weights are within the bounds (True when not trimmed).
    """

    data: pd.DataFrame
    weight: str
    summary: WeightSummary
    margins: pd.DataFrame
    iterations: int
    converged: bool
    max_margin_error: float
    bounds: tuple[float, float] | None
    rounds: int
    trimmed: int
    within: bool

    def to_frame(self) -> pd.DataFrame:
        """One row: the :class:`WeightSummary` columns plus ``iterations``, ``converged``,
        ``max_margin_error``, ``rounds``, ``trimmed``, ``within``."""
        row = self.summary.to_frame()
        for k in ("iterations", "converged", "max_margin_error", "rounds", "trimmed", "within"):
            row[k] = getattr(self, k)
        return row


def weight_survey(
    data: pd.DataFrame,
    schema: SurveySchema,
    margins: Mapping[Any, Mapping[Hashable, float]],
    *,
    bounds: tuple[float, float] | None = (0.3, 3.0),
    max_iter: int = 100,
    tol: float = 1e-8,
    weight: str = "weight",
) -> WeightedSurvey:
    """Score the scales and rake (with trimming) a validated survey to population margins.

    Parameters
    ----------
    data : pandas.DataFrame
        The canonical frame (``ValidatedSurvey.data``).
    schema : SurveySchema
        Scales to score.
    margins : mapping
        As :func:`~quartiere.survey.weights.rake` (e.g. from
        :func:`~quartiere.survey.load.study_margins`).
    bounds : (float, float) or None, default (0.3, 3.0)
        Trimming bounds as multiples of the mean weight
        (:func:`~quartiere.survey.weights.rake_trimmed`); None rakes without trimming.
    max_iter, tol
        Raking settings.
    weight : str, default "weight"
        Name of the weight column added.

    Returns
    -------
    WeightedSurvey
        Data with scores and weights, and the diagnostics.

    Raises
    ------
    ParameterError
        A score or weight column name already in the data; plus what
        :func:`~quartiere.survey.weights.rake` raises.

    Notes
    -----
    Scores follow :func:`~quartiere.survey.scales.score_scales` (reversed items flipped,
    minimum items answered). The weights sum to the population total of the margins.

    Examples
    --------
    >>> schema = SurveySchema.from_mapping({"id": "id",
    ...     "demographics": {"sex": {"categories": ["F", "M"]}},
    ...     "scales": {"s": {"items": ["a", "b"]}}})
    >>> d = pd.DataFrame({"id": ["1", "2", "3"], "sex": ["F", "F", "M"],
    ...                   "a": [4, 5, 2], "b": [4, 3, 2]})
    >>> ws = weight_survey(d, schema, {"sex": {"F": 500, "M": 500}}, bounds=None)
    >>> ws.data["weight"].tolist(), ws.data["s"].tolist(), round(ws.summary.deff, 3)
    ([250.0, 250.0, 500.0], [4.0, 4.0, 2.0], 1.125)
    """
    scores = score_scales(data, schema)
    clash = [c for c in [*scores.columns, weight] if c in data.columns]
    if clash:
        raise ParameterError(
            f"column {clash[0]!r} is already in the data; rename the scale or the weight",
            parameter="weight",
        )
    if bounds is None:
        w = rake(data, margins, max_iter=max_iter, tol=tol)
        rounds, trimmed, within = 0, 0, True
    else:
        w = rake_trimmed(data, margins, bounds=tuple(bounds), max_iter=max_iter, tol=tol)
        rounds, trimmed, within = w.attrs["rounds"], w.attrs["trimmed"], w.attrs["within"]
    out = pd.concat([data, scores], axis=1)
    out[weight] = w.to_numpy()
    return WeightedSurvey(
        data=out,
        weight=weight,
        summary=weighting_summary(w),
        margins=margin_table(data, w, margins),
        iterations=int(w.attrs["iterations"]),
        converged=bool(w.attrs["converged"]),
        max_margin_error=float(w.attrs["max_margin_error"]),
        bounds=None if bounds is None else (float(bounds[0]), float(bounds[1])),
        rounds=int(rounds),
        trimmed=int(trimmed),
        within=bool(within),
    )


def representation(
    data: pd.DataFrame, margins: Mapping[Any, Mapping[Hashable, float]]
) -> pd.DataFrame:
    """Who answered compared with the population: sample share against population share.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents with the margin columns.
    margins : mapping
        As :func:`~quartiere.survey.weights.rake`: population totals (or shares) per
        category of each margin.

    Returns
    -------
    pandas.DataFrame
        One row per margin category: ``variable`` (column, or columns joined by ``" x "``),
        ``category`` (text; parts joined by ``" x "``), ``n`` (respondents),
        ``sample_share``, ``population_share`` (0-1) and ``ratio`` (sample / population
        share: 2 means twice as many respondents as the group's weight in the population).

    Raises
    ------
    ParameterError, CodebookError, DataFileError
        As :func:`~quartiere.survey.weights.rake` (unknown categories, empty cells...).

    Examples
    --------
    >>> d = pd.DataFrame({"sex": ["F", "F", "F", "M"]})
    >>> representation(d, {"sex": {"F": 50, "M": 50}})[["category", "n", "ratio"]]
      category  n  ratio
    0        F  3    1.5
    1        M  1    0.5
    """
    base = np.ones(len(data))
    codes, cats, targets, keys = _prepare(data, margins, base)
    rows = []
    for key, c, k, tgt in zip(keys, codes, cats, targets, strict=True):
        n = np.bincount(c, minlength=len(k))
        pop = tgt / tgt.sum()
        for i, cat in enumerate(k):
            sample = n[i] / n.sum()
            rows.append(
                {
                    "variable": _key_name(key),
                    "category": " x ".join(map(str, cat)) if isinstance(cat, tuple) else str(cat),
                    "n": int(n[i]),
                    "sample_share": float(sample),
                    "population_share": float(pop[i]),
                    "ratio": float(sample / pop[i]) if pop[i] > 0 else np.nan,
                }
            )
    return pd.DataFrame(rows)


def compare_weighting(
    data: pd.DataFrame, variables: Sequence[str], *, weight: str, ci: float = 0.95
) -> pd.DataFrame:
    """Unweighted against weighted means of several variables (the effect of weighting).

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents with numeric ``variables`` (scale scores, 0/1 indicators) and weights.
    variables : sequence of str
        Numeric columns.
    weight : str
        Weight column.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per variable: ``variable``, ``n`` (respondents answering),
        ``unweighted``, ``unweighted_ci_low``, ``unweighted_ci_high``, ``estimate``
        (weighted), ``se``, ``ci_low``, ``ci_high`` and ``difference`` (weighted -
        unweighted).

    Raises
    ------
    ParameterError
        As :func:`~quartiere.survey.estimates.weighted_estimates`; a categorical variable.

    Notes
    -----
    Both estimates use :func:`~quartiere.survey.estimates.weighted_estimates`
    (linearization variance; unweighted = all weights 1). Missing values are left out.

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [3.0, 1.0, 1.0, 1.0]})
    >>> compare_weighting(d, ["y"], weight="w")[["unweighted", "estimate", "difference"]]
       unweighted  estimate  difference
    0         2.5       2.0        -0.5
    """
    rows = []
    for var in variables:
        u = weighted_estimates(data, var, weight=None, ci=ci, threshold=1)
        w = weighted_estimates(data, var, weight=weight, ci=ci, threshold=1)
        if u["statistic"].iloc[0] != "mean":
            raise ParameterError(f"{var!r} is not numeric", parameter="variables")
        u, w = u.iloc[0], w.iloc[0]
        rows.append(
            {
                "variable": var,
                "n": int(w["n"]),
                "unweighted": float(u["estimate"]),
                "unweighted_ci_low": float(u["ci_low"]),
                "unweighted_ci_high": float(u["ci_high"]),
                "estimate": float(w["estimate"]),
                "se": float(w["se"]),
                "ci_low": float(w["ci_low"]),
                "ci_high": float(w["ci_high"]),
                "difference": float(w["estimate"] - u["estimate"]),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ScalesReliability:
    """Reliability of every scale of a survey.

    Attributes
    ----------
    scales : pandas.DataFrame
        One row per scale: ``scale``, ``n``, ``k``, ``alpha``, ``ci_low``, ``ci_high``,
        ``omega``.
    items : pandas.DataFrame
        One row per item: ``scale`` plus the columns of
        :attr:`~quartiere.survey.scales.Reliability.items`.
    """

    scales: pd.DataFrame
    items: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The per-scale summary."""
        return self.scales.copy()


def scales_reliability(data: pd.DataFrame, schema: SurveySchema) -> ScalesReliability:
    """Alpha (with CI), omega and item statistics of every scale in the schema.

    Parameters
    ----------
    data : pandas.DataFrame
        The canonical frame (items as ordered categoricals or codes).
    schema : SurveySchema
        Scales with items, reversed items and range.

    Returns
    -------
    ScalesReliability
        ``scales`` and ``items`` frames (see :class:`ScalesReliability`).

    Raises
    ------
    ParameterError
        As :func:`~quartiere.survey.scales.reliability`.

    Notes
    -----
    Each scale is :func:`~quartiere.survey.scales.reliability` on its complete cases
    (listwise deletion), reversed items flipped first.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> f = rng.normal(size=200)
    >>> d = pd.DataFrame({f"q{i}": np.clip(np.round(3 + f + rng.normal(size=200)), 1, 5)
    ...                   for i in range(3)})
    >>> schema = SurveySchema.from_mapping({"id": "id",
    ...     "scales": {"s": {"items": ["q0", "q1", "q2"]}}})
    >>> r = scales_reliability(d, schema)
    >>> r.scales[["scale", "k"]].to_dict("records"), len(r.items)
    ([{'scale': 's', 'k': 3}], 3)
    """
    summaries, items = [], []
    for name, spec in schema.scales.items():
        rel = reliability(data, spec.items, reversed=spec.reversed, scale_range=spec.range)
        summaries.append(rel.to_frame().assign(scale=name))
        items.append(rel.items.assign(scale=name))
    scales = pd.concat(summaries, ignore_index=True)
    scales = scales[["scale", "n", "k", "alpha", "ci_low", "ci_high", "omega"]]
    items_frame = pd.concat(items, ignore_index=True)
    items_frame = items_frame[["scale", *[c for c in items_frame.columns if c != "scale"]]]
    return ScalesReliability(scales, items_frame)


def needs_ranking(
    data: pd.DataFrame,
    question: str,
    options: Sequence[str],
    *,
    weight: str | None,
    by: str | None = None,
    threshold: int = 5,
) -> pd.DataFrame:
    """Priority ranking of a ``select_multiple`` question (share choosing each option).

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents with 0/1 columns ``<question>_<option>``.
    question : str
        Question name (``"bisogni"``).
    options : sequence of str
        Its options (``schema.multiple[question]``).
    weight : str or None
        Weight column.
    by : str, optional
        Group column (``"comune"``); default one ranking for everyone.
    threshold : int, default 5
        Shares resting on fewer respondents choosing the option are suppressed.

    Returns
    -------
    pandas.DataFrame
        One row per (group,) option: the ``by`` column, ``option``, ``variable``,
        ``n`` (respondents choosing it), ``n_group``, ``estimate`` (share 0-1), ``se``,
        ``ci_low``, ``ci_high``, ``suppressed`` and ``rank`` (1 = most chosen in the group;
        suppressed options are ranked last).

    Raises
    ------
    ParameterError
        A missing indicator column; as :func:`~quartiere.survey.estimates.weighted_estimates`.

    Examples
    --------
    >>> d = pd.DataFrame({"b_x": [1, 1, 0, 1, 1, 1], "b_y": [0, 1, 1, 0, 0, 0]})
    >>> needs_ranking(d, "b", ["x", "y"], weight=None, threshold=1)[["option", "rank"]]
      option  rank
    0      x     1
    1      y     2
    """
    frames = []
    for opt in options:
        col = f"{question}_{opt}"
        if col not in data.columns:
            raise ParameterError(f"no column {col!r} in the data", parameter="options")
        d = data.assign(**{col: pd.to_numeric(data[col], errors="coerce").astype(float)})
        est = weighted_estimates(d, col, weight=weight, by=by, threshold=threshold)
        frames.append(est.assign(option=opt))
    out = pd.concat(frames, ignore_index=True)
    keys = [by] if by else []
    score = out["estimate"].fillna(-1.0)
    out["rank"] = (
        score.groupby([out[k] for k in keys], observed=True).rank(ascending=False, method="min")
        if keys
        else score.rank(ascending=False, method="min")
    ).astype(int)
    cols = [*keys, "option", "variable", "n", "n_group", "estimate", "se", "ci_low", "ci_high"]
    out = out[[*cols, "suppressed", "rank"]]
    return out.sort_values([*keys, "rank"], kind="stable").reset_index(drop=True)


def top_need(
    data: pd.DataFrame, item: str, *, weight: str | None, by: str, threshold: int = 5
) -> pd.DataFrame:
    """The most chosen answer of a single-choice question in each group.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents.
    item : str
        Single-choice column (``"bisogno_principale"``).
    weight : str or None
        Weight column.
    by : str
        Group column.
    threshold : int, default 5
        Privacy threshold (suppressed shares cannot be the top answer).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``by``, ``category`` (the top answer), ``n``, ``n_group``,
        ``estimate`` (its weighted share), ``ci_low``, ``ci_high``, ``runner_up`` and
        ``runner_up_estimate``.

    Raises
    ------
    ParameterError
        As :func:`~quartiere.survey.estimates.weighted_estimates`.

    Examples
    --------
    >>> d = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 3, "need": list("xxyzyyx")})
    >>> top_need(d, "need", weight=None, by="g", threshold=1)[["g", "category", "runner_up"]]
       g category runner_up
    0  a        x         y
    1  b        y         x
    """
    est = weighted_estimates(data, item, weight=weight, by=by, threshold=threshold)
    rows = []
    for group, sub in est.groupby(by, observed=True, sort=False):
        ranked = sub.sort_values("estimate", ascending=False, na_position="last")
        first = ranked.iloc[0]
        second = ranked.iloc[1] if len(ranked) > 1 else None
        rows.append(
            {
                by: group,
                "category": first["category"],
                "n": int(first["n"]),
                "n_group": int(first["n_group"]),
                "estimate": float(first["estimate"]),
                "ci_low": float(first["ci_low"]),
                "ci_high": float(first["ci_high"]),
                "runner_up": None if second is None else second["category"],
                "runner_up_estimate": np.nan if second is None else float(second["estimate"]),
            }
        )
    out = pd.DataFrame(rows)
    for col in (by, "category", "runner_up"):
        out[col] = out[col].astype(object)
    return out


def survey_headlines(
    survey: ValidatedSurvey,
    weighted: WeightedSurvey,
    effect: pd.DataFrame,
    reliab: ScalesReliability,
    top: pd.DataFrame,
    *,
    by: str,
) -> dict[str, Any]:
    """The headline numbers a report glues, as one flat dict.

    Parameters
    ----------
    survey : ValidatedSurvey
        Read and validated survey.
    weighted : WeightedSurvey
        From :func:`weight_survey`.
    effect : pandas.DataFrame
        From :func:`compare_weighting`.
    reliab : ScalesReliability
        From :func:`scales_reliability`.
    top : pandas.DataFrame
        From :func:`top_need`.
    by : str
        The group column of ``top``.

    Returns
    -------
    dict
        ``n_read``, ``n_respondents``, ``n_dropped``, ``dropped_reasons`` ({problem: rows}),
        ``deff``, ``n_eff``, ``weight_ratio``, ``raking_iterations``, ``raking_converged``,
        ``max_margin_error``, ``<scale>_unweighted`` and ``<scale>_weighted`` for each
        compared variable, ``alpha`` and ``omega`` ({scale: value}) and ``top_need``
        ({group: answer}).

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> schema = SurveySchema.from_mapping({"id": "id",
    ...     "demographics": {"g": {"categories": ["a", "b"]}},
    ...     "scales": {"s": {"items": ["p", "q", "r"]}}, "items": {"need": {"categories":
    ...     ["x", "y"]}}})
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"id": [str(i) for i in range(40)], "g": ["a", "b"] * 20,
    ...     **{c: rng.integers(1, 6, 40) for c in "pqr"}, "need": ["x", "y"] * 20})
    >>> from quartiere.survey.validate import validate_survey
    >>> vs = validate_survey(d, schema)
    >>> ws = weight_survey(vs.data, schema, {"g": {"a": 30, "b": 10}}, bounds=None)
    >>> h = survey_headlines(vs, ws, compare_weighting(ws.data, ["s"], weight="weight"),
    ...     scales_reliability(ws.data, schema),
    ...     top_need(ws.data, "need", weight="weight", by="g"), by="g")
    >>> h["n_respondents"], h["n_dropped"], h["top_need"]
    (40, 0, {'a': 'x', 'b': 'y'})
    """
    reasons: dict[str, int] = {}
    if not survey.problems.empty:
        kinds = survey.problems.dropna(subset=["row"]).assign(kind=lambda f: _reason(f["problem"]))
        reasons = {k: int(v) for k, v in kinds.groupby("kind")["row"].nunique().items()}
    out: dict[str, Any] = {
        "n_read": int(survey.n_read),
        "n_respondents": len(survey.data),
        "n_dropped": len(survey.dropped),
        "dropped_reasons": reasons,
        "deff": weighted.summary.deff,
        "n_eff": weighted.summary.n_eff,
        "weight_ratio": weighted.summary.max / weighted.summary.min,
        "raking_iterations": weighted.iterations,
        "raking_converged": weighted.converged,
        "max_margin_error": weighted.max_margin_error,
    }
    for row in effect.itertuples(index=False):
        out[f"{row.variable}_unweighted"] = float(row.unweighted)
        out[f"{row.variable}_weighted"] = float(row.estimate)
    out["alpha"] = dict(
        zip(reliab.scales["scale"], reliab.scales["alpha"].astype(float), strict=True)
    )
    out["omega"] = dict(
        zip(reliab.scales["scale"], reliab.scales["omega"].astype(float), strict=True)
    )
    out["top_need"] = {str(g): str(c) for g, c in zip(top[by], top["category"], strict=True)}
    return out


# --- report tables and charts -------------------------------------------------------------

_REASONS = [
    ("outside the scale", "reason_outside"),
    ("not a whole answer code", "reason_outside"),
    ("unknown", "reason_unknown"),
    ("duplicate respondent id", "reason_duplicate"),
    ("missing respondent id", "reason_missing_id"),
    ("is not 0 or 1", "reason_indicator"),
]


def _reason(problems: pd.Series) -> pd.Series:
    def kind(text: str) -> str:
        for needle, key in _REASONS:
            if needle in text:
                return key
        return "reason_other"

    return problems.astype(str).map(kind)


def validation_table(survey: ValidatedSurvey, *, lang: str, max_problems: int = 10) -> ReportTable:
    """Rows read, dropped (with the reasons) and kept, as a report table.

    Parameters
    ----------
    survey : ValidatedSurvey
        From :func:`~quartiere.survey.load.load_survey`.
    lang : {"it", "en"}
    max_problems : int, default 10
        Problems listed one by one (row, column, value, reason) in the note; the rest
        are counted.

    Returns
    -------
    ReportTable
        Columns ``check`` and ``n``; the note says whether rows were dropped and lists the
        problems.

    Examples
    --------
    >>> vs = ValidatedSurvey(pd.DataFrame({"id": ["a"]}),
    ...     pd.DataFrame({"row": [2], "column": ["q"], "value": [9],
    ...                   "problem": ["9 is outside the scale 1-5"], "message": [""]}),
    ...     pd.DataFrame({"row": [2], "id": ["b"], "reasons": ["9 is outside the scale 1-5"]}),
    ...     2, None)
    >>> tab = validation_table(vs, lang="en")
    >>> tab.to_frame().iloc[2].tolist()
    ['– of which for value outside the scale', '1']
    >>> tab.note
    'Rows with problems dropped (non-strict mode): row 2, column q, value “9”: value outside the scale.'

    """
    name = survey.path.name if survey.path is not None else "survey"
    rows = [
        (_t("survey.rows_read", lang, file=name), survey.n_read),
        (_t("survey.rows_dropped", lang), len(survey.dropped)),
    ]
    if not survey.problems.empty:
        kinds = survey.problems.dropna(subset=["row"]).assign(kind=lambda f: _reason(f["problem"]))
        for key, n in kinds.groupby("kind")["row"].nunique().sort_values(ascending=False).items():
            reason = _t(f"survey.{key}", lang)
            rows.append((_t("survey.dropped_for", lang, reason=reason), int(n)))
    rows.append((_t("survey.rows_kept", lang), len(survey.data)))
    frame = pd.DataFrame(rows, columns=["check", "n"])
    if survey.dropped.empty:
        note = _t("survey.validation_note_ok", lang)
    else:
        found = survey.problems.dropna(subset=["row"])
        shown = [
            _t(
                "survey.problem_at",
                lang,
                row=int(r.row),
                column=r.column,
                value="" if r.value is None else _same_code(r.value),
                reason=_t(f"survey.{_reason(pd.Series([r.problem])).iloc[0]}", lang),
            )
            for r in found.head(max_problems).itertuples(index=False)
        ]
        if len(found) > max_problems:
            shown.append(_t("survey.problems_more", lang, n=len(found) - max_problems))
        note = _t("survey.validation_note_dropped", lang, problems="; ".join(shown))
    return table(
        frame,
        caption=_t("survey.validation_title", lang),
        columns={
            "check": (_t("survey.check", lang), "text"),
            "n": (_t("survey.rows", lang), "int"),
        },
        lang=lang,
        note=note,
    )


def _first_only(values: Sequence[str]) -> list[str]:
    """Blank a value repeated from the row above (group labels shown once)."""
    out, last = [], None
    for v in values:
        out.append("" if v == last else v)
        last = v
    return out


def _range(low: float, high: float, lang: str, fmt: str = "num2") -> str:
    """A confidence interval as text: ``3,22 – 3,31`` (no-break spaces around the dash)."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return "—"
    if fmt == "pct1":
        return f"{format_percent(low, lang, 1)}\u00a0–\u2060\u00a0{format_percent(high, lang, 1)}"
    return f"{format_number(low, lang, 2)}\u00a0–\u2060\u00a0{format_number(high, lang, 2)}"


def _category_text(variable: str, category: str, labels: SurveyLabels) -> str:
    return " · ".join(labels.value(part) for part in str(category).split(" x "))


def _variable_text(variable: str, labels: SurveyLabels) -> str:
    key = "survey.var_" + variable.replace(" x ", "_x_")
    return _t(key, labels.lang) if key in messages() else labels.var(variable)


def representation_table(rep: pd.DataFrame, *, labels: SurveyLabels) -> ReportTable:
    """Sample against population shares by margin, as a report table.

    Parameters
    ----------
    rep : pandas.DataFrame
        From :func:`representation`.
    labels : SurveyLabels
        Wording and language.

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> rep = representation(pd.DataFrame({"sesso": ["Donna", "Donna", "Uomo"]}),
    ...                      {"sesso": {"Donna": 50, "Uomo": 50}})
    >>> representation_table(rep, labels=SurveyLabels("en")).to_frame().iloc[0].tolist()
    ['Sex', 'Woman', '2', '66.7%', '50.0%', '1.33']
    """
    lang = labels.lang
    shown = rep.assign(
        variable_label=_first_only([_variable_text(v, labels) for v in rep["variable"]]),
        category_label=[
            _category_text(v, c, labels)
            for v, c in zip(rep["variable"], rep["category"], strict=True)
        ],
    )
    return table(
        shown,
        caption=_t("survey.representation_title", lang),
        columns={
            "variable_label": (_t("survey.variable", lang), "text"),
            "category_label": (_t("survey.category", lang), "text"),
            "n": (_t("survey.respondents", lang), "int"),
            "sample_share": (_t("survey.sample_share", lang), "pct1"),
            "population_share": (_t("survey.population_share", lang), "pct1"),
            "ratio": (_t("survey.ratio", lang), "num2"),
        },
        lang=lang,
        note=_t("survey.representation_note", lang),
    )


def representation_chart(
    rep: pd.DataFrame, *, labels: SurveyLabels, variable: str | None = None
) -> alt.Chart:
    """Bars of the sample/population ratio for one margin, with a rule at 1.

    Parameters
    ----------
    rep : pandas.DataFrame
        From :func:`representation`.
    variable : str, optional
        Which margin (a ``variable`` value, e.g. ``"sesso x classe_eta"``); default the
        first cross-classified margin, else the first margin.
    labels : SurveyLabels
        Wording and language.

    Returns
    -------
    altair.Chart

    Raises
    ------
    ParameterError
        No rows for ``variable``.

    Examples
    --------
    >>> rep = representation(pd.DataFrame({"s": ["F", "F", "M"]}), {"s": {"F": 1, "M": 1}})
    >>> representation_chart(rep, variable="s", labels=SurveyLabels("it")).to_dict()[
    ...     "layer"][1]["mark"]["type"]
    'rule'
    """
    from quartiere.report.charts import bar_chart

    if variable is None:
        names = list(dict.fromkeys(rep["variable"]))
        crossed = [v for v in names if " x " in v]
        variable = (crossed or names)[0]
    sub = rep[rep["variable"] == variable]
    if sub.empty:
        raise ParameterError(f"no rows for {variable!r}", parameter="variable")
    shown = sub.assign(label=[_category_text(variable, c, labels) for c in sub["category"]])
    return bar_chart(
        shown,
        x="ratio",
        y="label",
        x_title=_t("survey.ratio_axis", labels.lang),
        y_title=_variable_text(variable, labels),
        rule=1.0,
        x_format=".1f",
        title=_t("survey.representation_chart_title", labels.lang),
    )


def weighting_table(weighted: WeightedSurvey, *, lang: str) -> ReportTable:
    """Weighting diagnostics in plain words: convergence, trimming, effective n, deff.

    Parameters
    ----------
    weighted : WeightedSurvey
        From :func:`weight_survey`.
    lang : {"it", "en"}

    Returns
    -------
    ReportTable
        Columns ``diagnostic``, ``value`` (formatted text) and ``meaning``.

    Examples
    --------
    >>> schema = SurveySchema.from_mapping({"id": "id",
    ...     "demographics": {"sex": {"categories": ["F", "M"]}},
    ...     "scales": {"s": {"items": ["a", "b"]}}})
    >>> d = pd.DataFrame({"id": ["1", "2", "3"], "sex": ["F", "F", "M"],
    ...                   "a": [4, 5, 2], "b": [4, 3, 2]})
    >>> ws = weight_survey(d, schema, {"sex": {"F": 500, "M": 500}}, bounds=None)
    >>> weighting_table(ws, lang="en").to_frame().iloc[3, 2]
    'The 3 weighted interviews are as precise as 3 interviews of a random sample.'
    """
    s = weighted.summary
    mean = s.total / s.n
    num = lambda x, d=2: format_number(x, lang, d)  # noqa: E731
    err = (
        "< " + format_percent(1e-6, lang, 4)
        if weighted.max_margin_error < 1e-6
        else format_percent(weighted.max_margin_error, lang, 4)
    )
    conv = "survey.w_converged_yes" if weighted.converged else "survey.w_converged_no"
    rows = [
        (
            _t("survey.w_iterations", lang),
            format_int(weighted.iterations, lang),
            _t("survey.w_iterations_means", lang),
        ),
        (
            _t("survey.w_converged", lang),
            _t(conv, lang, error=err),
            _t("survey.w_converged_means", lang),
        ),
    ]
    if weighted.bounds is not None:
        rows.append(
            (
                _t("survey.w_trim", lang),
                _t(
                    "survey.w_trim_value",
                    lang,
                    n=format_int(weighted.trimmed, lang),
                    low=num(weighted.bounds[0], 1),
                    high=num(weighted.bounds[1], 1),
                    rounds=format_int(weighted.rounds, lang),
                ),
                _t("survey.w_trim_means", lang),
            )
        )
    rows += [
        (
            _t("survey.w_range", lang),
            _t("survey.w_range_value", lang, min=num(s.min / mean), max=num(s.max / mean)),
            _t("survey.w_range_means", lang, max=num(s.max / mean, 1)),
        ),
        (
            _t("survey.w_neff", lang),
            format_int(s.n_eff, lang),
            _t(
                "survey.w_neff_means", lang, n=format_int(s.n, lang), neff=format_int(s.n_eff, lang)
            ),
        ),
        (
            _t("survey.w_deff", lang),
            num(s.deff),
            _t(
                "survey.w_deff_means",
                lang,
                deff=num(s.deff),
                pct=format_percent(np.sqrt(s.deff) - 1, lang, 0),
            ),
        ),
    ]
    frame = pd.DataFrame(rows, columns=["diagnostic", "value", "meaning"])
    return table(
        frame,
        caption=_t("survey.weighting_title", lang),
        columns={
            "diagnostic": (_t("survey.diagnostic", lang), "text"),
            "value": (_t("survey.value", lang), "text"),
            "meaning": (_t("survey.meaning", lang), "text"),
        },
        lang=lang,
        note=_t("survey.weighting_note", lang),
    )


def weighting_effect_table(effect: pd.DataFrame, *, labels: SurveyLabels) -> ReportTable:
    """Unweighted and weighted scale means side by side, as a report table.

    Parameters
    ----------
    effect : pandas.DataFrame
        From :func:`compare_weighting`.
    labels : SurveyLabels
        Wording and language.

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [3.0, 1.0, 1.0, 1.0]})
    >>> tab = weighting_effect_table(compare_weighting(d, ["y"], weight="w"),
    ...                              labels=SurveyLabels("it"))
    >>> tab.to_frame().iloc[0, [2, 4, 6]].tolist()
    ['2,50', '2,00', '-0,50']
    """
    lang = labels.lang
    shown = effect.assign(
        scale_label=[labels.scale(v) for v in effect["variable"]],
        unweighted_ci=[
            _range(a, b, lang)
            for a, b in zip(effect["unweighted_ci_low"], effect["unweighted_ci_high"], strict=True)
        ],
        weighted_ci=[
            _range(a, b, lang) for a, b in zip(effect["ci_low"], effect["ci_high"], strict=True)
        ],
    )
    u, w = _t("survey.unweighted", lang), _t("survey.weighted", lang)
    return table(
        shown,
        caption=_t("survey.effect_title", lang),
        columns={
            "scale_label": (_t("survey.scale", lang), "text"),
            "n": (_t("survey.respondents", lang), "int"),
            "unweighted": (u, "num2"),
            "unweighted_ci": (_t("survey.ci95_of", lang, what=u.lower()), "text"),
            "estimate": (w, "num2"),
            "weighted_ci": (_t("survey.ci95_of", lang, what=w.lower()), "text"),
            "difference": (_t("survey.difference", lang), "num2"),
        },
        lang=lang,
        note=_t("survey.effect_note", lang),
    )


def weighting_effect_chart(effect: pd.DataFrame, *, labels: SurveyLabels) -> alt.Chart:
    """Unweighted and weighted means with CI whiskers, one row per scale.

    Parameters
    ----------
    effect : pandas.DataFrame
        From :func:`compare_weighting`.
    labels : SurveyLabels
        Wording and language.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [3.0, 1.0, 1.0, 1.0]})
    >>> spec = weighting_effect_chart(compare_weighting(d, ["y"], weight="w"),
    ...                               labels=SurveyLabels("en")).to_dict()
    >>> spec["layer"][1]["encoding"]["color"]["title"]
    'Estimate'
    """
    from quartiere.report.charts import PALETTE

    lang = labels.lang
    u, w = _t("survey.unweighted", lang), _t("survey.weighted", lang)
    rows = []
    for r in effect.itertuples(index=False):
        scale = labels.scale(r.variable)
        rows.append(
            {
                "scale": scale,
                "kind": u,
                "estimate": r.unweighted,
                "ci_low": r.unweighted_ci_low,
                "ci_high": r.unweighted_ci_high,
            }
        )
        rows.append(
            {
                "scale": scale,
                "kind": w,
                "estimate": r.estimate,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
            }
        )
    frame = pd.DataFrame(rows)
    color = alt.Color(
        "kind:N",
        title=_t("survey.estimate_kind", lang),
        sort=[u, w],
        scale=alt.Scale(domain=[u, w], range=[PALETTE[1], PALETTE[0]]),
    )
    y = alt.Y("scale:N", title=_t("survey.scale", lang), sort=None, axis=alt.Axis(labelLimit=300))
    offset = alt.YOffset("kind:N", sort=[u, w])
    base = alt.Chart(frame).encode(y=y, yOffset=offset, color=color)
    whiskers = base.mark_rule(size=2).encode(
        x=alt.X("ci_low:Q", title=_t("survey.mean_score", lang), scale=alt.Scale(zero=False)),
        x2="ci_high:Q",
    )
    points = base.mark_point(filled=True, size=70).encode(
        x="estimate:Q",
        tooltip=[
            alt.Tooltip("scale:N", title=_t("survey.scale", lang)),
            alt.Tooltip("kind:N", title=_t("survey.estimate_kind", lang)),
            alt.Tooltip("estimate:Q", title=_t("survey.estimate", lang), format=".2f"),
        ],
    )
    return alt.layer(whiskers, points).properties(
        height=alt.Step(22), title=_t("survey.effect_chart_title", lang)
    )


def _verdict(alpha: float, lang: str) -> str:
    key = "good" if alpha >= 0.8 else "ok" if alpha >= 0.7 else "weak"
    return _t(f"survey.verdict_{key}", lang)


def reliability_table(reliab: ScalesReliability, *, labels: SurveyLabels) -> ReportTable:
    """Alpha with CI, omega and a verdict per scale, as a report table.

    Parameters
    ----------
    reliab : ScalesReliability
        From :func:`scales_reliability`.
    labels : SurveyLabels
        Wording and language.

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> r = ScalesReliability(pd.DataFrame({"scale": ["s"], "n": [100], "k": [4],
    ...     "alpha": [0.82], "ci_low": [0.76], "ci_high": [0.87], "omega": [0.83]}),
    ...     pd.DataFrame())
    >>> reliability_table(r, labels=SurveyLabels("en")).to_frame().iloc[0, -1]
    'good (≥ 0.80)'
    """
    lang = labels.lang
    s = reliab.scales
    shown = s.assign(
        scale_label=[labels.scale(v) for v in s["scale"]],
        verdict=[_verdict(a, lang) for a in s["alpha"]],
        alpha_ci=[_range(a, b, lang) for a, b in zip(s["ci_low"], s["ci_high"], strict=True)],
    )
    return table(
        shown,
        caption=_t("survey.reliability_title", lang),
        columns={
            "scale_label": (_t("survey.scale", lang), "text"),
            "k": (_t("survey.items_n", lang), "int"),
            "n": (_t("survey.complete", lang), "int"),
            "alpha": (_t("survey.alpha", lang), "num2"),
            "alpha_ci": (_t("survey.ci95", lang), "text"),
            "omega": (_t("survey.omega", lang), "num2"),
            "verdict": (_t("survey.verdict", lang), "text"),
        },
        lang=lang,
        note=_t("survey.reliability_note", lang),
    )


def items_table(reliab: ScalesReliability, *, labels: SurveyLabels) -> ReportTable:
    """Item statistics of every scale (statement text, reversed, mean, item-rest r, ...).

    Parameters
    ----------
    reliab : ScalesReliability
        From :func:`scales_reliability`.
    labels : SurveyLabels
        Wording and language.

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> items = pd.DataFrame({"scale": ["s"], "item": ["q1"], "reversed": [True],
    ...     "mean": [3.2], "sd": [1.1], "item_total": [0.55], "alpha_if_dropped": [0.7],
    ...     "loading": [0.6]})
    >>> r = ScalesReliability(pd.DataFrame(), items)
    >>> items_table(r, labels=SurveyLabels("it")).to_frame().iloc[0, :3].tolist()
    ['s', 'q1', 'sì']
    """
    lang = labels.lang
    it = reliab.items
    shown = it.assign(
        scale_label=_first_only([labels.scale(v) for v in it["scale"]]),
        item_label=[labels.var(v) for v in it["item"]],
    )
    return table(
        shown,
        caption=_t("survey.items_title", lang),
        columns={
            "scale_label": (_t("survey.scale", lang), "text"),
            "item_label": (_t("survey.item", lang), "text"),
            "reversed": (_t("survey.reversed", lang), "bool"),
            "mean": (_t("survey.mean", lang), "num2"),
            "item_total": (_t("survey.item_total", lang), "num2"),
            "alpha_if_dropped": (_t("survey.alpha_if_dropped", lang), "num2"),
            "loading": (_t("survey.loading", lang), "num2"),
        },
        lang=lang,
        note=_t("survey.items_note", lang),
    )


def estimates_table(
    estimates: pd.DataFrame,
    by: str | Sequence[str],
    *,
    labels: SurveyLabels,
    caption: str,
    threshold: int,
    keep: Mapping[str, Any] | None = None,
) -> ReportTable:
    """Weighted means with CIs by group, suppressed cells shown as a dash with a note.

    Parameters
    ----------
    estimates : pandas.DataFrame
        From :func:`~quartiere.survey.estimates.weighted_estimates` (a numeric variable).
    by : str or sequence of str
        The group column(s) shown.
    labels : SurveyLabels
        Wording and language.
    caption : str
        Table caption.
    threshold : int
        The study's privacy threshold (named in the note when a cell is suppressed).
    keep : mapping, optional
        ``{column: value}`` rows to keep (e.g. the focus district); those columns are not
        shown even when listed in ``by``.

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> d = pd.DataFrame({"g": ["a"] * 6 + ["b"] * 2, "y": [1.0, 2, 3, 4, 5, 6, 7, 8]})
    >>> est = weighted_estimates(d, "y", weight=None, by="g", threshold=5)
    >>> tab = estimates_table(est, "g", labels=SurveyLabels("en"), caption="y", threshold=5)
    >>> tab.to_frame().iloc[1].tolist()
    ['b', '2', '—', '—', '—']
    """
    lang = labels.lang
    by_cols = [by] if isinstance(by, str) else list(by)
    shown = estimates
    for col, value in (keep or {}).items():
        shown = shown[shown[col].astype(object) == value]
    by_cols = [c for c in by_cols if c not in (keep or {})]
    shown = shown.assign(**{f"{c}_label": [labels.value(v) for v in shown[c]] for c in by_cols})
    cols = {f"{c}_label": (_variable_text(c, labels), "text") for c in by_cols}
    cols.update(
        {
            "n": (_t("survey.respondents", lang), "int"),
            "estimate": (_t("survey.mean_score", lang), "num2"),
            "ci_low": (_t("survey.ci_low", lang), "num2"),
            "ci_high": (_t("survey.ci_high", lang), "num2"),
        }
    )
    return table(
        shown.reset_index(drop=True),
        caption=caption,
        columns=cols,
        lang=lang,
        note=_t("survey.estimates_note", lang),
        threshold=threshold,
    )


def needs_table(
    ranking: pd.DataFrame, by: str, *, question: str, labels: SurveyLabels, top: int = 3
) -> ReportTable:
    """The ``top`` options of each group side by side, each with its weighted share.

    Parameters
    ----------
    ranking : pandas.DataFrame
        From :func:`needs_ranking` with ``by``.
    by : str
        Group column.
    question : str
        The ``select_multiple`` question (option texts are the labels of
        ``<question>_<option>``).
    labels : SurveyLabels
        Wording and language.
    top : int, default 3
        How many options per group (at most 3).

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> d = pd.DataFrame({"g": ["a"] * 6, "b_x": [1, 1, 0, 1, 1, 1], "b_y": [0, 1, 1, 0, 0, 0]})
    >>> r = needs_ranking(d, "b", ["x", "y"], weight=None, by="g", threshold=1)
    >>> needs_table(r, "g", question="b", labels=SurveyLabels("en"), top=2).to_frame(
    ...     ).iloc[0].tolist()
    ['a', 'b_x (83.3%)', 'b_y (33.3%)']
    """
    lang = labels.lang
    if not 1 <= top <= 3:
        raise ParameterError(f"must be 1, 2 or 3, got {top!r}", parameter="top")
    rows = []
    for group, sub in ranking.groupby(by, observed=True, sort=False):
        sub = sub[~sub["suppressed"].astype(bool)].sort_values("rank", kind="stable")
        row: dict[str, Any] = {by: labels.value(group)}
        for i in range(top):
            if i < len(sub):
                r = sub.iloc[i]
                need = labels.var(f"{question}_{r['option']}")
                row[f"rank_{i + 1}"] = _t(
                    "survey.need_with_share",
                    lang,
                    need=need,
                    share=format_percent(r["estimate"], lang, 1),
                )
            else:
                row[f"rank_{i + 1}"] = ""
        rows.append(row)
    frame = pd.DataFrame(rows)
    cols = {by: (_variable_text(by, labels), "text")}
    cols.update({f"rank_{i + 1}": (_t(f"survey.rank_{i + 1}", lang), "text") for i in range(top)})
    return table(
        frame,
        caption=_t("survey.needs_table_title", lang),
        columns=cols,
        lang=lang,
        note=_t("survey.needs_note", lang),
    )


def top_need_table(top: pd.DataFrame, by: str, *, labels: SurveyLabels) -> ReportTable:
    """The most important need of each group with its weighted share and CI.

    Parameters
    ----------
    top : pandas.DataFrame
        From :func:`top_need`.
    by : str
        Group column.
    labels : SurveyLabels
        Wording and language.

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> d = pd.DataFrame({"comune": ["A"] * 20, "need": ["Trasporti"] * 15 + ["Lavoro"] * 5})
    >>> tn = top_need(d, "need", weight=None, by="comune", threshold=1)
    >>> top_need_table(tn, "comune", labels=SurveyLabels("en")).to_frame().iloc[0].tolist()
    ['A', 'Transport', '75.0%', '55.5%', '94.5%']
    """
    lang = labels.lang
    shown = top.assign(
        group_label=[labels.value(g) for g in top[by]],
        need_label=[labels.value(c) for c in top["category"]],
    )
    return table(
        shown,
        caption=_t("survey.top_need_title", lang),
        columns={
            "group_label": (_variable_text(by, labels), "text"),
            "need_label": (_t("survey.top_need", lang), "text"),
            "estimate": (_t("survey.top_share", lang), "pct1"),
            "ci_low": (_t("survey.ci_low", lang), "pct1"),
            "ci_high": (_t("survey.ci_high", lang), "pct1"),
        },
        lang=lang,
    )


def _assoc(v: float, lang: str) -> str:
    key = "none" if v < 0.1 else "weak" if v < 0.3 else "moderate" if v < 0.5 else "strong"
    return _t(f"survey.assoc_{key}", lang)


def crosstab_table(
    crosstab: pd.DataFrame,
    test: ChiSquare,
    *,
    group: str,
    outcome: str,
    labels: SurveyLabels,
    threshold: int,
) -> ReportTable:
    """A weighted crosstab as percentages within each group, with the chi-square test.

    Parameters
    ----------
    crosstab : pandas.DataFrame
        From :func:`~quartiere.survey.compare.weighted_crosstab` ``(data, group, outcome)``.
    test : ChiSquare
        From :func:`~quartiere.survey.compare.chi_square` on the same variables.
    group, outcome : str
        The crosstab's row and column variables: one table column per ``group`` category,
        one table row per ``outcome`` category, cells are ``row_pct``.
    labels : SurveyLabels
        Wording and language.
    threshold : int
        Privacy threshold (suppressed cells show a dash).

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> from quartiere.survey.compare import chi_square, weighted_crosstab
    >>> d = pd.DataFrame({"a": list("xxxxyyyy"), "b": list("ppqpqqqq")})
    >>> tab = crosstab_table(weighted_crosstab(d, "a", "b", threshold=1), chi_square(d, "a", "b"),
    ...     group="a", outcome="b", labels=SurveyLabels("en"), threshold=1)
    >>> tab.to_frame().iloc[0].tolist()
    ['p', '75.0%', '—']
    """
    lang = labels.lang
    ct = crosstab.assign(share=crosstab["row_pct"] / 100)
    wide = ct.pivot_table(
        index=outcome, columns=group, values="share", observed=False, dropna=False, sort=False
    )
    groups = list(ct[group].drop_duplicates())
    outcomes = list(ct[outcome].drop_duplicates())
    wide = wide.reindex(index=outcomes, columns=groups)
    frame = pd.DataFrame({"outcome": [labels.value(o) for o in outcomes]})
    cols: dict[str, tuple[str, str]] = {"outcome": (labels.var(outcome), "text")}
    for i, g in enumerate(groups):
        frame[f"g{i}"] = wide[g].to_numpy(dtype=float)
        cols[f"g{i}"] = (labels.value(g), "pct1")
    frame["suppressed"] = frame[[f"g{i}" for i in range(len(groups))]].isna().any(axis=1)
    note = _t(
        "survey.crosstab_note",
        lang,
        chi2=format_number(test.statistic, lang, 1),
        dof=format_int(test.dof, lang),
        p=_p(test.p_val, lang),
        v=format_number(test.effect_size, lang, 2),
        strength=_assoc(test.effect_size, lang),
    )
    return table(
        frame,
        caption=_t(
            "survey.crosstab_title",
            lang,
            col=labels.var(outcome),
            row=_variable_text(group, labels).lower(),
        ),
        columns=cols,
        lang=lang,
        note=note,
        threshold=threshold,
    )


def comparison_table(
    comparison: GroupComparison, *, score: str, group: str, labels: SurveyLabels
) -> ReportTable:
    """Group sizes, means, SDs and medians of a score, with the omnibus test in the note.

    Parameters
    ----------
    comparison : GroupComparison
        From :func:`~quartiere.survey.compare.compare_groups`.
    score, group : str
        The score (a scale name) and the group column compared.
    labels : SurveyLabels
        Wording and language.

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> from quartiere.survey.compare import compare_groups
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"g": np.repeat(["a", "b"], 40),
    ...                   "s": np.r_[rng.normal(3, 1, 40), rng.normal(3.6, 1, 40)]})
    >>> tab = comparison_table(compare_groups(d, "s", "g"), score="s", group="g",
    ...                        labels=SurveyLabels("en"))
    >>> tab.note.split(":")[0]
    "Welch's ANOVA"
    """
    lang = labels.lang
    g = comparison.groups
    shown = g.assign(group_label=[labels.value(v) for v in g["group"]])
    es_key = comparison.effect_size_name
    if comparison.reason.startswith("chosen"):
        reason = _t("survey.reason_forced", lang)
    elif comparison.test == "welch_anova":
        reason = _t("survey.reason_welch", lang, min_n=_min_n(comparison.reason))
    else:
        reason = _t("survey.reason_kruskal", lang, min_n=_min_n(comparison.reason))
    note = _t(
        "survey.compare_note",
        lang,
        test=_t(f"survey.test_{comparison.test}", lang),
        stat=format_number(comparison.statistic, lang, 1),
        p=_p(comparison.p_val, lang),
        es_name=_t(f"survey.es_{es_key}", lang),
        es=format_number(comparison.effect_size, lang, 2),
        size=_t(f"survey.size_{_size(comparison.effect_size, (0.01, 0.06, 0.14))}", lang),
        reason=reason,
    )
    return table(
        shown,
        caption=_t(
            "survey.compare_title",
            lang,
            scale=labels.scale(score),
            group=_variable_text(group, labels).lower(),
        ),
        columns={
            "group_label": (_variable_text(group, labels), "text"),
            "n": (_t("survey.respondents", lang), "int"),
            "mean": (_t("survey.mean", lang), "num2"),
            "sd": (_t("survey.sd", lang), "num2"),
            "median": (_t("survey.median", lang), "num2"),
        },
        lang=lang,
        note=note,
    )


def _min_n(reason: str) -> str:
    found = re.search(r"(\d+) scores", reason)
    return found.group(1) if found else "30"


def pairwise_table(
    comparison: GroupComparison, *, score: str, group: str, labels: SurveyLabels
) -> ReportTable:
    """Holm-corrected pairwise tests with effect sizes and their size in words.

    Parameters
    ----------
    comparison : GroupComparison
        From :func:`~quartiere.survey.compare.compare_groups`.
    score, group : str
        The score and group column compared.
    labels : SurveyLabels
        Wording and language.

    Returns
    -------
    ReportTable
        One row per pair: the pair, difference in means, Holm p, effect size, its size in
        words and whether the difference is significant at 5%.

    Examples
    --------
    >>> from quartiere.survey.compare import compare_groups
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"g": np.repeat(["a", "b"], 40),
    ...                   "s": np.r_[rng.normal(3, 1, 40), rng.normal(4, 1, 40)]})
    >>> tab = pairwise_table(compare_groups(d, "s", "g"), score="s", group="g",
    ...                      labels=SurveyLabels("en"))
    >>> tab.to_frame().iloc[0, [0, -1]].tolist()
    ['a – b', 'yes']
    """
    lang = labels.lang
    pw = comparison.pairwise
    means = dict(zip(comparison.groups["group"], comparison.groups["mean"], strict=True))
    parametric = (pw["effect_size_name"] == "hedges_g").all()
    cuts = (0.2, 0.5, 0.8)
    sizes = []
    for es, name in zip(pw["effect_size"], pw["effect_size_name"], strict=True):
        # CLES: distance from 0.5 mapped to d (Ruscio 2008: d = sqrt(2) * z(CLES))
        from scipy.stats import norm

        d = es if name == "hedges_g" else float(np.sqrt(2) * norm.ppf(es))
        sizes.append(_t(f"survey.size_{_size(d, cuts)}", lang))
    shown = pw.assign(
        pair=[
            f"{labels.value(a)} – {labels.value(b)}"
            for a, b in zip(pw["group_a"], pw["group_b"], strict=True)
        ],
        diff=[means[a] - means[b] for a, b in zip(pw["group_a"], pw["group_b"], strict=True)],
        p_text=[_p(p, lang) for p in pw["p_val"]],
        size=sizes,
        significant=pw["p_val"] < 0.05,
    )
    return table(
        shown,
        caption=_t(
            "survey.pairwise_title",
            lang,
            scale=labels.scale(score),
            group=_variable_text(group, labels).lower(),
        ),
        columns={
            "pair": (_t("survey.pair", lang), "text"),
            "diff": (_t("survey.mean_diff", lang), "num2"),
            "p_text": (_t("survey.p_holm", lang), "text"),
            "effect_size": (_t(f"survey.es_{pw['effect_size_name'].iloc[0]}", lang), "num2"),
            "size": (_t("survey.effect_size", lang), "text"),
            "significant": (_t("survey.significant", lang), "bool"),
        },
        lang=lang,
        note=_t("survey.pairwise_note" if parametric else "survey.pairwise_note_mw", lang),
    )


def district_column(schema: SurveySchema, districts: Sequence[str]) -> str:
    """The survey's demographic that holds the study's districts.

    Parameters
    ----------
    schema : SurveySchema
        The study's ``survey:`` section.
    districts : sequence of str
        ``study.districts``.

    Returns
    -------
    str
        The demographic whose categories are the districts (in any order).

    Raises
    ------
    SchemaError
        No demographic lists exactly the study's districts.

    Examples
    --------
    >>> schema = SurveySchema.from_mapping({"id": "id", "demographics": {
    ...     "sex": {"categories": ["F", "M"]}, "comune": {"categories": ["A", "B"]}}})
    >>> district_column(schema, ("B", "A"))
    'comune'
    """
    from quartiere.errors import SchemaError

    for name, spec in schema.demographics.items():
        if set(spec.categories) == set(districts):
            return name
    raise SchemaError(
        "no survey demographic lists exactly the study's districts; add one "
        f"(categories: {', '.join(districts)})",
        key="survey.demographics",
    )


def likert_scales_chart(
    data: pd.DataFrame, schema: SurveySchema, *, weight: str | None, labels: SurveyLabels
) -> alt.VConcatChart:
    """Diverging Likert bars of every scale, one panel per scale, statements as worded.

    Parameters
    ----------
    data : pandas.DataFrame
        The canonical frame (items as ordered categoricals), e.g. ``WeightedSurvey.data``.
    schema : SurveySchema
        Scales and their items.
    weight : str or None
        Weight column for weighted shares.
    labels : SurveyLabels
        Wording and language.

    Returns
    -------
    altair.VConcatChart
        One :func:`~quartiere.survey.charts.likert_chart` per scale, titled with the scale
        name, sharing the answer legend.

    Raises
    ------
    ParameterError
        As :func:`~quartiere.survey.charts.likert_chart`.

    Examples
    --------
    >>> cats = ["No", "Meh", "Yes"]
    >>> d = pd.DataFrame({c: pd.Categorical(["No", "Yes", "Meh"], cats, ordered=True)
    ...                   for c in ["a", "b"]})
    >>> schema = SurveySchema.from_mapping({"id": "id", "scales": {"s": {"items": ["a", "b"],
    ...     "range": [1, 3]}}})
    >>> len(likert_scales_chart(d, schema, weight=None, labels=SurveyLabels("en")).vconcat)
    1
    """
    from quartiere.survey.charts import likert_chart

    panels = []
    for name, spec in schema.scales.items():
        cats = list(data[spec.items[0]].cat.categories)
        panels.append(
            likert_chart(
                data,
                spec.items,
                weight=weight,
                item_labels={i: labels.var(i) for i in spec.items},
                answer_labels=labels.values(cats),
                item_title=False,
                lang=labels.lang,
            ).properties(title=labels.scale(name), width=330)
        )
    return alt.vconcat(*panels).properties(title=_t("survey.likert_title", labels.lang))


def needs_ranking_chart(
    ranking: pd.DataFrame,
    *,
    question: str,
    labels: SurveyLabels,
    keep: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> alt.Chart:
    """Bars of a needs ranking (share naming each need), for everyone or one group.

    Parameters
    ----------
    ranking : pandas.DataFrame
        From :func:`needs_ranking`.
    question : str
        The ``select_multiple`` question (need texts are the labels of
        ``<question>_<option>``).
    labels : SurveyLabels
        Wording and language.
    keep : mapping, optional
        ``{column: value}``: the group to show (e.g. the focus district).
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> d = pd.DataFrame({"b_x": [1, 1, 0, 1, 1, 1], "b_y": [0, 1, 1, 0, 0, 0]})
    >>> r = needs_ranking(d, "b", ["x", "y"], weight=None, threshold=1)
    >>> needs_ranking_chart(r, question="b", labels=SurveyLabels("en")).to_dict()[
    ...     "encoding"]["y"]["title"]
    'Need'
    """
    from quartiere.survey.charts import needs_chart

    shown = ranking
    for col, value in (keep or {}).items():
        shown = shown[shown[col].astype(object) == value]
    names = {v: labels.var(v) for v in shown["variable"]}
    return needs_chart(shown, labels=names, title=title, lang=labels.lang)
