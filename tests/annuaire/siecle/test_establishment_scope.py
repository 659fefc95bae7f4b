"""A completion reads and writes only the people of the establishment it is run for.

The audit's three attacks, as a principal of collège A uploading « Responsables » files that
name collège B's relatives by their AAF identifiers (sequential, so easy to guess): their names
must not come back in the report (enumeration), their empty contact fields must stay empty
(write), and a RESPONSABLE_ELEVE must not make them a guardian of A's pupil (link).
"""

import shutil

import pytest
from django.urls import reverse

from annuaire.models import (
    Parente,
    Person,
    Population,
    Profile,
    Role,
    SiecleImport,
    SiecleIssue,
)
from annuaire.siecle.report_text import report_as_json, report_as_text
from annuaire.siecle.services import siecle_import_create, siecle_import_execute
from tests.factories import ParenteFactory, PersonFactory, RoleFactory

from .conftest import FIXTURES, SET, TODAY
from .test_import import run as run_set

PARAMS = """  <PARAMETRES>
    <UAJ>0690001A</UAJ>
    <ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>
    <DATE_EXPORT>02/03/2026</DATE_EXPORT>
  </PARAMETRES>
"""
FIRST_NAMES = ["Clémence", "Julien", "Agathe", "Bruno", "Chloé", "Damien", "Elsa", "Fabien",
               "Gaëlle", "Hervé", "Irène", "Jérôme", "Karine", "Loïc", "Maëlle", "Nadir",
               "Odile", "Pascal", "Rémi", "Sarah"]


def responsables_xml(personnes, liens):
    """A « ResponsablesAvecAdresses » export: personnes as (id, last, first, e-mail, phone),
    liens as (ELEVE_ID, PERSONNE_ID)."""
    people = "".join(f"""      <PERSONNE PERSONNE_ID="{pid}">
        <LC_CIVILITE>MME</LC_CIVILITE>
        <NOM_DE_FAMILLE>{last}</NOM_DE_FAMILLE>
        <PRENOM>{first}</PRENOM>
        <TEL_PORTABLE>{phone}</TEL_PORTABLE>
        <MEL>{mail}</MEL>
        <COMMUNICATION_ADRESSE>0</COMMUNICATION_ADRESSE>
        <ADRESSE_ID>3000001</ADRESSE_ID>
      </PERSONNE>
""" for pid, last, first, mail, phone in personnes)
    links = "".join(f"""      <RESPONSABLE_ELEVE>
        <ELEVE_ID>{eleve}</ELEVE_ID>
        <PERSONNE_ID>{pid}</PERSONNE_ID>
        <NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE>
        <CODE_PARENTE>10</CODE_PARENTE>
        <PAIE_FRAIS_SCOLAIRES>1</PAIE_FRAIS_SCOLAIRES>
        <PERCOIT_LES_AIDES>false</PERCOIT_LES_AIDES>
        <HEBERGE_ELEVE>true</HEBERGE_ELEVE>
        <A_CONTACTER_EN_PRIORITE>true</A_CONTACTER_EN_PRIORITE>
      </RESPONSABLE_ELEVE>
""" for eleve, pid in liens)
    return ('<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_RESPONSABLES VERSION="2.1">\n'
            + PARAMS + "  <DONNEES>\n    <PERSONNES>\n" + people + "    </PERSONNES>\n"
            + "    <RESPONSABLES>\n" + links + "    </RESPONSABLES>\n    <ADRESSES>\n"
            + """      <ADRESSE ADRESSE_ID="3000001">
        <LIGNE1_ADRESSE>1 RUE DE L'AUDIT</LIGNE1_ADRESSE>
        <CODE_POSTAL>69001</CODE_POSTAL>
        <LIBELLE_POSTAL>LYON</LIBELLE_POSTAL>
        <LL_PAYS>FRANCE</LL_PAYS>
      </ADRESSE>
    </ADRESSES>
  </DONNEES>
</BEE_RESPONSABLES>
""").encode("iso-8859-15")


@pytest.fixture
def college_b_relatives(siecle_world):
    """Twenty relatives of collège B's pupils, with the empty contact fields an attacker
    would fill, identified by consecutive AAF ids as the feed numbers them."""
    w = siecle_world
    relatives = []
    for i, first in enumerate(FIRST_NAMES):
        pupil = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                              first_name=f"Enfant{i}", last_name=f"Vasseur-{first}")
        RoleFactory(person=pupil, etablissement=w.etab_b, role=Role.Kind.ELEVE)
        relative = PersonFactory(population=Population.PERS_REL_ELEVE, profile=Profile.PARENT,
                                 first_name=first, last_name=f"Vasseur-{first}",
                                 aaf_id=f"{9000001 + i}")
        ParenteFactory(eleve=pupil, responsable=relative)
        RoleFactory(person=relative, etablissement=w.etab_b, role=Role.Kind.PARENT)
        relatives.append(relative)
    return relatives


def run(etab, tmp_path, xml):
    folder = tmp_path / "depot"
    folder.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "Nomenclature.xml", folder / "Nomenclature.xml")
    (folder / "ResponsablesAvecAdresses.xml").write_bytes(xml)
    imp = siecle_import_create(etab=etab, paths=[folder], origin=SiecleImport.Origin.CLI)
    imp = siecle_import_execute(import_id=imp.pk, today=TODAY)
    imp.refresh_from_db()
    assert imp.status == SiecleImport.Status.APPLIED, imp.error
    return imp


def contact_fields(people):
    return {p.pk: (p.email, p.phone_mobile, p.address, p.postal_code, p.city, p.siecle)
            for p in Person.objects.filter(pk__in=[p.pk for p in people])}


def everything_said(imp):
    issues = list(SiecleIssue.objects.filter(siecle_import=imp))
    return (report_as_text(imp, issues) + str(report_as_json(imp, issues))
            + str(imp.report)).upper()


def test_other_college_ids_with_wrong_names_name_nobody(siecle_world, college_b_relatives,
                                                        tmp_path):
    w = siecle_world
    guessed = [(r.aaf_id, "INCONNU", f"Essai{i}", "", "") for i, r in
               enumerate(college_b_relatives)]
    imp = run(w.etab_a, tmp_path, responsables_xml(
        [*guessed, ("12345678", "INCONNU", "Témoin", "", "")], []))
    said = everything_said(imp)
    for relative in college_b_relatives:
        assert relative.last_name.upper() not in said
        assert relative.first_name.upper() not in said
    # An identifier of B's relative reads exactly as one nobody holds: no oracle either.
    unmatched = {i.identifier: i.message for i in SiecleIssue.objects.filter(
        siecle_import=imp, level=SiecleIssue.Level.NON_RAPPROCHE)}
    assert len(unmatched) == 21
    assert unmatched["9000001"] == unmatched["12345678"].replace("12345678", "9000001") == (
        "aucun responsable d'un élève de l'établissement ne correspond (PERSONNE_ID 9000001) : "
        "rien n'est écrit")
    assert not SiecleIssue.objects.filter(siecle_import=imp).exclude(
        level=SiecleIssue.Level.NON_RAPPROCHE).exists()
    assert imp.report["counts"]["responsables"] == {"lus": 21, "non_rapproches": 21}


def test_other_college_ids_with_right_names_write_nothing(siecle_world, college_b_relatives,
                                                          tmp_path):
    w = siecle_world
    before = contact_fields(college_b_relatives)
    links_before = sorted(Parente.objects.values_list("eleve_id", "responsable_id"))
    roles_before = sorted(Role.objects.values_list("person_id", "etablissement_id", "role"))
    right = [(r.aaf_id, r.last_name.upper(), r.first_name, f"pirate{i}@example.invalid",
              f"+3360000{i:04d}") for i, r in enumerate(college_b_relatives)]
    imp = run(w.etab_a, tmp_path, responsables_xml(right, []))
    assert contact_fields(college_b_relatives) == before
    assert all(fields[:3] == ("", "", "") for fields in before.values())
    assert imp.rows_written == 0 and imp.report["counts"]["responsables"] == {
        "lus": 20, "non_rapproches": 20}
    assert sorted(Parente.objects.values_list("eleve_id", "responsable_id")) == links_before
    assert sorted(Role.objects.values_list("person_id", "etablissement_id", "role")) == \
        roles_before


def test_responsable_eleve_never_links_another_college_s_relative(siecle_world,
                                                                  college_b_relatives,
                                                                  tmp_path):
    """Right name, and a RESPONSABLE_ELEVE naming A's pupil: still no link, so B's relative
    reads nothing of the pupil, and A's principal gets no hold on them."""
    w = siecle_world
    target = college_b_relatives[0]
    imp = run(w.etab_a, tmp_path, responsables_xml(
        [(target.aaf_id, target.last_name.upper(), target.first_name, "x@example.invalid", ""),
         ("2000001", "DUPONT", "Sophie", "", "")],
        [("1000001", target.aaf_id), ("1000001", "2000001")]))
    assert not Parente.objects.filter(responsable=target).exclude(
        eleve__roles__etablissement=w.etab_b).exists()
    assert not Role.objects.filter(person=target, etablissement=w.etab_a).exists()
    assert imp.report["counts"]["liens"] == {"lus": 2, "rapproches": 1, "sans_compte": 1}
    assert imp.report["writes"].get("liens_crees") is None
    # A's own relative, linked by the AAF, has her link completed.
    assert Parente.objects.get(eleve=w.pupil_a, responsable=w.parent_a).siecle["priorite"] is True


def test_the_report_page_names_no_one_of_another_college(siecle_world, college_b_relatives,
                                                         tmp_path, login):
    w = siecle_world
    imp = run(w.etab_a, tmp_path, responsables_xml(
        [(r.aaf_id, "INCONNU", "Essai", "", "") for r in college_b_relatives], []))
    client = login(w.principal_a)
    url = reverse("annuaire:siecle_import", args=[imp.pk])
    page = client.get(url)
    csv = client.get(url, {"format": "csv"})
    assert page.status_code == csv.status_code == 200
    text = (page.content.decode() + b"".join(csv.streaming_content).decode()).upper()
    assert "PERSONNE_ID 9000001" in text and "PERSONNE_ID 9000020" in text
    for relative in college_b_relatives:
        assert relative.last_name.upper() not in text


def test_a_relative_of_two_colleges_is_completed_from_either(siecle_world, tmp_path):
    """Attached to A through a child there: A's completion may fill what the AAF left empty."""
    w = siecle_world
    Person.objects.filter(pk=w.parent_b.pk).update(aaf_id="2000007")
    ParenteFactory(eleve=w.pupil_a3, responsable=w.parent_b)
    imp = run(w.etab_a, tmp_path, responsables_xml(
        [("2000007", "LEFEBVRE", "Julie", "julie@example.invalid", "")],
        [("1000003", "2000007")]))
    assert Person.objects.get(pk=w.parent_b.pk).email == "julie@example.invalid"
    assert imp.report["counts"]["responsables"]["par_identifiant"] == 1


def test_pupil_and_teacher_ids_of_another_college_are_unknown_too(siecle_world, fixture_copy):
    """Collège B's pupil and teacher carry the ids A's files give to people A lacks."""
    w = siecle_world
    Person.objects.filter(pk=w.pupil_b.pk).update(aaf_id="1000009")
    Person.objects.filter(pk=w.teacher_b.pk).update(aaf_id="70003")
    before = contact_fields([w.pupil_b, w.teacher_b]), Person.objects.filter(
        pk__in=[w.pupil_b.pk, w.teacher_b.pk]).values_list("ine", "birth_date", "regime")
    imp = run_set(w.etab_a, fixture_copy(*SET))
    after = contact_fields([w.pupil_b, w.teacher_b]), Person.objects.filter(
        pk__in=[w.pupil_b.pk, w.teacher_b.pk]).values_list("ine", "birth_date", "regime")
    assert (before[0], list(before[1])) == (after[0], list(after[1]))
    said = everything_said(imp)
    assert "LEFEBVRE" not in said and "MARCHAND" not in said
    assert set(SiecleIssue.objects.filter(siecle_import=imp, identifier__in=[
        "1000009", "70003"]).values_list("level", flat=True)) == {"non_rapproche"}
