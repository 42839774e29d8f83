"""Widgets of the workshop app: participant, facilitator and projector views.

Each view is a ``Box`` subclass built on a model; child widgets are private attributes
(tests drive them by setting ``.value`` and calling ``.click()``). Every callback runs through
:func:`_guarded`, which shows a :class:`~quartiere.errors.QuartiereError` as one line in the
view's status label. Free text (comments, and anything a resident typed) is HTML-escaped
before it reaches an HTML widget.
"""

from __future__ import annotations

import functools
import html
import logging
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pandas as pd

from quartiere.errors import QuartiereError
from quartiere.report.i18n import t
from quartiere.workshop.agenda import Question
from quartiere.workshop.model import FacilitatorModel, ParticipantModel

__all__ = ["AnswerControl", "FacilitatorView", "ParticipantView", "ProjectorView"]

log = logging.getLogger("quartiere.workshop")

_CSS = """<style>
.quartiere-workshop { font-size: 18px; max-width: 900px; }
.quartiere-workshop .widget-label, .quartiere-workshop label,
.quartiere-workshop .widget-inline-hbox .widget-label { font-size: 18px; }
.quartiere-workshop button { min-height: 48px; font-size: 18px; }
.quartiere-workshop input, .quartiere-workshop select, .quartiere-workshop textarea
  { font-size: 18px; min-height: 40px; }
.quartiere-workshop input[type=checkbox] { width: 28px; height: 28px; }
.quartiere-status { font-size: 18px; font-weight: bold; }
.quartiere-code input { font: bold 24px monospace; letter-spacing: 2px; text-transform: uppercase; }
.quartiere-board table { border-collapse: collapse; }
.quartiere-board td, .quartiere-board th { padding: 4px 10px; border-bottom: 1px solid #ddd; }
.quartiere-projector { font-size: 28px; }
.quartiere-chart svg { max-width: 100%; height: auto; }
</style>"""

_WIDE = w.Layout(width="100%")
_STYLE = {"description_width": "initial"}


def _esc(x: Any) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return ""
    return html.escape(str(x), quote=True)


def _guarded(view: Any, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a callback: a QuartiereError goes to ``view._status`` as one line, others are
    logged and shown as a short generic line (callback errors otherwise vanish in Lab)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            with view._qlock:  # background refresh and clicks never interleave
                return fn(*args, **kwargs)
        except QuartiereError as exc:
            # residents get the message alone; the facilitator also sees what it refers to
            view._show(exc.message if view._plain_errors else str(exc), error=True)
        except Exception as exc:
            log.exception("workshop callback failed")
            view._show(f"{type(exc).__name__}: {' '.join(str(exc).split())}", error=True)
        return None

    return run


class AnswerControl(w.VBox):
    """The labelled input for one question, with its own submit button.

    Parameters
    ----------
    question : Question
        The agenda question; its type decides the controls (number boxes for dots and
        points, checkboxes for approval and budget, radio buttons for single choice, one
        dropdown per place for ranking, one per option for rating, a text area for comments).
    lang : {"it", "en"}
    submit_label : str, optional
        Button text (default "Invia la risposta" / "Send answer").

    Attributes
    ----------
    question : Question
    inputs : dict
        ``{option_id: widget}`` for dots/points/approval/budget/rating; ``{position: Dropdown}``
        for ranking; ``{"choice": RadioButtons}`` for single; ``{"text": Textarea}`` for
        comments.
    submit : ipywidgets.Button
    summary : ipywidgets.Label
        Dots left, points left or money spent.

    Examples
    --------
    >>> from quartiere.workshop.agenda import Question
    >>> q = Question(id="d", type="dots", dots=3, text="?", options=[
    ...     {"id": "a", "label": "A"}, {"id": "b", "label": "B"}])
    >>> ctl = AnswerControl(q, "en")
    >>> ctl.inputs["a"].value = 2
    >>> ctl.value(), ctl.summary.value
    ({'a': 2, 'b': 0}, 'Dots left: 1')
    """

    def __init__(self, question: Question, lang: str, *, submit_label: str | None = None) -> None:
        self.question = question
        self.lang = lang
        self.inputs: dict[Any, w.Widget] = {}
        self.summary = w.Label("")
        q = question
        title = w.HTML(f"<h3>{_esc(q.label(lang))}</h3>")
        rows: list[w.Widget] = []
        if q.type in ("dots", "points"):
            cap = int(q.dots or 0) if q.type == "dots" else q.points
            top = 1 if (q.type == "dots" and not q.cumulative) else cap
            for o in q.options:
                box = w.BoundedIntText(
                    value=0,
                    min=0,
                    max=top,
                    step=1,
                    description=o.text(lang),
                    style=_STYLE,
                    layout=w.Layout(width="auto"),
                )
                box.observe(self._update_summary, "value")
                self.inputs[o.id] = box
            rows = list(self.inputs.values())
        elif q.type in ("approval", "budget"):
            for o in q.options:
                text = o.text(lang)
                if q.type == "budget":
                    text = f"{text} — {t('workshop.cost', lang)} {o.cost:,.0f}"
                    if o.district:
                        text += f" ({o.district})"
                cb = w.Checkbox(
                    value=False, description=text, indent=False, style=_STYLE, layout=_WIDE
                )
                cb.observe(self._update_summary, "value")
                self.inputs[o.id] = cb
            rows = list(self.inputs.values())
        elif q.type == "single":
            rb = w.RadioButtons(
                options=[(o.text(lang), o.id) for o in q.options],
                value=None,
                description="",
                layout=_WIDE,
                style=_STYLE,
            )
            self.inputs["choice"] = rb
            rows = [rb]
        elif q.type == "ranking":
            opts = [(t("workshop.none", lang), None)] + [(o.text(lang), o.id) for o in q.options]
            for i in range(len(q.options)):
                dd = w.Dropdown(
                    options=opts,
                    value=None,
                    description=f"{t('workshop.rank', lang)} {i + 1}",
                    style=_STYLE,
                )
                self.inputs[i + 1] = dd
            rows = list(self.inputs.values())
        elif q.type == "rating":
            opts = [(t("workshop.none", lang), None)] + [
                (str(k), k) for k in range(q.scale_min, q.scale_max + 1)
            ]
            for o in q.options:
                dd = w.Dropdown(options=opts, value=None, description=o.text(lang), style=_STYLE)
                self.inputs[o.id] = dd
            rows = list(self.inputs.values())
        elif q.type == "comment":
            ta = w.Textarea(value="", placeholder=t("workshop.comment", lang), layout=_WIDE, rows=4)
            self.inputs["text"] = ta
            rows = [ta]
        self.submit = w.Button(
            description=submit_label
            or t("workshop.send_comment" if q.type == "comment" else "workshop.submit", lang),
            button_style="primary",
            layout=w.Layout(width="auto", min_width="240px"),
        )
        self._update_summary()
        super().__init__([title, *rows, self.summary, self.submit])
        self.add_class("quartiere-question")

    def value(self) -> Any:
        """The answer as :func:`~quartiere.workshop.ballots.validate_ballot` takes it."""
        q = self.question
        if q.type in ("dots", "points"):
            return {k: int(v.value or 0) for k, v in self.inputs.items()}
        if q.type in ("approval", "budget"):
            return [k for k, v in self.inputs.items() if v.value]
        if q.type == "single":
            return self.inputs["choice"].value
        if q.type == "ranking":
            return [v.value for v in self.inputs.values() if v.value is not None]
        if q.type == "rating":
            return {k: v.value for k, v in self.inputs.items()}
        return self.inputs["text"].value

    def set_value(self, answer: dict[str, int] | None) -> None:
        """Show a stored answer (resume after a phone sleeps)."""
        q = self.question
        if not answer or q.type == "comment":
            return
        if q.type in ("dots", "points", "rating"):
            for k, v in self.inputs.items():
                v.value = answer.get(k, 0 if q.type != "rating" else None)
        elif q.type in ("approval", "budget"):
            for k, v in self.inputs.items():
                v.value = k in answer
        elif q.type == "single":
            self.inputs["choice"].value = next(iter(answer))
        elif q.type == "ranking":
            order = sorted(answer, key=answer.get)
            for pos, dd in self.inputs.items():
                dd.value = order[pos - 1] if pos - 1 < len(order) else None
        self._update_summary()

    def clear(self) -> None:
        """Empty the inputs (kiosk: next participant)."""
        for v in self.inputs.values():
            if isinstance(v, w.BoundedIntText):
                v.value = 0
            elif isinstance(v, w.Checkbox):
                v.value = False
            elif isinstance(v, w.Textarea):
                v.value = ""
            else:
                v.value = None
        self._update_summary()

    def _update_summary(self, *_: Any) -> None:
        q, lang = self.question, self.lang
        if q.type == "dots":
            left = int(q.dots or 0) - sum(int(v.value or 0) for v in self.inputs.values())
            self.summary.value = f"{t('workshop.dots_left', lang)}: {left}"
        elif q.type == "points":
            left = q.points - sum(int(v.value or 0) for v in self.inputs.values())
            self.summary.value = f"{t('workshop.points_left', lang)}: {left}"
        elif q.type == "budget":
            spent = sum(float(q.option(k).cost or 0) for k, v in self.inputs.items() if v.value)
            self.summary.value = (
                f"{t('workshop.spent', lang)}: {spent:,.0f} / "
                f"{t('workshop.budget', lang)}: {float(q.budget or 0):,.0f}"
            )


def results_table_html(results: pd.DataFrame, lang: str, *, title: str = "") -> str:
    """An escaped HTML table of one question's results (label, score, n), best first.

    Examples
    --------
    >>> r = pd.DataFrame({"label": ["<A>", "B"], "estimate": [1.0, 2.0], "n": [1, 2]})
    >>> html = results_table_html(r, "en", title="Q")
    >>> html.index("<td>B</td>") < html.index("&lt;A&gt;")
    True
    """
    rows = "".join(
        f"<tr><td>{_esc(r.label)}</td><td>{r.estimate:g}</td><td>{int(r.n)}</td></tr>"
        for r in results.sort_values("estimate", ascending=False).itertuples()
    )
    return (
        f"<h4>{_esc(title)}</h4><table><thead><tr><th>{_esc(t('workshop.option', lang))}</th>"
        f"<th>{_esc(t('workshop.score', lang))}</th><th>n</th></tr></thead><tbody>{rows}"
        "</tbody></table>"
    )


def comments_html(comments: pd.DataFrame, lang: str) -> str:
    """Approved comments as an escaped HTML list (``""`` if there are none).

    Examples
    --------
    >>> comments_html(pd.DataFrame({"text": ["<script>x()</script>"]}), "en")
    "<h4>Comments</h4><ul><li class='quartiere-comment'>&lt;script&gt;x()&lt;/script&gt;</li></ul>"
    """
    if comments.empty:
        return ""
    items = "".join(f"<li class='quartiere-comment'>{_esc(x)}</li>" for x in comments["text"])
    return f"<h4>{_esc(t('workshop.comments', lang))}</h4><ul>{items}</ul>"


class _View(w.VBox):
    _plain_errors = False

    def __init__(self, children: list[w.Widget]) -> None:
        self._qlock = threading.RLock()
        super().__init__(children)

    def _show(self, message: str, *, error: bool = False) -> None:
        colour = "#B00020" if error else "#1B5E20"
        one_line = " ".join(str(message).split())
        self._status.value = (
            f"<span class='quartiere-status' role='status' "
            f"style='color:{colour}'>{_esc(one_line)}</span>"
        )

    def _make_status(self) -> w.HTML:
        self._status = w.HTML("")
        return self._status


class ParticipantView(_View):
    """What a resident sees on a phone (or on the shared kiosk screen).

    Parameters
    ----------
    model : ParticipantModel
    auto_refresh : float, optional
        Seconds between background checks for newly opened questions and revealed results
        (Voila); ``None`` (tests, default) refreshes only on the Refresh button.

    Notes
    -----
    Usually built by :func:`quartiere.workshop.app.participant_app`. Errors (a wrong code,
    a closed question) appear as one line in the status label, without technical detail.

    Examples
    --------
    >>> from quartiere.workshop.model import ParticipantModel
    >>> from quartiere.workshop.store import _demo_store
    >>> s = _demo_store()
    >>> s.open_question("w", "q")
    >>> view = ParticipantView(ParticipantModel(s, kiosk=True, lang="en"))
    >>> view._start.click()
    >>> ctl = view._controls["q"]
    >>> ctl.inputs["choice"].value = "b"
    >>> ctl.submit.click()
    >>> s.ballots("w", "q")["option"].tolist()
    ['b']
    >>> s.close()
    """

    _plain_errors = True

    def __init__(self, model: ParticipantModel, *, auto_refresh: float | None = None) -> None:
        self.model = model
        lang = model.lang
        self._controls: dict[str, AnswerControl] = {}
        self._lang = w.ToggleButtons(
            options=[("Italiano", "it"), ("English", "en")],
            value=lang,
            description="",
            style=_STYLE,
        )
        self._code = w.Text(
            value="",
            placeholder="ABCD-2345",
            description=t("workshop.join_code", lang),
            style=_STYLE,
            layout=_WIDE,
        )
        self._code.add_class("quartiere-code")
        self._title = w.HTML(f"<h2>{_esc(model.agenda.title_text(lang))}</h2>")
        self._join = w.Button(description=t("workshop.join", lang), button_style="primary")
        self._start = w.Button(description=t("workshop.start", lang), button_style="primary")
        self._next = w.Button(
            description=t("workshop.next_participant", lang), button_style="warning"
        )
        self._refresh = w.Button(description=t("workshop.refresh", lang), icon="refresh")
        self._questions = w.VBox([])
        self._board = w.HTML("")
        self._board.add_class("quartiere-board")
        self._comment = w.Textarea(
            value="", placeholder=t("workshop.comment", lang), layout=_WIDE, rows=3
        )
        self._send_comment = w.Button(description=t("workshop.send_comment", lang))
        self._gate = w.VBox([])
        self._session = w.VBox([])
        self._join.on_click(_guarded(self, self._on_join))
        self._start.on_click(_guarded(self, self._on_start))
        self._next.on_click(_guarded(self, self._on_next))
        self._refresh.on_click(_guarded(self, self._on_refresh))
        self._send_comment.on_click(_guarded(self, self._on_comment))
        self._lang.observe(_guarded(self, self._on_lang), "value")
        super().__init__(
            [
                w.HTML(_CSS),
                self._title,
                self._lang,
                self._gate,
                self._session,
                self._make_status(),
                self._board,
            ]
        )
        self.add_class("quartiere-workshop")
        self._layout()
        self._timer: threading.Timer | None = None
        if auto_refresh:
            self._schedule(auto_refresh)

    # -------------------------------------------------------------- layout
    def _layout(self) -> None:
        m = self.model
        if m.joined:
            self._gate.children = []
            extra = [self._next] if m.kiosk else []
            self._session.children = [
                self._questions,
                w.HTML(f"<h3>{_esc(t('workshop.comment', m.lang))}</h3>"),
                self._comment,
                self._send_comment,
                w.HBox([self._refresh, *extra]),
            ]
            self._render_questions()
        else:
            self._session.children = []
            if m.kiosk:
                self._gate.children = [
                    w.HTML(f"<p>{_esc(t('workshop.kiosk_welcome', m.lang))}</p>"),
                    self._start,
                ]
            else:
                self._gate.children = [self._code, self._join]
        self._render_board()

    def _render_questions(self) -> None:
        m = self.model
        open_ids = m.open_questions()
        for qid in list(self._controls):
            if qid not in open_ids:
                del self._controls[qid]
        for qid in open_ids:
            if qid not in self._controls:
                ctl = AnswerControl(m.question(qid), m.lang)
                ctl.set_value(m.answer(qid))
                ctl.submit.on_click(_guarded(self, functools.partial(self._on_submit, qid)))
                self._controls[qid] = ctl
        if open_ids:
            self._questions.children = [self._controls[q] for q in open_ids]
        else:
            self._questions.children = [w.HTML(f"<p>{_esc(t('workshop.no_open', m.lang))}</p>")]

    def _render_board(self) -> None:
        m = self.model
        parts = []
        for qid in m.visible_results():
            res = m.results(qid)
            parts.append(results_table_html(res, m.lang, title=m.question(qid).label(m.lang)))
        parts.append(comments_html(m.approved_comments(), m.lang))
        body = "".join(p for p in parts if p)
        self._board.value = (
            (
                f"<div class='quartiere-board'><h3>{_esc(t('workshop.results', m.lang))}</h3>{body}</div>"
            )
            if body
            else ""
        )

    # -------------------------------------------------------------- callbacks
    def _on_join(self, *_: Any) -> None:
        self.model.join(self._code.value)
        self._code.value = ""
        self._controls.clear()
        self._layout()
        self._show(self.model.status)

    def _on_start(self, *_: Any) -> None:
        self.model.start_turn()
        self._controls.clear()
        self._layout()
        self._show(self.model.status)

    def _on_next(self, *_: Any) -> None:
        self.model.next_participant()
        self._controls.clear()
        self._comment.value = ""
        self._layout()
        self._show(self.model.status)

    def _on_submit(self, qid: str, *_: Any) -> None:
        ctl = self._controls[qid]
        self.model.submit(qid, ctl.value())
        if ctl.question.type == "comment":
            ctl.clear()
        self._show(self.model.status)
        self._render_board()

    def _on_comment(self, *_: Any) -> None:
        self.model.comment(self._comment.value)
        self._comment.value = ""
        self._show(self.model.status)

    def _on_refresh(self, *_: Any) -> None:
        if self.model.joined:
            self._render_questions()
        self._render_board()
        self._show("")

    def _on_lang(self, change: dict[str, Any]) -> None:
        self.model.lang = change["new"]
        lang = self.model.lang
        self._code.description = t("workshop.join_code", lang)
        self._join.description = t("workshop.join", lang)
        self._start.description = t("workshop.start", lang)
        self._next.description = t("workshop.next_participant", lang)
        self._refresh.description = t("workshop.refresh", lang)
        self._send_comment.description = t("workshop.send_comment", lang)
        self._comment.placeholder = t("workshop.comment", lang)
        self._title.value = f"<h2>{_esc(self.model.agenda.title_text(lang))}</h2>"
        self._controls.clear()
        self._layout()

    # -------------------------------------------------------------- background refresh
    def _schedule(self, every: float) -> None:
        def tick() -> None:
            try:
                with self._qlock:
                    self._on_refresh()
            except Exception:
                log.exception("participant auto-refresh failed")
            self._schedule(every)

        self._timer = threading.Timer(every, tick)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        """Stop background refreshing."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class ProjectorView(_View):
    """Big live charts for the projector, and the participation counter.

    Parameters
    ----------
    model : FacilitatorModel
    auto_refresh : float, optional
        Seconds between redraws (other kernels keep voting); ``None`` redraws only on
        :meth:`refresh`.

    Notes
    -----
    A question's chart appears only once its results are revealed; budget questions show
    greedy and Equal Shares side by side with the money each leaves unspent. Approved
    comments are listed, escaped.

    Examples
    --------
    >>> from quartiere.workshop.model import FacilitatorModel
    >>> from quartiere.workshop.store import _demo_store
    >>> s = _demo_store()
    >>> view = ProjectorView(FacilitatorModel(s, lang="en"))
    >>> "Results hidden" in view._chart.value
    True
    >>> s.close()
    """

    def __init__(self, model: FacilitatorModel, *, auto_refresh: float | None = None) -> None:
        self.model = model
        qs = [(q.label(model.lang), q.id) for q in model.agenda.questions if q.type != "comment"]
        self._question = w.Dropdown(
            options=qs,
            value=qs[0][1] if qs else None,
            description=t("workshop.question", model.lang),
            style=_STYLE,
        )
        self._counter = w.HTML("")
        self._chart = w.HTML("")
        self._comments = w.HTML("")
        self._question.observe(_guarded(self, lambda *_: self.refresh()), "value")
        super().__init__(
            [
                w.HTML(_CSS),
                self._question,
                self._counter,
                self._chart,
                self._comments,
                self._make_status(),
            ]
        )
        self.add_class("quartiere-projector")
        self._timer: threading.Timer | None = None
        self.refresh()
        if auto_refresh:
            self._schedule(auto_refresh)

    def refresh(self) -> None:
        """Redraw the counter, the chart (if results are revealed) and approved comments."""
        from quartiere.report.i18n import format_money
        from quartiere.workshop.charts import budget_chart, chart_svg, results_chart

        m = self.model
        m.refresh()
        lang = m.lang
        part = m.participation()
        n_paper = int(part["n_paper"].max()) if len(part) else 0
        self._counter.value = (
            f"<div style='font-size:32px'><b>{m.n_participants}</b> "
            f"{_esc(t('workshop.participants', lang))} · <b>{n_paper}</b> "
            f"{_esc(t('workshop.paper_ballots', lang))}</div>"
        )
        qid = self._question.value
        if qid is None:
            return
        q = m.question(qid)
        if not m.store.question_state(m.workshop, qid)["results_visible"]:
            self._chart.value = (
                f"<p style='font-size:28px'>{_esc(t('workshop.results_hidden', lang))}</p>"
            )
        else:
            res = m.results(qid)
            n = res.attrs.get("n_ballots", 0)
            head = f"<h2>{_esc(q.label(lang))} (n = {n})</h2>"
            foot = ""
            if q.type == "budget":
                side = m.budget(qid)
                chart = budget_chart(side, lang=lang, big=True)
                left = side.attrs["summary"].set_index("rule")["unspent"]
                foot = (
                    f"<p>{_esc(t('workshop.unspent', lang))}: {_esc(t('workshop.greedy', lang))} "
                    f"{_esc(format_money(left['greedy'], lang))} · "
                    f"{_esc(t('workshop.equal_shares', lang))} "
                    f"{_esc(format_money(left['equal_shares'], lang))}</p>"
                )
            else:
                chart = results_chart(res, lang=lang, big=True)
            self._chart.value = (
                f"{head}<div class='quartiere-chart'>{chart_svg(chart, lang=lang)}</div>{foot}"
            )
        self._comments.value = comments_html(m.approved_comments(), lang)

    def _schedule(self, every: float) -> None:
        def tick() -> None:
            try:
                with self._qlock:
                    self.refresh()
            except Exception:
                log.exception("projector auto-refresh failed")
            self._schedule(every)

        self._timer = threading.Timer(every, tick)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        """Stop background refreshing."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class FacilitatorView(_View):
    """The facilitator's console: questions, moderation, paper ballots, projector, codes.

    Parameters
    ----------
    model : FacilitatorModel
    auto_refresh : float, optional
        Seconds between projector redraws.

    Attributes
    ----------
    projector : ProjectorView
        The projector tab (also usable alone on a second screen).
    last_codes : list of str
        Codes of the last batch of cards made from the console.

    Examples
    --------
    >>> from quartiere.workshop.model import FacilitatorModel
    >>> from quartiere.workshop.store import _demo_store
    >>> s = _demo_store()
    >>> view = FacilitatorView(FacilitatorModel(s, lang="en"))
    >>> view._rows["q"]["open"].click()
    >>> s.question_state("w", "q")["state"]
    'open'
    >>> s.close()
    """

    def __init__(self, model: FacilitatorModel, *, auto_refresh: float | None = None) -> None:
        self.model = model
        lang = model.lang
        self._rows: dict[str, dict[str, w.Widget]] = {}
        q_rows = []
        for q in model.agenda.questions:
            r = {
                "state": w.HTML(""),
                "open": w.Button(description=t("workshop.open_q", lang), button_style="success"),
                "close": w.Button(description=t("workshop.close_q", lang), button_style="danger"),
                "reveal": w.Button(description=t("workshop.reveal", lang)),
                "hide": w.Button(description=t("workshop.hide", lang)),
                "reason": w.Text(value="", placeholder=t("workshop.reset_reason", lang)),
                "reset": w.Button(description=t("workshop.reset", lang), button_style="warning"),
            }
            r["open"].on_click(_guarded(self, functools.partial(self._act, "open", q.id)))
            r["close"].on_click(_guarded(self, functools.partial(self._act, "close", q.id)))
            r["reveal"].on_click(_guarded(self, functools.partial(self._act, "reveal", q.id)))
            r["hide"].on_click(_guarded(self, functools.partial(self._act, "hide", q.id)))
            r["reset"].on_click(_guarded(self, functools.partial(self._on_reset, q.id)))
            self._rows[q.id] = r
            q_rows.append(
                w.VBox(
                    [
                        w.HTML(f"<b>{_esc(q.id)}</b> — {_esc(q.label(lang))} ({q.type})"),
                        w.HBox([r["state"], r["open"], r["close"], r["reveal"], r["hide"]]),
                        w.HBox([r["reason"], r["reset"]]),
                    ]
                )
            )
        self._moderation = w.VBox([])
        self._mod_buttons: dict[int, tuple[w.Button, w.Button]] = {}
        self._mod_refresh = w.Button(description=t("workshop.refresh", lang), icon="refresh")
        self._mod_refresh.on_click(_guarded(self, lambda *_: self._render_moderation()))
        qs = [(q.label(lang), q.id) for q in model.agenda.questions if q.type != "comment"]
        self._paper_question = w.Dropdown(
            options=qs,
            value=qs[0][1] if qs else None,
            description=t("workshop.question", lang),
            style=_STYLE,
        )
        self._paper_box = w.VBox([])
        self._paper_control: AnswerControl | None = None
        self._paper_question.observe(_guarded(self, lambda *_: self._render_paper()), "value")
        self._participation = w.HTML("")
        self._codes_n = w.BoundedIntText(
            value=60, min=1, max=500, description=t("workshop.participants", lang), style=_STYLE
        )
        self._codes_btn = w.Button(description=t("workshop.make_cards", lang))
        self._codes_out = w.HTML("")
        self._codes_btn.on_click(_guarded(self, self._on_codes))
        self.last_codes: list[str] = []
        self.projector = ProjectorView(model, auto_refresh=auto_refresh)
        tabs = w.Tab(
            children=[
                w.VBox(q_rows),
                w.VBox([self._mod_refresh, self._moderation]),
                w.VBox([self._paper_question, self._paper_box]),
                self.projector,
                w.VBox([self._codes_n, self._codes_btn, self._codes_out]),
            ]
        )
        for i, key in enumerate(["question", "moderation", "paper", "results", "cards"]):
            tabs.set_title(i, t(f"workshop.{key}", lang))
        self._tabs = tabs
        super().__init__([w.HTML(_CSS), self._participation, self._make_status(), tabs])
        self.add_class("quartiere-workshop")
        self._render_states()
        self._render_moderation()
        self._render_paper()

    # -------------------------------------------------------------- rendering
    def _render_states(self) -> None:
        lang = self.model.lang
        st = self.model.states().set_index("question")
        for qid, r in self._rows.items():
            s = st.loc[qid]
            vis = t("workshop.reveal" if s["results_visible"] else "workshop.hide", lang)
            r["state"].value = (
                f"<span data-question='{_esc(qid)}'>"
                f"{_esc(t('workshop.' + s['state'], lang))} · {_esc(vis)} · "
                f"#{int(s['round'])}</span>"
            )
        part = self.model.participation()
        self.model.refresh()
        rows = "".join(
            f"<tr><td>{_esc(r.question)}</td><td>{r.n}</td><td>{r.n_device}</td>"
            f"<td>{r.n_paper}</td><td>{r.n_comments}</td></tr>"
            for r in part.itertuples()
        )
        self._participation.value = (
            f"<b>{_esc(t('workshop.participants', lang))}: {self.model.n_participants}</b>"
            "<table class='quartiere-board'><tr><th></th><th>n</th>"
            f"<th>{_esc(t('workshop.device', lang))}</th>"
            f"<th>{_esc(t('workshop.paper', lang))}</th><th>{_esc(t('workshop.comments', lang))}</th></tr>"
            f"{rows}</table>"
        )

    def _render_moderation(self) -> None:
        lang = self.model.lang
        pending = self.model.pending_comments()
        self._mod_buttons.clear()
        rows = []
        for c in pending.itertuples():
            ok = w.Button(description=t("workshop.approve", lang), button_style="success")
            no = w.Button(description=t("workshop.reject", lang), button_style="danger")
            ok.on_click(_guarded(self, functools.partial(self._on_moderate, int(c.comment), True)))
            no.on_click(_guarded(self, functools.partial(self._on_moderate, int(c.comment), False)))
            self._mod_buttons[int(c.comment)] = (ok, no)
            rows.append(
                w.HBox(
                    [
                        w.HTML(f"#{int(c.comment)}: {_esc(c.text)}", layout=w.Layout(width="60%")),
                        ok,
                        no,
                    ]
                )
            )
        self._moderation.children = rows or [w.HTML("—")]

    def _render_paper(self) -> None:
        qid = self._paper_question.value
        if qid is None:
            self._paper_box.children = []
            return
        ctl = AnswerControl(
            self.model.question(qid),
            self.model.lang,
            submit_label=t("workshop.add_paper", self.model.lang),
        )
        ctl.submit.on_click(_guarded(self, self._on_paper))
        self._paper_control = ctl
        self._paper_box.children = [ctl]

    def refresh(self) -> None:
        """Re-read states, queue and counts (other kernels write to the store)."""
        self._render_states()
        self._render_moderation()
        self.projector.refresh()

    # -------------------------------------------------------------- callbacks
    def _act(self, action: str, qid: str, *_: Any) -> None:
        getattr(self.model, action)(qid)
        self._render_states()
        self.projector.refresh()
        self._show(self.model.status)

    def _on_reset(self, qid: str, *_: Any) -> None:
        r = self._rows[qid]
        self.model.reset(qid, r["reason"].value)
        r["reason"].value = ""
        self._render_states()
        self.projector.refresh()
        self._show(self.model.status)

    def _on_moderate(self, cid: int, approve: bool, *_: Any) -> None:
        self.model.moderate(cid, approve)
        self._render_moderation()
        self.projector.refresh()
        self._show(self.model.status)

    def _on_paper(self, *_: Any) -> None:
        ctl = self._paper_control
        if ctl is None:
            return
        self.model.paper(ctl.question.id, ctl.value())
        ctl.clear()
        self._render_states()
        self.projector.refresh()
        self._show(self.model.status)

    def _on_codes(self, *_: Any) -> None:
        codes = self.model.issue_codes(int(self._codes_n.value))
        self.last_codes = codes
        sheet = self.model.card_sheet(codes)
        import base64

        b64 = base64.b64encode(sheet.encode("utf-8")).decode("ascii")
        self._codes_out.value = (
            f"<a download='cards.html' href='data:text/html;base64,{b64}'>cards.html</a> — "
            f"{len(codes)}"
        )
        self._render_states()
        self._show(f"{len(codes)} codes")
