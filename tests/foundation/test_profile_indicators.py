"""Community-profile indicators checked against values computed by hand from the files.

The reference values are computed here with the csv module straight from the raw
cp1252 files (no pandas, no Quartiere reader), and on a tiny fixture whose answers are
worked out in the comments.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from quartiere import profile as pr
from quartiere.errors import DataFileError, ParameterError


def _raw_rows(path):
    text = path.read_bytes().decode("cp1252")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


@pytest.fixture(scope="module")
def prof(sample_study):
    return pr.load_profile(sample_study)


def test_indicators_match_hand_computation(sample_dir, prof):
    rows = _raw_rows(sample_dir / "population.csv")
    ind = pr.district_indicators(prof, total="Ambito").set_index("district")
    for comune in ["Montecerro", "Villafranca", "Serenella"]:
        mine = [r for r in rows if r["comune"] == comune]
        young = sum(int(r["totale"]) for r in mine if int(r["eta"]) <= 14)
        work = sum(int(r["totale"]) for r in mine if 15 <= int(r["eta"]) <= 64)
        old = sum(int(r["totale"]) for r in mine if int(r["eta"]) >= 65)
        assert ind.at[comune, "residents"] == young + work + old
        assert ind.at[comune, "ageing_index"] == pytest.approx(old / young * 100, rel=1e-12)
        assert ind.at[comune, "dependency_index"] == pytest.approx(
            (young + old) / work * 100, rel=1e-12
        )
    # ambito row from summed counts, not averaged rates
    young = sum(int(r["totale"]) for r in rows if int(r["eta"]) <= 14)
    old = sum(int(r["totale"]) for r in rows if int(r["eta"]) >= 65)
    assert ind.at["Ambito", "ageing_index"] == pytest.approx(old / young * 100, rel=1e-12)


def test_alone_foreign_and_household_shares(sample_dir, prof):
    pop = _raw_rows(sample_dir / "population.csv")
    hh = {r["comune"]: r for r in _raw_rows(sample_dir / "households.csv")}
    fo = {r["comune"]: r for r in _raw_rows(sample_dir / "foreign.csv")}
    ind = pr.district_indicators(prof).set_index("district")
    c = "Borgo San Rocco"
    over75 = sum(int(r["totale"]) for r in pop if r["comune"] == c and int(r["eta"]) >= 75)
    residents = sum(int(r["totale"]) for r in pop if r["comune"] == c)
    assert ind.at[c, "alone_75_share"] == pytest.approx(int(hh[c]["persone_75_sole"]) / over75)
    assert ind.at[c, "foreign_share"] == pytest.approx(int(fo[c]["totale"]) / residents)
    assert ind.at[c, "avg_household_size"] == pytest.approx(residents / int(hh[c]["famiglie"]))


def test_planted_signals_of_the_sample(prof):
    # SAMPLE.md: the weaknesses each comune must show
    ind = pr.district_indicators(prof, total="Ambito").set_index("district")
    cov = pr.standards_coverage(prof).set_index(["district", "service"])
    assert ind.at["Montecerro", "ageing_index"] > 300
    assert cov.at[("Montecerro", "adi"), "value"] == pytest.approx(0.04, abs=0.005)
    assert 6000 < cov.at[("Serenella", "social_workers"), "value"] < 7000
    assert not cov.at[("Serenella", "social_workers"), "meets_standard"]
    assert cov.at[("Villafranca", "nido"), "value"] == pytest.approx(0.18, abs=0.01)
    assert ind.at["Porto Lido", "foreign_share"] == pytest.approx(0.18, abs=0.01)
    assert ind["waiting_per_1000"].drop("Ambito").idxmax() == "Porto Lido"
    dens = pr.asset_density(prof.assets, prof.population).set_index("district")
    assert dens["per_1000"].idxmax() == "Borgo San Rocco"


def _tiny(tmp_path):
    # Two comuni. A: ages 5 (10 F + 10 M), 40 (30 + 30), 70 (20 + 10) -> 0-14 = 20,
    # 15-64 = 60, 65+ = 30: ageing index 30/20*100 = 150, dependency (20+30)/60*100 = 83.33.
    # B: ages 1 (5 + 5), 30 (40 + 40), 80 (5 + 5) -> ageing 10/10*100 = 100, dependency 20/80*100 = 25.
    (tmp_path / "pop.csv").write_bytes(
        "comune;eta;maschi;femmine;totale\r\nA;5;10;10;20\r\nA;40;30;30;60\r\nA;70;10;20;30\r\n"
        "B;1;5;5;10\r\nB;30;40;40;80\r\nB;80;5;5;10\r\n".encode("cp1252")
    )
    (tmp_path / "for.csv").write_text("comune;totale\nA;11\nB;0\n", encoding="utf-8")
    (tmp_path / "hh.csv").write_text(
        "comune;famiglie;famiglie_unipersonali;persone_75_sole\nA;50;20;0\nB;40;10;4\n",
        encoding="utf-8",
    )
    svc = pd.DataFrame(
        {
            "Comune": ["A", "B"],
            "Assistenti sociali (FTE)": [0.01, 0.5],
            "Utenti ADI 65+": [3, 2],
            "Posti nido": [0, 5],
            "Alloggi ERP": [1, 1],
            "Domande ERP in attesa": [11, 0],
        }
    )
    svc.to_excel(tmp_path / "svc.xlsx", index=False)
    (tmp_path / "assets.csv").write_text("nome;tipo;comune\nP;parrocchia;A\n", encoding="utf-8")
    return pr.Profile(
        population=pr.read_population(tmp_path / "pop.csv"),
        foreign=pr.read_foreign(tmp_path / "for.csv"),
        households=pr.read_households(tmp_path / "hh.csv"),
        services=pr.read_services(tmp_path / "svc.xlsx"),
        assets=pr.read_assets(tmp_path / "assets.csv"),
        boundaries={"type": "FeatureCollection", "features": []},
        districts=("A", "B"),
    )


def test_tiny_fixture_worked_by_hand(tmp_path):
    prof = _tiny(tmp_path)
    ind = pr.district_indicators(prof, total="Tot").set_index("district")
    assert ind.at["A", "ageing_index"] == pytest.approx(150.0)
    assert ind.at["A", "dependency_index"] == pytest.approx(50 / 60 * 100)
    assert ind.at["B", "ageing_index"] == pytest.approx(100.0)
    assert ind.at["B", "dependency_index"] == pytest.approx(25.0)
    # Tot: 0-14 = 30, 15-64 = 140, 65+ = 40 -> 133.33 and 50.0
    assert ind.at["Tot", "ageing_index"] == pytest.approx(40 / 30 * 100)
    assert ind.at["Tot", "dependency_index"] == pytest.approx(70 / 140 * 100)
    assert ind.at["B", "alone_75_share"] == pytest.approx(4 / 10)  # 4 of the 10 aged 80 live alone
    assert ind.at["A", "waiting_per_1000"] == pytest.approx(11 / 110 * 1000)
    cov = pr.standards_coverage(prof).set_index(["district", "service"])
    # A: 110 residents / 0.01 FTE = 11,000 per worker; needs 110/5000 = 0.022 FTE -> gap 0.012
    assert cov.at[("A", "social_workers"), "value"] == pytest.approx(11000)
    assert cov.at[("A", "social_workers"), "gap"] == pytest.approx(0.012)
    # B: 5 nido places for 10 children 0-2 (age 1) -> 50% >= 33%, gap 0
    assert cov.at[("B", "nido"), "value"] == pytest.approx(0.5)
    assert cov.at[("B", "nido"), "meets_standard"]
    # A: 3 ADI users / 30 over-65s = 10% -> meets exactly; B: 2 / 10 = 20%
    assert cov.at[("A", "adi"), "meets_standard"] and cov.at[("A", "adi"), "gap"] == 0
    assert np.isnan(cov.at[("A", "nido"), "value"])  # no children 0-2 in A


def test_need_scores_orientation(tmp_path):
    prof = _tiny(tmp_path)
    ns = pr.need_scores(pr.district_indicators(prof), pr.standards_coverage(prof)).set_index(
        "district"
    )
    # A misses the social-worker standard and has the waiting list and the foreign residents
    assert ns.at["A", "rank"] == 1 and ns.at["B", "rank"] == 2
    assert ns.at["A", "z_social_workers"] == pytest.approx(1.0) and ns.at[
        "B", "z_social_workers"
    ] == pytest.approx(-1.0)


def test_age_bands_and_pyramid_shares(prof):
    labels = pr.age_bands(np.array([0, 4, 5, 84, 85, 100]))
    assert list(labels) == ["0-4", "0-4", "5-9", "80-84", "85+", "85+"]
    pyr = pr.age_pyramid(prof.population, district="Montecerro")
    assert (
        pyr["population"].sum()
        == prof.population.query("district == 'Montecerro'")["population"].sum()
    )
    assert pyr["share"].sum() == pytest.approx(1.0)
    with pytest.raises(ParameterError, match="no residents for district 'Atlantide'"):
        pr.age_pyramid(prof.population, district="Atlantide")


def test_bad_population_files(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_text("comune;eta;maschi;femmine;totale\nA;0;1;2;3\nA;1;-4;2;-2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"pop.csv, row 2, column maschi: -4 is not a count"):
        pr.read_population(p)
    p.write_text("comune;eta;maschi;femmine;totale\nA;0;1;2;4\n", encoding="utf-8")
    with pytest.raises(
        DataFileError, match=r"row 1, column totale: totale 4 is not maschi \+ femmine"
    ):
        pr.read_population(p)
    p.write_text("comune;eta;maschi;femmine\nA;0;1;2\nA;0;1;2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"row 2: duplicate row for comune='A', eta=0"):
        pr.read_population(p)
    p.write_text("comune;age;maschi;femmine\nA;0;1;2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"missing column\(s\) 'eta'"):
        pr.read_population(p)


def test_district_not_in_study(study_copy):
    from quartiere import load_study

    f = study_copy / "foreign.csv"
    f.write_bytes(f.read_bytes().replace(b"Campi Bassi", b"Campi Alti"))
    with pytest.raises(
        DataFileError, match=r"foreign.csv, row 6, column comune: 'Campi Alti' is not a district"
    ):
        pr.load_profile(load_study(study_copy))


def test_standards_validation():
    with pytest.raises(
        ParameterError, match="parameter 'nido_share': must be a share between 0 and 1"
    ):
        pr.Standards(nido_share=33)
    with pytest.raises(ParameterError, match="social_worker_residents"):
        pr.Standards(social_worker_residents=0)


def test_strengths_weaknesses_text(prof):
    ind = pr.district_indicators(prof, total="Ambito")
    cov = pr.standards_coverage(prof)
    dens = pr.asset_density(prof.assets, prof.population)
    it = pr.strengths_weaknesses(ind, cov, dens, lang="it", average="Ambito")
    en = pr.strengths_weaknesses(ind, cov, dens, lang="en", average="Ambito")
    assert len(it) == len(en)
    ser = en.query("district == 'Serenella' and indicator == 'social_workers'")["text"].item()
    assert (
        ser.startswith("One social worker per 6,5")
        and "below the LEPS standard of 1 per 5,000" in ser
    )
    ser_it = it.query("district == 'Serenella' and indicator == 'social_workers'")["text"].item()
    assert "6.5" in ser_it and "1 ogni 5.000" in ser_it
    assert set(it.query("district == 'Montecerro'")["indicator"]) >= {"adi", "ageing", "isolation"}
