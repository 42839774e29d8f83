"""Citations and bibliography (citeproc-py, Cite Them Right Harvard) against the style's
documented formats.

Reference: Pears, R. & Shields, G. (2022) *Cite Them Right: The Essential Referencing
Guide*, 12th edn. Harvard examples: a book is "Author, Initials. (Year) *Title*. Place:
Publisher."; a journal article is "Author, Initials. (Year) 'Title of article', *Journal*,
Volume(Issue), pp. page-page. Available at: https://doi.org/..."; in-text citations are
"(Author, Year)" and "(Author and Author, Year)", several works separated by ";".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quartiere.errors import SchemaError
from quartiere.report.citations import bibtex_keys, format_citations, style_path

REPO = Path(__file__).resolve().parents[2]
BIB = (REPO / "data" / "sample" / "references.bib").read_text(encoding="utf-8")


def test_book_matches_cite_them_right_book_pattern():
    out = format_citations(BIB, [["saaty1980"]], lang="en")
    # CTR: Surname, Initials. (Year) Title (italics). Place of publication: Publisher.
    assert out.citations == ("(Saaty, 1980)",)
    assert out.bibliography == (
        (
            "saaty1980",
            "Saaty, T.L. (1980) <i>The Analytic Hierarchy Process</i>. New York: McGraw-Hill.",
        ),
    )


def test_journal_article_matches_cite_them_right_article_pattern():
    out = format_citations(BIB, [["kiresuk1968"]], lang="en")
    # CTR: Surname, Initials. and Surname, Initials. (Year) 'Title', Journal (italics),
    # Volume(Issue), pp. first-last. Available at: DOI link.
    assert out.bibliography[0][1] == (
        "Kiresuk, T.J. and Sherman, R.E. (1968) ‘Goal attainment scaling: A general method for "
        "evaluating comprehensive community mental health programs’, <i>Community Mental Health "
        "Journal</i>, 4(6), pp. 443–453. Available at: https://doi.org/10.1007/BF01530764."
    )
    assert out.citations == ("(Kiresuk and Sherman, 1968)",)


def test_italian_locale_and_several_works_in_one_citation():
    out = format_citations(BIB, [["card1994", "kiresuk1968"], ["l328_2000"]], lang="it")
    # the style's <citation><sort> orders works in one citation by year
    assert out.citations[0] == "(Kiresuk e Sherman, 1968; Card e Krueger, 1994)"
    assert out.citations[1] == "(Repubblica Italiana, 2000)"
    # the bibliography lists only cited works, sorted by author (CTR: alphabetical)
    assert [k for k, _ in out.bibliography] == ["card1994", "kiresuk1968", "l328_2000"]
    assert "Disponibile su: https://doi.org/10.1007/BF01530764" in out.bibliography[1][1]
    assert "«Legge 8 novembre 2000, n. 328" in out.bibliography[2][1]


def test_unknown_key_is_named_with_a_suggestion():
    with pytest.raises(SchemaError, match=r"cited key 'kiresuk1969' .*did you mean 'kiresuk1968'"):
        format_citations(BIB, [["kiresuk1969"]], lang="en")


def test_sample_bibliography_has_the_required_references():
    keys = bibtex_keys(BIB)
    for key in (
        "l328_2000",
        "l178_2020",
        "l234_2021",
        "krippendorff2011",
        "kiresuk1968",
        "card1994",
        "peters2021",
        "saaty1980",
        "hwang1981",
    ):
        assert key in keys
    assert len(keys) == len(set(keys))


def test_unknown_style_lists_the_shipped_ones():
    with pytest.raises(SchemaError, match="harvard-cite-them-right"):
        style_path("no-such-style")
