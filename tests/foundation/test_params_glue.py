"""Parameter declarations, validation before execution, and glue round trips."""

from __future__ import annotations

import datetime as dt

import nbformat
import numpy as np
import pandas as pd
import pytest

from quartiere.errors import NotebookError, ParameterError
from quartiere.notebook import glue, read_glued
from quartiere.params import ParamSpec, parse_value, read_parameters, validate_params


def _nb(source: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    return nb


def test_read_parameters_types_defaults_help_choices():
    specs = read_parameters(
        _nb(
            'study: str = "../data/sample"  # study folder\n'
            "years: list[int] = [2027, 2028]  # horizon\n"
            "rate: float | None = None  # optional rate\n"
            'where: str = "A"  # district {@districts}\n'
        )
    )
    assert [s.name for s in specs] == ["study", "years", "rate", "where"]
    assert specs[1].type == "list[int]" and specs[1].default == [2027, 2028]
    assert specs[2].optional and specs[2].base == "float"
    assert specs[3].choices_from == "districts" and specs[3].help == "district"


def test_malformed_parameters_cell():
    with pytest.raises(NotebookError, match="line 1: declare parameters as 'name: type = value"):
        read_parameters(_nb("x = 5"))
    with pytest.raises(NotebookError, match="must be a literal"):
        read_parameters(_nb("x: int = 2 ** 3 + len('a')"))
    with pytest.raises(NotebookError, match="no cell tagged 'parameters'"):
        read_parameters(nbformat.v4.new_notebook())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", 5),
        ("0.33", 0.33),
        ("true", True),
        ("no", False),
        ("Porto Lido", "Porto Lido"),
        ("null", None),
        ("", ""),
    ],
)
def test_parse_value_yaml_scalars(text, expected):
    assert parse_value(text) == expected


def test_validation_types_and_choices():
    specs = [
        ParamSpec("n", "int", 1),
        ParamSpec("share", "float", 0.1),
        ParamSpec("flag", "bool", False),
        ParamSpec("lang", "str", "it", choices=("it", "en")),
        ParamSpec("years", "list[int]", []),
    ]
    ok = validate_params(specs, {"n": 3, "share": 1, "flag": True, "lang": "en", "years": [2027]})
    assert ok == {"n": 3, "share": 1.0, "flag": True, "lang": "en", "years": [2027]}
    assert isinstance(ok["share"], float)
    with pytest.raises(ParameterError, match=r"parameter 'n': notebook nb declares int, got 2.5"):
        validate_params(specs, {"n": 2.5}, notebook="nb")
    with pytest.raises(ParameterError, match="parameter 'n'.*got True"):
        validate_params(specs, {"n": True})
    with pytest.raises(ParameterError, match=r"parameter 'flag'.*declares bool, got 'maybe'"):
        validate_params(specs, {"flag": "maybe"})
    with pytest.raises(
        ParameterError, match=r"parameter 'lang': 'fr' is not one of the allowed values"
    ):
        validate_params(specs, {"lang": "fr"})
    with pytest.raises(ParameterError, match=r"parameter 'years'.*got 'x'"):
        validate_params(specs, {"years": [2027, "x"]})
    with pytest.raises(ParameterError, match=r"parameter 'shares': .*did you mean 'share'\?"):
        validate_params(specs, {"shares": 0.2})


def test_glue_round_trip_with_numpy_and_frames():
    frame = pd.DataFrame({"district": ["A", "B"], "value": [1.5, np.nan]})
    values = {
        "n": np.int64(3),
        "x": np.float64(0.25),
        "nan": float("nan"),
        "flag": np.bool_(True),
        "when": dt.date(2026, 1, 1),
        "table": frame,
        "nested": {"a": [1, 2], "b": {"c": "d"}},
    }
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data=glue(k, v, display=False))
        for k, v in values.items()
    ]
    nb.cells.append(cell)
    nbformat.validate(nb)  # the custom mimetype is valid nbformat
    back = read_glued(nb)
    assert back["n"] == 3 and back["x"] == 0.25 and back["nan"] is None and back["flag"] is True
    assert back["when"] == "2026-01-01" and back["nested"] == {"a": [1, 2], "b": {"c": "d"}}
    pd.testing.assert_frame_equal(back["table"], frame)


def test_glue_errors(tmp_path):
    with pytest.raises(ParameterError, match="glue names use letters"):
        glue("bad name", 1, display=False)
    with pytest.raises(ParameterError, match="cannot glue a object"):
        glue("x", object(), display=False)
    with pytest.raises(NotebookError, match="executed notebook not found"):
        read_glued(tmp_path / "none.ipynb")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data=glue("a", 1, display=False))] * 2
    nb.cells.append(cell)
    with pytest.raises(NotebookError, match="'a' is glued twice"):
        read_glued(nb)
