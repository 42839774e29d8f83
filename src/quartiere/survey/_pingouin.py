"""The one place that calls pingouin (0.7.0) and statsmodels' factor analysis.

Inputs are validated before the call (pingouin checks arguments with ``assert``) and
results are renamed to Quartiere's columns, so a library upgrade touches only this file.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError

__all__ = ["cronbach_alpha", "one_factor_loadings", "welch_anova", "kruskal", "pairwise"]


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha of complete cases (pingouin ``cronbach_alpha``)."""
    import pingouin as pg

    if items.shape[1] < 2 or len(items) < 2:
        raise ParameterError("alpha needs at least 2 items and 2 respondents", parameter="items")
    alpha, _ = pg.cronbach_alpha(data=items.astype(float), nan_policy="listwise")
    return float(alpha)


def one_factor_loadings(items: pd.DataFrame) -> np.ndarray:
    """Standardized loadings of a one-factor maximum-likelihood model (statsmodels)."""
    from statsmodels.multivariate.factor import Factor

    if items.shape[1] < 3:
        raise ParameterError("a one-factor model (omega) needs at least 3 items", parameter="items")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Factor(items.to_numpy(dtype=float), n_factor=1, method="ml")
        try:  # statsmodels draws EM starting values at random: fix them, or omega drifts ~1e-7
            res = model.fit(rng=0, opt={"gtol": 1e-10})
        except TypeError:  # older statsmodels take no rng argument
            res = model.fit(opt={"gtol": 1e-10})
    loadings = np.asarray(res.loadings, dtype=float)[:, 0]
    return -loadings if loadings.sum() < 0 else loadings


def welch_anova(data: pd.DataFrame, dv: str, between: str) -> dict[str, float]:
    """Welch's ANOVA: ``statistic`` (F), ``df1``, ``df2``, ``p_val``, ``effect_size`` (eta^2_p)."""
    import pingouin as pg

    res = pg.welch_anova(data=data, dv=dv, between=between).iloc[0]
    return {
        "statistic": float(res["F"]),
        "df1": float(res["ddof1"]),
        "df2": float(res["ddof2"]),
        "p_val": float(res["p_unc"]),
        "effect_size": float(res["np2"]),
    }


def kruskal(data: pd.DataFrame, dv: str, between: str) -> dict[str, float]:
    """Kruskal-Wallis H: ``statistic``, ``df1``, ``p_val``, ``effect_size`` (epsilon^2)."""
    import pingouin as pg

    res = pg.kruskal(data=data, dv=dv, between=between).iloc[0]
    n = int(data[dv].notna().sum())
    h = float(res["H"])
    return {
        "statistic": h,
        "df1": float(res["ddof1"]),
        "df2": np.nan,
        "p_val": float(res["p_unc"]),
        # Tomczak & Tomczak (2014): epsilon^2 = H / ((n^2 - 1) / (n + 1))
        "effect_size": h / ((n**2 - 1) / (n + 1)),
    }


def pairwise(data: pd.DataFrame, dv: str, between: str, *, parametric: bool) -> pd.DataFrame:
    """Holm-corrected pairwise tests (Welch t or Mann-Whitney U)."""
    import pingouin as pg

    res = pg.pairwise_tests(
        data=data,
        dv=dv,
        between=between,
        parametric=parametric,
        padjust="holm",
        effsize="hedges" if parametric else "CLES",
        correction=True,
    )
    stat = "T" if parametric else "U_val"
    eff = "hedges" if parametric else "CLES"
    return pd.DataFrame(
        {
            "group_a": res["A"].astype(str),
            "group_b": res["B"].astype(str),
            "test": "welch_t" if parametric else "mann_whitney_u",
            "statistic": res[stat].astype(float),
            "df": res["dof"].astype(float) if parametric else np.nan,
            "p_unc": res["p_unc"].astype(float),
            # one pair (two groups): nothing to correct, pingouin gives no p_corr
            "p_val": (res["p_corr"] if "p_corr" in res else res["p_unc"]).astype(float),
            "effect_size": res[eff].astype(float),
            "effect_size_name": "hedges_g" if parametric else "cles",
        }
    )
