"""The one adapter to statsmodels used by the evaluation package (OLS with robust SEs).

OLS is fitted by statsmodels. The cluster-robust covariance (CR1, as Stata and statsmodels'
``cov_type="cluster"``) is assembled here from the statsmodels fit with ``np.bincount`` over
integer cluster codes, which avoids statsmodels' repeated ``np.unique`` on large panels; the
tests check it against ``cov_type="cluster"`` and a hand-written sandwich.
"""

from __future__ import annotations

import warnings

import numpy as np
import statsmodels.api as sm
from scipy import stats


def ols(
    y: np.ndarray,
    x: np.ndarray,
    names: list[str],
    *,
    groups: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, dict[str, float]]:
    """Fit OLS and return, per coefficient name, estimate, se, ci_low, ci_high, p_val.

    Parameters
    ----------
    y, x : numpy.ndarray
        Outcome (n,) and design matrix (n, k) with the constant.
    names : list of str
        Coefficient names, in column order.
    groups : numpy.ndarray of int, optional
        Cluster codes 0..G-1 (``pandas.factorize``). Cluster-robust CR1 with t on G - 1 df
        when given; HC1 with t on n - k df otherwise.
    confidence : float
        Level of the intervals.

    Returns
    -------
    dict
        ``{name: {"estimate", "se", "ci_low", "ci_high", "p_val"}}`` plus ``"_model"``
        with ``n``, ``df`` (degrees of freedom of the t reference) and ``n_clusters``.
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    model = sm.OLS(y, x, hasconst=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if groups is None:
            fit = model.fit(cov_type="HC1", use_t=True)
            params = np.asarray(fit.params)
            se = np.asarray(fit.bse)
            df = float(fit.df_resid)
            n_clusters = 0
        else:
            fit = model.fit(method="qr")
            params = np.asarray(fit.params)
            bread = np.asarray(fit.normalized_cov_params)
            resid = y - x @ params
            codes = np.asarray(groups, dtype=np.intp)
            n_clusters = int(codes.max()) + 1
            scores = np.column_stack(
                [
                    np.bincount(codes, weights=x[:, j] * resid, minlength=n_clusters)
                    for j in range(x.shape[1])
                ]
            )
            n, k = x.shape
            corr = n_clusters / (n_clusters - 1) * (n - 1) / (n - k)
            cov = corr * bread @ (scores.T @ scores) @ bread
            se = np.sqrt(np.diag(cov))
            df = float(n_clusters - 1)
    crit = stats.t.ppf(0.5 + confidence / 2, df)
    out: dict[str, dict[str, float]] = {}
    for j, name in enumerate(names):
        t = params[j] / se[j] if se[j] > 0 else np.nan
        out[name] = {
            "estimate": float(params[j]),
            "se": float(se[j]),
            "ci_low": float(params[j] - crit * se[j]),
            "ci_high": float(params[j] + crit * se[j]),
            "p_val": float(2 * stats.t.sf(abs(t), df)),
        }
    out["_model"] = {"n": float(len(y)), "df": df, "n_clusters": float(n_clusters)}
    return out
