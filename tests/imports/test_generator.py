"""Generated timetables: the shape of the real exports, and importable for every teacher and
division of the establishment they come from."""

import dataclasses
import datetime

import pytest
from django.core.management import call_command
from lxml import etree

from annuaire.models import Regroupement, Role
from imports import services
from imports.generator import calendar_for, edt_write, mask_weeks, sts_write, timetable_build
from imports.models import TimetableImport
from imports.parsers import records as r
from imports.parsers import records_of
from imports.parsers.detect import upload_classify
from tests.conftest import SAMPLES
from tests.factories import (
    EnseignementFactory,
    InscriptionFactory,
    MatiereFactory,
    PersonFactory,
    RoleFactory,
)
from tests.samples import samples_missing
from viescolaire.models import Cours, Seance

pytestmark = pytest.mark.django_db
EDT = SAMPLES / "service-cahiertextes" / "Edt_To_LaclasseCom_0134567A_Enclair.xml"
TODAY = datetime.date(2026, 11, 24)


def _records(path):
    return list(records_of(upload_classify([(path.name, path.read_bytes())])))


def _shape(records):
    """Record kinds with, per field, the types its values take (None left out)."""
    shape = {}
    for record in records:
        fields = shape.setdefault(type(record).__name__, {})
        for f in dataclasses.fields(record):
            value = getattr(record, f.name)
            if value is not None and f.name not in ("line", "problems"):
                fields.setdefault(f.name, set()).add(type(value).__name__)
    return shape


@pytest.fixture
def college(world):
    """``world``'s first collège, with a few more services so a week can be filled."""
    etab = world.etab_a
    divisions = list(Regroupement.objects.filter(etablissement=etab, nature="division"))
    latin = Regroupement.objects.get(etablissement=etab, code="3LATIN")
    subjects = [MatiereFactory(code=code, libelle=label) for code, label in (
        ("020700", "FRANCAIS"), ("040600", "HISTOIRE-GEOGRAPHIE"),
        ("100100", "EDUCATION PHYSIQUE ET SPORTIVE"),
        ("062900", "SCIENCES DE LA VIE ET DE LA TERRE"), ("030602", "ESPAGNOL LV2"))]
    for n, subject in enumerate(subjects):
        teacher = PersonFactory(profile="enseignant", last_name=f"Prof{n}", first_name="Anne")
        RoleFactory(person=teacher, etablissement=etab, role=Role.Kind.ENSEIGNANT)
        for division in divisions:
            EnseignementFactory(enseignant=teacher, regroupement=division, matiere=subject)
    InscriptionFactory(eleve=world.pupil_a2, regroupement=latin)
    return etab


def test_calendar_of_this_school_year():
    cal = calendar_for(TODAY)
    assert cal.first_monday == datetime.date(2026, 8, 31) and cal.start == datetime.date(2026, 9, 1)
    assert cal.first_monday.weekday() == 0 and 40 <= cal.weeks <= 45
    this_week = cal.week_of(TODAY)
    assert this_week not in cal.holidays and len(cal.holidays) == 8
    assert cal.week_of(datetime.date(2026, 12, 28)) in cal.holidays
    assert cal.week_of(datetime.date(2026, 10, 26)) in cal.holidays
    assert mask_weeks(0b1110110) == "[1..2,4..6]"


def test_generated_edt_has_the_shape_of_the_real_sample(college, tmp_path):
    if not EDT.exists():
        samples_missing("l'échantillon EDT (../shared/samples/service-cahiertextes) est absent")
    tt = timetable_build(etab=college, today=TODAY, seed=3)
    path = edt_write(tt, tmp_path / f"Edt_To_ENT_{college.uai}.xml")
    generated, real = _records(path), _records(EDT)
    shape, real_shape = _shape(generated), _shape(real)
    assert set(shape) == set(real_shape)
    for kind, fields in shape.items():
        for name, types in fields.items():
            assert types <= real_shape[kind].get(name, types), (kind, name, types)
    # Index's schema: the generated file breaks it only where the real sample does too (the
    # sample's items hold a comment, which the schema's empty content type refuses).
    schema = etree.XMLSchema(etree.parse(str(EDT.with_name("ExportEmploiDuTemps.xsd"))))
    errors = set()
    for document in (path, EDT):
        schema.validate(etree.parse(str(document)))
        errors.add(frozenset(e.type_name for e in schema.error_log))
    assert errors == {frozenset({"SCHEMAV_CVC_COMPLEX_TYPE_2_1"})}
    assert b"<Eleves>" in path.read_bytes()
    header = generated[0]
    assert isinstance(header, r.Header) and header.uai == college.uai
    assert header.first_monday <= TODAY <= header.year_end
    courses = [x for x in generated if isinstance(x, r.Course)]
    assert courses and not any(c.problems for c in courses)
    assert {c.day for c in courses} <= {1, 2, 3, 4, 5}
    assert all(c.start >= datetime.time(13) or c.end <= datetime.time(12) for c in courses)
    assert not [c for c in courses if c.day == 3 and c.start >= datetime.time(12)]
    assert {x.code for x in generated if isinstance(x, r.Alternance)} <= {"A", "B"}
    teachers = {x.sts_id for x in generated if isinstance(x, r.Teacher)}
    assert college.roles.filter(role="enseignant").count() == len(teachers)
    # Nobody is in two places at once (weekly courses against each other).
    seen = set()
    for c in courses:
        if c.alternance:
            continue
        for item in c.items:
            if item.kind == "room":
                continue
            for half in range(c.start.hour * 2, c.end.hour * 2):
                key = (item.kind, item.ident, c.day, half)
                assert key not in seen, key
                seen.add(key)


def test_a_generated_timetable_is_imported_for_every_teacher_and_division(college, tmp_path):
    out = tmp_path / "edt.xml"
    call_command("generate_timetable", "--etab", college.uai, str(out), "--seed", "2")
    imp = services.timetable_import_create(etab=college, files=[(out.name, out.read_bytes())])
    imp = services.timetable_import_analyse(import_id=imp.pk)
    assert imp.status == TimetableImport.Status.BILAN, imp.error
    services.timetable_import_validate(imp=imp, acting_user=None, today=TODAY)
    teachers = college.roles.filter(role="enseignant", person__enseignements__isnull=False)
    for role in teachers.distinct():
        assert Cours.objects.filter(enseignants=role.person_id).exists(), role.person
    for division in Regroupement.objects.filter(etablissement=college):
        assert Cours.objects.filter(regroupements=division).exists(), division
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    assert Seance.objects.filter(date__range=(monday, monday + datetime.timedelta(days=4))).exists()
    assert not [u for u in Cours.objects.values_list("unmatched", flat=True) if u]


def test_generated_sts_pair_has_the_shape_of_the_real_pairs(college, tmp_path):
    cases = [SAMPLES / "edt" / f"case{n}" for n in (1, 2)]
    if not all(c.exists() for c in cases):
        samples_missing("les paires STS-web (../shared/samples/edt) sont absentes")
    tt = timetable_build(etab=college, today=TODAY, seed=3)
    paths = sts_write(tt, tmp_path / "sts")
    assert [p.name[:8] for p in paths] == ["sts_emp_", "emp_sts_"]
    assert all(p.read_bytes().startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>')
               for p in paths)
    generated = list(records_of(upload_classify([(p.name, p.read_bytes()) for p in paths])))
    real_shape = {}
    for case in cases:
        files = [(p.name, p.read_bytes()) for p in (case / "sts_emp.xml", case / "emp_sts.xml")]
        for kind, fields in _shape(records_of(upload_classify(files))).items():
            for name, types in fields.items():
                real_shape.setdefault(kind, {}).setdefault(name, set()).update(types)
    shape = _shape(generated)
    assert set(shape) == set(real_shape)
    for kind, fields in shape.items():
        for name, types in fields.items():
            assert types <= real_shape[kind].get(name, types), (kind, name, types)
    courses = [x for x in generated if isinstance(x, r.Course)]
    assert courses and not [c.problems for c in courses if c.problems]
    assert {c.alternance for c in courses} <= {"H", "A", "B"}


def test_a_generated_sts_pair_is_imported_like_the_edt_export(college, tmp_path):
    call_command("generate_timetable", "--etab", college.uai, str(tmp_path), "--format", "sts")
    files = [(p.name, p.read_bytes()) for p in sorted(tmp_path.glob("*.xml"))]
    imp = services.timetable_import_create(etab=college, files=files)
    imp = services.timetable_import_analyse(import_id=imp.pk)
    assert imp.status == TimetableImport.Status.BILAN, imp.error
    services.timetable_import_validate(imp=imp, acting_user=None, today=TODAY)
    for division in Regroupement.objects.filter(etablissement=college, nature="division"):
        assert Cours.objects.filter(regroupements=division).exists(), division
    # STS-web names subjects by national code only: a service without subject is left out.
    assert not Cours.objects.filter(regroupements__code="3LATIN").exists()
    assert not [u for u in Cours.objects.values_list("unmatched", flat=True) if u]
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    assert Seance.objects.filter(date__range=(monday, monday + datetime.timedelta(days=4))).exists()
