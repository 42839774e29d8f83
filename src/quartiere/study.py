"""A study: one folder under ``data/`` with a ``study.yml`` and its input files.

``study.yml`` is validated with pydantic, then frozen into a :class:`Study` that every
notebook and helper receives. Domain sections (``survey``, ``interviews``, ...) are kept
raw here and validated by their own package, so the study loader stays small.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from quartiere.errors import SchemaError

__all__ = ["Study", "load_study", "DOMAIN_SECTIONS", "LANGS", "schema_error"]

LANGS = ("it", "en")
DOMAIN_SECTIONS = ("survey", "interviews", "evaluation", "scenarios", "workshop", "publishing")


class _Privacy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: int = Field(5, ge=1, description="smallest count published in a table cell")
    names_file: str | None = Field(None, description="list of person names to pseudonymize")


class _StudyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    area: str = ""
    lang: Literal["it", "en"] = "it"
    reference_date: _dt.date | None = None
    seed: int = 20261128
    privacy: _Privacy = _Privacy()
    districts: list[str] = Field(min_length=1)
    files: dict[str, str] = {}
    notebooks: dict[str, dict[str, Any]] = {}
    survey: dict[str, Any] = {}
    interviews: dict[str, Any] = {}
    evaluation: dict[str, Any] = {}
    scenarios: dict[str, Any] = {}
    workshop: dict[str, Any] = {}
    publishing: dict[str, Any] = {}

    @field_validator("districts")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        dupes = sorted({d for d in v if v.count(d) > 1})
        if dupes:
            raise ValueError(f"listed twice: {', '.join(dupes)}")
        return v

    @field_validator("notebooks", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: (val if val is not None else {}) for k, val in v.items()}
        return v


def schema_error(
    exc: ValidationError, path: Path, model: type[BaseModel], prefix: str = ""
) -> SchemaError:
    """Turn the first pydantic error into a one-line :class:`SchemaError` naming the key.

    Parameters
    ----------
    exc : pydantic.ValidationError
        The error pydantic raised.
    path : Path
        The YAML file it came from.
    model : type of BaseModel
        The model validated (for did-you-mean on unknown keys).
    prefix : str
        Dotted key of the section (``"survey."``) when validating part of a file.

    Returns
    -------
    SchemaError
        To be raised by the caller.

    Examples
    --------
    >>> from pydantic import BaseModel, ConfigDict
    >>> class M(BaseModel):
    ...     model_config = ConfigDict(extra="forbid")
    ...     title: str
    >>> try:
    ...     M.model_validate({"title": "x", "titel": "y"})
    ... except ValidationError as e:
    ...     print(schema_error(e, Path("study.yml"), M))
    study.yml, key 'titel': unknown key; did you mean 'title'?
    """
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    key = prefix + ".".join(loc)
    if err["type"] == "extra_forbidden":
        known = _known_keys(model, loc[:-1])
        close = difflib.get_close_matches(loc[-1], known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"
        msg = "unknown key" + hint
    elif err["type"] == "missing":
        msg = "is required but missing"
    else:
        value = err.get("input")
        shown = f" (got {value!r})" if not isinstance(value, (dict, list)) else ""
        msg = f"{err['msg']}{shown}"
    return SchemaError(msg, path=path, key=key)


def _known_keys(model: type[BaseModel], loc: list[str]) -> list[str]:
    current: Any = model
    for part in loc:
        fld = getattr(current, "model_fields", {}).get(part)
        if fld is None:
            return []
        current = fld.annotation
    return list(getattr(current, "model_fields", {}))


@dataclass(frozen=True)
class Study:
    """A validated, read-only study.

    Attributes
    ----------
    root : Path
        The study folder (absolute).
    name : str
        Folder name; reports go to ``reports/<name>/``.
    title, area : str
        Shown on report covers.
    lang : {"it", "en"}
        Default report language.
    threshold : int
        Privacy threshold: published cells with fewer people are suppressed.
    seed : int
        Seed for every random draw (bootstrap, Monte Carlo, sample generation).
    districts : tuple of str
        The districts (comuni) of the study, in the study's order.
    reference_date : datetime.date or None
        Date the population data refer to.
    files : Mapping[str, Path]
        Input files by key, resolved and checked to exist.
    notebooks : Mapping[str, Mapping]
        Per-notebook parameter values (notebook stem -> {name: value}).
    sections : Mapping[str, Mapping]
        Raw domain sections, validated by their own packages.
    """

    root: Path
    name: str
    title: str
    area: str
    lang: str
    threshold: int
    seed: int
    districts: tuple[str, ...]
    reference_date: _dt.date | None = None
    names_file: Path | None = None
    files: Mapping[str, Path] = field(default_factory=dict)
    notebooks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def config_path(self) -> Path:
        """Path of ``study.yml``."""
        return self.root / "study.yml"

    def file(self, key: str) -> Path:
        """Return the input file declared as ``files: {key: ...}`` in study.yml.

        Parameters
        ----------
        key : str
            Key under ``files``.

        Returns
        -------
        Path
            Absolute path (its existence was checked by :func:`load_study`).

        Raises
        ------
        SchemaError
            No such key, with the keys that exist.

        Examples
        --------
        >>> load_study("data/sample").file("population").name
        'population.csv'
        """
        try:
            return self.files[key]
        except KeyError:
            close = difflib.get_close_matches(key, list(self.files), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"declared: {', '.join(self.files)}"
            raise SchemaError(
                f"no input file {key!r} under 'files'; {hint}", path=self.config_path
            ) from None

    def section(self, name: str) -> Mapping[str, Any]:
        """Return a raw domain section of study.yml (``{}`` when absent).

        Examples
        --------
        >>> dict(load_study("data/sample").section("publishing")) == {} or True
        True
        """
        if name not in DOMAIN_SECTIONS:
            raise SchemaError(
                f"unknown section {name!r}; sections are {', '.join(DOMAIN_SECTIONS)}",
                path=self.config_path,
            )
        return self.sections.get(name, MappingProxyType({}))

    def notebook_params(self, notebook: str) -> dict[str, Any]:
        """Parameter values study.yml sets for one notebook (by stem), as a new dict."""
        return dict(self.notebooks.get(notebook, {}))

    def check_district(self, value: str, *, parameter: str = "district") -> str:
        """Return ``value`` if it is a district of the study, else raise a did-you-mean error.

        Examples
        --------
        >>> load_study("data/sample").check_district("Montecerro")
        'Montecerro'
        """
        if value in self.districts:
            return value
        close = difflib.get_close_matches(str(value), self.districts, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}?" if close else f"districts: {', '.join(self.districts)}"
        raise SchemaError(f"{value!r} is not a district of this study; {hint}", parameter=parameter)


def load_study(path: str | os.PathLike[str]) -> Study:
    """Load and validate a study folder (or its ``study.yml``).

    Parameters
    ----------
    path : str or PathLike
        The study folder, e.g. ``"data/sample"``, or the path of its ``study.yml``.

    Returns
    -------
    Study
        Frozen; input paths resolved against the study folder and checked to exist.

    Raises
    ------
    SchemaError
        No study.yml, invalid YAML (with line), an unknown or missing key (with a
        did-you-mean), a value of the wrong type, or a declared input file that does not exist.

    Examples
    --------
    >>> study = load_study("data/sample")
    >>> study.name, study.lang, study.threshold
    ('sample', 'it', 5)
    >>> "Montecerro" in study.districts
    True
    """
    p = Path(path).expanduser()
    config = p if p.suffix in {".yml", ".yaml"} else p / "study.yml"
    config = config.resolve()
    if not config.exists():
        where = "folder" if p.suffix not in {".yml", ".yaml"} else "file"
        raise SchemaError(
            f"no study.yml here ({where} {p}); create one with 'quartiere new-study'", path=config
        )
    try:
        raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SchemaError(f"{line}invalid YAML ({problem})", path=config) from None
    except UnicodeDecodeError:
        raise SchemaError("is not UTF-8 text; save it as UTF-8", path=config) from None
    if not isinstance(raw, dict):
        raise SchemaError("must be a mapping of keys (title, districts, files, ...)", path=config)
    try:
        cfg = _StudyConfig.model_validate(raw)
    except ValidationError as exc:
        raise schema_error(exc, config, _StudyConfig) from None

    root = config.parent
    files: dict[str, Path] = {}
    for key, rel in cfg.files.items():
        fp = (root / rel).resolve()
        if not fp.exists():
            raise SchemaError(
                f"input file {rel!r} does not exist in {root}", path=config, key=f"files.{key}"
            )
        files[key] = fp
    names_file = None
    if cfg.privacy.names_file:
        names_file = (root / cfg.privacy.names_file).resolve()
        if not names_file.exists():
            raise SchemaError(
                f"names file {cfg.privacy.names_file!r} does not exist",
                path=config,
                key="privacy.names_file",
            )
    sections = {
        name: MappingProxyType(dict(getattr(cfg, name)))
        for name in DOMAIN_SECTIONS
        if getattr(cfg, name)
    }
    return Study(
        root=root,
        name=root.name,
        title=cfg.title,
        area=cfg.area,
        lang=cfg.lang,
        threshold=cfg.privacy.threshold,
        seed=cfg.seed,
        districts=tuple(cfg.districts),
        reference_date=cfg.reference_date,
        names_file=names_file,
        files=MappingProxyType(files),
        notebooks=MappingProxyType({k: MappingProxyType(v) for k, v in cfg.notebooks.items()}),
        sections=MappingProxyType(sections),
    )
