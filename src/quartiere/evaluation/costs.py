"""Costs: per participant, per outcome achieved, ICER against an alternative, sensitivity."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from quartiere.errors import DataFileError, ParameterError
from quartiere.evaluation._labels import labels
from quartiere.evaluation._util import show
from quartiere.evaluation.schema import CostAssumption

__all__ = [
    "cost_summary",
    "icer",
    "IcerResult",
    "home_care_cost_per_outcome",
    "one_way_sensitivity",
    "tornado_chart",
    "service_summary",
]


def _positive(value: float, name: str, *, allow_zero: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"must be a number (got {value!r})", parameter=name) from None
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        need = ">= 0" if allow_zero else "> 0"
        raise ParameterError(f"must be {need} (got {value!r})", parameter=name)
    return v


def cost_summary(*, total_cost: float, participants: int, outcomes_achieved: int) -> pd.DataFrame:
    """Cost per participant and per outcome achieved.

    Parameters
    ----------
    total_cost : float
        Programme cost over the period (euro).
    participants : int
        People served in the period.
    outcomes_achieved : int
        Participants who reached the outcome (e.g. wellbeing gain >= the minimal important
        difference, or GAS T >= 50).

    Returns
    -------
    pandas.DataFrame
        Rows ``cost_per_participant``, ``cost_per_outcome``, ``success_rate``; columns
        ``metric``, ``estimate``.

    Raises
    ------
    ParameterError
        Non-positive cost or counts, or more outcomes than participants.

    Notes
    -----
    Cost per outcome = total cost / outcomes achieved: it charges the whole programme to its
    successes (Levin & McEwan 2001, ch. 6).

    References
    ----------
    Levin, H. M. & McEwan, P. J. (2001). Cost-effectiveness analysis. Sage.

    Examples
    --------
    >>> cost_summary(total_cost=100000, participants=20, outcomes_achieved=8)
                     metric  estimate
    0  cost_per_participant    5000.0
    1      cost_per_outcome   12500.0
    2          success_rate       0.4
    """
    c = _positive(total_cost, "total_cost")
    n = _positive(participants, "participants")
    k = _positive(outcomes_achieved, "outcomes_achieved")
    if k > n:
        raise ParameterError(
            f"{k:g} outcomes achieved by only {n:g} participants", parameter="outcomes_achieved"
        )
    return pd.DataFrame(
        {
            "metric": ["cost_per_participant", "cost_per_outcome", "success_rate"],
            "estimate": [c / n, c / k, k / n],
        }
    )


@dataclass(frozen=True)
class IcerResult:
    """Incremental cost-effectiveness of a programme against an alternative.

    Attributes
    ----------
    cost, effect : float
        Programme cost and effect per person.
    alt_cost, alt_effect : float
        Alternative's cost and effect per person.
    delta_cost, delta_effect : float
        Programme minus alternative.
    icer : float
        ``delta_cost / delta_effect`` (inf/NaN when ``delta_effect`` is 0).
    quadrant : str
        "dominant" (cheaper and at least as effective), "dominated" (dearer and no more
        effective), "more_effective_more_costly", "less_effective_less_costly".
    """

    cost: float
    effect: float
    alt_cost: float
    alt_effect: float
    delta_cost: float
    delta_effect: float
    icer: float
    quadrant: str

    def to_frame(self) -> pd.DataFrame:
        """One-row frame with every attribute as a column."""
        return pd.DataFrame([self.__dict__])


def icer(*, cost: float, effect: float, alt_cost: float, alt_effect: float) -> IcerResult:
    """Incremental cost-effectiveness ratio of a programme against an alternative.

    Parameters
    ----------
    cost, effect : float
        Programme cost and effect per person (e.g. home care: euro per user-year and
        wellbeing points or share reaching the outcome).
    alt_cost, alt_effect : float
        The same for the alternative (e.g. residential care).

    Returns
    -------
    IcerResult
        With ``icer = (cost - alt_cost) / (effect - alt_effect)`` and the quadrant.

    Raises
    ------
    ParameterError
        A value is not a finite number, or a cost is negative.

    Notes
    -----
    A negative ICER is ambiguous on its own; read the quadrant: a dominant programme is
    cheaper and at least as effective, and no ratio is needed to prefer it.

    References
    ----------
    Drummond, M. F. et al. (2015). Methods for the economic evaluation of health care
    programmes, 4th ed., ch. 4 (cost-effectiveness plane).

    Examples
    --------
    >>> r = icer(cost=12000, effect=0.6, alt_cost=10000, alt_effect=0.4)
    >>> round(r.icer, 6), r.quadrant
    (10000.0, 'more_effective_more_costly')
    """
    vals = {}
    for name, v in (
        ("cost", cost),
        ("effect", effect),
        ("alt_cost", alt_cost),
        ("alt_effect", alt_effect),
    ):
        try:
            vals[name] = float(v)
        except (TypeError, ValueError):
            raise ParameterError(f"must be a number (got {v!r})", parameter=name) from None
        if not np.isfinite(vals[name]):
            raise ParameterError(f"must be finite (got {v!r})", parameter=name)
    for name in ("cost", "alt_cost"):
        _positive(vals[name], name, allow_zero=True)
    dc = vals["cost"] - vals["alt_cost"]
    de = vals["effect"] - vals["alt_effect"]
    ratio = dc / de if de != 0 else (float("nan") if dc == 0 else float(np.sign(dc) * np.inf))
    if dc <= 0 and de >= 0:
        quadrant = "dominant"
    elif dc >= 0 and de <= 0:
        quadrant = "dominated"
    elif dc > 0:
        quadrant = "more_effective_more_costly"
    else:
        quadrant = "less_effective_less_costly"
    return IcerResult(
        cost=vals["cost"],
        effect=vals["effect"],
        alt_cost=vals["alt_cost"],
        alt_effect=vals["alt_effect"],
        delta_cost=dc,
        delta_effect=de,
        icer=ratio,
        quadrant=quadrant,
    )


def home_care_cost_per_outcome(
    *,
    hourly_cost: float,
    hours_per_user: float,
    fixed_cost_per_user: float,
    success_rate: float,
) -> float:
    """Cost per outcome achieved of a home-care programme, per user-year.

    Parameters
    ----------
    hourly_cost : float
        Cost of one hour of home care (euro).
    hours_per_user : float
        Hours delivered per user per year.
    fixed_cost_per_user : float
        Coordination, travel and management cost per user per year (euro).
    success_rate : float
        Share of users reaching the outcome, in (0, 1].

    Returns
    -------
    float
        ``(hourly_cost * hours_per_user + fixed_cost_per_user) / success_rate``.

    Raises
    ------
    ParameterError
        Negative costs or hours, success rate outside (0, 1].

    Notes
    -----
    Per user-year cost (hours x hourly cost + fixed cost) charged to successes only, as
    :func:`cost_summary`.

    References
    ----------
    Levin, H. M. & McEwan, P. J. (2001). Cost-effectiveness analysis. Sage, ch. 6.

    Examples
    --------
    >>> home_care_cost_per_outcome(hourly_cost=22, hours_per_user=250,
    ...                            fixed_cost_per_user=1500, success_rate=0.5)
    14000.0
    """
    h = _positive(hourly_cost, "hourly_cost", allow_zero=True)
    n = _positive(hours_per_user, "hours_per_user", allow_zero=True)
    f = _positive(fixed_cost_per_user, "fixed_cost_per_user", allow_zero=True)
    s = _positive(success_rate, "success_rate")
    if s > 1:
        raise ParameterError(f"must be in (0, 1] (got {success_rate})", parameter="success_rate")
    return (h * n + f) / s


def _triples(assumptions: Mapping[str, Any]) -> dict[str, tuple[float, float, float]]:
    out = {}
    for name, a in assumptions.items():
        if isinstance(a, CostAssumption):
            trip = (a.value, a.low, a.high)
        elif isinstance(a, Mapping):
            trip = (a.get("value"), a.get("low"), a.get("high"))
        else:
            try:
                trip = tuple(a)
            except TypeError:
                trip = ()
        if len(trip) != 3 or any(v is None for v in trip):
            raise ParameterError(
                f"assumption {name!r} needs value, low and high", parameter="assumptions"
            )
        v, lo, hi = (float(x) for x in trip)
        if not lo <= v <= hi:
            raise ParameterError(
                f"assumption {name!r}: need low <= value <= high (got {lo}, {v}, {hi})",
                parameter="assumptions",
            )
        out[name] = (v, lo, hi)
    return out


def one_way_sensitivity(
    model: Callable[..., float],
    assumptions: Mapping[str, Any],
    *,
    fixed: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """One-way sensitivity analysis: vary each assumption over its range, others at base.

    Parameters
    ----------
    model : callable
        Function of keyword arguments returning the quantity of interest (e.g.
        :func:`home_care_cost_per_outcome`).
    assumptions : mapping
        ``{name: CostAssumption | {"value", "low", "high"} | (value, low, high)}``; every
        name is passed to ``model``.
    fixed : mapping, optional
        Further keyword arguments passed unchanged.

    Returns
    -------
    pandas.DataFrame
        One row per assumption, largest swing first: ``parameter``, ``base_value``,
        ``low_value``, ``high_value``, ``base_estimate`` (model at all base values),
        ``estimate_low``, ``estimate_high`` (model with this assumption at low / high),
        ``swing`` (``|estimate_high - estimate_low|``). Ready for :func:`tornado_chart`.

    Raises
    ------
    ParameterError
        An assumption without value/low/high or with low > value > high; errors of ``model``
        pass through.

    Notes
    -----
    One-way analysis ignores joint variation; read the widest bars as the assumptions worth
    checking first (Briggs et al. 2012).

    References
    ----------
    Briggs, A. H. et al. (2012). Model parameter estimation and uncertainty analysis.
    Medical Decision Making 32(5), 722-732.

    Examples
    --------
    >>> out = one_way_sensitivity(lambda a, b: a * b, {"a": (2, 1, 3), "b": (10, 9, 11)})
    >>> out[["parameter", "estimate_low", "estimate_high", "swing"]]
      parameter  estimate_low  estimate_high  swing
    0         a          10.0           30.0   20.0
    1         b          18.0           22.0    4.0
    """
    trip = _triples(assumptions)
    extra = dict(fixed or {})
    base = {k: v[0] for k, v in trip.items()}
    base_est = float(model(**base, **extra))
    rows = []
    for name, (v, lo, hi) in trip.items():
        e_lo = float(model(**{**base, name: lo}, **extra))
        e_hi = float(model(**{**base, name: hi}, **extra))
        rows.append((name, v, lo, hi, base_est, e_lo, e_hi, abs(e_hi - e_lo)))
    out = pd.DataFrame(
        rows,
        columns=[
            "parameter",
            "base_value",
            "low_value",
            "high_value",
            "base_estimate",
            "estimate_low",
            "estimate_high",
            "swing",
        ],
    )
    return out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def tornado_chart(
    sensitivity: pd.DataFrame,
    *,
    lang: str = "it",
    names: Mapping[str, str] | None = None,
    x_title: str | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
    title: str | None = None,
) -> alt.Chart:
    """Tornado chart of a one-way sensitivity analysis.

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        Output of :func:`one_way_sensitivity`.
    lang : {"it", "en"}
        Language of the axes.
    names : mapping, optional
        Display names of the parameters.
    x_title : str, optional
        Title of the value axis (default "Estimate" in ``lang``).
    reference : float, optional
        A value to compare with (e.g. the alternative's cost), drawn as a dashed rule; the
        axis then starts at 0.
    reference_label : str, optional
        Text written by the reference rule.
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.LayerChart
        One horizontal bar per parameter from ``estimate_low`` to ``estimate_high``, widest
        on top, a rule at ``base_estimate`` and, with ``reference``, a dashed rule and label.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Bars span the estimate at each assumption's low and high value, others at base.

    References
    ----------
    Briggs, A. H. et al. (2012). Medical Decision Making 32(5), 722-732.

    Examples
    --------
    >>> out = one_way_sensitivity(lambda a, b: a * b, {"a": (2, 1, 3), "b": (10, 9, 11)})
    >>> [layer["mark"]["type"] for layer in tornado_chart(out).to_dict()["layer"]]
    ['bar', 'rule']
    >>> spec = tornado_chart(out, reference=40, reference_label="alt").to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['bar', 'rule', 'rule', 'text']
    """
    lab = labels(lang)
    frame = sensitivity.assign(name=sensitivity["parameter"].map(lambda p: (names or {}).get(p, p)))
    order = list(frame.sort_values("swing", ascending=False)["name"])
    scale = alt.Scale(zero=reference is not None)
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=order, title=lab["parameter"], axis=alt.Axis(labelLimit=260)),
            x=alt.X("estimate_low:Q", title=x_title or lab["estimate"], scale=scale),
            x2="estimate_high:Q",
            tooltip=["name:N", "low_value:Q", "high_value:Q", "estimate_low:Q", "estimate_high:Q"],
        )
    )
    base = float(frame["base_estimate"].iloc[0]) if len(frame) else 0.0
    rule = alt.Chart(pd.DataFrame({"base": [base]})).mark_rule(color="black").encode(x="base:Q")
    layers = [bars, rule]
    if reference is not None:
        ref = pd.DataFrame({"ref": [float(reference)], "label": [reference_label or ""]})
        layers.append(
            alt.Chart(ref).mark_rule(color="#D55E00", strokeDash=[6, 4]).encode(x="ref:Q")
        )
        layers.append(
            alt.Chart(ref)
            .mark_text(align="right", dx=-4, dy=-6, color="#D55E00", baseline="bottom")
            .encode(x="ref:Q", y=alt.value(0), text="label:N")
        )
    chart = alt.layer(*layers).properties(width=360, height=40 * max(len(frame), 1))
    return chart.properties(title=title) if title else chart


def service_summary(
    data: pd.DataFrame,
    *,
    month: str,
    hours: str,
    users: str,
    by: str | None = None,
) -> pd.DataFrame:
    """Monthly service data: hours delivered, users served, hours per user.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per month (and ``by`` group, e.g. comune).
    month : str
        Month column: ``10/2025``, ``2025-10`` or dates.
    hours, users : str
        Hours delivered and users served in the month.
    by : str, optional
        Keep this grouping (e.g. comune); default: sum over it, one row per month.

    Returns
    -------
    pandas.DataFrame
        Sorted by month: ``month`` (``YYYY-MM`` string), the ``by`` column, ``users``,
        ``hours``, ``hours_per_user`` (NaN when no users).

    Raises
    ------
    DataFileError
        Missing column, a month that cannot be read, negative or non-numeric hours/users.

    Notes
    -----
    Users are summed across groups, so a person served in two comuni counts twice. Missing
    hours or users count as 0 only if the whole row is empty; otherwise they are an error.

    References
    ----------
    SIUSS, Sistema informativo unitario dei servizi sociali (D.Lgs. 147/2017), records
    services per user; the monthly hours/users tally here is the ambito office's reporting.

    Examples
    --------
    >>> d = pd.DataFrame({"mese": ["10/2025", "10/2025", "11/2025"], "ore": [100, 50, 160],
    ...                   "utenti": [5, 2, 8]})
    >>> service_summary(d, month="mese", hours="ore", users="utenti")
         month  users  hours  hours_per_user
    0  2025-10      7  150.0       21.428571
    1  2025-11      8  160.0       20.000000
    """
    for col in [month, hours, users, *([by] if by else [])]:
        if col not in data.columns:
            raise DataFileError(f"no column {col!r}; columns are {list(data.columns)}", column=col)
    raw = data[month]
    if pd.api.types.is_datetime64_any_dtype(raw):
        periods = raw.dt.strftime("%Y-%m")
    else:
        text = raw.astype("string").str.strip()
        a = pd.to_datetime(text, format="%m/%Y", errors="coerce")
        b = pd.to_datetime(text.str.slice(0, 7), format="%Y-%m", errors="coerce")
        parsed = a.fillna(b)
        bad = parsed.isna()
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataFileError(
                f"{show(raw.iloc[pos])} is not a month; write 10/2025 or 2025-10",
                row=pos + 1,
                column=month,
            )
        periods = parsed.dt.strftime("%Y-%m")
    vals = {}
    for col in (hours, users):
        v = pd.to_numeric(data[col], errors="coerce")
        bad = v.isna() | (v < 0)
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataFileError(
                f"{show(data[col].iloc[pos])} is not a number >= 0", row=pos + 1, column=col
            )
        vals[col] = v.to_numpy(float)
    keys = ["month", *([by] if by else [])]
    frame = pd.DataFrame({"month": periods.to_numpy(), "users": vals[users], "hours": vals[hours]})
    if by:
        frame[by] = data[by].to_numpy()
    out = frame.groupby(keys, sort=True)[["users", "hours"]].sum().reset_index()
    out["users"] = out["users"].round().astype(int)
    out["hours_per_user"] = np.where(
        out["users"] > 0, out["hours"] / out["users"].clip(lower=1), np.nan
    )
    return out[[*keys, "users", "hours", "hours_per_user"]]
