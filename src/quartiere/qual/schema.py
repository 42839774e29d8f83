"""The ``interviews:`` section of ``study.yml``, validated with pydantic.

Example section (the sample study's)::

    interviews:
      corpus: interviews/val_serena.qdpx  # a .qdpx, or a folder with transcripts/ + CSVs
      names: interviews/names.txt          # person names to pseudonymize (one per line)
      coders: [anna, marco]                # the study's coders (others are an error)
      attributes: [district, role, age_band]
      agreement_unit: character            # document | character
      offsets: null                        # force a REFI-QDA offset convention (rarely needed)

Paths are relative to the study folder, or keys under ``files:``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from quartiere.errors import SchemaError

__all__ = ["InterviewsSchema", "load_interviews"]


class InterviewsSchema(BaseModel):
    """Validated ``interviews:`` section.

    Attributes
    ----------
    corpus : str
        ``.qdpx`` file or plain-files folder (path relative to the study, or a ``files:`` key).
    names : str or None
        Names list for pseudonymization.
    coders : list of str or None
    attributes : list of str
        Document attributes used in crosstabs (must exist in the corpus).
    agreement_unit : {"document", "character"}
    offsets : str or None
        Forced offset convention for ``read_qdpx``.

    Examples
    --------
    >>> s = InterviewsSchema.from_mapping({"corpus": "interviews", "coders": ["a", "b"]})
    >>> s.agreement_unit
    'character'
    >>> InterviewsSchema.from_mapping({"corpus": "x", "agreement_unit": "word"})
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    quartiere.errors.SchemaError: key 'interviews.agreement_unit': Input should be...
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    corpus: str
    names: str | None = None
    coders: list[str] | None = Field(default=None, min_length=1)
    attributes: list[str] = ["district", "role"]
    agreement_unit: Literal["document", "character"] = "character"
    offsets: Literal["codepoint", "codepoint_lf", "utf16", "utf16_lf"] | None = None

    @classmethod
    def from_mapping(
        cls, section: Mapping[str, Any], *, path: str | os.PathLike[str] | None = None
    ) -> InterviewsSchema:
        """Validate an ``interviews:`` mapping.

        Raises
        ------
        SchemaError
            Naming the offending key (``interviews.coders``) and the problem.
        """
        try:
            return cls.model_validate(dict(section))
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = [str(p) for p in err["loc"]]
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "is required but missing"
            elif err["type"] == "extra_forbidden":
                msg = "unknown key"
            raise SchemaError(msg, path=path, key=".".join(["interviews", *loc])) from None

    @classmethod
    def from_study(cls, study: Any) -> InterviewsSchema:
        """Validate ``study.section("interviews")`` (SchemaError if absent)."""
        section = study.section("interviews")
        path = Path(study.root) / "study.yml"
        if not section:
            raise SchemaError("no interviews: section", path=path, key="interviews")
        return cls.from_mapping(section, path=path)

    def resolve(self, study: Any, value: str, key: str) -> Path:
        """A path from the section: a ``files:`` key or a path relative to the study."""
        try:
            return Path(study.file(value))
        except Exception:  # not a files: key: treat it as a path relative to the study
            pass
        candidate = Path(study.root) / value
        if not candidate.exists():
            raise SchemaError(
                f"{value!r} is neither a files: key nor an existing path",
                path=Path(study.root) / "study.yml",
                key=f"interviews.{key}",
            )
        return candidate


def load_interviews(study: Any):
    """Load the study's coded interviews as declared in its ``interviews:`` section.

    Parameters
    ----------
    study : quartiere.study.Study

    Returns
    -------
    tuple
        ``(corpus, schema, names)``: the :class:`~quartiere.qual.Corpus`, the validated
        section and the list of person names (empty if none declared).

    Raises
    ------
    SchemaError
        Bad section, missing paths, or an attribute listed in ``attributes`` that the corpus
        lacks.

    Examples
    --------
    >>> load_interviews  # doctest: +ELLIPSIS
    <function load_interviews at ...>
    """
    from quartiere.io.qdpx import read_qdpx
    from quartiere.io.qual_plain import read_transcripts
    from quartiere.privacy.pseudonymize import read_names

    schema = InterviewsSchema.from_study(study)
    where = schema.resolve(study, schema.corpus, "corpus")
    if where.is_dir():
        corpus = read_transcripts(where, coders=tuple(schema.coders) if schema.coders else None)
    else:
        corpus = read_qdpx(where, offsets=schema.offsets)
        if schema.coders:
            from quartiere.qual.corpus import Corpus

            corpus = Corpus(
                corpus.documents,
                corpus.codes,
                corpus.segments,
                coders=tuple(schema.coders),
                info=dict(corpus.info),
            )
    missing = [a for a in schema.attributes if a not in corpus.attributes]
    if missing:
        raise SchemaError(
            f"attribute {missing[0]!r} is not in the corpus (it has "
            f"{', '.join(corpus.attributes) or 'none'})",
            path=Path(study.root) / "study.yml",
            key="interviews.attributes",
        )
    names = read_names(schema.resolve(study, schema.names, "names")) if schema.names else []
    return corpus, schema, names
