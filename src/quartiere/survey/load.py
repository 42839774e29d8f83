"""Study-level helpers: read and validate the study's survey, build its raking margins."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from quartiere.errors import SchemaError
from quartiere.io.kobo import read_xlsform
from quartiere.io.survey_codebook import Codebook, SurveyFile
from quartiere.io.survey_readers import read_survey
from quartiere.io.tables import read_table
from quartiere.survey.schema import SurveySchema
from quartiere.survey.validate import ValidatedSurvey, validate_survey
from quartiere.survey.weights import margins_from_population

__all__ = ["load_survey", "study_margins"]


def _resolve(study: Any, ref: str | os.PathLike[str], key: str) -> Path:
    """A ``files:`` key of study.yml, or a path relative to the study folder."""
    files = getattr(study, "files", None) or {}
    if isinstance(ref, str) and ref in files:
        return Path(study.file(ref))
    path = Path(ref)
    path = path if path.is_absolute() else Path(study.root) / path
    if not path.exists():
        raise SchemaError(
            f"{ref!r} is neither a files: key nor an existing file",
            path=Path(study.root) / "study.yml",
            key=key,
        )
    return path


def load_survey(
    study: Any,
    *,
    file: str | os.PathLike[str] | None = None,
    form: str | os.PathLike[str] | None = None,
    strict: bool = True,
) -> ValidatedSurvey:
    """Read the study's survey file and validate it against its ``survey:`` schema.

    Parameters
    ----------
    study : Study
        From :func:`quartiere.load_study`.
    file : str or PathLike, optional
        A ``files:`` key or a path (relative to the study); default ``survey.file``.
    form : str or PathLike, optional
        XLSForm for a KoboToolbox export; default ``survey.form`` when ``file`` is an
        ``.xlsx`` export other than the form itself.
    strict : bool, default True
        See :func:`~quartiere.survey.validate.validate_survey`.

    Returns
    -------
    ValidatedSurvey
        Canonical data, problems, dropped rows and the codebook (question texts from the
        file, or from ``survey.form`` for a CSV that has none).

    Raises
    ------
    SchemaError
        No ``survey:`` section, or no file given in it or here.
    DataFileError
        Unreadable file or (``strict=True``) any validation problem.
    """
    schema = SurveySchema.from_study(study)
    ref = file if file is not None else schema.file
    if ref is None:
        raise SchemaError(
            "no survey file: set survey.file or pass file=",
            path=Path(study.root) / "study.yml",
            key="survey.file",
        )
    path = _resolve(study, ref, "survey.file")
    form_path = None
    if form is not None:
        form_path = _resolve(study, form, "survey.form")
    elif schema.form is not None and path.suffix.lower() in {".xlsx", ".xlsm"}:
        form_path = _resolve(study, schema.form, "survey.form")
        if form_path == path:
            form_path = None
    survey = read_survey(path, form=form_path)
    if form_path is None and schema.form is not None and not survey.codebook.variable_labels:
        # a CSV carries no question texts: take them from the study's XLSForm
        form_file = _resolve(study, schema.form, "survey.form")
        labels = read_xlsform(form_file).variable_labels
        survey = SurveyFile(survey.data, Codebook(variable_labels=labels), survey.path)
    return validate_survey(survey, schema, strict=strict)


def study_margins(study: Any) -> dict:
    """Raking margins from the population cells file named in ``survey.weights``.

    Parameters
    ----------
    study : Study
        From :func:`quartiere.load_study`.

    Returns
    -------
    dict
        ``{column or tuple of columns: {category: population}}`` for
        :func:`~quartiere.survey.weights.rake`, one entry per ``survey.weights.rake`` group.

    Raises
    ------
    SchemaError
        No ``weights`` with ``margins`` and ``rake`` in the survey section.
    DataFileError, ParameterError
        Unreadable cells file, or columns missing from it.
    """
    schema = SurveySchema.from_study(study)
    weights = schema.weights
    if weights is None or weights.margins is None or not weights.rake:
        raise SchemaError(
            "survey.weights needs margins (population cells file) and rake (margin groups)",
            path=Path(study.root) / "study.yml",
            key="survey.weights",
        )
    cells = read_table(_resolve(study, weights.margins, "survey.weights.margins"))
    return margins_from_population(cells, weights.rake, value=weights.value)
