"""Saving the rapprochements of one form: every target checked, all rows or none written."""

import pytest
from django.utils import timezone

from annuaire.models import Person, Role
from imports import services
from imports.models import Rapprochement
from tests.factories import MatiereFactory


def _rows(world):
    w = world
    return [("teacher", "martin|helene", "MARTIN Hélène", str(w.teacher_a.pk)),
            ("division", "3 a", "3 A", str(w.div_3a.pk)),
            ("group", "latin", "LATIN", str(w.grp_latin.pk)),
            # Timetable software often makes a group of what SIECLE calls a division.
            ("group", "3b", "3B", str(w.div_3b.pk)),
            ("subject", "061300", "MATHS", str(w.maths.pk)),
            ("teacher", "inconnu|x", "INCONNU X", "ignore")]


def test_every_kind_is_saved_then_changed(world):
    w = world
    assert services.rapprochements_save(etab=w.etab_a, chosen=_rows(w), acting_user=w.principal_a) == 6
    links = {(r.kind, r.source_key): r for r in Rapprochement.objects.all()}
    assert links[("teacher", "martin|helene")].person == w.teacher_a
    assert links[("division", "3 a")].regroupement == w.div_3a
    assert links[("group", "3b")].regroupement == w.div_3b
    assert links[("subject", "061300")].matiere == w.maths
    ignored = links[("teacher", "inconnu|x")]
    assert ignored.ignored and ignored.target_id is None
    assert {r.updated_by for r in links.values()} == {w.principal_a}
    before = ignored.updated_at
    services.rapprochements_save(etab=w.etab_a, acting_user=w.admin_etab_a, chosen=[
        ("teacher", "inconnu|x", "INCONNU X.", str(w.teacher_a2.pk)),
        ("teacher", "martin|helene", "MARTIN Hélène", "ignore")])
    assert Rapprochement.objects.count() == 6
    changed = Rapprochement.objects.get(kind="teacher", source_key="inconnu|x")
    assert (changed.person, changed.ignored, changed.source_label) == (
        w.teacher_a2, False, "INCONNU X.")
    assert changed.updated_by == w.admin_etab_a and changed.updated_at > before
    now_ignored = Rapprochement.objects.get(kind="teacher", source_key="martin|helene")
    assert now_ignored.ignored and now_ignored.person is None


def test_the_last_choice_of_a_name_given_twice_wins(world):
    w = world
    services.rapprochements_save(etab=w.etab_a, acting_user=w.principal_a, chosen=[
        ("division", "3 a", "3 A", str(w.div_3a.pk)),
        ("division", "3 a", "3 A", str(w.div_3b.pk))])
    assert Rapprochement.objects.get().regroupement == w.div_3b


@pytest.mark.parametrize("bad", [
    "teacher of another establishment", "deactivated teacher", "pupil as a teacher",
    "group as a division", "division of another establishment", "group of another establishment",
    "unknown subject", "unknown choice", "unknown kind", "empty key"])
def test_one_out_of_reach_target_refuses_the_whole_form(world, bad):
    w = world
    if bad == "deactivated teacher":
        Person.objects.filter(pk=w.teacher_a2.pk).update(deactivated_at=timezone.now())
    row = {
        "teacher of another establishment": ("teacher", "x|y", "X Y", str(w.teacher_b.pk)),
        "deactivated teacher": ("teacher", "x|y", "X Y", str(w.teacher_a2.pk)),
        "pupil as a teacher": ("teacher", "x|y", "X Y", str(w.pupil_a.pk)),
        "group as a division": ("division", "latin", "LATIN", str(w.grp_latin.pk)),
        "division of another establishment": ("division", "3a", "3A", str(w.div_b_3a.pk)),
        "group of another establishment": ("group", "3a", "3A", str(w.div_b_3a.pk)),
        "unknown subject": ("subject", "999999", "X", "987654321"),
        "unknown choice": ("subject", "999999", "X", "maths"),
        "unknown kind": ("salle", "b12", "B12", "ignore"),
        "empty key": ("teacher", "", "X", "ignore"),
    }[bad]
    with pytest.raises(services.RapprochementError):
        services.rapprochements_save(etab=w.etab_a, chosen=[*_rows(w), row], acting_user=w.principal_a)
    assert not Rapprochement.objects.exists()


def test_a_teacher_only_as_documentaliste_is_no_target(world):
    w = world
    assert Role.objects.filter(person=w.doc_a, role=Role.Kind.ENSEIGNANT).count() == 0
    with pytest.raises(services.RapprochementError):
        services.rapprochement_set(etab=w.etab_a, kind="teacher", source_key="doc|denis",
                                   source_label="DOC Denis", target=str(w.doc_a.pk),
                                   acting_user=w.principal_a)
    assert not Rapprochement.objects.exists()


def test_subjects_are_shared_by_every_establishment(world):
    w = world
    other = MatiereFactory(code="020100", libelle="FRANCAIS")
    services.rapprochements_save(etab=w.etab_b, acting_user=w.principal_b, chosen=[
        ("subject", "020100", "FRANCAIS", str(other.pk))])
    assert Rapprochement.objects.get().etablissement == w.etab_b
