"""Cohort-component population projection by district, sex and 5-year age band.

The engine is a two-sex Leslie matrix per district (Preston, Heuveline & Guillot 2001,
ch. 6): survival ratios from a life table's person-years ``5Lx`` on the sub-diagonal,
net-maternity contributions of women 15-49 on the first row, net migration added at the end
of each step. Five-year steps are the textbook method; annual steps (for a three-year
Piano di Zona, e.g. 2027-2029) move one fifth of each band up each year (see
:func:`project_population`, Notes).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError, QuartiereWarning

__all__ = [
    "BAND_STARTS",
    "BAND_LABELS",
    "band_label",
    "to_age_bands",
    "survival_ratios",
    "leslie_matrix",
    "project_leslie",
    "project_population",
]

#: Start age of each 5-year band; the last band (85) is open (85+).
BAND_STARTS: tuple[int, ...] = tuple(range(0, 90, 5))
#: Labels "0-4", ..., "80-84", "85+".
BAND_LABELS: tuple[str, ...] = tuple(
    f"{a}-{a + 4}" if a < BAND_STARTS[-1] else f"{a}+" for a in BAND_STARTS
)
_NB = len(BAND_STARTS)
_SEXES = ("F", "M")


def band_label(age_start: int) -> str:
    """Label of the 5-year band starting at ``age_start`` (``85`` gives ``"85+"``).

    Examples
    --------
    >>> band_label(15), band_label(85)
    ('15-19', '85+')
    """
    return BAND_LABELS[BAND_STARTS.index(int(age_start))]


def _band_start(values: pd.Series, what: str) -> np.ndarray:
    """Band start from either an integer age/band start or a label like '15-19' / '85+'."""
    out = []
    for v in values:
        if isinstance(v, str):
            head = v.strip().replace("+", "").split("-")[0]
            try:
                a = int(head)
            except ValueError:
                raise ParameterError(
                    f"{v!r} is not an age band: use 0-4, 5-9, ..., 85+", parameter=what
                ) from None
        else:
            a = int(v)
        a = min(a // 5 * 5, BAND_STARTS[-1])
        out.append(a)
    return np.array(out, dtype=int)


def to_age_bands(
    population: pd.DataFrame,
    *,
    district: str = "district",
    sex: str = "sex",
    age: str = "age",
    value: str = "population",
) -> pd.DataFrame:
    """Aggregate a single-year population to 5-year bands 0-4, ..., 80-84, 85+.

    Parameters
    ----------
    population : pandas.DataFrame
        Tidy frame, one row per district, sex (``"F"``/``"M"``) and single year of age.
    district, sex, age, value : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        ``district``, ``sex``, ``age_start`` (0, 5, ..., 85), ``age_band`` (label),
        ``population`` (sum), every band present (0 where no one lives).

    Raises
    ------
    ParameterError
        Missing columns, negative counts, sexes other than F/M.

    Notes
    -----
    Ages 85 and over (100 means 100+ in ISTAT files) fall in the open band 85+. Missing
    counts are treated as errors, not zeros.

    References
    ----------
    Preston, S. H., Heuveline, P. & Guillot, M. (2001). *Demography*, ch. 6 (age groups
    0-4 ... 85+ as in ISTAT tables).

    Examples
    --------
    >>> pop = pd.DataFrame({"district": "A", "sex": "F", "age": [0, 4, 5, 90],
    ...                     "population": [10, 20, 5, 2]})
    >>> to_age_bands(pop).query("population > 0")[["age_band", "population"]].values.tolist()
    [['0-4', 30.0], ['5-9', 5.0], ['85+', 2.0]]
    """
    for col in (district, sex, age, value):
        if col not in population.columns:
            raise ParameterError(
                f"the population frame has no column {col!r}", parameter="population"
            )
    vals = pd.to_numeric(population[value], errors="coerce")
    if vals.isna().any():
        row = int(np.flatnonzero(vals.isna().to_numpy())[0]) + 1
        raise ParameterError(f"row {row}: population is missing", parameter="population")
    if (vals < 0).any():
        row = int(np.flatnonzero((vals < 0).to_numpy())[0]) + 1
        raise ParameterError(f"row {row}: population is negative", parameter="population")
    sexes = set(population[sex].astype(str))
    if not sexes <= set(_SEXES):
        raise ParameterError(
            f"sex must be 'F' or 'M', found {sorted(sexes - set(_SEXES))}", parameter="population"
        )
    frame = pd.DataFrame(
        {
            "district": population[district].astype(str).to_numpy(),
            "sex": population[sex].astype(str).to_numpy(),
            "age_start": _band_start(population[age], "population"),
            "population": vals.to_numpy(dtype=float),
        }
    )
    districts = list(dict.fromkeys(frame["district"]))
    grid = pd.MultiIndex.from_product(
        [districts, list(_SEXES), list(BAND_STARTS)], names=["district", "sex", "age_start"]
    )
    out = (
        frame.groupby(["district", "sex", "age_start"], sort=False)["population"]
        .sum()
        .reindex(grid, fill_value=0.0)
        .reset_index()
    )
    out.insert(3, "age_band", [band_label(a) for a in out["age_start"]])
    return out


def survival_ratios(lx: Sequence[float], *, radix: float = 100_000.0) -> dict[str, np.ndarray]:
    """Five-year survival ratios from life-table person-years.

    Parameters
    ----------
    lx : sequence of float
        ``5Lx`` for bands 0-4, ..., 80-84 and, last, ``T85`` (person-years lived above 85),
        for a life table of radix ``radix``.
    radix : float
        ``l0`` of the life table.

    Returns
    -------
    dict
        ``"birth"``: ``5L0 / (5 l0)`` (births surviving to the 0-4 band at the end of a
        5-year step); ``"band"``: array of length n where element i is the ratio of
        moving from band i to band i+1 (``5L(x+5)/5Lx``) and the last two elements are the
        open-band ratio ``T85 / T80`` (80-84 to 85+ and 85+ staying).

    Raises
    ------
    ParameterError
        Non-positive or missing person-years, or a ratio above 1.

    Notes
    -----
    Preston, Heuveline & Guillot (2001), eqs. 6.2-6.4.

    References
    ----------
    Preston, S. H., Heuveline, P. & Guillot, M. (2001). *Demography*, ch. 6.

    Examples
    --------
    >>> s = survival_ratios([5.0, 4.0, 2.0], radix=1.0)
    >>> s["birth"], s["band"].tolist()
    (1.0, [0.8, 0.3333333333333333, 0.3333333333333333])
    """
    arr = np.asarray(lx, dtype=float)
    if arr.ndim != 1 or len(arr) < 2 or not np.isfinite(arr).all() or (arr <= 0).any():
        raise ParameterError(
            "person-years Lx must be positive numbers, one per band", parameter="life_table"
        )
    n = len(arr)
    band = np.empty(n)
    band[: n - 2] = arr[1 : n - 1] / arr[: n - 2]
    open_ratio = arr[-1] / (arr[-2] + arr[-1])
    band[n - 2 :] = open_ratio
    if (band > 1 + 1e-12).any():
        i = int(np.argmax(band > 1 + 1e-12))
        raise ParameterError(
            f"survival ratio from band {i} is {band[i]:.4f} > 1: Lx must not increase with age",
            parameter="life_table",
        )
    return {"birth": float(arr[0] / (5.0 * radix)), "band": band}


def leslie_matrix(
    lx: Sequence[float],
    fertility: Sequence[float],
    *,
    radix: float = 100_000.0,
    female_fraction: float = 1.0 / 2.05,
) -> np.ndarray:
    """Female Leslie matrix for 5-year steps from ``5Lx`` and age-specific fertility.

    Parameters
    ----------
    lx : sequence of float
        Female ``5Lx`` per band, last value ``T`` of the open band (see
        :func:`survival_ratios`).
    fertility : sequence of float
        Annual age-specific fertility rates (births of both sexes per woman), one per band
        (0 outside 15-49).
    radix : float
        Life-table radix ``l0``.
    female_fraction : float
        Share of births that are girls (``1/(1 + SRB)``, SRB = 1.05 by default).

    Returns
    -------
    numpy.ndarray
        ``n x n`` matrix ``M`` with ``M[0, i] = (5L0/l0)(m_i + m_{i+1} S_i)/2`` (``m`` =
        ``fertility * female_fraction``), ``M[i+1, i] = S_i`` and ``M[n-1, n-1] = T85/T80``.

    Raises
    ------
    ParameterError
        Negative fertility, lengths that differ, bad life table.

    Notes
    -----
    Women exposed in a band during the step are the average of those at the start and
    those at the end; births survive to the 0-4 band with ``5L0/(5 l0)`` (Preston et al.
    2001, eq. 6.5; Leslie 1945).

    References
    ----------
    Preston, S. H., Heuveline, P. & Guillot, M. (2001). *Demography: Measuring and
    Modeling Population Processes*. Blackwell, ch. 6, box 6.1.

    Examples
    --------
    >>> m = leslie_matrix([5.0, 5.0, 5.0], [0.0, 0.4, 0.0], radix=1.0, female_fraction=0.5)
    >>> m.round(2).tolist()
    [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [0.0, 0.5, 0.5]]
    """
    f = np.asarray(fertility, dtype=float)
    s = survival_ratios(lx, radix=radix)
    n = len(s["band"])
    if f.shape != (n,):
        raise ParameterError(f"{f.size} fertility rates for {n} age bands", parameter="fertility")
    if not np.isfinite(f).all() or (f < 0).any():
        raise ParameterError("fertility rates must be non-negative numbers", parameter="fertility")
    m = f * female_fraction
    l0 = np.asarray(lx, dtype=float)[0] / radix
    mat = np.zeros((n, n))
    nxt = np.append(m[1:], 0.0)
    mat[0, :] = l0 * (m + nxt * s["band"]) / 2.0
    mat[0, n - 1] = l0 * m[n - 1]
    idx = np.arange(n - 1)
    mat[idx + 1, idx] += s["band"][: n - 1]
    mat[n - 1, n - 1] += s["band"][n - 1]
    return mat


def project_leslie(matrix, initial, steps: int) -> np.ndarray:
    """Project a population vector with a Leslie (or any projection) matrix.

    Parameters
    ----------
    matrix : array-like
        ``n x n`` projection matrix.
    initial : array-like
        Population vector of length ``n``.
    steps : int
        Number of steps.

    Returns
    -------
    numpy.ndarray
        ``(steps + 1) x n`` array; row 0 is ``initial``.

    Raises
    ------
    ParameterError
        Shapes that do not match, negative entries, negative ``steps``.

    Notes
    -----
    ``x(t+1) = M x(t)`` (Leslie 1945).

    References
    ----------
    Leslie, P. H. (1945). *Biometrika*, 33(3), 183-212.

    Examples
    --------
    >>> project_leslie([[0, 4, 3], [0.5, 0, 0], [0, 0.25, 0]], [1000, 1000, 1000], 1)[1].tolist()
    [7000.0, 500.0, 250.0]
    """
    mat = np.asarray(matrix, dtype=float)
    x = np.asarray(initial, dtype=float)
    if mat.ndim != 2 or mat.shape[0] != mat.shape[1] or x.shape != (mat.shape[0],):
        raise ParameterError(
            f"matrix {mat.shape} and vector {x.shape} do not match", parameter="matrix"
        )
    if (mat < 0).any() or (x < 0).any():
        raise ParameterError("matrix and population must be non-negative", parameter="matrix")
    if steps < 0:
        raise ParameterError(f"steps must be >= 0, got {steps}", parameter="steps")
    out = np.empty((steps + 1, len(x)))
    out[0] = x
    for t in range(steps):
        out[t + 1] = mat @ out[t]
    return out


# ----------------------------------------------------------------------------- inputs


def _filter_scenario(frame: pd.DataFrame, scenario: str, what: str) -> pd.DataFrame:
    if "scenario" not in frame.columns:
        return frame
    sub = frame[frame["scenario"].astype(str) == scenario]
    if sub.empty:
        raise ParameterError(
            f"no rows for scenario {scenario!r} (found {sorted(set(frame['scenario']))})",
            parameter=what,
        )
    return sub


def _numeric(frame: pd.DataFrame, col: str, what: str, *, allow_negative: bool = False):
    if col not in frame.columns:
        raise ParameterError(f"the {what} frame has no column {col!r}", parameter=what)
    vals = pd.to_numeric(frame[col], errors="coerce")
    if vals.isna().any():
        row = int(np.flatnonzero(vals.isna().to_numpy())[0]) + 1
        raise ParameterError(f"row {row}: {col} is missing or not a number", parameter=what)
    if not allow_negative and (vals < 0).any():
        row = int(np.flatnonzero((vals < 0).to_numpy())[0]) + 1
        raise ParameterError(
            f"row {row}: {col} is {vals.iloc[row - 1]:g}; rates must not be negative",
            parameter=what,
        )
    return vals.to_numpy(dtype=float)


def _age_col(frame: pd.DataFrame, what: str) -> np.ndarray:
    for c in ("age_start", "age", "age_band"):
        if c in frame.columns:
            return _band_start(frame[c], what)
    raise ParameterError(f"the {what} frame needs an 'age' or 'age_band' column", parameter=what)


def _fertility_array(fertility: pd.DataFrame, districts: list[str], scenario: str) -> np.ndarray:
    fr = _filter_scenario(fertility, scenario, "fertility")
    rate = _numeric(fr, "rate", "fertility")
    ages = _age_col(fr, "fertility")
    out = np.zeros((len(districts), _NB))
    if "district" in fr.columns:
        dist = fr["district"].astype(str).to_numpy()
        missing = [d for d in districts if d not in set(dist)]
        if missing:
            raise ParameterError(
                f"no fertility rates for district {missing[0]!r}", parameter="fertility"
            )
        for d, a, r in zip(dist, ages, rate, strict=True):
            if d in districts:
                out[districts.index(d), BAND_STARTS.index(a)] = r
    else:
        for a, r in zip(ages, rate, strict=True):
            out[:, BAND_STARTS.index(a)] = r
    outside = [
        BAND_STARTS[i] for i in np.flatnonzero(out.any(axis=0)) if not 15 <= BAND_STARTS[i] <= 45
    ]
    if outside:
        raise ParameterError(
            f"fertility rate given for band {band_label(outside[0])}: only women 15-49 give "
            "birth in the model",
            parameter="fertility",
        )
    return out


def _life_table(life_table: pd.DataFrame, scenario: str, radix: float) -> dict[str, dict]:
    lt = _filter_scenario(life_table, scenario, "life_table")
    if "sex" not in lt.columns:
        raise ParameterError("the life_table frame has no column 'sex'", parameter="life_table")
    lx = _numeric(lt, "Lx", "life_table")
    ages = _age_col(lt, "life_table")
    out = {}
    for sx in _SEXES:
        mask = lt["sex"].astype(str).to_numpy() == sx
        if mask.sum() != _NB or sorted(ages[mask]) != list(BAND_STARTS):
            raise ParameterError(
                f"the life table for sex {sx} needs one Lx per band 0-4 ... 85+ (T85 last)",
                parameter="life_table",
            )
        order = np.argsort(ages[mask])
        out[sx] = survival_ratios(lx[mask][order], radix=radix)
    return out


def _migration_array(
    migration: pd.DataFrame | None, districts: list[str], scenario: str
) -> np.ndarray:
    out = np.zeros((len(districts), 2, _NB))
    if migration is None:
        return out
    mg = _filter_scenario(migration, scenario, "migration")
    net = _numeric(mg, "net", "migration", allow_negative=True)
    ages = _age_col(mg, "migration")
    for c in ("district", "sex"):
        if c not in mg.columns:
            raise ParameterError(f"the migration frame has no column {c!r}", parameter="migration")
    for d, sx, a, v in zip(
        mg["district"].astype(str), mg["sex"].astype(str), ages, net, strict=True
    ):
        if d in districts:
            out[districts.index(d), _SEXES.index(sx), BAND_STARTS.index(a)] += v
    return out


def _check_factor(value: float, name: str) -> float:
    v = float(value)
    if not np.isfinite(v) or v < 0:
        raise ParameterError(f"{name} is {value!r}: it must be a number >= 0", parameter=name)
    return v


# ----------------------------------------------------------------------------- engine


def _step_matrices(
    fert: np.ndarray,
    surv: dict[str, dict],
    *,
    annual: bool,
    srb: float,
    mortality_factor: float,
) -> np.ndarray:
    """Two-sex projection matrices, shape (D, 2n, 2n): [[F<-F, 0], [M<-F, M<-M]]."""
    n = _NB
    d = fert.shape[0]
    mats = np.zeros((d, 2 * n, 2 * n))
    ff = 1.0 / (1.0 + srb)
    for k, sx in enumerate(_SEXES):
        band = 1.0 - (1.0 - surv[sx]["band"]) * mortality_factor
        birth = 1.0 - (1.0 - surv[sx]["birth"]) * mortality_factor
        band = np.clip(band, 0.0, 1.0)
        birth = float(np.clip(birth, 0.0, 1.0))
        surv[sx] = {**surv[sx], "_band": band, "_birth": birth}
        o = k * n
        idx = np.arange(n - 1)
        if annual:
            s1 = band ** (1.0 / 5.0)
            mats[:, o + idx, o + idx] = 0.8 * s1[: n - 1]
            mats[:, o + idx + 1, o + idx] += 0.2 * s1[: n - 1]
            mats[:, o + n - 1, o + n - 1] += s1[n - 1]
        else:
            mats[:, o + idx + 1, o + idx] = band[: n - 1]
            mats[:, o + n - 1, o + n - 1] += band[n - 1]
    sf = surv["F"]["_band"]
    for k, sx in enumerate(_SEXES):
        share = ff if sx == "F" else 1.0 - ff
        b = surv[sx]["_birth"]
        if annual:
            # births in one year to women at the start of the year, surviving to the
            # year's end in band 0-4 with the band's average survival 5L0/(5 l0)
            row = fert * share * b
        else:
            nxt = np.concatenate([fert[:, 1:], np.zeros((d, 1))], axis=1)
            row = 5.0 * b * share * (fert + nxt * sf) / 2.0
            row[:, n - 1] = 5.0 * b * share * fert[:, n - 1]
        mats[:, k * n, :n] += row
    return mats


def project_population(
    population: pd.DataFrame,
    fertility: pd.DataFrame,
    life_table: pd.DataFrame,
    migration: pd.DataFrame | None = None,
    *,
    base_year: int,
    years: Sequence[int],
    scenario: str | Sequence[str] = "baseline",
    step: Literal["annual", "5y"] = "annual",
    sex_ratio_at_birth: float = 1.05,
    radix: float = 100_000.0,
    fertility_factor: float = 1.0,
    mortality_factor: float = 1.0,
    migration_factor: float = 1.0,
) -> pd.DataFrame:
    """Project the population by district, sex and 5-year band under named scenarios.

    Parameters
    ----------
    population : pandas.DataFrame
        Tidy base population: ``district``, ``sex`` (F/M), ``age`` (single years, or band
        starts/labels), ``population``; aggregated to bands 0-4 ... 85+ here.
    fertility : pandas.DataFrame
        ``age`` or ``age_band`` (15-19 ... 45-49), ``rate`` (annual births of both sexes
        per woman); optional ``scenario`` and ``district`` columns (without ``district``
        the rates apply to every district).
    life_table : pandas.DataFrame
        ``sex``, ``age`` (band start), ``Lx`` (person-years ``5Lx``; the 85 row holds
        ``T85``) for radix ``radix``; optional ``scenario``.
    migration : pandas.DataFrame, optional
        ``district``, ``sex``, ``age``, ``net`` (annual net migrants, may be negative);
        optional ``scenario``. None means a closed population.
    base_year : int
        Year of the base population (1 January).
    years : sequence of int
        Years wanted (1 January of each); with ``step="5y"`` they must be base + 5k.
    scenario : str or sequence of str
        Scenario name(s) selecting rows of the input frames that have a ``scenario`` column.
    step : {"annual", "5y"}
        Projection step.
    sex_ratio_at_birth : float
        Boys per girl at birth.
    radix : float
        Life-table radix ``l0``.
    fertility_factor, mortality_factor, migration_factor : float
        Multipliers for what-if analysis: fertility rates, death probabilities
        (``1 - S``) and net migration.

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``year`` (base year included), ``district``, ``sex``, ``age_start``,
        ``age_band``, ``population`` (float, full precision).

    Raises
    ------
    ParameterError
        Negative rates or factors, missing bands or districts, years off the step grid.

    Warns
    -----
    QuartiereWarning
        When net emigration would make a cell negative; the cell is set to 0.

    Notes
    -----
    **5-year step** (textbook cohort-component; Preston et al. 2001, ch. 6): for each
    district the two-sex Leslie matrix moves band i to i+1 with ``S_i = 5L(x+5)/5Lx``
    (open band ``T85/T80``); births are ``5 * sum f_x (W_x(t) + W_x(t+5))/2`` split by the
    sex ratio at birth and survived with ``5L0/(5 l0)``; ``5 x`` the annual net migrants
    are added at the end of the step.

    **Annual step** (interpolation for 1-3 year plans): each year a band keeps four fifths
    of its survivors and passes one fifth to the next band (uniform ages within a band),
    with annual survival ``S_i ** (1/5)``; the open band keeps all its survivors;
    births are ``sum f_x W_x(t)`` survived with ``5L0/(5 l0)``; one year of net
    migration is added. Five annual steps approximate one 5-year step (exact for a
    stationary, closed population without mortality).

    Missing inputs are never imputed: every band, sex and district needs a value.

    References
    ----------
    Preston, S. H., Heuveline, P. & Guillot, M. (2001). *Demography*, ch. 6.
    Leslie, P. H. (1945). On the use of matrices in certain population mathematics.
    *Biometrika*, 33(3), 183-212.

    Examples
    --------
    >>> pop = pd.DataFrame({"district": "A", "sex": ["F", "M"] * 18,
    ...                     "age": sorted(list(range(0, 90, 5)) * 2), "population": 100.0})
    >>> lt = pd.DataFrame({"sex": ["F"] * 18 + ["M"] * 18, "age": list(range(0, 90, 5)) * 2,
    ...                    "Lx": [5.0] * 17 + [20.0] + [5.0] * 17 + [20.0]})
    >>> fert = pd.DataFrame({"age": [25], "rate": [0.0]})
    >>> out = project_population(pop, fert, lt, base_year=2026, years=[2027], radix=1.0)
    >>> out.groupby("year")["population"].sum().round(1).tolist()
    [3600.0, 3582.5]
    """
    bands = to_age_bands(population)
    districts = list(dict.fromkeys(bands["district"]))
    base = (
        bands.set_index(["district", "sex", "age_start"])["population"]
        .unstack(["sex", "age_start"])
        .reindex(index=districts)
    )
    cols = pd.MultiIndex.from_product([list(_SEXES), list(BAND_STARTS)])
    p0 = base.reindex(columns=cols).to_numpy(dtype=float)  # (D, 2n)
    ff = _check_factor(fertility_factor, "fertility_factor")
    mf = _check_factor(mortality_factor, "mortality_factor")
    gf = _check_factor(migration_factor, "migration_factor")
    srb = _check_factor(sex_ratio_at_birth, "sex_ratio_at_birth")
    years = sorted(int(y) for y in years)
    if not years or years[0] <= base_year:
        raise ParameterError(f"years must be after the base year {base_year}", parameter="years")
    width = 1 if step == "annual" else 5
    if step not in ("annual", "5y"):
        raise ParameterError(f"step {step!r}: use 'annual' or '5y'", parameter="step")
    off = [y for y in years if (y - base_year) % width]
    if off:
        raise ParameterError(
            f"year {off[0]} is not base year + a multiple of 5: use step='annual'",
            parameter="years",
        )
    scenarios = [scenario] if isinstance(scenario, str) else list(scenario)
    frames = []
    for sc in scenarios:
        fert = _fertility_array(fertility, districts, sc) * ff
        surv = _life_table(life_table, sc, radix)
        mig = _migration_array(migration, districts, sc).reshape(len(districts), 2 * _NB) * gf
        mats = _step_matrices(fert, surv, annual=(step == "annual"), srb=srb, mortality_factor=mf)
        states = {base_year: p0}
        p = p0
        year = base_year
        while year < years[-1]:
            p = np.einsum("dij,dj->di", mats, p) + width * mig
            if (p < 0).any():
                warnings.warn(
                    f"scenario {sc!r}, {year + width}: net emigration exceeds the population "
                    "in some cells; they were set to 0",
                    QuartiereWarning,
                    stacklevel=2,
                )
                p = np.clip(p, 0.0, None)
            year += width
            states[year] = p
        for y in [base_year, *years]:
            arr = states[y]
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": sc,
                        "year": y,
                        "district": np.repeat(districts, 2 * _NB),
                        "sex": np.tile(np.repeat(_SEXES, _NB), len(districts)),
                        "age_start": np.tile(BAND_STARTS, 2 * len(districts)),
                        "population": arr.ravel(),
                    }
                )
            )
    out = pd.concat(frames, ignore_index=True)
    out.insert(5, "age_band", [BAND_LABELS[a // 5] for a in out["age_start"]])
    return out
