"""The AAF generator: files in the shape of the real samples, deterministic, importable, and a
Delta consistent with its Complet; the demo set-up that uses them."""

import datetime
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from annuaire.aaf import generator_names, pipeline
from annuaire.aaf.errors import AafFileError
from annuaire.aaf.files import PERSON_POPULATIONS, describe
from annuaire.aaf.generator import (
    AcademieSpec,
    OutputOptions,
    academie_plan,
    academie_write,
    uai_key,
    xml_escape,
)
from annuaire.aaf.logins import several_people_reason
from annuaire.aaf.parser import CATEGORIES, AafParser
from annuaire.aaf.records import KNOWN_ATTRIBUTES, parse_date
from annuaire.management.commands.demo_setup import DEMO_PASSWORD
from annuaire.models import (
    AafImport,
    Etablissement,
    Inscription,
    Person,
    ProfPrincipal,
    Regroupement,
    Role,
)
from imports.models import TimetableImport
from viescolaire.models import Cours, Seance

SPEC = AcademieSpec(accounts=900, etabs=3, seed=7, date=datetime.date(2024, 9, 16))
JOIN_ATTRIBUTE = {
    "EtabEducNat": "ENTStructureJointure", "MatiereEducNat": "ENTMatJointure",
    "MefEducNat": "ENTMefJointure", "Eleve": "ENTPersonJointure",
    "PersRelEleve": "ENTPersonJointure", "PersEducNat": "ENTPersonJointure",
}
BOOLEANS = {"ENTEleveBoursier", "ENTEleveTransport", "PersEducNatPresenceDevantEleves",
            "ENTPersonCategorieEnseignant", "ENTPersonAdresseDiffusion"}


def read_records(folder):
    """Every parsable AAF file under ``folder``: {population: [records]}, and the headers."""
    records, headers = {}, {}
    for path in sorted(Path(folder).rglob("*.xml")):
        parser = AafParser(path, path.name, 1 << 30)
        try:
            parsed = list(parser.records())
        except AafFileError:
            continue  # the samples PROVENANCE.md lists as malformed
        if not parsed:
            continue
        population = describe(path, path.name).population or CATEGORIES[parsed[0].category]
        records.setdefault(population, []).extend(parsed)
        headers[path.name] = parser.header
    return records, headers


def field_counts(records):
    """For each attribute, the set of ``$``-field counts of its non-empty values."""
    counts = {}
    for record in records:
        for name, values in record.attributes.items():
            for value in values:
                if value:
                    counts.setdefault(name, set()).add(len(value.split("$")))
    return counts


def first_order(records):
    return list(records[0].attributes)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("complet")
    result = academie_write(spec=SPEC, out_dir=out)
    records, headers = read_records(out)
    return out, result, records, headers


def test_generated_records_have_the_shape_of_the_samples(aaf_samples, generated):
    _out, _result, records, headers = generated
    samples, _headers = read_records(aaf_samples)
    assert set(records) == set(samples) == set(JOIN_ATTRIBUTE)
    sample_fields, generated_fields = {}, {}
    for population, sample_records in samples.items():
        mine = records[population]
        names = set().union(*(r.attributes for r in mine))
        sample_names = set().union(*(r.attributes for r in sample_records))
        assert names <= KNOWN_ATTRIBUTES[population], population
        assert sample_names <= names, (population, sorted(sample_names - names))
        # Same order as the samples for the attributes they share.
        for record in sample_records[:1] + sample_records[-1:]:
            shared = [n for n in record.attributes if n in names]
            assert [n for n in first_order(mine) if n in shared] == shared, population
        for name, counts in field_counts(sample_records).items():
            sample_fields.setdefault(name, set()).update(counts)
        for name, counts in field_counts(mine).items():
            generated_fields.setdefault(name, set()).update(counts)
    compound = {name for name, counts in sample_fields.items() if max(counts) > 1}
    assert {"ENTElevePersRelEleve", "ENTPersonFonctions", "ENTAuxEnsClassesMatieres",
            "ENTEleveClasses", "ENTStructureNomCourant"} <= compound
    for name in compound:
        assert generated_fields.get(name, set()) <= sample_fields[name], name
    assert generated_fields["ENTElevePersRelEleve"] == {6}
    assert generated_fields["ENTPersonFonctions"] == {5}
    for header in headers.values():
        assert header.version == "AAF-VE2407"
        assert set(header.comments) == {"versionAF", "versionSDET", "codeAcademieExport",
                                        "degre", "dateGenerationExport"}


def test_generated_values_are_well_formed_and_consistent(generated):
    _out, _result, records, _headers = generated
    ids = Counter()
    for population, items in records.items():
        for record in items:
            assert record.op == "add" and not record.problems
            assert record.attributes[JOIN_ATTRIBUTE[population]] == [record.identifier]
            assert record.identifier.isdigit()
            ids[record.identifier] += 1
            for name, values in record.attributes.items():
                if name in BOOLEANS:
                    assert set(values) <= {"O", "N"}, name
                if name == "ENTPersonDateNaissance":
                    for value in values:
                        parse_date(value)
                if name == "ENTEleveDateEntreeClasses":
                    assert all(parse_date(v.split("$")[1]) for v in values)
    assert max(ids.values()) == 1
    subjects = {r.identifier for r in records["MatiereEducNat"]}
    mefs = {r.identifier for r in records["MefEducNat"]}
    etabs = {r.identifier for r in records["EtabEducNat"]}
    relatives = {r.identifier for r in records["PersRelEleve"]}
    referenced = set()
    for pupil in records["Eleve"]:
        attrs = pupil.attributes
        assert set(attrs["ENTEleveCodeEnseignements"]) <= subjects
        assert len(attrs["ENTEleveCodeEnseignements"]) == len(attrs["ENTEleveEnseignements"])
        assert attrs["ENTEleveMEF"][0] in mefs
        assert {v.split("$")[0] for v in attrs["ENTEleveClasses"] + attrs["ENTEleveGroupes"]
                if v} <= etabs
        links = [v.split("$") for v in attrs["ENTElevePersRelEleve"]]
        assert links and {link[0] for link in links} <= relatives
        referenced |= {link[0] for link in links}
    assert referenced == relatives  # every relative is someone's relative
    for member in records["PersEducNat"]:
        attrs = member.attributes
        for value in attrs["ENTAuxEnsClassesMatieres"] + attrs["ENTAuxEnsGroupesMatieres"]:
            if value:
                etab, _code, subject = value.split("$")
                assert etab in etabs and subject in subjects
        assert all(v.split("$")[1] in mefs for v in attrs["ENTAuxEnsMEF"] if v)
        assert {v.split("$")[0] for v in attrs["ENTPersonFonctions"]} <= etabs


def test_accounts_split_as_in_an_academie(tmp_path):
    result = academie_write(spec=AcademieSpec(accounts=12_000, seed=1), out_dir=tmp_path)
    pupils, relatives, staff = (result.counts[p] for p in PERSON_POPULATIONS)
    total = pupils + relatives + staff
    assert abs(total - 12_000) < 0.05 * 12_000
    assert 0.42 < pupils / total < 0.48 and 0.47 < relatives / total < 0.54
    assert 0.035 < staff / total < 0.06
    plan = academie_plan(spec=AcademieSpec(accounts=12_000, seed=1))
    assert {etab.kind for etab in plan.etabs} == {"college", "lycee"}


def test_generated_people_look_french_and_unevenly_typed(generated):
    _out, result, records, _headers = generated
    assert result.counts["Eleve"] == len(records["Eleve"])
    given = [r.attributes["givenName"][0] for p in PERSON_POPULATIONS for r in records[p]]
    last = [r.attributes["sn"][0] for p in PERSON_POPULATIONS for r in records[p]]
    assert any(re.search("[éèëêïîôç]", name) for name in given)
    assert any("-" in name for name in given)
    assert any("'" in name for name in last)
    functions = Counter(v.split("$")[1] for r in records["PersEducNat"]
                        for v in r.attributes["ENTPersonFonctions"])
    assert functions["DIR"] == 2 * SPEC.etabs
    assert {"ENS", "EDU", "DOC", "ADF", "OUV", "AED", "LAB"} <= set(functions)
    principals = [v for r in records["PersEducNat"] for v in r.attributes["ENTAuxEnsClassesPrincipal"] if v]
    divisions = {v for r in records["Eleve"] for v in r.attributes["ENTEleveClasses"]}
    assert sorted(principals) == sorted(divisions)  # one professeur principal per division
    codes = Counter(v.split("$")[1] for r in records["Eleve"]
                    for v in r.attributes["ENTElevePersRelEleve"])
    assert codes["10"] > codes["39"] and codes["20"] > 0 and not set(codes) - {
        "10", "20", "38", "39", "50", "51"}
    # The rare records a secretariat gets wrong are there, and rare.
    several = [r for r in records["PersRelEleve"] if several_people_reason(
        r.attributes["givenName"][0], r.attributes["sn"][0])]
    assert 1 <= len(several) <= 3
    twins = Counter((r.attributes["sn"][0], r.attributes["givenName"][0],
                     r.attributes["ENTPersonDateNaissance"][0]) for r in records["Eleve"])
    assert 1 <= sum(n - 1 for n in twins.values()) <= 3
    # Some families have children in two establishments.
    etabs_of = {}
    for pupil in records["Eleve"]:
        for link in pupil.attributes["ENTElevePersRelEleve"]:
            etabs_of.setdefault(link.split("$")[0], set()).add(
                pupil.attributes["ENTPersonStructRattach"][0])
    assert any(len(e) > 1 for e in etabs_of.values())


def test_uai_codes_carry_their_check_letter():
    for uai in ("0750680G", "0011241U", "0019999N", "0421943J"):  # real UAIs of the samples
        assert uai_key(uai[:7]) == uai[7]
    for etab in academie_plan(spec=SPEC).etabs:
        assert re.fullmatch(r"\d{7}[A-Z]", etab.uai) and uai_key(etab.uai[:7]) == etab.uai[7]


def test_same_seed_writes_the_same_bytes(tmp_path):
    spec = AcademieSpec(accounts=300, etabs=2, seed=3)
    first = academie_write(spec=spec, out_dir=tmp_path / "a")
    again = academie_write(spec=spec, out_dir=tmp_path / "b", workers=2)
    other = academie_write(spec=AcademieSpec(accounts=300, etabs=2, seed=4), out_dir=tmp_path / "c")
    assert [f.path.name for f in first.files] == [f.path.name for f in again.files]
    for mine, theirs in zip(first.files, again.files, strict=True):
        assert mine.path.read_bytes() == theirs.path.read_bytes()
    def pupils_of(result):
        return next(f for f in result.files if f.population == "Eleve").path.read_bytes()

    assert pupils_of(other) != pupils_of(first)


def test_files_are_split_named_and_crlf_on_request(tmp_path):
    spec = AcademieSpec(accounts=400, etabs=2, seed=2, prefix="ENT2DVA-TEST")
    result = academie_write(spec=spec, out_dir=tmp_path,
                            output=OutputOptions(records_per_file=70, crlf=True))
    eleves = [f for f in result.files if f.population == "Eleve"]
    assert len(eleves) > 1 and all(f.records <= 70 for f in eleves)
    assert [f.path.name for f in eleves] == [
        f"ENT2DVA-TEST_Complet_20240916_Eleve_{n:04d}.xml" for n in range(len(eleves))]
    data = eleves[-1].path.read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\r\n<!DOCTYPE ficAlimMENESR')
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    records, _ = read_records(tmp_path)
    assert len(records["Eleve"]) == result.counts["Eleve"] == sum(f.records for f in eleves)


def test_iso_8859_15_output_round_trips_accents(tmp_path):
    spec = AcademieSpec(accounts=1200, etabs=2, seed=5)
    academie_write(spec=spec, out_dir=tmp_path / "utf8")
    academie_write(spec=spec, out_dir=tmp_path / "latin9",
                   output=OutputOptions(encoding="iso-8859-15"))
    raw = next((tmp_path / "latin9").glob("*_PersRelEleve_0000.xml")).read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>')
    assert "é".encode("iso-8859-15") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    utf8, _ = read_records(tmp_path / "utf8")
    latin9, headers = read_records(tmp_path / "latin9")
    assert {h.encoding for h in headers.values()} == {"ISO-8859-15"}
    for population in PERSON_POPULATIONS:
        assert [r.attributes for r in latin9[population]] == [r.attributes for r in utf8[population]]
    # « œ » is in Latin-9, not in Latin-1: it must survive as one byte, not a reference.
    values = [v for p in PERSON_POPULATIONS for r in latin9[p] for vs in r.attributes.values() for v in vs]
    assert any("œ" in v or "Œ" in v for v in values)
    assert "œ".encode("iso-8859-15") in b"".join(
        p.read_bytes() for p in (tmp_path / "latin9").glob("*.xml"))
    for word in (*generator_names.SURNAMES, *generator_names.FEMALE_FIRST_NAMES,
                 *generator_names.MALE_FIRST_NAMES, *generator_names.STREETS):
        word.encode("iso-8859-15")


def test_xml_escape_writes_what_aaf_files_write():
    assert xml_escape("L'ASTREE & <CO>") == "L&apos;ASTREE &amp; &lt;CO&gt;"


@pytest.mark.django_db
def test_generated_academie_imports_without_rejection(generated, tmp_path):
    out, result, _records, _headers = generated
    run = pipeline.run([out], tmp_path / "work")
    report = run.report
    assert run.status == "applied" and report["kind"] == "Complet"
    assert report["rejected_count"] == 0 and report["warnings"] == {}
    assert report["unknown_attributes"] == []
    for population, n in result.counts.items():
        assert report["counts"][population]["created"] == n, population
    controls = Counter(i["code"] for i in run.issues if i["level"] == "controle")
    assert controls["plusieurs_personnes"] >= 1 and controls["doublon_probable"] >= 2
    assert Etablissement.objects.count() == SPEC.etabs
    pupils = Person.objects.filter(population="Eleve")
    assert pupils.count() == result.counts["Eleve"]
    assert Inscription.objects.filter(
        regroupement__nature=Regroupement.Nature.DIVISION).count() == pupils.count()
    divisions = Regroupement.objects.filter(nature=Regroupement.Nature.DIVISION)
    assert ProfPrincipal.objects.values("regroupement").distinct().count() == divisions.count()
    assert Role.objects.filter(role=Role.Kind.PARENT).values("person").distinct().count() > 0
    again = pipeline.run([out], tmp_path / "work")
    for population, n in result.counts.items():
        assert again.report["counts"][population]["unchanged"] == n, population
    assert again.report["rows_written"] == 0


@pytest.mark.django_db
def test_delta_follows_its_complet(tmp_path):
    spec = AcademieSpec(accounts=1200, etabs=2, seed=11)
    complet = academie_write(spec=spec, out_dir=tmp_path / "complet")
    delta_spec = AcademieSpec(accounts=1200, etabs=2, seed=11, date=datetime.date(2024, 9, 20))
    delta = academie_write(spec=delta_spec, out_dir=tmp_path / "delta", delta_share=0.04)
    assert all("_Delta_20240920_" in f.path.name for f in delta.files)
    full, _ = read_records(tmp_path / "complet")
    changes, _ = read_records(tmp_path / "delta")
    seen = Counter()
    for population in PERSON_POPULATIONS:
        known = {r.identifier for r in full[population]}
        ops = {op: [r.identifier for r in changes.get(population, []) if r.op == op]
               for op in ("add", "modify", "delete")}
        for op, ids in ops.items():
            assert sorted(ids) == sorted(getattr(delta.delta, op).get(population, [])), (population, op)
            seen.update(ids)
        assert set(ops["modify"]) | set(ops["delete"]) <= known
        assert not set(ops["add"]) & known
    assert max(seen.values()) == 1
    assert delta.delta.count("add", "Eleve") and delta.delta.count("modify", "Eleve")
    assert delta.delta.count("delete", "Eleve") and delta.delta.count("modify", "PersRelEleve")
    modified = [r for r in changes["Eleve"] if r.op == "modify"]
    assert all(len(r.attributes) == len(full["Eleve"][0].attributes) for r in modified)
    first = pipeline.run([tmp_path / "complet"], tmp_path / "work")
    assert first.status == "applied"
    assert first.report["counts"]["Eleve"]["created"] == complet.counts["Eleve"]
    run = pipeline.run([tmp_path / "delta"], tmp_path / "work")
    report = run.report
    assert run.status == "applied" and report["kind"] == "Delta"
    assert report["rejected_count"] == 0 and report["warnings"] == {}
    for population in PERSON_POPULATIONS:
        counts = report["counts"][population]
        assert counts["created"] == delta.delta.count("add", population), population
        assert counts["updated"] == delta.delta.count("modify", population), population
        assert counts["deactivated"] == delta.delta.count("delete", population), population
        assert counts["unchanged"] == 0, population
    gone = delta.delta.delete["Eleve"]
    assert not Person.objects.filter(aaf_id__in=gone, deactivated_at__isnull=True).exists()


def _demo_rows(output):
    rows = []
    for line in output.splitlines():
        if DEMO_PASSWORD in line and "  " in line:
            cells = re.split(r"\s{2,}", line.strip())
            if len(cells) == 5:
                rows.append(cells)
    return rows


@pytest.mark.django_db
def test_demo_setup_prints_logins_that_work_and_is_idempotent(tmp_path):
    out = io.StringIO()
    call_command("demo_setup", out=str(tmp_path / "demo"), accounts=400, stdout=out)
    rows = _demo_rows(out.getvalue())
    assert [row[0] for row in rows] == [
        "Élève", "Parent", "Enseignant (professeur principal)",
        "Direction (chef d'établissement)", "CPE / vie scolaire", "Documentaliste",
        "Personnel (secrétariat)", "Administrateur d'établissement", "Administrateur académique"]
    for _profile, _name, login, password, _where in rows:
        assert password == DEMO_PASSWORD
        person = authenticate(None, username=login, password=DEMO_PASSWORD)
        assert person is not None and person.activated_at is not None, login
    logins = {row[0]: row[2] for row in rows}
    admin = Person.objects.get(login="admin.academique")
    assert admin.roles.filter(role=Role.Kind.ADMIN_ACADEMIQUE, etablissement=None).exists()
    assert Role.objects.filter(person__login=logins["Administrateur d'établissement"],
                               role=Role.Kind.ADMIN_ETAB).count() == 1
    assert Role.objects.filter(person__login=logins["Direction (chef d'établissement)"],
                               role=Role.Kind.DIRECTION).exists()
    assert Role.objects.filter(person__login=logins["Parent"], role=Role.Kind.PARENT).exists()
    assert Etablissement.objects.filter(type_code="340").count() >= 2
    people, roles = Person.objects.count(), Role.objects.count()
    again = io.StringIO()
    call_command("demo_setup", out=str(tmp_path / "demo"), accounts=400, stdout=again)
    assert _demo_rows(again.getvalue()) == rows
    assert (Person.objects.count(), Role.objects.count()) == (people, roles)
    assert list(AafImport.objects.values_list("status", flat=True)) == [
        AafImport.Status.APPLIED] * 2
    assert authenticate(None, username=logins["Élève"], password=DEMO_PASSWORD) is not None
    # Exports SIECLE / STS-web of the first collège, beside the AAF files, to upload.
    assert sorted(p.name for p in (tmp_path / "demo-siecle").iterdir())[:3] == [
        "ElevesSansAdresses.xml", "Nomenclature.xml", "ResponsablesAvecAdresses.xml"]
    assert "Exports SIECLE et STS-web de" in again.getvalue()
    # Each collège's generated timetable, validated: the pupil and the teacher have this week.
    assert again.getvalue().count("Emploi du temps de") == out.getvalue().count(
        "Emploi du temps de") >= 2
    today = datetime.date.today()
    week = (today - datetime.timedelta(days=today.weekday()),
            today + datetime.timedelta(days=6 - today.weekday()))
    pupil, teacher = (Person.objects.get(login=logins[k])
                      for k in ("Élève", "Enseignant (professeur principal)"))
    divisions = Inscription.objects.filter(eleve=pupil).values("regroupement_id")
    assert Seance.objects.filter(date__range=week, cours__regroupements__in=divisions).exists()
    assert Seance.objects.filter(date__range=week, cours__enseignants=teacher).exists()
    assert TimetableImport.objects.filter(status="valide").count() == 2 * len(
        Cours.objects.values("etablissement").distinct())
    # The cahier de textes is alive for the demo family and teacher, visas included; a rerun
    # writes nothing twice.
    from viescolaire.cahier.models import Contenu, Devoir, Visa

    assert "Cahier de textes :" in out.getvalue()
    assert Contenu.objects.filter(seance__cours__regroupements__in=divisions).exists()
    assert Devoir.objects.filter(seance__cours__enseignants=teacher).exists()
    assert Visa.objects.exists()
    assert "Cahier de textes : 0 contenu de séance" in again.getvalue()


@pytest.mark.django_db
def test_generate_aaf_command_reports_in_french(tmp_path):
    out = io.StringIO()
    call_command("generate_aaf", str(tmp_path), accounts=300, etabs=2, seed=1, date="20240916",
                 stdout=out)
    text = out.getvalue()
    assert "ENT2DVA-DEMO_Complet_20240916_Eleve_0000.xml" in text
    assert "Élèves" in text and "Responsables" in text and "Total : 6 fichiers" in text
    delta = io.StringIO()
    call_command("generate_aaf", str(tmp_path / "delta"), accounts=300, etabs=2, seed=1,
                 date="20240917", delta=0.05, encoding="iso-8859-15", stdout=delta)
    assert "Opérations du Delta" in delta.getvalue()
    assert list((tmp_path / "delta").glob("ENT2DVA-DEMO_Delta_20240917_Eleve_0000.xml"))
