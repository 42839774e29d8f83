"""The one adapter to pingouin 0.7.0 used by the evaluation package.

pingouin validates with ``assert`` and formats some outputs; callers validate first, and
this module returns plain floats under our names so an upgrade touches only this file.
"""

from __future__ import annotations

import warnings

import numpy as np
import pingouin as pg


def shapiro_p(values: np.ndarray) -> float:
    """Shapiro-Wilk p-value of ``values`` (pingouin.normality)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = pg.normality(np.asarray(values, dtype=float), method="shapiro")
    return float(out["pval"].iloc[0])


def paired_t(pre: np.ndarray, post: np.ndarray, *, confidence: float) -> dict[str, float]:
    """Paired t-test of post vs pre, with signed Cohen's d_av and its CI."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pg.ttest(post, pre, paired=True, confidence=confidence)
        d = float(pg.compute_effsize(post, pre, paired=True, eftype="cohen"))
        ci = pg.compute_esci(
            stat=d,
            nx=len(pre),
            ny=len(post),
            paired=True,
            eftype="cohen",
            confidence=confidence,
            decimals=15,
        )
    return {
        "statistic": float(res["T"].iloc[0]),
        "dof": float(res["dof"].iloc[0]),
        "p_val": float(res["p_val"].iloc[0]),
        "effect_size": d,
        "es_ci_low": float(ci[0]),
        "es_ci_high": float(ci[1]),
    }


def wilcoxon(pre: np.ndarray, post: np.ndarray) -> dict[str, float]:
    """Wilcoxon signed-rank test of post vs pre (two-sided) with rank-biserial r."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pg.wilcoxon(post, pre, alternative="two-sided")
    return {
        "p_val": float(res["p_val"].iloc[0]),
        "effect_size": float(res["RBC"].iloc[0]),
    }


def two_sample_t(
    treated: np.ndarray, comparison: np.ndarray, *, equal_var: bool, confidence: float
) -> dict[str, float]:
    """Independent-samples t-test (Welch unless ``equal_var``) with Hedges' g and its CI."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pg.ttest(treated, comparison, correction=not equal_var, confidence=confidence)
        g = float(pg.compute_effsize(treated, comparison, paired=False, eftype="hedges"))
        ci = pg.compute_esci(
            stat=g,
            nx=len(treated),
            ny=len(comparison),
            eftype="cohen",
            confidence=confidence,
            decimals=15,
        )
    return {
        "statistic": float(res["T"].iloc[0]),
        "dof": float(res["dof"].iloc[0]),
        "p_val": float(res["p_val"].iloc[0]),
        "effect_size": g,
        "es_ci_low": float(ci[0]),
        "es_ci_high": float(ci[1]),
    }
