"""Intercoder agreement: Krippendorff's alpha, Cohen's kappa and per-code agreement of a corpus.

Both coefficients are implemented here with numpy (coincidence matrices built in one pass), so
that they run on hundreds of thousands of units in milliseconds; the ``krippendorff`` package and
``statsmodels`` are used only as test references.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from quartiere.qual.corpus import Corpus

__all__ = ["krippendorff_alpha", "cohen_kappa", "KappaResult", "agreement"]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
_LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _as_reliability_matrix(data) -> np.ndarray:
    """Coders x units array of floats (NaN = missing); non-numeric labels become codes."""
    if isinstance(data, pd.DataFrame):
        values = data.to_numpy()
    else:
        values = np.asarray(data, dtype=object if not _is_numeric_like(data) else float)
    if values.ndim != 2:
        raise ParameterError(
            f"data must be 2-D (coders x units), got {values.ndim} dimension(s)", parameter="data"
        )
    if values.dtype.kind in "fiub":
        return np.asarray(values, dtype=float)
    # labels (strings, mixed): map to integer codes, keeping missing as NaN
    flat = pd.Series(values.ravel(), dtype=object)
    missing = flat.isna().to_numpy()
    codes, _ = pd.factorize(flat[~missing], sort=True)
    out = np.full(flat.shape[0], np.nan)
    out[~missing] = codes
    return out.reshape(values.shape)


def _has_labels(data) -> bool:
    """True when the input held labels (strings ...) rather than numbers."""
    raw = data.to_numpy() if isinstance(data, pd.DataFrame) else data
    if isinstance(raw, np.ndarray):
        return raw.dtype.kind not in "fiub"
    return not _is_numeric_like(raw)


def _is_numeric_like(data) -> bool:
    try:
        np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        return False
    return True


def krippendorff_alpha(data, *, level: Level = "nominal") -> float:
    """Krippendorff's alpha reliability coefficient for any number of coders, with missing data.

    Parameters
    ----------
    data : array-like or pandas.DataFrame, shape (coders, units)
        One row per coder, one column per unit (document, segment, rated item). Missing
        values (``NaN``/``None``) are allowed. Values may be numbers or labels; labels are
        allowed only at the nominal level (their order would be arbitrary).
    level : {"nominal", "ordinal", "interval", "ratio"}, default "nominal"
        Level of measurement, which fixes the difference function.

    Returns
    -------
    float
        Alpha, 1 = perfect agreement, 0 = agreement at chance level; ``NaN`` when there is no
        variation at all among the pairable values (expected disagreement 0).

    Raises
    ------
    ParameterError
        If ``level`` is unknown, ``data`` is not two-dimensional, labels are used beyond the
        nominal level, or fewer than two values are pairable.

    Notes
    -----
    Method of Krippendorff (2011): units coded by fewer than two coders are dropped (they are
    not pairable); the coincidence matrix ``o[c, k] = sum_u (n_uc n_uk - [c = k] n_uc) /
    (m_u - 1)`` is computed for all units at once as a sparse-free matrix product, and
    ``alpha = 1 - (n - 1) sum o d^2 / sum n_c n_k d^2``. Difference functions: nominal
    ``[c != k]``; ordinal ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2``; interval ``(c - k)^2``;
    ratio ``((c - k) / (c + k))^2``. At the interval level the sums are computed in closed
    form, so any number of distinct values is fast. Missing data: pairwise, as in the paper.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
    Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43

    Examples
    --------
    >>> import numpy as np
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
    ...         [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan]]
    >>> round(krippendorff_alpha(data, level="nominal"), 3)
    0.743
    >>> round(krippendorff_alpha(data, level="interval"), 3)
    0.849
    """
    if level not in _LEVELS:
        raise ParameterError(
            f"level must be one of {', '.join(_LEVELS)}, got {level!r}", parameter="level"
        )
    values = _as_reliability_matrix(data)
    numeric = values.dtype.kind == "f" and not _has_labels(data)
    if not numeric and level != "nominal":
        raise ParameterError(
            f"labels can only be compared at the nominal level, not {level!r}; "
            "recode them as numbers",
            parameter="level",
        )
    if level == "ratio" and np.nanmin(values, initial=0.0) < 0:
        raise ParameterError("ratio level needs values >= 0", parameter="data")
    counts_per_unit = np.sum(~np.isnan(values), axis=0)
    pairable = counts_per_unit >= 2
    if not pairable.all():
        values = values[:, pairable]
    m_u = counts_per_unit[pairable].astype(float)
    if m_u.sum() < 2:
        raise ParameterError("fewer than two pairable values: alpha is undefined", parameter="data")
    if level == "interval":
        return _alpha_interval(values, m_u)
    present = ~np.isnan(values)
    cats, index = _category_index(values, present)
    n_units = values.shape[1]
    n_cat = cats.size
    # n_uc: units x categories counts, one bincount per coder (coders are few, units many)
    flat_counts = np.zeros(n_units * n_cat, dtype=np.int64)
    unit_base = np.arange(n_units, dtype=np.int64) * n_cat
    for row in range(values.shape[0]):
        ok = present[row]
        flat_counts += np.bincount(unit_base[ok] + index[row, ok], minlength=n_units * n_cat)
    counts = flat_counts.reshape(n_units, n_cat)
    weights = 1.0 / (m_u - 1.0)
    weighted = counts * weights[:, None]
    coincidence = counts.T.astype(float) @ weighted
    coincidence[np.diag_indices(n_cat)] -= weighted.sum(axis=0)
    n_c = coincidence.sum(axis=1)
    n_total = n_c.sum()
    delta2 = _delta2(cats, n_c, level)
    observed = (coincidence * delta2).sum()
    expected = (np.outer(n_c, n_c) * delta2).sum()
    if expected == 0:
        return float("nan")
    return float(1.0 - (n_total - 1.0) * observed / expected)


def _category_index(values: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and, for every cell, the index of its value (-1 if missing).

    Small integer codes (the usual case) go through a lookup table instead of a sort.
    """
    vals = values[present]
    index = np.full(values.shape, -1, dtype=np.int64)
    lo, hi = vals.min(), vals.max()
    if np.all(vals == np.round(vals)) and hi - lo <= 100_000:
        base = int(lo)
        offsets = (vals - base).astype(np.int64)
        used = np.zeros(int(hi) - base + 1, dtype=bool)
        used[offsets] = True
        lut = np.cumsum(used) - 1
        index[present] = lut[offsets]
        return np.flatnonzero(used).astype(float) + base, index
    cats, inverse = np.unique(vals, return_inverse=True)
    index[present] = inverse
    return cats, index


def _delta2(cats: np.ndarray, n_c: np.ndarray, level: str) -> np.ndarray:
    if level == "nominal":
        return 1.0 - np.eye(cats.size)
    if level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(n_c)])
        i = np.arange(cats.size)
        lo = np.minimum(i[:, None], i[None, :])
        hi = np.maximum(i[:, None], i[None, :])
        between = cum[hi + 1] - cum[lo]
        return (between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2
    # ratio
    total = cats[:, None] + cats[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(total == 0, 0.0, (cats[:, None] - cats[None, :]) / total)
    return d**2


def _alpha_interval(values: np.ndarray, m_u: np.ndarray) -> float:
    filled = np.where(np.isnan(values), 0.0, values)
    s1 = filled.sum(axis=0)
    s2 = (filled**2).sum(axis=0)
    # sum over ordered pairs within a unit of (v_i - v_j)^2 = 2 m S2 - 2 S1^2
    observed = ((2.0 * m_u * s2 - 2.0 * s1**2) / (m_u - 1.0)).sum()
    n_total = m_u.sum()
    t1 = s1.sum()
    t2 = s2.sum()
    expected = 2.0 * n_total * t2 - 2.0 * t1**2
    if expected == 0:
        return float("nan")
    return float(1.0 - (n_total - 1.0) * observed / expected)


@dataclass(frozen=True)
class KappaResult:
    """Cohen's kappa with its asymptotic standard error.

    Attributes
    ----------
    estimate : float
        Kappa.
    se : float
        Asymptotic standard error (Fleiss, Cohen and Everitt 1969).
    ci_low, ci_high : float
        Wald confidence interval ``estimate -/+ z se``.
    n : int
        Units rated by both coders.
    percent_agreement : float
        Observed proportion of agreement ``p_o``.
    expected_agreement : float
        Chance agreement ``p_e`` from the two coders' marginals.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    percent_agreement: float
    expected_agreement: float

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame with the fields as columns."""
        return pd.DataFrame([self.__dict__])


def cohen_kappa(a: Sequence, b: Sequence, *, ci: float = 0.95) -> KappaResult:
    """Cohen's kappa for two coders' nominal labels of the same units.

    Parameters
    ----------
    a, b : sequence
        Labels given by coder A and coder B, same length, aligned by unit. Missing values
        (``None``/``NaN``) drop the unit (pairwise deletion).
    ci : float, default 0.95
        Confidence level of the Wald interval.

    Returns
    -------
    KappaResult
        ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``, ``percent_agreement``,
        ``expected_agreement``; ``.to_frame()`` gives one row.

    Raises
    ------
    ParameterError
        If lengths differ, no unit is rated by both, or ``ci`` is not in (0, 1).

    Notes
    -----
    ``kappa = (p_o - p_e) / (1 - p_e)`` (Cohen 1960) from the contingency table of the two
    coders. The standard error is the large-sample one of Fleiss, Cohen and Everitt (1969), the
    one statsmodels reports as ``std_kappa``. When ``p_e = 1`` (both coders always used the
    same single label) kappa is undefined and ``NaN`` is returned.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
    Psychological Measurement, 20(1), 37-46.
    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa and
    weighted kappa. Psychological Bulletin, 72(5), 323-327.

    Examples
    --------
    >>> a = ["yes"] * 25 + ["no"] * 25
    >>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    >>> round(cohen_kappa(a, b).estimate, 3)
    0.4
    """

    if not 0 < ci < 1:
        raise ParameterError(f"ci must be between 0 and 1, got {ci}", parameter="ci")
    sa = pd.Series(list(a), dtype=object)
    sb = pd.Series(list(b), dtype=object)
    if len(sa) != len(sb):
        raise ParameterError(
            f"a and b must have the same length ({len(sa)} != {len(sb)})", parameter="b"
        )
    keep = sa.notna().to_numpy() & sb.notna().to_numpy()
    sa, sb = sa[keep], sb[keep]
    n = int(keep.sum())
    if n == 0:
        raise ParameterError("no unit is rated by both coders", parameter="a")
    codes, _ = pd.factorize(pd.concat([sa, sb], ignore_index=True), sort=False)
    k = int(codes.max()) + 1
    table = np.bincount(codes[:n] * k + codes[n:], minlength=k * k).reshape(k, k)
    return _kappa_from_table(table.astype(float), ci=ci)


def _kappa_from_table(counts: np.ndarray, *, ci: float = 0.95) -> KappaResult:
    """Cohen's kappa and its FCE (1969) standard error from a k x k table of counts."""
    from scipy.stats import norm

    n = float(counts.sum())
    table = counts / n
    row = table.sum(axis=1)
    col = table.sum(axis=0)
    p_o = float(np.trace(table))
    p_e = float(row @ col)
    if p_e >= 1.0:
        nan = float("nan")
        return KappaResult(nan, nan, nan, nan, int(n), p_o, p_e)
    kappa = (p_o - p_e) / (1.0 - p_e)
    # Fleiss, Cohen & Everitt (1969), unweighted case (weights = identity)
    k = table.shape[0]
    w = np.eye(k)
    w_row = (col * w).sum(axis=1)
    w_col = (row[:, None] * w).sum(axis=0)
    term = table * (w - (w_col[None, :] + w_row[:, None]) * (1.0 - kappa)) ** 2
    var = (term.sum() - (kappa - p_e * (1.0 - kappa)) ** 2) / ((1.0 - p_e) ** 2 * n)
    se = float(np.sqrt(max(var, 0.0)))
    z = float(norm.ppf(0.5 + ci / 2.0))
    return KappaResult(float(kappa), se, kappa - z * se, kappa + z * se, int(n), p_o, p_e)


def agreement(
    corpus: Corpus,
    *,
    coders: Sequence[str] | None = None,
    unit: Literal["document", "character"] = "document",
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Intercoder agreement per code and overall, at document or character level.

    Parameters
    ----------
    corpus : quartiere.qual.Corpus
        Coded corpus with a ``coder`` for every segment.
    coders : sequence of str, optional
        Coders to compare (default: every coder in the corpus). At least two.
    unit : {"document", "character"}, default "document"
        ``"document"``: a unit is (document); a coder "applied" a code if any of their segments
        in the document carries it. ``"character"``: a unit is one character of a document; a
        coder applied the code to it if one of their segments with that code covers it (the
        comparison NVivo's coding comparison and QualCoder make).
    codes : sequence of str, optional
        Codes to report (default: every codable code used by the compared coders).

    Returns
    -------
    pandas.DataFrame
        One row per code, then a row with ``code = "(overall)"`` pooling every code's units.
        Columns: ``code``, ``name``, ``n_documents`` (documents coded by all compared coders),
        ``n_units`` (units compared), ``n_coders``, ``percent_agreement`` (share of units
        where all coders agree on presence/absence), ``kappa`` (Cohen's kappa, two coders only,
        else NaN), ``alpha`` (Krippendorff's nominal alpha).

    Raises
    ------
    ParameterError
        If fewer than two coders are compared, a coder is unknown, ``unit`` is unknown, or no
        document was coded by all compared coders.

    Notes
    -----
    Only documents where every compared coder made at least one segment are compared (a
    document a coder never opened is missing, not "absent"). Presence/absence is binary, so
    alpha is nominal on 0/1; kappa and alpha are NaN for a code no coder ever applied in the
    compared documents (no variation). Percent agreement counts the agreed absences too, so
    on character units it is high for rare codes: read it next to kappa/alpha.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
    Cohen, J. (1960). A coefficient of agreement for nominal scales.
    O'Connor, C., & Joffe, H. (2020). Intercoder reliability in qualitative research.
    International Journal of Qualitative Methods, 19.

    Examples
    --------
    >>> import pandas as pd
    >>> from quartiere.qual import Corpus
    >>> docs = pd.DataFrame({"document": ["d1", "d2"], "name": ["A", "B"],
    ...                      "text": ["casa cara e sola", "sola senza aiuto"]})
    >>> codes = pd.DataFrame({"code": ["casa", "sola"], "name": ["Casa", "Solitudine"]})
    >>> segs = pd.DataFrame({"document": ["d1", "d1", "d1", "d2", "d2"],
    ...                      "start": [0, 0, 12, 0, 0], "end": [9, 9, 16, 4, 4],
    ...                      "code": ["casa", "casa", "sola", "sola", "sola"],
    ...                      "coder": ["ada", "bea", "ada", "ada", "bea"]})
    >>> res = agreement(Corpus(docs, codes, segs), unit="document")
    >>> res.set_index("code")["percent_agreement"].to_dict()
    {'casa': 1.0, 'sola': 0.5, '(overall)': 0.75}
    """
    if unit not in ("document", "character"):
        raise ParameterError(
            f"unit must be 'document' or 'character', got {unit!r}", parameter="unit"
        )
    segs = corpus.segments
    all_coders = list(pd.unique(segs["coder"].dropna()))
    if coders is None:
        coders = all_coders
    else:
        coders = list(coders)
        unknown = [c for c in coders if c not in all_coders]
        if unknown:
            raise ParameterError(
                f"unknown coder {unknown[0]!r}; the corpus has {', '.join(map(str, all_coders))}",
                parameter="coders",
            )
    if len(coders) < 2:
        raise ParameterError(
            f"agreement needs at least two coders, got {len(coders)}", parameter="coders"
        )
    segs = segs[segs["coder"].isin(coders)]
    docs_by_coder = segs.groupby("coder")["document"].agg(set)
    common = set.intersection(*(docs_by_coder.get(c, set()) for c in coders))
    doc_order = [d for d in corpus.documents["document"] if d in common]
    if not doc_order:
        raise ParameterError("no document was coded by all compared coders", parameter="coders")
    segs = segs[segs["document"].isin(common)]
    codable = corpus.codes
    if "codable" in codable.columns:
        codable = codable[codable["codable"].astype(bool)]
    if codes is None:
        used = set(segs["code"])
        codes = [c for c in codable["code"] if c in used]
    names = dict(zip(corpus.codes["code"], corpus.codes["name"], strict=False))
    coder_index = {c: i for i, c in enumerate(coders)}
    matrices: dict[str, np.ndarray] = {}
    if unit == "document":
        doc_index = {d: i for i, d in enumerate(doc_order)}
        for code in codes:
            mat = np.zeros((len(coders), len(doc_order)), dtype=np.int8)
            sub = segs[segs["code"] == code]
            mat[
                sub["coder"].map(coder_index).to_numpy(int),
                sub["document"].map(doc_index).to_numpy(int),
            ] = 1
            matrices[code] = mat
    else:
        lengths = corpus.documents.set_index("document")["text"].str.len()
        offsets = np.concatenate([[0], np.cumsum([lengths[d] for d in doc_order])])
        doc_offset = dict(zip(doc_order, offsets[:-1], strict=True))
        total = int(offsets[-1])
        for code in codes:
            sub = segs[segs["code"] == code]
            mat = np.zeros((len(coders), total), dtype=np.int8)
            if len(sub):
                base = sub["document"].map(doc_offset).to_numpy(np.int64)
                rows = sub["coder"].map(coder_index).to_numpy(int)
                diff = np.zeros((len(coders), total + 1), dtype=np.int32)
                np.add.at(diff, (rows, base + sub["start"].to_numpy(np.int64)), 1.0)
                np.add.at(diff, (rows, base + sub["end"].to_numpy(np.int64)), -1.0)
                mat = (np.cumsum(diff, axis=1)[:, :total] > 0).astype(np.int8)
            matrices[code] = mat
    rows_out = []
    m = len(coders)

    def _stats(mat: np.ndarray) -> dict:
        """Sufficient statistics of a binary coders x units matrix (no missing cells)."""
        ones = mat.sum(axis=0).astype(np.int64)  # coders applying the code, per unit
        k_count = np.bincount(ones, minlength=m + 1)  # units with 0..m coders applying it
        table = np.zeros((2, 2))
        if m == 2 and mat.shape[1]:
            both = mat.astype(np.int64)
            table = np.bincount(both[0] * 2 + both[1], minlength=4).reshape(2, 2).astype(float)
        return {"k_count": k_count.astype(float), "table": table, "units": mat.shape[1]}

    def _row(code: str, name, st: dict) -> dict:
        k_count, units = st["k_count"], st["units"]
        k = np.arange(m + 1, dtype=float)
        # coincidence matrix of binary values, summed over units (Krippendorff 2011)
        o11 = float((k_count * k * (k - 1)).sum()) / (m - 1)
        o00 = float((k_count * (m - k) * (m - k - 1)).sum()) / (m - 1)
        o01 = float((k_count * k * (m - k)).sum()) / (m - 1)
        n0, n1 = o00 + o01, o11 + o01
        n_tot = n0 + n1
        alpha = float("nan")
        if n0 > 0 and n1 > 0:
            alpha = 1.0 - (n_tot - 1.0) * (2.0 * o01) / (2.0 * n0 * n1)
        kappa = float("nan")
        if m == 2 and units:
            kappa = _kappa_from_table(st["table"]).estimate
        agree = k_count[0] + k_count[m]
        return {
            "code": code,
            "name": name,
            "n_documents": len(doc_order),
            "n_units": int(units),
            "n_coders": m,
            "percent_agreement": float(agree / units) if units else float("nan"),
            "kappa": kappa,
            "alpha": alpha,
        }

    stats = {code: _stats(matrices[code]) for code in codes}
    for code in codes:
        rows_out.append(_row(code, names.get(code, code), stats[code]))
    pooled = {
        "k_count": sum((stats[c]["k_count"] for c in codes), np.zeros(m + 1)),
        "table": sum((stats[c]["table"] for c in codes), np.zeros((2, 2))),
        "units": sum(stats[c]["units"] for c in codes),
    }
    rows_out.append(_row("(overall)", "(overall)", pooled))
    return pd.DataFrame(rows_out)
