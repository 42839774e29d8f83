"""Logic model (inputs -> activities -> outputs -> outcomes -> impact) as a frame, table, chart."""

from __future__ import annotations

import altair as alt
import pandas as pd

from quartiere.evaluation._labels import labels
from quartiere.evaluation.schema import EvaluationSchema, LogicModel

__all__ = ["STAGES", "logic_model_frame", "logic_model_table", "logic_model_chart"]

STAGES: tuple[str, ...] = ("inputs", "activities", "outputs", "outcomes", "impact")


def _model(model: LogicModel | EvaluationSchema) -> LogicModel:
    return model.logic_model if isinstance(model, EvaluationSchema) else model


def logic_model_frame(model: LogicModel | EvaluationSchema) -> pd.DataFrame:
    """Return the logic model as a tidy frame, one row per item.

    Parameters
    ----------
    model : LogicModel or EvaluationSchema
        The validated logic model (or the whole evaluation section).

    Returns
    -------
    pandas.DataFrame
        Columns: ``stage`` (one of :data:`STAGES`), ``stage_order`` (0-4), ``position``
        (0-based order within the stage), ``item`` (outcome id, or ``<stage>_<k>``),
        ``label`` (text as written in study.yml), ``indicators`` (comma-separated indicator
        ids for outcomes, empty string otherwise).

    Notes
    -----
    Items keep the order of study.yml. Text is kept as written; escaping happens when rendered
    (:func:`logic_model_table`).

    Raises
    ------
    SchemaError
        Not here: the model is validated when built (:meth:`EvaluationSchema.from_dict`).

    References
    ----------
    W. K. Kellogg Foundation (2004). Logic Model Development Guide.

    Examples
    --------
    >>> from quartiere.evaluation.schema import LogicModel
    >>> lm = LogicModel(inputs=["staff"], activities=["visits"], outputs=["hours"],
    ...                 outcomes=[{"id": "wb", "label": "wellbeing", "indicators": ["wb_mean"]}],
    ...                 impact=["ageing at home"])
    >>> logic_model_frame(lm)[["stage", "label", "indicators"]]
            stage           label indicators
    0      inputs           staff
    1  activities          visits
    2     outputs           hours
    3    outcomes       wellbeing    wb_mean
    4      impact  ageing at home
    """
    lm = _model(model)
    rows = []
    for order, stage in enumerate(STAGES):
        for pos, entry in enumerate(getattr(lm, stage)):
            if stage == "outcomes":
                rows.append((stage, order, pos, entry.id, entry.label, ",".join(entry.indicators)))
            else:
                rows.append((stage, order, pos, f"{stage}_{pos + 1}", entry, ""))
    return pd.DataFrame(
        rows, columns=["stage", "stage_order", "position", "item", "label", "indicators"]
    )


def logic_model_table(model: LogicModel | EvaluationSchema, *, lang: str = "it") -> pd.DataFrame:
    """Return the logic model as a wide, report-ready table (one column per stage).

    Parameters
    ----------
    model : LogicModel or EvaluationSchema
        The validated logic model.
    lang : {"it", "en"}
        Language of the column headers.

    Returns
    -------
    pandas.DataFrame
        One column per stage, headed by its label in ``lang``; row k holds the k-th item of
        each stage (outcomes followed by their indicator ids in brackets), empty strings where
        a stage has fewer items.

    Notes
    -----
    Text is returned as written in study.yml, not HTML-escaped: pandas' HTML display and the
    report renderer escape it (escaping here would show ``&amp;`` twice-escaped).

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    References
    ----------
    W. K. Kellogg Foundation (2004). Logic Model Development Guide.

    Examples
    --------
    >>> from quartiere.evaluation.schema import LogicModel
    >>> lm = LogicModel(inputs=["staff", "cars"], activities=["visits"],
    ...                 outputs=["hours"], impact=["ageing at home"],
    ...                 outcomes=[{"id": "wb", "label": "wellbeing", "indicators": ["wb_mean"]}])
    >>> logic_model_table(lm, lang="en")
      Inputs Activities Outputs              Outcomes          Impact
    0  staff     visits   hours  wellbeing [wb_mean]  ageing at home
    1   cars
    """
    lab = labels(lang)
    frame = logic_model_frame(model)
    text = frame["label"]
    has_ind = frame["indicators"] != ""
    text = text.where(~has_ind, text + " [" + frame["indicators"] + "]")
    frame = frame.assign(text=text)
    wide = frame.pivot(index="position", columns="stage", values="text").reindex(columns=STAGES)
    wide = wide.fillna("").reset_index(drop=True)
    wide.columns = [lab[s] for s in STAGES]
    return wide


def logic_model_chart(model: LogicModel | EvaluationSchema, *, lang: str = "it") -> alt.Chart:
    """Draw the logic model as five columns of boxes, read left to right.

    Parameters
    ----------
    model : LogicModel or EvaluationSchema
        The validated logic model.
    lang : {"it", "en"}
        Language of the stage headers.

    Returns
    -------
    altair.LayerChart
        Rectangles (one per item) with their text, stages on the x axis in order.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Labels longer than 30 characters are cut with an ellipsis in the boxes; the tooltip and
    :func:`logic_model_table` keep the full text.

    References
    ----------
    W. K. Kellogg Foundation (2004). Logic Model Development Guide.

    Examples
    --------
    >>> from quartiere.evaluation.schema import LogicModel
    >>> lm = LogicModel(inputs=["staff"], activities=["visits"], outputs=["hours"],
    ...                 outcomes=[{"id": "wb", "label": "wellbeing", "indicators": ["w"]}],
    ...                 impact=["ageing at home"])
    >>> spec = logic_model_chart(lm, lang="en").to_dict()
    >>> spec["layer"][0]["mark"]["type"]
    'rect'
    """
    lab = labels(lang)
    frame = logic_model_frame(model)
    frame = frame.assign(
        stage_label=frame["stage"].map(lab),
        x0=frame["stage_order"] * 1.0,
        x1=frame["stage_order"] + 0.9,
        y0=frame["position"] * 1.0,
        y1=frame["position"] + 0.8,
        xm=frame["stage_order"] + 0.45,
        ym=frame["position"] + 0.4,
        text=frame["label"].where(
            frame["label"].str.len() <= 30, frame["label"].str.slice(0, 29) + "…"
        ),
    )
    base = alt.Chart(frame)
    x_axis = alt.Axis(
        values=[i + 0.45 for i in range(len(STAGES))],
        labelExpr="[" + ",".join(repr(lab[s]) for s in STAGES) + "][floor(datum.value)]",
        title=lab["stage"],
        orient="top",
        grid=False,
    )
    rect = base.mark_rect(cornerRadius=4, opacity=0.35).encode(
        x=alt.X("x0:Q", axis=x_axis, scale=alt.Scale(domain=[0, len(STAGES)])),
        x2="x1:Q",
        y=alt.Y("y0:Q", axis=None, scale=alt.Scale(reverse=True)),
        y2="y1:Q",
        color=alt.Color("stage_label:N", legend=None, sort=[lab[s] for s in STAGES]),
        tooltip=[
            alt.Tooltip("stage_label:N", title=lab["stage"]),
            alt.Tooltip("label:N", title=lab["item"]),
            alt.Tooltip("indicators:N", title=lab["indicators"]),
        ],
    )
    text = base.mark_text(fontSize=10).encode(x="xm:Q", y="ym:Q", text="text:N")
    return alt.layer(rect, text).properties(width=850, height=40 * (frame["position"].max() + 1))
