"""Mixed methods: a joint display of interview themes and survey estimates by district."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError

__all__ = ["joint_display", "survey_themes"]


def joint_display(
    qualitative: pd.DataFrame,
    survey: pd.DataFrame,
    *,
    district: str = "district",
    theme: str = "theme",
    min_documents: int = 1,
) -> pd.DataFrame:
    """Join interview themes by district with survey estimates by district, marking fit.

    Parameters
    ----------
    qualitative : pandas.DataFrame
        Theme salience by district, e.g. ``code_frequencies(corpus, by="district",
        level="theme").rename(columns={"code": "theme"})``: columns ``district``, ``theme``,
        ``pct_documents`` and ``n`` (interviews in the district).
    survey : pandas.DataFrame
        Survey estimates by district (from the survey notebook): columns ``district``,
        ``theme`` (the same theme ids: e.g. the share naming housing as the top need, mapped
        to the ``housing`` theme), ``estimate``; optional ``ci_low``, ``ci_high``.
    district, theme : str
        Names of the join columns in both frames.
    min_documents : int, default 1
        Districts with fewer interviews than this get ``fit = "no_interviews"``.

    Returns
    -------
    pandas.DataFrame
        One row per (district, theme) present in either input: ``district``, ``theme``,
        ``pct_documents``, ``n``, ``qual_mean`` (theme's mean share over districts),
        ``qual_signal`` ("high"/"low"/"unclear"), ``estimate``, ``ci_low``, ``ci_high``,
        ``survey_mean`` (theme's mean estimate over districts), ``survey_signal``
        ("high"/"low"/"unclear"), ``fit`` ("convergence", "divergence", "inconclusive",
        "no_interviews", "no_survey").

    Raises
    ------
    ParameterError
        Missing columns.

    Notes
    -----
    Rule (documented so readers can contest it): each source is compared with its own
    ambito-wide level for the theme, the unweighted mean over districts. The interview
    signal is "high" when the share of a district's interviews raising the theme is above
    the mean, "low" when below, "unclear" when equal (a theme every interview raises says
    nothing about districts). The survey signal is "high" when the estimate is above the mean,
    "low" when below, but "unclear" when a confidence interval is given and contains the
    mean. Both high or both low = **convergence**; one high and one low = **divergence**
    (Fetters, Curry & Creswell's "discordance", a finding to explain, not an error); an
    unclear signal on either side = **inconclusive**. Missing data: a district without interviews
    (or below ``min_documents``) or without a survey estimate is flagged, not guessed.

    References
    ----------
    Fetters, M. D., Curry, L. A., & Creswell, J. W. (2013). Achieving integration in mixed
    methods designs. Health Services Research, 48(6pt2), 2134-2156.
    Guetterman, T. C., Fetters, M. D., & Creswell, J. W. (2015). Integrating quantitative and
    qualitative results in health science mixed methods research through joint displays.
    Annals of Family Medicine, 13(6), 554-561.

    Examples
    --------
    >>> import pandas as pd
    >>> qual = pd.DataFrame({"district": ["A", "B"], "theme": ["casa", "casa"],
    ...                      "pct_documents": [0.8, 0.2], "n": [5, 5]})
    >>> surv = pd.DataFrame({"district": ["A", "B"], "theme": ["casa", "casa"],
    ...                      "estimate": [0.30, 0.40]})
    >>> joint_display(qual, surv)[["district", "qual_signal", "survey_signal", "fit"]]
      district qual_signal survey_signal         fit
    0        A        high           low  divergence
    1        B         low          high  divergence
    """
    for frame, cols, name in (
        (qualitative, (district, theme, "pct_documents"), "qualitative"),
        (survey, (district, theme, "estimate"), "survey"),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ParameterError(f"{name} needs column(s) {', '.join(missing)}", parameter=name)
    q = qualitative[
        [district, theme, "pct_documents"] + (["n"] if "n" in qualitative.columns else [])
    ].copy()
    if "n" not in q.columns:
        q["n"] = np.nan
    s_cols = [district, theme, "estimate"] + [
        c for c in ("ci_low", "ci_high") if c in survey.columns
    ]
    s = survey[s_cols].copy()
    for c in ("ci_low", "ci_high"):
        if c not in s.columns:
            s[c] = np.nan
    enough = q["n"].isna() | (q["n"] >= min_documents)
    q_ok = q[enough]
    q["qual_mean"] = q[theme].map(q_ok.groupby(theme)["pct_documents"].mean())
    s["survey_mean"] = s[theme].map(s.groupby(theme)["estimate"].mean())
    out = q.merge(s, on=[district, theme], how="outer")
    level = np.isclose(out["pct_documents"], out["qual_mean"], rtol=0.0, atol=1e-12)
    out["qual_signal"] = np.where(
        level, "unclear", np.where(out["pct_documents"] > out["qual_mean"], "high", "low")
    )
    above = out["estimate"] > out["survey_mean"]
    has_ci = out["ci_low"].notna() & out["ci_high"].notna()
    contains = (
        has_ci & (out["ci_low"] <= out["survey_mean"]) & (out["ci_high"] >= out["survey_mean"])
    )
    out["survey_signal"] = np.where(contains, "unclear", np.where(above, "high", "low"))
    fit = np.where(
        (out["survey_signal"] == "unclear") | (out["qual_signal"] == "unclear"),
        "inconclusive",
        np.where(out["qual_signal"] == out["survey_signal"], "convergence", "divergence"),
    )
    no_qual = out["pct_documents"].isna() | (out["n"].notna() & (out["n"] < min_documents))
    fit = np.where(out["estimate"].isna(), "no_survey", fit)
    fit = np.where(no_qual, "no_interviews", fit)
    out["fit"] = fit
    out.loc[no_qual, "qual_signal"] = None
    out.loc[out["estimate"].isna(), "survey_signal"] = None
    cols = [
        district,
        theme,
        "pct_documents",
        "n",
        "qual_mean",
        "qual_signal",
        "estimate",
        "ci_low",
        "ci_high",
        "survey_mean",
        "survey_signal",
        "fit",
    ]
    return out[cols].sort_values([theme, district]).reset_index(drop=True)


def survey_themes(
    estimates: pd.DataFrame,
    mapping: Mapping[str, str],
    *,
    district: str = "district",
) -> pd.DataFrame:
    """Survey estimates by district relabelled as interview themes, for :func:`joint_display`.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Survey estimates by district, e.g. ``quartiere.survey.needs_ranking(data, "bisogni",
        options, weight=..., by="comune")`` or concatenated ``weighted_estimates`` of 0/1
        items: columns ``variable``, ``estimate``, the district column, and optionally
        ``ci_low``, ``ci_high``, ``n_group``, ``suppressed``, ``statistic``.
    mapping : mapping of str to str
        Survey variable -> theme name of the codebook (``{"bisogni_casa": "Abitare"}``).
        Variables not in the mapping are dropped.
    district : str, default "district"
        Name of the district column in ``estimates`` (``"comune"`` in the sample survey);
        renamed to ``district``.

    Returns
    -------
    pandas.DataFrame
        One row per (district, mapped variable): ``district``, ``theme``, ``variable``,
        ``estimate``, ``ci_low``, ``ci_high``, ``n`` (respondents behind the estimate,
        ``n_group`` when given), ``suppressed``. Suppressed estimates (small cells) stay
        NaN, so :func:`joint_display` marks them ``no_survey``.

    Raises
    ------
    ParameterError
        Missing columns, an empty mapping, a mapped variable absent from ``estimates``, two
        variables mapped to one theme, or a categorical estimate (one row per category).

    Notes
    -----
    Only means of a variable are accepted (a 0/1 item's mean is the share choosing it).
    The survey and its weights stay in the survey package; this function only renames.

    Examples
    --------
    >>> import pandas as pd
    >>> est = pd.DataFrame({"comune": ["A", "B"], "variable": ["bisogni_casa"] * 2,
    ...                     "estimate": [0.2, 0.6]})
    >>> survey_themes(est, {"bisogni_casa": "Abitare"}, district="comune")[
    ...     ["district", "theme", "estimate"]]
      district    theme  estimate
    0        A  Abitare       0.2
    1        B  Abitare       0.6
    """
    if not mapping:
        raise ParameterError(
            "mapping is empty: map survey variables to themes", parameter="mapping"
        )
    missing = [c for c in (district, "variable", "estimate") if c not in estimates.columns]
    if missing:
        raise ParameterError(
            f"estimates needs column(s) {', '.join(missing)}", parameter="estimates"
        )
    themes = list(mapping.values())
    dup = sorted({t for t in themes if themes.count(t) > 1})
    if dup:
        raise ParameterError(
            f"theme {dup[0]!r} is mapped from more than one survey variable; keep one",
            parameter="mapping",
        )
    absent = [v for v in mapping if v not in set(estimates["variable"])]
    if absent:
        raise ParameterError(
            f"survey variable {absent[0]!r} has no estimates; estimate it first",
            parameter="mapping",
        )
    sub = estimates[estimates["variable"].isin(list(mapping))]
    if "statistic" in sub.columns and (sub["statistic"] != "mean").any():
        raise ParameterError(
            "give means of 0/1 items (one row per district), not category proportions",
            parameter="estimates",
        )
    out = pd.DataFrame(
        {
            "district": sub[district].to_numpy(),
            "theme": sub["variable"].map(dict(mapping)).to_numpy(),
            "variable": sub["variable"].to_numpy(),
            "estimate": sub["estimate"].to_numpy(float),
        }
    )
    for col in ("ci_low", "ci_high"):
        out[col] = sub[col].to_numpy(float) if col in sub.columns else np.nan
    n_col = "n_group" if "n_group" in sub.columns else ("n" if "n" in sub.columns else None)
    out["n"] = sub[n_col].to_numpy() if n_col else np.nan
    out["suppressed"] = (
        sub["suppressed"].fillna(False).astype(bool).to_numpy()
        if "suppressed" in sub.columns
        else False
    )
    return out.reset_index(drop=True)
