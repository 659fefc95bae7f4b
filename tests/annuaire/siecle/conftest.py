import shutil
from datetime import date
from pathlib import Path

import pytest

from annuaire.models import Population, Profile
from tests.factories import ParenteFactory, PersonFactory
from tests.samples import samples_missing

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples"
TODAY = date(2026, 4, 1)
SET = ("Nomenclature.xml", "ElevesSansAdresses.xml", "ResponsablesAvecAdresses.xml",
       "sts_emp_0690001A_2025.xml")


@pytest.fixture
def fixture_copy(tmp_path):
    """Copies of constructed fixtures in their own folder (a test may then damage them)."""

    def _copy(*names, folder="depot"):
        target = tmp_path / folder
        target.mkdir(exist_ok=True)
        return [Path(shutil.copy(FIXTURES / name, target / name)) for name in names]

    return _copy


@pytest.fixture
def siecle_samples():
    folder = SAMPLES / "siecle" / "dossiersco"
    if not folder.exists():
        samples_missing("les échantillons SIECLE (../shared/samples/siecle) sont absents")
    return folder


@pytest.fixture
def sts_samples():
    folder = SAMPLES / "edt"
    if not folder.exists():
        samples_missing("les échantillons STS-web (../shared/samples/edt) sont absents")
    return folder


@pytest.fixture
def siecle_world(world):
    return give_siecle_ids(world)


def give_siecle_ids(world):
    """The world's people given the identifiers the constructed files use."""
    w = world
    w.pupil_a.aaf_id = "1000001"
    w.pupil_a.save(update_fields=["aaf_id"])
    # Matched by INE and birth date: its AAF id is not SIECLE's.
    w.pupil_a2.ine, w.pupil_a2.birth_date = "0000000001X", date(2011, 6, 3)
    w.pupil_a2.save(update_fields=["ine", "birth_date"])
    w.pupil_a3.aaf_id = "1000003"
    w.pupil_a3.save(update_fields=["aaf_id"])
    w.parent_a.aaf_id, w.parent_a.phone_home = "2000001", "0400000000"
    w.parent_a.save(update_fields=["aaf_id", "phone_home"])
    w.father_a = PersonFactory(population=Population.PERS_REL_ELEVE, profile=Profile.PARENT,
                               first_name="Paul", last_name="Dupont", aaf_id="2000004")
    # The AAF links him to Noé only; SIECLE says he is Léa's father too.
    ParenteFactory(eleve=w.pupil_a2, responsable=w.father_a)
    w.teacher_a.aaf_id = "70001"
    w.teacher_a.save(update_fields=["aaf_id"])
    w.teacher_a2.birth_date = date(1980, 5, 6)
    w.teacher_a2.save(update_fields=["birth_date"])
    return w
