"""SMART objectives of the plan, derived from the glued results of a run.

An objective is Specific (one municipality and one service, or one programme indicator),
Measurable (an indicator with its baseline from the run), Achievable (the national
standard or the programme's own target), Relevant (a shortfall the profile found, or an
indicator the evaluation monitors) and Time-bound (the end of the plan, or the indicator's
deadline).
"""

from __future__ import annotations

import pandas as pd

from quartiere.publish.synthesis import Synthesis

__all__ = ["OBJECTIVE_COLUMNS", "smart_objectives"]

OBJECTIVE_COLUMNS = [
    "objective",
    "area",
    "district",
    "service",
    "indicator",
    "unit",
    "direction",
    "baseline",
    "target",
    "deadline",
    "source",
]
_UNITS = {"social_workers": "residents_per_worker", "nido": "share", "adi": "share"}


def smart_objectives(syn: Synthesis, *, end_year: int) -> pd.DataFrame:
    """One SMART objective per service shortfall (profile) and per monitored indicator.

    Parameters
    ----------
    syn : Synthesis
        Results of the run (parts ``profile`` and ``evaluation`` are used when present).
    end_year : int
        Last year of the plan: shortfall objectives are due on 31 December of that year.

    Returns
    -------
    pandas.DataFrame
        ``objective`` (id such as ``nido.Villafranca``), ``area`` (``social_workers``,
        ``nido``, ``adi`` or ``programme``), ``district`` (None for programme indicators),
        ``service``, ``indicator`` (programme indicator name, or the service code),
        ``unit`` (``residents_per_worker``, ``share`` or the indicator's unit), ``direction``
        (``lower``/``higher`` is better), ``baseline`` (value in the run), ``target`` (the
        standard or the indicator's target), ``deadline`` (ISO date), ``source``
        (``profile`` or the indicator's data source).

    Notes
    -----
    Shortfalls come from the profile's ``coverage`` table (rows with ``meets_standard``
    false); the target is the standard itself (LEPS 1 social worker per 5,000 residents, nido
    places for 33% of children aged 0-2, ADI for 10% of over-65s, unless the run used other
    standards). Programme objectives are the evaluation's indicators with their own
    targets and deadlines. Missing parts give no rows.

    Examples
    --------
    >>> from pathlib import Path
    >>> cov = pd.DataFrame({"district": ["Villafranca"], "service": ["nido"], "value": [0.18],
    ...                     "standard": [0.33], "meets_standard": [False]})
    >>> syn = Synthesis(Path("."), "it", results={"profile": {"coverage": cov}})
    >>> smart_objectives(syn, end_year=2029)[["objective", "baseline", "target", "deadline"]]
           objective  baseline  target    deadline
    0  nido.Villafranca      0.18    0.33  2029-12-31
    """
    rows = []
    cov = syn.frame("profile", "coverage")
    if cov is not None and len(cov):
        short = cov[~cov["meets_standard"].astype(bool)]
        for r in short.itertuples(index=False):
            if r.service not in _UNITS:
                continue
            rows.append(
                {
                    "objective": f"{r.service}.{r.district}",
                    "area": r.service,
                    "district": r.district,
                    "service": r.service,
                    "indicator": r.service,
                    "unit": _UNITS[r.service],
                    "direction": "lower" if r.service == "social_workers" else "higher",
                    "baseline": float(r.value),
                    "target": float(r.standard),
                    "deadline": f"{int(end_year)}-12-31",
                    "source": "profile",
                }
            )
    prog = syn.frame("evaluation", "indicator_progress")
    if prog is not None:
        for r in prog.itertuples(index=False):
            rows.append(
                {
                    "objective": f"programme.{r.indicator}",
                    "area": "programme",
                    "district": None,
                    "service": None,
                    "indicator": r.name,
                    "unit": "value",
                    "direction": r.direction,
                    "baseline": float(r.baseline),
                    "target": float(r.target),
                    "deadline": str(r.deadline)[:10],
                    "source": r.source,
                }
            )
    return pd.DataFrame(rows, columns=OBJECTIVE_COLUMNS)
